"""Packaged reference data (``data/`` in a checkout, ``greenrec_data`` once installed).

Files are found through :mod:`importlib.resources`, so an editable checkout and a non-editable
install read the same bytes. Loaders that parse them live next to their users (``grid``,
``footprint``, ``io.importers``) and cache what they parse.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def data_path(relative: str) -> Path:
    """Absolute path of a packaged data file, e.g. ``data_path("grid/iso_country_codes.csv")``.

    Raises ``FileNotFoundError`` naming the file when the installation lacks it.
    """
    root = resources.files("greenrec_data")
    target = root.joinpath(*relative.split("/"))
    if not target.is_file():
        raise FileNotFoundError(
            f"packaged data file {relative!r} is missing from {root}; reinstall greenrec"
        )
    return Path(str(target))
