"""Measurement and verification: ASHRAE Guideline 14 statistics by hand, the meter reader's
policy with the exact problems it reports, and calibration on synthetic truth (issue 18)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dcsim
from dcsim.errors import InputError
from dcsim.mv import FitKey, calibrate, cv_rmse_pct, fit_statistics, nmbe_pct, read_meters

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "lulea-air-1mw.toml"
PERIOD = {"simulation.start": "2025-03-03T00:00:00Z", "simulation.duration": "14d", "simulation.step": "300s",
          "simulation.record_step": "3600s"}
TRUTH = {"workload.mean_utilization": 0.62, "electrical.lighting_kw": 25.0}
CHANNELS = ("facility_power_kw", "it_power_kw", "cooling_power_kw")


def test_guideline_14_statistics_by_hand():
    m, s = np.array([10.0, 20.0, 30.0, 40.0]), np.array([12.0, 18.0, 33.0, 37.0])
    # residuals m - s: -2, 2, -3, 3; n - p = 3; mean 25
    assert cv_rmse_pct(m, s) == pytest.approx(100 * np.sqrt((4 + 4 + 9 + 9) / 3) / 25, rel=1e-15)
    assert nmbe_pct(m, s) == 0.0
    assert nmbe_pct(m, s - 1.0) == pytest.approx(100 * 4 / (3 * 25), rel=1e-15)  # reads 1 high: NMBE < 0 is the other way
    assert nmbe_pct(m, m * 0.9) > 0  # the simulation reads low: NMBE > 0 (Guideline 14's sign)
    assert cv_rmse_pct(np.array([1.0, np.nan]), np.array([1.0, 2.0])) == float("inf")  # n - p = 0: undefined
    hours = np.arange(np.datetime64("2025-01-01"), np.datetime64("2025-03-01"), np.timedelta64(1, "h")).astype(
        "datetime64[s]").astype(np.int64)
    meas = np.full(hours.size, 100.0)
    st = fit_statistics(hours, meas, meas * 1.12, energy=True)
    assert st["hourly"]["meets_guideline_14"] is False and st["hourly"]["nmbe_pct"] == pytest.approx(-12.0, rel=1e-3)
    # two months: n - p = 1, the monthly sums 74,400 and 67,200 kWh both 12 % high
    assert st["monthly"]["n"] == 2 and st["monthly"]["meets_guideline_14"] is False
    ok = fit_statistics(hours, meas, meas * 1.04, energy=True)
    assert ok["hourly"]["meets_guideline_14"] is True


def _write_meters(path: Path, rows: list[str], header: str = "time,facility_power_kw") -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _hours(n: int, start: str = "2025-01-01T00:00:00") -> list[str]:
    t0 = np.datetime64(start)
    return [f"{t0 + np.timedelta64(i, 'h')}Z" for i in range(n)]


def test_a_dcsim_timeseries_is_a_meter_file_and_gaps_are_kept_as_gaps(tmp_path):
    r = dcsim.simulate(dcsim.load_scenario(SCENARIO, overrides={**PERIOD, "simulation.duration": "2d"}))
    r.save(tmp_path / "run")
    m = read_meters(tmp_path / "run" / "timeseries.parquet")
    assert m.step_s == 3600 and m.n == 48 and "facility_power_kw" in m.channels and "mean_inlet_c" in m.channels
    np.testing.assert_array_equal(m.channels["it_power_kw"], r.timeseries["it_power_kw"].to_numpy())
    rows = [f"{t},{100 + i}" for i, t in enumerate(_hours(40))]
    del rows[10:13]  # 3 of 40 hours missing (7.5 %): kept as gaps, not filled
    rows[20] = rows[20].split(",")[0] + ","  # and an empty cell
    m2 = read_meters(_write_meters(tmp_path / "gaps.csv", rows))
    assert m2.n == 40 and m2.missing_share("facility_power_kw") == pytest.approx(4 / 40)
    assert np.isnan(m2.channels["facility_power_kw"][10:13]).all()


@pytest.mark.parametrize("case", ["no-time", "no-channel", "order", "duplicate", "missing-30pct", "step"])
def test_malformed_meter_files_are_refused_with_file_line_and_what_to_do(tmp_path, case):
    hours = _hours(20)
    rows = [f"{t},{100 + i}" for i, t in enumerate(hours)]
    header = "time,facility_power_kw"
    if case == "no-time":
        header = "when,facility_power_kw"
    elif case == "no-channel":
        header = "time,facility_kw"
    elif case == "order":
        rows[5], rows[6] = rows[6], rows[5]
    elif case == "duplicate":
        rows[7] = rows[6]
    elif case == "missing-30pct":
        rows = rows[:4] + rows[10:]  # 6 of 20 hours missing
    elif case == "step":
        rows[3] = f"{np.datetime64(hours[3][:-1]) + np.timedelta64(7, 'm')}Z,5"
    path = _write_meters(tmp_path / f"{case}.csv", rows, header)
    with pytest.raises(InputError) as err:
        read_meters(path)
    text = str(err.value)
    assert path.name in text
    want = {"no-time": "'time'", "no-channel": "facility_power_kw", "order": "line 8",
            "duplicate": "line 9", "missing-30pct": "30%", "step": "divides an hour"}[case]
    assert want in text, text
    # at the command line: exit 2, one message, no traceback, nothing written
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "dcsim", "calibrate", str(SCENARIO), str(path), "--fit",
                           "workload.mean_utilization=0.3:0.7", "-o", str(out)], capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and not out.exists()


def _synthetic_meters(tmp_path: Path) -> Path:
    """Meters that dcsim wrote from known parameters, with 5 % Gaussian noise (seeded)."""
    r = dcsim.simulate(dcsim.load_scenario(SCENARIO, overrides={**PERIOD, **TRUTH}))
    ts = r.timeseries
    rng = np.random.default_rng(7)
    noisy = {c: ts[c].to_numpy() * (1.0 + 0.05 * rng.standard_normal(len(ts))) for c in CHANNELS}
    rows = [",".join([t.strftime("%Y-%m-%dT%H:%M:%SZ"), *(f"{noisy[c][i]:.4f}" for c in CHANNELS)])
            for i, t in enumerate(ts.index)]
    return _write_meters(tmp_path / "meters.csv", rows, "time," + ",".join(CHANNELS))


def test_calibration_recovers_known_parameters_within_their_intervals(tmp_path):
    """Issue 18's synthetic truth: two weeks of hourly meters from utilisation 0.62 and 25 kW of
    lighting, 5 % noise. Started from the scenario's own values (0.55, 0 kW) and one random
    start, the fit puts each truth inside its 95 % interval, meets Guideline 14 on every channel,
    and the same seed gives the same result to the last bit."""
    meters = read_meters(_synthetic_meters(tmp_path))
    fit = [FitKey("workload.mean_utilization", 0.3, 0.75), FitKey("electrical.lighting_kw", 0.0, 60.0)]
    cal = calibrate(SCENARIO, meters, fit, overrides={"simulation.step": "300s"}, starts=2, seed=1)
    doc = cal.as_dict()
    for key, truth in TRUTH.items():
        lo, hi = doc["fitted"][key]["interval_95"]
        assert lo <= truth <= hi, (key, truth, lo, hi)
        assert doc["fitted"][key]["sigma"] > 0 and not doc["fitted"][key]["at_bound"]
    assert cal.meets_guideline_14
    for c in CHANNELS:
        h = cal.statistics[c]["hourly"]
        assert h["n"] == 336 and h["cv_rmse_pct"] < 6.0  # the 5 % noise, and little else
    again = calibrate(SCENARIO, meters, fit, overrides={"simulation.step": "300s"}, starts=2, seed=1)
    assert again.values == cal.values and again.sigma == cal.sigma
    out = cal.save(tmp_path / "cal")
    saved = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    assert saved["fitted"]["workload.mean_utilization"]["value"] == cal.values["workload.mean_utilization"]
    back = dcsim.load_scenario(out / "calibrated.toml")
    assert back.workload.mean_utilization == cal.values["workload.mean_utilization"]
    assert (out / "residuals.png").stat().st_size > 10_000


def test_verify_finds_a_known_ten_percent_cooling_saving_inside_its_interval(tmp_path):
    """Issue 18's verification: the site calibrated on two weeks of March, then two weeks of
    "after" meters from the true site with 10 % less cooling electricity (5 % noise): the
    Guideline 14 90 % interval of the verified cooling saving contains 10 %, and the facility's
    saving is that kW share of it."""
    from dcsim.mv import savings_uncertainty, verify

    meters = read_meters(_synthetic_meters(tmp_path))
    fit = [FitKey("workload.mean_utilization", 0.3, 0.75), FitKey("electrical.lighting_kw", 0.0, 60.0)]
    cal_dir = calibrate(SCENARIO, meters, fit, overrides={"simulation.step": "300s"}, starts=1).save(tmp_path / "cal")
    (cal_dir / "case.toml").write_text('[case]\nname = "verified"\nbaseline = "calibrated.toml"\n\n[[proposals]]\n'
                                       'name = "warmer"\ncapital_cost_sek = 0\nlifetime_years = 10\n'
                                       '[proposals.patch]\n"room.supply_air_c" = 22.0\n', encoding="utf-8")
    after = {**PERIOD, "simulation.start": "2025-03-17T00:00:00Z"}
    ts = dcsim.simulate(dcsim.load_scenario(SCENARIO, overrides={**after, **TRUTH})).timeseries
    rng = np.random.default_rng(8)
    cool = ts["cooling_power_kw"].to_numpy()
    vals = {"cooling_power_kw": 0.9 * cool, "it_power_kw": ts["it_power_kw"].to_numpy(),
            "facility_power_kw": ts["facility_power_kw"].to_numpy() - 0.1 * cool}
    rows = [",".join([t.strftime("%Y-%m-%dT%H:%M:%SZ"),
                      *(f"{vals[c][i] * (1 + 0.05 * rng.standard_normal()):.4f}" for c in CHANNELS)])
            for i, t in enumerate(ts.index)]
    path = _write_meters(tmp_path / "after.csv", rows, "time," + ",".join(CHANNELS))
    v = verify(cal_dir / "case.toml", read_meters(path), channel="cooling_power_kw")
    lo, hi = v["fractional_saving_interval"]
    assert lo <= 0.10 <= hi and hi - lo < 0.02, (lo, v["fractional_saving"], hi)
    assert v["confidence"] == 0.9 and v["intervals"] == 336 and "warmer" in v["predicted"]
    # the interval by hand: t(0.95, n' - 1) x 1.26 x CV x sqrt((n / n') (1 + 2 / n) / m), rho ~ 0
    c = v["calibration"]
    from scipy.stats import t as student

    rho = max(c["residual_lag1_autocorrelation"], 0.0)
    n_eff = 336 * (1 - rho) / (1 + rho)
    want = student.ppf(0.95, n_eff - 1) * 1.26 * c["cv_rmse_pct"] / 100 * np.sqrt(336 / n_eff * (1 + 2 / 336) / 336)
    assert (hi - lo) / 2 == pytest.approx(want, rel=1e-12)
    assert savings_uncertainty(0.05, 336, 0.0, 336) == pytest.approx(student.ppf(0.95, 335) * 1.26 * 0.05 * np.sqrt(
        (1 + 2 / 336) / 336), rel=1e-12)
    # at the command line, and the facility's saving: the cooling kW it lost, about 2 % of the site
    out = tmp_path / "ver"
    proc = subprocess.run([sys.executable, "-m", "dcsim", "verify", str(cal_dir / "case.toml"), str(path), "-o", str(out),
                           "-q"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    fac = json.loads((out / "verification.json").read_text(encoding="utf-8"))
    lo_f, hi_f = fac["fractional_saving_interval"]
    share = 0.1 * cool.sum() / ts["facility_power_kw"].to_numpy().sum()
    assert lo_f <= share <= hi_f, (lo_f, share, hi_f)
    # a baseline without its calibration is refused (exit 2)
    (tmp_path / "plain.toml").write_text(f'[case]\nname = "plain"\nbaseline = "{SCENARIO.as_posix()}"\n\n[[proposals]]\n'
                                         'name = "x"\ncapital_cost_sek = 0\nlifetime_years = 1\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "dcsim", "verify", str(tmp_path / "plain.toml"), str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "calibration.json" in proc.stderr


def test_the_case_report_gains_the_measured_savings_section(tmp_path):
    """dcsim case --verification: the report's measured-savings section, in both languages,
    with the verified share and its interval as verification.json has them."""
    import re

    from dcsim.report.measured import TEXT

    for en, sv in TEXT.values():
        assert re.findall(r"{(\w+)}", en) == re.findall(r"{(\w+)}", sv)
    ver = {"method": "IPMVP Option D", "channel": "facility_power_kw", "unit": "kWh", "adjusted_baseline": 300000.0,
           "measured": 290000.0, "saving": 10000.0, "fractional_saving": 10000.0 / 300000.0,
           "fractional_saving_interval": [0.03, 0.0367], "confidence": 0.9, "intervals": 336,
           "period_start_utc": "2025-03-17T00:00:00Z", "predicted": {"warmer": {"saving": 9000.0, "fractional_saving": 0.03}},
           "calibration": {"cv_rmse_pct": 4.7, "n": 336, "residual_lag1_autocorrelation": 0.0}}
    vfile = tmp_path / "verification.json"
    vfile.write_text(json.dumps(ver), encoding="utf-8")
    case = ROOT / "tests" / "fixtures" / "cases" / "small.toml"
    for lang, words in (("en", "Measured savings"), ("sv", "Uppmätta besparingar")):
        out = tmp_path / lang
        proc = subprocess.run([sys.executable, "-m", "dcsim", "case", str(case), "--set", "simulation.duration=1d", "-r", "1",
                               "--lang", lang, "--verification", str(vfile), "-o", str(out), "-q"],
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        html = (out / "report.html").read_text(encoding="utf-8")
        assert 'id="measured-savings"' in html and words in html
        assert ("3.3\u00a0%" if lang == "en" else "3,3\u00a0%") in html  # the verified share as the report writes numbers
    bad = tmp_path / "bad.json"
    bad.write_text('{"channel": "facility_power_kw"}', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "dcsim", "case", str(case), "--verification", str(bad), "-o",
                           str(tmp_path / "x")], capture_output=True, text=True)
    assert proc.returncode == 2 and "dcsim verify" in proc.stderr and not (tmp_path / "x").exists()


@pytest.mark.slow
def test_starts_in_parallel_processes_give_the_same_calibration(tmp_path):
    meters = read_meters(_synthetic_meters(tmp_path))
    fit = [FitKey("workload.mean_utilization", 0.3, 0.75), FitKey("electrical.lighting_kw", 0.0, 60.0)]
    kw = dict(overrides={"simulation.step": "300s"}, starts=2, seed=3)
    here = calibrate(SCENARIO, meters, fit, **kw)
    there = calibrate(SCENARIO, meters, fit, workers=2, **kw)
    assert there.values == here.values and there.sigma == here.sigma and there.starts == here.starts
