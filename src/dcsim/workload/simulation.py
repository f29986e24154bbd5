"""The event-driven workload simulation the engine ticks once per control step.

SimPy drives the events; jobs and servers are not SimPy processes. Every job costs two
SimPy events (arrival and completion; a third if it is deferred) whose callbacks update the
:class:`~dcsim.workload.cluster.Cluster` indexes, and every power transition one more.
Per-step outputs are integrals over the step, gathered without touching every rack at every
event: each change of a per-rack level (busy cores, servers on, booting, in the low-power
state) appends ``(channel index, delta, time)`` to a log, and at the end of the step one
``numpy.bincount`` turns the log into exact time integrals (``level x step + sum delta x
(step end - t)``).
"""

from __future__ import annotations

import gc
import math
from array import array
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import simpy

from .cluster import Cluster
from .jobs import CLASS_NAMES, Jobs
from .schedulers import DEFERRALS, Deferral, PlacementPolicy, placement_policy

#: queued jobs after the head that greedy backfill looks at
BACKFILL_DEPTH = 64
#: relative tolerance on "idle for the whole timeout" (float sums of times)
_TIME_EPS_S = 1e-6


@dataclass
class StepOutputs:
    """What :meth:`WorkloadSimulation.advance` fills for one step (arrays are reused).

    Per rack (shape ``(racks,)``):

    ``utilization``
        time-weighted mean utilisation of the rack's ON servers over the step, 0-1
        (busy core-seconds x CPU share / (ON server-seconds x cores)); 0 if none was on.
    ``servers_on``
        time-weighted number of ON servers (idle or active; booting ones are not ON).
    ``transition_energy_j``
        energy of power-state transitions (booting or waking) during the step, J.
    ``standby_energy_j``
        energy of servers in the low-power state (off or asleep) during the step, J.

    Hall level (floats): ``queue_length`` (time-weighted mean number of jobs waiting for a
    server), ``jobs_running``, ``jobs_queued`` and ``jobs_deferred`` (at the end of the step),
    ``busy_core_s`` (allocated core-seconds in the step) and ``utilization_hall``.

    Rack IT power for the physics: ``servers_on * P(utilization) + (transition_energy_j +
    standby_energy_j) / step_s``.
    """

    utilization: np.ndarray
    servers_on: np.ndarray
    transition_energy_j: np.ndarray
    standby_energy_j: np.ndarray
    queue_length: float = 0.0
    jobs_running: int = 0
    jobs_queued: int = 0
    jobs_deferred: int = 0
    busy_core_s: float = 0.0
    utilization_hall: float = 0.0


@dataclass
class WorkloadSeries:
    """Hall-level values of every step (length ``n_steps``), filled as steps advance."""

    utilization: np.ndarray
    servers_on: np.ndarray
    queue_length: np.ndarray
    jobs_running: np.ndarray
    jobs_queued: np.ndarray
    jobs_deferred: np.ndarray
    busy_core_s: np.ndarray
    transition_energy_j: np.ndarray
    standby_energy_j: np.ndarray

    @classmethod
    def allocate(cls, n: int) -> WorkloadSeries:
        return cls(*(np.zeros(n) for _ in range(9)))

    def as_dict(self) -> dict[str, np.ndarray]:
        return dict(self.__dict__)


#: Share of a deferrable job's slack that deferral leaves unused, as a guard against queueing
#: after release (a design choice: 0 lets jobs go to the last possible start).
DEFERRAL_SLACK_RESERVE = 0.25


