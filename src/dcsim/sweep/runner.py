"""Running a sweep: plan, skip what is done, execute, record, consolidate, summarise.

Output folder::

    DIR/results.parquet        one row per run (DESIGN.md section 3)
    DIR/runs/<key>.json        one record per finished run, written atomically as it finishes
    DIR/sweep.json             what ran: sweep file, base, dcsim version, executor, counts
    DIR/summary.csv            KPI statistics over the successful runs
    DIR/tornado_<kpi>.csv/png  one-at-a-time sensitivity (sweeps with grid axes or zip groups)
    DIR/spearman.csv, spearman_<kpi>.png   rank correlations (sampled sweeps)
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from .._outdir import open_folder
from .._version import __version__
from ..errors import InputError, Problem
from ..scenario.load import resolved_dict
from .executors import EXECUTORS, Task, default_workers, run_dask, run_local
from .sensitivity import write_sensitivity
from .spec import Sweep, check_kpi, load_sweep
from .store import RunStore, results_frame, write_parquet_atomic, write_text_atomic


@dataclass
class SweepOutcome:
    """What :func:`execute_sweep` did."""

    sweep: Sweep
    results: pd.DataFrame
    output_dir: Path
    executor: str
    workers: int | None
    kpi: str
    executed: int = 0
    reused: int = 0
    elapsed_s: float = 0.0
    sensitivity: dict[str, Any] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return int((self.results["status"] == "failed").sum())


def _check_options(executor, scheduler, workers, kpi) -> list[Problem]:
    problems = []
    if executor not in EXECUTORS:
        problems.append(Problem("--executor", f"unknown executor; allowed: {', '.join(EXECUTORS)}", value=executor))
    if scheduler and executor == "local":
        problems.append(
            Problem("--scheduler", "a scheduler address needs --executor dask (or leave --executor out)", value=scheduler)
        )
    if workers is not None and (not isinstance(workers, int) or isinstance(workers, bool) or workers < 1):
        problems.append(Problem("--workers", "must be a whole number of at least 1", value=workers))
    if kpi is not None:
        try:
            check_kpi(kpi)
        except ValueError as exc:
            problems.append(Problem("--kpi", str(exc), value=kpi))
    return problems


class _Bar:
    """Progress bar with ETA on stderr (rich); does nothing when quiet."""

    def __init__(self, quiet: bool, label: str, total: int):
        self.bar = None
        self.failed = 0
        if quiet or total == 0:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn,
        )

        self.bar = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[failed]} failed"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=Console(stderr=True, highlight=False), transient=True,
        )
        self.bar.start()
        self.task = self.bar.add_task(label, total=total, failed=0)

    def advance(self, ok: bool) -> None:
        if self.bar is not None:
            self.failed += not ok
            self.bar.update(self.task, advance=1, failed=self.failed)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def execute_sweep(
    sweep: str | Path | Sweep,
    output_dir: str | Path | None = None,
    *,
    executor: str | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    workers: int | None = None,
    quiet: bool = True,
    kpi: str | None = None,
    force: bool = False,
) -> SweepOutcome:
    """Run a sweep; see :func:`run_sweep`. Returns the results and what was done."""
    executor = executor or ("dask" if scheduler else "local")
    problems = _check_options(executor, scheduler, workers, kpi)
    if problems:
        raise InputError(problems)
    sw = sweep if isinstance(sweep, Sweep) else load_sweep(sweep)
    kpi = kpi or sw.kpi
    out = Path(output_dir) if output_dir is not None else Path("out") / sw.name
    store = RunStore(out)
    if not resume and store.has_records():
        raise InputError(
            Problem(
                "--output",
                "already holds the runs of a sweep; add --resume to continue it (finished runs are reused), "
                "or choose another folder",
                value=str(out),
            )
        )
    out = open_folder(out, keep=resume, force=force)
    store = RunStore(out)
    store.dir.mkdir(exist_ok=True)
    store.clean_temporaries()
    if scheduler is None:
        workers = workers or default_workers()

    records: dict[str, dict[str, Any]] = {}
    tasks: list[Task] = []
    seen: set[str] = set()
    for run in sw.runs:  # one task per distinct scenario, in run order
        if run.key in seen:
            continue
        seen.add(run.key)
        if resume:
            rec = store.load(run.key)
            if rec is not None and rec.get("status") == "ok":
                records[run.key] = rec
                continue
        tasks.append(Task(run.key, {
            "key": run.key,
            "scenario_hash": run.scenario_hash,
            "dcsim_version": __version__,
            "scenario": resolved_dict(run.scenario),
        }))
    reused = sum(1 for run in sw.runs if run.key in records)
    if scheduler is None:
        workers = max(1, min(workers, len(tasks) or 1))

    manifest = {
        "dcsim_version": __version__,
        "sweep": sw.name,
        "sweep_file": str(Path(sw.path).resolve()),
        "base_scenario": str(Path(sw.base_path).resolve()),
        "runs": sw.n_runs,
        "distinct_scenarios": len({r.key for r in sw.runs}),
        "executor": executor,
        "scheduler": scheduler,
        "workers": workers,
        "resumed": resume,
        "reused": reused,
        "started_utc": datetime.now(timezone.utc).isoformat(),
    }
    write_text_atomic(json.dumps(manifest, indent=2) + "\n", out / "sweep.json")
    results_path = out / "results.parquet"
    if resume and records:
        write_parquet_atomic(results_frame(sw, records), results_path)

    bar = _Bar(quiet, f"sweep {sw.name}", len(tasks))

    def on_result(task: Task, record: dict[str, Any]) -> None:
        store.save(record)
        records[task.key] = record
        bar.advance(record.get("status") == "ok")

    t0 = time.perf_counter()
    try:
        if tasks:
            if executor == "local":
                run_local(tasks, workers, on_result)
            else:
                run_dask(tasks, workers or default_workers(), scheduler, on_result)
    except KeyboardInterrupt:
        if not quiet:
            import sys

            done = sum(1 for run in sw.runs if run.key in records)
            print(f"sweep interrupted: {done:,} of {sw.n_runs:,} runs done and kept in {out}/; "
                  "run the same command with --resume to finish it", file=sys.stderr)
        raise
    finally:
        bar.close()
        frame = results_frame(sw, records)
        write_parquet_atomic(frame, results_path)
    elapsed = time.perf_counter() - t0

    outcome = SweepOutcome(
        sweep=sw, results=frame, output_dir=out, executor=executor, workers=workers, kpi=kpi,
        executed=len(tasks), reused=reused, elapsed_s=elapsed,
    )
    outcome.sensitivity = write_sensitivity(sw, frame, kpi, out)
    outcome.files = [results_path, *outcome.sensitivity["files"]]
    manifest |= {
        "finished_utc": datetime.now(timezone.utc).isoformat(),
        "executed": len(tasks),
        "failed": outcome.failed,
        "elapsed_s": elapsed,
    }
    write_text_atomic(json.dumps(manifest, indent=2) + "\n", out / "sweep.json")
    return outcome


def run_sweep(
    path: str | Path | Sweep,
    output_dir: str | Path | None = None,
    executor: str | None = "local",
    scheduler: str | None = None,
    resume: bool = False,
    workers: int | None = None,
    quiet: bool = True,
    kpi: str | None = None,
    force: bool = False,
) -> pd.DataFrame:
    """Run every run of a sweep file and return ``results.parquet`` as a DataFrame.

    ``executor``: ``"local"`` (processes on this machine, one per core unless ``workers``) or
    ``"dask"`` (a Dask LocalCluster of ``workers`` processes, or the existing cluster at
    ``scheduler``, e.g. ``"tcp://10.0.0.5:8786"``). ``resume=True`` reuses the finished runs
    in ``output_dir`` (same scenario, same dcsim version) and runs the rest, including runs
    that failed before. A failed run is a row with ``status == "failed"`` and its ``error``;
    it never stops the sweep. Raises :class:`dcsim.InputError` for an invalid sweep file.
    Without ``resume`` an earlier output in ``output_dir`` is replaced whole; a folder that
    is not a dcsim output is refused unless ``force`` (:mod:`dcsim._outdir`).
    """
    if scheduler and executor == "local":
        executor = None  # a scheduler address means Dask; "local" is only the default
    return execute_sweep(
        path, output_dir, executor=executor, scheduler=scheduler, resume=resume, workers=workers, quiet=quiet, kpi=kpi,
        force=force,
    ).results


def _fmt(value: float) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if abs(value) >= 1e5:
        return f"{value:,.0f}"
    if value == 0 or abs(value) >= 1e-3:
        return f"{value:,.4g}" if abs(value) < 100 else f"{value:,.1f}"
    return f"{value:.3e}"


#: KPIs shown in the summary table after the chosen one.
_SUMMARY_KPIS = ("pue", "energy_facility_kwh", "energy_cooling_kwh", "carbon_kg", "energy_cost_sek", "max_inlet_c")


def print_summary(outcome: SweepOutcome, console) -> None:
    """The end-of-sweep summary: counts, KPI statistics, the tornado, files written."""
    from rich.table import Table
    from rich.text import Text

    o = outcome
    n = len(o.results)
    where = f"{o.executor}" + (f" x {o.workers} workers" if o.workers else " (existing Dask cluster)")
    console.print(
        f"sweep {o.sweep.name!r}: {n:,} runs ({o.executed:,} run now, {o.reused:,} reused), "
        f"{o.failed:,} failed, {o.elapsed_s:,.1f} s on {where}",
        markup=False,
    )
    summary = o.sensitivity.get("summary")
    if summary is not None:
        table = Table(title="KPIs over the successful runs", header_style="bold")
        for col in ("KPI", "min", "median", "max"):
            table.add_column(col, justify="left" if col == "KPI" else "right")
        shown = [o.kpi] + [k for k in _SUMMARY_KPIS if k != o.kpi]
        by_name = summary.set_index("kpi")
        for k in shown:
            row = by_name.loc[k]
            table.add_row(Text(k), _fmt(row["min"]), _fmt(row["median"]), _fmt(row["max"]))
        console.print(table)
    tor = o.sensitivity.get("tornado")
    if tor is not None:
        table = Table(title=f"One-at-a-time sensitivity of {o.kpi} (largest swing first)", header_style="bold")
        for col in ("parameter", "lowest at", o.kpi, "highest at", o.kpi + " ", "swing"):
            numeric = o.kpi in col or col == "swing"
            table.add_column(col, justify="right" if numeric else "left", overflow="ellipsis" if numeric else "fold")
        for _, row in tor.head(8).iterrows():
            table.add_row(Text(row["parameter"]), Text(_short(row["value_at_min"])), _fmt(row[f"{o.kpi}_min"]),
                          Text(_short(row["value_at_max"])), _fmt(row[f"{o.kpi}_max"]), _fmt(row["swing"]))
        console.print(table)
    rho = o.sensitivity.get("spearman")
    if rho is not None:
        table = Table(title=f"Spearman rank correlation with {o.kpi}", header_style="bold")
        table.add_column("parameter")
        table.add_column("rho", justify="right")
        for p, v in rho[o.kpi].astype(float).sort_values(key=abs, ascending=False).items():
            table.add_row(Text(p), _fmt(v))
        console.print(table)
    console.print(f"wrote {', '.join(p.name for p in o.files)} to {o.output_dir}/", markup=False)


def _short(level: str) -> str:
    """A zip group's level by its first value (the CSV has them all)."""
    return str(level).split(" / ")[0]
