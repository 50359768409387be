"""Game-engine benchmarks against pygambit, quantecon and nashpy (a script, not a test).

    python benchmarks/bench_game.py [--only pure two_player support large_two_player baseline]

Generates its games into ``benchmarks/data/`` (git-ignored) from fixed seeds, runs each peer
in a subprocess with a timeout (so a stall cannot hang the script) and prints one table with
the ratios peer / ours. A peer that is not importable is skipped with a note.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reserves.nash.logit import logit_solve  # noqa: E402
from reserves.nash.nfg import read_nfg, write_nfg  # noqa: E402
from reserves.nash.normal_form import Game  # noqa: E402
from reserves.nash.pure import pure_solve  # noqa: E402
from reserves.nash.result import RESULT_OBSERVERS  # noqa: E402
from reserves.nash.solve import solve  # noqa: E402
from reserves.nash.support_enumeration import support_enumeration_solve  # noqa: E402
from reserves.nash.two_player import two_player_solve  # noqa: E402
from reserves.nash.verify import check_equilibrium  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
ROWS: list[tuple[str, str, str, str, str]] = []


def peer(code: str, timeout_s: float) -> dict:
    """Run ``code`` (which prints one JSON line) in a fresh interpreter with a timeout."""
    try:
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout_s:g} s"}
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["failed"])[-1]
        return {"error": last[:80]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def importable(name: str) -> bool:
    try:
        __import__(name)
    except ImportError:
        print(f"note: {name} not importable; its columns are skipped")
        return False
    return True


def row(task: str, ours_s: float, peer_name: str, peer_res: dict, key: str, detail: str) -> None:
    if "error" in peer_res:
        ROWS.append((task, f"{ours_s:.3f}", peer_name, peer_res["error"], detail))
        return
    t = peer_res[key]
    ROWS.append((task, f"{ours_s:.3f}", peer_name, f"{t:.3f} ({t / ours_s:.1f}x)", detail))


def timed(fn, *a, **kw):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn(*a, **kw)
    return out, time.perf_counter() - t0


def best_of(k: int, fn, *a, **kw):  # type: ignore[no-untyped-def]
    """Result and the fastest of ``k`` wall times (the machine is shared: the minimum is the
    least disturbed run)."""
    out, best = timed(fn, *a, **kw)
    for _ in range(k - 1):
        out, t = timed(fn, *a, **kw)
        best = min(best, t)
    return out, best


#: the peer side of :func:`best_of`, with equilibria printed as lists of floats
GAMBIT_PROFILES = (
    "def profs(res, x):\n"
    "    return [[[float(eq[s]) for s in p.strategies] for p in x.players]"
    " for eq in res.equilibria]\n"
)


def contains(ours, theirs: list, tol: float = 1e-6) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """How many of the peer's profiles appear among ours: (found, total)."""
    found = 0
    for prof in theirs:
        if any(
            all(
                np.max(np.abs(np.asarray(a) - b)) <= tol
                for a, b in zip(prof, e.strategies, strict=True)
            )
            for e in ours
        ):
            found += 1
    return found, len(theirs)


def bench_pure16(have_gambit: bool, have_qe: bool) -> None:
    path = DATA / "pure16.nfg"
    if not path.exists():
        rng = np.random.default_rng(16)
        write_nfg(Game(rng.normal(size=(16,) + (2,) * 16), title="16x2"), path)
    size_mb = path.stat().st_size / 1e6
    game, t_read = timed(read_nfg, path)
    res, t_solve = timed(pure_solve, game)
    t_end = t_read + t_solve
    detail = f"{size_mb:.0f} MB, {len(res)} pure equilibria"
    if have_gambit:
        g = peer(
            "import json,time,pygambit as g\n"
            f"t=time.perf_counter();x=g.read_nfg({str(path)!r});r=time.perf_counter()-t\n"
            "t=time.perf_counter();e=g.nash.enumpure_solve(x);s=time.perf_counter()-t\n"
            "print(json.dumps({'read':r,'solve':s,'end':r+s,'n':len(e.equilibria)}))",
            600,
        )
        row("16 players pure, read+solve", t_end, "pygambit", g, "end", detail)
        row("16 players pure, solve only", t_solve, "pygambit", g, "solve", detail)
        if "n" in g and g["n"] != len(res):
            print(f"WARNING: pygambit found {g['n']} pure equilibria, we found {len(res)}")
    if have_qe:
        q = peer(
            "import json,time,numpy as np,quantecon.game_theory as gt\n"
            f"import sys; sys.path.insert(0,{str(ROOT)!r})\n"
            "from reserves.nash.nfg import read_nfg\n"
            f"G=read_nfg({str(path)!r}); N=G.num_players\n"
            "pl=[gt.Player(np.transpose(G.payoffs[i], [i]+[(i+k)%N for k in range(1,N)]))"
            " for i in range(N)]\n"
            "t=time.perf_counter();e=gt.pure_nash_brute(gt.NormalFormGame(pl));"
            "s=time.perf_counter()-t\n"
            "print(json.dumps({'solve':s,'n':len(e)}))",
            120,
        )
        row("16 players pure, solve only", t_solve, "quantecon brute", q, "solve", detail)


