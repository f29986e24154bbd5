"""Ctrl-C and SIGTERM at the command line: exit 130 and 143 with one line saying what was kept,
no traceback, nothing half-written (issue 19), from the console entry's first line on: a signal
during the imports ends the same way (dcsim._entry)."""

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


@pytest.mark.parametrize("fraction", [0.10, 0.50, 0.95])
def test_sigint_at_a_share_of_the_run_keeps_the_previous_output(tmp_path, capsys, monkeypatch, fraction):
    """A real SIGINT, sent to this process when the engine reports ``fraction`` of the steps
    done: exit 130, the one line, and the folder of the previous run byte for byte as it was."""
    from dcsim import cli

    scenario = Path(__file__).resolve().parents[1] / "scenarios" / "lulea-air-1mw.toml"
    short = ["--set", "simulation.duration=20d", "--set", "simulation.step=300s", "-q"]
    out = tmp_path / "out"
    assert cli.main(["run", str(scenario), "-o", str(out), *short]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    seen = []
    original = cli._Progress.__call__

    def progress(self, done, total):
        seen.append(done / total)
        if done / total >= fraction and not getattr(self, "_sent", False):
            self._sent = True
            os.kill(os.getpid(), signal.SIGINT)
        original(self, done, total)

    monkeypatch.setattr(cli._Progress, "__call__", progress)
    capsys.readouterr()
    assert cli.main(["run", str(scenario), "-o", str(out), *short, "--set", "room.supply_air_c=24"]) == 130
    err = capsys.readouterr().err
    assert "interrupted" in err and "nothing of this one was written" in err and "Traceback" not in err
    assert seen and seen[-1] < 1.0  # stopped inside the run
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.dcsim-")] == []


def _catches(pid: int, sig: int) -> bool:
    """Whether process ``pid`` has a handler for ``sig`` (Linux: the SigCgt mask in /proc)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    mask = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
    return bool(mask >> (sig - 1) & 1)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the signal mask from /proc (Linux)")
@pytest.mark.parametrize("sig, code, word", [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
@pytest.mark.parametrize("late_s", [0.0, 0.05, 0.15, 0.3])
def test_a_signal_during_start_up_prints_one_line(tmp_path, sig, code, word, late_s):
    """The console entry (dcsim._entry) handles the signals before it imports the command line:
    a signal sent as soon as the handler is in place, or a little later (inside typer's, rich's,
    numba's imports), ends with the exit code and one line. SIGTERM's handler is the marker,
    since Python itself catches only SIGINT."""
    scenario = Path(__file__).resolve().parents[1] / "scenarios" / "lulea-air-1mw.toml"
    proc = subprocess.Popen([sys.executable, "-m", "dcsim", "run", str(scenario), "--set", "simulation.duration=1d",
                             "-o", str(tmp_path / "out"), "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while not _catches(proc.pid, signal.SIGTERM) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    time.sleep(late_s)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert "Traceback" not in err and "internal error" not in err, err
    assert word in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "out").exists()
