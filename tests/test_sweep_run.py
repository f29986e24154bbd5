"""Running sweeps: local processes and a real Dask LocalCluster give identical results; a
failing run is recorded and the sweep goes on; resume reuses finished runs; the results
table, run records and sensitivity outputs follow the contract."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import dcsim
from dcsim import KPI_NAMES, InputError
from dcsim.sweep import execute_sweep, load_sweep, run_sweep
from dcsim.sweep.sensitivity import rank_correlations, tornado, write_sensitivity
from dcsim.sweep.store import LEAD_COLUMNS, results_frame

ROOT = Path(__file__).resolve().parents[1]
FIX = Path(__file__).parent / "fixtures" / "sweeps"
MODEL_KPIS = [k for k in KPI_NAMES if k != "sim_wall_s"]  # sim_wall_s is a wall-clock time


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "local"
    outcome = execute_sweep(FIX / "small.toml", out, executor="local", workers=2)
    return outcome


@pytest.mark.slow  # the sweep of local_run, about 5 s
def test_results_parquet_follows_the_contract(local_run):
    df = pd.read_parquet(local_run.output_dir / "results.parquet")
    params = ["room.supply_air_c", "room.containment"]
    lead = [*LEAD_COLUMNS, *params, *KPI_NAMES]
    assert list(df.columns[: len(lead)]) == lead
    assert set(df.columns[len(lead):]) <= set(getattr(dcsim, "EXTRA_KPI_NAMES", ()))  # extra KPIs, after
    assert df["run_id"].tolist() == list(range(8))
    assert (df["status"] == "ok").all() and df["error"].isna().all()
    assert df["seed"].tolist() == [7, 8] * 4
    assert (df["wall_s"] > 0).all()
    assert (df["energy_balance_rel_error"] < 1e-6).all()
    assert df["scenario_hash"].str.len().eq(64).all() and df["scenario_hash"].nunique() == 8
    records = sorted((local_run.output_dir / "runs").glob("*.json"))
    assert len(records) == 8 and not list((local_run.output_dir / "runs").glob(".tmp-*"))
    rec = json.loads(records[0].read_text())
    assert rec["dcsim_version"] == dcsim.__version__
    # one thread per worker: Numba and the BLAS/OpenMP variables pinned
    assert rec["threads"]["numba"] == 1
    assert all(rec["threads"][k] == "1" for k in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"))
    for name in ("summary.csv", "tornado_pue.csv", "tornado_pue.png", "sweep.json"):
        assert (local_run.output_dir / name).is_file(), name


@pytest.mark.slow  # the sweep of local_run, about 5 s
def test_a_run_in_a_worker_equals_the_same_run_in_process(local_run):
    sw = load_sweep(FIX / "small.toml")
    res = dcsim.simulate(sw.runs[5].scenario)
    row = local_run.results.set_index("run_id").loc[5]
    assert row["scenario_hash"] == res.manifest["scenario_sha256"]
    assert all(row[k] == res.kpis[k] for k in MODEL_KPIS)  # bit for bit


@pytest.mark.slow  # a Dask cluster, about 8 s
def test_dask_local_cluster_gives_identical_results(local_run, tmp_path):
    pytest.importorskip("distributed")
    df = run_sweep(FIX / "small.toml", tmp_path / "dask", executor="dask", workers=2)
    local = pd.read_parquet(local_run.output_dir / "results.parquet")
    dask = pd.read_parquet(tmp_path / "dask" / "results.parquet")
    assert np.array_equal(df[MODEL_KPIS].to_numpy(), dask[MODEL_KPIS].to_numpy())  # returned = written
    assert dask["run_id"].tolist() == local["run_id"].tolist()
    assert dask["scenario_hash"].tolist() == local["scenario_hash"].tolist()
    assert np.array_equal(dask[MODEL_KPIS].to_numpy(), local[MODEL_KPIS].to_numpy())  # bit for bit
    assert json.loads((tmp_path / "dask" / "sweep.json").read_text())["executor"] == "dask"
    for record in (tmp_path / "dask" / "runs").glob("*.json"):
        threads = json.loads(record.read_text())["threads"]
        assert threads["numba"] == 1 and threads["NUMBA_NUM_THREADS"] == "1" and threads["OMP_NUM_THREADS"] == "1"


@pytest.mark.slow  # the sweep of local_run, about 5 s
def test_resume_reuses_every_finished_run(local_run, tmp_path):
    import shutil

    out = tmp_path / "copy"
    shutil.copytree(local_run.output_dir, out)
    with pytest.raises(InputError, match="--resume"):
        execute_sweep(FIX / "small.toml", out)  # a folder with runs needs --resume
    again = execute_sweep(FIX / "small.toml", out, resume=True)
    assert again.executed == 0 and again.reused == 8
    assert np.array_equal(again.results[MODEL_KPIS].to_numpy(), local_run.results[MODEL_KPIS].to_numpy())


@pytest.mark.slow  # a sweep in a subprocess, about 8 s
def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path):
    out = tmp_path / "broken"
    proc = subprocess.run(
        [sys.executable, "-m", "dcsim", "sweep", str(FIX / "broken_run.toml"), "-o", str(out), "--workers", "2"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert proc.returncode == 1, proc.stderr  # some run failed; the others ran
    assert "Traceback" not in proc.stderr and "1 of 3 runs failed" in " ".join(proc.stderr.split())
    df = pd.read_parquet(out / "results.parquet")
    assert df["status"].tolist() == ["ok", "failed", "ok"]
    error = df.loc[1, "error"]
    assert "not_weather.csv" in error and "missing column 'time'" in error
    assert math.isnan(df.loc[1, "pue"]) and df.loc[[0, 2], "pue"].gt(1).all()
    assert df.loc[1, "site.climate"] == "not_weather.csv"
    # on resume a failed run is tried again (it fails again); the finished ones are reused
    again = execute_sweep(FIX / "broken_run.toml", out, resume=True)
    assert again.executed == 1 and again.reused == 2 and again.failed == 1


def test_sensitivity_tables_from_known_kpis():
    """Tornado and Spearman on a sampled sweep whose KPIs are made up from its parameters."""
    sw = load_sweep(FIX / "sampled.yaml")
    records = {}
    for run in sw.runs:
        p = run.params
        kpis = {k: 0.0 for k in KPI_NAMES}
        kpis["pue"] = 2.0 - 0.01 * p["room.supply_air_c"]  # falls with the setpoint only
        # energy rises with the racks; hot-aisle costs a little more (made up)
        kpis["energy_facility_kwh"] = p["it.racks"] * 100 + (10 if p["room.containment"] == "hot-aisle" else 0)
        records[run.key] = {"key": run.key, "status": "ok", "error": None, "wall_s": 0.1, "kpis": kpis}
    frame = results_frame(sw, records)
    rho = rank_correlations(sw, frame)
    assert list(rho.index) == ["room.supply_air_c", "workload.mean_utilization", "it.racks"]
    assert rho.loc["it.racks", "energy_facility_kwh"] > 0.95
    assert rho.loc["room.supply_air_c", "pue"] == pytest.approx(-1.0)
    assert np.isnan(rho.loc["it.racks", "water_m3"])  # a constant KPI has no rank correlation
    tor = tornado(sw, frame, "energy_facility_kwh")
    assert tor["parameter"].tolist() == ["room.containment"]
    assert tor.loc[0, "value_at_max"] == "hot-aisle" and tor.loc[0, "swing"] == pytest.approx(10.0)


def test_sensitivity_files(tmp_path):
    sw = load_sweep(FIX / "small.toml")
    records = {}
    for run in sw.runs:
        kpis = {k: 1.0 for k in KPI_NAMES}
        kpis["pue"] = 1.2 + 0.01 * run.params["room.supply_air_c"] + (0.05 if run.params["room.containment"] == "none" else 0)
        records[run.key] = {"key": run.key, "status": "ok", "error": None, "wall_s": 0.1, "kpis": kpis}
    frame = results_frame(sw, records)
    out = write_sensitivity(sw, frame, "pue", tmp_path)
    tor = pd.read_csv(tmp_path / "tornado_pue.csv")
    assert tor["parameter"].tolist() == ["room.containment", "room.supply_air_c"]  # largest swing first
    assert tor["swing"].tolist() == pytest.approx([0.05, 0.04])
    assert tor.loc[0, "value_at_max"] == "none" and tor.loc[1, "value_at_max"] == "24"
    assert (tmp_path / "tornado_pue.png").stat().st_size > 1000
    assert out["spearman"] is None  # a grid sweep: no rank correlations
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert summary.set_index("kpi").loc["pue", "runs"] == 8


def test_option_errors_exit_2():
    with pytest.raises(InputError) as info:
        execute_sweep(FIX / "small.toml", "unused", executor="cluster", workers=0, kpi="peu")
    assert {p.path for p in info.value.problems} == {"--executor", "--workers", "--kpi"}


@pytest.mark.slow  # worker processes, about 3 s
def test_a_worker_process_that_dies_is_recorded_and_the_sweep_goes_on(tmp_path, monkeypatch):
    """A run that kills its worker process (a crash, the out-of-memory killer) breaks the
    process pool; its runs are retried once in a new pool, the culprit is recorded as failed."""
    from dcsim.sweep._worker import CRASH_ENV

    sw = load_sweep(FIX / "broken_run.toml")
    monkeypatch.setenv(CRASH_ENV, sw.runs[2].key[:16])  # inherited by the spawned workers
    outcome = execute_sweep(sw, tmp_path / "crash", workers=1)
    df = outcome.results
    assert df["status"].tolist() == ["ok", "failed", "failed"]
    assert "worker process died" in df.loc[2, "error"] and "not_weather.csv" in df.loc[1, "error"]