def bench_pure20(have_qe: bool) -> None:
    rng = np.random.default_rng(20)
    game = Game(rng.normal(size=(20,) + (2,) * 20))
    res, t = timed(pure_solve, game)
    ROWS.append(("20 players pure (2^20 profiles)", f"{t:.3f}", "-", "-", f"{len(res)} equilibria"))
    if have_qe:
        for n in (12, 14):
            g = Game(np.random.default_rng(n).normal(size=(n,) + (2,) * n))
            ours, t = timed(pure_solve, g)
            path = DATA / f"pure{n}.npy"
            np.save(path, g.payoffs)
            q = peer(
                "import json,time,numpy as np,quantecon.game_theory as gt\n"
                f"U=np.load({str(path)!r}); N=U.shape[0]\n"
                "pl=[gt.Player(np.transpose(U[i], [i]+[(i+k)%N for k in range(1,N)]))"
                " for i in range(N)]\n"
                "t=time.perf_counter();e=gt.pure_nash_brute(gt.NormalFormGame(pl));"
                "s=time.perf_counter()-t\nprint(json.dumps({'solve':s,'n':len(e)}))",
                120,
            )
            row(f"{n} players pure", t, "quantecon brute", q, "solve", f"{len(ours)} equilibria")


def bench_two_player(have_gambit: bool) -> None:
    for m, seed in ((6, 1), (8, 2), (10, 3)):
        rng = np.random.default_rng(seed)
        A, B = rng.normal(size=(2, m, m))
        game = Game.from_arrays(A, B)
        res, t = timed(two_player_solve, game)
        path = DATA / f"bimatrix{m}.npy"
        np.save(path, np.stack([A, B]))
        detail = f"{len(res)} eq, complete={res.complete}"
        np_res = peer(
            "import json,time,warnings,numpy as np,nashpy\nwarnings.simplefilter('ignore')\n"
            f"A,B=np.load({str(path)!r});g=nashpy.Game(A,B)\n"
            "t=time.perf_counter();e=list(g.support_enumeration());s=time.perf_counter()-t\n"
            "t=time.perf_counter();v=list(g.vertex_enumeration());w=time.perf_counter()-t\n"
            "print(json.dumps({'support':s,'vertex':w,'ns':len(e),'nv':len(v)}))",
            120,
        )
        row(f"2 players {m}x{m} all eq", t, "nashpy support", np_res, "support", detail)
        if "ns" in np_res:
            ROWS[-1] = (*ROWS[-1][:4], detail + f"; nashpy SE found {np_res['ns']}")
        row(f"2 players {m}x{m} all eq", t, "nashpy vertex", np_res, "vertex", detail)
        if have_gambit:
            g = peer(
                "import json,time,numpy as np,pygambit as g\n"
                f"A,B=np.load({str(path)!r});x=g.Game.from_arrays(A,B)\n"
                "t=time.perf_counter();e=g.nash.enummixed_solve(x,rational=False);"
                "s=time.perf_counter()-t\n"
                "print(json.dumps({'solve':s,'n':len(e.equilibria)}))",
                120,
            )
            row(f"2 players {m}x{m} all eq", t, "pygambit enummixed", g, "solve", detail)


