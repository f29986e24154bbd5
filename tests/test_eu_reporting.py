"""The indicators of Commission Delegated Regulation (EU) 2024/1364 (Annex II KPIs, Annex III
PUE, WUE, ERF, REF) in kpis.json's ``eu_2024_1364`` section: each from its definition, by hand."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import dcsim
from dcsim.eu_reporting import EU_SECTION, REPORTING_THRESHOLD_KW, eu_2024_1364_indicators

ROOT = Path(__file__).resolve().parents[1]
HALL = ROOT / "scenarios" / "chiller-crah-stockholm-heat-reuse.toml"
OVER = {"simulation.duration": "2d", "simulation.start": "2025-02-03T00:00:00Z"}


def test_the_section_follows_annexes_ii_and_iii_by_hand(tmp_path):
    r = dcsim.simulate(dcsim.load_scenario(HALL, overrides={**OVER, "site.renewable_energy_share": 0.6}))
    k, eu, ts = r.kpis, r.reporting, r.timeseries
    assert eu["e_dc_kwh"] == k["energy_facility_kwh"] and eu["e_it_kwh"] == k["energy_it_kwh"]
    assert eu["pue"] == pytest.approx(eu["e_dc_kwh"] / eu["e_it_kwh"], rel=1e-15)  # Annex III: EDC / EIT
    assert eu["wue_l_per_kwh"] == pytest.approx(k["water_m3"] * 1000 / k["energy_it_kwh"], rel=1e-15)  # WIN / EIT
    assert eu["erf"] == pytest.approx(k["heat_reused_kwh"] / k["energy_facility_kwh"], rel=1e-15)  # EREUSE / EDC
    assert eu["ref"] == pytest.approx(0.6, rel=1e-15)  # ERES-TOT / EDC: the retired guarantees' share
    assert eu["e_res_tot_kwh"] == pytest.approx(0.6 * k["energy_facility_kwh"], rel=1e-15)
    assert eu["pue"] == pytest.approx(k["pue"], rel=1e-15) and eu["erf"] == pytest.approx(k["erf"], rel=1e-15)
    # TWH and TIN: time means of the waste-heat stream's temperature and of the intake setpoint (the
    # recorded rows are equal intervals, so their mean is the steps' mean; 1e-12: the sums' order)
    assert eu["t_wh_c"] == pytest.approx(float(ts["heat_source_c"].mean()), rel=1e-12)
    assert eu["t_in_c"] == pytest.approx(float(ts["supply_setpoint_c"].mean()), rel=1e-12)
    assert eu["applies"] is True and eu["pd_it_kw"] >= REPORTING_THRESHOLD_KW  # a 1 MW hall reports
    assert eu["calendar_year"] is False and eu["period_days"] == 2.0
    assert eu["heat_reuse_boundary"] == "heat pump inside"
    numbers = [v for v in eu.values() if isinstance(v, float)]
    assert numbers and all(np.isfinite(numbers))
    # on disk: a section of kpis.json beside the KPIs, which load back as numbers alone
    r.save(tmp_path)
    doc = json.loads((tmp_path / "kpis.json").read_text(encoding="utf-8"))
    assert doc[EU_SECTION] == json.loads(json.dumps(eu))
    back = dcsim.load_results(tmp_path)
    assert EU_SECTION not in back.kpis and all(isinstance(v, float) for v in back.kpis.values())
    assert back.reporting == doc[EU_SECTION]


def test_a_utility_heat_pump_is_reported_outside_and_a_small_hall_is_not_covered():
    ut = dcsim.simulate(dcsim.load_scenario(HALL, overrides={
        **OVER, "heat_reuse.ownership": "utility", "heat_reuse.source_price_sek_per_mwh": 0.0}))
    assert ut.reporting["heat_reuse_boundary"] == "heat pump outside"
    assert ut.reporting["e_reuse_kwh"] == ut.kpis["heat_reused_kwh"]  # the evaporator's heat, at the boundary
    small = dcsim.simulate(dcsim.load_scenario(HALL, overrides={**OVER, "it.racks": 10}))
    assert small.reporting["pd_it_kw"] < REPORTING_THRESHOLD_KW and small.reporting["applies"] is False


def test_calendar_year_and_empty_periods():
    kpis = {"energy_facility_kwh": 0.0, "energy_it_kwh": 0.0, "water_m3": 0.0, "heat_reused_kwh": 0.0}
    cols = {"heat_source_c": np.array([]), "supply_setpoint_c": np.array([])}
    kw = dict(pd_it_kw=600.0, renewable_share=0.0, heat_reuse=False, heat_pump_inside=True)
    year = eu_2024_1364_indicators(kpis, cols, start_utc="2025-01-01T00:00:00Z", duration_s=365 * 86400, **kw)
    assert year["calendar_year"] is True and year["heat_reuse_boundary"] == "none"
    assert year["pue"] == year["wue_l_per_kwh"] == year["erf"] == year["ref"] == 0.0  # nothing to divide: 0, not NaN
    later = eu_2024_1364_indicators(kpis, cols, start_utc="2025-01-02T00:00:00Z", duration_s=365 * 86400, **kw)
    assert later["calendar_year"] is False
    noon = eu_2024_1364_indicators(kpis, cols, start_utc="2025-01-01T12:00:00Z", duration_s=365 * 86400, **kw)
    assert noon["calendar_year"] is False  # a year from noon on 1 January is not the calendar year


def test_a_case_keeps_the_section_in_its_run_folders(tmp_path):
    result = dcsim.run_case(ROOT / "tests" / "fixtures" / "cases" / "small.toml", overrides={"simulation.duration": "1d"},
                            replications=1)
    result.save(tmp_path)
    doc = json.loads((tmp_path / "runs" / "baseline" / "kpis.json").read_text(encoding="utf-8"))
    assert doc[EU_SECTION]["e_dc_kwh"] == doc["energy_facility_kwh"]
