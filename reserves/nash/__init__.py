"""The generic game engine: normal-form games, ``.nfg`` files, one module per algorithm.

Knows nothing of bitcoin or sovereigns (those live in :mod:`reserves.sovereign`).
"""