def bench_support(have_gambit: bool, timeout_s: float) -> None:
    for shape, seed in (((2, 2, 2), 1), ((2, 2, 4), 2), ((2, 2, 2, 2), 3), ((3, 3, 3), 4)):
        rng = np.random.default_rng(seed)
        U = rng.integers(-99, 100, size=(len(shape), *shape)).astype(float)
        U += rng.random(U.shape) * 1e-3  # break ties: a generic game
        game = Game(U)
        res, t = best_of(5, support_enumeration_solve, game)
        path = DATA / ("poly_" + "x".join(map(str, shape)) + ".nfg")
        write_nfg(game, path)
        detail = f"{len(res)} eq, complete={res.complete}"
        if have_gambit:
            g = peer(
                "import json,time,pygambit as g\n"
                + GAMBIT_PROFILES
                + f"x=g.read_nfg({str(path)!r})\n"
                "ts=[]\n"
                "for _ in range(5):\n"
                "    t=time.perf_counter();e=g.nash.enumpoly_solve(x)\n"
                "    ts.append(time.perf_counter()-t)\n"
                "print(json.dumps({'solve':min(ts),'n':len(e.equilibria),'p':profs(e,x)}))",
                timeout_s,
            )
            name = "x".join(map(str, shape))
            row(f"{name} all eq (support enum)", t, "pygambit enumpoly", g, "solve", detail)
            if "n" in g:
                f, k = contains(res, g["p"])
                ROWS[-1] = (
                    *ROWS[-1][:4],
                    detail + f"; enumpoly found {g['n']}, all {f} of {k} among ours",
                )


def bench_support_many(have_gambit: bool, timeout_s: float, n_games: int = 8) -> None:
    """Several random games per shape (one game can be easy or hard by luck): the sum of the
    per-game best-of-``reps`` times, and the median and smallest per-game ratio. The 4x4x4
    and 5-player binary rows take seconds per game: fewer games, one timing each."""
    for shape, games, reps in (
        ((2, 2, 2, 2), n_games, 5),
        ((3, 3, 3), n_games, 5),
        ((2, 2, 2, 2, 2), 4, 3),
        ((4, 4, 4), 2, 1),
    ):
        name = "x".join(map(str, shape))
        ours_t, results, paths = [], [], []
        for seed in range(10, 10 + games):
            rng = np.random.default_rng(seed)
            U = rng.integers(-99, 100, size=(len(shape), *shape)).astype(float)
            U += rng.random(U.shape) * 1e-3  # break ties: a generic game
            game = Game(U)
            res, t = best_of(reps, support_enumeration_solve, game)
            ours_t.append(t)
            results.append(res)
            path = DATA / f"poly_{name}_seed{seed}.nfg"
            write_nfg(game, path)
            paths.append(str(path))
        n_ours = sum(len(r) for r in results)
        detail = f"{n_ours} eq in {games} games, all complete={all(r.complete for r in results)}"
        if not have_gambit:
            ROWS.append(
                (f"{name} x{games} random games (sum)", f"{sum(ours_t):.3f}", "-", "-", detail)
            )
            continue
        g = peer(
            "import json,time,pygambit as g\n"
            + GAMBIT_PROFILES
            + f"out={{'t':[],'p':[]}}\nfor f in {paths!r}:\n"
            "    x=g.read_nfg(f);ts=[]\n"
            f"    for _ in range({reps}):\n"
            "        t=time.perf_counter();e=g.nash.enumpoly_solve(x)\n"
            "        ts.append(time.perf_counter()-t)\n"
            "    out['t'].append(min(ts));out['p'].append(profs(e,x))\n"
            "out['solve']=sum(out['t']);print(json.dumps(out))",
            timeout_s * games * reps,
        )
        if "t" in g:
            ratios = np.array(g["t"]) / np.array(ours_t)
            found = total = 0
            for res, theirs in zip(results, g["p"], strict=True):
                f, k = contains(res, theirs)
                found, total = found + f, total + k
            detail += (
                f"; per game {np.median(ratios):.2f}x median, {ratios.min():.2f}x lowest;"
                f" enumpoly found {total}, all {found} of {total} among ours"
            )
        row(
            f"{name} x{games} random games (sum)",
            sum(ours_t),
            "pygambit enumpoly",
            g,
            "solve",
            detail,
        )


def _cyclic(m: int) -> Game:
    return Game.from_arrays(np.eye(m), np.roll(np.eye(m), 1, axis=1))


def _gambit_bimatrix(path: Path, call: str, timeout_s: float) -> dict:
    """Best of three runs of ``pygambit.nash.<call>`` on the bimatrix game saved at ``path``
    (``x`` is the game in ``call``), with its equilibria."""
    return peer(
        "import json,time,numpy as np,pygambit as g\n"
        + GAMBIT_PROFILES
        + f"A,B=np.load({str(path)!r});x=g.Game.from_arrays(A,B)\n"
        "ts=[]\n"
        "for _ in range(3):\n"
        f"    t=time.perf_counter();e=g.nash.{call};ts.append(time.perf_counter()-t)\n"
        "print(json.dumps({'solve':min(ts),'n':len(e.equilibria),'p':profs(e,x)}))",
        timeout_s,
    )


