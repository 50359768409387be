"""Observed sovereign actions and observables: the data the sovereign model is estimated on.

An evidence file (``configs/evidence/*.yaml``) lists, for each roster sovereign, what it did
over a window (``accumulate``, ``hold`` or ``sell``), the signed flow (``amount_usd`` /
``amount_btc``: + bought, - sold), dates, a statement, sources, where sources disagree, and
the observables that feed the hedge motive (:mod:`reserves.sovereign.motives`):

``sanctions_exposure`` (0..1)
    0 issuer or treaty ally of the sanctioning issuers (US/EU/UK/JP); 0.25 non-aligned with
    officials or firms under US/EU (secondary) sanctions 2021-2025; 0.5 strategic rival whose
    state entities are under US sanctions; 1 reserves frozen (Russia 2022, Afghanistan 2021).
``gold_purchases_share`` (0..1)
    net official gold bought 2016-2025, valued at the late-2025 price, over reserves; the
    revealed demand for an unsanctionable, undebasable reserve asset (Ferranti 2025 documents
    that sanctions-exposed central banks raised their gold share 2016-2021).
``ban`` (0/1)
    domestic law bans crypto trading or mining.
``imf_programme`` (0/1)
    an IMF programme in force limits public bitcoin purchases.

A prediction roster (``reserves estimate ... --predict ROSTER.yaml``) has the same
observables and the numbers the payoff needs, but no action::

    sovereigns:
      - name: Brazil
        reserves_usd: 3.4e11          # required, > 0
        holdings_btc: 0               # default 0
        cost_of_capital_pa: 0.13      # required, per year
        kind: central_bank            # optional
        sell_share: 1.0               # optional, share of holdings sold when selling
        actions: [accumulate, hold, sell]   # optional subset
        observables: {sanctions_exposure: 0.25, gold_purchases_share: 0.0, ban: 0,
                      imf_programme: 0}

Every failure is one :class:`~reserves.errors.ConfigError` naming the file, the field and the
fix (unknown sovereign, unknown action, an amount whose sign contradicts the action, an
unknown or out-of-range observable).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from reserves.config import ACTIONS, ReservesConfig, _format_validation
from reserves.errors import ConfigError
from reserves.safe import load_yaml_mapping, reject_bool_numbers

#: observable name -> (lower bound, upper bound, meaning)
OBSERVABLES: dict[str, tuple[float, float, str]] = {
    "sanctions_exposure": (0.0, 1.0, "exposure to a freeze of fiat reserves (0, .25, .5, 1)"),
    "gold_purchases_share": (0.0, 1.0, "net official gold bought 2016-2025 / reserves"),
    "ban": (0.0, 1.0, "domestic crypto ban (0/1)"),
    "imf_programme": (0.0, 1.0, "IMF programme limiting public BTC purchases (0/1)"),
}

#: largest evidence or roster file accepted (bytes)
MAX_EVIDENCE_BYTES = 1_000_000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _check_observables(v: dict[str, float]) -> dict[str, float]:
    unknown = sorted(set(v) - set(OBSERVABLES))
    if unknown:
        raise ValueError(f"unknown observable(s) {unknown}; known: {sorted(OBSERVABLES)}")
    missing = sorted(set(OBSERVABLES) - set(v))
    if missing:
        raise ValueError(f"missing observable(s) {missing}")
    for k, x in v.items():
        lo, hi, _ = OBSERVABLES[k]
        if not lo <= x <= hi:
            raise ValueError(f"{k} = {x} outside [{lo:g}, {hi:g}]")
    return v


class Observation(_Strict):
    """What one sovereign did over the evidence window."""

    name: str = Field(min_length=1)
    action: Literal["accumulate", "hold", "sell"]
    amount_usd: float | None = Field(default=None, description="signed flow: + bought, - sold")
    amount_btc: float | None = Field(default=None, description="signed flow: + bought, - sold")
    dates: list[str] = Field(default_factory=list)
    statement: str = ""
    observables: dict[str, float]
    sources: dict[str, str] = Field(default_factory=dict)
    disagreement: str = ""
    actions_available: list[Literal["accumulate", "hold", "sell"]] | None = Field(
        default=None,
        description="actions open to the sovereign over the window when the public record "
        "restricts them (a law, a court); cite it in sources.actions_available",
    )

    _obs = field_validator("observables")(_check_observables)

    def sign_problem(self) -> tuple[str, str] | None:
        """``(field, message)`` when an amount's sign contradicts the action, else None."""
        want = {"accumulate": 1, "sell": -1, "hold": 0}[self.action]
        for fld in ("amount_usd", "amount_btc"):
            x = getattr(self, fld)
            if x is None:
                continue
            if want == 0 and x != 0:
                return fld, f"{fld} = {x:g} but action is hold (no flow)"
            if want * x < 0 or (want != 0 and x == 0):
                sign = "positive (bought)" if want > 0 else "negative (sold)"
                return fld, f"{fld} = {x:g} must be {sign} for action {self.action}"
        return None


