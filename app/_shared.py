"""What every page shares: the config in session state, the sidebar, cached library calls.

Pages stay thin: they call :func:`page_setup` (which returns the current, validated config),
draw widgets, make one library call through a cached loader here, and show charts with
:func:`show_chart`. No model logic lives in ``app/``; every number comes from ``reserves``.

Session state holds only what the user chose:

``config``       the config the pages use (a validated :class:`reserves.config.ReservesConfig`)
``base_config``  the config last loaded or uploaded (the roster editor edits on top of it)
``config_source`` where ``base_config`` came from (a path, an upload's name)
``editor_rev``   bumped when ``base_config`` changes, so the roster editor starts afresh

Expensive pure calls are cached with ``st.cache_data`` keyed by the config's content hash.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

APP_DIR = Path(__file__).resolve().parent
REPO_DIR = APP_DIR.parent
if importlib.util.find_spec("reserves") is None:  # a source checkout not installed with pip
    sys.path.insert(0, str(REPO_DIR))

import reserves.charts  # noqa: E402, F401  (registers the Altair theme)
from reserves.config import (  # noqa: E402
    ReservesConfig,
    config_from_upload,
    default_config_path,
    load_config,
)
from reserves.errors import ReservesError  # noqa: E402
from reserves.units import usd_short as usd  # noqa: E402, F401  (re-exported to the pages)

CONFIG_ENV = "RESERVES_APP_CONFIG"

#: the pages, in order: (file under app/, title, icon)
PAGES: tuple[tuple[str, str, str], ...] = (
    ("pages/1_Game.py", "Game", ":material/grid_view:"),
    ("pages/2_Analysis.py", "Analysis", ":material/functions:"),
    ("pages/3_Price_floor.py", "Price floor", ":material/trending_down:"),
    ("pages/4_Scenarios.py", "Scenarios", ":material/stacked_line_chart:"),
    ("pages/5_Briefing.py", "Briefing", ":material/description:"),
    ("pages/6_Sovereigns.py", "Sovereigns", ":material/account_balance:"),
)


# --------------------------------------------------------------------------- layers
def has_layer(module: str) -> bool:
    """True when the library module ``module`` (for example ``reserves.market.floor``) exists."""
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def layer(module: str) -> Any | None:
    """Import ``module`` if it is part of this build, else ``None``."""
    if not has_layer(module):
        return None
    return importlib.import_module(module)


def not_available(what: str, module: str) -> None:
    """The honest message a page shows for a layer this build does not have."""
    st.info(
        f"**{what}** is not available in this build: it needs `{module}`, "
        "which has not landed yet.",
        icon="🚧",
    )


# --------------------------------------------------------------------------- config
def initial_config_path() -> Path:
    """The config the app starts on: ``--config PATH`` after ``--``, the environment, or the
    baseline (``configs/baseline.yaml``)."""
    argv = sys.argv[1:]
    if "--config" in argv:
        k = argv.index("--config")
        if k + 1 < len(argv):
            return Path(argv[k + 1])
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    return default_config_path()


@st.cache_resource(show_spinner=False)
def _load_initial(path: str, mtime: float) -> ReservesConfig:
    return load_config(path)


def _set_base(cfg: ReservesConfig, source: str) -> None:
    st.session_state["base_config"] = cfg
    st.session_state["config"] = cfg
    st.session_state["config_source"] = source
    st.session_state["editor_rev"] = st.session_state.get("editor_rev", 0) + 1


def current_config() -> ReservesConfig:
    """The config the pages use (loaded once per session from :func:`initial_config_path`)."""
    if "config" not in st.session_state:
        path = initial_config_path()
        mtime = path.stat().st_mtime if path.exists() else 0.0
        _set_base(_load_initial(str(path), mtime), str(path))
    return st.session_state["config"]


def base_config() -> ReservesConfig:
    current_config()
    return st.session_state["base_config"]


def set_config(cfg: ReservesConfig) -> None:
    """Make ``cfg`` (an edited version of the base config) the config every page uses."""
    st.session_state["config"] = cfg


def read_upload(data: bytes, name: str) -> ReservesConfig:
    """Validate an uploaded YAML config with the same bounded loader as files
    (:func:`reserves.config.config_from_upload`: size-limited, strict UTF-8, alias bombs,
    deep nesting and duplicate keys refused, no ``extends``; a large upload is parsed in a
    child process under a memory limit and a timeout), so a hostile upload cannot hold the
    server or stall other sessions.

    Raises :class:`reserves.errors.ReservesError` with a one-line message.
    """
    return config_from_upload(bytes(data), where=name)


def config_box(cfg: ReservesConfig | None = None) -> None:
    """Fill the sidebar's config box (name, hash, download) with ``cfg`` (default: the
    current config). Called by :func:`page_setup`, or by a page that edits the config once it
    has applied the edits (``page_setup(..., defer_config_box=True)``), so the download is
    always the config the page shows."""
    cfg = cfg or current_config()
    box = st.session_state.get("_config_box") or st.sidebar
    box.markdown(f"**Config:** `{cfg.name}`  \n`{cfg.content_hash()}`")
    source = st.session_state.get("config_source", "")
    edited = cfg is not st.session_state.get("base_config")
    box.caption(
        f"from {Path(source).name if source else 'baseline'}{' (edited)' if edited else ''}"
    )
    box.download_button(
        "Download config (YAML)",
        data=cfg.to_yaml(),
        file_name=f"{cfg.name or 'config'}.yaml",
        mime="application/x-yaml",
        key="download_config",
        on_click="ignore",
    )


def _sidebar_upload() -> None:
    sb = st.sidebar
    up = sb.file_uploader(
        "Upload a config (YAML, ≤ 1 MB)",
        type=["yaml", "yml"],
        key="upload_config",
        max_upload_size=1,
    )
    if up is not None:
        upload_id = getattr(up, "file_id", None) or f"{up.name}:{up.size}"
        if st.session_state.get("upload_id") != upload_id:
            st.session_state["upload_id"] = upload_id
            try:
                new = read_upload(up.getvalue(), up.name)
            except ReservesError as exc:
                st.session_state["upload_error"] = str(exc)
            except Exception as exc:  # never a traceback in the page
                st.session_state["upload_error"] = f"{up.name}: could not be read ({exc})"
            else:
                st.session_state.pop("upload_error", None)
                _set_base(new, up.name)
                st.rerun()
    else:
        st.session_state.pop("upload_id", None)
    if st.session_state.get("upload_error"):
        sb.error(st.session_state["upload_error"])
    if sb.button("Reset to the starting config", key="reset_config"):
        path = initial_config_path()
        st.session_state.pop("upload_error", None)
        _set_base(load_config(path), str(path))
        st.rerun()


def page_setup(
    title: str,
    icon: str = ":material/currency_bitcoin:",
    *,
    intro: str | None = None,
    defer_config_box: bool = False,
) -> ReservesConfig:
    """Page config, title, sidebar (config box, upload, reset); returns the current config."""
    st.set_page_config(page_title=f"{title} · reserves", page_icon=icon, layout="wide")
    current_config()
    st.session_state["_config_box"] = st.sidebar.container()
    _sidebar_upload()
    cfg = current_config()
    if not defer_config_box:
        config_box(cfg)
    st.title(title)
    if intro:
        st.caption(intro)
    return cfg


def show_chart(
    chart: Any,
    *,
    stretch: bool = False,
    key: str | None = None,
    cache_key: tuple[Any, ...] | None = None,
) -> None:
    """Show an Altair chart with the ``reserves`` theme (the same look as the briefings).

    ``chart`` is a chart or a zero-argument function building one. With ``cache_key`` (for
    example ``("heatmap", config_hash)``: everything the chart depends on) the chart's
    Vega-Lite spec is built once and reused, so a rerun skips building and validating it.
    """
    import altair as alt

    def spec() -> dict[str, Any]:
        c = chart() if callable(chart) else chart
        if isinstance(c, alt.Chart | alt.LayerChart):
            # size the view as the spec says and grow around it (Streamlit would otherwise
            # fit the whole chart, title, labels and legend included, into the view size,
            # squeezing the plot and pushing the title out of the top); a stretched chart
            # fits the width only
            c = c.properties(
                autosize=alt.AutoSizeParams(type="fit-x", contains="padding")
                if stretch
                else alt.AutoSizeParams(type="pad")
            )
        return c.to_dict()

    try:
        data = _chart_spec(cache_key, spec) if cache_key is not None else spec()
    except Exception as exc:  # a figure that cannot be drawn must not take the page down
        st.error(f"This figure could not be drawn: {type(exc).__name__}: {exc}")
        return
    st.vega_lite_chart(spec=data, theme=None, width="stretch" if stretch else "content", key=key)


def _plain_number(x: Any) -> str:
    """A number for a table cell without scientific notation: 4 decimals at most, trailing
    zeros dropped, magnitudes below 0.00005 shown as 0; ``None``/NaN as "none"."""
    if x is None or (isinstance(x, float) and x != x):
        return "none"
    v = float(x)
    if abs(v) < 5e-5:
        return "0"
    text = f"{v:,.4f}" if abs(v) < 1000 else f"{v:,.0f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def readable_frame(frame: Any) -> Any:
    """A copy of a table whose list cells (intervals such as ``[lo, hi]``) read "lo to hi"
    and whose missing intervals read "none", so no cell shows a raw float like ``1.2e-10``."""
    out = frame.copy()
    for col in out.columns:
        cells = out[col]
        if cells.map(lambda v: isinstance(v, list | tuple)).any():
            out[col] = cells.map(
                lambda v: (
                    " to ".join(_plain_number(x) for x in v)
                    if isinstance(v, list | tuple)
                    else _plain_number(v)
                )
            )
    return out


@st.cache_data(show_spinner=False, max_entries=256)
def _chart_spec(cache_key: tuple[Any, ...], _build: Callable[[], dict[str, Any]]) -> dict:
    return _build()


def guarded(what: str, fn: Callable[[], Any]) -> Any | None:
    """Run ``fn``; a library error becomes an ``st.error`` line naming ``what`` (no traceback)."""
    try:
        return fn()
    except ReservesError as exc:
        st.error(f"{what}: {exc}")
    except Exception as exc:  # the page must never show a traceback
        st.error(f"{what} failed: {type(exc).__name__}: {exc}")
    return None


# --------------------------------------------------------------------------- cached calls
def key_of(cfg: ReservesConfig) -> str:
    """Cache key of a config: its content hash."""
    return cfg.content_hash()


#: solver methods offered in the app (``reserves.solve`` names) and what they promise
SOLVE_METHODS: dict[str, str] = {
    "pure": "all pure equilibria (complete, fast)",
    "auto": "all pure equilibria plus mixed ones (slow past a few players)",
    "aggregative": "extremal pure equilibria by best responses (any roster size)",
}


#: games with more pure profiles than this are solved by the aggregative solver in the app
#: (enumerating them would take longer than a page should wait)
APP_MAX_PROFILES = 2**17


@st.cache_data(show_spinner="Solving the game…", max_entries=64)
def solve_config(key: str, _cfg: ReservesConfig, method: str = "pure") -> Any:
    """Equilibria of the config's game by ``method`` (:func:`reserves.solve`), verified.

    Past :data:`APP_MAX_PROFILES` pure profiles the aggregative solver runs instead (the
    result's ``method`` says so)."""
    from reserves.sovereign.model import SovereignGame

    game = SovereignGame(_cfg)
    if game.num_profiles > APP_MAX_PROFILES:
        method = "aggregative"
    solve_mod = layer("reserves.nash.solve")
    if solve_mod is not None:
        return solve_mod.solve(game, method)
    if method != "aggregative" and game.num_profiles * game.num_players <= 2**22:
        from reserves.nash.pure import pure_solve

        return pure_solve(game.to_game())
    from reserves.sovereign.aggregative import aggregative_solve

    return aggregative_solve(game)


@st.cache_data(show_spinner=False, max_entries=64)
def two_player_game(key: str, _cfg: ReservesConfig) -> Any:
    """The normal-form payoff tensor of a (two-player) config."""
    from reserves.sovereign.model import SovereignGame

    return SovereignGame(_cfg).to_game()


@st.cache_data(show_spinner=False, max_entries=64)
def best_response_paths(key: str, _cfg: ReservesConfig) -> tuple[list[Any], tuple[str, ...]]:
    """Best-response paths from the lowest, highest and status-quo profiles, and the action
    labels their indices refer to."""
    from reserves.sovereign.aggregative import best_response_path, extremal_starts
    from reserves.sovereign.model import SovereignGame

    game = SovereignGame(_cfg)
    paths = [
        best_response_path(game, start, prefer_high=(name == "highest"), start_name=name)
        for name, start in extremal_starts(game).items()
    ]
    return paths, game.action_labels


# --------------------------------------------------------------------------- analysis
def pair_config(cfg: ReservesConfig, a: str, b: str) -> ReservesConfig:
    """The config restricted to two sovereigns (``game.players = [a, b]``)."""
    return cfg.with_updates({"game": {"players": [a, b]}})


@st.cache_data(show_spinner="Symbolic analysis…", max_entries=32)
def analysis_of(key: str, _cfg: ReservesConfig, param: str) -> Any:
    """:func:`reserves.sovereign.symbolic.analyze` of the config's game for ``param``."""
    from reserves.sovereign.model import SovereignGame
    from reserves.sovereign.symbolic import analyze

    return analyze(SovereignGame(_cfg), param=param)


@st.cache_data(show_spinner="Mapping the game type…", max_entries=32)
def region_map_of(key: str, _cfg: ReservesConfig, x_param: str, y_param: str) -> Any:
    """:func:`reserves.sovereign.symbolic.type_region_map` of a two-sovereign config, each axis from
    0 to :func:`region_axis_max` (around the config's values and the nearest type boundaries;
    the library's default runs to 2.5 times the largest dominance threshold, which can be
    orders of magnitude away and leave most of the map one type)."""
    import numpy as np

    from reserves.sovereign.model import SovereignGame
    from reserves.sovereign.symbolic import resolve_grid_param, type_region_map

    game = SovereignGame(_cfg)
    probe = type_region_map(game, x_param, y_param, n=2)  # the config's point, the boundaries
    ranges = []
    for param, cur in zip((x_param, y_param), probe.current, strict=True):
        keys = set(resolve_grid_param(param, game))
        hi = region_axis_max(float(cur), _boundary_values(probe.boundaries, keys))
        ranges.append(None if hi is None else np.linspace(0.0, hi, REGION_POINTS))
    return type_region_map(game, x_param, y_param, x_values=ranges[0], y_values=ranges[1])


#: grid points per axis of the region map (64 x 64 cells stay under Altair's 5,000 rows)
REGION_POINTS = 64


def _boundary_values(boundaries: Any, keys: set[str]) -> list[float]:
    import math

    out = []
    for b in boundaries:
        for k, solved in (b.get("solved") or {}).items():
            v = solved.get("value_at_config") if isinstance(solved, dict) else None
            if k in keys and v is not None and math.isfinite(v) and v > 0:
                out.append(float(v))
    return out


def region_axis_max(current: float, boundaries: list[float]) -> float | None:
    """Upper end of a region-map axis: 3 times the larger of the config's value and the
    nearest type boundary above it (or, when none lies above, the largest one below), so the
    config's point and the nearest changes of game type are in view. ``None`` (the library's
    default range) when there is nothing positive to go by."""
    above = [v for v in boundaries if v > current]
    ref = min(above) if above else max(boundaries, default=0.0)
    hi = 3.0 * max(abs(current), ref)
    return hi if hi > 0 else None


@st.cache_data(show_spinner=False, max_entries=4)
def payoff_formula_latex() -> str:
    """The payoff template of :mod:`reserves.sovereign.model` as LaTeX."""
    import sympy as sp

    from reserves.sovereign.model import payoff_template

    u, _ = payoff_template()
    return sp.latex(u)


# --------------------------------------------------------------------------- price floor
@st.cache_data(show_spinner="Re-solving the game along a price grid (sovereign demand)…")
def demand_schedule_of(key: str, _cfg: ReservesConfig) -> Any:
    """The sovereign demand schedule ``D(P)`` (:func:`reserves.demand.demand_schedule`) on the
    price grid of the config's ``market_model.sovereign_bids``."""
    import numpy as np

    from reserves.demand import demand_schedule
    from reserves.market import market_section

    sb = market_section(_cfg).sovereign_bids
    p0 = float(_cfg.market.price_usd)
    return demand_schedule(_cfg, np.linspace(sb.min_price_ratio * p0, p0, sb.grid_points))


@st.cache_data(show_spinner=False)
def sovereign_bids_of(key: str, _cfg: ReservesConfig) -> Any:
    """Sovereign bids ``D(p)`` placed under the price with
    :func:`reserves.market.bids_from_schedule` (``market_model.sovereign_bids``)."""
    from reserves.market import bids_from_schedule, market_section

    sb = market_section(_cfg).sovereign_bids
    schedule = demand_schedule_of(key, _cfg)
    return bids_from_schedule(
        schedule, float(_cfg.market.price_usd), commitment_scale=sb.commitment_scale
    )


@st.cache_data(show_spinner=False, max_entries=16)
def market_model_of(key: str, _cfg: ReservesConfig, with_demand: bool) -> Any:
    """:class:`reserves.market.MarketModel` of the config, with or without sovereign bids."""
    from reserves.market import MarketModel

    bids = sovereign_bids_of(key, _cfg) if with_demand and has_layer("reserves.demand") else None
    return MarketModel.from_config(_cfg, sovereign_bids=bids)


@st.cache_data(show_spinner=False, max_entries=128)
def cascade_of(key: str, _cfg: ReservesConfig, shock_usd: float, with_demand: bool) -> Any:
    """The cascade after an outflow ``shock_usd`` (:meth:`MarketModel.cascade`)."""
    return market_model_of(key, _cfg, True).cascade(shock_usd, with_sovereigns=with_demand)


@st.cache_data(show_spinner=False, max_entries=128)
def floor_curves_of(key: str, _cfg: ReservesConfig, level_usd: float) -> Any:
    """Trough against shock, with and without sovereigns (:func:`reserves.market.floor_curves`)."""
    from reserves.market import floor_curves, market_section

    shock = market_section(_cfg).shock
    model = market_model_of(key, _cfg, True)
    return floor_curves(
        model, level_usd=level_usd, max_shock_usd=shock.curve_max_usd, points=shock.curve_points
    )


@st.cache_data(show_spinner=False, max_entries=128)
def least_commitment_of(key: str, _cfg: ReservesConfig, level_usd: float, shock_usd: float) -> Any:
    """Least sovereign commitment holding ``level_usd`` (:func:`reserves.market.least_commitment`),
    on the market without the equilibrium bids."""
    from reserves.market import least_commitment, no_bids

    model = market_model_of(key, _cfg, False)
    return least_commitment(
        model.replace(sovereign_bids=no_bids(model.start_price_usd)), level_usd, shock_usd
    )


# --------------------------------------------------------------------------- scenarios
def scenario_configs() -> list[Path]:
    """The scenario configs shipped in ``configs/scenarios/``."""
    return sorted((REPO_DIR / "configs" / "scenarios").glob("*.y*ml"))


@st.cache_resource(show_spinner=False)
def load_config_file(path: str, mtime: float) -> ReservesConfig:
    """A shipped config file, validated (cached per modification time)."""
    return load_config(path)


@st.cache_data(show_spinner="Simulating the scenarios (daily Monte Carlo)…", max_entries=8)
def scenarios_of(key: str, _cfg: ReservesConfig, paths: int) -> Any:
    """:func:`reserves.scenarios.mixture.simulate_all` of a config with a ``scenarios`` section,
    ``paths`` paths, its own seed: the run of its assessment (:func:`assessment_of`), so the
    numbers are the CLI's and the briefing's."""
    return assessment_of(key, _cfg, None, int(paths)).ctx.scenario_result


@st.cache_data(show_spinner=False, max_entries=64)
def reweighted(key: str, _cfg: ReservesConfig, paths: int, weights: tuple[float, ...]) -> Any:
    """The simulated scenarios mixed with other weights (:func:`reserves.scenarios.mixture.combine`;
    the runs are not simulated again)."""
    import dataclasses

    from reserves.scenarios.mixture import combine

    res = scenarios_of(key, _cfg, paths)
    runs = [dataclasses.replace(r, probability=w) for r, w in zip(res.runs, weights, strict=True)]
    return combine(runs, res.meta)


# --------------------------------------------------------------------------- briefing
@st.cache_data(show_spinner="Building the briefing (every layer runs once)…", max_entries=8)
def briefing_of(
    key: str,
    _cfg: ReservesConfig,
    seed: int | None,
    paths: int | None = None,
    core_only: bool = False,
) -> Any:
    """:func:`reserves.briefing.build_briefing` of the config (footer dated today); ``seed``
    and ``paths`` of the scenarios (``None``: the scenario config's own); ``core_only``
    leaves out the sections other modules add (some take tens of seconds)."""
    from reserves.briefing import build_briefing

    return build_briefing(_cfg, seed=seed, paths=paths, extra_sections=() if core_only else None)


# --------------------------------------------------------------------------- assessment
@st.cache_resource(show_spinner=False, max_entries=32)
def assessment_of(
    key: str, _cfg: ReservesConfig, seed: int | None = None, paths: int | None = None
) -> Any:
    """The assessment of the config (:func:`reserves.assessment.assess`): every headline number
    the pages show, the same object the CLI (``reserves assess``), the briefing and the paper
    render. Sections are computed when a page first asks for them."""
    from reserves.assessment import assess

    return assess(_cfg, seed=seed, paths=paths)


#: metrics per row: wide enough for a label and "$10.5 billion" without an ellipsis
METRICS_PER_ROW = 3


def headline_metrics(assessment: Any, keys: list[str], cols: Any = None) -> None:
    """One ``st.metric`` per figure key of the assessment: its label, the digits every surface
    shows, and on hover the inputs that made it (reading, shock, paths, seed, config).

    Without ``cols`` the metrics are laid out at most :data:`METRICS_PER_ROW` to a row, so
    neither a label nor a value is cut short."""
    if cols is None:
        per_row = 2 if len(keys) == 4 else METRICS_PER_ROW  # four read best as two by two
        for start in range(0, len(keys), per_row):
            row = keys[start : start + per_row]
            headline_metrics(assessment, row, st.columns(per_row))
        return
    for col, k in zip(cols, keys, strict=False):
        fig = guarded("The assessment", lambda k=k: assessment.figure(k))
        if fig is not None:
            col.metric(fig.label, fig.text, help=f"Inputs: {fig.footnote}.")


@st.cache_data(show_spinner="Rendering…", max_entries=32)
def briefing_bytes(key: str, _briefing: Any, seed: int, fmt: str) -> bytes:
    """The briefing rendered to ``fmt`` (:func:`reserves.briefing.render_briefing`)."""
    from reserves.briefing import render_briefing

    return render_briefing(_briefing, fmt)


# --------------------------------------------------------------------------- dynamics
@st.cache_data(show_spinner=False, max_entries=64)
def adoption_of(key: str, _cfg: ReservesConfig) -> Any:
    """Who accumulates, and when (:func:`reserves.sovereign.adoption.adoption_path`)."""
    from reserves.sovereign.adoption import adoption_path
    from reserves.sovereign.model import SovereignGame

    return adoption_path(SovereignGame(_cfg))


@st.cache_data(show_spinner="Replicator dynamics from a grid of starts…", max_entries=64)
def pair_dynamics_of(key: str, _cfg: ReservesConfig) -> tuple[Any, Any]:
    """Basins of attraction (:func:`reserves.nash.dynamics.basins`) and one replicator run
    from the centre (:func:`reserves.nash.dynamics.replicator`) of a two-sovereign game."""
    from reserves.nash.dynamics import basins, replicator
    from reserves.sovereign.model import SovereignGame

    game = SovereignGame(_cfg).to_game()
    return basins(game), replicator(game)


# --------------------------------------------------------------------------- correlated
#: objectives of the correlated-equilibrium section (``reserves.correlated_equilibrium``)
CE_OBJECTIVES: dict[str, str] = {
    "welfare": "welfare (sum of expected payoffs)",
    "demand-min": "least expected sovereign demand",
    "demand-max": "most expected sovereign demand",
}


@st.cache_data(show_spinner=False, max_entries=64)
def game_profiles(key: str, _cfg: ReservesConfig) -> int:
    """Number of pure action profiles of the config's game."""
    from reserves.sovereign.model import SovereignGame

    return int(SovereignGame(_cfg).num_profiles)


@st.cache_data(show_spinner="Solving the correlated-equilibrium LP…", max_entries=64)
def correlated_of(key: str, _cfg: ReservesConfig, objective: str) -> Any:
    """:func:`reserves.correlated_equilibrium` of the config's game for ``objective``."""
    from reserves.nash.correlated import correlated_equilibrium
    from reserves.sovereign.model import SovereignGame

    return correlated_equilibrium(SovereignGame(_cfg), objective=objective)


# --------------------------------------------------------------------------- sensitivity
#: the shipped tornado sweep the Scenarios page runs
TORNADO_SWEEP = REPO_DIR / "configs" / "sweeps" / "example.yaml"


@st.cache_data(show_spinner=False, max_entries=8)
def tornado_of(
    path: str, mtime: float, paths: int, _progress: Callable[[int, int], None] | None = None
) -> Any:
    """:func:`reserves.scenarios.sensitivity.tornado` of a sweep file with ``paths`` paths;
    ``_progress(done, total)`` is called after each simulated point (not part of the key)."""
    from reserves.scenarios.sensitivity import tornado
    from reserves.scenarios.sweep import load_sweep

    spec = load_sweep(path)
    return tornado(spec.model_copy(update={"paths": int(paths)}), progress=_progress or False)
