"""Dependencies point one way: surfaces -> service -> capabilities -> domain."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["recommender", "recommender.service", "recommender.cli"])
def test_engine_never_imports_flask(module: str) -> None:
    code = f"import sys, {module}; print('flask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_packaged_data_is_found_through_importlib_resources() -> None:
    from recommender.resources import data_path

    assert data_path("grid/country_carbon_intensity.csv").stat().st_size > 1000
    with pytest.raises(FileNotFoundError, match="no-such.csv"):
        data_path("grid/no-such.csv")


def test_every_package_is_listed_for_the_wheel() -> None:
    """A package missing from pyproject's list would vanish from a non-editable install."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    listed = set(
        tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    on_disk = {
        ".".join(init.parent.relative_to(root).parts)
        for top in ("recommender", "webapp")
        for init in (root / top).rglob("__init__.py")
    }
    assert on_disk - listed == set()