@dataclass
class WorkloadMetrics:
    """Results of a workload run (from :meth:`WorkloadSimulation.finish`).

    Waits are ``start - submission`` (deferral included) over the jobs that started;
    ``queue_wait_mean_s`` leaves out the deliberate deferral. ``deadline_miss_rate`` is the
    share of jobs with a deadline, among those that completed or whose deadline has passed by
    the end, that did not complete by it. Core-seconds count allocated cores
    (``cores x time``).
    """

    end_s: float
    jobs_total: int
    jobs_submitted: int
    jobs_completed: int
    jobs_running: int
    jobs_queued: int
    jobs_deferred: int
    wait_mean_s: float
    wait_p95_s: float
    queue_wait_mean_s: float
    deadline_misses: int
    deadline_miss_rate: float
    core_seconds_demanded: float
    core_seconds_served: float
    core_seconds_served_completed: float
    core_seconds_served_running: float
    core_seconds_integrated: float
    server_hours_on: float
    transition_energy_j: float
    standby_energy_j: float
    boots: int
    shutdowns: int
    jobs: object = field(default=None, repr=False)

    def kpis(self) -> dict[str, float]:
        """The workload KPIs by their contract names (DESIGN.md section 3)."""
        return {
            "jobs_completed": float(self.jobs_completed),
            "wait_mean_s": self.wait_mean_s,
            "wait_p95_s": self.wait_p95_s,
            "deadline_miss_rate": self.deadline_miss_rate,
        }


def _default_config():
    from ..scenario.schema import Workload

    return Workload(kind="synthetic")


