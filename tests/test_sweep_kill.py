"""A sweep killed with SIGKILL loses at most the runs in flight: resuming it finishes the
rest, and every run is in results.parquet exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

psutil = pytest.importorskip("psutil")

ROOT = Path(__file__).resolve().parents[1]
SWEEP = Path(__file__).parent / "fixtures" / "sweeps" / "kill.toml"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.slow  # a 90-day sweep killed and resumed, about 20 s
def test_sigkill_then_resume_runs_every_run_exactly_once(tmp_path):
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "dcsim", "sweep", str(SWEEP), "-o", str(out), "--workers", "2", "--quiet"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    runs = out / "runs"
    deadline = time.monotonic() + 120
    try:
        while len(list(runs.glob("*.json"))) < 2:
            assert proc.poll() is None, f"the sweep ended before it could be killed: {proc.stderr.read()!r}"
            assert time.monotonic() < deadline, "no run finished within 120 s"
            time.sleep(0.02)
        workers = psutil.Process(proc.pid).children(recursive=True)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    done_at_kill = len(list(runs.glob("*.json")))
    assert 2 <= done_at_kill < 10, "the kill should land in the middle of the sweep"
    assert not (out / "results.parquet").exists()  # killed before the end: nothing consolidated

    # the orphaned worker processes notice their parent is gone and exit
    gone, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, f"worker processes left behind: {alive}"

    resumed = subprocess.run([*cmd, "--resume"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    df = pd.read_parquet(out / "results.parquet")
    assert sorted(df["run_id"]) == list(range(10)) and df["run_id"].is_unique
    assert (df["status"] == "ok").all()
    assert df["scenario_hash"].is_unique and len(list(runs.glob("*.json"))) == 10
    assert not list(runs.glob(".tmp-*"))
    manifest = json.loads((out / "sweep.json").read_text())
    assert manifest["reused"] >= done_at_kill and manifest["executed"] == 10 - manifest["reused"]
