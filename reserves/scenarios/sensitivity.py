"""One-at-a-time sensitivity (tornado) of a scenario metric, e.g. the floor.

For each parameter ``k`` with range ``[low_k, high_k]`` and a metric ``y``, the bar is
``(y(low_k) - y_0, y(high_k) - y_0)`` with ``y_0`` the metric at the base config and every other
parameter held at its base value; bars are sorted by swing ``|y(high_k) - y(low_k)|``
(Saltelli et al. 2008, "Global Sensitivity Analysis: The Primer", ch. 1: one-at-a-time
screening; common random numbers across points keep the noise out of the differences).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reserves.scenarios.sweep import ProgressArg, SweepSpec, load_sweep, run_sweep, sweep_points

__all__ = ["TornadoResult", "tornado"]


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
) -> TornadoResult:
    """Tornado of ``metric`` (default: the spec's first) over the spec's ``low``/``high``.

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
    res = run_sweep(spec, scheduler=scheduler, progress=progress, points=sweep_points(spec))
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
    return TornadoResult(metric, base, tuple(rows), {**res.meta, "backend": res.backend})
