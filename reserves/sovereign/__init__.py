"""The sovereign model: the payoff template, thresholds, selection, the aggregative solver.

Built on the generic engine :mod:`reserves.nash`; the engine never imports from here.
"""
