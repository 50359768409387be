r"""Daily Monte Carlo of price, leverage, sovereign holdings and volatility (MODEL.md section 6).

Each day ``t = 1..T`` (day 0 is ``scenarios.start_date``), vectorized over ``N`` paths:

1. Diffusive log return ``r^d_t = mu / 365 + sigma_t / sqrt(365) * z_t`` with
   ``z_t = T_nu / sqrt(nu / (nu - 2))`` (unit-variance Student-t, heavy tails).
2. Volatility state (C15 feedback): ``sigma_t`` moves ``1 / smoothing_days`` of the way to
   ``floor + (base - floor) (lev_t / lev_0)^a ((1 - s_t) / (1 - s_0))^b`` with
   ``lev_t = OI_t / M_t`` (long open interest over market cap) and ``s_t`` the sovereign share.
3. Sovereign accumulation along the adoption path ``C(t)`` (USD committed by day ``t``): the
   day's purchase ``dC_t`` moves the price by the flow multiplier of MODEL.md section 2,
   ``r^s_t = m dC_t / M_t``, and adds ``dC_t / P_t`` BTC to the holdings.
4. Shocks: outflows ``F`` arrive as a Poisson process with Pareto sizes (plus, in some
   scenarios, one large outflow on a random day); each runs through the section-5 cascade
   kernel :func:`reserves.market.cascade.cascade_kernel` with per-path open-interest scale
   ``OI_t / OI_ref``, sovereign bids (``sovereign_bids.kind``: the section-4 demand schedule
   re-centred on the path's price, :class:`ScheduleBidTable`, or a flat wall) and impact coefficient
   ``c_t = c_0 (sigma_0 / sigma_t)^a`` (impact proportional to volatility, as in the
   square-root law ``c = V_d / (Y sigma_d)^2``). The day closes after the ladder's rebound,
   ``log(1 - x* (1 - rebound_share))``; liquidations destroy open interest
   and sovereign bids filled at the trough add to sovereign holdings.
5. Open interest moves with the price and is rebuilt toward
   ``ratio * M_t * (sigma_0 / sigma_t)^eta`` at ``rebuild_per_day`` (C15's reverse loop).
6. Realized volatility ``RV_t = sqrt(365 / W * sum_{k < W} r_{t-k}^2)`` over the last
   ``W = vol_window_days`` returns (zero-mean estimator; the window is pre-filled with draws at
   ``market.vol_pa`` so day 0 reads the configured C10 volatility).

Only quantiles (every ``fan_stride_days``), a few sample paths, a weekly subset for the lagged
correlations, the values on the C16 check days and per-path summaries are stored, so memory is
``O(N W)`` and does not grow with the horizon.

References
----------
Brunnermeier and Pedersen (2009), margin spirals; Gabaix and Koijen (2021), the flow
multiplier; Donier and Bonart (2015), the square-root law on BTC; Andersen, Bollerslev,
Diebold and Labys (2003), realized volatility.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reserves.errors import ConfigError
from reserves.scenarios.schema import DynamicsConfig, ScenariosConfig, SovereignBidConfig

__all__ = [
    "BID_TABLE_LOG_STEP",
    "LEVELS",
    "SERIES",
    "ScenarioRun",
    "ScheduleBidTable",
    "SimulationParts",
    "adoption_curve_usd",
    "clear_scenario_caches",
    "game_adoption",
    "scenarios_section",
    "schedule_bid_table",
    "simulate_points",
    "simulate_scenario",
]

DAYS_PER_YEAR = 365.0
#: quantile levels stored per fan day (fine enough to mix scenarios by their CDFs)
LEVELS: NDArray[np.float64] = np.round(np.linspace(0.0, 1.0, 101), 2)
#: series with fan charts
SERIES: tuple[str, ...] = ("price_usd", "floor_usd", "vol_pa", "sovereign_share", "leverage")
#: OI fallback when the config has no market_model: C5 cross-check, $66.5B futures OI on
#: 18 Nov 2025, half of it long (assumption)
FALLBACK_LONG_OI_USD = 0.5 * 6.65e10
#: log-price step of the schedule-bid table: a path's bids are those of a tabulated price
#: within 0.5% of its own (the demand grid itself is ~4% apart), 502 rows for C17
BID_TABLE_LOG_STEP = 0.01
_CACHE_SIZE = 16
_BID_CACHE: OrderedDict[tuple, ScheduleBidTable] = OrderedDict()
_ADOPTION_CACHE: OrderedDict[str, Any] = OrderedDict()

ProgressArg = bool | Callable[[int, int], None]


def scenarios_section(cfg: Any) -> ScenariosConfig:
    """The config's ``scenarios`` section, or the defaults (one ``base`` case) if absent."""
    sec = getattr(cfg, "scenarios", None)
    if sec is None:
        return ScenariosConfig()
    if not isinstance(sec, ScenariosConfig):
        return ScenariosConfig.model_validate(sec)
    return sec


# ----------------------------------------------------------------------------- market parts


@dataclass(frozen=True)
class SimulationParts:
    """The section-5 market pieces the simulation needs, in drop space (``x = 1 - p / P``).

    ``long_cum_usd`` is the ladder for ``oi_ref_usd`` of long OI; ``bid_unit`` the shape of the
    sovereign bid wall (total 1 USD); ``dip_cum_usd`` other dip bids (absolute USD).
    """

    grid: NDArray[np.float64]
    long_cum_usd: NDArray[np.float64]
    bid_unit: NDArray[np.float64]
    dip_cum_usd: NDArray[np.float64]
    impact_coef: float
    impact_power: float
    oi_ref_usd: float
    rebound: float
    max_drop: float


def _market_model(cfg: Any, dyn: DynamicsConfig) -> Any:
    from reserves.market.model import MarketModel

    if getattr(cfg, "market_model", None) is not None:
        return MarketModel.from_config(cfg)
    from reserves.market.schema import LadderConfig, MarketModelConfig

    oi = dyn.open_interest.start_long_usd or FALLBACK_LONG_OI_USD
    mm = MarketModelConfig(ladder=LadderConfig(long_oi_usd=oi, short_oi_usd=oi))
    return MarketModel.from_config(cfg.model_copy(update={"market_model": mm}))


def build_parts(cfg: Any, dyn: DynamicsConfig, *, grid_points: int = 192) -> SimulationParts:
    """Resample the market model onto a coarse drop grid for per-path kernels.

    The grid is the union of a uniform grid and a quadratic one (denser near ``x = 0`` where
    most shocks stop); the ladder is interpolated linearly, so the kernel's answer differs
    from the fine-grid one only by the interpolation of ``Lq`` between knots.
    """
    model = _market_model(cfg, dyn)
    fine, L, _D, B = model.grid_arrays()
    max_drop = float(model.impact.max_drop)
    u = np.linspace(0.0, 1.0, grid_points)
    grid = np.unique(np.concatenate([u * max_drop, u**2 * max_drop]))
    depth = dyn.sovereign_bids.depth
    bid_unit = np.minimum(grid / depth, 1.0)
    tx = dyn.transactional.bid_usd_per_pct * 100.0 * grid
    dip = np.interp(grid, fine, B) + tx
    rebound = float(getattr(model.ladder, "rebound_share", 0.0))
    return SimulationParts(
        grid=grid,
        long_cum_usd=np.interp(grid, fine, L),
        bid_unit=bid_unit,
        dip_cum_usd=dip,
        impact_coef=float(model.impact.coef),
        impact_power=float(model.impact.power),
        oi_ref_usd=float(model.ladder.long_oi_usd) or 1.0,
        rebound=rebound,
        max_drop=max_drop,
    )


