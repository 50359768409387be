"""Shared fixtures; tests run from the repository root (paths like configs/baseline.yaml)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def _run_from_repo_root() -> None:
    os.chdir(ROOT)


@pytest.fixture(scope="session")
def baseline_path() -> Path:
    return ROOT / "configs" / "baseline.yaml"
