"""On-disk cache of slow assessment sections (JSON, never pickle).

A section whose numbers take seconds to compute (the sovereign estimate, the leave-one-out
refit of the crash panel) is stored once as the JSON of :meth:`Section.to_dict` and read back
as an identical :class:`~reserves.assessment.Section` (same figures, same texts, same data).

Key
---
SHA-256 of the section name, the caller's key material (config and evidence hashes, seed,
detail level), the package version and the SHA-256 of every ``.py`` file of the installed
``reserves`` package: a code change, a new version or another input gives a new entry, so a
stale number is never served.

Where
-----
``$RESERVES_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/reserves`` or ``~/.cache/reserves``
(never the repository). ``RESERVES_CACHE_DIR=off`` (or ``0``/``none``) disables the cache.
Writes are atomic (:func:`reserves.safe.atomic_write`); an unreadable, oversized or corrupt
entry is ignored and recomputed; a cache folder that cannot be written is skipped silently
(the numbers are the same either way). At most :data:`MAX_ENTRIES_PER_SECTION` entries per
section are kept (the oldest go first).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reserves.errors import ReservesError

if TYPE_CHECKING:
    from reserves.assessment import Section

__all__ = ["cache_dir", "cached_section", "code_hash", "section_from_dict"]

#: entries larger than this are not read back (a section is a few hundred kB at most)
MAX_ENTRY_BYTES = 16 * 1024 * 1024
#: entries kept per section name (oldest removed first: every code change makes new keys)
MAX_ENTRIES_PER_SECTION = 16
_OFF = {"off", "0", "none", "false", "no"}


def cache_dir() -> Path | None:
    """The cache folder (see the module docstring), or ``None`` when the cache is off."""
    env = os.environ.get("RESERVES_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in _OFF or not env.strip() else Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    root = Path(xdg) if xdg else Path.home() / ".cache"
    return root / "reserves"


@lru_cache(maxsize=1)
def code_hash() -> str:
    """SHA-256 (16 hex digits) of the package version and every ``.py`` file of ``reserves``."""
    import reserves

    h = hashlib.sha256(str(getattr(reserves, "__version__", "")).encode())
    root = Path(reserves.__file__).resolve().parent
    for p in sorted(root.rglob("*.py")):
        h.update(str(p.relative_to(root)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _key(name: str, key: Mapping[str, Any]) -> str:
    payload = json.dumps({"section": name, "key": dict(key), "code": code_hash()}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def _number(v: Any) -> Any:
    """Invert :func:`reserves.units.json_number` (``"inf"``/``"-inf"`` strings back to floats)."""
    if v in ("inf", "-inf", "Infinity", "-Infinity"):
        return float(v.replace("Infinity", "inf"))
    return v


def section_from_dict(d: Mapping[str, Any]) -> Section:
    """The :class:`~reserves.assessment.Section` of its :meth:`~Section.to_dict` output."""
    from reserves.assessment import Figure, Section

    figs = {
        short: Figure(
            f["key"],
            f["label"],
            None if f["value"] is None else float(_number(f["value"])),
            f["unit"],
            f["text"],
            dict(f.get("inputs") or {}),
        )
        for short, f in d["figures"].items()
    }
    return Section(
        d["name"], d["title"], figs, dict(d["data"]), bool(d["available"]), str(d["note"])
    )


def _read(path: Path) -> dict[str, Any] | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_ENTRY_BYTES:
            return None
        d = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return d if isinstance(d, dict) and {"figures", "data", "name"} <= d.keys() else None


def _run(name: str, compute: Callable[[], Section], estimate_s: float | None) -> Section:
    if not estimate_s:
        return compute()
    from reserves.budget import Estimate, timed_progress

    est = Estimate(f"the {name} section", 0.0, float(estimate_s), "")
    with timed_progress(est, f"{name.replace('_', ' ')} (once; then cached)"):
        return compute()


def _evict(folder: Path, name: str) -> None:
    """Remove the oldest entries of ``name`` beyond :data:`MAX_ENTRIES_PER_SECTION`."""
    entries = sorted(
        (p for p in folder.glob(f"{name}-*.json") if p.is_file()),
        key=lambda p: p.stat().st_mtime_ns,
        reverse=True,
    )
    for old in entries[MAX_ENTRIES_PER_SECTION:]:
        old.unlink(missing_ok=True)


def cached_section(
    name: str,
    key: Mapping[str, Any],
    compute: Callable[[], Section],
    *,
    estimate_s: float | None = None,
) -> Section:
    """``compute()`` once per ``(name, key, code)``; later calls read the stored JSON.

    Parameters
    ----------
    name:
        the section name (part of the key and of the file name).
    key:
        JSON-ready inputs that determine the section (config hash, evidence hash, seed, ...).
    compute:
        computes the section; only available sections are stored.
    estimate_s:
        the computation's typical time on the reference machine (2 cores): when over 3 s, a
        cold computation shows a progress bar with that estimate on stderr
        (:func:`reserves.budget.timed_progress`).

    Returns
    -------
    Section
        the stored section rebuilt (identical to ``compute()``'s figures and JSON data).
    """
    folder = cache_dir()
    if folder is None:
        return _run(name, compute, estimate_s)
    path = folder / f"{name}-{_key(name, key)}.json"
    hit = _read(path)
    if hit is not None:
        try:
            return section_from_dict(hit)
        except (KeyError, TypeError, ValueError):
            pass
    sec = _run(name, compute, estimate_s)
    if sec.available:
        from reserves.safe import atomic_write

        try:
            folder.mkdir(parents=True, exist_ok=True)
            atomic_write(path, json.dumps(sec.to_dict(), sort_keys=True), what="section cache")
            _evict(folder, name)
        except (OSError, ReservesError):
            pass  # a read-only home: the numbers are the same, only slower next time
        # serve what a warm call serves, so cold and warm runs show the same data types
        return section_from_dict(json.loads(json.dumps(sec.to_dict())))
    return sec
