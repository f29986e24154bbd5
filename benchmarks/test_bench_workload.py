"""Workload engine throughput: end-to-end jobs per second against a bare SimPy M/M/c.

End to end means: generating the arrivals, placing each job on a hall of 10,000 servers
(500 racks x 20), running and completing it, and ``advance()`` at 1-minute control steps with
a per-rack inlet array, as the engine drives it. Unit: jobs per CPU second; gated
(``perf``, calibration ``python``: SimPy is interpreter work), 50,000 jobs per round after two
warm-up rounds (the first rounds of a process run slower while its heaps grow).

The reference in the same rounds is the textbook SimPy M/M/c (a ``simpy.Resource`` and one
process per job) with c = 10 at the same load and job count: SimPy at its fastest (the issue-20
target is at least its jobs/s). With c = 10,000, the hall's size, the M/M/c is much slower
(``Resource.release`` removes the request from a list of c users: 8.3 s CPU for 100,000 jobs);
issue 6's target, at least half of that one's jobs/s, is asserted once per case in every run
with 10,000 jobs, the size ``make test`` runs.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
import simpy

from dcsim.it.catalog import get_server
from dcsim.scenario.schema import Workload
from dcsim.workload import WorkloadSimulation

RACKS = 500
SERVERS_PER_RACK = 20
SERVERS = RACKS * SERVERS_PER_RACK
#: jobs per timed round when benchmarking (the same in quick and full mode)
BENCH_JOBS = 50_000
#: jobs of the untimed run in ``make test``, and of the issue-6 check against the c = 10,000 M/M/c
ONCE_JOBS = 10_000
MEAN_SERVICE_S = 600.0
STEP_S = 60.0
SERVER = get_server("ibm-x3550-x5670")

CASES = {
    # the same queueing system as the reference: one-core jobs on 10,000 one-core servers
    "mmc-equivalent": dict(
        cores_per_server=1, cores=[1], weights=[1.0], distribution="exponential", placement="first-fit", rho=0.9
    ),
    # a realistic mix: 16-core servers, jobs of 1-8 cores, consolidating placement
    "mixed-best-fit": dict(
        cores_per_server=16, cores=[1, 2, 4, 8], weights=[0.4, 0.3, 0.2, 0.1], distribution="lognormal",
        placement="best-fit", rho=0.8,
    ),
}  # fmt: skip


def bare_simpy_mmc(n_jobs: int, c: int, rho: float, seed: int = 1) -> float:
    """CPU time of the textbook SimPy M/M/c: Poisson arrivals, a Resource of c servers, one
    process per job, exponential service. Returns seconds."""
    t0 = time.process_time()
    rng = np.random.default_rng(seed)
    mu = 1.0 / MEAN_SERVICE_S
    gaps = rng.exponential(1.0 / (rho * c * mu), n_jobs).tolist()
    service = rng.exponential(MEAN_SERVICE_S, n_jobs).tolist()
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=c)
    waits = [0.0] * n_jobs

    def job(i: int, arrived: float):
        with servers.request() as req:
            yield req
            waits[i] = env.now - arrived
            yield env.timeout(service[i])

    def source():
        for i in range(n_jobs):
            yield env.timeout(gaps[i])
            env.process(job(i, env.now))

    env.process(source())
    env.run()
    elapsed = time.process_time() - t0
    assert sum(waits) >= 0.0
    return elapsed


def case_config(case: dict, n_jobs: int) -> tuple[Workload, int]:
    mean_cores = float(np.dot(case["cores"], case["weights"]) / np.sum(case["weights"]))
    total_cores = SERVERS * case["cores_per_server"]
    rate_per_s = case["rho"] * total_cores / (mean_cores * MEAN_SERVICE_S)
    steps = math.ceil(n_jobs / rate_per_s / STEP_S)
    cfg = Workload(
        kind="synthetic",
        cores_per_server=case["cores_per_server"],
        synthetic={
            "arrivals_per_h": rate_per_s * 3600.0,
            "cores": case["cores"],
            "cores_weights": case["weights"],
            "duration_distribution": case["distribution"],
            "mean_duration": f"{int(MEAN_SERVICE_S)}s",
            "batch_fraction": 0.0,
        },
        scheduler={"placement": case["placement"]},
    )
    return cfg, steps


def run_workload(cfg: Workload, steps: int):
    """The measured call: build the simulation, advance it step by step, finish."""
    inlet = np.linspace(18.0, 27.0, RACKS)
    sim = WorkloadSimulation(
        cfg, racks=RACKS, servers_per_rack=SERVERS_PER_RACK, server=SERVER, n_steps=steps, step_s=STEP_S, seed=1
    )
    for k in range(steps):
        sim.advance(k, inlet)
    return sim.finish()


@pytest.mark.parametrize("name", list(CASES))
def test_bench_workload_jobs_per_second(perf, name):
    """End-to-end workload throughput on 10,000 servers. Unit: jobs/s."""
    n_target = BENCH_JOBS if perf.enabled else ONCE_JOBS
    case = CASES[name]
    cfg, steps = case_config(case, n_target)
    # The measured work is the jobs submitted in the run (Poisson around n_target, the same every
    # round: seed 1), known only after a run; the untimed probe costs one run and gives it.
    jobs = run_workload(cfg, steps).jobs_submitted if perf.enabled else n_target
    metrics = perf.run(
        lambda: run_workload(cfg, steps),
        work=jobs,
        unit="jobs/s",
        calibration="python",
        references={"bare_mmc_c10": (lambda: bare_simpy_mmc(n_target, 10, case["rho"]), n_target)},
        warmup_rounds=2,
        min_rounds=6,
    )
    if perf.enabled:
        perf.benchmark.extra_info.update({"jobs": jobs, "steps": steps, "servers": SERVERS})
        perf.benchmark.extra_info["targets"] = (
            "1 M jobs on 10,000 servers in under 15 s CPU, and at least the jobs/s of a bare SimPy M/M/c "
            "with c = 10 in the same run (issue 20): time_per_unit_vs_bare_mmc_c10 <= 1"
        )
    jobs = metrics.jobs_submitted
    assert jobs == (perf.benchmark.extra_info["jobs"] if perf.enabled else jobs)  # seed 1: every round alike
    assert metrics.jobs_completed + metrics.jobs_running + metrics.jobs_queued == jobs
    assert jobs > 0.99 * n_target  # Poisson count over the horizon, rounded up to whole steps
    assert metrics.jobs_completed > 0


@pytest.mark.parametrize("name", list(CASES))
def test_workload_against_bare_mmc_hall_size(name):
    """Issue 6: at least half the jobs/s of the textbook M/M/c with the hall's c = 10,000.

    CPU time of one run each, 10,000 jobs: a plain test (not gated), in every run. The margin
    is wide (about 5x measured on the development machine), so machine noise cannot fail it."""
    case = CASES[name]
    cfg, steps = case_config(case, ONCE_JOBS)
    c0 = time.process_time()
    metrics = run_workload(cfg, steps)
    ours = metrics.jobs_submitted / (time.process_time() - c0)
    ref = ONCE_JOBS / bare_simpy_mmc(ONCE_JOBS, SERVERS, 0.9)
    assert ours >= 0.5 * ref, f"{ours:.0f} jobs/s is below half the bare SimPy M/M/c's {ref:.0f} jobs/s"
