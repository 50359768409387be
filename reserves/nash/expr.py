"""A whitelist parser for user-typed expressions (configs, the app).

User text is never passed to ``eval``, ``exec`` or a bare ``sympy.sympify`` (which calls
``eval``). Instead the text is parsed by Python's :mod:`ast` into a syntax tree, every node is
checked against an explicit allow-list, and the sympy expression is built here, node by node:

- ``Expression`` (the root of ``ast.parse(text, mode="eval")``);
- ``BinOp`` with ``+ - * / **``;
- ``UnaryOp`` with ``+ -``;
- ``Constant`` holding an ``int`` or a ``float`` (not ``bool``, ``complex``, ``str`` or ``bytes``);
- ``Name`` from the caller's list of allowed symbols (never a name starting with ``_``);
- ``Call`` of a bare allowed function name (``exp, log, sqrt, abs, min, max``) with positional
  arguments only.

Anything else (attribute access, subscripts, lambdas, comprehensions, strings, keyword
arguments, starred arguments, comparisons, boolean operators, walrus, f-strings, ...) raises
:class:`reserves.errors.ExpressionError` naming the offending construct. Resource limits bound
the input length, the number of nodes, the nesting depth and the size of constant powers, so a
hostile input cannot exhaust memory or time (``9**9**9`` is rejected, not evaluated).

Example
-------
>>> parse_expression("theta * W * (s - s0) - kappa", ["theta", "W", "s", "s0", "kappa"])
W*theta*(s - s0) - kappa
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Iterable, Mapping

import sympy as sp

from reserves.errors import ExpressionError

#: longest accepted input (characters)
MAX_EXPRESSION_CHARS = 2_000
#: most syntax-tree nodes accepted
MAX_NODES = 400
#: deepest nesting accepted
MAX_DEPTH = 40
#: largest |exponent| accepted when both base and exponent are numbers
MAX_CONST_EXPONENT = 1_000

#: functions a user may call, by name
ALLOWED_FUNCTIONS: dict[str, tuple[Callable[..., sp.Expr], int, int | None]] = {
    # name: (builder, min args, max args or None for any)
    "exp": (sp.exp, 1, 1),
    "log": (sp.log, 1, 1),
    "sqrt": (sp.sqrt, 1, 1),
    "abs": (sp.Abs, 1, 1),
    "min": (sp.Min, 2, None),
    "max": (sp.Max, 2, None),
}

_BINOPS: dict[type, str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
}


def _construct_name(node: ast.AST) -> str:
    """A readable name of a rejected construct."""
    names = {
        ast.Attribute: "attribute access",
        ast.Subscript: "subscript",
        ast.Lambda: "lambda",
        ast.ListComp: "list comprehension",
        ast.SetComp: "set comprehension",
        ast.DictComp: "dict comprehension",
        ast.GeneratorExp: "generator expression",
        ast.Compare: "comparison",
        ast.BoolOp: "boolean operator",
        ast.IfExp: "conditional expression",
        ast.NamedExpr: "assignment expression (:=)",
        ast.JoinedStr: "f-string",
        ast.List: "list",
        ast.Tuple: "tuple",
        ast.Dict: "dict",
        ast.Set: "set",
        ast.Starred: "starred argument",
        ast.Await: "await",
        ast.Yield: "yield",
        ast.YieldFrom: "yield",
        ast.Slice: "slice",
    }
    return names.get(type(node), f"syntax {type(node).__name__}")


class _Builder:
    def __init__(self, symbols: Mapping[str, sp.Expr], field: str | None) -> None:
        self.symbols = symbols
        self.field = field
        self.nodes = 0

    def fail(self, message: str, fix: str | None = None) -> ExpressionError:
        return ExpressionError(
            message,
            field=self.field,
            fix=fix
            or "use numbers, the allowed names, + - * / ** and "
            + ", ".join(sorted(ALLOWED_FUNCTIONS)),
        )

    def build(self, node: ast.AST, depth: int = 0) -> sp.Expr:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(f"expression has more than {MAX_NODES} elements")
        if depth > MAX_DEPTH:
            raise self.fail(f"expression is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, ast.Expression):
            return self.build(node.body, depth + 1)
        if isinstance(node, ast.Constant):
            return self.constant(node.value)
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.UnaryOp):
            operand = self.build(node.operand, depth + 1)
            if isinstance(node.op, ast.USub):
                return -operand
            if isinstance(node.op, ast.UAdd):
                return operand
            raise self.fail(f"operator {type(node.op).__name__} is not allowed")
        if isinstance(node, ast.BinOp):
            op = _BINOPS.get(type(node.op))
            if op is None:
                raise self.fail(f"operator {type(node.op).__name__} is not allowed")
            left = self.build(node.left, depth + 1)
            right = self.build(node.right, depth + 1)
            return self.binop(op, left, right)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        raise self.fail(f"{_construct_name(node)} is not allowed")

    def constant(self, value: object) -> sp.Expr:
        if isinstance(value, bool) or not isinstance(value, int | float):
            kind = type(value).__name__
            raise self.fail(f"constant {value!r} of type {kind} is not allowed (numbers only)")
        if isinstance(value, float):
            if not math.isfinite(value):
                raise self.fail(f"constant {value!r} is not a finite number")
            return sp.Float(value)
        return sp.Integer(value)

    def name(self, ident: str) -> sp.Expr:
        if ident.startswith("_"):
            raise self.fail(f"name {ident!r} is not allowed (names may not start with '_')")
        if ident in ALLOWED_FUNCTIONS:
            raise self.fail(f"function {ident!r} must be called with arguments")
        if ident not in self.symbols:
            allowed = ", ".join(sorted(self.symbols)) or "(none)"
            raise self.fail(f"unknown name {ident!r}", fix=f"allowed names are: {allowed}")
        return self.symbols[ident]

    def binop(self, op: str, left: sp.Expr, right: sp.Expr) -> sp.Expr:
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        if op == "*":
            return left * right
        if op == "/":
            if right.is_zero:
                raise self.fail("division by zero")
            return left / right
        # power: bound the work sympy would do on number ** number
        if right.is_number and left.is_number:
            if abs(float(right)) > MAX_CONST_EXPONENT:
                raise self.fail(
                    f"constant exponent {right} is too large (max {MAX_CONST_EXPONENT})"
                )
            if abs(float(left)) > 1 and abs(float(right)) * math.log10(abs(float(left))) > 300:
                raise self.fail("constant power overflows (result above 1e300)")
        elif right.is_number and abs(float(right)) > MAX_CONST_EXPONENT:
            raise self.fail(f"exponent {right} is too large (max {MAX_CONST_EXPONENT})")
        return left**right

    def call(self, node: ast.Call, depth: int) -> sp.Expr:
        if not isinstance(node.func, ast.Name):
            raise self.fail(
                f"only calls of bare function names are allowed, not {_construct_name(node.func)}"
            )
        fname = node.func.id
        if fname.startswith("_") or fname not in ALLOWED_FUNCTIONS:
            raise self.fail(
                f"function {fname!r} is not allowed",
                fix="allowed functions are: " + ", ".join(sorted(ALLOWED_FUNCTIONS)),
            )
        if node.keywords:
            raise self.fail(f"keyword arguments are not allowed in {fname}()")
        builder, lo, hi = ALLOWED_FUNCTIONS[fname]
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise self.fail(f"starred argument is not allowed in {fname}()")
        n = len(node.args)
        if n < lo or (hi is not None and n > hi):
            want = f"{lo}" if hi == lo else f"at least {lo}"
            raise self.fail(f"{fname}() takes {want} argument(s), got {n}")
        args = [self.build(a, depth + 1) for a in node.args]
        return builder(*args)


def parse_expression(
    text: str,
    symbols: Mapping[str, sp.Expr] | Iterable[str],
    *,
    field: str | None = None,
    max_chars: int = MAX_EXPRESSION_CHARS,
) -> sp.Expr:
    """Parse user text into a sympy expression through an explicit allow-list.

    Parameters
    ----------
    text:
        the expression, Python syntax (``theta * W * (s - s0) - kappa``, ``2**-3``,
        ``max(V - P, 0)``).
    symbols:
        the names the user may use: a mapping ``name -> sympy expression`` or an iterable of
        names (each becomes a real ``sympy.Symbol``).
    field:
        where the text came from (``game.payoffs[0]``), named in errors.
    max_chars:
        longest accepted input.

    Returns
    -------
    sympy.Expr

    Raises
    ------
    ExpressionError
        for anything outside the allow-list, with the offending construct named: dunder names
        (``__import__``), attribute access, subscripts, lambdas, comprehensions, strings, calls
        of other functions, keyword arguments, over-long or over-deep input, huge powers.
    """
    if not isinstance(text, str):
        raise ExpressionError(f"expression must be text, got {type(text).__name__}", field=field)
    if len(text) > max_chars:
        raise ExpressionError(
            f"expression is {len(text)} characters long (max {max_chars})",
            field=field,
            fix="shorten it or split it into named parts",
        )
    if not text.strip():
        raise ExpressionError("expression is empty", field=field)
    if "\x00" in text:
        raise ExpressionError("expression contains a NUL character", field=field)
    if isinstance(symbols, Mapping):
        table: dict[str, sp.Expr] = {str(k): v for k, v in symbols.items()}
    else:
        table = {str(k): sp.Symbol(str(k), real=True) for k in symbols}
    for key in table:
        if not key.isidentifier() or key.startswith("_"):
            raise ExpressionError(f"symbol name {key!r} is not a plain identifier", field=field)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        where = f" at column {exc.offset}" if exc.offset else ""
        raise ExpressionError(f"not a valid expression{where}: {exc.msg}", field=field) from None
    except (RecursionError, MemoryError, ValueError) as exc:
        raise ExpressionError(
            f"expression could not be parsed: {type(exc).__name__}", field=field
        ) from None
    builder = _Builder(table, field)
    try:
        expr = builder.build(tree)
    except ExpressionError:
        raise
    except RecursionError:
        raise ExpressionError("expression is nested too deeply", field=field) from None
    except (TypeError, ValueError, ZeroDivisionError, OverflowError) as exc:
        raise ExpressionError(f"expression is not valid arithmetic: {exc}", field=field) from None
    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise ExpressionError("expression is infinite or undefined", field=field)
    return expr


__all__ = ["ALLOWED_FUNCTIONS", "MAX_EXPRESSION_CHARS", "parse_expression"]
