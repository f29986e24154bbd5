"""Sweep executors against running the same scenarios in one process.

Two figures per executor (``local`` processes, Dask ``LocalCluster``):

- **overhead**: many tiny runs (one simulated day of 4 racks, a few ms each) through the
  executor with one worker, at two sweep sizes; against a warm in-process loop over the same
  scenarios (``load_sweep`` + ``simulate``), the difference splits into a fixed cost (starting
  the workers: interpreter, imports, loading the compiled kernels; writing the result files and
  the sensitivity charts) and a per-run cost (shipping the scenario, recording the result);
- **speedup with 2 workers**: full reference-year runs (about a second or more each) through
  the executor with two workers, against the in-process loop. Wall time, since that is what
  a speedup is; on a machine shared with other work it is only as good as the machine is idle,
  so the load average is recorded with it.

With ``--benchmark-disable`` (the test suite) each test runs once on a handful of tiny runs
and checks that the executor's results equal the in-process ones: a plain test. With
benchmarking enabled it measures (about a minute per executor on a 2-core machine);
``DCSIM_BENCH_SWEEP_RUNS`` (default 24) and ``DCSIM_BENCH_SWEEP_ROUNDS`` (default 1, best of)
set the size of the speedup measurement. The figures are printed (``-s``) and stored in
``extra_info``.

Measured on the 2-core development machine with nothing else running (load about 1):
overhead per run 3.7 ms CPU (local) and 25 ms CPU (Dask) beside 18 ms for a tiny run, plus
about 2 s (local) and 3 s (Dask) once per sweep; 24 reference-year runs (1.5 s each) on
two workers ran 1.72x (local) and 1.78x (Dask) faster than in one process.
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


@pytest.mark.parametrize("executor", ["local", "dask"])
def test_bench_sweep_overhead_per_run(benchmark, executor, tmp_path):
    quick = _prepare(benchmark, executor, tmp_path)
    small, large = (2, 2) if quick else (10, 50)
    counter = iter(range(100))

    def sweep_of(n):
        path = _sweep_file(tmp_path, f"tiny{n}", n, tiny=True)
        return _executor(path, tmp_path / f"out-{executor}-{n}-{next(counter)}", executor, 1)

    ref_large, kpis_large = _in_process(_sweep_file(tmp_path, f"tiny{large}", large, tiny=True))
    result = {}
    benchmark.pedantic(lambda: result.setdefault("large", sweep_of(large)), rounds=1, iterations=1)
    t_large, outcome = result["large"]
    _same(outcome, kpis_large)
    if quick:
        return
    ref_small, _ = _in_process(_sweep_file(tmp_path, f"tiny{small}", small, tiny=True))
    t_small, _ = sweep_of(small)
    info = {"executor": executor, "workers": 1, "runs": [small, large],
            "in_process_ms_per_run_cpu": 1000 * ref_large.cpu / large, "load_average": os.getloadavg()}
    for kind in ("cpu", "wall"):
        ex = [getattr(t_small, kind), getattr(t_large, kind)]
        ref = [getattr(ref_small, kind), getattr(ref_large, kind)]
        per_run = ((ex[1] - ref[1]) - (ex[0] - ref[0])) / (large - small)
        info[f"overhead_per_run_ms_{kind}"] = 1000 * per_run
        info[f"overhead_fixed_s_{kind}"] = (ex[0] - ref[0]) - small * per_run
        info[f"executor_s_{kind}"] = ex
        info[f"in_process_s_{kind}"] = ref
    benchmark.extra_info.update(info)
    print(f"\n{executor}: overhead per run {info['overhead_per_run_ms_cpu']:.1f} ms CPU "
          f"({info['overhead_per_run_ms_wall']:.1f} ms wall), fixed {info['overhead_fixed_s_cpu']:.2f} s CPU "
          f"({info['overhead_fixed_s_wall']:.2f} s wall); in-process run {info['in_process_ms_per_run_cpu']:.1f} ms CPU; "
          f"load {os.getloadavg()[0]:.2f}")


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
