"""Every name the package exports resolves, and the README tour runs."""

from __future__ import annotations

import reserves


def test_every_export_resolves() -> None:
    missing = []
    for name in reserves.__all__:
        try:
            getattr(reserves, name)
        except (AttributeError, ImportError) as exc:
            missing.append(f"{name}: {exc}")
    assert not missing


def test_readme_tour() -> None:
    cfg = reserves.load_config("configs/baseline.yaml")
    game = reserves.SovereignGame(cfg)
    result = reserves.solve(game)
    assert len(result) >= 1
    assert result.to_dict()["equilibria"][0]["regret"] <= 1e-8 * game.payoff_scale
    assert "max regret" in result.table()
