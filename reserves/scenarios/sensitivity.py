"""One-at-a-time sensitivity (tornado) of a scenario metric, e.g. the floor.

For each parameter ``k`` with range ``[low_k, high_k]`` and a metric ``y``, the bar is
``(y(low_k) - y_0, y(high_k) - y_0)`` with ``y_0`` the metric at the base config and every other
parameter held at its base value; bars are sorted by swing ``|y(high_k) - y(low_k)|``
(Saltelli et al. 2008, "Global Sensitivity Analysis: The Primer", ch. 1: one-at-a-time
screening; common random numbers across points keep the noise out of the differences).

Speed: a tornado needs only the scalar metrics of each point, not the fan charts, sample paths
or lagged correlations of a full simulation. Every point therefore runs with
:data:`METRICS_ONLY` (fan quantiles once a year plus the last day, no sample or correlation
paths). The metrics are unchanged by this: the random draws do not depend on these settings,
the end-of-horizon quantiles are always recorded on the last day and the C16 checks are read
on their own days (``tests/test_scenarios_sensitivity.py`` compares both ways). The points are
then simulated together (:func:`reserves.scenarios.sweep.evaluate_points`: points x paths on
one array axis, one stage-game solve per decision date for the whole batch), again with the
same numbers as point by point. The 15 points of ``configs/sweeps/example.yaml`` at 20 paths
run in about 0.75 s warm (5.7 s point by point), the app's button in 0.9 s
(``python benchmarks/bench_app.py --only tornado``).

Parameters the model ignores under the config's settings (the flat wall's share when bids
follow the demand schedule, the linear depth when the crash panel sets the cascade, ...) are
refused before anything runs (:func:`reserves.scenarios.sweep.inert_reason`): a bar of zero
length would read as "this input does not matter" when it was never used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reserves.scenarios.sweep import ProgressArg, SweepSpec, load_sweep, run_sweep, sweep_points

__all__ = ["METRICS_ONLY", "TornadoResult", "tornado", "value_text"]

#: config updates that drop what a tornado does not read (fans, sample and correlation paths)
METRICS_ONLY: dict[str, int] = {
    "scenarios.fan_stride_days": 365,
    "scenarios.sample_paths": 0,
    "scenarios.corr_paths": 0,
}


def value_text(name: str, x: float, *, signed: bool = False) -> str:
    """``x`` formatted for people by the unit its dotted name carries (``reserves.units``):
    a last part containing ``_usd`` -> ``$100M`` / ``$105,763``, a probability (``p_...``) or a
    ``...share...`` -> a percentage, anything else a plain number without an exponent.
    ``signed`` puts ``+`` before positive values (tornado deltas)."""
    from reserves.units import pct, plain, usd_short

    last = name.rsplit(".", 1)[-1]
    if "_usd" in last:
        text = usd_short(x)
    elif name.startswith("p_") or last.startswith("p_") or "share" in last:
        text = pct(x, 1)
    else:
        text = plain(x)
    return ("+" if signed and x > 0 else "") + text


@dataclass(frozen=True)
class TornadoResult:
    """Tornado bars of one metric, largest swing first."""

    metric: str
    base_value: float
    rows: tuple[dict[str, Any], ...]
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "base_value": self.base_value,
            "rows": list(self.rows),
            "meta": self.meta,
        }

    def to_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame(list(self.rows))


def tornado(
    spec: SweepSpec | str | Path,
    *,
    metric: str | None = None,
    scheduler: Any = None,
    progress: ProgressArg = False,
    metrics_only: bool = True,
) -> TornadoResult:
    """Tornado of ``metric`` (default: the spec's first) over the spec's ``low``/``high``.

    Parameters
    ----------
    spec:
        A :class:`~reserves.scenarios.sweep.SweepSpec` or the path of a sweep file.
    metric:
        The metric the bars show (default: the spec's first).
    scheduler:
        ``None`` (local) or a Dask scheduler address / client (see
        :func:`~reserves.scenarios.sweep.run_sweep`).
    progress:
        ``True`` for a tqdm bar or a callable ``(done, total)`` called after each point.
    metrics_only:
        Simulate each point with :data:`METRICS_ONLY` (same metrics, about 4x faster);
        ``False`` runs the full simulation of every point.

    Returns
    -------
    TornadoResult
        rows with ``parameter``, ``low``, ``high``, ``value_low``, ``value_high``,
        ``delta_low``, ``delta_high``, ``swing``, sorted by ``swing`` descending.
    """
    if not isinstance(spec, SweepSpec):
        spec = load_sweep(spec)
    if spec.mode != "tornado":
        spec = spec.model_copy(update={"mode": "tornado"})
        SweepSpec.model_validate(spec.model_dump())  # low/high must be present
    metric = metric or spec.metrics[0]
    points = sweep_points(spec)
    if metrics_only:
        points = [{**METRICS_ONLY, **p} for p in points]
    res = run_sweep(spec, scheduler=scheduler, progress=progress, points=points)
    base = res.values[0][metric]
    rows = []
    for i, (key, p) in enumerate(spec.parameters.items()):
        lo, hi = res.values[1 + 2 * i][metric], res.values[2 + 2 * i][metric]
        rows.append(
            {
                "parameter": key,
                "label": p.label or key,
                "low": p.low,
                "high": p.high,
                "value_low": lo,
                "value_high": hi,
                "delta_low": lo - base,
                "delta_high": hi - base,
                "swing": abs(hi - lo),
            }
        )
    rows.sort(key=lambda r: -r["swing"])
    meta = {**res.meta, "backend": res.backend, "metrics_only": bool(metrics_only)}
    return TornadoResult(metric, base, tuple(rows), meta)