def _kernel(
    parts: SimulationParts,
    F: NDArray,
    c: NDArray,
    s: NDArray,
    b: NDArray | float = 1.0,
    *,
    bids: NDArray | None = None,
    chunk: int = 4096,
) -> Any:
    """:func:`reserves.market.cascade.cascade_kernel` on this run's grid and ladder.

    Sovereign bids are ``b * parts.bid_unit`` (a wall scaled per path) or, with ``bids``, one
    curve per shock (rows, USD): schedule bids change shape with the path's price.
    """
    from reserves.market.cascade import cascade_kernel

    return cascade_kernel(
        F,
        parts.grid,
        parts.long_cum_usd,
        impact_coef=c,
        impact_power=parts.impact_power,
        bid_cum_usd=parts.bid_unit if bids is None else bids,
        dip_cum_usd=parts.dip_cum_usd,
        oi_scale=s,
        bid_scale=b,
        chunk_size=chunk,
    )


def _kernel_rows(
    parts: SimulationParts, F: NDArray, c: NDArray, s: NDArray, bids: NDArray, chunk: int = 2048
) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """Drop, long liquidations, sovereign bids filled (USD) and collapse flags with one bid
    curve per shock (rows of ``bids``)."""
    kr = _kernel(parts, F, c, s, bids=bids, chunk=chunk)
    filled = kr.bids_filled_usd - np.interp(kr.drop, parts.grid, parts.dip_cum_usd)
    return kr.drop, kr.long_liquidated_usd, filled, kr.collapsed


# ----------------------------------------------------------------------------- schedule bids


@dataclass(frozen=True)
class ScheduleBidTable:
    r"""Sovereign bids from the demand schedule, tabulated by the path's current price.

    Row ``k`` is for a path at ``P_k = exp(log_p_lo + k * log_step)``: the cumulative USD
    bid filled at each drop ``x_j`` of the simulation grid, for ``resting_share = 1``,

    ``cum_usd[k, j] = max_{x' <= x_j} max(D(P_k (1 - x')) - D(P_k), 0)``

    (:func:`reserves.market.bids_from_schedule` evaluated at ``P_k (1 - x_j)``). A path at
    price ``P`` uses the row with ``k = round((log P - log_p_lo) / log_step)``, clipped to the
    table: below the schedule's lowest price and above ``max price / (1 - max_drop)`` the rows
    are zero, as are the exact bids there (the schedule is flat outside its grid).

    Attributes
    ----------
    log_p_lo, log_step:
        Log price of row 0 and the step between rows.
    grid:
        The drop grid of the columns.
    cum_usd:
        ``(rows, len(grid))`` bids, read-only.
    schedule:
        The :class:`reserves.demand.DemandSchedule` the bids come from.
    which:
        The schedule array used (``demand_usd`` or a band edge).
    """

    log_p_lo: float
    log_step: float
    grid: NDArray[np.float64]
    cum_usd: NDArray[np.float64]
    schedule: Any
    which: str

    def rows(self, price_usd: NDArray[np.float64]) -> NDArray[np.float64]:
        """The bid curve (one row per price) of paths at ``price_usd``."""
        k = np.rint((np.log(price_usd) - self.log_p_lo) / self.log_step)
        k = np.clip(k, 0, self.cum_usd.shape[0] - 1).astype(np.intp)
        return self.cum_usd[k]

    def at_price(self, price_usd: float, drop: float) -> float:
        """Bids (``resting_share = 1``) filled at ``drop`` for a path at ``price_usd``."""
        row = self.rows(np.array([price_usd]))[0]
        return float(np.interp(drop, self.grid, row))


def schedule_bid_table(
    cfg: Any, sb: SovereignBidConfig, grid: NDArray[np.float64]
) -> ScheduleBidTable:
    """Tabulate the demand schedule's bids over current prices (once per config, cached).

    The schedule is :func:`reserves.demand.demand_schedule` on
    ``price_grid(cfg, sb.price_points)`` with ``rule = sb.rule``; each row is
    :func:`reserves.market.bids_from_schedule` at the row's price (see
    :class:`ScheduleBidTable`). Cached per (hash of the config's game sections, rule, band,
    price points, grid), so the game is solved once per game, not per scenario, sweep point,
    path or day; the demand layer caches the schedule too.
    """
    from reserves.demand import demand_schedule, price_grid
    from reserves.market.absorption import bids_from_schedule

    which = {"selected": "demand_usd", "low": "demand_low_usd", "high": "demand_high_usd"}[sb.band]
    # the schedule depends on the game alone (market, game, sovereigns): solve and key it on
    # the config without its scenarios and market model, so sweep points share one table
    game_cfg = cfg.model_copy(update={"scenarios": None, "market_model": None})
    key = (game_cfg.content_hash(), sb.rule, which, sb.price_points, grid.tobytes())
    hit = _BID_CACHE.get(key)
    if hit is not None:
        _BID_CACHE.move_to_end(key)
        return hit
    sched = demand_schedule(game_cfg, price_grid(game_cfg, sb.price_points), rule=sb.rule)
    p_lo = float(sched.prices_usd[0])
    p_hi = float(sched.prices_usd[-1]) / max(1.0 - float(grid[-1]), 1e-6)
    n = math.ceil(math.log(p_hi / p_lo) / BID_TABLE_LOG_STEP) + 1
    prices = p_lo * np.exp(BID_TABLE_LOG_STEP * np.arange(n))
    table = np.empty((n, grid.size))
    for k, pk in enumerate(prices):
        curve = bids_from_schedule(sched, float(pk), which=which)
        table[k] = curve.filled_usd(pk * (1.0 - grid))
    table.setflags(write=False)
    out = ScheduleBidTable(math.log(p_lo), BID_TABLE_LOG_STEP, grid.copy(), table, sched, which)
    _BID_CACHE[key] = out
    while len(_BID_CACHE) > _CACHE_SIZE:
        _BID_CACHE.popitem(last=False)
    return out


def clear_scenario_caches() -> None:
    """Forget cached schedule-bid tables and game adoption paths."""
    _BID_CACHE.clear()
    _ADOPTION_CACHE.clear()


# ----------------------------------------------------------------------------- adoption


def roster_commitment_usd(cfg: Any) -> float:
    """``sum_i alpha_i W_i`` over the players: USD the roster buys if all accumulate."""
    return float(sum(s.max_buy_share * s.reserves_usd for s in cfg.players))


def adoption_curve_usd(cfg: Any, dyn: DynamicsConfig, days: int) -> NDArray[np.float64]:
    r"""Cumulative USD committed by sovereigns by each day ``0..days`` (``C(0) = 0``).

    ``kind: logistic`` (adoption S-curves, Cong, Li and Wang 2021):
    ``C(t) = K (f(t) - f(0)) / (1 - f(0))``, ``f(t) = 1 / (1 + e^{-(t - t_m) / w})``.
    ``kind: game``: ``C(t) = K g(t)`` with ``g`` the share of the roster's ``sum_i alpha_i W_i``
    bought by day ``t`` along the game's best-response adoption path (:func:`game_adoption`,
    MODEL.md section 3). ``K = commitment_usd`` or ``scale * sum_i alpha_i W_i``.
    """
    a = dyn.adoption
    K = a.commitment_usd if a.commitment_usd is not None else a.scale * roster_commitment_usd(cfg)
    if a.kind == "game":
        return K * game_adoption(cfg, days, a.width_days)
    t = np.arange(days + 1, dtype=float)
    f = 1.0 / (1.0 + np.exp(-(t - a.midpoint_days) / a.width_days))
    f0 = f[0]
    return K * (f - f0) / (1.0 - f0)


