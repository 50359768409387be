"""The technical note's table of dominance thresholds, sub-games and adoption path.

For every sovereign ``i`` of the baseline game: its closed-form threshold ``theta_i*`` above
which accumulating strictly dominates (:func:`reserves.sovereign.symbolic.analyze`, the
maximum over the others' profiles of ``-A(a_-i) / (W_i Delta s(a_-i))``) and the same in the
political cost ``kappa_i*`` (dominance iff ``kappa_i < kappa_i*``); the multiple
``theta_i* / theta_i`` by which its strategic weight must rise; the ordinal type of 2x2
sub-games (Rapoport & Guyer 1966); the correlated-equilibrium demand band (two linear
programs, :func:`reserves.nash.correlated.correlated_demand_band`); and the adoption path of
best-response dynamics from the status quo (:func:`reserves.sovereign.adoption.adoption_path`).

Registered as the assessment section ``paper_thresholds``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from reserves import units
from reserves.assessment import AssessmentContext, Section, SectionBuilder

__all__ = ["SUBGAME_PAIRS", "assessment_section", "theta_multiplier"]

#: the 2x2 sub-games the note types (pairs of roster names; skipped if not in the roster)
SUBGAME_PAIRS: tuple[tuple[str, str], ...] = (
    ("United States", "China"),
    ("Saudi PIF", "UAE ADIA"),
)


def theta_multiplier(
    theta: float, theta_star: Any, direction: str, feasible: bool, dominant: bool
) -> float:
    """How many times ``theta`` must grow for accumulating to dominate: 1 if it already does,
    ``theta*/theta`` for a feasible lower bound, ``inf`` when no ``theta`` makes it dominant."""
    if dominant:
        return 1.0
    if isinstance(theta_star, float) and direction == "above" and feasible:
        return theta_star / theta if theta > 0 else math.inf
    return math.inf


def _threshold_text(row: dict[str, Any]) -> str:
    ts = row["theta_star"]
    if row["direction"] != "above" or not row["feasible"]:
        return "any" if row["dominant"] else "never"
    if isinstance(ts, float) and ts <= 0:
        return "any (≤ 0)"
    return units.plain(ts, 3)


def assessment_section(ctx: AssessmentContext) -> Section:
    """Section ``paper_thresholds``: per-sovereign ``theta*``/``kappa*`` rows, the multiples
    ``theta*/theta`` (min, median, max over sovereigns that can be made to accumulate), the
    2x2 sub-game types, the correlated demand band and the adoption path."""
    import reserves
    from reserves.nash.correlated import correlated_demand_band
    from reserves.nash.pure import iterated_elimination
    from reserves.sovereign.symbolic import analyze, dominance_thresholds

    game, res = ctx.game, ctx.equilibria
    b = SectionBuilder(ctx, "paper_thresholds")
    an = analyze(game, boundaries=False)
    kappa = dominance_thresholds(game, "kappa")
    eq_labels: dict[str, str] = {}
    if res.equilibria:
        e = res.equilibria[0]
        eq_labels = {
            game.players[i]: res.actions[i][int(np.argmax(p))] for i, p in enumerate(e.strategies)
        }
    rows: list[dict[str, Any]] = []
    for i, (t, k) in enumerate(zip(an.thresholds, kappa, strict=True)):
        td, kd = t.to_dict(), k.to_dict()
        sv = game.sovereigns[i]
        row = {
            "player": td["player"],
            "reserves_usd": float(sv.reserves_usd),
            "holdings_btc": float(sv.holdings_btc),
            "ticket_usd": float(sv.max_buy_share * sv.reserves_usd),
            "actions": list(game.actions[i]),
            "equilibrium_action": eq_labels.get(td["player"]),
            "theta": td["value"],
            "theta_star": td["threshold"],
            "direction": td["direction"],
            "feasible": td["feasible"],
            "dominant": td["accumulate_dominant"],
            "dominant_action": an.dominant_action[i],
            "min_margin_usd": td["min_margin_usd"],
            "kappa": kd["value"],
            "kappa_star": kd["threshold"],
        }
        row["theta_multiplier"] = theta_multiplier(
            row["theta"], row["theta_star"], row["direction"], row["feasible"], row["dominant"]
        )
        row["theta_star_text"] = _threshold_text(row)
        ks = row["kappa_star"]
        row["kappa_star_text"] = units.usd_short(ks) if isinstance(ks, float) else str(ks)
        rows.append(row)
    mult = [r["theta_multiplier"] for r in rows]
    finite = [m for m in mult if math.isfinite(m) and m > 1.0]
    dominant = [r["player"] for r in rows if r["dominant"]]
    holders = [sv.name for sv in game.sovereigns if sv.holdings_btc > 0]
    selling = [p for p in holders if eq_labels.get(p) == "sell"]
    accumulators = [p for p, a in eq_labels.items() if a == "accumulate"]
    sold_btc = sum(-game.player_flows(i, eq_labels[p])[1] for i, p in enumerate(game.players))
    elim = iterated_elimination(game.to_game())
    surviving = int(np.prod(elim.game.shape))
    mcap = float(ctx.cfg.market.market_cap_usd)
    total_ticket = sum(r["ticket_usd"] for r in rows)
    net = sum(
        game.player_flows(i, eq_labels[p])[0] for i, p in enumerate(game.players)
    ) - sold_btc * float(game.price_usd)
    mk = ctx.cfg.market
    b.add("n_players", "Sovereigns in the game", game.num_players, "count")
    b.add("n_profiles", "Action profiles", game.num_profiles, "count")
    b.add("price", "Entry price", game.price_usd, "usd_price")
    b.add("market_cap", "Market capitalisation", mcap, "usd_short")
    b.add("m", "Flow multiplier", mk.flow_multiplier, "number")
    b.add("sigma", "Volatility", mk.vol_pa, "pct")
    b.add("T", "Horizon, years", mk.horizon_years, "number")
    b.add("V", "Belief about long-run value", mk.value_belief_usd, "usd_price")
    b.add("eps", "Share floor, BTC", mk.share_floor_btc, "number")
    b.add("surviving", "Profiles surviving iterated elimination", surviving, "count")
    b.add("n_dominant", "Sovereigns for whom accumulating dominates", len(dominant), "count")
    b.add("n_holders", "Sovereigns holding bitcoin", len(holders), "count")
    b.add("n_selling_holders", "Holders selling in equilibrium", len(selling), "count")
    b.add("eq_n_accumulators", "Sovereigns accumulating in equilibrium", len(accumulators), "count")
    b.add("eq_sold_btc", "Bitcoin sold in equilibrium", sold_btc, "btc")
    b.add("eq_net_share", "Net sovereign flow, share of market cap", net / mcap, "pct")
    for short, label, val in (
        ("theta_mult_min", "Smallest rise of theta needed", min(finite) if finite else None),
        ("theta_mult_median", "Median rise of theta needed", np.median(finite) if finite else None),
        ("theta_mult_max", "Largest rise of theta needed", max(finite) if finite else None),
    ):
        b.add(short, label, val, "ratio")
    b.add(
        "n_never",
        "Sovereigns no theta makes accumulate",
        sum(not math.isfinite(m) for m in mult),
        "count",
    )
    b.add("total_ticket", "Cash the roster would move accumulating", total_ticket, "usd_short")
    b.add("total_ticket_share", "... as a share of market cap", total_ticket / mcap, "pct")
    lo, hi = correlated_demand_band(game)
    b.add(
        "ce_low",
        "Correlated equilibria: lowest expected demand",
        lo.expected_demand_usd,
        "usd_short",
    )
    b.add(
        "ce_high",
        "Correlated equilibria: highest expected demand",
        hi.expected_demand_usd,
        "usd_short",
    )
    path = reserves.adoption_path(game)
    pd_ = path.to_dict()
    b.add("adoption_rounds", "Rounds of best-response dynamics", pd_["rounds"], "count")
    events = [
        {k: e[k] for k in ("round", "time_years", "player", "from", "to", "demand_usd")}
        for e in pd_["events"]
    ]
    pairs = []
    for pair in SUBGAME_PAIRS:
        if not all(p in game.players for p in pair):
            continue
        sub = reserves.SovereignGame(ctx.cfg.with_updates({"game": {"players": list(pair)}}))
        a2 = analyze(sub, boundaries=False)
        pairs.append(
            {
                "players": list(pair),
                "game_type": a2.game_type.game_type if a2.game_type else None,
                "dominant_action": list(a2.dominant_action),
            }
        )
    text: dict[str, str] = {
        "dominant_players": " and ".join(dominant) or "none",
        "selling_holders": ", ".join(selling) or "none",
        "eq_accumulators": " and ".join(accumulators) or "none",
        "numeric_check": "agrees" if an.numeric_check.get("agrees", False) else "disagrees",
        "adoption_status": str(pd_["status"]),
        "adoption": "; ".join(
            f"round {e['round']} ({units.plain(e['time_years'], 2)} yr): {e['player']} "
            f"{e['from']} → {e['to']}"
            for e in events
        ),
        "ce_band": f"{units.usd_short(lo.expected_demand_usd)} to "
        f"{units.usd_short(hi.expected_demand_usd)}",
    }
    for k, p in enumerate(pairs):
        text[f"pair{k}_players"] = " vs ".join(p["players"])
        text[f"pair{k}_type"] = (p["game_type"] or units.MISSING).replace("_", " ")
        text[f"pair{k}_dominant"] = ", ".join(
            f"{pl}: {a or 'none'}" for pl, a in zip(p["players"], p["dominant_action"], strict=True)
        )
    return b.section(
        "Dominance thresholds, sub-games and adoption",
        table=rows,
        pairs=pairs,
        adoption_events=events,
        holders=holders,
        dominant_players=dominant,
        c14_holds_for_all=bool(an.c14_holds),
        dominance_solvable=surviving == 1,
        correlated_max_violation=float(max(lo.max_violation, hi.max_violation)),
        text=text,
        summary=(
            f"Accumulating is the best choice whatever the others do for {len(dominant)} of "
            f"{game.num_players} sovereigns. For the others, the weight they put on their "
            "share of reserves would have to rise several times."
        ),
    )