class Evidence(_Strict):
    """An evidence file: observed actions of roster sovereigns over a window."""

    name: str = "evidence"
    window: list[str] = Field(default_factory=list)
    sovereigns: list[Observation] = Field(min_length=1)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.sovereigns)

    def by_name(self, name: str) -> Observation:
        for o in self.sovereigns:
            if o.name == name:
                return o
        raise ConfigError(f"no evidence for {name!r}", field="sovereigns")

    def action_counts(self) -> dict[str, int]:
        """How many sovereigns took each action."""
        c = Counter(o.action for o in self.sovereigns)
        return {a: int(c.get(a, 0)) for a in ACTIONS}


class RosterEntry(_Strict):
    """A sovereign to predict: observables and payoff numbers, no action."""

    name: str = Field(min_length=1)
    kind: Literal["central_bank", "treasury", "swf", "government"] = "central_bank"
    reserves_usd: float = Field(gt=0)
    holdings_btc: float = Field(default=0.0, ge=0)
    cost_of_capital_pa: float = Field(ge=-0.1, le=1)
    sell_share: float = Field(default=1.0, ge=0, le=1)
    actions: list[Literal["accumulate", "hold", "sell"]] | None = None
    observables: dict[str, float]
    sources: dict[str, str] = Field(default_factory=dict)

    _obs = field_validator("observables")(_check_observables)


class PredictRoster(_Strict):
    """A ``--predict`` roster file."""

    name: str = "roster"
    sovereigns: list[RosterEntry] = Field(min_length=1)


def _validate(model: type[BaseModel], data: Any, where: str) -> Any:
    reject_bool_numbers(model, data, where)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_validation(exc, where, data)) from None


def evidence_from_dict(
    data: dict[str, Any], *, where: str = "evidence", roster: ReservesConfig | None = None
) -> Evidence:
    """Validate an evidence mapping; with ``roster``, every name must be a roster sovereign.

    Raises
    ------
    ConfigError
        one line naming ``where``, the field (``sovereigns[4].amount_usd``) and the fix.
    """
    ev: Evidence = _validate(Evidence, data, where)
    seen: set[str] = set()
    for k, o in enumerate(ev.sovereigns):
        if o.name in seen:
            raise ConfigError(
                f"{where}: sovereigns[{k}].name: {o.name!r} appears twice",
                fix="keep one entry per sovereign",
            )
        seen.add(o.name)
        if o.actions_available is not None and o.action not in o.actions_available:
            raise ConfigError(
                f"{where}: sovereigns[{k}].action: {o.action!r} is not in its "
                f"actions_available {o.actions_available}",
                fix="correct the action or the restriction",
            )
        if o.actions_available is not None and "actions_available" not in o.sources:
            raise ConfigError(
                f"{where}: sovereigns[{k}].sources.actions_available: a restriction of the "
                "actions needs its source",
                fix="cite the law or court decision in sources.actions_available",
            )
        bad = o.sign_problem()
        if bad is not None:
            raise ConfigError(
                f"{where}: sovereigns[{k}].{bad[0]}: {bad[1]}",
                fix="use + for coins bought, - for coins sold, 0 or nothing for hold",
            )
    if roster is not None:
        names = [s.name for s in roster.players]
        for k, o in enumerate(ev.sovereigns):
            if o.name not in names:
                raise ConfigError(
                    f"{where}: sovereigns[{k}].name: {o.name!r} is not a sovereign of the "
                    f"config {roster.name!r}",
                    fix=f"use one of {names}",
                )
            allowed = next(s for s in roster.players if s.name == o.name).actions
            allowed = allowed or list(ACTIONS)
            if o.action not in allowed:
                raise ConfigError(
                    f"{where}: sovereigns[{k}].action: {o.action!r} is not an action the "
                    f"config allows {o.name!r} ({allowed})",
                    fix="correct the action or the config's sovereigns[].actions",
                )
    return ev


def load_evidence(path: str | Path, roster: ReservesConfig | None = None) -> Evidence:
    """Load and validate an evidence YAML file (see the module docstring for the schema)."""
    where = str(path)
    data = load_yaml_mapping(Path(path), where=where, max_bytes=MAX_EVIDENCE_BYTES)
    return evidence_from_dict(data, where=where, roster=roster)


def load_roster(path: str | Path) -> PredictRoster:
    """Load a ``--predict`` roster file (schema in the module docstring)."""
    where = str(path)
    data = load_yaml_mapping(Path(path), where=where, max_bytes=MAX_EVIDENCE_BYTES)
    return _validate(PredictRoster, data, where)


#: the evidence file shipped with the package
DEFAULT_EVIDENCE = (
    Path(__file__).resolve().parent.parent.parent / "configs" / "evidence" / "2024-2025.yaml"
)

__all__ = [
    "DEFAULT_EVIDENCE",
    "OBSERVABLES",
    "Evidence",
    "Observation",
    "PredictRoster",
    "RosterEntry",
    "evidence_from_dict",
    "load_evidence",
    "load_roster",
]
