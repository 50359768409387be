"""The generic engine is its own subpackage: one module per algorithm, nothing sovereign."""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

import reserves.nash

ALGORITHMS = {
    "pure": "pure_solve",
    "vertex_enumeration": "extreme_equilibria",
    "lemke_howson": "lemke_howson_solve",
    "milp": "milp_solve",
    "two_player": "two_player_solve",
    "support_enumeration": "support_enumeration_solve",
    "hidden_variable": "hidden_variable_roots",
    "binary_supports": "binary_support_candidates",
    "interval_newton": "box_roots",
    "logit": "logit_solve",
    "correlated": "correlated_equilibrium",
    "dynamics": "replicator",
    "taxonomy": "classify_2x2",
    "verify": "check_equilibrium",
}


def test_each_algorithm_is_found_by_its_module_name() -> None:
    names = {m.name for m in pkgutil.iter_modules(reserves.nash.__path__)}
    assert set(ALGORITHMS) <= names
    for mod, fn in ALGORITHMS.items():
        module = __import__(f"reserves.nash.{mod}", fromlist=[fn])
        assert callable(getattr(module, fn))


def test_engine_imports_nothing_from_the_sovereign_model() -> None:
    """No module of reserves.nash imports reserves.sovereign, not even inside a function."""
    root = Path(reserves.nash.__path__[0])
    offenders = []
    for path in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and (node.module or "").startswith("reserves.sovereign")
            ) or (
                isinstance(node, ast.Import)
                and any(a.name.startswith("reserves.sovereign") for a in node.names)
            ):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []
