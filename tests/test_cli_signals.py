"""Ctrl-C and SIGTERM at the command line: exit 130 and 143 with one line saying what was kept,
no traceback, nothing half-written (issue 19). A signal during the imports, before main sets
its handlers, still ends the Python way: issue 19's lazy imports are to shorten that window."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "jobs-lulea-batch.toml"  # a year of jobs: minutes


@pytest.mark.parametrize("sig, code, word", [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
@pytest.mark.parametrize("after_s", [4.0, 8.0])  # inside main: the compilation (cold cache) or the run
def test_a_signal_stops_a_run_cleanly(tmp_path, sig, code, word, after_s):
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "dcsim", "run", str(SCENARIO), "-o", str(out), "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    time.sleep(after_s)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == code, err
    assert word in err and "nothing of this one was written" in err
    assert "Traceback" not in err and "internal error" not in err
    assert not out.exists()
