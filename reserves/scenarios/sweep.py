"""Parameter sweeps over the scenario simulation, local or on a Dask cluster.

A sweep file (``configs/sweeps/*.yaml``) names a config, a scenario (or ``mixture``), the
simulation size and a set of parameters given by dotted paths into the config
(``scenarios.base.shocks.rate_pa``). ``mode: grid`` evaluates the Cartesian product of each
parameter's ``values``; ``mode: tornado`` moves one parameter at a time to its ``low`` and
``high`` (see :mod:`reserves.scenarios.sensitivity`). Every point uses the same seed (common
random numbers), so differences between points come from the parameters, not from noise.

Back ends: local (a loop with a tqdm bar) by default; with ``scheduler`` (an address such as
``tcp://10.0.0.5:8786`` or a ``distributed.Client``) the points are mapped over the Dask
cluster. Each point is a pure function of (config, updates, seed), so both back ends give
identical results.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from reserves.errors import ConfigError

__all__ = [
    "ParameterSpec",
    "SweepResult",
    "SweepSpec",
    "check_parameters_act",
    "evaluate_point",
    "evaluate_points",
    "inert_reason",
    "load_sweep",
    "run_sweep",
    "sweep_points",
]

ProgressArg = bool | Callable[[int, int], None]

#: most paths simulated at once by :func:`evaluate_points` (points x paths; ~140 MB at the
#: budget's 7 kB a path), so a batch never needs more memory than the sweep's budget allows
BATCH_MAX_PATHS = 20_000

#: sweep metrics computed from paired runs with and without sovereign entry (C15,
#: :mod:`reserves.scenarios.c15`): the effect on volatility, its 95% band, per point of supply
C15_METRICS: tuple[str, ...] = (
    "c15_effect_pa",
    "c15_band_lo_pa",
    "c15_band_hi_pa",
    "c15_per_pp_supply",
)


class ParameterSpec(BaseModel):
    """One swept parameter: ``values`` (grid) or ``low``/``high`` (tornado)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    values: list[float] | None = None
    low: float | None = None
    high: float | None = None
    label: str = ""
    source: str = ""

    @model_validator(mode="after")
    def _given(self) -> ParameterSpec:
        if self.values is None and (self.low is None or self.high is None):
            raise ValueError("give 'values' (grid) or both 'low' and 'high' (tornado)")
        return self


