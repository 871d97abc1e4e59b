"""Fixtures for the footprint tests: a fake sysfs RAPL tree and /proc/stat (see footprint_fakes)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from footprint_fakes import FakeProcStat, FakeRapl


@pytest.fixture
def fake_rapl(tmp_path: Path) -> FakeRapl:
    return FakeRapl(tmp_path / "powercap")


@pytest.fixture
def fake_stat(tmp_path: Path) -> FakeProcStat:
    return FakeProcStat(tmp_path / "stat")


@pytest.fixture
def me() -> int:
    return os.getpid()
