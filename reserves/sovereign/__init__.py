"""The sovereign model, from a config to an estimated game, top to bottom:

* :mod:`~reserves.sovereign.model`: the payoff template (one sympy expression: financial
  result, risk charge, relative position, political cost, the hedge term) and
  :class:`SovereignGame` (a share-of-reserves grid when ``game.buy_shares`` is set);
* :mod:`~reserves.sovereign.motives`: why hold bitcoin, the sanctions-freeze hedge
  (Ferranti 2025) and its replication; ``eta_i`` from observables;
* :mod:`~reserves.sovereign.symbolic`, :mod:`~reserves.sovereign.selection`,
  :mod:`~reserves.sovereign.aggregative`: thresholds (C14), equilibrium selection, large
  rosters;
* :mod:`~reserves.sovereign.symmetric`, :mod:`~reserves.sovereign.adoption`,
  :mod:`~reserves.sovereign.dynamic`: identical-sovereign games, adoption paths, the dynamic
  game over decision dates;
* :mod:`~reserves.sovereign.evidence`: what sovereigns did in 2024-2025 (``configs/evidence``);
* :mod:`~reserves.sovereign.estimation`: parameters from observables by logit-QRE maximum
  likelihood, leave-one-out, predictions;
* :mod:`~reserves.sovereign.revealed`: the parameters that rationalise each observed action;
* :mod:`~reserves.sovereign.identified`: C14, equilibria and the demand band over the
  confidence region; the observed profile against equilibrium;
* :mod:`~reserves.sovereign.findings`: all of it in one result (CLI ``reserves estimate``,
  the app's Sovereigns page, the assessment's ``sovereigns`` section).

Built on the generic engine :mod:`reserves.nash`; the engine never imports from here.
"""
