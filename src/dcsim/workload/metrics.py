"""What a workload run records: per-step outputs, per-step hall series and end-of-run metrics.

:class:`StepOutputs` is what :meth:`~dcsim.workload.WorkloadSimulation.advance` fills each
step (the engine turns it into rack IT power), :class:`WorkloadSeries` keeps the hall-level
values of every step, and :func:`job_outcomes` / :func:`workload_metrics` / :func:`job_table`
turn the per-job times the event handlers wrote into :class:`WorkloadMetrics` at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .jobs import CLASS_NAMES, Jobs


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
    ``table_power_w``
        mean power of the rack's ON servers on their power curve over the step, W: each
        server at its own load, time-weighted (the rack's idle power per server if none was on).

    Hall level (floats): ``queue_length`` (time-weighted mean number of jobs waiting for a
    server), ``jobs_running``, ``jobs_queued`` and ``jobs_deferred`` (at the end of the step),
    ``busy_core_s`` (allocated core-seconds in the step) and ``utilization_hall``.

    Rack IT power for the physics: ``servers_on * table_power_w`` (plus the inlet terms at
    ``utilization``) ``+ (transition_energy_j + standby_energy_j) / step_s``.
    """

    utilization: np.ndarray
    servers_on: np.ndarray
    transition_energy_j: np.ndarray
    standby_energy_j: np.ndarray
    table_power_w: np.ndarray
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


@dataclass(frozen=True)
class JobOutcomes:
    """Where each submitted job stands at ``run_end_s`` (arrays over the submitted jobs, in
    submission order; times in s from the start, NaN where the event has not happened)."""

    run_end_s: float
    submit_s: np.ndarray
    cores: np.ndarray  # float64
    duration_s: np.ndarray
    deadline_s: np.ndarray
    start_s: np.ndarray
    end_s: np.ndarray
    release_s: np.ndarray
    completed: np.ndarray
    started: np.ndarray
    running: np.ndarray
    queued: np.ndarray
    deferred: np.ndarray


def job_outcomes(jobs: Jobs, n_submitted: int, start_t, end_t, release_t, queue, run_end_s: float) -> JobOutcomes:
    """The state of the first ``n_submitted`` jobs from the event handlers' per-job times
    (``array("d")`` buffers) and the indices still in the FCFS ``queue``; a job neither
    started nor queued is deferred."""
    n = n_submitted
    start = np.frombuffer(start_t, dtype=np.float64)[:n]
    end = np.frombuffer(end_t, dtype=np.float64)[:n]
    completed = ~np.isnan(end)
    started = ~np.isnan(start)
    queued = np.zeros(n, dtype=bool)
    if queue:
        queued[np.fromiter(queue, dtype=np.int64, count=len(queue))] = True
    return JobOutcomes(
        run_end_s=run_end_s,
        submit_s=jobs.submit_s[:n],
        cores=jobs.cores[:n].astype(np.float64),
        duration_s=jobs.duration_s[:n],
        deadline_s=jobs.deadline_s[:n],
        start_s=start,
        end_s=end,
        release_s=np.frombuffer(release_t, dtype=np.float64)[:n],
        completed=completed,
        started=started,
        running=started & ~completed,
        queued=queued,
        deferred=~started & ~queued,
    )


def workload_metrics(
    o: JobOutcomes, *, jobs_total: int, series: WorkloadSeries, steps_done: int, step_s: float, boots: int, shutdowns: int
) -> WorkloadMetrics:
    """:class:`WorkloadMetrics` of the outcomes and of the first ``steps_done`` steps of ``series``."""
    T = o.run_end_s
    start, end, deadline, cores, dur = o.start_s, o.end_s, o.deadline_s, o.cores, o.duration_s
    completed, started, running = o.completed, o.started, o.running
    wait = (start - o.submit_s)[started]
    qwait = (start - o.release_s)[started]
    has_deadline = np.isfinite(deadline)
    late = completed & (end > deadline + 1e-9)
    expired = ~completed & (deadline < T)
    decided = has_deadline & (completed | expired)
    misses = int(np.count_nonzero(has_deadline & (late | expired)))
    served_completed = float(np.sum(cores[completed] * dur[completed]))
    served_running = float(np.sum(cores[running] * (T - start[running])))
    k = steps_done
    se = series
    return WorkloadMetrics(
        end_s=T,
        jobs_total=jobs_total,
        jobs_submitted=len(o.submit_s),
        jobs_completed=int(completed.sum()),
        jobs_running=int(running.sum()),
        jobs_queued=int(o.queued.sum()),
        jobs_deferred=int(o.deferred.sum()),
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
        server_hours_on=float(se.servers_on[:k].sum()) * step_s / 3600.0,
        transition_energy_j=float(se.transition_energy_j[:k].sum()),
        standby_energy_j=float(se.standby_energy_j[:k].sum()),
        boots=boots,
        shutdowns=shutdowns,
    )


def job_table(o: JobOutcomes, jobs: Jobs, server_of, servers_per_rack: int):
    """One row per submitted job (pandas DataFrame): times, placement (server and rack, -1
    if never placed), size, class and status (completed, running, queued or deferred)."""
    import pandas as pd

    n = len(o.submit_s)
    server = np.frombuffer(server_of, dtype=np.int64)[:n] if len(server_of) else np.zeros(0, np.int64)
    status = np.select(
        [o.completed, o.running, o.queued, o.deferred], ["completed", "running", "queued", "deferred"], "unknown"
    )
    return pd.DataFrame(
        {
            "submit_s": o.submit_s,
            "release_s": o.release_s,
            "start_s": o.start_s,
            "end_s": o.end_s,
            "wait_s": o.start_s - o.submit_s,
            "server": server,
            "rack": np.where(server >= 0, server // servers_per_rack, -1),
            "cores": jobs.cores[:n],
            "cpu_share": jobs.cpu_share[:n],
            "duration_s": o.duration_s,
            "deadline_s": o.deadline_s,
            "deferrable": jobs.deferrable[:n],
            "job_class": np.asarray(CLASS_NAMES, dtype=object)[jobs.job_class[:n]],
            "status": status,
        }
    )
