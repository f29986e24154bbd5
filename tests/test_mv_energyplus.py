"""Issue 18's real-data acceptance: dcsim calibrated to a year of EnergyPlus' 1-zone datacenter
(data/energyplus/1zone-crac in the shared folder, README there; skipped, saying so, where it is
missing), its hourly facility, ITE (CPU + fans) and HVAC electricity used as meters, with the
weather and CPU loading schedule the run used."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dcsim.mv import FitKey, calibrate, read_meters

FIXTURE = Path(__file__).parent / "fixtures" / "mv" / "energyplus-1zone-crac.toml"
FIT = [FitKey("it.server.idle_w", 100.0, 780.0), FitKey("it.server.max_w", 780.0, 2500.0),
       FitKey("cooling.chiller.carnot_efficiency", 0.2, 0.9), FitKey("cooling.dry_cooler.effectiveness", 0.3, 0.95)]


@pytest.mark.slow
def test_calibrated_to_energyplus_meets_guideline_14_on_facility_electricity(shared_file, tmp_path):
    hourly = pd.read_csv(shared_file("data/energyplus/1zone-crac/1zone_crac_hourly.csv",
                                     "the calibration to a year of EnergyPlus"))
    assert len(hourly) == 8760
    # EnergyPlus' hour 1 covers 00:00-01:00 local standard time of a typical year that it tags 2013
    t = pd.date_range("2013-01-01T00:00:00Z", periods=8760, freq="h").strftime("%Y-%m-%dT%H:%M:%SZ")
    (tmp_path / "weather.csv").write_text(
        "# site: Chicago O'Hare TMY3 (the EnergyPlus run's hourly weather)\n# typical_year: true\n"
        + pd.DataFrame({"time": t, "drybulb_c": hourly.outdoor_drybulb_C, "rh_pct": hourly.outdoor_rh_pct,
                        "pressure_pa": hourly.outdoor_pressure_Pa}).to_csv(index=False), encoding="utf-8")
    pd.DataFrame({"time": t, "utilization": hourly.cpu_loading_schedule_frac * hourly.operation_schedule_frac}).to_csv(
        tmp_path / "util.csv", index=False)
    pd.DataFrame({"time": t, "facility_power_kw": hourly.facility_elec_W / 1000.0,
                  "it_power_kw": (hourly.ite_cpu_elec_W + hourly.ite_fan_elec_W) / 1000.0,
                  "cooling_power_kw": hourly.hvac_elec_W / 1000.0}).to_csv(tmp_path / "meters.csv", index=False)
    scenario = tmp_path / FIXTURE.name
    shutil.copy(FIXTURE, scenario)
    cal = calibrate(scenario, read_meters(tmp_path / "meters.csv"), FIT, starts=1)
    doc = cal.as_dict()
    for c, st in doc["channels"].items():
        h, m = st["hourly"], st["monthly"]
        print(f"{c}: hourly CV(RMSE) {h['cv_rmse_pct']:.2f} % NMBE {h['nmbe_pct']:+.2f} %; "
              f"monthly {m['cv_rmse_pct']:.2f} % {m['nmbe_pct']:+.2f} %")
    for key, f in doc["fitted"].items():
        print(f"{key} = {f['value']:.4g} (95 % {f['interval_95'][0]:.4g} .. {f['interval_95'][1]:.4g})")
    facility = doc["channels"]["facility_power_kw"]["hourly"]
    assert facility["n"] == 8760 and facility["meets_guideline_14"] is True  # CV(RMSE) <= 30 %, |NMBE| <= 10 %
    assert facility["cv_rmse_pct"] < 10.0  # measured 5.9 %: a margin for another machine's round-off, not a loose limit
    assert all(st["hourly"]["meets_guideline_14"] for st in doc["channels"].values())
    assert not any(f["at_bound"] for f in doc["fitted"].values())
    # the annual facility energy against EnergyPlus' unrounded 830,711.0 kWh (README): NMBE-sized
    e_sim = float(np.sum(cal.simulated["facility_power_kw"]))
    assert e_sim == pytest.approx(830_711.0, rel=0.02)