def _adoption_path(cfg: Any) -> Any:
    """The roster's adoption path at the config's price (cached per config hash)."""
    from reserves.sovereign.adoption import adoption_path
    from reserves.sovereign.model import SovereignGame

    key = cfg.content_hash()
    path = _ADOPTION_CACHE.get(key)
    if path is None:
        path = adoption_path(SovereignGame(cfg))
        _ADOPTION_CACHE[key] = path
        while len(_ADOPTION_CACHE) > _CACHE_SIZE:
            _ADOPTION_CACHE.popitem(last=False)
    return path


def game_adoption(cfg: Any, days: int, spread_days: float) -> NDArray[np.float64]:
    r"""Share of the roster's commitment bought by each day, from the game's adoption path.

    :func:`reserves.sovereign.adoption.adoption_path` (best-response dynamics from the status quo,
    one revision per ``period_years = 0.25``, its documented default) gives the round
    ``r_i`` from which sovereign ``i`` accumulates; it joins on day
    ``d_i = 365 r_i period_years`` and buys ``alpha_i W_i`` evenly over ``spread_days``:

    ``g(t) = sum_i alpha_i W_i clip((t - d_i) / spread_days, 0, 1) / sum_i alpha_i W_i``.

    Sovereigns that never join (``r_i = None``) buy nothing, so ``g`` ends at the joiners'
    share of the roster's commitment, not at 1.
    """
    path = _adoption_path(cfg)
    w = np.array([s.max_buy_share * s.reserves_usd for s in cfg.players], dtype=float)
    jd = np.array(
        [np.inf if j is None else j * path.period_years * DAYS_PER_YEAR for j in path.joined_round],
        dtype=float,
    )
    t = np.arange(days + 1, dtype=float)
    bought = np.clip((t[:, None] - jd[None, :]) / spread_days, 0.0, 1.0)
    return (bought * w[None, :]).sum(axis=1) / max(w.sum(), 1e-300)


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ScenarioRun:
    """One scenario simulated over ``horizon_days``.

    Attributes
    ----------
    name, probability:
        The C17 case and its prior probability.
    fan_days:
        Days at which quantiles are stored (every ``fan_stride_days`` and the last day).
    quantiles:
        Series name -> array ``(len(fan_days), len(LEVELS))`` of cross-path quantiles.
    checks:
        One dict per C16 check: date, day, threshold, probability that RV is below it,
        ``truncated`` (True if the horizon ends before the date; then the last day is used).
    metrics:
        Flat scalar summaries (terminal medians, tail statistics, break probabilities).
    samples:
        Series name -> array ``(sample_paths, horizon_days + 1)`` of the first paths.
    lag_corr:
        ``{"pair": [...], "lag_days": [...], "corr": [...]}`` lagged correlations (C15).
    meta:
        Config hash, seed, package version, paths, horizon, dynamics used.
    path_stats:
        Per-path values for paired comparisons (C15, common random numbers): ``rv_end``,
        ``share_end``, ``rv_mean_last_year`` (mean 30-day RV over the last 365 days) and
        ``rv_day{d}`` / ``share_day{d}`` on each C16 check day; not serialized.
    adoption:
        :class:`reserves.sovereign.dynamic.AdoptionPaths` when ``adoption.kind`` is
        ``dynamic``, else None.
    """

    name: str
    probability: float
    fan_days: NDArray[np.int64]
    quantiles: dict[str, NDArray[np.float64]]
    checks: list[dict[str, Any]]
    metrics: dict[str, float]
    samples: dict[str, NDArray[np.float32]]
    lag_corr: dict[str, list[Any]]
    meta: dict[str, Any] = field(default_factory=dict)
    path_stats: dict[str, NDArray[np.float64]] = field(default_factory=dict, repr=False)
    adoption: Any = None

    def quantile(self, series: str, level: float) -> NDArray[np.float64]:
        """The ``level`` quantile of ``series`` at each fan day."""
        j = int(np.argmin(np.abs(LEVELS - level)))
        return self.quantiles[series][:, j]

    def to_dict(self, *, full: bool = False) -> dict[str, Any]:
        """JSON-ready summary; ``full`` adds the quantile arrays and sample paths."""
        out: dict[str, Any] = {
            "name": self.name,
            "probability": self.probability,
            "checks": self.checks,
            "metrics": self.metrics,
            "meta": self.meta,
        }
        if self.adoption is not None:
            out["adoption"] = self.adoption.to_dict()
        if full:
            out["fan_days"] = self.fan_days.tolist()
            out["levels"] = LEVELS.tolist()
            out["quantiles"] = {k: v.tolist() for k, v in self.quantiles.items()}
            out["samples"] = {k: v.tolist() for k, v in self.samples.items()}
            out["lag_corr"] = self.lag_corr
        return out

    def to_frame(self) -> Any:
        """Long table of the fan quantiles (5, 25, 50, 75, 95%): day, series, level, value."""
        import pandas as pd

        rows = []
        for series, q in self.quantiles.items():
            for lvl in (0.05, 0.25, 0.5, 0.75, 0.95):
                j = int(np.argmin(np.abs(LEVELS - lvl)))
                rows.append(
                    pd.DataFrame(
                        {
                            "scenario": self.name,
                            "day": self.fan_days,
                            "series": series,
                            "level": lvl,
                            "value": q[:, j],
                        }
                    )
                )
        return pd.concat(rows, ignore_index=True)


# ----------------------------------------------------------------------------- simulation


def _progress(progress: ProgressArg, total: int, desc: str) -> tuple[Callable[[int], None], Any]:
    if callable(progress):
        return (lambda k: progress(k, total)), None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, desc=desc, unit="day", leave=False)
        return (lambda k: bar.update(1)), bar
    return (lambda k: None), None


def _student_t(rng: np.random.Generator, dof: float, n: int) -> NDArray[np.float64]:
    """Unit-variance Student-t draws: ``T_nu / sqrt(nu / (nu - 2))``."""
    return rng.standard_t(dof, n) / math.sqrt(dof / (dof - 2.0))


def _lagged_corr(x: NDArray, y: NDArray, max_lag: int, stride: int) -> tuple[list, list]:
    """Pooled ``corr(dx_t, dy_{t+k})`` over paths for ``k = -max_lag..max_lag`` (in strides).

    ``x``, ``y`` have shape ``(paths, times)``; ``d`` is the first difference over one stride.
    A positive lag means ``x`` leads ``y``.
    """
    dx, dy = np.diff(x, axis=1), np.diff(y, axis=1)
    n = dx.shape[1]
    lags: list[int] = []
    cors: list[float] = []
    for k in range(-max_lag, max_lag + 1):
        if abs(k) > n - 3:
            continue
        if k >= 0:
            a, b = dx[:, : n - k].ravel(), dy[:, k:].ravel()
        else:
            a, b = dx[:, -k:].ravel(), dy[:, : n + k].ravel()
        sa, sb = a.std(), b.std()
        c = (
            float(np.mean((a - a.mean()) * (b - b.mean())) / (sa * sb))
            if sa > 0 and sb > 0
            else float("nan")
        )
        lags.append(k * stride)
        cors.append(c)
    return lags, cors


def _bids_meta(
    sb: SovereignBidConfig, rho: float, table: ScheduleBidTable | None, P0: float
) -> dict[str, Any]:
    """What the sovereign bids were: kind, resting share and the day-0 bids at -10/-20/-40%."""
    out: dict[str, Any] = {"kind": sb.kind, "base_usd": sb.base_usd}
    if table is None:
        out.update(share=sb.share, depth=sb.depth)
        return out
    out.update(
        resting_share=rho,
        rule=sb.rule,
        band=sb.band,
        schedule_config_hash=table.schedule.config_hash,
        day0_bids_usd={
            f"{d:.0%}": rho * table.at_price(P0, d) + sb.base_usd * min(d / sb.depth, 1.0)
            for d in (0.1, 0.2, 0.4)
        },
    )
    return out