def bench_large_two_player(have_gambit: bool) -> None:
    """Issue 17: games past vertex enumeration vs Gambit's lcp; degenerate games vs enummixed."""
    from reserves.nash.lemke_howson import lemke_howson_solve

    rng = np.random.default_rng(0)
    cases = [("12x12 cyclic", _cyclic(12)), ("random 15x15", Game(rng.normal(size=(2, 15, 15))))]
    for name, game in cases:
        path = DATA / f"lcp_{name.replace(' ', '_')}.npy"
        np.save(path, game.payoffs)
        res, t = timed(solve, game, "all")
        lh, t_lh = best_of(3, lemke_howson_solve, game)
        if not have_gambit:
            ROWS.append((f"{name} all eq", f"{t:.3f}", "-", "-", f"{len(res)} eq"))
            continue
        g = _gambit_bimatrix(path, "lcp_solve(x,rational=False)", 120)
        found = contains(res, g.get("p", []))
        detail = (
            f"{len(res)} eq, complete={res.complete}; every lcp equilibrium found: "
            f"{'yes' if found[0] == found[1] else 'NO'} ({found[0]} of {found[1]})"
        )
        row(f"{name} all eq (LH + MILP)", t, "pygambit lcp", g, "solve", detail)
        f_lh = contains(lh, g.get("p", []))
        row(
            f"{name} Lemke-Howson", t_lh, "pygambit lcp", g, "solve",
            f"{len(lh)} eq; lcp's found: {f_lh[0]} of {f_lh[1]}",
        )  # fmt: skip
    rng = np.random.default_rng(17)
    many = np.random.default_rng(8549)  # hundreds of extreme equilibria (sparse 0/1 column)
    A_many = many.integers(0, 3, (4, 16)).astype(float)
    deg = [
        ("degenerate 0/1 2x17", rng.integers(0, 2, (2, 2, 17)).astype(float)),
        ("degenerate 0..2 4x16", np.random.default_rng(0).integers(0, 3, (2, 4, 16)).astype(float)),
        ("degenerate 4x16 many", np.stack([A_many, (many.random((4, 16)) < 0.25) * 1.0])),
    ]
    for name, U in deg:
        game = Game(U)
        path = DATA / f"deg_{name.split()[-1]}.npy"
        np.save(path, U)
        res, t = best_of(3, two_player_solve, game)
        detail = f"{len(res)} extreme eq, {res.parameters.get('components')} components"
        if not have_gambit:
            ROWS.append((f"{name} all eq", f"{t:.3f}", "-", "-", detail))
            continue
        # Gambit's exact (rational, its default) and floating-point modes; it lists some
        # extreme equilibria twice, so its distinct profiles are counted too
        for rational in (True, False):
            g = _gambit_bimatrix(path, f"enummixed_solve(x,rational={rational})", 300)
            theirs = g.get("p", [])
            distinct = len({tuple(np.round(np.concatenate(p), 9)) for p in theirs})
            f, k = contains(res, theirs, 1e-9)
            mode = "exact" if rational else "float"
            row(
                f"{name} all eq (vertex enum)", t, f"pygambit enummixed {mode}", g, "solve",
                detail + f"; enummixed's {f} of {k} found ({distinct} distinct)",
            )  # fmt: skip


def bench_pure16_integer(have_gambit: bool) -> None:
    """Issue 17: pure enumeration with many equilibria (16 players, integer payoffs)."""
    path = DATA / "pure16_int.nfg"
    if not path.exists():
        rng = np.random.default_rng(15)
        U = rng.integers(0, 4, size=(16,) + (2,) * 16).astype(float)
        write_nfg(Game(U, title="16x2 integer"), path)
    game = read_nfg(path)
    res, t = best_of(5, pure_solve, game)
    detail = f"{len(res)} pure equilibria"
    if not have_gambit:
        ROWS.append(("16 players integer pure, solve only", f"{t:.3f}", "-", "-", detail))
        return
    g = peer(
        "import json,time,pygambit as g\n"
        f"x=g.read_nfg({str(path)!r})\n"
        "ts=[]\n"
        "for _ in range(5):\n"
        "    t=time.perf_counter();e=g.nash.enumpure_solve(x);ts.append(time.perf_counter()-t)\n"
        "print(json.dumps({'solve':min(ts),'n':len(e.equilibria)}))",
        600,
    )
    row("16 players integer pure, solve only", t, "pygambit enumpure", g, "solve",
        detail + (f"; enumpure found {g['n']}" if "n" in g else ""))  # fmt: skip


