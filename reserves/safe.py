"""The one safe door for user input and program output.

Every file the package reads on a user's behalf (configs, events, evidence, sweeps, ``.nfg``
and expression games, app uploads) goes through :func:`read_bytes_file` /
:func:`read_text_file` / :func:`load_yaml`, and every output file through
:func:`atomic_write` / :func:`atomic_path`. The guarantees:

* **Size before reading.** Only regular files are read (no devices such as ``/dev/zero``, no
  FIFOs, sockets or directories); the size is checked with ``stat`` before, and the read is
  capped at the limit plus one byte, so a file that grows while read is still refused. The file
  is opened non-blocking, so a FIFO swapped in after the check cannot hang the reader.
* **Bounded YAML.** A pure-Python ``SafeLoader`` whose composer counts, for every node, the
  size, depth and characters of its *expanded* value (aliases counted in full, in the order
  the document is composed, so no recursion is needed): the "billion laughs" alias bomb and
  documents nested thousands deep are refused before anything expands them. An alias that
  refers to the node containing it is refused. Duplicate mapping keys are refused (the later
  one would silently win). Python-specific tags are not constructed (safe loader).
* **Strict numbers.** :func:`reject_bool_numbers` walks data against a pydantic model and
  refuses ``true``/``false`` where the model wants a number (pydantic would take them as 1/0).
* **Messages never print an expanded value.** :func:`safe_repr` caps every shown value.
* **Atomic output.** A temporary file beside the target, ``fsync``, then ``os.replace``: a run
  that fails leaves an existing file untouched and no half-written file. Parent directories
  are never created silently; a target that is a directory, or under a file, is one clear error.

Limits are module constants; ``RESERVES_MAX_FILE_MB`` (environment) raises every file-size
limit at once. Work budgets (memory and time of a request) live in :mod:`reserves.budget`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import reprlib
import stat
import tempfile
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from reserves.errors import ConfigError, ReservesError

__all__ = [
    "FILE_LIMIT_ENV",
    "MAX_CONFIG_BYTES",
    "MAX_GAME_BYTES",
    "MAX_YAML_CHARS",
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
    "atomic_path",
    "atomic_write",
    "check_output_path",
    "env_number",
    "file_limit",
    "load_yaml",
    "load_yaml_mapping",
    "parse_count",
    "read_bytes_file",
    "read_text_file",
    "reject_bool_numbers",
    "safe_repr",
]

#: Largest YAML config, event, sweep or expression game accepted (bytes); uploads too.
MAX_CONFIG_BYTES = 1_000_000
#: Largest ``.nfg`` game file accepted (bytes).
MAX_GAME_BYTES = 8_000_000
#: Deepest nesting of a YAML document (after alias expansion).
MAX_YAML_DEPTH = 64
#: Most nodes of a YAML document after alias expansion (the alias-bomb bound).
MAX_YAML_NODES = 200_000
#: Most characters in the scalars of a YAML document after alias expansion.
MAX_YAML_CHARS = 20_000_000
#: Environment variable that raises every file-size limit (megabytes).
FILE_LIMIT_ENV = "RESERVES_MAX_FILE_MB"

_MB = 1_000_000


def file_limit(default_bytes: int) -> int:
    """The effective size limit: ``default_bytes``, or ``RESERVES_MAX_FILE_MB`` when set.

    Raises
    ------
    ConfigError
        when the environment variable is not a positive number.
    """
    mb = env_number(FILE_LIMIT_ENV, None, upper=1e7, unit=" of megabytes", example=50)
    return default_bytes if mb is None else int(mb * _MB)


def env_number(
    name: str,
    default: float | None,
    *,
    upper: float = float("inf"),
    unit: str = "",
    example: float | None = None,
    error: type[ReservesError] = ConfigError,
) -> float | None:
    """The positive number in environment variable ``name`` (below ``upper``), or ``default``
    when it is unset or blank; anything else raises ``error`` naming the variable and a fix."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not (value > 0 and value < upper):
        eg = int(example if example is not None else (default or 1))
        raise error(
            f"{name}={safe_repr(raw)} is not a positive number{unit}",
            fix=f"unset it or set e.g. {name}={eg}",
        )
    return value


