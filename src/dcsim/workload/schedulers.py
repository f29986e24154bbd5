"""Scheduler registries: where a job goes (placement) and when it may start (deferral).

Placement policies pick an ON server with enough free cores for the job at the head of the
FCFS queue, and the rack whose OFF server the power manager should wake next. Register your
own with :func:`register_placement` and pass its name (Python API) as ``placement=``:

>>> @register_placement("last-fit")
... class LastFit(PlacementPolicy):
...     def select(self, k):
...         ...

Deferral policies pick the start time of a deferrable job within its slack from a forecast
signal (carbon intensity or price per control step). Built in:

========================  ==========================================================
``first-fit``             lowest server id that fits
``best-fit``              the server with the fewest free cores that fit (consolidation;
                          lowest id among equals)
``spread``                the rack with the most free cores among those that fit, then
                          the server with the most free cores in it (load balancing)
``thermal-aware``         the rack with the coolest inlet among those that fit (inlets
                          handed in by the engine each step), best-fit inside the rack
``carbon-aware``          deferral: start where the forecast mean carbon intensity over
                          the job's run is lowest, no later than deadline - run time
``price-aware``           the same with the electricity price
========================  ==========================================================
"""

from __future__ import annotations

import abc
import math
from collections.abc import Callable

import numpy as np

from ._deferral_kernel import deferral_start
from .cluster import Cluster

PLACEMENTS: dict[str, type[PlacementPolicy]] = {}
DEFERRALS: dict[str, str] = {"none": "", "carbon-aware": "carbon", "price-aware": "price"}


def register_placement(name: str) -> Callable[[type[PlacementPolicy]], type[PlacementPolicy]]:
    """Class decorator: make a :class:`PlacementPolicy` subclass available under ``name``."""

    def deco(cls: type[PlacementPolicy]) -> type[PlacementPolicy]:
        cls.name = name
        PLACEMENTS[name] = cls
        return cls

    return deco


def placement_policy(name: str, cluster: Cluster) -> PlacementPolicy:
    """The registered placement policy ``name`` bound to ``cluster``."""
    try:
        cls = PLACEMENTS[name]
    except KeyError:
        raise ValueError(f"unknown placement {name!r}; registered: {', '.join(sorted(PLACEMENTS))}") from None
    return cls(cluster)


class PlacementPolicy(abc.ABC):
    """Base class. Subclasses implement :meth:`select` (and may override :meth:`boot_rack`).

    Class attributes: ``rack_level`` (the policy needs the cluster's per-rack indexes; the
    simulation builds the cluster accordingly) and ``uses_inlet`` (it reads rack inlet
    temperatures, set each step by :meth:`set_inlet`).
    """

    name = ""
    rack_level = False
    uses_inlet = False

    def __init__(self, cluster: Cluster):
        if self.rack_level and not cluster.rack_level:
            raise ValueError(f"placement {self.name!r} needs a Cluster built with rack_level=True")
        self.cluster = cluster
        self.cores = cluster.cores
        self.inlet_c = np.zeros(cluster.racks)

    @abc.abstractmethod
    def select(self, k: int) -> int:
        """An ON server with at least ``k`` free cores, or -1 if none."""

    def set_inlet(self, inlet_c: np.ndarray) -> None:
        """Per-rack inlet temperatures (°C) the policy sees until the next call."""
        self.inlet_c = np.asarray(inlet_c, dtype=np.float64)

    def boot_rack(self) -> int:
        """Rack whose OFF server should be woken next (default: the lowest rack with one)."""
        n_off = self.cluster.n_off_rack
        return int(np.argmax(n_off > 0)) if self.cluster.n_off else -1


@register_placement("first-fit")
class FirstFit(PlacementPolicy):
    """Lowest server id with at least ``k`` free cores: min over f >= k of the heap tops."""

    def select(self, k: int) -> int:
        c = self.cluster
        gcnt = c.gcnt
        best = -1
        for f in range(k, self.cores + 1):
            if gcnt[f]:
                s = c.gtop(f)
                if s >= 0 and (best < 0 or s < best):
                    best = s
        return best


@register_placement("best-fit")
class BestFit(PlacementPolicy):
    """The fewest free cores that fit (consolidation); lowest id among equals."""

    def select(self, k: int) -> int:
        c = self.cluster
        gcnt = c.gcnt
        for f in range(k, self.cores + 1):
            if gcnt[f]:
                return c.gtop(f)
        return -1


@register_placement("spread")
class Spread(PlacementPolicy):
    """Least-loaded rack (most free cores) among those with a server that fits, then the
    server with the most free cores in it. Wakes servers in the rack with most OFF servers."""

    rack_level = True

    def select(self, k: int) -> int:
        c = self.cluster
        if not c.any_fit(k):
            return -1
        fits = c.maxfree_np >= k
        r = int(np.argmax(np.where(fits, c.rfree_np, -1.0)))
        return c.rtop(r, c.maxfree[r])

    def boot_rack(self) -> int:
        c = self.cluster
        return int(np.argmax(c.n_off_rack)) if c.n_off else -1


@register_placement("thermal-aware")
class ThermalAware(PlacementPolicy):
    """Coolest rack inlet among racks with a server that fits; best-fit inside that rack.
    Wakes servers in the coolest rack that has OFF servers."""

    rack_level = True
    uses_inlet = True

    def select(self, k: int) -> int:
        c = self.cluster
        if not c.any_fit(k):
            return -1
        r = int(np.argmin(np.where(c.maxfree_np >= k, self.inlet_c, np.inf)))
        cnt = c.rcnt[r]
        for f in range(k, self.cores + 1):
            if cnt[f]:
                return c.rtop(r, f)
        return -1  # unreachable: maxfree[r] >= k

    def boot_rack(self) -> int:
        c = self.cluster
        if not c.n_off:
            return -1
        return int(np.argmin(np.where(c.n_off_rack > 0, self.inlet_c, np.inf)))


