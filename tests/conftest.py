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


@pytest.fixture(autouse=True)
def _independent_equilibrium_check():
    """Every equilibrium a solver reports during a test is re-checked independently: exact
    rational regret against its stated tolerance (reserves.nash.verify.check_equilibrium)."""
    from reserves.nash.result import RESULT_OBSERVERS
    from reserves.nash.verify import check_equilibrium

    bad: list[str] = []

    def observe(game, result) -> None:  # type: ignore[no-untyped-def]
        for e in result.equilibria:
            ok, reg, tol = check_equilibrium(game, e.strategies, e.tolerance)
            if not ok:
                bad.append(f"{result.method}: regret {reg:.3g} > tolerance {tol:.3g}")

    RESULT_OBSERVERS.append(observe)
    try:
        yield
    finally:
        RESULT_OBSERVERS.remove(observe)
    assert not bad, "reported profiles fail the independent check: " + "; ".join(bad[:5])