def safe_repr(value: Any, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters, never expanding big or shared structures.

    Uses :mod:`reprlib` (at most 6 items per container, 4 levels), so a value built from
    aliases (a YAML bomb) or a huge array costs a few microseconds to show.
    """
    r = reprlib.Repr()
    r.maxlevel = 4
    r.maxstring = limit
    r.maxother = limit
    r.maxlong = limit
    try:
        text = r.repr(value)
    except Exception:  # a hostile __repr__
        text = f"<{type(value).__name__}>"
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


# --------------------------------------------------------------------------- reading


def _err(error: type[ReservesError], message: str, fix: str | None = None) -> ReservesError:
    return error(message, fix=fix)


def _check_stat(st: os.stat_result, p: Path, limit: int, what: str, error: type) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise _err(error, f"{p}: is a directory, not a {what}", fix=f"give the path of a {what}")
    if not stat.S_ISREG(st.st_mode):
        kind = (
            "a FIFO (named pipe)"
            if stat.S_ISFIFO(st.st_mode)
            else "a device"
            if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
            else "a socket"
            if stat.S_ISSOCK(st.st_mode)
            else "not a regular file"
        )
        raise _err(
            error,
            f"{p}: is {kind}, not a regular file (a {what} must be one)",
            fix="give a regular file (save the data to disk first)",
        )
    if st.st_size > limit:
        raise _err(
            error,
            f"{p}: {st.st_size:,} bytes is larger than the {limit:,} allowed for a {what}",
            fix=f"give a smaller file, or raise the limit with {FILE_LIMIT_ENV}=<megabytes>",
        )


def read_bytes_file(
    path: str | Path,
    max_bytes: int = MAX_CONFIG_BYTES,
    what: str = "file",
    *,
    error: type[ReservesError] = ConfigError,
) -> bytes:
    """The bytes of a regular file of at most ``max_bytes`` bytes.

    Parameters
    ----------
    path:
        the file.
    max_bytes:
        the default limit (raised for all files by ``RESERVES_MAX_FILE_MB``).
    what:
        what the file is, for messages ("config", ".nfg game", "sweep file").
    error:
        the :class:`ReservesError` subclass raised (default :class:`ConfigError`).

    Raises
    ------
    ReservesError
        (``error``) when the file is missing, unreadable, a directory, a device, a FIFO or a
        socket, or larger than the limit. Nothing is read from a non-regular file.
    """
    p = Path(path)
    limit = file_limit(max_bytes)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise _err(error, f"{p}: file not found", fix="check the path") from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise _err(error, f"{p}: cannot read ({reason})", fix="check the path") from None
    _check_stat(st, p, limit, what, error)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(p, flags)
    except OSError as exc:
        raise _err(
            error, f"{p}: cannot open ({exc.strerror})", fix="check its permissions"
        ) from None
    try:
        _check_stat(os.fstat(fd), p, limit, what, error)  # the file we opened, not a swap
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise _err(error, f"{p}: read failed ({exc.strerror})") from None
    finally:
        os.close(fd)
    if total > limit:
        raise _err(
            error,
            f"{p}: larger than the {limit:,} bytes allowed for a {what} (it grew while read)",
            fix=f"give a smaller file, or raise the limit with {FILE_LIMIT_ENV}=<megabytes>",
        )
    return b"".join(chunks)


def decode_text(data: bytes, where: str, *, error: type[ReservesError] = ConfigError) -> str:
    """Strict UTF-8 (a leading byte-order mark is dropped); one-line error naming the offset."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _err(
            error,
            f"{where}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}, "
            f"line {line})",
            fix="save the file as UTF-8",
        ) from None
    return text.removeprefix("\ufeff")