def simulate_scenario(
    cfg: Any,
    name: str | None = None,
    *,
    paths: int | None = None,
    seed: int | None = None,
    horizon_days: int | None = None,
    progress: ProgressArg = False,
    no_sovereigns: bool = False,
) -> ScenarioRun:
    """Simulate one scenario of the config's ``scenarios`` section.

    Parameters
    ----------
    cfg:
        A :class:`~reserves.config.ReservesConfig`; its ``market`` gives ``P0``, supply, the
        flow multiplier and the day-0 volatility, ``market_model`` the cascade (a fallback
        ladder with C5's open interest is used when it is absent), ``scenarios`` the dynamics.
    name:
        Scenario name (default: the first case).
    paths, seed, horizon_days:
        Override the section's ``paths``, ``seed`` and ``horizon_days``.
    progress:
        ``True`` for a tqdm bar over days, or a callable ``(done, total)``.
    no_sovereigns:
        The counterfactual without sovereign entry: no adoption flow and no resting schedule
        bids (the ``base_usd`` bids already in the market stay). Same random stream, so a run
        with and one without are paired path by path (common random numbers, C15).

    Returns
    -------
    ScenarioRun

    Raises
    ------
    ConfigError
        Unknown scenario name, non-positive path count or horizon.
    """
    return simulate_points(
        [cfg],
        name,
        paths=paths,
        seed=seed,
        horizon_days=horizon_days,
        progress=progress,
        no_sovereigns=no_sovereigns,
    )[0]


#: dynamics fields that may differ between the configs of one :func:`simulate_points` batch:
#: each becomes a per-path array (section, field)
BATCH_FIELDS: tuple[tuple[str, str], ...] = (
    ("volatility", "base_pa"),
    ("volatility", "float_share"),
    ("shocks", "rate_pa"),
    ("shocks", "min_usd"),
    ("shocks", "tail_index"),
    ("shocks", "max_usd"),
    ("adoption", "political_cost_scale"),
    ("sovereign_bids", "resting_share"),
)