class WorkloadSimulation:
    """Jobs on a hall of servers, advanced by the engine one control step at a time.

    Parameters
    ----------
    config : dcsim.scenario.schema.Workload, optional
        The scenario's ``workload`` section (kind ``"synthetic"`` or ``"trace"``). Its
        ``cores_per_server``, ``scheduler`` and ``power_management`` apply; the jobs come from
        ``synthetic`` or ``trace`` unless ``jobs`` is given. Default: ``Workload(kind="synthetic")``.
    racks, servers_per_rack : int
        Hall shape; server ``s`` is in rack ``s // servers_per_rack``.
    server : dcsim.it.power.ServerSpec
        Power states: ``boot_s``, ``boot_energy_j``, ``off_w`` (low-power state "off") or
        ``sleep_wake_s``, ``wake_energy_j``, ``sleep_w`` ("sleep").
    n_steps, step_s : int, float
        Control steps; step ``k`` covers ``[k step_s, (k+1) step_s)`` s from the start.
    start_s : float
        Simulation start, s since the Unix epoch (UTC): local-time profiles and trace dates.
    seed : int
        Seeds job generation and forecast errors (independent streams of one SeedSequence).
    carbon_g_per_kwh, price_sek_per_kwh : array (n_steps,), optional
        Grid series per step; the one the deferral policy needs is required.
    timezone : str
        IANA zone of the synthetic daily and weekly profiles.
    jobs : Jobs, optional
        Jobs to run instead of the configured source.
    base_dir : path, optional
        Directory a relative ``trace.path`` is resolved against.
    placement : str or PlacementPolicy class, optional
        Overrides ``config.scheduler.placement`` (e.g. a policy registered from Python).
    pause_gc : bool
        Pause Python's cyclic garbage collector while SimPy runs a step (restored after it).
        The events create no reference cycles; rescanning the long-lived indexes and SimPy's
        event queue otherwise costs about a third of the run time of large halls.
    """

    def __init__(
        self,
        config=None,
        *,
        racks: int,
        servers_per_rack: int,
        server,
        n_steps: int,
        step_s: float = 60.0,
        start_s: float = 0.0,
        seed: int = 0,
        carbon_g_per_kwh=None,
        price_sek_per_kwh=None,
        timezone: str = "UTC",
        jobs: Jobs | None = None,
        base_dir: str | Path | None = None,
        placement: str | type[PlacementPolicy] | None = None,
        pause_gc: bool = True,
    ):
        cfg = config if config is not None else _default_config()
        if n_steps < 1 or not step_s > 0:
            raise ValueError("n_steps must be >= 1 and step_s > 0")
        self.config = cfg
        self.pause_gc = bool(pause_gc)
        R, S, C = int(racks), int(servers_per_rack), int(cfg.cores_per_server)
        self.racks, self.servers_per_rack, self.cores = R, S, C
        self.n_steps, self.step_s, self.start_s = int(n_steps), float(step_s), float(start_s)
        self.horizon_s = self.n_steps * self.step_s
        ss = np.random.SeedSequence(seed)
        job_seed, forecast_seed = ss.spawn(2)

        # ---------------------------------------------------------------- jobs
        if jobs is None:
            jobs = self._configured_jobs(cfg, job_seed, timezone, base_dir)
        if len(jobs) and int(jobs.cores.max()) > C:
            raise ValueError(f"a job needs {int(jobs.cores.max())} cores but servers have {C} (cores_per_server)")
        self.jobs = jobs
        n = len(jobs)
        self._n_jobs = n
        self._submit = array("d", jobs.submit_s.tobytes())
        self._dur = array("d", jobs.duration_s.tobytes())
        self._cores = array("q", jobs.cores.astype(np.int64).tobytes()) if n else array("q")
        self._weight = array("d", (jobs.cores * jobs.cpu_share).tobytes())
        self._deadline = array("d", jobs.deadline_s.tobytes())
        self._deferrable = bytearray(jobs.deferrable.astype(np.uint8).tobytes())
        nan = array("d", [math.nan])
        self._start_t = nan * n
        self._end_t = nan * n
        self._release_t = nan * n
        self._server_of = array("q", [-1]) * n
        self._booked = bytearray(n)  # deferred: its cores are booked in the deferral plan
        self._unbooked_cores = 0  # cores of running jobs that were not deferred
        self._total_cores = R * S * C

        # ---------------------------------------------------------------- cluster and policies
        policy_name = placement if placement is not None else cfg.scheduler.placement
        if isinstance(policy_name, type):
            cls = policy_name
        else:
            from .schedulers import PLACEMENTS

            if policy_name not in PLACEMENTS:
                raise ValueError(f"unknown placement {policy_name!r}; registered: {', '.join(sorted(PLACEMENTS))}")
            cls = PLACEMENTS[policy_name]
        self.cluster = Cluster(R, S, C, rack_level=cls.rack_level)
        if isinstance(policy_name, type):
            self.policy = cls(self.cluster)
        else:
            self.policy = placement_policy(policy_name, self.cluster)
        self._select = self.policy.select
        self._backfill = bool(cfg.scheduler.backfill)

        signal = DEFERRALS[cfg.scheduler.deferral]
        self._deferral: Deferral | None = None
        if signal:
            series = carbon_g_per_kwh if signal == "carbon" else price_sek_per_kwh
            if series is None:
                name = "carbon_g_per_kwh" if signal == "carbon" else "price_sek_per_kwh"
                raise ValueError(f"deferral {cfg.scheduler.deferral!r} needs {name} (one value per step)")
            actual = np.asarray(series, dtype=np.float64)
            if actual.shape != (self.n_steps,):
                raise ValueError(f"the {signal} series needs {self.n_steps} values (one per step), got {actual.shape}")
            sigma = cfg.scheduler.forecast_error_pct / 100.0
            forecast = actual
            if sigma > 0:
                eps = np.random.default_rng(forecast_seed).standard_normal(self.n_steps)
                forecast = actual * (1.0 + sigma * eps)
                if signal == "carbon":
                    forecast = np.maximum(forecast, 0.0)
            self._deferral = Deferral(forecast, self.step_s)
        self.carbon_g_per_kwh = None if carbon_g_per_kwh is None else np.asarray(carbon_g_per_kwh, dtype=np.float64)
        self.price_sek_per_kwh = None if price_sek_per_kwh is None else np.asarray(price_sek_per_kwh, dtype=np.float64)

        pm = cfg.power_management
        self._pm = pm.policy == "idle-off"
        self._idle_timeout = float(pm.idle_timeout)
        self._spare = int(pm.spare_servers)
        if pm.low_power_state == "off":
            low = (server.off_w, server.boot_s, server.boot_energy_j)
        else:
            low = (server.sleep_w, server.sleep_wake_s, server.wake_energy_j)
        self._low_w, self._wake_s, self._wake_j = (float(x) for x in low)
        self._wake_rate_w = self._wake_j / self._wake_s if self._wake_s > 0 else 0.0
        N = R * S
        self._idle_since = array("d", [0.0]) * N
        self._timer = bytearray(N)

        # ---------------------------------------------------------------- accounting
        self._M = 4 * R + 2
        self._i_alloc = 4 * R
        self._i_queue = 4 * R + 1
        self._level = np.zeros(self._M)
        self._level[R : 2 * R] = S
        self._log_i: list[int] = []
        self._log_d: list[float] = []
        self._log_t: list[float] = []
        self._lump_r: list[int] = []
        self._lump_j: list[float] = []
        self.out = StepOutputs(np.zeros(R), np.zeros(R), np.zeros(R), np.zeros(R))
        self.series = WorkloadSeries.allocate(self.n_steps)

        self._queue: deque[int] = deque()
        self._queued_cores = 0
        self._running = 0
        self._deferred = 0
        self._completed = 0
        self._boots = 0
        self._shutdowns = 0
        self._next = 0
        self._k = -1
        self._T = 0.0

        # bound methods created once (each attribute access would create a new one)
        self._cb_arrive = self._arrive
        self._cb_complete = self._complete
        self._cb_release = self._release
        self._cb_idle_check = self._idle_check
        self._cb_boot_done = self._boot_done
        # with every CPU share 1, allocated cores = busy cores: one log entry per job event
        self._log_alloc = bool(n) and not bool(np.all(jobs.cpu_share == 1.0))

        self.env = simpy.Environment()
        if n:
            self.env.timeout(self._submit[0]).callbacks.append(self._cb_arrive)
        if self._pm:
            for s in range(N):
                self._idle(s, 0.0)

    # ------------------------------------------------------------------ construction helpers
    @classmethod
    def from_scenario(cls, scenario, *, server, carbon_g_per_kwh=None, price_sek_per_kwh=None, base_dir=None, **kw):
        """Build from a whole :class:`~dcsim.scenario.schema.Scenario` (racks, steps, seed,
        start, time zone and the ``workload`` section)."""
        sim = scenario.simulation
        return cls(
            scenario.workload,
            racks=scenario.it.racks,
            servers_per_rack=scenario.it.servers_per_rack,
            server=server,
            n_steps=sim.duration // sim.step,
            step_s=sim.step,
            start_s=sim.start.timestamp(),
            seed=sim.seed,
            carbon_g_per_kwh=carbon_g_per_kwh,
            price_sek_per_kwh=price_sek_per_kwh,
            timezone=scenario.site.timezone,
            base_dir=base_dir,
            **kw,
        )

    def _configured_jobs(self, cfg, seed, timezone: str, base_dir) -> Jobs:
        if cfg.kind == "synthetic":
            from .synthetic import SyntheticSpec, generate_jobs

            spec = SyntheticSpec.from_config(cfg)
            return generate_jobs(
                spec,
                total_cores=self.racks * self.servers_per_rack * self.cores,
                horizon_s=self.horizon_s,
                seed=seed,
                start_epoch_s=self.start_s,
                timezone=timezone,
            )
        if cfg.kind == "trace":
            from .trace import jobs_from_trace, read_trace

            path = Path(cfg.trace.path)
            if base_dir is not None and not path.is_absolute():
                path = Path(base_dir) / path
            table = read_trace(path, cores_per_server=self.cores, core_mhz=cfg.trace.core_mhz)
            return jobs_from_trace(
                table,
                start_epoch_s=self.start_s,
                horizon_s=self.horizon_s,
                align=cfg.trace.align,
                repeat=cfg.trace.repeat,
            )
        raise ValueError(f'workload.kind = "{cfg.kind}" has no jobs; use "synthetic" or "trace" (or pass jobs=)')

    # ------------------------------------------------------------------ event handlers
    def _arrive(self, ev) -> None:
        now = self.env.now
        i = self._next
        n = self._n_jobs
        submit = self._submit
        fast = self._deferral is None and not self._queue and not self._pm
        while True:
            if fast:  # _submit_job -> _enqueue inlined for the common case
                self._release_t[i] = now
                s = self._select(self._cores[i])
                if s >= 0:
                    self._start(i, s, now)
                else:
                    self._enqueue(i, now)
                    fast = False
            else:
                self._submit_job(i, now)
            i += 1
            if i >= n or submit[i] > now:
                break
        self._next = i
        if i < n:
            self.env.timeout(submit[i] - now).callbacks.append(self._cb_arrive)

    def _submit_job(self, i: int, now: float) -> None:
        d = self._deferral
        if d is not None and self._deferrable[i]:
            deadline = self._deadline[i]
            if deadline < math.inf:
                dur = self._dur[i]
                k = self._cores[i]
                # deferred jobs may book what the jobs that were not deferred leave free now
                limit = self._total_cores - self._unbooked_cores
                # keep a quarter of the slack in hand: a job released into a busy hall still
                # has time to queue before its latest start
                latest = deadline - dur
                latest -= DEFERRAL_SLACK_RESERVE * max(latest - now, 0.0)
                t = d.choose(now, latest, dur, k, limit)
                if t > now:
                    d.commit(t, dur, k)
                    self._booked[i] = 1
                    self._deferred += 1
                    self.env.timeout(t - now, i).callbacks.append(self._cb_release)
                    return
        self._enqueue(i, now)

    def _release(self, ev) -> None:
        self._deferred -= 1
        self._enqueue(ev._value, self.env.now, front=True)

    def _enqueue(self, i: int, now: float, front: bool = False) -> None:
        """Start job ``i`` or queue it. A deferred job (``front``) has already waited: if it
        cannot start it goes to the head of the queue."""
        self._release_t[i] = now
        q = self._queue
        if not q or self._backfill or front:
            s = self._select(self._cores[i])
            if s >= 0:
                self._start(i, s, now)
                if self._pm:
                    self._provision(now)
                return
        if front:
            q.appendleft(i)
        else:
            q.append(i)
        self._queued_cores += self._cores[i]
        self._log_i.append(self._i_queue)
        self._log_d.append(1.0)
        self._log_t.append(now)
        if self._pm:
            self._provision(now)

    def _start(self, i: int, s: int, now: float) -> None:
        k = self._cores[i]
        self.cluster.allocate(s, k)
        r = self.cluster.rack_of[s]
        li, ld, lt = self._log_i, self._log_d, self._log_t
        li.append(r)
        ld.append(self._weight[i])
        lt.append(now)
        if self._log_alloc:
            li.append(self._i_alloc)
            ld.append(k)
            lt.append(now)
        self._start_t[i] = now
        self._server_of[i] = s
        self._running += 1
        if not self._booked[i]:
            self._unbooked_cores += k
        self.env.timeout(self._dur[i], i).callbacks.append(self._cb_complete)

    def _complete(self, ev) -> None:
        i = ev._value
        now = self.env.now
        s = self._server_of[i]
        k = self._cores[i]
        cl = self.cluster
        cl.release(s, k)
        li, ld, lt = self._log_i, self._log_d, self._log_t
        li.append(cl.rack_of[s])
        ld.append(-self._weight[i])
        lt.append(now)
        if self._log_alloc:
            li.append(self._i_alloc)
            ld.append(-k)
            lt.append(now)
        self._end_t[i] = now
        self._running -= 1
        if not self._booked[i]:
            self._unbooked_cores -= k
        self._completed += 1
        if self._queue:
            self._drain(now)
        if self._pm:
            if cl.free[s] == self.cores:
                self._idle(s, now)
            self._provision(now)

    def _drain(self, now: float) -> None:
        q = self._queue
        select = self._select
        cores = self._cores
        while q:
            i = q[0]
            s = select(cores[i])
            if s < 0:
                break
            q.popleft()
            self._dequeued(i, s, now)
        if self._backfill and len(q) > 1:
            idx = 1
            while idx < len(q) and idx < BACKFILL_DEPTH:
                i = q[idx]
                s = select(cores[i])
                if s >= 0:
                    del q[idx]
                    self._dequeued(i, s, now)
                else:
                    idx += 1

    def _dequeued(self, i: int, s: int, now: float) -> None:
        self._queued_cores -= self._cores[i]
        self._log_i.append(self._i_queue)
        self._log_d.append(-1.0)
        self._log_t.append(now)
        self._start(i, s, now)

    # ------------------------------------------------------------------ power management
    def _idle(self, s: int, now: float) -> None:
        """Server ``s`` became idle at ``now``: arm its idle timer (one pending per server)."""
        self._idle_since[s] = now
        if not self._timer[s]:
            self._timer[s] = 1
            self.env.timeout(self._idle_timeout, s).callbacks.append(self._cb_idle_check)

    def _idle_check(self, ev) -> None:
        s = ev._value
        self._timer[s] = 0
        cl = self.cluster
        if cl.free[s] != self.cores:  # busy, off or booting: a later idle period re-arms
            return
        now = self.env.now
        due = self._idle_since[s] + self._idle_timeout
        if now + _TIME_EPS_S < due:
            self._timer[s] = 1
            self.env.timeout(due - now, s).callbacks.append(self._cb_idle_check)
            return
        if cl.gcnt[self.cores] > self._spare and not self._queue:
            cl.power_off(s)
            r = cl.rack_of[s]
            R = self.racks
            self._log3(R + r, -1.0, now)
            self._log3(3 * R + r, 1.0, now)
            self._shutdowns += 1

    def _log3(self, index: int, delta: float, now: float) -> None:
        self._log_i.append(index)
        self._log_d.append(delta)
        self._log_t.append(now)

    def _provision(self, now: float) -> None:
        """Wake OFF servers for the queued cores and to refill the spare pool."""
        cl = self.cluster
        if not cl.n_off:
            return
        C = self.cores
        need = -(-self._queued_cores // C) + max(0, self._spare - cl.gcnt[C]) - cl.n_booting
        if need <= 0:
            return
        R = self.racks
        woke_now = False
        while need > 0 and cl.n_off:
            r = self.policy.boot_rack()
            s = cl.begin_boot(r)
            self._boots += 1
            self._log3(3 * R + r, -1.0, now)
            need -= 1
            if self._wake_s > 0:
                self._log3(2 * R + r, 1.0, now)
                self.env.timeout(self._wake_s, s).callbacks.append(self._cb_boot_done)
            else:
                self._lump_r.append(r)
                self._lump_j.append(self._wake_j)
                cl.power_on(s)
                self._log3(R + r, 1.0, now)
                self._idle(s, now)
                woke_now = True
        if woke_now and self._queue:
            self._drain(now)

    def _boot_done(self, ev) -> None:
        s = ev._value
        now = self.env.now
        cl = self.cluster
        cl.power_on(s)
        r = cl.rack_of[s]
        R = self.racks
        self._log3(2 * R + r, -1.0, now)
        self._log3(R + r, 1.0, now)
        if self._queue:
            self._drain(now)
        if cl.free[s] == self.cores:
            self._idle(s, now)
        self._provision(now)

    # ------------------------------------------------------------------ stepping
    def advance(self, step_index: int, inlet_c=None) -> StepOutputs:
        """Run the events of step ``step_index`` (steps must come in order 0, 1, 2, ...).

        ``inlet_c`` (shape ``(racks,)``, °C) is what inlet-reading placement policies see
        during this step, normally the physics result of the previous step; it may be omitted
        for the other policies. Returns :attr:`out`, overwritten in place.
        """
        if step_index != self._k + 1:
            raise ValueError(f"advance() expects step {self._k + 1}, got {step_index}")
        if step_index >= self.n_steps:
            raise ValueError(f"the simulation has {self.n_steps} steps")
        if inlet_c is not None and self.policy.uses_inlet:
            inlet = np.asarray(inlet_c, dtype=np.float64)
            if inlet.shape != (self.racks,):
                raise ValueError(f"inlet_c needs shape ({self.racks},), got {inlet.shape}")
            self.policy.set_inlet(inlet)
        step = self.step_s
        T = (step_index + 1) * step
        self._T = T
        # The events form no reference cycles (SimPy drops a processed event's callbacks), so
        # the cyclic collector only rescans the long-lived heaps and SimPy's queue: pause it.
        paused = self.pause_gc and gc.isenabled()
        if paused:
            gc.disable()
        try:
            self.env.run(until=T)
        finally:
            if paused:
                gc.enable()

        lev = self._level
        integ = lev * step
        if self._log_i:
            idx = np.array(self._log_i, dtype=np.intp)
            delta = np.array(self._log_d, dtype=np.float64)
            times = np.array(self._log_t, dtype=np.float64)
            integ += np.bincount(idx, weights=delta * (T - times), minlength=self._M)
            lev += np.bincount(idx, weights=delta, minlength=self._M)
            self._log_i.clear()
            self._log_d.clear()
            self._log_t.clear()
        R = self.racks
        C = self.cores
        busy = integ[:R]
        on = integ[R : 2 * R]
        out = self.out
        util = out.utilization
        util.fill(0.0)
        np.divide(busy, on * C, out=util, where=on > 0)
        np.clip(util, 0.0, 1.0, out=util)
        np.divide(on, step, out=out.servers_on)
        np.multiply(integ[2 * R : 3 * R], self._wake_rate_w, out=out.transition_energy_j)
        if self._lump_r:
            np.add.at(out.transition_energy_j, np.array(self._lump_r, dtype=np.intp), np.array(self._lump_j))
            self._lump_r.clear()
            self._lump_j.clear()
        np.multiply(integ[3 * R : 4 * R], self._low_w, out=out.standby_energy_j)
        on_total = float(on.sum())
        busy_total = float(busy.sum())
        out.queue_length = float(integ[self._i_queue]) / step
        out.busy_core_s = float(integ[self._i_alloc]) if self._log_alloc else busy_total
        out.utilization_hall = min(1.0, busy_total / (on_total * C)) if on_total > 0 else 0.0
        out.jobs_running = self._running
        out.jobs_queued = len(self._queue)
        out.jobs_deferred = self._deferred
        k = step_index
        se = self.series
        se.utilization[k] = out.utilization_hall
        se.servers_on[k] = on_total / step
        se.queue_length[k] = out.queue_length
        se.jobs_running[k] = self._running
        se.jobs_queued[k] = out.jobs_queued
        se.jobs_deferred[k] = self._deferred
        se.busy_core_s[k] = out.busy_core_s
        se.transition_energy_j[k] = float(out.transition_energy_j.sum())
        se.standby_energy_j[k] = float(out.standby_energy_j.sum())
        self._k = step_index
        return out

    def run(self, inlet_c=None) -> WorkloadMetrics:
        """Advance every remaining step (constant ``inlet_c``) and :meth:`finish`."""
        for k in range(self._k + 1, self.n_steps):
            self.advance(k, inlet_c)
        return self.finish()

    @property
    def now_s(self) -> float:
        """End of the last step advanced, s from the start."""
        return (self._k + 1) * self.step_s

    # ------------------------------------------------------------------ results
    def finish(self, *, job_table: bool = False) -> WorkloadMetrics:
        """Metrics at the end of the last advanced step; ``job_table=True`` adds a per-job
        DataFrame (``metrics.jobs``) of the submitted jobs."""
        T = self.now_s
        n_arr = self._next
        jobs = self.jobs
        submit = jobs.submit_s[:n_arr]
        cores = jobs.cores[:n_arr].astype(np.float64)
        dur = jobs.duration_s[:n_arr]
        deadline = jobs.deadline_s[:n_arr]
        start = np.frombuffer(self._start_t, dtype=np.float64)[:n_arr]
        end = np.frombuffer(self._end_t, dtype=np.float64)[:n_arr]
        release = np.frombuffer(self._release_t, dtype=np.float64)[:n_arr]
        completed = ~np.isnan(end)
        started = ~np.isnan(start)
        running = started & ~completed
        queued = np.zeros(n_arr, dtype=bool)
        if self._queue:
            queued[np.fromiter(self._queue, dtype=np.int64, count=len(self._queue))] = True
        deferred = ~started & ~queued
        wait = (start - submit)[started]
        qwait = (start - release)[started]
        has_deadline = np.isfinite(deadline)
        late = completed & (end > deadline + 1e-9)
        expired = ~completed & (deadline < T)
        decided = has_deadline & (completed | expired)
        misses = int(np.count_nonzero(has_deadline & (late | expired)))
        served_completed = float(np.sum(cores[completed] * dur[completed]))
        served_running = float(np.sum(cores[running] * (T - start[running])))
        k = self._k + 1
        se = self.series
        metrics = WorkloadMetrics(
            end_s=T,
            jobs_total=self._n_jobs,
            jobs_submitted=n_arr,
            jobs_completed=int(completed.sum()),
            jobs_running=int(running.sum()),
            jobs_queued=int(queued.sum()),
            jobs_deferred=int(deferred.sum()),
            wait_mean_s=float(wait.mean()) if wait.size else 0.0,
            wait_p95_s=float(np.percentile(wait, 95)) if wait.size else 0.0,
            queue_wait_mean_s=float(qwait.mean()) if qwait.size else 0.0,
            deadline_misses=misses,
            deadline_miss_rate=misses / int(decided.sum()) if decided.any() else 0.0,
            core_seconds_demanded=float(np.sum(cores * dur)),
            core_seconds_served=served_completed + served_running,
            core_seconds_served_completed=served_completed,
            core_seconds_served_running=served_running,
            core_seconds_integrated=float(se.busy_core_s[:k].sum()),
            server_hours_on=float(se.servers_on[:k].sum()) * self.step_s / 3600.0,
            transition_energy_j=float(se.transition_energy_j[:k].sum()),
            standby_energy_j=float(se.standby_energy_j[:k].sum()),
            boots=self._boots,
            shutdowns=self._shutdowns,
        )
        if job_table:
            import pandas as pd

            server = np.frombuffer(self._server_of, dtype=np.int64)[:n_arr] if self._n_jobs else np.zeros(0, np.int64)
            status = np.select(
                [completed, running, queued, deferred], ["completed", "running", "queued", "deferred"], "unknown"
            )
            metrics.jobs = pd.DataFrame(
                {
                    "submit_s": submit,
                    "release_s": release,
                    "start_s": start,
                    "end_s": end,
                    "wait_s": start - submit,
                    "server": server,
                    "rack": np.where(server >= 0, server // self.servers_per_rack, -1),
                    "cores": jobs.cores[:n_arr],
                    "cpu_share": jobs.cpu_share[:n_arr],
                    "duration_s": dur,
                    "deadline_s": deadline,
                    "deferrable": jobs.deferrable[:n_arr],
                    "job_class": np.asarray(CLASS_NAMES, dtype=object)[jobs.job_class[:n_arr]],
                    "status": status,
                }
            )
        return metrics
