"""The command line end to end, in a subprocess as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIX = Path(__file__).parent / "fixtures" / "scenarios"


def dcsim(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "dcsim", *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=600
    )


@pytest.mark.slow  # two `dcsim run` subprocesses, about 3.5 s
def test_run_writes_the_output_files(tmp_path):
    out = tmp_path / "run"
    proc = dcsim("run", FIX / "minimal.toml", "-o", out, "--set", "room.supply_air_c=24")
    assert proc.returncode == 0, proc.stderr
    for name in ("kpis.json", "timeseries.parquet", "racks.parquet", "scenario.resolved.toml", "manifest.json"):
        assert (out / name).is_file(), name
    kpis = json.loads((out / "kpis.json").read_text())
    assert kpis["energy_balance_rel_error"] < 1e-6
    assert "pue" in proc.stdout and "energy_it_kwh" in proc.stdout  # the KPI table
    manifest = json.loads((out / "manifest.json").read_text())
    for key in ("dcsim_version", "scenario_sha256", "seed", "start_time_utc", "wall_time_s", "platform"):
        assert key in manifest
    assert len(manifest["scenario_sha256"]) == 64
    resolved = (out / "scenario.resolved.toml").read_text()
    assert "supply_air_c = 24" in resolved and "recirculation_fraction" not in resolved
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert len(ts) == 48  # 2 days of hourly records
    # the resolved scenario runs again to the same numbers
    again = tmp_path / "again"
    proc2 = dcsim("run", out / "scenario.resolved.toml", "-o", again, "--quiet")
    assert proc2.returncode == 0, proc2.stderr
    kpis2 = json.loads((again / "kpis.json").read_text())
    assert {k: v for k, v in kpis.items() if k != "sim_wall_s"} == {k: v for k, v in kpis2.items() if k != "sim_wall_s"}


def test_quiet_prints_nothing(tmp_path):
    proc = dcsim("run", FIX / "minimal.toml", "-o", tmp_path / "q", "--quiet")
    assert proc.returncode == 0
    assert proc.stdout == "" and proc.stderr == ""


def test_invalid_file_exit_2_lists_all_problems_without_traceback(tmp_path):
    out = tmp_path / "never"
    proc = dcsim("run", FIX / "invalid_four.toml", "-o", out)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    for path in ("site.climate", "it.racks", "room.supply_air_c", "room.suply_air_c"):
        assert path in proc.stderr
    assert "invalid_four.toml, line 12" in proc.stderr
    assert "(got 55)" in proc.stderr
    assert not out.exists()  # nothing half-written


@pytest.mark.slow  # three subprocesses, about 3.5 s
def test_validate(tmp_path):
    ok = dcsim("validate", ROOT / "scenarios" / "lulea-air-1mw.toml")
    assert ok.returncode == 0, ok.stderr
    assert "valid" in ok.stdout
    bad = dcsim("validate", FIX / "invalid_four.yaml")
    assert bad.returncode == 2
    assert "room.suply_air_c" in bad.stderr and "Traceback" not in bad.stderr
    bad_set = dcsim("validate", FIX / "minimal.toml", "--set", "room.supply_air_c=hot", "--set", "oops")
    assert bad_set.returncode == 2
    assert "--set" in bad_set.stderr and "oops" in bad_set.stderr


def test_validate_checks_the_grid_options_the_schema_cannot():
    bad = dcsim("validate", FIX / "minimal.toml", "--set", "site.grid_options.tax_year=2019",
                "--set", "site.grid_options.network_operator=nobody")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "site.grid_options.tax_year" in bad.stderr and "2022-2026" in bad.stderr
    assert "site.grid_options.network_operator" in bad.stderr and "sundsvall-elnat-2024" in bad.stderr


def test_missing_scenario_file_is_exit_2():
    proc = dcsim("run", "does-not-exist.toml")
    assert proc.returncode == 2
    assert "file not found" in proc.stderr and "Traceback" not in proc.stderr


def test_unknown_option_is_exit_2():
    proc = dcsim("run", FIX / "minimal.toml", "--frobnicate")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_schema_prints_json_schema():
    proc = dcsim("schema")
    assert proc.returncode == 0
    schema = json.loads(proc.stdout)
    assert schema["additionalProperties"] is False
    assert "room" in schema["properties"]


@pytest.mark.parametrize("kind,expect", [("servers", "ibm-x3550-x5670"), ("climates", "builtin:lulea"),
                                         ("grids", "builtin:se1"), ("equipment", "mcquay")])
def test_catalog(kind, expect):
    proc = dcsim("catalog", kind)
    assert proc.returncode == 0, proc.stderr
    assert expect in proc.stdout


@pytest.mark.slow  # three subprocesses, about 3 s
def test_new_writes_a_runnable_starter(tmp_path):
    proc = dcsim("new", tmp_path / "proj")
    assert proc.returncode == 0, proc.stderr
    starter = tmp_path / "proj" / "scenario.toml"
    assert starter.is_file()
    assert dcsim("validate", starter).returncode == 0
    again = dcsim("new", tmp_path / "proj")
    assert again.returncode == 2  # never overwrites


def test_version():
    proc = dcsim("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("dcsim ")
