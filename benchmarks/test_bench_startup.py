"""Process cold start and Numba compile time, each in a fresh interpreter.

- ``test_bench_compile_kernel``: import the facility kernel and call it once, with an empty
  NUMBA_CACHE_DIR (so the call compiles), on the arguments the engine builds for the tiny
  scenario. Unit: compiles/s (``seconds_min`` is the time of one).
- ``test_bench_cold_start_no_cache``: ``python -m dcsim run`` of a one-day two-rack scenario
  with an empty NUMBA_CACHE_DIR: what a first run on a new machine costs.
- ``test_bench_cold_start_warm_cache``: the same with a warm cache: what every later run costs.

Measured as the CPU time of the child process (user + system), so a busy second core does not
inflate it; the wall time is in ``wall_seconds_min``. Compile-bound figures are relative to the
``compile`` calibration (Numba compiling a small function), the warm start to the ``process``
calibration (a fresh interpreter importing a fixed set of modules).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import dcsim
from _kernel_args import capture_kernel_call

# every round is a fresh interpreter: a second process of this suite would measure nothing new
# fresh interpreters every round (the gate's later passes skip them); 2-40 s each as a plain test,
# so make test-fast leaves them out
pytestmark = [pytest.mark.subprocess_rounds, pytest.mark.slow]

BENCH_DIR = Path(__file__).resolve().parent


def check_run(out_dir):
    kpis = json.loads((out_dir / "kpis.json").read_text())
    assert kpis["energy_balance_rel_error"] < 1e-6
    assert kpis["energy_it_kwh"] > 0.0
    assert len(pd.read_parquet(out_dir / "timeseries.parquet")) == 24  # one day, hourly rows


def test_bench_cold_start_no_cache(perf, dcsim_subprocess, numba_caches, tiny_scenario, tmp_path):
    out = tmp_path / "out"
    state = {}

    def setup():
        shutil.rmtree(out, ignore_errors=True)
        state["cache"] = numba_caches.empty()

    def run():
        dcsim_subprocess(["-m", "dcsim", "run", str(tiny_scenario), "-o", str(out), "--quiet"], numba_cache_dir=state["cache"])

    perf.run(run, work=1, unit="runs/s", calibration="compile", setup=setup, rounds=2 if perf.quick else 3, warmup_rounds=0)
    check_run(out)
    assert any(state["cache"].rglob("kernels.facility_kernel*.nbi"))  # it compiled and cached
    numba_caches.offer_warm(state["cache"])  # the last run left a warm cache behind


def test_bench_cold_start_warm_cache(perf, dcsim_subprocess, numba_caches, tiny_scenario, tmp_path):
    out = tmp_path / "out"
    cache = numba_caches.warm

    def setup():
        shutil.rmtree(out, ignore_errors=True)

    def run():
        dcsim_subprocess(["-m", "dcsim", "run", str(tiny_scenario), "-o", str(out), "--quiet"], numba_cache_dir=cache)

    perf.run(run, work=1, unit="runs/s", calibration="process", setup=setup, min_rounds=3, warmup_rounds=1)
    check_run(out)


def test_bench_compile_kernel(perf, dcsim_subprocess, numba_caches, tiny_scenario, tmp_path):
    """Fresh process: import the kernel, call it once (compiling it). Unit: compiles/s.

    In ``make test`` (benchmarks disabled) the probe runs once against the warm cache left by
    the no-cache cold start, which already showed that compiling into an empty cache works:
    that saves a 15 s compile and still checks the probe's results.
    """
    call = capture_kernel_call(dcsim.load_scenario(tiny_scenario))
    args_file = tmp_path / "kernel-args.pickle"
    args_file.write_bytes(call.dumps())
    probe = str(BENCH_DIR / "_compile_probe.py")
    state = {}

    def setup():
        state["cache"] = numba_caches.empty() if perf.enabled else numba_caches.warm

    def run():
        proc = dcsim_subprocess([probe, str(args_file)], numba_cache_dir=state["cache"])
        return json.loads(proc.stdout.strip().splitlines()[-1])

    report = perf.run(
        run, work=1, unit="compiles/s", calibration="compile", setup=setup,
        rounds=2 if perf.quick else 3, warmup_rounds=0,  # each round compiles from scratch anyway
    )
    if perf.enabled:
        for key in ("import_s", "first_call_s", "import_cpu_s", "first_call_cpu_s"):
            perf.benchmark.extra_info[f"last_{key}"] = report[key]

    # it compiled, into the (empty) cache it was given ...
    assert any(state["cache"].rglob("kernels.facility_kernel*.nbi"))
    # ... and computed what the same call computes here
    call.run()
    assert report["it_power_kw_sum"] == float(np.sum(call.outputs.it_power_kw)) > 0.0
    assert report["rack_energy_kwh"] == call.accumulators.energy_kwh.tolist()
