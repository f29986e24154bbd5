"""dcsim.drive: the chunks the kernel is driven in, and its compiled entry point."""

from __future__ import annotations

import numpy as np
from numba import njit

from dcsim.drive import chunk_bounds, compiled_entry


def test_chunks_cover_the_run_and_split_where_a_rack_changes():
    ends, regular = chunk_bounds(250)
    assert ends[-1] == 250 and ends == sorted(set(ends)) and regular == set(ends)
    rack_u = np.zeros((250, 2))
    rack_u[17:, 1] = 0.5
    ends_u, regular_u = chunk_bounds(250, rack_u)
    assert 17 in ends_u and regular_u == regular and set(ends) <= set(ends_u)


def test_the_compiled_entry_point_gives_the_dispatchers_results_and_falls_back_to_it():
    """The entry point the workload path calls each step (no type dispatch) computes what the
    dispatcher computes for the same argument types, tuples included; anything Numba cannot
    give an entry point for is returned as it is, so a caller's call still works. (It does not
    check types: the workload path passes it the very objects it was made for.)"""

    @njit(fastmath=False, error_model="numpy")
    def scaled_sum(x, params, out):
        out[0] = (x * params[0]).sum() + params[1][1]
        return out[0]

    x, params, out = np.arange(5.0), (2.0, (1.0, 0.5)), np.zeros(1)
    entry = compiled_entry(scaled_sum, (x, params, out))
    assert entry is not scaled_sum and entry(x, params, out) == scaled_sum(x, params, out) == 20.5
    x[:] = 1.0  # the same objects, filled in place: what the workload path does each step
    assert entry(x, params, out) == scaled_sum(x, params, out) == 10.5

    def plain(*args):
        return "called"

    assert compiled_entry(plain, (1,)) is plain