def read_text_file(
    path: str | Path,
    max_bytes: int = MAX_CONFIG_BYTES,
    what: str = "file",
    *,
    error: type[ReservesError] = ConfigError,
) -> str:
    """The UTF-8 text of a regular file of at most ``max_bytes`` bytes.

    See :func:`read_bytes_file` for the checks; the text must be valid UTF-8 (the error names
    the byte offset and line of the first bad byte).
    """
    return decode_text(read_bytes_file(path, max_bytes, what, error=error), str(path), error=error)


# --------------------------------------------------------------------------- YAML


class _RefusedError(Exception):
    """Raised inside the loader; turned into a ConfigError by :func:`load_yaml`."""

    def __init__(self, message: str, mark: Any = None) -> None:
        super().__init__(message)
        self.mark = mark


class _Bounds:
    """Composer/constructor overrides: bound expanded size/depth, refuse duplicate keys.

    Mixed into a pure-Python ``SafeLoader`` and, where libyaml is available, into a loader
    whose scanner and parser are libyaml's (``CParser``) with Python's composer on top, so the
    bounds apply while the tokenizing runs at C speed (about 3x faster on a 400 kB config).
    """

    max_depth = MAX_YAML_DEPTH
    max_nodes = MAX_YAML_NODES
    max_chars = MAX_YAML_CHARS
    allow_aliases = True
    _depth: int
    _stats: dict[int, tuple[int, int, int]]

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(AliasEvent):
            event = self.peek_event()
            if not self.allow_aliases:
                raise _RefusedError(
                    f"YAML aliases (*{event.anchor}) are not allowed here", event.start_mark
                )
            node = self.anchors.get(event.anchor)
            self._aliases = getattr(self, "_aliases", 0) + 1
            if node is not None and id(node) not in self._stats:
                raise _RefusedError(
                    f"alias *{event.anchor} refers to the node that contains it", event.start_mark
                )
            return Composer.compose_node(self, parent, index)
        self._count = getattr(self, "_count", 0) + 1
        if self._count > self.max_nodes:  # early: the document itself is too big
            raise _RefusedError(
                f"has more than {self.max_nodes:,} values", self.peek_event().start_mark
            )
        self._depth += 1
        if self._depth > self.max_depth:
            raise _RefusedError(
                f"nested deeper than {self.max_depth} levels", self.peek_event().start_mark
            )
        try:
            node = Composer.compose_node(self, parent, index)
        finally:
            self._depth -= 1
        if isinstance(node, ScalarNode):
            size, depth, chars = 1, 1, len(node.value)
        else:
            if isinstance(node, SequenceNode):
                children = list(node.value)
            elif isinstance(node, MappingNode):
                children = [c for pair in node.value for c in pair]
            else:  # pragma: no cover - the composer makes only these three
                children = []
            size, depth, chars = 1, 1, 0
            for c in children:
                cs, cd, cc = self._stats[id(c)]
                size += cs
                depth = max(depth, cd + 1)
                chars += cc
        if size > self.max_nodes:
            raise _RefusedError(
                f"expands to more than {self.max_nodes:,} values (an alias bomb?)"
                if getattr(self, "_aliases", 0)
                else f"has more than {self.max_nodes:,} values",
                node.start_mark,
            )
        if depth > self.max_depth:
            raise _RefusedError(
                f"nested deeper than {self.max_depth} levels once aliases are expanded",
                node.start_mark,
            )
        if chars > self.max_chars:
            raise _RefusedError(
                f"expands to more than {self.max_chars:,} characters (an alias bomb?)",
                node.start_mark,
            )
        self._stats[id(node)] = (size, depth, chars)
        return node

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, MappingNode):
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(
                    key_node, ScalarNode
                ):
                    continue
                key = SafeConstructor.construct_object(self, key_node, deep=True)
                try:
                    first = seen.get(key)
                except TypeError:
                    continue
                if first is not None:
                    raise _RefusedError(
                        f"key {safe_repr(key)} appears twice in one mapping (first at line "
                        f"{first.line + 1}); the later value would silently win",
                        key_node.start_mark,
                    )
                seen[key] = key_node.start_mark
        return SafeConstructor.construct_mapping(self, node, deep=deep)


