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


def _rack_series(path: Path, columns: dict[str, list[float]], start="2025-01-01T00:00:00") -> Path:
    t0 = np.datetime64(start)
    n = len(next(iter(columns.values())))
    rows = [",".join(["time", *columns])]
    rows += [",".join([f"{t0 + np.timedelta64(i, 'h')}Z", *(str(v[i]) for v in columns.values())]) for i in range(n)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


RACKS4 = {"name": "four-racks", "it": {"racks": 4, "servers_per_rack": 10}}
SHORT = {"simulation.duration": "1d", "simulation.step": "300s", "simulation.record_step": "1h"}


@pytest.mark.slow  # two one-day runs at 5-minute steps
def test_a_per_rack_trace_of_equal_racks_is_the_hall_trace_bit_for_bit(tmp_path):
    """Twin runs: the hall series as one column, and the same series in every rack's column.
    The kernel sees u x 1 against 1 x u (a product that rounds the same), so every KPI and
    every timeseries value agrees exactly, although the per-rack run goes in more chunks."""
    values = [0.1 + 0.8 * ((i * 7) % 24) / 23 for i in range(24)]
    hall = _series(tmp_path / "hall.csv", values)
    racks = _rack_series(tmp_path / "racks.csv", {f"utilization_{i}": values for i in range(4)})
    a = dcsim.simulate(dcsim.load_scenario(RACKS4, overrides={
        **SHORT, "workload.kind": "utilization-trace", "workload.utilization_trace.path": str(hall)}))
    b = dcsim.simulate(dcsim.load_scenario(RACKS4, overrides={
        **SHORT, "workload.kind": "utilization-trace", "workload.utilization_trace.path": str(racks),
        "workload.utilization_trace.per_rack": True}))
    for k in a.kpis:
        if k != "sim_wall_s":
            assert a.kpis[k] == b.kpis[k], k
    for col in a.timeseries.columns:
        np.testing.assert_array_equal(a.timeseries[col].to_numpy(), b.timeseries[col].to_numpy(), err_msg=col)


@pytest.mark.slow  # three one-day runs
def test_each_rack_follows_its_own_column(tmp_path):
    """Racks 0 and 1 at 0.9, racks 2 and 3 at 0.1: the IT energy is the mean of two hall runs at
    0.9 and at 0.1 (the servers' power is a function of their own load; inlet-temperature
    effects are off so that no rack's heat changes another's power), the hot racks use more,
    and the hall's utilisation column is the mean of the racks'."""
    off = {**SHORT, "it.inlet_temperature_effects": False}
    cols = {"utilization_0": [0.9] * 24, "utilization_1": [0.9] * 24, "utilization_2": [0.1] * 24,
            "utilization_3": [0.1] * 24}
    f = _rack_series(tmp_path / "racks.csv", cols)
    r = dcsim.simulate(dcsim.load_scenario(RACKS4, overrides={
        **off, "workload.kind": "utilization-trace", "workload.utilization_trace.path": str(f),
        "workload.utilization_trace.per_rack": True}))
    hall = {u: dcsim.simulate(dcsim.load_scenario(RACKS4, overrides={
        **off, "workload.kind": "constant", "workload.mean_utilization": u})) for u in (0.9, 0.1)}
    expect = 0.5 * (hall[0.9].kpis["energy_it_kwh"] + hall[0.1].kpis["energy_it_kwh"])
    assert r.kpis["energy_it_kwh"] == pytest.approx(expect, rel=1e-12)  # sums of the same per-rack terms
    np.testing.assert_allclose(r.timeseries["utilization"].to_numpy(), 0.5, rtol=1e-15)
    e = r.racks["energy_kwh"].to_numpy()
    assert e[0] == pytest.approx(e[1], rel=1e-12) and e[2] == pytest.approx(e[3], rel=1e-12) and e[0] > 2 * e[2]
    assert r.kpis["energy_balance_rel_error"] < 1e-6


def test_a_per_rack_trace_names_a_missing_rack_column(tmp_path, capsys):
    from dcsim.cli import main

    f = _rack_series(tmp_path / "racks.csv", {f"utilization_{i}": [0.5] * 24 for i in range(3)})  # 4 racks
    scenario = tmp_path / "s.toml"
    scenario.write_text('name = "r"\n[it]\nracks = 4\nservers_per_rack = 10\n[simulation]\nduration = "1d"\n'
                        f'[workload]\nkind = "utilization-trace"\n[workload.utilization_trace]\npath = "{f}"\n'
                        "per_rack = true\n", encoding="utf-8")
    assert main(["run", str(scenario), "-o", str(tmp_path / "out"), "-q"]) == 2
    err = capsys.readouterr().err
    assert "utilization_3" in err and "one column per rack" in err and str(f) in err
    assert not (tmp_path / "out").exists()
