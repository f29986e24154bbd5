"""Every example case in scenarios/cases/ runs with `dcsim case` as it is written.

The examples simulate a full year; here each runs for two days and one weather year
(`--set simulation.duration=2d -r 1`) to keep the test short: the files, the keys and the
components are exactly those of the shipped cases.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dcsim.case import load_case
from dcsim.case.output import comparison_columns

ROOT = Path(__file__).resolve().parents[1]
CASES = sorted((ROOT / "scenarios" / "cases").glob("*.toml"))


def test_there_are_example_cases():
    names = {p.stem for p in CASES}
    assert {"supply-air-a2", "hot-aisle-containment", "efficient-ups", "efficient-chiller",
            "evaporative-free-cooling", "heat-pump-district-heating", "price-aware-batch-scheduling",
            "direct-to-chip-liquid"} <= names


@pytest.mark.parametrize("case_file", CASES, ids=lambda p: p.stem)
@pytest.mark.slow  # `dcsim case` in a subprocess, about 3 s a case
def test_example_case_runs(case_file, tmp_path):
    case = load_case(case_file)  # as shipped: a full year, several weather years
    assert case.baseline.scenario.simulation.duration == 365 * 86400
    assert case.assumptions.replications >= 2
    for p in case.proposals:  # report texts in both languages
        assert isinstance(p.title_text, dict) and set(p.title_text) == {"en", "sv"}, p.name
    lang = "sv" if case_file.stem == "evaporative-free-cooling" else "en"
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "dcsim", "case", str(case_file), "-o", str(out), "--quiet", "--lang", lang,
         "--set", "simulation.duration=2d", "-r", "1"],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and proc.stderr == ""
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and f'<html lang="{lang}">' in html
    table = pd.read_csv(out / "comparison.csv")
    assert list(table.columns) == comparison_columns()
    assert list(table["variant"]) == ["baseline", *[p.name for p in case.proposals]]
    for name in table["variant"]:
        assert (out / "runs" / name / "kpis.json").is_file(), name
        assert (out / "runs" / name / "timeseries.parquet").is_file(), name
    assert table["energy_balance_rel_error"].max() < 1e-6
