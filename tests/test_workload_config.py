"""The workload section of the scenario schema and the synthetic job source."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest

from dcsim import InputError, load_scenario
from dcsim.scenario import dump_toml
from dcsim.scenario.schema import Workload
from dcsim.workload import BATCH, SyntheticSpec, generate_jobs

FIX = Path(__file__).parent / "fixtures" / "workload"
WEEK_S = 7 * 86400


# --------------------------------------------------------------------------- schema
def test_kind_synthetic_alone_is_a_complete_configuration():
    sc = load_scenario({"workload": {"kind": "synthetic"}})
    w = sc.workload
    assert w.kind == "synthetic" and w.cores_per_server == 16
    assert w.synthetic.mean_duration == 1800 and w.synthetic.batch_slack == 12 * 3600
    assert w.scheduler.placement == "first-fit" and w.scheduler.deferral == "none"
    assert w.power_management.policy == "always-on" and w.power_management.idle_timeout == 600


@pytest.mark.parametrize(
    "workload",
    [
        {"kind": "synthetic", "synthetic": {"weekly_profile": [1, 1, 1, 1, 1, 0.5, 0.5], "duration_distribution": "exponential"}},
        {"kind": "trace", "trace": {"path": "jobs.parquet", "align": "absolute", "repeat": True, "core_mhz": 2400}},
        {"kind": "synthetic", "scheduler": {"placement": "thermal-aware", "deferral": "price-aware", "forecast_error_pct": 10},
         "power_management": {"policy": "idle-off", "idle_timeout": "15min", "spare_servers": 4, "low_power_state": "sleep"}},
    ],
)
def test_workload_sections_round_trip_through_toml(workload, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a dict scenario resolves relative paths against the working directory
    (tmp_path / "jobs.parquet").write_bytes(b"")  # the loader checks that a trace file exists
    sc = load_scenario({"workload": workload})
    path = tmp_path / "resolved.toml"
    path.write_text(dump_toml(sc))
    again = load_scenario(path)
    assert again.workload == sc.workload


def test_constant_and_profile_are_unchanged():
    assert Workload().kind == "constant"
    w = Workload(kind="profile", daily_profile=[1.0] * 24, mean_utilization=0.4)
    assert w.daily_profile == [1.0] * 24
    with pytest.raises(InputError) as info:
        load_scenario({"workload": {"kind": "synthetic", "daily_profile": [1.0] * 24}})
    assert info.value.paths == ["workload.daily_profile"]


def test_every_workload_problem_is_reported_with_its_dotted_path_and_line():
    with pytest.raises(InputError) as info:
        load_scenario(FIX / "invalid_workload.toml")
    found = {p.path: p for p in info.value.problems}
    assert set(found) == {
        "workload.synthetic.cores_weights",
        "workload.synthetic.daily_profile",
        "workload.synthetic.mean_duration",
        "workload.scheduler.placement",
        "workload.power_management.spare_servers",
    }
    assert found["workload.synthetic.daily_profile"].line == 13
    assert found["workload.synthetic.mean_duration"].line == 14
    assert found["workload.scheduler.placement"].line == 17
    assert "needs 24 values" in found["workload.synthetic.daily_profile"].message
    # a failing section hides the cross-section check; fix it and cores above the server show
    with pytest.raises(InputError) as info:
        load_scenario({"workload": {"kind": "synthetic", "cores_per_server": 8, "synthetic": {"cores": [1, 16], "cores_weights": [1, 1]}}})
    assert info.value.paths == ["workload.synthetic.cores"]
    assert "exceed cores_per_server (8)" in info.value.problems[0].message


def test_trace_needs_a_path():
    with pytest.raises(InputError) as info:
        load_scenario({"workload": {"kind": "trace"}})
    assert info.value.paths == ["workload.trace.path"]


# --------------------------------------------------------------------------- synthetic jobs
def test_same_seed_same_jobs_and_streams_are_independent_of_global_state():
    spec = SyntheticSpec(batch_fraction=0.3)
    a = generate_jobs(spec, total_cores=640, horizon_s=86400, seed=5)
    np.random.seed(0)  # global state must not matter
    b = generate_jobs(spec, total_cores=640, horizon_s=86400, seed=5)
    c = generate_jobs(spec, total_cores=640, horizon_s=86400, seed=6)
    for name in ("submit_s", "duration_s", "cores", "deadline_s", "deferrable", "job_class"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
    assert len(a) != len(c) or not np.array_equal(a.submit_s, c.submit_s)


def test_rate_from_mean_utilization_gives_the_offered_load():
    spec = SyntheticSpec(mean_utilization=0.5, duration_distribution="exponential", mean_duration_s=600)
    jobs = generate_jobs(spec, total_cores=1000, horizon_s=WEEK_S, seed=1)
    offered = jobs.core_seconds.sum() / (1000 * WEEK_S)
    assert offered == pytest.approx(0.5, rel=0.03)  # ~40,000 jobs: sampling error ~1 %
    expected = spec.base_rate_per_s(1000) * WEEK_S
    assert abs(len(jobs) - expected) < 4 * np.sqrt(expected)  # Poisson count within 4 sigma


def test_explicit_rate_and_duration_distributions():
    for kind, cv in (("exponential", 1.0), ("lognormal", 2.0), ("constant", 0.0)):
        spec = SyntheticSpec(arrivals_per_h=3600, duration_distribution=kind, duration_cv=max(cv, 0.5), mean_duration_s=300)
        jobs = generate_jobs(spec, total_cores=1, horizon_s=20_000, seed=2)
        assert abs(len(jobs) - 20_000) < 4 * np.sqrt(20_000)
        d = jobs.duration_s
        assert d.mean() == pytest.approx(300, rel=0.08 if kind == "lognormal" else 0.03)
        if kind != "constant":
            assert d.std() / d.mean() == pytest.approx(cv, rel=0.25)
        else:
            assert np.all(d == 300)


def test_daily_profile_follows_local_time():
    daily = [0.0] * 6 + [1.0] * 18  # no arrivals 00-06 local
    spec = SyntheticSpec(arrivals_per_h=600, daily_profile=daily)
    start = datetime(2025, 1, 6, tzinfo=timezone.utc).timestamp()  # a Monday; Stockholm is UTC+1
    jobs = generate_jobs(spec, total_cores=1, horizon_s=WEEK_S, seed=3, start_epoch_s=start, timezone="Europe/Stockholm")
    utc_hour = (jobs.submit_s // 3600) % 24
    assert not np.any((utc_hour == 23) | (utc_hour < 5))
    assert np.any(utc_hour == 5)
    assert abs(len(jobs) - 600 * 24 * 7) < 4 * np.sqrt(600 * 24 * 7)  # the profile keeps the mean rate


def test_weekly_profile_quiet_weekend():
    spec = SyntheticSpec(arrivals_per_h=100, weekly_profile=[1, 1, 1, 1, 1, 0, 0])
    start = datetime(2025, 1, 6, tzinfo=timezone.utc).timestamp()  # Monday
    jobs = generate_jobs(spec, total_cores=1, horizon_s=WEEK_S, seed=4, start_epoch_s=start)
    day = jobs.submit_s // 86400
    assert day.max() == 4  # Saturday and Sunday empty
    assert abs(len(jobs) - 100 * 24 * 7) < 4 * np.sqrt(100 * 24 * 7)


def test_batch_jobs_are_deferrable_with_deadlines():
    spec = SyntheticSpec(batch_fraction=0.25, batch_slack_s=3600)
    jobs = generate_jobs(spec, total_cores=100, horizon_s=86400, seed=9)
    batch = jobs.job_class == BATCH
    assert batch.mean() == pytest.approx(0.25, abs=0.03)
    assert np.array_equal(jobs.deferrable, batch)
    assert np.allclose(jobs.deadline_s[batch], jobs.submit_s[batch] + 3600 + jobs.duration_s[batch])
    assert np.isinf(jobs.deadline_s[~batch]).all()
    assert set(np.unique(jobs.cores)) <= {1, 2, 4, 8}
