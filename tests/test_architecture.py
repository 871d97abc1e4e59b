"""Dependencies point one way: surfaces -> service -> capabilities -> domain.

The layers are import-linter contracts in pyproject.toml ([tool.importlinter]); import-linter reads
every import, function-local ones included, so a cycle cannot hide inside a function.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = shutil.which("lint-imports", path=str(Path(sys.executable).parent))


def _lint_imports(source_root: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter on the ``recommender`` package found under ``source_root``."""
    assert LINT_IMPORTS, "import-linter is a dev dependency: pip install -e '.[dev]'"
    env = {**os.environ, "PYTHONPATH": str(source_root)}
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        capture_output=True,
        text=True,
        cwd=source_root,
        env=env,
        check=False,
    )


def test_the_layer_contracts_hold() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "upward_import"),
    [
        ("recommender/io/planted.py", "import recommender.service"),  # io -> service
        ("recommender/domain.py", "from recommender.grid import intensity"),  # bottom -> grid
        ("recommender/forecast/planted.py", "def f():\n    import recommender.ranking"),
    ],
)
def test_a_planted_upward_import_breaks_the_contract(tmp_path, module, upward_import) -> None:
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "recommender", copy / "recommender")
    target = copy / module
    before = target.read_text() if target.exists() else ""
    target.write_text(before + "\n" + upward_import + "\n")
    result = _lint_imports(copy)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout


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


def test_the_command_line_starts_without_the_engines_libraries() -> None:
    """`greenrec --help` imports click and the command list, not scikit-learn or pandas."""
    heavy = ("sklearn", "scipy", "pandas", "numpy", "pyarrow", "flask")
    code = f"import sys, recommender.cli; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
