"""Queueing validation: the workload engine against Erlang C (REFERENCES.md, "Queueing").

One core per job, exponential service, FCFS, no power management: the hall is an M/M/c
queue with c = total cores. Its mean waiting time must match Erlang C within the 95 %
confidence interval of independent replications (REFERENCES.md: validate at rho 0.9-0.95
with replications and a confidence interval, since at lower rho hardly any job waits).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from dcsim.it.catalog import get_server
from dcsim.scenario.schema import Workload
from dcsim.workload import WorkloadSimulation

SERVER = get_server("ibm-x3550-x5670")

C_SERVERS = 10  # c: 2 racks x 5 one-core servers
RHO = 0.9
MEAN_SERVICE_S = 60.0
HORIZON_S = 66_000.0  # about 9,900 arrivals per replication
WARMUP_S = 10_000.0  # about 4 relaxation times 1/(c mu (1 - sqrt(rho))^2) = 2,280 s: start empty, discard
TAIL_S = 2_000.0  # jobs this close to the end may not have started: P(W > 2000 s) ~ 1e-14
REPLICATIONS = 20
T_975_19 = 2.093  # Student t, 97.5 % quantile, 19 degrees of freedom


def erlang_c_wait_s(c: int, lam: float, mu: float) -> float:
    """Mean waiting time in queue of M/M/c (REFERENCES.md): a = lambda/mu, rho = a/c,
    P_wait = (a^c/c!)/(1-rho) / (sum_{k<c} a^k/k! + (a^c/c!)/(1-rho)); W_q = P_wait/(c mu - lambda)."""
    a = lam / mu
    rho = a / c
    top = a**c / math.factorial(c) / (1.0 - rho)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait / (c * mu - lam)


def test_erlang_c_formula_reference_values():
    # M/M/1: W_q = rho / (mu - lambda); M/M/2 at a = 1: P_wait = 1/3, W_q = (1/3)/(2 - 1)
    assert erlang_c_wait_s(1, 0.5, 1.0) == pytest.approx(0.5 / 0.5)
    assert erlang_c_wait_s(2, 1.0, 1.0) == pytest.approx(1.0 / 3.0)


def mmc_config() -> Workload:
    lam_per_h = RHO * C_SERVERS / MEAN_SERVICE_S * 3600.0
    return Workload(
        kind="synthetic",
        cores_per_server=1,
        synthetic={
            "arrivals_per_h": lam_per_h,
            "cores": [1],
            "cores_weights": [1.0],
            "duration_distribution": "exponential",
            "mean_duration": f"{int(MEAN_SERVICE_S)}s",
            "batch_fraction": 0.0,
        },
        scheduler={"placement": "first-fit"},
        power_management={"policy": "always-on"},
    )


def replication_mean_wait(seed: int) -> float:
    sim = WorkloadSimulation(
        mmc_config(),
        racks=2,
        servers_per_rack=C_SERVERS // 2,
        server=SERVER,
        n_steps=int(HORIZON_S // 600),
        step_s=600.0,
        seed=seed,
    )
    sim.run()
    m = sim.finish(job_table=True)
    jobs = m.jobs
    window = jobs[(jobs.submit_s >= WARMUP_S) & (jobs.submit_s < HORIZON_S - TAIL_S)]
    assert window.start_s.notna().all(), "every job in the measurement window must have started"
    return float(window.wait_s.mean())


def test_mean_wait_matches_erlang_c_within_95pct_ci():
    lam = RHO * C_SERVERS / MEAN_SERVICE_S
    expected = erlang_c_wait_s(C_SERVERS, lam, 1.0 / MEAN_SERVICE_S)
    means = np.array([replication_mean_wait(seed) for seed in range(REPLICATIONS)])
    mean = means.mean()
    half = T_975_19 * means.std(ddof=1) / math.sqrt(REPLICATIONS)
    print(f"Erlang C W_q = {expected:.3f} s; simulated {mean:.3f} s, 95 % CI [{mean - half:.3f}, {mean + half:.3f}]")
    assert mean - half <= expected <= mean + half
    # the test must be able to fail: the interval is narrow compared to the value
    assert half < 0.15 * expected
