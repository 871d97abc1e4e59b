"""Every document the code, the data and the docs cite is a file in this repository.

A user of the wheel or of a fresh clone cannot follow a link into the team's private notes, so a
citation such as ``REFERENCE.md`` must name a file that is here (``data/reference.md``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCANNED = ("recommender", "webapp", "data", "docs", "benchmarks", "README.md")
CITATION = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w.-]+\.md)\b")


def _files() -> list[Path]:
    out: list[Path] = []
    for name in SCANNED:
        path = REPO / name
        if path.is_file():
            out.append(path)
        elif path.is_dir():
            out += [
                p for p in path.rglob("*") if p.suffix in {".py", ".md", ".csv", ".html", ".toml"}
            ]
    return out


def _citations(path: Path) -> set[str]:
    return set(CITATION.findall(path.read_text(encoding="utf-8", errors="replace")))


def _resolves(cited: str, source: Path) -> bool:
    return (REPO / cited).is_file() or (source.parent / cited).is_file()


def test_the_scan_finds_citations() -> None:
    assert sum(len(_citations(p)) for p in _files()) > 10


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_cited_document_is_in_the_repository(path: Path) -> None:
    missing = sorted(c for c in _citations(path) if not _resolves(c, path))
    assert not missing, f"{path.relative_to(REPO)} cites {missing}, which are not in the repo"
