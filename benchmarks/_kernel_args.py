"""The facility kernel's arguments, exactly as the engine builds them, for any scenario.

The kernel's parameter tuples grow with every physics issue, so the benchmarks do not build
them by hand: :func:`capture_kernel_call` runs ``dcsim.engine.simulate`` with the kernel
replaced by a recorder, takes the arguments of the engine's first call and stops the run.
The benchmark then calls the real kernel over the whole period in one call, and
:meth:`KernelCall.reset` puts every array back as the engine left it before the first step,
so every round does the same work from the same state.

Assumptions (the kernel's documented calling convention, ``thermal/kernels.py``): the first
two arguments are ``i0, i1`` (steps ``[i0, i1)``); one argument has an ``it_power_kw`` array
per step (the outputs) and one an ``energy_kwh`` array per rack (the accumulators).
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from typing import Any

import numpy as np

import dcsim
from dcsim import engine
from dcsim.thermal import kernels


class _Captured(Exception):
    pass


def _arrays(obj) -> list[np.ndarray]:
    """The writable arrays in (nested tuples of) ``obj``: all the kernel can change."""
    if isinstance(obj, np.ndarray):
        return [obj] if obj.flags.writeable else []
    if isinstance(obj, tuple):
        return [a for item in obj for a in _arrays(item)]
    return []


def _find(args, field: str, what: str):
    for a in args:
        if isinstance(a, tuple) and hasattr(a, "_fields") and field in a._fields:
            return a
    raise AssertionError(f"no kernel argument has a {field!r} field ({what}); update benchmarks/_kernel_args.py")


@dataclass
class KernelCall:
    """One ``facility_kernel(0, n_steps, *rest)`` call with resettable arguments."""

    n_steps: int
    racks: int
    rest: tuple  # every argument after (i0, i1)
    _snapshot: list[np.ndarray] | None = None

    def __post_init__(self):
        self._snapshot = [a.copy() for a in _arrays(self.rest)]

    @property
    def dt_s(self) -> float:
        return float(self.rest[0])

    @property
    def outputs(self):
        return _find(self.rest, "it_power_kw", "per-step outputs")

    @property
    def accumulators(self):
        return _find(self.rest, "energy_kwh", "per-rack accumulators")

    def reset(self) -> None:
        for live, saved in zip(_arrays(self.rest), self._snapshot):
            live[...] = saved

    def run(self) -> None:
        kernels.facility_kernel(0, self.n_steps, *self.rest)

    def dumps(self) -> bytes:
        """Pickle (the namedtuple types are pickled by reference to dcsim.thermal.kernels)."""
        return pickle.dumps((self.n_steps, self.racks, self.rest), protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def loads(cls, data: bytes) -> KernelCall:
        n, racks, rest = pickle.loads(data)
        return cls(n, racks, rest)


def capture_kernel_call(scenario) -> KernelCall:
    """The arguments ``simulate(scenario)`` passes to the facility kernel, before any step."""
    captured: dict[str, Any] = {}

    def recorder(*args):
        captured["args"] = args
        raise _Captured

    # the modules that call the kernel: the engine (event-driven path) and the chunk driver
    callers = [m for m in (engine, getattr(dcsim, "drive", None)) if m is not None and hasattr(m, "facility_kernel")]
    originals = [(m, m.facility_kernel) for m in callers]
    for m in callers:
        m.facility_kernel = recorder
    try:
        dcsim.simulate(scenario)
    except _Captured:
        pass
    finally:
        for m, original in originals:
            m.facility_kernel = original
    if "args" not in captured:
        raise AssertionError("dcsim.simulate did not call facility_kernel from dcsim.engine or dcsim.drive; "
                             "update benchmarks/_kernel_args.py")
    args = captured["args"]
    n_steps = scenario.simulation.duration // scenario.simulation.step
    assert args[0] == 0, "the engine's first kernel call should start at step 0"
    call = KernelCall(n_steps, scenario.it.racks, tuple(args[2:]))
    assert call.accumulators.energy_kwh.shape == (scenario.it.racks,)
    assert call.outputs.it_power_kw.shape == (n_steps,)
    return call