def bench_baseline(have_gambit: bool) -> None:
    """``solve(baseline, "auto")`` on the 14-player roster, and logit tracing on its tensor."""
    import reserves

    cfg = reserves.load_config(ROOT / "configs" / "baseline.yaml")
    _, t_cold = timed(solve, reserves.SovereignGame(cfg), "auto")
    sov = reserves.SovereignGame(cfg)
    sov.to_game()  # warm: the payoff tensor is built once per game
    res, t_warm = timed(solve, sov, "auto")
    tensor = sov.to_game()
    path = DATA / "baseline14.nfg"
    write_nfg(tensor, path)
    ran = "+".join(res.parameters.get("ran", []))
    ROWS.append(
        ("14-player baseline auto, cold", f"{t_cold:.3f}", "-", "-", f"{len(res)} eq ({ran})")
    )
    detail = f"{len(res)} eq ({ran}), {tensor.num_profiles:,} profiles"
    if have_gambit:
        g = peer(
            "import json,time,pygambit as g\n"
            f"x=g.read_nfg({str(path)!r})\n"
            "t=time.perf_counter();e=g.nash.enumpure_solve(x);s=time.perf_counter()-t\n"
            "print(json.dumps({'solve':s,'n':len(e.equilibria)}))",
            120,
        )
        row("14-player baseline auto, warm", t_warm, "pygambit enumpure", g, "solve", detail)
    else:
        ROWS.append(("14-player baseline auto, warm", f"{t_warm:.3f}", "-", "-", detail))
    lg, t_lg = timed(logit_solve, tensor)
    detail = f"regret {lg.max_regret:.1e}, {lg.parameters.get('steps')} steps"
    if have_gambit:
        g = peer(
            "import json,time,pygambit as g\n"
            f"x=g.read_nfg({str(path)!r})\n"
            "t=time.perf_counter();e=g.nash.logit_solve(x);s=time.perf_counter()-t\n"
            "print(json.dumps({'solve':s,'n':len(e.equilibria)}))",
            120,
        )
        row("14-player baseline logit", t_lg, "pygambit logit", g, "solve", detail)
    else:
        ROWS.append(("14-player baseline logit", f"{t_lg:.3f}", "-", "-", detail))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=20.0, help="enumpoly timeout (s)")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=("pure", "two_player", "support", "large_two_player", "baseline"),
        default=("pure", "two_player", "support", "large_two_player", "baseline"),
        help="run only these sections",
    )
    args = parser.parse_args()
    # the 16-player .nfg files are 20 MB: above the safe loader's default for untrusted files
    os.environ.setdefault("RESERVES_MAX_FILE_MB", "64")
    DATA.mkdir(parents=True, exist_ok=True)
    seen: list[tuple[object, object]] = []
    RESULT_OBSERVERS.append(lambda game, res: seen.append((game, res)))
    have_gambit = importable("pygambit")
    have_qe = importable("quantecon")
    importable("nashpy")
    if "pure" in args.only:
        bench_pure16(have_gambit, have_qe)
        bench_pure16_integer(have_gambit)
        bench_pure20(have_qe)
    if "two_player" in args.only:
        bench_two_player(have_gambit)
    if "support" in args.only:
        bench_support(have_gambit, args.timeout)
        bench_support_many(have_gambit, args.timeout)
    if "large_two_player" in args.only:
        bench_large_two_player(have_gambit)
    if "baseline" in args.only:
        bench_baseline(have_gambit)
    checked = _independent_check(seen)
    head = ("task", "ours s", "peer", "peer s (peer/ours)", "detail")
    widths = [max(len(r[k]) for r in [head, *ROWS]) for k in range(5)]
    for r in [head, tuple("-" * w for w in widths), *ROWS]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    print(checked)


def _independent_check(seen: list) -> str:  # type: ignore[type-arg]
    """Every profile reported in this run, re-checked by the exact rational regret against its
    stated tolerance (:func:`reserves.nash.verify.check_equilibrium`)."""
    total = bad = 0
    worst = 0.0
    for game, res in seen:
        for e in res.equilibria:
            ok, reg, tol = check_equilibrium(game, e.strategies, e.tolerance)
            total += 1
            bad += not ok
            if tol > 0:
                worst = max(worst, reg / tol)
    return (
        f"independent check: {total - bad} of {total} reported profiles have regret within "
        f"their stated tolerance (largest regret/tolerance {worst:.2g})"
    )


if __name__ == "__main__":
    main()
