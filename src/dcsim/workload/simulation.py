"""The event-driven workload simulation the engine ticks once per control step.

SimPy drives the events; jobs and servers are not SimPy processes. Every job costs two
SimPy events (arrival and completion; a third if it is deferred) whose callbacks update the
:class:`~dcsim.workload.cluster.Cluster` indexes, and every power transition one more.
Per-step outputs are integrals over the step, gathered without touching every rack at every
event: each change of a per-rack level (busy cores, servers on, booting, in the low-power
state) appends ``(channel index, delta, time)`` to a log, and at the end of the step one
``numpy.bincount`` turns the log into exact time integrals (``level x step + sum delta x
(step end - t)``).

This module holds the public class (construction, stepping, the end of the run); the event
handlers are in :mod:`dcsim.workload.events`, the recorded outputs and metrics in
:mod:`dcsim.workload.metrics` (their names are importable from here as before).
"""

from __future__ import annotations

import gc
import math
from array import array
from bisect import bisect_right
from collections import deque
from pathlib import Path

import numpy as np
import simpy

from .cluster import Cluster
from .events import BACKFILL_DEPTH, DEFERRAL_SLACK_RESERVE, JobEvents, PowerEvents
from .jobs import Jobs
from .metrics import StepOutputs, WorkloadMetrics, WorkloadSeries, job_outcomes, workload_metrics
from .metrics import job_table as _job_table  # finish() has a keyword of that name
from .schedulers import DEFERRALS, PLACEMENTS, Deferral, PlacementPolicy, placement_policy




def forecast_deferral(scheduler, carbon_g_per_kwh, price_sek_per_kwh, n_steps: int, step_s: float, seed, *,
                      power_curve=None, servers: int = 0, total_cores: int = 0,
                      start_s: float = 0.0) -> Deferral | None:
    """The deferral plan of the ``scheduler`` section over the forecast of its signal, or None
    without deferral. The forecast is the actual series times ``1 + sigma eps``, eps standard
    normal from ``seed``, one per clock hour (UTC, from ``start_s``; one per step when steps
    are longer): the day-ahead prices and the carbon series are hourly, so a forecast misses an
    hour's value, not each control step's (sigma = ``forecast_error_pct`` / 100; carbon
    clipped at 0).
    With ``power_curve`` (load points, W per server) the plan weighs the signal by the energy a
    job adds to the hall of ``servers`` with ``total_cores`` (:class:`Deferral`)."""
    signal = DEFERRALS[scheduler.deferral]
    if not signal:
        return None
    series = carbon_g_per_kwh if signal == "carbon" else price_sek_per_kwh
    if series is None:
        name = "carbon_g_per_kwh" if signal == "carbon" else "price_sek_per_kwh"
        raise ValueError(f"deferral {scheduler.deferral!r} needs {name} (one value per step)")
    actual = np.asarray(series, dtype=np.float64)
    if actual.shape != (n_steps,):
        raise ValueError(f"the {signal} series needs {n_steps} values (one per step), got {actual.shape}")
    sigma = scheduler.forecast_error_pct / 100.0
    forecast = actual
    if sigma > 0:
        t = start_s + np.arange(n_steps) * step_s
        period = max(3600.0, step_s)
        hour = np.floor(t / period)
        idx = (hour - hour[0]).astype(np.int64)
        eps = np.random.default_rng(seed).standard_normal(int(idx[-1]) + 1)
        forecast = actual * (1.0 + sigma * eps[idx])
        if signal == "carbon":
            forecast = np.maximum(forecast, 0.0)
    return Deferral(forecast, step_s, power_curve=power_curve, servers=servers, total_cores=total_cores)


