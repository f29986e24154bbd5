"""Sweep executors against running the same scenarios in one process.

Two figures per executor (``local`` processes, Dask ``LocalCluster``):

- **overhead** (``test_bench_sweep_overhead``, gated): a sweep of 20 tiny runs (one simulated
  day of 4 racks, a few ms each) through the executor with one worker, CPU time of this
  process and its workers, against a warm in-process loop over the same scenarios
  (``load_sweep`` + ``simulate``) in the same rounds. The difference is the executor's cost:
  mostly fixed (starting the worker: interpreter, imports, loading the compiled kernels;
  writing the result files and the sensitivity charts), a little per run (shipping the
  scenario, recording the result);
- **speedup with 2 workers** (``test_bench_sweep_speedup_two_workers``, not gated): full
  reference-year runs (about a second or more each) through the executor with two workers,
  against the in-process loop. Wall time, since that is what a speedup is; on a machine shared
  with other work it is only as good as the machine is idle, so the load average is recorded
  with it. It cannot be gated: the gate must pass with a busy loop on the other core, which
  takes away exactly the second worker's core.

With ``--benchmark-disable`` (the test suite) each test runs once on a handful of tiny runs
and checks that the executor's results equal the in-process ones: a plain test. With
benchmarking enabled, ``DCSIM_BENCH_SWEEP_RUNS`` (default 24) and ``DCSIM_BENCH_SWEEP_ROUNDS``
(default 1, best of) set the size of the speedup measurement. The figures are printed (``-s``)
and stored in ``extra_info``.

Measured on the 2-core development machine with nothing else running (load about 1), before
the overhead benchmark was gated: overhead per run 3.7 ms CPU (local) and 25 ms CPU (Dask)
beside 18 ms for a tiny run, plus about 2 s (local) and 3 s (Dask) once per sweep; 24
reference-year runs (1.5 s each) on two workers ran 1.72x (local) and 1.78x (Dask) faster than
in one process.
"""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path

import numpy as np
import pytest

import dcsim
from dcsim import KPI_NAMES
from dcsim.sweep import execute_sweep, load_sweep

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "lulea-air-1mw.toml"
MODEL_KPIS = [k for k in KPI_NAMES if k != "sim_wall_s"]
#: tiny runs per sweep in the gated overhead benchmark
OVERHEAD_RUNS = 20


def _sweep_file(directory: Path, name: str, n: int, tiny: bool) -> Path:
    fixed = '"simulation.duration" = "1d"\n"it.racks" = 4\n' if tiny else ""
    path = directory / f"{name}.toml"
    path.write_text(
        f'[sweep]\nbase = "{BASE.as_posix()}"\n[sweep.set]\n{fixed}'
        f'[sweep.grid]\n"room.supply_air_c" = {{ start = 18, stop = 27, num = {n} }}\n',
        encoding="utf-8",
    )
    return path


class _Clock:
    """Wall time, and CPU time of this process plus the child processes it has waited for
    (the worker processes are joined when a sweep ends, Dask's through their nannies)."""

    def __enter__(self):
        self.wall0, self.cpu0 = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall0, _cpu() - self.cpu0


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _in_process(path: Path):
    """Load the sweep and simulate every run in this (warm) process."""
    with _Clock() as clock:
        sw = load_sweep(path)
        kpis = [dcsim.simulate(run.scenario).kpis for run in sw.runs]
    return clock, kpis


def _executor(path: Path, out: Path, executor: str, workers: int):
    with _Clock() as clock:
        outcome = execute_sweep(path, out, executor=executor, workers=workers)
    return clock, outcome


def _same(outcome, kpis: list[dict]) -> None:
    assert (outcome.results["status"] == "ok").all()
    got = outcome.results[MODEL_KPIS].to_numpy()
    want = np.array([[k[name] for name in MODEL_KPIS] for k in kpis])
    assert np.array_equal(got, want), "an executor changed a KPI"


def _warm(directory: Path) -> None:
    """Compile (or load) the kernels in this process, so the in-process loop is warm, and pay
    the sweep's first-call costs in this process (imports of the Parquet writer and
    matplotlib), so they do not land in whichever measured sweep happens to run first."""
    path = _sweep_file(directory, "warm", 1, tiny=True)
    dcsim.simulate(load_sweep(path).runs[0].scenario)
    execute_sweep(path, directory / "warm-out", executor="local", workers=1)


def _prepare(benchmark, executor, tmp_path) -> bool:
    """Skip Dask where it is not installed, warm this process up (:func:`_warm`); returns
    whether this is the untimed quick run of ``make test``."""
    if executor == "dask":
        pytest.importorskip("distributed")
    _warm(tmp_path)
    return benchmark.disabled