def batch_key(cfg: Any, name: str | None = None) -> str:
    """Configs with equal keys can be simulated together by :func:`simulate_points`: they
    agree on everything but the :data:`BATCH_FIELDS` of scenario ``name``'s dynamics (and the
    unresolved ``scenarios.base``/``cases`` those come from)."""
    import hashlib
    import json

    sec = scenarios_section(cfg)
    name = name or sec.cases[0].name
    dyn = sec.dynamics(name).model_dump(mode="json")
    for section, fname in BATCH_FIELDS:
        dyn[section].pop(fname, None)
    data = cfg.to_dict()
    data.pop("scenarios", None)
    rest = sec.model_dump(mode="json", exclude={"base", "cases"})
    case = next(c for c in sec.cases if c.name == name).model_dump(
        mode="json", exclude={"overrides"}
    )
    blob = json.dumps([data, rest, dyn, case, name], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def simulate_points(
    cfgs: list[Any],
    name: str | None = None,
    *,
    paths: int | None = None,
    seed: int | None = None,
    horizon_days: int | None = None,
    progress: ProgressArg = False,
    no_sovereigns: bool = False,
) -> list[ScenarioRun]:
    """Simulate scenario ``name`` of several configs in one vectorized run (sweep points).

    The configs must share :func:`batch_key` (they differ only in :data:`BATCH_FIELDS`); the
    ``B`` points are stacked along the path axis (``B * paths`` paths, point-major), each
    point's differing parameters become per-path arrays, and each point draws from its own
    random stream exactly as :func:`simulate_scenario` would (points with the same shock rate
    share one stream: their draws are identical), so point ``b`` of the batch equals
    ``simulate_scenario(cfgs[b], ...)`` number for number
    (``tests/test_scenarios_sensitivity.py``). The per-day Python work and the stage-game
    solves of the dynamic adoption are shared by the whole batch.

    Raises
    ------
    ConfigError
        as :func:`simulate_scenario`; configs with different :func:`batch_key`.
    """
    from reserves import __version__

    if not cfgs:
        raise ConfigError("no configs to simulate", field="cfgs")
    cfg = cfgs[0]
    sec = scenarios_section(cfg)
    names = [c.name for c in sec.cases]
    name = name or names[0]
    dyn = sec.dynamics(name)
    N = int(paths if paths is not None else sec.paths)
    T = int(horizon_days if horizon_days is not None else sec.horizon_days)
    if N < 1:
        raise ConfigError(f"paths must be >= 1, got {N}", field="paths", fix="e.g. --paths 2000")
    if T < 2:
        raise ConfigError(f"horizon must be >= 2 days, got {T}", field="scenarios.horizon_days")
    Bn = len(cfgs)
    secs = [scenarios_section(c) for c in cfgs]
    dyns = [s.dynamics(name) for s in secs]
    if Bn > 1:
        key = batch_key(cfg, name)
        if any(batch_key(c, name) != key for c in cfgs[1:]):
            raise ConfigError(
                "these configs differ in more than the batched fields",
                field="cfgs",
                fix=f"simulate them one by one; a batch may differ only in {BATCH_FIELDS}",
            )
        if dyn.adoption.kind == "dynamic" and dyn.adoption.concept == "mpe":
            raise ConfigError(
                "adoption concept 'mpe' is solved per config: simulate these one by one",
                field="scenarios.adoption.concept",
            )
    from reserves import budget
    from reserves.scenarios.schema import MAX_PATHS

    if N > MAX_PATHS or T > 20_000:  # the schema's bounds, for overrides too (issue 15)
        raise ConfigError(
            f"{N:,} paths x {T:,} days is over the {MAX_PATHS:,} paths / 20,000 days allowed",
            field="paths",
            fix="2,000 paths give C16 probabilities to about +/-1%",
        )
    budget.require(budget.estimate_simulation(N * Bn, T))  # before any array is allocated
    seed = int(sec.seed if seed is None else seed)
    NB = N * Bn  # all paths of the batch, point-major: point b holds rows b*N .. (b+1)*N - 1

    def per_path(values: list[float]) -> NDArray[np.float64]:
        return np.repeat(np.asarray(values, dtype=float), N)

    # random streams: one per distinct shock rate (every draw's count depends on it only)
    rates = [d.shocks.rate_pa for d in dyns]
    stream_rates = sorted(set(rates))
    stream_of = np.array([stream_rates.index(r) for r in rates], dtype=np.intp)
    rngs = [
        np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, names.index(name)])))
        for _ in stream_rates
    ]
    lams = [1.0 - math.exp(-r / DAYS_PER_YEAR) for r in stream_rates]

    def tile(per_stream: list[NDArray]) -> NDArray:
        if Bn == 1:
            return per_stream[0]
        return np.concatenate([per_stream[g] for g in stream_of], axis=-1)

    m = cfg.market
    Q = float(m.supply_btc)
    P0 = float(m.price_usd)
    mult = float(m.flow_multiplier)
    parts = build_parts(cfg, dyn)
    vol = dyn.volatility
    sig0: Any = vol.base_pa if Bn == 1 else per_path([d.volatility.base_pa for d in dyns])
    nu = vol.tail_dof
    W = sec.vol_window_days
    stride = sec.fan_stride_days

    # ---- state (float64; 10k paths is 80 kB per array)
    P = np.full(NB, P0)
    oi0 = dyn.open_interest.start_long_usd
    oi0 = parts.oi_ref_usd if oi0 is None else float(oi0)
    OI = np.full(NB, oi0)
    lev0 = oi0 / (P0 * Q)
    target_ratio = dyn.open_interest.target_ratio
    target_ratio = lev0 if target_ratio is None else target_ratio
    H0 = float(sum(s.holdings_btc for s in cfg.sovereigns))
    H = np.full(NB, H0)
    s0 = H0 / Q
    sig = np.full(NB, sig0) if Bn == 1 else sig0.copy()
    endogenous = vol.mode == "endogenous"
    # free float (Gabaix-Koijen: inelastic holders leave it)
    F0: Any = (
        vol.float_share * Q if Bn == 1 else per_path([d.volatility.float_share * Q for d in dyns])
    )
    mult_ratio = np.ones(NB)
    dynamic = dyn.adoption.kind == "dynamic"
    # the dynamic game: one state per adoption-politics value, over the rows of its points
    games: list[tuple[Any, NDArray[np.intp] | slice, list[int]]] = []
    if dynamic:
        C = np.zeros(T + 1)
        by_scale: dict[float, list[int]] = {}
        for b, d in enumerate(dyns):
            by_scale.setdefault(d.adoption.political_cost_scale, []).append(b)
        for pts in by_scale.values():
            d = dyns[pts[0]]
            rows: NDArray[np.intp] | slice = (
                slice(None)
                if len(pts) == Bn
                else (np.asarray(pts)[:, None] * N + np.arange(N)[None, :]).ravel()
            )
            gs = _DynamicAdoption(
                cfgs[pts[0]], d, T, N * len(pts), P0, no_sovereigns, blocks=len(pts)
            )
            games.append((gs, rows, pts))
    else:
        C = adoption_curve_usd(cfg, dyn, T)
        if no_sovereigns:
            C = np.zeros_like(C)
    game_state = games[0][0] if dynamic else None
    dC = np.diff(C)
    sb = dyn.sovereign_bids
    # sovereign bids: the section-4 schedule (tabulated once per config) or the flat wall
    bid_table = schedule_bid_table(cfg, sb, parts.grid) if sb.kind == "schedule" else None
    rho_b = [
        0.0 if no_sovereigns else d.sovereign_bids.resting_share_for(c.market.horizon_years)
        for d, c in zip(dyns, cfgs, strict=True)
    ]
    rho: Any = rho_b[0] if Bn == 1 else per_path(rho_b)[:, None]
    base_wall = sb.base_usd * parts.bid_unit
    burn = [np.empty((W, N)) for _ in rngs]
    for k in range(W):  # burn-in window at the configured (C10) volatility
        for g, rng in enumerate(rngs):
            burn[g][k] = m.vol_pa / math.sqrt(DAYS_PER_YEAR) * _student_t(rng, nu, N)
    rets = tile(burn)
    sum_sq = np.einsum("ij,ij->j", rets, rets)
    min_price = P.copy()
    liq_total = np.zeros(NB)
    n_shocks = np.zeros(NB, dtype=np.int64)
    collapsed_any = np.zeros(NB, dtype=bool)
    shock_log: list[tuple[NDArray[np.intp], NDArray[np.float64]]] = []
    big = dyn.big_shock
    big_days, big_sizes = [], []
    for rng in rngs:
        bd = np.full(N, -1, dtype=np.int64)
        bs = np.zeros(N)
        if big.probability > 0:
            hit = rng.random(N) < big.probability
            bd[hit] = rng.integers(big.day_low, big.day_high + 1, size=int(hit.sum()))
            bs[hit] = big.median_usd * np.exp(big.dispersion * rng.standard_normal(hit.sum()))
        big_days.append(bd)
        big_sizes.append(bs)
    big_day, big_size = tile(big_days), tile(big_sizes)
    # shock sizes: one group per (stream, min, tail, max), the points it fills
    shock_groups: dict[tuple[int, float, float, float], list[int]] = {}
    for b, d in enumerate(dyns):
        sh = d.shocks
        shock_groups.setdefault(
            (int(stream_of[b]), sh.min_usd, sh.tail_index, sh.max_usd), []
        ).append(b)
    tx = dyn.transactional

    fan_days = np.unique(np.concatenate([np.arange(0, T + 1, stride), [T]])).astype(np.int64)
    qs = [{k: np.empty((fan_days.size, LEVELS.size)) for k in SERIES} for _ in range(Bn)]
    K = min(sec.sample_paths, N)
    samples = [
        {
            k: np.empty((K, T + 1), dtype=np.float32)
            for k in ("price_usd", "vol_pa", "sovereign_share", "leverage", "return")
        }
        for _ in range(Bn)
    ]
    Kc = min(sec.corr_paths, N)
    corr = [
        {
            k: np.empty((Kc, fan_days.size), dtype=np.float32)
            for k in ("vol_pa", "leverage", "sovereign_share")
        }
        for _ in range(Bn)
    ]
    check_days = sec.check_days()
    Nf = min(sec.floor_paths, N)  # the floor fan uses the first Nf paths (paths are iid)
    floor_rows: Any = (
        slice(0, Nf) if Bn == 1 else (np.arange(Bn)[:, None] * N + np.arange(Nf)[None, :]).ravel()
    )
    check_vals: dict[int, NDArray[np.float64]] = {}
    check_share: dict[int, NDArray[np.float64]] = {}
    rv_year_sum = np.zeros(NB)
    rv_year_n = 0

    def block(b: int) -> slice:
        return slice(b * N, (b + 1) * N)

    def impact_coef() -> NDArray[np.float64]:
        if dyn.impact_scales_with_vol:  # I proportional to sigma: c_t = c_0 (s_0/s_t)^power
            return parts.impact_coef * (sig0 / sig) ** parts.impact_power
        return np.full(NB, parts.impact_coef)

    def sovereign_cascade(
        t: int, sel: Any, shock: NDArray[np.float64], c: NDArray[np.float64]
    ) -> tuple[NDArray, NDArray, NDArray, NDArray]:
        """Drop, liquidations, sovereign bids filled and collapse flags of paths ``sel``."""
        oi_scale = OI[sel] / parts.oi_ref_usd
        if bid_table is None:
            wall = (0.0 if no_sovereigns else sb.share) * (C[t] + sb.base_usd)
            kr = _kernel(parts, shock, c, oi_scale, np.full(shock.size, wall))
            filled = wall * np.interp(kr.drop, parts.grid, parts.bid_unit)
            return kr.drop, kr.long_liquidated_usd, filled, kr.collapsed
        r = rho if Bn == 1 else rho[sel]
        bids = r * bid_table.rows(P[sel]) + base_wall
        return _kernel_rows(parts, shock, c, oi_scale, bids)

    def record(t: int, rv: NDArray[np.float64]) -> None:
        lev = OI / (P * Q)
        share = H / Q
        if K:
            for b in range(Bn):
                lo = b * N
                samples[b]["price_usd"][:, t] = P[lo : lo + K]
                samples[b]["vol_pa"][:, t] = rv[lo : lo + K]
                samples[b]["sovereign_share"][:, t] = share[lo : lo + K]
                samples[b]["leverage"][:, t] = lev[lo : lo + K]
        if t in check_days:
            check_vals[t] = rv.copy()
            check_share[t] = share.copy()
        i = np.searchsorted(fan_days, t)
        if i < fan_days.size and fan_days[i] == t:
            drop = sovereign_cascade(
                t, floor_rows, np.full(Nf * Bn, sec.floor_shock_usd), impact_coef()[floor_rows]
            )[0]
            floor = P[floor_rows] * (1.0 - drop)
            for b in range(Bn):
                rows = block(b)
                for key, arr in (
                    ("price_usd", P[rows]),
                    ("floor_usd", floor[b * Nf : (b + 1) * Nf]),
                    ("vol_pa", rv[rows]),
                    ("sovereign_share", share[rows]),
                    ("leverage", lev[rows]),
                ):
                    qs[b][key][i] = np.quantile(arr, LEVELS)
                if Kc:
                    lo = b * N
                    corr[b]["vol_pa"][:, i] = rv[lo : lo + Kc]
                    corr[b]["leverage"][:, i] = lev[lo : lo + Kc]
                    corr[b]["sovereign_share"][:, i] = share[lo : lo + Kc]

    rv = np.sqrt(DAYS_PER_YEAR * sum_sq / W)
    if K:
        for b in range(Bn):
            samples[b]["return"][:, 0] = 0.0
    record(0, rv)
    tick, bar = _progress(progress, T, f"scenario {name}")
    sqrt_y = math.sqrt(DAYS_PER_YEAR)
    try:
        for t in range(1, T + 1):
            # 1-2. volatility state and diffusive return
            if dyn.feedback and endogenous:
                # float removed by sovereign holdings raises the flow multiplier
                mult_ratio = F0 / np.maximum(F0 - (H - H0), 0.05 * F0)
                sig = sig0 * mult_ratio
            elif dyn.feedback:
                lev_ratio = np.maximum(OI / (P * Q), 0.0) / lev0 if lev0 > 0 else np.ones(NB)
                target = (
                    vol.floor_pa
                    + (sig0 - vol.floor_pa)
                    * lev_ratio**vol.oi_elasticity
                    * ((1.0 - H / Q) / (1.0 - s0)) ** vol.sovereign_elasticity
                )
                sig += (target - sig) / vol.smoothing_days
            # drawn in every mode: paired runs share the stream
            z = tile([_student_t(rng, nu, N) for rng in rngs])
            r = vol.drift_pa / DAYS_PER_YEAR + (sig / sqrt_y * z if dyn.diffusion else 0.0)
            # 3. sovereign accumulation: the dynamic game's flows or the adoption curve
            if dynamic:
                if len(games) == 1:
                    flow_usd, dH = game_state.step(t - 1, P, OI, Q, mult, mult_ratio)
                else:
                    flow_usd, dH = np.empty(NB), np.empty(NB)
                    for gs, rows, _ in games:
                        flow_usd[rows], dH[rows] = gs.step(
                            t - 1, P[rows], OI[rows], Q, mult, mult_ratio[rows]
                        )
                r += mult * mult_ratio * flow_usd / (P * Q)
                H += dH
            else:
                buy = dC[t - 1]
                if buy != 0.0:
                    r += mult * mult_ratio * buy / (P * Q)
                    H += buy / P
            # transactional floor: pull toward floor_usd from below
            if tx.reversion_pa > 0 and tx.floor_usd > 0:
                r += tx.reversion_pa / DAYS_PER_YEAR * np.maximum(np.log(tx.floor_usd / P), 0.0)
            # 4. shocks through the cascade kernel
            F = np.zeros(NB)
            hits, vs = [], []
            for rng, lam in zip(rngs, lams, strict=True):
                hit = rng.random(N) < lam
                nh = int(hit.sum())
                hits.append(np.flatnonzero(hit))
                vs.append(rng.random(nh) if nh else None)
            for (g, mn, ti, mx), pts in shock_groups.items():
                if vs[g] is None:
                    continue
                vals = np.minimum(mn * vs[g] ** (-1.0 / ti), mx)
                for b in pts:
                    F[b * N + hits[g]] = vals
            if big.probability > 0:
                F += np.where(big_day == t, big_size, 0.0)
            idx = np.flatnonzero(F > 0)
            if idx.size:
                n_shocks[idx] += 1
                shock_log.append((idx, F[idx]))
                c = impact_coef()[idx]
                if dyn.cascades:
                    x, liq, filled, coll = sovereign_cascade(t, idx, F[idx], c)
                    collapsed_any[idx] |= coll
                    trough = P[idx] * (1.0 - x)
                    OI[idx] = np.maximum(OI[idx] - liq, 0.0)
                    liq_total[idx] += liq
                    filled_btc = filled / np.maximum(trough, 1e-9)
                    H[idx] += filled_btc
                    for gs, rows, _ in games:
                        if isinstance(rows, slice):
                            gs.add_fills(idx, filled, filled_btc)
                            continue
                        pos = np.searchsorted(rows, idx)  # rows ascend: point-major order
                        pos = np.minimum(pos, rows.size - 1)
                        mine = rows[pos] == idx
                        if mine.any():
                            gs.add_fills(pos[mine], filled[mine], filled_btc[mine])
                    min_price[idx] = np.minimum(min_price[idx], trough)
                    r[idx] += np.log1p(-x * (1.0 - parts.rebound))  # close after the rebound
                else:
                    x = np.minimum((F[idx] / c) ** (1.0 / parts.impact_power), parts.max_drop)
                    r[idx] += np.log1p(-x)
            # 5. price, open interest rebuild
            gross = np.exp(r)
            P *= gross
            np.minimum(min_price, P, out=min_price)
            OI *= gross
            k_re = dyn.open_interest.rebuild_per_day
            if k_re > 0:
                # endogenous: margins scale with realized vol (Brunnermeier-Pedersen 2009)
                vref = m.vol_pa / np.maximum(rv, 0.05) if endogenous else sig0 / sig
                tgt = target_ratio * P * Q * vref**dyn.open_interest.vol_elasticity
                OI += k_re * (tgt - OI)
            # 6. realized volatility over the window (ring buffer)
            slot = t % W
            sum_sq += r * r - rets[slot] * rets[slot]
            rets[slot] = r
            if t % 64 == 0:  # re-sum to stop floating-point drift
                sum_sq = np.einsum("ij,ij->j", rets, rets)
            rv = np.sqrt(DAYS_PER_YEAR * np.maximum(sum_sq, 0.0) / W)
            for gs, rows, _ in games:
                gs.observe(r[rows])
            if t > T - DAYS_PER_YEAR:
                rv_year_sum += rv
                rv_year_n += 1
            if K:
                for b in range(Bn):
                    samples[b]["return"][:, t] = r[b * N : b * N + K]
            record(t, rv)
            tick(t)
    finally:
        if bar is not None:
            bar.close()

    runs = []
    for b in range(Bn):
        rows = block(b)
        gsb = None
        for gs, _grows, pts in games:
            if b in pts:
                gsb = (gs, pts.index(b))
        runs.append(
            _scenario_result(
                cfgs[b],
                secs[b],
                dyns[b],
                next(c for c in secs[b].cases if c.name == name),
                name,
                N=N,
                T=T,
                seed=seed,
                version=__version__,
                fan_days=fan_days,
                qs=qs[b],
                samples=samples[b],
                corr=corr[b],
                Kc=Kc,
                stride=stride,
                check_days=check_days,
                check_vals={d: v[rows] for d, v in check_vals.items()},
                check_share={d: v[rows] for d, v in check_share.items()},
                rv=rv[rows],
                P=P[rows],
                P0=P0,
                H=H[rows],
                Q=Q,
                min_price=min_price[rows],
                liq_total=liq_total[rows],
                n_shocks=n_shocks[rows],
                collapsed_any=collapsed_any[rows],
                shocks=[v[(i >= b * N) & (i < (b + 1) * N)] for i, v in shock_log],
                rv_year_mean=rv_year_sum[rows] / max(rv_year_n, 1),
                bids_meta=_bids_meta(dyns[b].sovereign_bids, rho_b[b], bid_table, P0),
                game=gsb,
                no_sovereigns=no_sovereigns,
            )
        )
    return runs


