"""Latin-hypercube sampling with NumPy only.

McKay, Beckman & Conover (1979): each of the ``d`` dimensions is cut into ``n`` equal
strata, every stratum is hit exactly once, and the strata are paired across dimensions by
independent random permutations. The points are a pure function of ``(n, d, seed)``, so a
sweep file always expands to the same runs (and so hits the same cached results).
"""

from __future__ import annotations

import numpy as np


def latin_hypercube(n: int, d: int, seed: int) -> np.ndarray:
    """``n`` points in ``[0, 1)^d``, shape ``(n, d)``, one point in each of the ``n`` strata
    of every dimension."""
    if n < 1 or d < 0:
        raise ValueError("latin_hypercube needs n >= 1 and d >= 0")
    rng = np.random.default_rng(seed)
    u = np.empty((n, d), dtype=np.float64)
    for j in range(d):
        u[:, j] = (rng.permutation(n) + rng.random(n)) / n
    return u