class SweepSpec(BaseModel):
    """A sweep file."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    name: str = "sweep"
    config: str = Field(description="config path, relative to the sweep file")
    scenario: str = Field(default="mixture", description="a scenario name or 'mixture'")
    mode: Literal["grid", "tornado"] = "grid"
    paths: int = Field(default=500, ge=1, le=1_000_000)
    seed: int = Field(default=0, ge=0)
    horizon_days: int | None = Field(default=None, ge=2, le=20_000)
    metrics: list[str] = Field(default_factory=lambda: ["floor_median_end_usd"], min_length=1)
    parameters: dict[str, ParameterSpec] = Field(min_length=1)
    base_dir: str = Field(default=".", description="set by load_sweep")

    @model_validator(mode="after")
    def _mode_fits(self) -> SweepSpec:
        for key, p in self.parameters.items():
            if self.mode == "grid" and p.values is None:
                raise ValueError(f"parameters.{key}: mode 'grid' needs 'values'")
            if self.mode == "tornado" and (p.low is None or p.high is None):
                raise ValueError(f"parameters.{key}: mode 'tornado' needs 'low' and 'high'")
        return self

    def config_path(self) -> Path:
        p = Path(self.config)
        return p if p.is_absolute() else Path(self.base_dir) / p


def load_sweep(path: str | Path) -> SweepSpec:
    """Read and validate a sweep YAML file.

    Raises
    ------
    ConfigError
        naming the file and the bad field.
    """
    from reserves.safe import load_yaml_mapping

    p = Path(path)
    # the one safe door: regular file, size checked before reading, strict UTF-8, bounded YAML
    data = load_yaml_mapping(p, where=str(p))
    data.setdefault("base_dir", str(p.resolve().parent))
    try:
        return SweepSpec.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err["loc"]) or "(top level)"
        raise ConfigError(
            f"{p}: {loc}: {err['msg']}", field=loc, fix="see configs/sweeps/example.yaml"
        ) from None


def _nested(path: str, value: Any) -> dict[str, Any]:
    out: Any = value
    for part in reversed(path.split(".")):
        out = {part: out}
    return out


def _merge(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    from reserves.scenarios.schema import merge_overrides

    return merge_overrides(a, b)


def sweep_points(spec: SweepSpec) -> list[dict[str, float]]:
    """The points of a sweep: ``{dotted_path: value}`` per point (grid or one-at-a-time).

    Tornado points are: the base (empty), then ``low`` and ``high`` of each parameter.
    """
    if spec.mode == "grid":
        keys = list(spec.parameters)
        grids = [spec.parameters[k].values or [] for k in keys]
        return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*grids)]
    pts: list[dict[str, float]] = [{}]
    for key, p in spec.parameters.items():
        pts.append({key: float(p.low)})  # type: ignore[arg-type]
        pts.append({key: float(p.high)})  # type: ignore[arg-type]
    return pts


#: dynamics fields that act only under one setting of the scenario: (section, field) ->
#: (setting field, values under which the field acts)
_ACTS_ONLY_WHEN: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    **{
        ("volatility", f): ("mode", frozenset({"reduced_form"}))
        for f in ("floor_pa", "oi_elasticity", "sovereign_elasticity", "smoothing_days")
    },
    ("volatility", "float_share"): ("mode", frozenset({"endogenous"})),
    ("sovereign_bids", "share"): ("kind", frozenset({"wall"})),
    **{
        ("sovereign_bids", f): ("kind", frozenset({"schedule"}))
        for f in ("resting_share", "rule", "band", "price_points")
    },
    ("adoption", "midpoint_days"): ("kind", frozenset({"logistic"})),
    **{
        ("adoption", f): ("kind", frozenset({"logistic", "game"}))
        for f in ("commitment_usd", "scale", "width_days")
    },
    **{
        ("adoption", f): ("kind", frozenset({"dynamic"}))
        for f in (
            "concept",
            "period_days",
            "decision_days",
            "vol_signal",
            "signal_halflife_days",
            "political_cost_scale",
            "enabled",
            "mpe",
        )
    },
}


def _parts_equal(a: Any, b: Any) -> bool:
    import dataclasses

    import numpy as np

    return all(
        np.array_equal(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a)
    )


def inert_reason(cfg: Any, scenario: str, key: str, low: float, high: float) -> str | None:
    """Why the swept parameter ``key`` cannot change the simulation, or None if it acts.

    A parameter is inert when, under the config's current settings, no value of it reaches
    the simulation: a ``scenarios.base.<section>.<field>`` overridden by every simulated case,
    a field read only under another ``mode``/``kind`` of its section (e.g.
    ``sovereign_bids.share`` of the flat wall when bids follow the demand schedule), or a
    ``market_model`` field that leaves the market pieces the simulation uses
    (:func:`reserves.scenarios.simulate.build_parts`) unchanged between ``low`` and ``high``
    (the crash-panel parameters replace the section's impact and depth unless
    ``market_model.panel_params: none``).
    """
    from reserves.config import config_from_dict
    from reserves.scenarios.simulate import build_parts, scenarios_section

    sec = scenarios_section(cfg)
    names = [c.name for c in sec.cases] if scenario == "mixture" else [scenario]
    data = cfg.to_dict()

    def with_value(v: float) -> Any:
        return config_from_dict(_merge(data, _nested(key, v)), where="sweep point")

    parts = key.split(".")
    if parts[0] == "scenarios" and len(parts) >= 4 and parts[1] == "base":
        section, fname = parts[2], parts[3]
        lo_sec = scenarios_section(with_value(low))
        hi_sec = scenarios_section(with_value(high))
        why = []
        for n in names:
            if lo_sec.dynamics(n) == hi_sec.dynamics(n):
                why.append(f"scenario {n!r} overrides it")
                continue
            rule = _ACTS_ONLY_WHEN.get((section, fname))
            if rule is not None:
                setting = getattr(getattr(sec.dynamics(n), section), rule[0])
                if setting not in rule[1]:
                    acts = " or ".join(sorted(rule[1]))
                    why.append(
                        f"scenario {n!r} has {section}.{rule[0]}: {setting} "
                        f"(the field acts only with {rule[0]}: {acts})"
                    )
                    continue
            return None
        return "; ".join(why)
    if parts[0] == "market_model":
        lo_cfg, hi_cfg = with_value(low), with_value(high)
        for n in names:
            dyn = sec.dynamics(n)
            if not _parts_equal(build_parts(lo_cfg, dyn), build_parts(hi_cfg, dyn)):
                return None
        panel = getattr(getattr(cfg, "market_model", None), "panel_params", None)
        if panel and str(panel).lower() != "none":
            return (
                "the crash-panel parameters (market_model.panel_params: "
                f"{panel}) replace it: the cascade is the same at {low:g} and {high:g}"
            )
        return f"the cascade is the same at {low:g} and {high:g}"
    return None


def check_parameters_act(spec: SweepSpec, cfg: Any) -> None:
    """Refuse a sweep parameter the model ignores under the config's settings.

    Raises
    ------
    ConfigError
        naming the parameter, why it does nothing (:func:`inert_reason`) and the fix.
    """
    for key, p in spec.parameters.items():
        vals = [p.low, p.high] if p.values is None else list(p.values)
        vals = [float(v) for v in vals if v is not None]
        if len(set(vals)) < 2:
            continue
        why = inert_reason(cfg, spec.scenario, key, min(vals), max(vals))
        if why:
            raise ConfigError(
                f"the swept parameter does nothing here: {why}",
                field=f"parameters.{key}",
                fix="sweep a parameter that acts, or change the setting that disables it",
            )


def evaluate_point(
    config_data: dict[str, Any],
    updates: dict[str, float],
    scenario: str,
    paths: int,
    seed: int,
    horizon_days: int | None,
    metrics: list[str],
) -> dict[str, float]:
    """Simulate one sweep point and return the requested metrics (a pure function).

    ``updates`` maps dotted config paths to values; they are deep-merged into
    ``config_data`` and the result re-validated. For ``scenario == "mixture"`` each metric is
    the probability-weighted mean over the scenarios. The same as one point of
    :func:`evaluate_points`.
    """
    return evaluate_points(config_data, [updates], scenario, paths, seed, horizon_days, metrics)[0]


def _metrics_of(
    runs: list[Any], weights: list[float], c15_runs: list[Any] | None, metrics: list[str]
) -> dict[str, float]:
    """The requested metrics of one point from its runs (one per scenario, mixture-weighted)
    and, for the C15 metrics, its paired runs without sovereign entry."""
    out = {}
    if c15_runs is not None:
        from reserves.scenarios.c15 import c15_estimate, mix_c15

        ests = [c15_estimate(r, r0) for r, r0 in zip(runs, c15_runs, strict=True)]
        est = mix_c15(ests) if len(ests) > 1 else ests[0]
        c15 = {
            "c15_effect_pa": est.effect_pa,
            "c15_band_lo_pa": est.band_pa[0],
            "c15_band_hi_pa": est.band_pa[1],
            "c15_per_pp_supply": est.per_pp,
        }
        out.update({m: float(c15[m]) for m in metrics if m in C15_METRICS})
    for mname in metrics:
        if mname in C15_METRICS:
            continue
        if mname not in runs[0].metrics:
            raise ConfigError(
                f"unknown metric {mname!r}",
                field="metrics",
                fix=f"use one of {sorted([*runs[0].metrics, *C15_METRICS])}",
            )
        out[mname] = float(sum(w * r.metrics[mname] for w, r in zip(weights, runs, strict=True)))
    return out


def evaluate_points(
    config_data: dict[str, Any],
    points: list[dict[str, float]],
    scenario: str,
    paths: int,
    seed: int,
    horizon_days: int | None,
    metrics: list[str],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> list[dict[str, float]]:
    """:func:`evaluate_point` of many points, batched: points whose configs differ only in
    :data:`reserves.scenarios.simulate.BATCH_FIELDS` run as one vectorized simulation
    (:func:`reserves.scenarios.simulate.simulate_points`, points x paths on one axis), so
    the per-day work and the dynamic game's stage solves are shared. Each point's metrics
    equal :func:`evaluate_point`'s exactly (same streams, same arithmetic per path). A batch
    holds at most :data:`BATCH_MAX_PATHS` paths.

    ``progress(done, total)`` is called as points complete (each ``done`` once, in order;
    inside a batch, by the share of its days simulated).
    """
    from reserves.config import config_from_dict
    from reserves.scenarios.simulate import batch_key, scenarios_section, simulate_points

    cfgs = []
    for updates in points:
        data = dict(config_data)
        for key, value in updates.items():
            data = _merge(data, _nested(key, value))
        cfgs.append(config_from_dict(data, where="sweep point"))
    names = (
        [c.name for c in scenarios_section(cfgs[0]).cases] if scenario == "mixture" else [scenario]
    )
    with_c15 = any(m in C15_METRICS for m in metrics)
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, c in enumerate(cfgs):
        groups.setdefault(tuple(batch_key(c, n) for n in names), []).append(i)
    size = max(1, BATCH_MAX_PATHS // max(int(paths), 1))
    batches = [idx[k : k + size] for idx in groups.values() for k in range(0, len(idx), size)]
    total = len(points)
    # simulations per point: one per scenario, twice with the C15 counterfactual
    sims = len(names) * (2 if with_c15 else 1)
    state = {"done": 0, "shown": 0}

    def advance(units: float) -> None:
        state["done"] += units
        k = min(int(state["done"] / sims + 1e-9), total)
        while progress is not None and state["shown"] < k:
            state["shown"] += 1
            progress(state["shown"], total)

    runs: dict[int, list[Any]] = {i: [] for i in range(total)}
    c15_runs: dict[int, list[Any]] = {i: [] for i in range(total)}
    for idx in batches:
        batch = [cfgs[i] for i in idx]
        for n in names:
            for no_sov in (False, True) if with_c15 else (False,):
                seen = [0]

                def tick(t: int, T: int, seen: list[int] = seen, b: int = len(idx)) -> None:
                    advance(b * (t - seen[0]) / T)
                    seen[0] = t

                out = simulate_points(
                    batch,
                    n,
                    paths=paths,
                    seed=seed,
                    horizon_days=horizon_days,
                    progress=tick,
                    no_sovereigns=no_sov,
                )
                for i, r in zip(idx, out, strict=True):
                    (c15_runs if no_sov else runs)[i].append(r)
    return [
        _metrics_of(
            runs[i],
            [r.probability for r in runs[i]] if scenario == "mixture" else [1.0],
            c15_runs[i] if with_c15 else None,
            metrics,
        )
        for i in range(total)
    ]


@dataclass(frozen=True)
class SweepResult:
    """Metrics at each sweep point.

    Attributes
    ----------
    points:
        One ``{dotted_path: value}`` per point.
    values:
        One ``{metric: value}`` per point.
    backend:
        ``"local"`` or ``"dask"``.
    meta:
        Config hash, seed, version, paths, scenario, mode.
    """

    name: str
    points: tuple[dict[str, float], ...]
    values: tuple[dict[str, float], ...]
    backend: str
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "backend": self.backend,
            "meta": self.meta,
            "points": [
                {"parameters": p, "metrics": v}
                for p, v in zip(self.points, self.values, strict=True)
            ],
        }

    def to_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame([{**p, **v} for p, v in zip(self.points, self.values, strict=True)])


def _client(scheduler: Any) -> tuple[Any, bool]:
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover
        raise ConfigError(
            "--scheduler needs dask.distributed",
            field="scheduler",
            fix="pip install 'reserves[distributed]'",
        ) from None
    if isinstance(scheduler, Client):
        return scheduler, False
    if not isinstance(scheduler, str) or not scheduler:
        raise ConfigError(
            f"scheduler must be an address like tcp://host:8786, got {scheduler!r}",
            field="scheduler",
        )
    try:
        return Client(scheduler, timeout="10s"), True
    except OSError as exc:
        raise ConfigError(
            f"cannot reach the Dask scheduler at {scheduler}: {exc}",
            field="scheduler",
            fix="start one with `dask scheduler`",
        ) from None


def run_sweep(
    spec: SweepSpec | str | Path,
    *,
    scheduler: Any = None,
    progress: ProgressArg = False,
    points: list[dict[str, float]] | None = None,
) -> SweepResult:
    """Evaluate every point of a sweep.

    Parameters
    ----------
    spec:
        A :class:`SweepSpec` or the path of a sweep YAML file.
    scheduler:
        ``None`` (local loop), a Dask scheduler address, or a ``distributed.Client``.
    progress:
        tqdm bar (True) or a callable ``(done, total)``.
    points:
        Evaluate these points instead of :func:`sweep_points` (used by the tornado).
    """
    from reserves import __version__
    from reserves.config import load_config

    if not isinstance(spec, SweepSpec):
        spec = load_sweep(spec)
    cfg = load_config(spec.config_path())
    check_parameters_act(spec, cfg)
    data = cfg.to_dict()
    pts = points if points is not None else sweep_points(spec)
    args = (spec.scenario, spec.paths, spec.seed, spec.horizon_days, list(spec.metrics))
    total = len(pts)
    bar = None
    if callable(progress):
        tick: Callable[[int], None] = lambda k: progress(k, total)  # noqa: E731
    elif progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, desc=f"sweep {spec.name}", unit="point")
        tick = lambda k: bar.update(1)  # noqa: E731
    else:
        tick = lambda k: None  # noqa: E731
    try:
        if scheduler is None:
            backend = "local"
            values = evaluate_points(data, pts, *args, progress=lambda k, n: tick(k))
        else:
            from distributed import as_completed

            backend = "dask"
            client, owned = _client(scheduler)
            try:
                futures = [client.submit(evaluate_point, data, p, *args, pure=False) for p in pts]
                index = {f.key: i for i, f in enumerate(futures)}
                out: list[Any] = [None] * total
                for k, fut in enumerate(as_completed(futures), 1):
                    out[index[fut.key]] = fut.result()
                    tick(k)
                values = out
            finally:
                if owned:
                    client.close()
    finally:
        if bar is not None:
            bar.close()
    meta = {
        "config_hash": cfg.content_hash(),
        "seed": spec.seed,
        "version": __version__,
        "paths": spec.paths,
        "scenario": spec.scenario,
        "mode": spec.mode,
        "config": str(spec.config_path()),
    }
    return SweepResult(spec.name, tuple(pts), tuple(values), backend, meta)