class _PyLoader(_Bounds, yaml.SafeLoader):
    def __init__(self, stream: str) -> None:
        yaml.SafeLoader.__init__(self, stream)
        self._depth = 0
        self._stats = {}


_LOADER: type = _PyLoader
if getattr(yaml, "__with_libyaml__", False):  # pragma: no branch
    from yaml.cyaml import CParser
    from yaml.resolver import Resolver

    class _CLoader(_Bounds, CParser, SafeConstructor, Resolver):  # type: ignore[misc]
        # libyaml tokenizes and parses; Python's composer (bounded) builds the nodes
        compose_document = Composer.compose_document
        compose_scalar_node = Composer.compose_scalar_node
        compose_sequence_node = Composer.compose_sequence_node
        compose_mapping_node = Composer.compose_mapping_node
        get_single_node = Composer.get_single_node
        get_node = Composer.get_node
        check_node = Composer.check_node

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self.anchors: dict[str, Any] = {}
            self._depth = 0
            self._stats = {}

    _LOADER = _CLoader


def load_yaml(
    source: str | bytes | Path,
    *,
    where: str | None = None,
    max_bytes: int = MAX_CONFIG_BYTES,
    max_depth: int = MAX_YAML_DEPTH,
    max_nodes: int = MAX_YAML_NODES,
    allow_aliases: bool = True,
    what: str = "YAML file",
) -> Any:
    """Parse YAML safely and within bounds.

    Parameters
    ----------
    source:
        a :class:`~pathlib.Path` (read with :func:`read_text_file`), ``bytes`` (decoded as
        strict UTF-8) or ``str`` (the YAML text itself; note: a ``str`` is text, not a path).
    where:
        name used in messages (default: the path, or "YAML").
    max_bytes:
        size limit of the file or text (raised by ``RESERVES_MAX_FILE_MB``).
    max_depth, max_nodes:
        bounds on the nesting and the number of values *after* alias expansion.
    allow_aliases:
        when False, any ``*alias`` is refused.

    Returns
    -------
    The data (``None`` for an empty document).

    Raises
    ------
    ConfigError
        one line naming ``where``, the line and column, and the problem; never the value.
    """
    limit = file_limit(max_bytes)
    if isinstance(source, Path):
        where = where or str(source)
        text = read_text_file(source, max_bytes, what)
    elif isinstance(source, bytes | bytearray):
        where = where or "YAML"
        if len(source) > limit:
            raise ConfigError(
                f"{where}: {len(source):,} bytes is larger than the {limit:,} allowed",
                fix=f"give a smaller file, or raise the limit with {FILE_LIMIT_ENV}=<megabytes>",
            )
        text = decode_text(bytes(source), where)
    elif isinstance(source, str):
        where = where or "YAML"
        if len(source) > limit or len(source.encode("utf-8", "surrogatepass")) > limit:
            raise ConfigError(
                f"{where}: larger than the {limit:,} bytes allowed",
                fix=f"give a smaller file, or raise the limit with {FILE_LIMIT_ENV}=<megabytes>",
            )
        text = source.removeprefix("\ufeff")
    else:
        raise ConfigError(f"{where or 'YAML'}: cannot read YAML from a {type(source).__name__}")
    loader_cls = type(
        "_Loader",
        (_LOADER,),
        {"max_depth": max_depth, "max_nodes": max_nodes, "allow_aliases": allow_aliases},
    )
    loader = loader_cls(text)
    try:
        return loader.get_single_data()
    except _RefusedError as exc:
        mark = exc.mark
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise ConfigError(f"{where}: refused{at}: {exc}", fix=_fix_for(str(exc))) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{where}: not valid YAML{at}: {problem}") from None
    except RecursionError:  # pragma: no cover - the depth bound comes first
        raise ConfigError(f"{where}: nested too deeply") from None
    finally:
        loader.dispose()


def _fix_for(message: str) -> str:
    if "twice" in message:
        return "keep one of the two keys"
    if "deeper" in message:
        return f"flatten the document (at most {MAX_YAML_DEPTH} levels)"
    if "alias" in message:
        return "write the values out, or use fewer nested aliases"
    if "values" in message:
        return "split the data into smaller files"
    return "simplify the document"