@pytest.mark.subprocess_rounds  # the workers are fresh processes every round
@pytest.mark.slow  # 3-10 s as a plain test (20 runs in new processes)
@pytest.mark.parametrize("executor", ["local", "dask"])
def test_bench_sweep_overhead(perf, executor, tmp_path):
    """A sweep of 20 tiny runs through the executor with one worker. Unit: runs/s. Gated.

    CPU time of this process and the worker processes (joined when the sweep ends). Most of it
    is the sweep's fixed cost (starting the worker: interpreter, imports, loading the compiled
    kernels; writing the result table and the sensitivity charts), so the calibration is
    ``process``. The reference in the same rounds is the warm in-process loop over the same
    runs (``load_sweep`` + ``simulate``): ``time_per_unit_vs_in_process``, and the overhead per
    run with the fixed cost spread over the 20 runs in ``extra_info``."""
    if executor == "dask":
        pytest.importorskip("distributed")
    _warm(tmp_path)
    n = OVERHEAD_RUNS if perf.enabled else 2
    path = _sweep_file(tmp_path, f"tiny{n}", n, tiny=True)
    counter = iter(range(1000))
    _, kpis = _in_process(path)

    def sweep():
        return _executor(path, tmp_path / f"out-{executor}-{next(counter)}", executor, 1)[1]

    outcome = perf.run(
        sweep, work=n, unit="runs/s", calibration="process",
        references={"in_process": (lambda: _in_process(path), n)},
    )  # fmt: skip
    _same(outcome, kpis)
    if perf.enabled:
        info = perf.benchmark.extra_info
        in_process_s = n / info["in_process_throughput"]
        info.update({"executor": executor, "workers": 1, "runs": n,
                     "overhead_per_run_ms_cpu": 1000 * (info["seconds_min"] - in_process_s) / n,
                     "in_process_ms_per_run_cpu": 1000 * in_process_s / n})  # fmt: skip


@pytest.mark.slow  # 4-14 s as a plain test
@pytest.mark.parametrize("executor", ["local", "dask"])
def test_bench_sweep_speedup_two_workers(benchmark, executor, tmp_path):
    quick = _prepare(benchmark, executor, tmp_path)
    # 24 runs: the workers' start (about 2 s: interpreter, imports, loading the compiled
    # kernels) is then small beside 12 runs' worth of time per worker.
    n = 2 if quick else int(os.environ.get("DCSIM_BENCH_SWEEP_RUNS", "24"))
    rounds = 1 if quick else int(os.environ.get("DCSIM_BENCH_SWEEP_ROUNDS", "1"))
    path = _sweep_file(tmp_path, "year", n, tiny=quick)
    load_before = os.getloadavg()
    refs, sweeps = [], []
    counter = iter(range(100))

    def one_sweep():
        clock, outcome = _executor(path, tmp_path / f"out-{executor}-{next(counter)}", executor, 2)
        sweeps.append((clock, outcome))

    for r in range(rounds):  # interleaved, so both see the same machine conditions
        ref, kpis = _in_process(path)
        refs.append(ref)
        if r == 0:
            benchmark.pedantic(one_sweep, rounds=1, iterations=1)
        else:
            one_sweep()
    for _, outcome in sweeps:
        _same(outcome, kpis)
    if quick:
        return
    ref_wall = min(c.wall for c in refs)
    ex_wall = min(c.wall for c, _ in sweeps)
    ref_cpu = min(c.cpu for c in refs)
    ex_cpu = min(c.cpu for c, _ in sweeps)
    info = {
        "executor": executor, "workers": 2, "runs": n, "rounds": rounds, "cpus": os.cpu_count(),
        "in_process_s_per_run_wall": ref_wall / n,
        "in_process_wall_s": [c.wall for c in refs],
        "executor_wall_s": [c.wall for c, _ in sweeps],
        "speedup": ref_wall / ex_wall,
        "cpu_ratio": ex_cpu / ref_cpu,
        "worker_sim_s_per_run_median": float(np.median(sweeps[0][1].results["sim_wall_s"])),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
    }
    benchmark.extra_info.update(info)
    print(f"\n{executor} x 2 workers: {n} runs of {ref_wall / n:.2f} s: in-process {ref_wall:.1f} s, "
          f"sweep {ex_wall:.1f} s (best of {rounds}), speedup {info['speedup']:.2f}x; "
          f"CPU time {info['cpu_ratio']:.2f}x the in-process loop's; "
          f"load {load_before[0]:.2f} -> {os.getloadavg()[0]:.2f}")
