"""Running cases: pairing, intervals, the identical proposal, and what gets written."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import dcsim
from dcsim.case import load_case, paired_difference
from dcsim.case.output import comparison_columns
from dcsim.results import KPI_NAMES

FIX = Path(__file__).parent / "fixtures" / "cases"
SCEN = Path(__file__).parent / "fixtures" / "scenarios"

ECONOMICS = ["savings_sek_per_year", "payback_years", "npv_sek", "co2_abated_t_per_year", "abatement_cost_sek_per_t"]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("small")
    result = dcsim.run_case(FIX / "small.toml", output=out, overrides={"simulation.duration": "3d"})
    return result, out


def test_identical_proposal_gives_exactly_zero_differences(small):
    result, out = small
    diffs = result.differences["same"]
    for k in KPI_NAMES:
        d = diffs[k]
        assert d.mean == 0.0 and d.p05 == 0.0 and d.p95 == 0.0, k  # exactly, and a zero-width interval
        assert d.values == (0.0,) * 3
    table = pd.read_csv(out / "comparison.csv")
    row = table.set_index("variant").loc["same"]
    for k in KPI_NAMES:
        assert row[f"delta_{k}"] == 0.0 and row[f"delta_{k}_p05"] == 0.0 and row[f"delta_{k}_p95"] == 0.0, k
    assert row["savings_sek_per_year"] == 0.0 and row["npv_sek"] == 0.0 and row["co2_abated_t_per_year"] == 0.0
    # the identical proposal reused the baseline's runs instead of simulating them again
    assert result.outcomes[2].reused_from == ["baseline"] * 3
    assert result.runs_simulated == 6


def test_identical_proposal_simulated_again_is_still_zero_except_wall_time():
    case = load_case(FIX / "small.toml", overrides={"simulation.duration": "1d"}, replications=2)
    result = case.run(reuse_identical=False)
    assert result.runs_simulated == 6
    for k in KPI_NAMES:
        if k == "sim_wall_s":
            continue
        d = result.differences["same"][k]
        assert (d.mean, d.p05, d.p95) == (0.0, 0.0, 0.0), k  # deterministic runs: bit-identical KPIs


def test_comparison_csv_columns_and_rows(small):
    result, out = small
    table = pd.read_csv(out / "comparison.csv")
    assert list(table.columns) == comparison_columns()
    assert list(table.columns[: 1 + len(KPI_NAMES)]) == ["variant", *KPI_NAMES]
    assert list(table.columns[-5:]) == ECONOMICS
    for k in KPI_NAMES:
        assert {f"delta_{k}", f"delta_{k}_p05", f"delta_{k}_p95"} <= set(table.columns)
    assert list(table["variant"]) == ["baseline", "supply-24c", "same"]  # baseline first
    base = table.iloc[0]
    assert all(np.isnan(base[c]) for c in ECONOMICS)  # the baseline has no business case
    # KPI columns are the means over the replications
    reps = pd.read_csv(out / "replications.csv")
    assert len(reps) == 9 and set(reps["seed"]) == {42, 43, 44}
    mean_pue = reps[reps["variant"] == "supply-24c"]["pue"].mean()
    assert table.iloc[1]["pue"] == pytest.approx(mean_pue, rel=1e-9)
    # the business case follows from the mean differences: 3 days scaled to 365
    bc = result.business["supply-24c"]
    assert table.iloc[1]["savings_sek_per_year"] == pytest.approx(bc.savings_sek_per_year, rel=1e-9)
    assert bc.energy_cost_saving_sek_per_year == pytest.approx(-table.iloc[1]["delta_energy_cost_sek"] * 365 / 3)


def test_run_folders_per_variant(small):
    result, out = small
    for name in ("baseline", "supply-24c", "same"):
        d = out / "runs" / name
        for f in ("kpis.json", "timeseries.parquet", "racks.parquet", "scenario.resolved.toml", "manifest.json"):
            assert (d / f).is_file(), (name, f)
        manifest = json.loads((d / "manifest.json").read_text())
        assert manifest["variant"] == name and manifest["replication_seeds"] == [42, 43, 44]
        loaded = dcsim.load_results(d)
        doc = json.loads((d / "kpis.json").read_text())
        section = doc.pop("eu_2024_1364")  # a section beside the KPIs (dcsim.eu_reporting), not a KPI
        assert loaded.kpis == doc and loaded.reporting == section
    patched = dcsim.load_results(out / "runs" / "supply-24c")
    assert patched.scenario.room.supply_air_c == 24
    assert patched.scenario.simulation.duration == 3 * 86400


def test_replications_pair_the_weather(tmp_path):
    # In July the chiller's condensing follows the outdoor air, so weather years differ; the
    # baseline and the proposal see the same year within each replication.
    case_file = tmp_path / "summer.toml"
    case_file.write_text(textwrap.dedent(f"""
        [case]
        name = "summer"
        baseline = "{(SCEN / 'minimal.toml').as_posix()}"
        [case.baseline_patch]
        simulation.start = 2025-07-10T00:00:00Z
        simulation.duration = "2d"
        [assumptions]
        replications = 4
        [[proposals]]
        name = "better-chiller"
        capital_cost_sek = 1000
        lifetime_years = 5
        patch = {{ "cooling.chiller.carnot_efficiency" = 0.5 }}  # better than the default, 0.405 at 40 K lift
        """))
    result = dcsim.run_case(case_file)
    base, prop = result.outcomes
    # every replication of both variants saw the same weather, and the years differ
    temps = []
    for r in range(4):
        temps.append(base.kpis[r]["energy_facility_kwh"])
    assert len(set(temps)) == 4
    d = result.differences["better-chiller"]["energy_facility_kwh"]
    assert d.mean < 0 and d.p05 < d.p95 and d.p05 <= d.mean <= d.p95
    assert d.values == tuple(prop.kpis[r]["energy_facility_kwh"] - base.kpis[r]["energy_facility_kwh"] for r in range(4))
    assert [h[:8] for h in base.hashes] != [h[:8] for h in base.hashes[:1]] * 4  # a scenario per seed
    assert base.hashes != prop.hashes


def test_paired_difference_percentiles():
    d = paired_difference([11.0, 12.0, 13.0, 14.0, 15.0], [1.0, 1.0, 1.0, 1.0, 1.0])
    assert d.mean == 12.0
    assert d.p05 == pytest.approx(10.2) and d.p95 == pytest.approx(13.8)  # linear between order statistics
    one = paired_difference([5.0], [2.0])
    assert (one.mean, one.p05, one.p95) == (3.0, 3.0, 3.0)


def test_x_factor_fallback_reads_the_ashrae_table():
    """x_factor_mean (for runs whose engine reports no xfactor_failure_rate) uses the table of
    dcsim.thermal.ashrae: REFERENCES.md 1.00 at 20 °C, 1.13 at 22.5 °C, 0.72 at 15 °C and
    1.76 at 45 °C, held outside 15-45 °C."""
    from dcsim.case.runner import x_factor_mean

    def mean_of(inlets):
        return x_factor_mean(pd.DataFrame({"mean_inlet_c": inlets}))

    assert mean_of([20.0, 22.5]) == pytest.approx((1.00 + 1.13) / 2, abs=1e-12)
    assert mean_of([10.0, 50.0]) == pytest.approx((0.72 + 1.76) / 2, abs=1e-12)
    assert mean_of([]) == 0.0