def load_yaml_mapping(source: str | bytes | Path, *, where: str | None = None, **kw: Any) -> dict:
    """:func:`load_yaml` whose document must be a non-empty mapping (a config's top level)."""
    where = where or (str(source) if isinstance(source, Path) else "YAML")
    data = load_yaml(source, where=where, **kw)
    if data is None:
        raise ConfigError(f"{where}: the file is empty", fix="start from configs/baseline.yaml")
    if not isinstance(data, dict):
        raise ConfigError(
            f"{where}: expected a mapping of sections at the top level, got {type(data).__name__}",
            fix="start from configs/baseline.yaml",
        )
    return data


# --------------------------------------------------------------------------- strict types


def _strip(annotation: Any) -> list[Any]:
    """The alternatives of an annotation (Optional/Union/Annotated unwrapped)."""
    if isinstance(annotation, str):
        return [Any]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _strip(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        out: list[Any] = []
        for a in typing.get_args(annotation):
            out.extend(_strip(a))
        return out
    return [annotation]


def _is_number_type(t: Any) -> bool:
    return t in (int, float, complex)


def reject_bool_numbers(model: Any, data: Any, where: str = "config", prefix: str = "") -> None:
    """Refuse ``true``/``false`` wherever ``model`` (a pydantic model class) wants a number.

    Pydantic's lax mode turns ``true`` into ``1.0``; a config that writes ``price_usd: true``
    is a mistake, not a price. Walks ``data`` along the model's field annotations (nested
    models, lists, tuples and dicts of them); unknown shapes are left to pydantic.

    Raises
    ------
    ConfigError
        naming ``where`` and the dotted field.
    """
    _walk_bools(model, data, where, prefix, 0)


def _walk_bools(annotation: Any, data: Any, where: str, loc: str, level: int) -> None:
    if level > MAX_YAML_DEPTH:
        return
    alts = _strip(annotation)
    if isinstance(data, bool):
        if bool in alts or Any in alts or object in alts:
            return
        if any(_is_number_type(a) for a in alts):
            raise ConfigError(
                f"{where}: {loc or '(value)'} = {str(data).lower()}: a boolean is not a number",
                field=None,
                fix="write a number (for example 1.0 or 0)",
            )
        return
    for alt in alts:
        if isinstance(alt, type) and hasattr(alt, "model_fields") and isinstance(data, Mapping):
            fields = alt.model_fields
            by_alias = {(f.alias or name): name for name, f in fields.items()}
            for key, value in data.items():
                name = key if key in fields else by_alias.get(key)
                if name is None:
                    continue
                sub = f"{loc}.{key}" if loc else str(key)
                _walk_bools(fields[name].annotation, value, where, sub, level + 1)
            return
        origin = typing.get_origin(alt)
        args = typing.get_args(alt)
        if origin in (list, tuple, set, frozenset) and isinstance(data, list | tuple) and args:
            for k, item in enumerate(data):
                elem = args[min(k, len(args) - 1)] if origin is tuple else args[0]
                if elem is Ellipsis:
                    elem = args[0]
                _walk_bools(elem, item, where, f"{loc}[{k}]", level + 1)
            return
        if origin in (dict, Mapping) and isinstance(data, Mapping) and len(args) == 2:
            for key, item in data.items():
                _walk_bools(args[1], item, where, f"{loc}.{key}" if loc else str(key), level + 1)
            return


def parse_count(
    text: str,
    what: str,
    *,
    max_value: int,
    where: str = "input",
    error: type[ReservesError] = ConfigError,
) -> int:
    """A positive count written with ASCII digits only (not ``²``, not Arabic-Indic digits).

    Refuses more than 18 digits or a value above ``max_value`` before converting, so no count
    can overflow a fixed-width integer later.
    """
    if not (text.isascii() and text.isdigit()):
        raise _err(
            error,
            f"{where}: {what} must be a positive integer in ASCII digits, found "
            f"{safe_repr(text, 30)}",
            fix="write the count with the digits 0-9",
        )
    if len(text) > 18 or int(text) > max_value:
        raise _err(
            error,
            f"{where}: {what} {safe_repr(text, 30)} is larger than the {max_value:,} allowed",
        )
    value = int(text)
    if value < 1:
        raise _err(error, f"{where}: {what} must be at least 1, found {value}")
    return value


# --------------------------------------------------------------------------- writing


def check_output_path(path: str | Path, what: str = "output") -> Path:
    """Refuse an output target that cannot be written as a file, before any work is done.

    The target must not be a directory and its parent must be an existing directory (it is
    never created silently).

    Raises
    ------
    ReservesError
        naming the path and what to do.
    """
    p = Path(path)
    if str(path) == "" or p.name in ("", ".", ".."):
        raise ReservesError(f"{path!s}: not a file name", field=what, fix="give a file path")
    if p.is_dir():
        raise ReservesError(
            f"{p}: is a directory", field=what, fix=f"give a file path, e.g. {p / 'out'}"
        )
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.exists():
        # under a file, or a missing folder: say which
        probe = parent
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        if probe.exists() and not probe.is_dir():
            raise ReservesError(
                f"{p}: {probe} is a file, not a folder", field=what, fix="choose another path"
            )
        raise ReservesError(
            f"{p}: the folder {parent} does not exist",
            field=what,
            fix=f"create it first (mkdir -p {parent})",
        )
    if not parent.is_dir():
        raise ReservesError(f"{p}: {parent} is a file, not a folder", field=what)
    if p.exists() and not p.is_file():
        raise ReservesError(f"{p}: exists and is not a regular file", field=what)
    return p


@contextlib.contextmanager
def atomic_path(path: str | Path, what: str = "output") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` atomically.

    For writers that need a file name (PDF engines, ``zipfile``, ``docx``). If the block
    raises, the temporary file is removed and ``path`` is left as it was.

    >>> with atomic_path("report.pdf") as tmp:  # doctest: +SKIP
    ...     render_pdf(tmp)
    """
    target = check_output_path(path, what)
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=str(target.parent or Path("."))
        )
    except OSError as exc:
        raise ReservesError(
            f"cannot write {target}: {exc.strerror}", field=what, fix="check the folder"
        ) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        _match_mode(tmp, target)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise ReservesError(
            f"cannot write {target}: {exc.strerror or exc}; the previous file is unchanged",
            field=what,
            fix="free disk space or choose another path",
        ) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _match_mode(tmp: Path, target: Path) -> None:
    """Give the new file the mode of the old one, or the umask's default (mkstemp uses 0600)."""
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)


def atomic_write(
    path: str | Path, data: bytes | str, *, what: str = "output", encoding: str = "utf-8"
) -> Path:
    """Write ``data`` to ``path`` atomically: temp file beside it, ``fsync``, ``os.replace``.

    A failure (full disk, permissions, a directory in the way) raises one
    :class:`ReservesError` and leaves an existing ``path`` untouched and no temporary file.
    The parent folder must exist (never created silently).

    Returns
    -------
    Path
        ``path``.
    """
    payload = data.encode(encoding) if isinstance(data, str) else bytes(data)
    with atomic_path(path, what) as tmp, open(tmp, "wb") as fh:
        fh.write(payload)
        fh.flush()
    return Path(path)


def file_hash(path: str | Path) -> str:
    """SHA-256 (first 16 hex digits) of a file's bytes, read through :func:`read_bytes_file`
    (regular files, size limit): the ``config_hash`` of a game file, or a cache key."""
    return hashlib.sha256(read_bytes_file(path, MAX_GAME_BYTES, "game file")).hexdigest()[:16]


def files_hash(paths: Sequence[str | Path]) -> str:
    """SHA-256 (16 hex digits) of several files' :func:`file_hash` in order: the ``config_hash``
    of a command whose input is several files (an event panel, a backtest), or a cache key."""
    joined = "".join(file_hash(p) for p in paths)
    return hashlib.sha256(joined.encode()).hexdigest()[:16]