class WorkloadSimulation(JobEvents, PowerEvents):
    """Jobs on a hall of servers, advanced by the engine one control step at a time.

    Parameters
    ----------
    config : dcsim.scenario.schema.Workload
        The scenario's ``workload`` section (kind ``"synthetic"`` or ``"trace"``). Its
        ``cores_per_server``, ``scheduler`` and ``power_management`` apply; the jobs come from
        ``synthetic`` or ``trace`` unless ``jobs`` is given. Required: this module reads the
        section it is given and imports no scenario code (docs/architecture.md, "Layers").
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
    power_curve : (load_points, power_w), optional
        The server's power against utilisation (W, interpolated linearly and held at its ends)
        that :attr:`StepOutputs.table_power_w` sums over each rack's servers; the default is
        ``server``'s table. The engine passes the curve its physics uses (after DVFS and a
        power cap, :func:`dcsim.model.it.managed_curve`).
    """

    def __init__(
        self,
        config,
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
        power_curve=None,
    ):
        cfg = config
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
        if jobs is None:
            jobs = self._configured_jobs(cfg, job_seed, timezone, base_dir)
        self._init_jobs(jobs)
        self._init_placement(placement if placement is not None else cfg.scheduler.placement)
        self._backfill = bool(cfg.scheduler.backfill)
        curve = power_curve if power_curve is not None else (server.load_points, server.power_w)
        self._init_power_curve(*curve)
        self._deferral = forecast_deferral(
            cfg.scheduler, carbon_g_per_kwh, price_sek_per_kwh, self.n_steps, self.step_s, forecast_seed,
            power_curve=curve, servers=R * S, total_cores=self._total_cores, start_s=self.start_s,
        )
        self.carbon_g_per_kwh = None if carbon_g_per_kwh is None else np.asarray(carbon_g_per_kwh, dtype=np.float64)
        self.price_sek_per_kwh = None if price_sek_per_kwh is None else np.asarray(price_sek_per_kwh, dtype=np.float64)
        self._init_power(cfg.power_management, server)
        self._init_accounting()

        # bound methods created once (each attribute access would create a new one)
        self._cb_arrive = self._arrive
        self._cb_complete = self._complete
        self._cb_release = self._release
        self._cb_idle_check = self._idle_check
        self._cb_boot_done = self._boot_done

        self.env = simpy.Environment()
        if self._n_jobs:
            self.env.timeout(self._submit[0]).callbacks.append(self._cb_arrive)
        if self._pm:
            for s in range(R * S):
                self._idle(s, 0.0)

    # ------------------------------------------------------------------ construction helpers
    def _init_jobs(self, jobs: Jobs) -> None:
        """The job columns as ``array`` buffers (fast scalar access in the handlers) and the
        per-job times the handlers fill (NaN until the event happens)."""
        C = self.cores
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
        self._total_cores = self.racks * self.servers_per_rack * C
        # with every CPU share 1, allocated cores = busy cores: one log entry per job event
        self._log_alloc = bool(n) and not bool(np.all(jobs.cpu_share == 1.0))

    def _init_placement(self, policy_name: str | type[PlacementPolicy]) -> None:
        """The cluster, shaped for the policy (rack-level indexes or not), and the policy."""
        if isinstance(policy_name, type):
            cls = policy_name
        else:
            if policy_name not in PLACEMENTS:
                raise ValueError(f"unknown placement {policy_name!r}; registered: {', '.join(sorted(PLACEMENTS))}")
            cls = PLACEMENTS[policy_name]
        self.cluster = Cluster(self.racks, self.servers_per_rack, self.cores, rack_level=cls.rack_level)
        if isinstance(policy_name, type):
            self.policy = cls(self.cluster)
        else:
            self.policy = placement_policy(policy_name, self.cluster)
        self._select = self.policy.select

    def _init_power(self, pm, server) -> None:
        """The ``power_management`` section and the server's low-power state."""
        self._pm = pm.policy == "idle-off"
        self._idle_timeout = float(pm.idle_timeout)
        self._spare = int(pm.spare_servers)
        if pm.low_power_state == "off":
            low = (server.off_w, server.boot_s, server.boot_energy_j)
        else:
            low = (server.sleep_w, server.sleep_wake_s, server.wake_energy_j)
        self._low_w, self._wake_s, self._wake_j = (float(x) for x in low)
        self._wake_rate_w = self._wake_j / self._wake_s if self._wake_s > 0 else 0.0
        N = self.racks * self.servers_per_rack
        self._idle_since = array("d", [0.0]) * N
        self._timer = bytearray(N)

    def _init_power_curve(self, load_points, power_w) -> None:
        """Each server's power on its curve at its own load, for the per-rack sum of the
        servers' curve powers: a rack of servers at different loads draws the mean of their
        curve powers, not the curve at their mean load (the curves are not straight lines).
        By whole busy cores (``_power_by_cores``) when every CPU share is 1, else by the
        server's summed job weight (``_server_w``, with the per-server weights ``_busy_w``)."""
        xs = [float(x) for x in np.asarray(load_points, dtype=np.float64)]
        ys = [float(y) for y in np.asarray(power_w, dtype=np.float64)]
        if len(xs) != len(ys) or len(xs) < 2 or any(b <= a for a, b in zip(xs, xs[1:])):
            raise ValueError("power_curve needs at least two load points, strictly increasing, and one power per point")
        if not all(math.isfinite(v) for v in xs + ys):
            raise ValueError("power_curve needs finite load points and powers")
        C = self.cores
        x0, xn, y0, yn = xs[0], xs[-1], ys[0], ys[-1]

        def server_w(busy: float) -> float:
            """Power of a server whose jobs weigh ``busy`` cores (W): the curve at busy / cores,
            linear between its points and held at its ends (numpy.interp's rule)."""
            u = busy / C
            if u <= x0:
                return y0
            if u >= xn:
                return yn
            j = bisect_right(xs, u) - 1
            return ys[j] + (ys[j + 1] - ys[j]) * (u - xs[j]) / (xs[j + 1] - xs[j])

        self._server_w = server_w
        self._power_by_cores = array("d", np.interp(np.arange(C + 1) / C, xs, ys).tolist())
        self._idle_server_w = server_w(0.0)
        self._busy_w = array("d", [0.0]) * (self.racks * self.servers_per_rack)

    def _init_accounting(self) -> None:
        """The levels and the event log (channels: busy cores per rack, servers on, booting and
        low-power per rack, then allocated cores and queue length, then the summed curve power
        of each rack's ON servers), outputs and counters."""
        R, S = self.racks, self.servers_per_rack
        self._M = 5 * R + 2
        self._i_alloc = 4 * R
        self._i_queue = 4 * R + 1
        self._i_power = 4 * R + 2
        self._level = np.zeros(self._M)
        self._level[R : 2 * R] = S
        self._level[self._i_power : self._i_power + R] = S * self._idle_server_w
        self._log_i: list[int] = []
        self._log_d: list[float] = []
        self._log_t: list[float] = []
        self._lump_r: list[int] = []
        self._lump_j: list[float] = []
        self.out = StepOutputs(np.zeros(R), np.zeros(R), np.zeros(R), np.zeros(R), np.zeros(R))
        self.series = WorkloadSeries.allocate(self.n_steps)

        self._queue: deque[int] = deque()
        self._queued_cores = 0
        self._running = 0
        self._deferred = 0
        self._boots = 0
        self._shutdowns = 0
        self._next = 0
        self._k = -1

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
        table_w = out.table_power_w
        table_w.fill(self._idle_server_w)
        np.divide(integ[self._i_power : self._i_power + R], on, out=table_w, where=on > 0)
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

    def finish(self, *, job_table: bool = False) -> WorkloadMetrics:
        """Metrics at the end of the last advanced step; ``job_table=True`` adds a per-job
        DataFrame (``metrics.jobs``) of the submitted jobs."""
        o = job_outcomes(self.jobs, self._next, self._start_t, self._end_t, self._release_t, self._queue, self.now_s)
        metrics = workload_metrics(
            o, jobs_total=self._n_jobs, series=self.series, steps_done=self._k + 1, step_s=self.step_s,
            boots=self._boots, shutdowns=self._shutdowns,
        )
        if job_table:
            metrics.jobs = _job_table(o, self.jobs, self._server_of, self.servers_per_rack)
        return metrics


__all__ = [
    "BACKFILL_DEPTH",
    "DEFERRAL_SLACK_RESERVE",
    "StepOutputs",
    "WorkloadMetrics",
    "WorkloadSeries",
    "WorkloadSimulation",
    "forecast_deferral",
]
