"""workload.kind = "utilization-trace": the hall-mean utilisation from a dated file (a site's metered load)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import dcsim
from dcsim.errors import InputError

#: a small hall on dcsim's defaults (a scenario of its own: lulea-air-1mw's daily profile belongs to kind "profile")
SCENARIO = {"name": "series-hall", "it": {"racks": 10, "servers_per_rack": 20}}


def _series(path: Path, values, start="2025-01-01T00:00:00") -> Path:
    t0 = np.datetime64(start)
    path.write_text("time,utilization\n" + "".join(f"{t0 + np.timedelta64(i, 'h')}Z,{v}\n" for i, v in enumerate(values)),
                    encoding="utf-8")
    return path


def test_each_step_takes_the_interval_holding_its_midpoint(tmp_path):
    values = [0.2, 0.8] * 24
    f = _series(tmp_path / "util.csv", values)
    over = {"workload.kind": "utilization-trace", "workload.utilization_trace.path": str(f), "simulation.duration": "2d",
            "simulation.step": "300s", "simulation.record_step": "1h"}
    r = dcsim.simulate(dcsim.load_scenario(SCENARIO, overrides=over))
    # the hourly record is the mean of 12 equal 5-min values: the value, to round-off
    np.testing.assert_allclose(r.timeseries["utilization"].to_numpy(), np.asarray(values), rtol=1e-14)
    it = r.timeseries["it_power_kw"].to_numpy()
    assert (it[1::2] > it[0::2] * 1.5).all()  # the load the file gave
    assert r.kpis["energy_balance_rel_error"] < 1e-6


def test_series_files_are_checked(tmp_path):
    short = _series(tmp_path / "short.csv", [0.5] * 10)
    with pytest.raises(InputError) as err:
        dcsim.simulate(dcsim.load_scenario(SCENARIO, overrides={
            "workload.kind": "utilization-trace", "workload.utilization_trace.path": str(short), "simulation.duration": "1d"}))
    assert [p.path for p in err.value.problems] == ["workload.utilization_trace.path"] and "cover" in str(err.value)
    bad = _series(tmp_path / "bad.csv", [0.5, 1.4, 0.5])
    with pytest.raises(InputError) as err:
        dcsim.simulate(dcsim.load_scenario(SCENARIO, overrides={
            "workload.kind": "utilization-trace", "workload.utilization_trace.path": str(bad), "simulation.duration": "1h"}))
    assert "line 3" in str(err.value) and "utilization" in str(err.value)
    for over, field in (({"workload.kind": "utilization-trace"}, "workload.utilization_trace.path"),
                        ({"workload.utilization_trace.path": "x.csv"}, "workload.utilization_trace.path")):
        with pytest.raises(InputError) as err:
            dcsim.load_scenario(SCENARIO, overrides=over)
        assert [p.path for p in err.value.problems] == [field]


def test_the_column_may_have_another_name(tmp_path):
    f = tmp_path / "load.csv"
    t0 = np.datetime64("2025-01-01T00:00:00")
    f.write_text("time,cpu_load\n" + "".join(f"{t0 + np.timedelta64(i, 'h')}Z,0.3\n" for i in range(24)), encoding="utf-8")
    over = {"workload.kind": "utilization-trace", "workload.utilization_trace.path": str(f), "simulation.duration": "1d"}
    with pytest.raises(InputError) as err:  # the default column is "utilization"
        dcsim.simulate(dcsim.load_scenario(SCENARIO, overrides=over))
    assert "utilization" in str(err.value) and "load.csv" in str(err.value)
    r = dcsim.simulate(dcsim.load_scenario(SCENARIO, overrides={**over, "workload.utilization_trace.column": "cpu_load"}))
    assert float(r.timeseries["utilization"].mean()) == pytest.approx(0.3, rel=1e-14)


def _index_only(path: Path, values) -> Path:
    path.write_text(",cpu_load\n" + "".join(f"{i + 1},{v}\n" for i, v in enumerate(values)), encoding="utf-8")
    return path


def test_a_file_without_a_time_column_is_read_in_row_order_on_its_step(tmp_path):
    values = [0.1, 0.9, 0.4] * 16
    f = _index_only(tmp_path / "util.csv", values)
    over = {"workload.kind": "utilization-trace", "workload.utilization_trace.path": str(f),
            "workload.utilization_trace.column": "cpu_load", "workload.utilization_trace.step": "1h",
            "simulation.duration": "2d", "simulation.step": "600s", "simulation.record_step": "1h"}
    r = dcsim.simulate(dcsim.load_scenario(SCENARIO, overrides=over))
    np.testing.assert_allclose(r.timeseries["utilization"].to_numpy(), np.asarray(values), rtol=1e-14)
    # start: the first row is a later hour, so the run begins on the file's second row
    over["workload.utilization_trace.start"] = "2024-12-31T23:00:00Z"
    r = dcsim.simulate(dcsim.load_scenario(SCENARIO, overrides={**over, "simulation.duration": "1d"}))
    np.testing.assert_allclose(r.timeseries["utilization"].to_numpy(), np.asarray(values[1:25]), rtol=1e-14)


def test_a_step_for_a_dated_file_or_a_start_without_step_is_refused(tmp_path):
    f = _series(tmp_path / "util.csv", [0.5] * 48)
    with pytest.raises(InputError) as err:
        dcsim.simulate(dcsim.load_scenario(SCENARIO, overrides={
            "workload.kind": "utilization-trace", "workload.utilization_trace.path": str(f),
            "workload.utilization_trace.step": "1h", "simulation.duration": "1d"}))
    assert "rows are dated already" in str(err.value)
    with pytest.raises(InputError) as err:
        dcsim.load_scenario(SCENARIO, overrides={
            "workload.kind": "utilization-trace", "workload.utilization_trace.path": str(f),
            "workload.utilization_trace.start": "2025-01-01T00:00:00Z"})
    assert [p.path for p in err.value.problems] == ["workload.utilization_trace.start"]


@pytest.mark.slow
def test_sustaindcs_alibaba_trace_runs_as_it_is(shared_file):
    """SustainDC's hourly Alibaba file (an unnamed index column and cpu_load, 8,904 rows) as
    shipped: a year of the reference hall on it, each hour the file's value."""
    ALIBABA = shared_file("data/traces/Alibaba_CPU_Data_Hourly_1.csv", "the run of SustainDC's Alibaba trace")
    over = {"workload.kind": "utilization-trace", "workload.daily_profile": dcsim.scenario.UNSET,
            "workload.utilization_trace.path": str(ALIBABA), "workload.utilization_trace.column": "cpu_load",
            "workload.utilization_trace.step": "1h", "simulation.step": "15min", "simulation.record_step": "1h"}
    sc = dcsim.load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "lulea-air-1mw.toml", overrides=over)
    r = dcsim.simulate(sc)
    expected = np.loadtxt(ALIBABA, delimiter=",", skiprows=1, usecols=1)[:8760]
    np.testing.assert_allclose(r.timeseries["utilization"].to_numpy(), expected, rtol=1e-12)
    assert r.kpis["energy_balance_rel_error"] < 1e-6
    assert 1.0 < r.kpis["pue"] < 2.0