# --------------------------------------------------------------------------- deferral
class Deferral:
    """Start time of a deferrable job that minimises a forecast signal over its run.

    ``forecast`` holds one value per control step (carbon gCO2e/kWh or price SEK/kWh),
    step-held; beyond the last step the last value holds. The cost of starting at ``x`` is the
    signal's integral over ``[x, x + duration]``. Candidates are the submission time and every
    step boundary up to the latest start (deadline - run time); ties go to the earliest, so a
    job is only delayed for a strictly lower cost.

    Capacity: every deferred job books its cores on the steps it is planned to run
    (:meth:`commit`); a candidate is allowed only if the booked cores plus the job's stay
    within ``limit_cores`` on every step of its run (valley filling: deferred jobs do not all
    pile into the cheapest hour and then miss their deadlines in the queue).

    Energy: with a ``power_curve`` (utilisation 0-1 -> W per server) and the hall's
    ``servers`` and ``total_cores``, the signal is weighted by what the job adds to the hall's
    power on each step of its run, so the cost is the job's own carbon (or cost)::

        cost(x) = integral over [x, x + d] of f(t) dP(t) dt
        dP(t) = servers x ( P((n(t) + k) / total_cores) - P(n(t) / total_cores) )   W

    where ``n(t)`` is the hall's planned busy cores: the cores booked by deferred jobs on the
    step plus ``base_cores`` (the cores of the jobs that were not deferred, running at the
    choice: a persistence forecast), spread evenly over the servers (an estimate: placement
    spreads them unevenly). On a curve that steepens with load a job is not moved into hours
    the deferred jobs already fill unless the cleaner (or cheaper) hour pays for the extra
    energy. With a straight-line curve ``dP`` is constant and the cost is the signal's integral
    times it, so the choice is the one without the curve.
    """

    def __init__(self, forecast: np.ndarray, step_s: float, *, power_curve=None, servers: int = 0,
                 total_cores: int = 0):
        f = np.asarray(forecast, dtype=np.float64)
        if f.ndim != 1 or f.size == 0 or not np.all(np.isfinite(f)):
            raise ValueError("the deferral signal needs one finite value per step")
        self.step_s = float(step_s)
        n = f.size
        self.n = n
        self._f = f
        self._curve = None
        if power_curve is not None:
            xs, ys = (np.asarray(a, dtype=np.float64) for a in power_curve)
            if servers < 1 or total_cores < 1:
                raise ValueError("an energy-weighted deferral needs servers >= 1 and total_cores >= 1")
            self._curve = (xs, ys, float(servers), float(total_cores))
        # cumulative integral at step boundaries, with one far point holding the last value
        far = n * self.step_s * 1e3 + 1e12
        self._x = np.concatenate((np.arange(n + 1) * self.step_s, [far]))
        cum = np.concatenate(([0.0], np.cumsum(f) * self.step_s))
        self._F = np.concatenate((cum, [cum[-1] + f[-1] * (far - n * self.step_s)]))
        self.booked_cores = np.zeros(n + 1)
        self._g = np.empty(64)  # the compiled choice's scratch (the weighted cost's running integral)

    def integral(self, t0, t1):
        """Integral of the signal over [t0, t1] (arrays or scalars), signal x s."""
        return np.interp(t1, self._x, self._F) - np.interp(t0, self._x, self._F)

    def _booked(self, size: int) -> np.ndarray:
        b = self.booked_cores
        if b.size < size:
            b = np.concatenate((b, np.zeros(max(size - b.size, b.size))))
            self.booked_cores = b
        return b

    def choose(
        self, t: float, latest_start: float, duration_s: float, cores: float = 0.0, limit_cores: float = math.inf,
        base_cores: float = 0.0,
    ) -> float:
        """The start in ``[t, latest_start]`` with the lowest cost that fits under ``limit_cores``
        (``base_cores``: the busy cores that were not deferred, for the energy weighting).
        Compiled: :func:`dcsim.workload._deferral_kernel.deferral_start`."""
        if not latest_start > t:
            return t
        step = self.step_s
        j0 = math.floor(t / step) + 1
        j1 = min(math.floor(latest_start / step), self.n)
        if j1 < j0:
            return t
        w = max(1, math.ceil(duration_s / step))
        jt = math.floor(t / step)
        wt = max(1, math.ceil((t + duration_s) / step) - jt)
        booked = self._booked(j1 + w + 2)
        if self._g.size < j1 + w + 3 - jt:
            self._g = np.empty(2 * (j1 + w + 3 - jt))
        if self._curve is None:
            xs = ys = self._x
            servers = total = 1.0
        else:
            xs, ys, servers, total = self._curve
        return deferral_start(float(t), float(duration_s), float(cores), float(limit_cores), float(base_cores), j0,
                              j1, w, jt, wt, step, self._f, self._x, self._F, booked, self._curve is not None, xs, ys,
                              servers, total, self._g)

    def commit(self, start_s: float, duration_s: float, cores: float) -> None:
        """Book ``cores`` on the steps of a deferred job's planned run."""
        step = self.step_s
        j = math.floor(start_s / step)
        e = max(j + 1, math.ceil((start_s + duration_s) / step))
        self._booked(e + 1)[j:e] += cores
