"""The whitelist expression parser: allowed arithmetic builds sympy; everything else is rejected."""

from __future__ import annotations

import pytest
import sympy as sp

from reserves.errors import ExpressionError
from reserves.nash.expr import MAX_EXPRESSION_CHARS, parse_expression

NAMES = ["theta", "W", "s", "s0", "kappa", "x", "y"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("theta * W * (s - s0) - kappa", "W*theta*(s - s0) - kappa"),
        ("2**-3", "1/8"),
        ("-x + +y", "-x + y"),
        ("exp(x) + log(y) + sqrt(4)", "exp(x) + log(y) + 2"),
        ("max(x, y, 0) - min(x, 1)", "-Min(1, x) + Max(0, x, y)"),
        ("abs(x) / 2.5", "0.4*Abs(x)"),
        ("1e3 * x", "1000.0*x"),
    ],
)
def test_allowed_expressions(text: str, expected: str) -> None:
    syms = {n: sp.Symbol(n) for n in NAMES}
    assert parse_expression(text, syms) == sp.sympify(expected, locals=syms)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("__import__('os').system('ls')", "attribute"),
        ("__import__('os')", "__import__"),
        ("__builtins__", "__builtins__"),
        ("x.__class__", "attribute access"),
        ("().__class__.__bases__[0].__subclasses__()", "attribute"),
        ("x[0]", "subscript"),
        ("lambda: 1", "lambda"),
        ("[x for x in y]", "list comprehension"),
        ("{x: 1 for x in y}", "dict comprehension"),
        ("(x for x in y)", "generator expression"),
        ("'abc'", "str"),
        ("b'abc'", "bytes"),
        ("f'{x}'", "f-string"),
        ("eval('1')", "'eval'"),
        ("exec('1')", "'exec'"),
        ("open('/etc/passwd')", "'open'"),
        ("getattr(x, 'y')", "'getattr'"),
        ("sympify('x')", "'sympify'"),
        ("exp(x=1)", "keyword"),
        ("exp(*x)", "starred"),
        ("x if y else 1", "conditional"),
        ("x < y", "comparison"),
        ("x and y", "boolean"),
        ("(z := 1)", "assignment"),
        ("x // y", "FloorDiv"),
        ("x % y", "Mod"),
        ("x @ y", "MatMult"),
        ("~x", "Invert"),
        ("not x", "Not"),
        ("True", "bool"),
        ("1j", "complex"),
        ("9**9**9", "too large"),
        ("10**400", "overflows"),
        ("1e999", "finite"),
        ("unknown_name + 1", "unknown name"),
        ("_private", "may not start"),
        ("x; import os", "not a valid expression"),
        ("import os", "not a valid expression"),
        ("exp", "must be called"),
        ("exp(1, 2)", "argument"),
        ("[1, 2]", "list"),
        ("(1, 2)", "tuple"),
        ("{1}", "set"),
        ("x / 0", "division by zero"),
        ("", "empty"),
        ("x\x00", "NUL"),
    ],
)
def test_injection_and_unsupported_rejected(text: str, needle: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_expression(text, NAMES, field="game.payoff")
    assert needle.lower() in str(info.value).lower()
    assert "game.payoff" in str(info.value)


def test_limits() -> None:
    with pytest.raises(ExpressionError, match="characters long"):
        parse_expression("x+" * MAX_EXPRESSION_CHARS + "x", NAMES)
    with pytest.raises(ExpressionError, match=r"nested|elements"):
        parse_expression("-(" * 60 + "x" + ")" * 60, NAMES)
    with pytest.raises(ExpressionError, match="elements"):
        parse_expression("max(" + ",".join(["x"] * 600) + ")", NAMES, max_chars=10_000)
    with pytest.raises(ExpressionError, match="text"):
        parse_expression(123, NAMES)  # type: ignore[arg-type]


def test_no_eval_is_ever_reached(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    def boom(*a: object, **k: object) -> None:
        raise AssertionError("eval called")

    monkeypatch.setattr(builtins, "eval", boom)
    monkeypatch.setattr(sp, "sympify", boom)
    assert parse_expression("x * 2 + exp(y)", NAMES) == 2 * sp.Symbol("x", real=True) + sp.exp(
        sp.Symbol("y", real=True)
    )
