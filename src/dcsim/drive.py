"""The loop that drives the facility kernel over a run that needs no workload simulation:
chunks of about a hundredth of the run, each followed by the step-output checks and the
progress report; with a per-rack utilisation trace, also a new chunk wherever a rack's
utilisation changes, the racks' values set between chunks (``rack.util_scale``, the hall
series at 1), so that the kernel itself stays one compiled loop for every workload."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ._jitcache import compile_on_a_fresh_stack
from .thermal.kernels import facility_kernel


def chunk_bounds(n: int, rack_u: np.ndarray | None = None) -> tuple[list[int], set[int]]:
    """(every chunk end, the chunk ends after which outputs are checked and progress is told):
    regular chunks of ``ceil(n / 100)`` steps, split wherever a row of ``rack_u`` (steps x
    racks) differs from the one before."""
    chunk = max(1, math.ceil(n / 100))
    regular = set(range(chunk, n, chunk)) | {n}
    ends = set(regular)
    if rack_u is not None and n > 1:
        changed = np.flatnonzero(np.any(rack_u[1:] != rack_u[:-1], axis=1)) + 1
        ends.update(int(k) for k in changed)
    return sorted(ends), regular


def precompile(model, rack, dt: float, inputs, state, out, acc):
    """Compile the facility kernel for these arguments' types before the first call, in a
    thread of its own (:func:`dcsim._jitcache.compile_on_a_fresh_stack`; nothing when cached),
    and return it as a function of the same arguments that skips Numba's type dispatch
    (:func:`compiled_entry`).

    Why: the dispatcher types every argument of every call, and the plant's parameters are
    nested tuples of a few hundred floats: 31 us a call against 6.8 us through the compiled
    entry point (measured, the 400-server jobs hall, 2-core AMD EPYC), 2.5 s of a year at
    5-minute steps, which the workload path drives one step a call. The entry point does not
    check its arguments' types: call it only with these same objects (the workload path does,
    filling the arrays in place); :func:`run_facility`'s hundred-odd calls go through the
    dispatcher."""
    args = (0, 1, dt, inputs, rack, model.hall, model.plant_system, model.plant, model.electrical, state, out, acc)
    compile_on_a_fresh_stack(facility_kernel, args)
    return compiled_entry(facility_kernel, args)


def compiled_entry(dispatcher, args: tuple):
    """``dispatcher``'s compiled entry point for the types of ``args`` (compiling it if needed),
    or the dispatcher itself where Numba does not expose one. The entry point unboxes its
    arguments as those types without checking them (an int64 array where float64 was compiled
    is read as floats, a 2-D array where 1-D was can crash): pass it the objects it was made
    for, or objects of exactly their types."""
    try:
        sig = tuple(dispatcher.typeof_pyval(a) for a in args)
        if sig not in dispatcher.overloads:
            dispatcher.compile(sig)
        return dispatcher.overloads[sig].entry_point
    except Exception:  # noqa: BLE001 - Numba internals changed: the dispatcher still works, only slower
        return dispatcher


def run_facility(model, inputs, state, out, acc, dt: float, n: int, *, check: Callable[[int, int], None],
                 progress: Callable[[int, int], None] | None = None, rack_u: np.ndarray | None = None) -> None:
    """Advance the facility over all ``n`` steps (:func:`~dcsim.thermal.kernels.facility_kernel`),
    calling ``check(i0, i1)`` and ``progress(i1, n)`` about a hundred times. With ``rack_u``
    (steps x racks, each rack's own utilisation) ``inputs.utilization`` must be all ones."""
    rack = model.rack
    ends, regular = chunk_bounds(n, rack_u)
    precompile(model, rack, dt, inputs, state, out, acc)
    i0 = checked = 0
    for i1 in ends:
        if rack_u is not None:
            rack.util_scale[:] = rack_u[i0]
        facility_kernel(i0, i1, dt, inputs, rack, model.hall, model.plant_system, model.plant, model.electrical, state,
                        out, acc)
        if i1 in regular:
            check(checked, i1)
            checked = i1
            if progress is not None:
                progress(i1, n)
        i0 = i1
