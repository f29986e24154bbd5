"""Datasheet tables as fixed-size float tuples for the compiled plant.

Arrays inside the parameter namedtuples cost reference counting on every access in compiled
code (measured: two table look-ups through a tuple of arrays ~90 ns, through float tuples
~4 ns). Tables are therefore padded to :data:`TABLE_SIZE` points and stored as tuples, so that
every scenario compiles to one signature: the padding repeats the last value at abscissae far
beyond the table (last + k x 1e9), which ``dcsim._numeric.interp_clamped`` clamps to exactly
the last value, as it does for the unpadded table.
"""

from __future__ import annotations

import numpy as np

#: Most points of any plant table (DH curves, COP table, UPS efficiency table).
TABLE_SIZE = 16
_PAD_STEP = 1e9


def pad_table(xs, ys, name: str = "table") -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(xs, ys) as two TABLE_SIZE float tuples; xs must be strictly increasing."""
    x = [float(v) for v in np.asarray(xs, dtype=np.float64).ravel()]
    y = [float(v) for v in np.asarray(ys, dtype=np.float64).ravel()]
    if len(x) != len(y) or not 1 <= len(x) <= TABLE_SIZE:
        raise ValueError(f"{name}: needs 1-{TABLE_SIZE} points and as many values as points")
    if any(b <= a for a, b in zip(x, x[1:])):
        raise ValueError(f"{name}: points must be strictly increasing")
    while len(x) < TABLE_SIZE:
        x.append(x[-1] + _PAD_STEP)
        y.append(y[-1])
    return tuple(x), tuple(y)


def float_tuple(values) -> tuple[float, ...]:
    """A tuple of Python floats (curve coefficients)."""
    return tuple(float(v) for v in values)
