"""cascade_kernel with one sovereign-bid curve per shock (the scenario layer's schedule bids)."""

from __future__ import annotations

import numpy as np
import pytest

from reserves.errors import ReservesError
from reserves.market.cascade import cascade_kernel

GRID = np.linspace(0.0, 0.95, 200)
LONGS = 2e9 * GRID**0.8


def _run(bids: np.ndarray, F: np.ndarray, **kw: object):
    return cascade_kernel(
        F,
        GRID,
        LONGS,
        impact_coef=np.full(F.size, 1.5e10),
        impact_power=1.0,
        bid_cum_usd=bids,
        **kw,
    )


def test_rows_equal_to_one_shared_curve_give_the_shared_answer() -> None:
    F = np.geomspace(1e7, 3e10, 64)
    curve = 5e9 * GRID
    shared = _run(curve, F, bid_scale=np.linspace(0, 2, F.size))
    rows = _run(np.linspace(0, 2, F.size)[:, None] * curve[None, :], F)
    np.testing.assert_allclose(rows.drop, shared.drop, atol=1e-12)
    np.testing.assert_allclose(rows.bids_filled_usd, shared.bids_filled_usd, rtol=1e-9, atol=1e-3)


def test_more_bids_in_a_row_never_lower_its_trough() -> None:
    F = np.full(2, 5e9)
    bids = np.stack([1e9 * GRID, 8e9 * GRID])
    kr = _run(bids, F)
    assert kr.trough_usd[1] >= kr.trough_usd[0]


def test_wrong_row_count_is_a_clear_error() -> None:
    with pytest.raises(ReservesError, match="one row per shock"):
        _run(np.zeros((3, GRID.size)), np.full(5, 1e9))
    with pytest.raises(ReservesError, match="grid's length"):
        _run(np.zeros((5, 7)), np.full(5, 1e9))
