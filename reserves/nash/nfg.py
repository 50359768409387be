"""Gambit ``.nfg`` strategic-game files: read and write, payoff and outcome forms.

The format (Gambit documentation, "Game representation formats"; McKelvey, McLennan and
Turocy, *Gambit: Software Tools for Game Theory*) is whitespace-insensitive text::

    NFG 1 R "title" { "Player 1" "Player 2" } { 2 3 }         payoff form, strategy counts
    "optional comment"
    u1(1,1) u2(1,1) u1(2,1) u2(2,1) ...                        N payoffs per profile

    NFG 1 R "title" { "P1" "P2" } { { "U" "D" } { "L" "C" "R" } }   named strategies
    ""
    { { "outcome 1" 1, 2 } { "" 3 4 } ... }                    outcome form: outcome list
    1 2 0 ...                                                  outcome index per profile

Profiles are listed with the FIRST player's strategy changing fastest (Fortran order of the
action indices), and the N payoffs of one profile are consecutive. In the outcome form the
``k``-th listed outcome has index ``k`` (1-based) and index 0 is the null outcome (all payoffs
zero). ``D`` files hold decimals, ``R`` files may also hold rationals such as ``3/4``.
Strings are double-quoted with ``\\"`` escaping a quote. Either strategy block (counts or
names) may be combined with either payoff block.

Parsing is vectorized: only the short header is tokenised in Python; the payoff or index body
is split once and converted by NumPy (``np.array(tokens, dtype=float)``), so a 20 MB file reads
in about a second. The slow per-token scan runs only after a failure, to name the line.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from reserves.errors import GameFormatError
from reserves.nash.normal_form import Game

_TOKEN = re.compile(r'\s*("(?:[^"\\]|\\.)*"?|\{|\}|[^\s{}"]+)', re.S)
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_NUMBER_TOKEN = re.compile(r"[^\s,]+")

#: most players and pure profiles an ``.nfg`` file may declare (refused before parsing)
MAX_NFG_PLAYERS = 60
MAX_NFG_PROFILES = 50_000_000


class _Header:
    """Tokeniser over the header of an ``.nfg`` text, tracking line numbers for errors."""

    def __init__(self, text: str, where: str) -> None:
        self.text = text
        self.pos = 0
        self.where = where

    def line(self, pos: int | None = None) -> int:
        return self.text.count("\n", 0, self.pos if pos is None else pos) + 1

    def error(
        self, message: str, pos: int | None = None, fix: str | None = None
    ) -> GameFormatError:
        return GameFormatError(message, field=f"{self.where}:{self.line(pos)}", fix=fix)

    def peek(self) -> str | None:
        m = _TOKEN.match(self.text, self.pos)
        return m.group(1) if m else None

    def next(self, what: str) -> str:
        m = _TOKEN.match(self.text, self.pos)
        if not m:
            raise self.error(f"file ends where {what} was expected (truncated file?)")
        tok = m.group(1)
        if tok.startswith('"') and not _STRING.fullmatch(tok):
            raise self.error("unterminated quoted string", m.start(1))
        self.pos = m.end()
        return tok

    def expect(self, literal: str, what: str) -> None:
        start = self.pos
        tok = self.next(what)
        if tok != literal:
            raise self.error(f"expected {what} ('{literal}'), found {tok[:30]!r}", start)

    def string(self, what: str) -> str:
        start = self.pos
        tok = self.next(what)
        if not tok.startswith('"'):
            raise self.error(f"expected {what} as a quoted string, found {tok[:30]!r}", start)
        return _unquote(tok)


def _unquote(tok: str) -> str:
    return re.sub(r"\\(.)", r"\1", tok[1:-1], flags=re.S)


def _quote(s: str) -> str:
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _line_of_token(text: str, offset: int, index: int) -> tuple[int, str]:
    """Line number and text of the ``index``-th number token of ``text[offset:]`` (slow path)."""
    for k, m in enumerate(_NUMBER_TOKEN.finditer(text, offset)):
        if k == index:
            return text.count("\n", 0, m.start()) + 1, m.group(0)
    return text.count("\n") + 1, ""


def _parse_numbers(
    text: str, offset: int, where: str, what: str, *, body: str | None = None
) -> np.ndarray:
    """Vectorized conversion of the whitespace/comma separated numbers of ``text[offset:]``."""
    body = text[offset:] if body is None else body
    if "," in body:
        body = body.replace(",", " ")
    tokens = body.split()
    try:
        values = np.array(tokens, dtype=float)
    except ValueError:
        values = None
    if values is None:
        arr = np.array(tokens)
        slash = np.char.find(arr, "/") >= 0
        values = np.empty(arr.size)
        bad = -1
        try:
            values[~slash] = arr[~slash].astype(float)
        except ValueError:
            bad = next(k for k, t in enumerate(tokens) if not _is_float(t))
        if bad < 0 and slash.any():
            num, _, den = np.char.partition(arr[slash], "/").T
            try:
                with np.errstate(divide="ignore", invalid="ignore"):
                    values[slash] = num.astype(float) / den.astype(float)
            except ValueError:
                bad = next(k for k, t in enumerate(tokens) if not _is_float(t))
        if bad >= 0:
            line, tok = _line_of_token(text, offset, bad)
            raise GameFormatError(
                f"{what} {bad + 1} is not a number: {tok[:40]!r}",
                field=f"{where}:{line}",
                fix="payoffs are decimals (1.5, -2e3) or rationals (3/4)",
            )
    if not np.all(np.isfinite(values)):
        bad = int(np.flatnonzero(~np.isfinite(values))[0])
        line, tok = _line_of_token(text, offset, bad)
        raise GameFormatError(
            f"{what} {bad + 1} is not finite: {tok[:40]!r}",
            field=f"{where}:{line}",
            fix="every payoff must be a finite number",
        )
    return values


def _is_float(tok: str) -> bool:
    try:
        if "/" in tok:
            a, b = tok.split("/", 1)
            float(a) / float(b)
        else:
            float(tok)
    except (ValueError, ZeroDivisionError):
        return False
    return True


def read_nfg(path_or_text: str | Path) -> Game:
    """Read a Gambit ``.nfg`` game (payoff or outcome form) into a :class:`Game`.

    Parameters
    ----------
    path_or_text:
        a file path, or the file's text itself (recognised by its leading ``NFG``).

    Returns
    -------
    Game
        ``payoffs[i][a_1, ..., a_N]`` is player i's payoff at the profile; player and strategy
        labels and the title are kept (empty labels become ``P<k>`` / ``a<k>``).

    Raises
    ------
    GameFormatError
        naming the line and the problem: bad header, truncated file, wrong number of payoffs,
        non-numeric token, NaN/inf payoff, outcome index out of range.
    """
    if isinstance(path_or_text, Path) or not str(path_or_text).lstrip().startswith("NFG"):
        path = Path(path_or_text)
        where = path.name
        from reserves.safe import MAX_GAME_BYTES, read_text_file

        # regular files only, size checked before reading (no /dev/zero, FIFO, directory)
        text = read_text_file(path, MAX_GAME_BYTES, ".nfg game", error=GameFormatError)
    else:
        text = str(path_or_text)
        where = "nfg"
    h = _Header(text, where)
    tok = h.next("the 'NFG' keyword")
    if tok != "NFG":
        raise h.error(
            f"not a Gambit strategic game: starts with {tok[:20]!r}, expected 'NFG'",
            fix="give a .nfg file (NFG 1 R ...)",
        )
    version = h.next("the version number")
    if version != "1":
        raise h.error(f"unsupported .nfg version {version!r} (only version 1 is defined)")
    kind = h.next("the number type D or R")
    if kind not in ("D", "R"):
        raise h.error(f"number type must be D or R, found {kind[:20]!r}")
    title = h.string("the game title")
    h.expect("{", "the player list")
    players: list[str] = []
    while True:
        start = h.pos
        tok = h.next("a player name or '}'")
        if tok == "}":
            break
        if not tok.startswith('"'):
            raise h.error(f"player names must be quoted strings, found {tok[:30]!r}", start)
        players.append(_unquote(tok))
        if len(players) > MAX_NFG_PLAYERS:
            raise h.error(f"more than {MAX_NFG_PLAYERS} players", start)
    if not players:
        raise h.error("the game has no players")
    named = [p for p in players if p]
    if len(set(named)) != len(named):
        twice = sorted({p for p in named if named.count(p) > 1})
        raise h.error(f"player names repeat: {twice}", fix="give every player its own name")
    n = len(players)
    h.expect("{", "the strategy block")
    actions: list[tuple[str, ...]] = []
    shape: list[int] = []
    for i in range(n):
        start = h.pos
        tok = h.next(f"the strategies of player {i + 1}")
        if tok == "{":
            names: list[str] = []
            while True:
                s = h.pos
                t = h.next(f"a strategy name of player {i + 1} or '}}'")
                if t == "}":
                    break
                if not t.startswith('"'):
                    raise h.error(f"strategy names must be quoted, found {t[:30]!r}", s)
                names.append(_unquote(t))
            named = [a for a in names if a]
            if len(set(named)) != len(named):
                twice = sorted({a for a in named if named.count(a) > 1})
                raise h.error(f"player {i + 1}'s strategy names repeat: {twice}", s)
            actions.append(tuple(names))
            shape.append(len(names))
        else:
            if not (tok.isascii() and tok.isdigit() and len(tok) <= 9):
                raise h.error(
                    f"player {i + 1}'s strategy count must be a positive integer of at most 9 "
                    "ASCII digits, found "
                    f"{tok[:30]!r}",
                    start,
                )
            shape.append(int(tok))
            actions.append(())
        if shape[-1] < 1:
            raise h.error(f"player {i + 1} has no strategies", start)
    start = h.pos
    tok = h.next("'}' closing the strategy block")
    if tok != "}":
        raise h.error(
            f"the strategy block lists more entries than the {n} players: {tok[:30]!r}", start
        )
    nxt = h.peek()
    if nxt is not None and nxt.startswith('"'):
        h.string("the comment")  # comment string: kept nowhere, like Gambit's read
        nxt = h.peek()
    from reserves import budget

    # count with Python integers (no overflow) and refuse before allocating or parsing
    num_profiles = budget.count_profiles(shape)
    est = budget.estimate_tensor(shape, "game")
    if num_profiles > MAX_NFG_PROFILES or not np.isfinite(est.memory_bytes):
        raise h.error(f"{est.what} is larger than the {MAX_NFG_PROFILES:,} profiles allowed")
    budget.require(est)
    if nxt == "{":
        values = _read_outcome_form(h, n, num_profiles)
    else:
        values = _parse_numbers(text, h.pos, where, "payoff")
        expected = n * num_profiles
        if values.size != expected:
            dims = "x".join(map(str, shape))
            hint = " (file truncated?)" if values.size < expected else ""
            raise GameFormatError(
                f"a {dims} game with {n} players needs {expected} payoffs, found "
                f"{values.size}{hint}",
                field=f"{where}:{text.count(chr(10)) + 1}",
                fix="list N payoffs per profile, first player's strategy changing fastest",
            )
    per_profile = values.reshape(num_profiles, n)
    payoffs = np.empty((n, *shape))
    for i in range(n):
        payoffs[i] = per_profile[:, i].reshape(shape, order="F")
    names_p = tuple(p if p else f"P{i + 1}" for i, p in enumerate(players))
    acts = tuple(
        tuple(a if a else f"a{k + 1}" for k, a in enumerate(acts_i))
        if acts_i
        else tuple(f"a{k + 1}" for k in range(shape[i]))
        for i, acts_i in enumerate(actions)
    )
    return Game(payoffs, names_p, acts, title)


def _read_outcome_form(h: _Header, n: int, num_profiles: int) -> np.ndarray:
    """Outcome list then one outcome index per profile -> payoffs per profile (flat)."""
    text, where = h.text, h.where
    h.expect("{", "the outcome list")
    # find the closing brace of the outcome list, skipping quoted strings (C-level regexes)
    start = h.pos
    depth = 1
    pos = start
    scan = re.compile(r'"(?:[^"\\]|\\.)*"|[{}]', re.S)
    for m in scan.finditer(text, start):
        t = m.group(0)
        if t == "{":
            depth += 1
        elif t == "}":
            depth -= 1
            if depth == 0:
                pos = m.end()
                break
    else:
        raise h.error("the outcome list is not closed by '}' (truncated file?)", start)
    block = _STRING.sub(" ", text[start : pos - 1])
    entries = re.findall(r"\{([^{}]*)\}", block)
    leftover = re.sub(r"\{[^{}]*\}", " ", block).strip()
    if leftover:
        raise h.error(f"unexpected text in the outcome list: {leftover[:30]!r}", start)
    counts = np.fromiter((len(e.replace(",", " ").split()) for e in entries), int, len(entries))
    if np.any(counts != n):
        k = int(np.flatnonzero(counts != n)[0])
        raise h.error(
            f"outcome {k + 1} has {counts[k]} payoffs for {n} players",
            start,
            fix="give one payoff per player in every outcome",
        )
    outcome_pay = np.zeros((len(entries) + 1, n))
    if entries:
        outcome_pay[1:] = _parse_numbers(
            text, start, where, "outcome payoff", body=" ".join(entries)
        ).reshape(len(entries), n)
    idx = _parse_numbers(text, pos, where, "outcome index")
    if idx.size != num_profiles:
        hint = " (file truncated?)" if idx.size < num_profiles else ""
        raise GameFormatError(
            f"{num_profiles} profiles need {num_profiles} outcome indices, found {idx.size}{hint}",
            field=f"{where}:{text.count(chr(10)) + 1}",
        )
    bad = (idx != np.round(idx)) | (idx < 0) | (idx > len(entries))
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        line, tok = _line_of_token(text, pos, k)
        raise GameFormatError(
            f"outcome index {tok!r} (profile {k + 1}) is not in 0..{len(entries)}",
            field=f"{where}:{line}",
            fix="0 is the null outcome; k refers to the k-th listed outcome",
        )
    return outcome_pay[idx.astype(np.int64)].ravel()


def _format_numbers(values: np.ndarray) -> list[str]:
    """Shortest round-trip decimal text of each number (integers without a trailing .0)."""
    flat = np.asarray(values, dtype=float).ravel()
    if np.all(np.abs(flat) < 2**53) and np.all(flat == np.round(flat)):
        return [str(v) for v in flat.astype(np.int64).tolist()]
    return [repr(v) for v in flat.tolist()]


def write_nfg(game: Game, path: str | Path | None = None, *, form: str = "payoff") -> str:
    """Write ``game`` as Gambit ``.nfg`` text (and to ``path`` when given).

    Parameters
    ----------
    form:
        ``"payoff"`` (one line of N payoffs per profile) or ``"outcome"`` (one outcome per
        profile, then the outcome indices ``1..prod(n_i)``). Both keep the strategy names.

    Numbers are written in shortest round-trip form, so ``read_nfg(write_nfg(g)) == g``.
    """
    if form not in ("payoff", "outcome"):
        raise GameFormatError(f"unknown .nfg form {form!r}", field="form", fix="payoff or outcome")
    n = game.num_players
    head = (
        f"NFG 1 R {_quote(game.title)} {{ {' '.join(_quote(p) for p in game.players)} }}\n\n"
        "{ "
        + "\n".join("{ " + " ".join(_quote(a) for a in acts) + " }" for acts in game.actions)
        + '\n}\n""\n\n'
    )
    # (profiles in Fortran order, players consecutive)
    per_profile = np.stack(
        [game.payoffs[i].reshape(-1, order="F") for i in range(n)], axis=1
    )  # (P, N)
    nums = np.array(_format_numbers(per_profile), dtype=object).reshape(per_profile.shape)
    if form == "payoff":
        body = "\n".join(" ".join(row) for row in nums.tolist()) + "\n"
    else:
        outcomes = "\n".join('{ "" ' + ", ".join(row) + " }" for row in nums.tolist())
        indices = " ".join(str(k) for k in range(1, per_profile.shape[0] + 1))
        body = "{\n" + outcomes + "\n}\n" + indices + "\n"
    text = head + body
    if path is not None:
        from reserves.safe import atomic_write

        atomic_write(path, text, what="nfg")  # never a half-written file
    return text


__all__ = ["read_nfg", "write_nfg"]
