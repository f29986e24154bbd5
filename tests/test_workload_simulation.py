"""WorkloadSimulation: conservation, reproducibility, step outputs and scheduler behaviour."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dcsim.it.catalog import get_server
from dcsim.scenario.schema import Workload
from dcsim.workload import Jobs, SyntheticSpec, WorkloadSimulation, generate_jobs

SERVER = get_server("ibm-x3550-x5670")
DAY_S = 86400


def synthetic(**over) -> Workload:
    data = {"kind": "synthetic", "cores_per_server": 8, **over}
    if data["cores_per_server"] < 8 and "synthetic" not in over:
        data["synthetic"] = {"cores": [1], "cores_weights": [1.0]}  # jobs are given explicitly
    return Workload(**data)


def make(cfg, *, racks=4, spr=5, days=1.0, step_s=60.0, seed=1, **kw) -> WorkloadSimulation:
    return WorkloadSimulation(
        cfg, racks=racks, servers_per_rack=spr, server=SERVER, n_steps=int(days * DAY_S / step_s), step_s=step_s, seed=seed, **kw
    )


# --------------------------------------------------------------------------- conservation
def overloaded_config() -> Workload:
    return synthetic(
        mean_utilization=0.97,
        synthetic={"cores": [1, 2, 4, 8], "cores_weights": [4, 3, 2, 1], "mean_duration": "2h", "batch_fraction": 0.4},
        scheduler={"placement": "best-fit", "deferral": "carbon-aware"},
        power_management={"policy": "idle-off", "idle_timeout": "5min", "spare_servers": 1},
    )


def test_every_job_is_accounted_for_and_core_seconds_are_conserved():
    n = int(DAY_S / 60)
    carbon = 50 + 40 * np.sin(np.arange(n) * 2 * np.pi / n * 3)
    sim = make(overloaded_config(), carbon_g_per_kwh=carbon)
    for k in range(n):
        out = sim.advance(k)
        assert np.all((out.utilization >= 0) & (out.utilization <= 1))
        assert np.all(out.servers_on <= sim.servers_per_rack + 1e-9)
    m = sim.finish(job_table=True)
    jobs = m.jobs
    assert m.jobs_submitted == len(jobs) == m.jobs_total  # synthetic jobs all arrive in the run
    assert m.jobs_completed + m.jobs_running + m.jobs_queued + m.jobs_deferred == m.jobs_submitted
    assert m.jobs_running > 0 and m.jobs_queued > 0  # the test exercises every state
    counts = jobs.status.value_counts()
    assert counts.get("completed", 0) == m.jobs_completed and counts.get("queued", 0) == m.jobs_queued
    done = jobs[jobs.status == "completed"]
    assert np.allclose(done.end_s - done.start_s, done.duration_s, rtol=1e-12, atol=1e-6)
    assert m.core_seconds_served_completed == pytest.approx(float((done.cores * done.duration_s).sum()), rel=1e-12)
    running = jobs[jobs.status == "running"]
    assert m.core_seconds_served_running == pytest.approx(float((running.cores * (m.end_s - running.start_s)).sum()), rel=1e-12)
    # the per-step integrals add up to the same core-seconds as the per-job accounting
    assert m.core_seconds_integrated == pytest.approx(m.core_seconds_served, rel=1e-9)
    assert m.core_seconds_served < m.core_seconds_demanded
    assert (jobs.wait_s.dropna() >= -1e-9).all()
    assert (jobs.start_s.dropna() >= jobs.release_s[jobs.start_s.notna()] - 1e-9).all()


def test_all_work_served_when_the_run_outlasts_the_jobs():
    spec = SyntheticSpec(cores=(1, 2, 4), cores_weights=(1, 1, 1), mean_duration_s=1800, mean_utilization=0.6)
    jobs = generate_jobs(spec, total_cores=4 * 5 * 8, horizon_s=DAY_S, seed=3)
    sim = make(synthetic(), days=2, jobs=jobs)
    m = sim.run()
    assert m.jobs_completed == len(jobs) and m.jobs_running == m.jobs_queued == 0
    assert m.core_seconds_served == pytest.approx(float(jobs.core_seconds.sum()), rel=1e-12)
    assert m.core_seconds_integrated == pytest.approx(float(jobs.core_seconds.sum()), rel=1e-9)


def test_server_seconds_are_conserved_across_power_states():
    cfg = synthetic(
        mean_utilization=0.2, power_management={"policy": "idle-off", "idle_timeout": "5min", "low_power_state": "sleep"}
    )
    sim = make(cfg)
    n_servers = sim.racks * sim.servers_per_rack
    wake_rate = SERVER.wake_energy_j / SERVER.sleep_wake_s
    for k in range(sim.n_steps):
        out = sim.advance(k)
        on_s = out.servers_on.sum() * sim.step_s
        booting_s = out.transition_energy_j.sum() / wake_rate
        asleep_s = out.standby_energy_j.sum() / SERVER.sleep_w
        assert on_s + booting_s + asleep_s == pytest.approx(n_servers * sim.step_s, rel=1e-9)
    m = sim.finish()
    assert m.boots > 0 and m.shutdowns > 0
    # every completed wake costs wake_energy_j (boots still in progress at the end: partly)
    assert m.transition_energy_j <= m.boots * SERVER.wake_energy_j + 1e-6
    assert m.transition_energy_j >= (m.boots - n_servers) * SERVER.wake_energy_j - 1e-6


# --------------------------------------------------------------------------- reproducibility
def run_outputs(seed: int):
    n = 720
    carbon = 30 + 20 * np.cos(np.arange(n) / n * 4 * np.pi)
    sim = make(overloaded_config(), days=0.5, seed=seed, carbon_g_per_kwh=carbon)
    per_step = []
    for k in range(n):
        out = sim.advance(k)
        per_step.append(np.concatenate([out.utilization, out.servers_on, out.transition_energy_j, [out.queue_length]]))
    m = sim.finish(job_table=True)
    return np.array(per_step), m


def test_same_seed_gives_identical_results():
    a, ma = run_outputs(7)
    b, mb = run_outputs(7)
    assert np.array_equal(a, b)
    pd.testing.assert_frame_equal(ma.jobs, mb.jobs)
    da = {k: v for k, v in ma.__dict__.items() if k != "jobs"}
    db = {k: v for k, v in mb.__dict__.items() if k != "jobs"}
    assert da == db
    c, mc = run_outputs(8)
    assert not np.array_equal(a, c)


# --------------------------------------------------------------------------- step outputs
def test_step_outputs_are_time_weighted():
    # one 4-core job on an 8-core server from t = 30 s to t = 90 s, steps of 60 s
    jobs = Jobs.build([30.0], [60.0], cores=4)
    sim = make(synthetic(), racks=2, spr=2, days=180 / DAY_S, jobs=jobs)
    out = sim.advance(0)
    assert out.utilization[0] == pytest.approx(4 * 30 / (2 * 60 * 8))  # 2 servers on in rack 0
    assert out.utilization[1] == 0.0
    assert out.servers_on.tolist() == [2.0, 2.0]
    assert out.busy_core_s == pytest.approx(4 * 30)
    assert out.jobs_running == 1
    out = sim.advance(1)
    assert out.busy_core_s == pytest.approx(4 * 30) and out.jobs_running == 0
    assert sim.advance(2).busy_core_s == 0.0
    with pytest.raises(ValueError):
        sim.advance(3)


def test_cpu_share_scales_utilisation_not_allocation():
    jobs = Jobs.build([0.0], [120.0], cores=8, cpu_share=0.25)
    sim = make(synthetic(), racks=1, spr=1, days=120 / DAY_S, jobs=jobs)
    out = sim.advance(0)
    assert out.utilization[0] == pytest.approx(0.25)
    assert out.busy_core_s == pytest.approx(8 * 60)


def reference_table_power_w(m, sim, curve_x, curve_w):
    """Naive twin of StepOutputs.table_power_w with every server on: from the job table, each
    server's load over time (piecewise constant between job starts and ends), its curve power
    integrated over each step, averaged over the rack's servers and the step."""
    jobs = m.jobs[m.jobs.start_s.notna()]
    R, S, C, dt = sim.racks, sim.servers_per_rack, sim.cores, sim.step_s
    end = jobs.end_s.fillna(sim.now_s)
    out = np.zeros((sim.n_steps, R))
    for s in range(R * S):
        mine = jobs.server == s
        w = (jobs.cores * jobs.cpu_share)[mine].to_numpy()
        t0, t1 = jobs.start_s[mine].to_numpy(), end[mine].to_numpy()
        edges = np.unique(np.concatenate([t0, t1, np.arange(sim.n_steps + 1) * dt]))
        for a, b in zip(edges[:-1], edges[1:]):
            busy = w[(t0 <= a) & (t1 > a)].sum()
            p = np.interp(busy / C, curve_x, curve_w)
            out[int(a // dt), s // S] += p * (b - a) / (S * dt)
    return out


@pytest.mark.parametrize("cpu_share", [1.0, 0.37])
def test_table_power_is_each_servers_curve_power_not_the_curve_at_the_mean(cpu_share):
    # a curved table (concave, as measured servers are): the curve at the rack's mean load
    # would overstate a rack whose servers are unevenly loaded
    curve_x = np.linspace(0.0, 1.0, 11)
    curve_w = 100.0 + 200.0 * np.sqrt(curve_x)
    rng = np.random.default_rng(5)
    n = 300
    jobs = Jobs.build(np.sort(rng.uniform(0, 3000, n)), rng.uniform(30, 900, n), cores=rng.integers(1, 9, n),
                      cpu_share=cpu_share)
    sim = make(synthetic(), racks=3, spr=4, days=3600 / DAY_S, step_s=60.0, jobs=jobs,
               power_curve=(curve_x, curve_w))
    got, util = [], []
    for k in range(sim.n_steps):
        out = sim.advance(k)
        got.append(out.table_power_w.copy())
        util.append(out.utilization.copy())
    m = sim.finish(job_table=True)
    want = reference_table_power_w(m, sim, curve_x, curve_w)
    # the twin integrates the same piecewise-constant loads: equal to float round-off of the
    # event log's running sums
    np.testing.assert_allclose(np.array(got), want, rtol=1e-9, atol=1e-9)
    at_mean = np.interp(np.array(util), curve_x, curve_w)
    assert (at_mean - np.array(got) > 1e-6).any()  # the load was uneven somewhere: Jensen's gap
    assert (at_mean - np.array(got) >= -1e-9).all()  # and a concave curve never gains from it


def test_table_power_counts_only_on_servers():
    # one 8-core server per rack, idle-off after 5 minutes: the lone job's server is on for it
    jobs = Jobs.build([0.0], [600.0], cores=8)
    cfg = synthetic(power_management={"policy": "idle-off", "idle_timeout": "5min", "spare_servers": 0})
    sim = make(cfg, racks=1, spr=2, days=1800 / DAY_S, step_s=60.0, jobs=jobs)
    outs = [(o.table_power_w[0], o.servers_on[0]) for o in (sim.advance(k) for k in range(sim.n_steps))]
    idle, full = float(SERVER.power_w[0]), float(SERVER.power_w[-1])
    assert outs[0][0] == pytest.approx((idle + full) / 2)  # both on, one busy
    assert outs[7][1] == pytest.approx(1.0) and outs[7][0] == pytest.approx(full)  # the idle one is off
    assert outs[-1][1] == 0.0 and outs[-1][0] == pytest.approx(idle)  # none on: the idle power


def test_queue_length_and_fcfs_order():
    # one 1-core server: jobs at 0, 1, 2 s of 10 s each wait 0, 9, 18 s (FCFS)
    jobs = Jobs.build([0.0, 1.0, 2.0], [10.0, 10.0, 10.0])
    cfg = synthetic(cores_per_server=1)
    sim = make(cfg, racks=1, spr=1, days=60 / DAY_S, step_s=60.0, jobs=jobs)
    out = sim.advance(0)
    m = sim.finish(job_table=True)
    assert m.jobs.wait_s.tolist() == pytest.approx([0.0, 9.0, 18.0])
    assert out.queue_length == pytest.approx((9 + 18) / 60)
    assert m.wait_mean_s == pytest.approx(9.0)


def test_deadline_misses_are_counted():
    # two 60 s jobs on one core, both due by 70 s: the second finishes at 120 s
    jobs = Jobs.build([0.0, 0.0], [60.0, 60.0], deadline_s=[70.0, 70.0])
    sim = make(synthetic(cores_per_server=1), racks=1, spr=1, days=180 / DAY_S, jobs=jobs)
    m = sim.run()
    assert m.deadline_misses == 1 and m.deadline_miss_rate == 0.5


def test_backfill_lets_small_jobs_pass_a_blocked_head():
    # 2-core server: a 1-core job runs, a 2-core job waits, a 1-core job behind it
    jobs = Jobs.build([0.0, 1.0, 2.0], [100.0, 10.0, 10.0], cores=[1, 2, 1])
    strict = make(synthetic(cores_per_server=2), racks=1, spr=1, days=300 / DAY_S, jobs=jobs)
    strict.run()
    back = make(
        synthetic(cores_per_server=2, scheduler={"backfill": True}), racks=1, spr=1, days=300 / DAY_S, jobs=jobs
    )
    back.run()
    w_strict = strict.finish(job_table=True).jobs.wait_s.tolist()
    w_back = back.finish(job_table=True).jobs.wait_s.tolist()
    assert w_strict == pytest.approx([0.0, 99.0, 108.0])
    assert w_back == pytest.approx([0.0, 99.0, 0.0])


def test_configuration_errors():
    with pytest.raises(ValueError, match="carbon_g_per_kwh"):
        make(synthetic(scheduler={"deferral": "carbon-aware"}))
    with pytest.raises(ValueError, match="cores"):
        make(synthetic(), jobs=Jobs.build([0.0], [1.0], cores=16))
    with pytest.raises(ValueError, match="no jobs"):
        make(Workload(kind="constant"))


# --------------------------------------------------------------------------- behaviour
def test_switching_idle_servers_off_saves_server_hours_and_costs_waiting():
    spec = dict(mean_utilization=0.15, synthetic={"cores": [1, 2], "cores_weights": [1, 1], "mean_duration": "20min"})
    always = make(synthetic(**spec), days=2).run()
    off = make(
        synthetic(**spec, power_management={"policy": "idle-off", "idle_timeout": "10min", "spare_servers": 1}), days=2
    ).run()
    print(
        f"server-hours on: always-on {always.server_hours_on:.0f}, idle-off {off.server_hours_on:.0f}; "
        f"mean wait {always.wait_mean_s:.1f} s vs {off.wait_mean_s:.1f} s; boots {off.boots}"
    )
    assert always.wait_mean_s == 0.0  # 15 % load never queues with every server on
    assert off.server_hours_on < 0.6 * always.server_hours_on
    assert off.wait_mean_s > always.wait_mean_s
    assert off.transition_energy_j > 0 and off.boots > 0
    assert off.jobs_completed == pytest.approx(always.jobs_completed, rel=0.01)


def test_carbon_aware_deferral_lowers_carbon_weighted_work_without_missing_deadlines():
    step = 300.0
    n = int(3 * DAY_S / step)
    t = (np.arange(n) + 0.5) * step
    carbon = 120 + 100 * np.sin(2 * np.pi * t / DAY_S)  # 20-220 g/kWh over each day
    spec = SyntheticSpec(mean_duration_s=3600, batch_fraction=0.5, batch_slack_s=12 * 3600, mean_utilization=0.3)
    jobs = generate_jobs(spec, total_cores=4 * 5 * 8, horizon_s=2 * DAY_S, seed=11)  # all due within the run
    results = {}
    for deferral in ("none", "carbon-aware"):
        cfg = synthetic(scheduler={"deferral": deferral})
        sim = make(cfg, days=3, step_s=step, jobs=jobs, carbon_g_per_kwh=carbon)
        m = sim.run()
        assert m.jobs_completed == len(jobs)
        results[deferral] = (float(np.sum(sim.series.busy_core_s * carbon)), m)
    base, deferred = results["none"][0], results["carbon-aware"][0]
    m = results["carbon-aware"][1]
    print(f"carbon-weighted core-s: none {base:.4g}, carbon-aware {deferred:.4g} ({deferred / base - 1:+.1%})")
    assert m.core_seconds_served == pytest.approx(results["none"][1].core_seconds_served, rel=1e-12)
    assert deferred < 0.85 * base
    assert m.deadline_miss_rate == 0.0 and results["none"][1].deadline_miss_rate == 0.0
    assert m.wait_mean_s > results["none"][1].wait_mean_s  # batch jobs waited for low carbon


def test_price_aware_deferral_with_forecast_error_is_seeded():
    n = 288
    price = 1.0 + 0.5 * np.sin(np.arange(n) * 2 * np.pi / n)
    cfg = synthetic(mean_utilization=0.3, scheduler={"deferral": "price-aware", "forecast_error_pct": 30})
    a = make(cfg, step_s=300.0, price_sek_per_kwh=price, seed=4)
    b = make(cfg, step_s=300.0, price_sek_per_kwh=price, seed=4)
    ma, mb = a.run(), b.run()
    assert ma.wait_mean_s == mb.wait_mean_s and ma.wait_mean_s > 0
    # one error per clock hour (the signal's resolution): 12 five-minute steps share it
    ratio = (a._deferral._f / price).reshape(-1, 12)
    assert np.allclose(ratio, ratio[:, :1], rtol=1e-14, atol=0)  # x (1 + e) / x: round-off only
    assert np.unique(ratio[:, 0]).size == n // 12
    assert np.std(ratio[:, 0] - 1.0) == pytest.approx(0.3, rel=0.3)  # 24 draws of sigma 0.3


def test_thermal_aware_placement_loads_the_coolest_racks():
    inlet = np.array([27.0, 21.0, 24.0, 18.0, 25.5, 19.5])  # uneven recirculation
    busy = {}
    for placement in ("spread", "thermal-aware"):
        cfg = synthetic(mean_utilization=0.4, scheduler={"placement": placement})
        sim = make(cfg, racks=6, spr=5)
        total = np.zeros(6)
        for k in range(sim.n_steps):
            out = sim.advance(k, inlet)
            total += out.utilization * out.servers_on
        busy[placement] = total / total.sum()
    mean_inlet = {p: float(np.dot(b, inlet)) for p, b in busy.items()}
    print(f"load-weighted inlet: spread {mean_inlet['spread']:.2f} °C, thermal-aware {mean_inlet['thermal-aware']:.2f} °C")
    assert np.all(np.abs(busy["spread"] - 1 / 6) < 0.02)  # spread balances the racks
    th = busy["thermal-aware"]
    assert th[3] == th.max()  # the coolest rack carries the most load
    order = np.argsort(inlet)
    assert th[order[:3]].sum() > 0.75  # the three coolest racks carry most of it
    assert th[order[-1]] < 0.05  # the hottest rack almost none
    assert mean_inlet["thermal-aware"] < mean_inlet["spread"] - 2.0


def test_thermal_aware_reads_new_inlets_each_step():
    cfg = synthetic(scheduler={"placement": "thermal-aware"})
    jobs = Jobs.build([10.0, 70.0], [30.0, 30.0])
    sim = make(cfg, racks=3, spr=1, days=120 / DAY_S, jobs=jobs)
    sim.advance(0, np.array([20.0, 18.0, 25.0]))
    sim.advance(1, np.array([17.0, 18.0, 25.0]))
    assert sim.finish(job_table=True).jobs.rack.tolist() == [1, 0]
    with pytest.raises(ValueError, match="shape"):
        make(cfg, racks=3, spr=1, jobs=jobs).advance(0, np.zeros(2))


def test_from_scenario():
    from dcsim import load_scenario

    sc = load_scenario(
        {
            "simulation": {"duration": "1d", "step": "5min", "seed": 3},
            "it": {"racks": 3, "servers_per_rack": 4},
            "workload": {"kind": "synthetic", "mean_utilization": 0.3},
        }
    )
    sim = WorkloadSimulation.from_scenario(sc, server=SERVER)
    assert (sim.racks, sim.servers_per_rack, sim.cores, sim.n_steps, sim.step_s) == (3, 4, 16, 288, 300.0)
    m = sim.run()
    kpis = m.kpis()
    assert set(kpis) == {"jobs_completed", "wait_mean_s", "wait_p95_s", "deadline_miss_rate"}
    assert kpis["jobs_completed"] > 0 and math.isfinite(kpis["wait_p95_s"])


def test_instant_wake_charges_the_energy_in_the_step_it_happens():
    from dcsim.it.power import ServerSpec

    spec = ServerSpec("instant", np.array([0.0, 1.0]), np.array([100.0, 200.0]), boot_s=0.0, boot_energy_j=500.0)
    cfg = synthetic(mean_utilization=0.1, power_management={"policy": "idle-off", "idle_timeout": "2min"})
    sim = WorkloadSimulation(cfg, racks=2, servers_per_rack=3, server=spec, n_steps=720, step_s=60.0, seed=2)
    m = sim.run()
    assert m.boots > 0
    assert m.transition_energy_j == pytest.approx(m.boots * 500.0)
    assert m.jobs_completed + m.jobs_running + m.jobs_queued == m.jobs_submitted


def test_garbage_collector_state_is_restored():
    import gc

    sim = make(synthetic(), days=0.01)
    assert gc.isenabled()
    sim.advance(0)
    assert gc.isenabled()
    gc.disable()
    try:
        sim.advance(1)
        assert not gc.isenabled()
    finally:
        gc.enable()
