"""The scripts under docs/examples run as the docs say (those that need a cluster: as far as
this machine allows)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_slurm_sweep_script_parses_its_options_without_dask_jobqueue():
    """docs/clusters.md's script: its options are read before dask-jobqueue is imported, so
    `--help` works anywhere, and without dask-jobqueue a real use says what to install."""
    script = ROOT / "docs" / "examples" / "slurm_sweep.py"
    help_ = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert help_.returncode == 0 and "--jobs" in help_.stdout and "--dry-run" in help_.stdout
    try:
        import dask_jobqueue  # noqa: F401
    except ImportError:
        run = subprocess.run([sys.executable, str(script), "a.toml", "out", "--dry-run"], capture_output=True,
                             text=True, timeout=60)
        assert run.returncode == 1 and "pip install dask-jobqueue" in run.stderr and "Traceback" not in run.stderr