def _scenario_result(
    cfg: Any,
    sec: ScenariosConfig,
    dyn: DynamicsConfig,
    case: Any,
    name: str,
    *,
    N: int,
    T: int,
    seed: int,
    version: str,
    fan_days: NDArray[np.int64],
    qs: dict[str, NDArray[np.float64]],
    samples: dict[str, NDArray[np.float32]],
    corr: dict[str, NDArray[np.float32]],
    Kc: int,
    stride: int,
    check_days: list[int],
    check_vals: dict[int, NDArray[np.float64]],
    check_share: dict[int, NDArray[np.float64]],
    rv: NDArray[np.float64],
    P: NDArray[np.float64],
    P0: float,
    H: NDArray[np.float64],
    Q: float,
    min_price: NDArray[np.float64],
    liq_total: NDArray[np.float64],
    n_shocks: NDArray[np.int64],
    collapsed_any: NDArray[np.bool_],
    shocks: list[NDArray[np.float64]],
    rv_year_mean: NDArray[np.float64],
    bids_meta: dict[str, Any],
    game: tuple[Any, int] | None,
    no_sovereigns: bool,
) -> ScenarioRun:
    """The :class:`ScenarioRun` of one point from its final state and records."""
    checks = []
    for chk, day in zip(sec.checks, check_days, strict=True):
        truncated = day > T or day < 0
        d = min(max(day, 0), T)
        vals = check_vals.get(d)
        if vals is None:  # day outside the recorded set (cannot happen when 0 <= d <= T)
            vals = rv
        checks.append(
            {
                "label": chk.label,
                "date": chk.date.isoformat(),
                "day": int(d),
                "below_vol_pa": chk.below_vol_pa,
                "probability": float(np.mean(vals < chk.below_vol_pa)),
                "median_vol_pa": float(np.median(vals)),
                "truncated": bool(truncated),
            }
        )

    years = T / DAYS_PER_YEAR
    shocks_all = np.concatenate(shocks) if shocks else np.zeros(0)
    end = {k: qs[k][-1] for k in SERIES}
    j50 = int(np.argmin(np.abs(LEVELS - 0.5)))
    j05 = int(np.argmin(np.abs(LEVELS - 0.05)))
    j95 = int(np.argmin(np.abs(LEVELS - 0.95)))
    metrics = {
        "price_median_end_usd": float(end["price_usd"][j50]),
        "price_p05_end_usd": float(end["price_usd"][j05]),
        "price_p95_end_usd": float(end["price_usd"][j95]),
        "floor_median_end_usd": float(end["floor_usd"][j50]),
        "floor_p05_end_usd": float(end["floor_usd"][j05]),
        "vol_median_end_pa": float(end["vol_pa"][j50]),
        "sovereign_share_median_end": float(end["sovereign_share"][j50]),
        "leverage_median_end": float(end["leverage"][j50]),
        "annual_return_median": float((end["price_usd"][j50] / P0) ** (1.0 / years) - 1.0),
        "p_min_price_below_break": float(np.mean(min_price < sec.break_level_usd)),
        "p_end_price_below_break": float(np.mean(np.less(P, sec.break_level_usd))),
        "min_price_median_usd": float(np.median(min_price)),
        "liquidations_mean_usd": float(liq_total.mean()),
        "shocks_per_year": float(n_shocks.mean() / years),
        "shock_mean_usd": float(shocks_all.mean()) if shocks_all.size else 0.0,
        "p_collapse": float(collapsed_any.mean()),
    }
    for chk in checks:
        metrics[f"p_vol_below_{chk['below_vol_pa']:g}_{chk['date']}"] = chk["probability"]

    lag: dict[str, list[Any]] = {"pair": [], "lag_days": [], "corr": []}
    if Kc >= 2 and fan_days.size > 8:
        max_lag = min(26, fan_days.size // 3)
        for a, b in (
            ("vol_pa", "leverage"),
            ("vol_pa", "sovereign_share"),
            ("leverage", "sovereign_share"),
        ):
            lags, cors = _lagged_corr(
                corr[a][:, :-1].astype(float), corr[b][:, :-1].astype(float), max_lag, stride
            )
            lag["pair"] += [f"{a}->{b}"] * len(lags)
            lag["lag_days"] += lags
            lag["corr"] += cors

    meta = {
        "config_hash": cfg.content_hash(),
        "config_name": cfg.name,
        "seed": seed,
        "version": version,
        "paths": N,
        "horizon_days": T,
        "start_date": sec.start_date.isoformat(),
        "day_convention": "day t = start_date + t calendar days (365 a year)",
        "dynamics": dyn.model_dump(mode="json"),
        "sovereign_bids": bids_meta,
        "sources": dict(case.sources),
    }
    stats: dict[str, NDArray[np.float64]] = {
        "rv_end": rv.copy(),
        "share_end": H / Q,
        "rv_mean_last_year": rv_year_mean,
    }
    for d, v in check_vals.items():
        stats[f"rv_day{d}"] = v
        stats[f"share_day{d}"] = check_share[d]
    adoption = None
    if game is not None:
        game_state, b = game
        ad = dyn.adoption
        adoption = game_state.result(name, sec.start_date.isoformat(), block=b)
        meta["adoption"] = {
            "kind": "dynamic",
            "concept": ad.concept,
            "decision_dates": int(game_state.days.size),
            "period_days": ad.period_days,
            "political_cost_scale": ad.political_cost_scale,
            "unconverged_share": adoption.unconverged_share,
        }
        if game_state.mpe is not None:  # the MPE's one-shot deviation check
            md = game_state.mpe.to_dict()
            keys = ("converged", "iterations", "residual", "max_deviation_gain_usd")
            meta["adoption"]["mpe"] = {k: md[k] for k in (*keys, "tolerance_usd")}
        metrics["sovereign_committed_median_end_usd"] = float(
            np.median(game_state.block_of(game_state.cum_usd, b).sum(axis=1))
        )
    meta["no_sovereigns"] = bool(no_sovereigns)
    meta["volatility_mode"] = dyn.volatility.mode
    return ScenarioRun(
        name=name,
        probability=float(case.probability),
        fan_days=fan_days,
        quantiles=qs,
        checks=checks,
        metrics=metrics,
        samples=samples,
        lag_corr=lag,
        meta=meta,
        path_stats=stats,
        adoption=adoption,
    )


class _DynamicAdoption:
    """Per-path state of the dynamic sovereign game inside the daily simulation.

    Holds every sovereign's holdings ``h`` (paths, n), the profile chosen at the last decision
    date and its daily execution rates, cumulative net purchases (USD and BTC) and the EWMA
    volatility signal; see :mod:`reserves.sovereign.dynamic`.
    """

    def __init__(
        self,
        cfg: Any,
        dyn: DynamicsConfig,
        T: int,
        N: int,
        P0: float,
        off: bool,
        *,
        blocks: int = 1,
    ) -> None:
        from reserves.sovereign.dynamic import StageGame, decision_days

        ad = dyn.adoption
        # the N paths are `blocks` sweep points of N // blocks paths each (point-major): the
        # medians, shares and counts reported are per block
        self.blocks = blocks
        self.Nb = N // blocks
        self.ad = ad
        self.off = off or not ad.enabled
        self.stage = _stage_game(cfg, ad.political_cost_scale)
        self.days = decision_days(T, ad.period_days, ad.decision_days)
        self.day_index = {int(d): k for k, d in enumerate(self.days)}
        n = self.stage.num_players
        self.n = n
        self.h = np.broadcast_to(self.stage.holdings0_btc, (N, n)).copy()
        self.cum_usd = np.zeros((N, n))
        self.cum_btc = np.zeros((N, n))
        self.buy = np.zeros((N, n))
        self.sell = np.zeros((N, n))
        self.buy_tot = np.zeros(N)
        self.sell_tot = np.zeros(N)
        self.inv_p = np.zeros(N)
        self.p_sum = np.zeros(N)
        self.fill_btc = np.zeros(N)
        self.fill_usd = np.zeros(N)
        self.ndays = 0
        self.fills_pending = False
        self.prof = np.broadcast_to(self.stage.status_quo, (N, n)).copy()
        self.vol_pa = float(cfg.market.vol_pa)
        self.ewma_var = np.full(N, self.vol_pa**2)
        self.lam = 1.0 - 0.5 ** (1.0 / ad.signal_halflife_days)
        w = self.stage.cash_usd.max(axis=1)
        self.fill_weights = w / w.sum() if w.sum() > 0 else np.full(n, 1.0 / n)
        K = self.days.size
        self.med_usd = np.zeros((blocks, K, n))
        self.med_btc = np.zeros((blocks, K, n))
        self.acc_share = np.zeros((blocks, K, n))
        self.first_flow = np.zeros(n)
        self.unconverged = np.zeros(blocks, dtype=np.int64)
        self.games = 0  # stage games solved per block
        self.mpe = None
        if ad.concept == "mpe" and not self.off:
            from reserves.sovereign.dynamic_mpe import solve_mpe

            self.mpe = solve_mpe(cfg, dyn, self.days, T)
        self.P0 = P0
        self.StageGame = StageGame

    def _decide(self, k: int, P: NDArray, sig: NDArray, mult: NDArray, lev: NDArray) -> None:
        N = P.size
        if k == 0:
            # day 0: every path is at the config's state -> solve once, broadcast
            one = np.array([P[0]])
            if self.mpe is not None:
                prof = self.mpe.decide(0, one, self.h[:1], lev[:1])
            else:
                prof, conv = self.stage.myopic_profiles(
                    one, np.array([self.vol_pa]), self.h[:1], None, mult[:1]
                )
                self.unconverged += int((~conv).sum()) * self.Nb
            self.games += self.Nb
            self.prof = np.broadcast_to(prof, (N, self.n)).copy()
            _, _, x = self.stage.flows(one, self.h[:1])
            self.first_flow = np.take_along_axis(x[0], prof[0][:, None], 1)[:, 0]
        elif self.mpe is not None:
            self.prof = self.mpe.decide(k, P, self.h, lev)
            self.games += self.Nb
        else:
            self.prof, conv = self.stage.myopic_profiles(
                P, sig, self.h, self.prof, mult, rule="simultaneous"
            )
            self.unconverged += (~conv).reshape(self.blocks, self.Nb).sum(axis=1)
            self.games += self.Nb
        self.buy, self.sell = self.stage.rates(self.prof, P, self.h)
        shape = (self.blocks, self.Nb, self.n)
        self.acc_share[:, k] = self.stage.accumulating(self.prof).reshape(shape).mean(axis=1)
        self.med_usd[:, k] = np.median(self.cum_usd.reshape(shape), axis=1)
        self.med_btc[:, k] = np.median(self.cum_btc.reshape(shape), axis=1)

    def step(
        self,
        t0: int,
        P: NDArray,
        OI: NDArray,
        Q: float,
        mult0: float,
        mult_ratio: NDArray,
    ) -> tuple[NDArray, NDArray]:
        """Flows of day ``t0 + 1`` (decided at a date if ``t0`` is one): USD order flow and
        BTC added to sovereign holdings, per path.

        ``mult0 * mult_ratio`` is each path's flow multiplier; the ``model`` vol signal is
        ``market.vol_pa * mult_ratio`` (the diffusive vol scales with the multiplier)."""
        if self.off:
            k = self.day_index.get(t0)
            if k is not None:
                self.med_usd[:, k] = 0.0
                self.med_btc[:, k] = 0.0
            return np.zeros(P.size), np.zeros(P.size)
        k = self.day_index.get(t0)
        if k is not None:
            self.fold()
            if self.ad.vol_signal == "model":
                s = self.vol_pa * mult_ratio
            else:
                s = np.sqrt(self.ewma_var)
            self._decide(k, P, s, mult0 * mult_ratio, OI / (P * Q))
            self.buy_tot = self.buy.sum(axis=1)
            self.sell_tot = self.sell.sum(axis=1)
        # rates are constant between dates: per-sovereign totals are folded in at the next
        # date from sum(1/P) and sum(P) (holdings stay >= 0: the sale pace is 1/(365 T) of the
        # holdings at the date, so a period sells at most (days / (365 T)) of them)
        self.inv_p += 1.0 / P
        self.p_sum += P
        self.ndays += 1
        return self.buy_tot + self.sell_tot * P, self.buy_tot / P + self.sell_tot

    def fold(self) -> None:
        """Add the flows executed since the last date (and cascade fills) per sovereign."""
        if self.ndays == 0 and not self.fills_pending:
            return
        btc = self.buy * self.inv_p[:, None] + self.sell * self.ndays
        usd = self.buy * self.ndays + self.sell * self.p_sum[:, None]
        w = self.fill_weights[None, :]
        btc += self.fill_btc[:, None] * w
        usd += self.fill_usd[:, None] * w
        self.h = np.maximum(self.h + btc, 0.0)
        self.cum_btc += btc
        self.cum_usd += usd
        self.inv_p[:] = 0.0
        self.p_sum[:] = 0.0
        self.fill_btc[:] = 0.0
        self.fill_usd[:] = 0.0
        self.ndays = 0
        self.fills_pending = False

    def observe(self, r: NDArray) -> None:
        """Update the EWMA variance signal with the day's log returns (annualized)."""
        self.ewma_var += self.lam * (DAYS_PER_YEAR * r * r - self.ewma_var)

    def add_fills(self, idx: NDArray, filled_usd: NDArray, filled_btc: NDArray) -> None:
        """Resting bids filled in a cascade, attributed pro rata to buy capacity (folded into
        each sovereign's holdings at the next date)."""
        if self.off:
            return
        self.fill_btc[idx] += filled_btc
        self.fill_usd[idx] += filled_usd
        self.fills_pending = True

    def block_of(self, arr: NDArray, block: int) -> NDArray:
        """The rows of ``arr`` (per path) that belong to sweep point ``block``."""
        return arr[block * self.Nb : (block + 1) * self.Nb]

    def result(self, name: str, start_date: str, *, block: int = 0) -> Any:
        from reserves.sovereign.dynamic import AdoptionPaths

        self.fold()
        return AdoptionPaths(
            scenario=name,
            concept=self.ad.concept,
            start_date=start_date,
            decision_days=self.days.copy(),
            players=self.stage.players,
            committed_usd=self.med_usd[block],
            committed_btc=self.med_btc[block],
            accumulating_share=self.acc_share[block],
            first_flow_usd=self.first_flow,
            unconverged_share=int(self.unconverged[block]) / max(self.games, 1),
            meta={
                "political_cost_scale": self.stage.political_cost_scale,
                "vol_signal": self.ad.vol_signal,
                "enabled": not self.off,
            },
        )


_STAGE_CACHE: OrderedDict[tuple, Any] = OrderedDict()


def _stage_game(cfg: Any, political_cost_scale: float) -> Any:
    """The vectorized stage game of a config (cached per config hash and politics scale)."""
    from reserves.sovereign.dynamic import StageGame

    key = (cfg.content_hash(), float(political_cost_scale))
    hit = _STAGE_CACHE.get(key)
    if hit is None:
        hit = StageGame(cfg, political_cost_scale=political_cost_scale)
        _STAGE_CACHE[key] = hit
        while len(_STAGE_CACHE) > _CACHE_SIZE:
            _STAGE_CACHE.popitem(last=False)
    else:
        _STAGE_CACHE.move_to_end(key)
    return hit
