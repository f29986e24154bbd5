"""The ``dcsim`` command line: parses, calls the Python API, prints.

Exit codes: 0 success, 2 invalid input (every problem listed with file, line, path, value
and what is allowed), 1 anything else. No traceback for user errors; ``DCSIM_DEBUG=1``
shows one for internal errors.
"""

from __future__ import annotations

import json
import os
import sys
import time
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from .errors import InputError, OutputError, Problem, SimulationError

app = typer.Typer(
    name="dcsim",
    help="dcsim: simulate a datacenter with and without an energy-efficiency concept.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
err_console = Console(stderr=True, highlight=False)
out_console = Console(highlight=False)

QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or table; errors still go to stderr.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace the output folder even if it holds files that are "
                                        "not a dcsim output (it is always replaced whole).")]


def _version_callback(value: bool) -> None:
    if value:
        print(f"dcsim {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        Optional[bool], typer.Option("--version", callback=_version_callback, is_eager=True, help="Print the version.")
    ] = None,
) -> None:
    """dcsim: simulate a datacenter with and without an energy-efficiency concept."""


UnsetOpt = Annotated[
    Optional[list[str]],
    typer.Option("--unset", help="Remove a scenario key, so its default applies: --unset workload.daily_profile "
                 "(repeatable; the same as --set KEY=null)."),
]


def _parse_sets(sets: list[str] | None, unsets: list[str] | None = None) -> dict[str, object]:
    from .scenario import parse_set_option

    overrides: dict[str, object] = {}
    problems: list[Problem] = []
    for option in [*(f"{key}=null" for key in unsets or []), *(sets or [])]:
        try:
            key, value = parse_set_option(option)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        overrides[key] = value
    if problems:
        raise InputError(problems)
    return overrides


class _Progress:
    """A progress bar on stderr that appears only once a run has taken more than a second."""

    def __init__(self, quiet: bool, label: str):
        self.quiet = quiet
        self.label = label
        self.t0 = time.perf_counter()
        self.bar = None
        self.task = None

    def __call__(self, done: int, total: int) -> None:
        if self.quiet:
            return
        if self.bar is None:
            if time.perf_counter() - self.t0 < 1.0:
                return
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                TimeRemainingColumn(), console=err_console, transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=total)
        self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _kpi_table(kpis: dict[str, float], title: str) -> Table:
    table = Table(title=title, show_header=True, header_style="bold")
    table.add_column("KPI")
    table.add_column("value", justify="right")
    for name, value in kpis.items():
        if abs(value) >= 1e5:
            text = f"{value:,.0f}"
        elif value == 0 or abs(value) >= 1e-3:
            text = f"{value:,.4g}" if abs(value) < 100 else f"{value:,.1f}"
        else:
            text = f"{value:.3e}"
        table.add_row(name, text)
    return table


def _compile_notice(quiet: bool, scenarios):
    """:class:`dcsim._jitcache.CompileNotice` for the facility kernel of these scenarios'
    cooling systems, saying it on stderr."""
    from ._jitcache import CompileNotice
    from .cooling.dispatch import system_type
    from .thermal.kernels import facility_kernel

    types = {system_type(sc.cooling.system) for sc in scenarios}
    return CompileNotice(facility_kernel, None if quiet else err_console.print, with_types=types)


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (.toml or .yaml).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Output folder.")] = Path("out"),
    set_: Annotated[
        Optional[list[str]], typer.Option("--set", help="Override a scenario key: --set room.supply_air_c=24 (repeatable).")
    ] = None,
    unset: UnsetOpt = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Run one simulation and write kpis.json, timeseries.parquet, racks.parquet,
    scenario.resolved.toml and manifest.json. The output folder is replaced whole, and only
    once the run is done."""
    from ._outdir import check_target
    from .engine import simulate
    from .scenario import load_scenario

    sc = load_scenario(scenario, overrides=_parse_sets(set_, unset))
    check_target(output, force=force)  # before the run, not after it
    progress = _Progress(quiet, f"simulating {sc.name}")
    try:
        with _compile_notice(quiet, [sc]):
            res = simulate(sc, progress=progress)
    finally:
        progress.close()
    res.save(output, force=force)
    if not quiet:
        out_console.print(_kpi_table(res.kpis, f"{sc.name}: KPIs over {res.manifest['steps']:,} steps"))
        out_console.print(f"wrote {', '.join(res.OUTPUT_FILES)} to {output}/")


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="Scenario, case or sweep file to check.")],
    set_: Annotated[Optional[list[str]], typer.Option("--set", help="Override a scenario key before checking.")] = None,
    unset: UnsetOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Check a scenario, case or sweep file; exit 0 if valid, 2 with every problem listed if not.

    The kind of file is told by its top-level table: [case] for a case, [sweep] for a sweep,
    anything else is a scenario."""
    from .scenario import load_scenario, read_document

    data, _, _ = read_document(file)
    if "case" in data:
        from .case import load_case

        summary = load_case(file).summary()
    elif "sweep" in data:
        from .sweep import load_sweep

        summary = load_sweep(file).summary()
    else:
        sc = load_scenario(file, overrides=_parse_sets(set_, unset))
        from .scenario.load import scenario_grid

        scenario_grid(sc)  # the grid options the schema's types cannot check (a tax year with a rate, ...)
        n = sc.simulation.duration // sc.simulation.step
        summary = f"valid scenario {sc.name!r} ({n:,} steps of {sc.simulation.step} s)"
    if not quiet:
        out_console.print(f"{file}: {summary}")


@app.command()
def sweep(
    sweep_file: Annotated[Path, typer.Argument(help="Sweep file (.toml or .yaml) with a top-level [sweep] table.")],
    output: Annotated[
        Optional[Path], typer.Option("-o", "--output", help="Output folder (default out/<sweep name>).")
    ] = None,
    executor: Annotated[
        Optional[str], typer.Option("--executor", help="local (processes on this machine, the default) or dask.")
    ] = None,
    scheduler: Annotated[
        Optional[str],
        typer.Option("--scheduler", help="Address of an existing Dask scheduler, e.g. tcp://10.0.0.5:8786 (implies dask)."),
    ] = None,
    workers: Annotated[
        Optional[int], typer.Option("--workers", "-j", help="Worker processes (default: one per core).")
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Reuse the finished runs in the output folder and run the rest.")
    ] = False,
    kpi: Annotated[
        Optional[str], typer.Option("--kpi", help="KPI of the sensitivity view (default: the sweep file's kpi).")
    ] = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Run every run of a sweep and write results.parquet (one row per run: parameters and
    KPIs), summary.csv and the sensitivity view. Exit 1 if any run failed (its error is in
    results.parquet; the other runs still ran)."""
    from .sweep import execute_sweep, print_summary

    outcome = execute_sweep(
        sweep_file, output, executor=executor, scheduler=scheduler, resume=resume, workers=workers,
        quiet=quiet, kpi=kpi, force=force,
    )
    if not quiet:
        print_summary(outcome, out_console)
    if outcome.failed:
        failed = outcome.results[outcome.results["status"] == "failed"]
        first = failed.iloc[0]
        err_console.print(
            f"{outcome.failed} of {len(outcome.results)} runs failed (errors in the error column of "
            f"{outcome.output_dir / 'results.parquet'}); first, run {first['run_id']}: {first['error']}",
            markup=False,
        )
        raise SystemExit(1)  # (click swallows typer.Exit's code when not in standalone mode)


class ReportLang(str, Enum):
    en = "en"
    sv = "sv"


@app.command()
def case(
    case_file: Annotated[Path, typer.Argument(help="Case file (.toml or .yaml) with a top-level [case] table.")],
    output: Annotated[
        Optional[Path], typer.Option("-o", "--output", help="Output folder (default out/<case name>).")
    ] = None,
    lang: Annotated[ReportLang, typer.Option("--lang", help="Language of report.html: en or sv.")] = ReportLang.en,
    set_: Annotated[
        Optional[list[str]],
        typer.Option("--set", help="Override a scenario key of the baseline and so of every variant: "
                     "--set simulation.duration=14d (repeatable)."),
    ] = None,
    unset: UnsetOpt = None,
    force: ForceOpt = False,
    replications: Annotated[
        Optional[int], typer.Option("--replications", "-r", help="Weather years to simulate (overrides the case file).")
    ] = None,
    verification: Annotated[
        Optional[Path], typer.Option("--verification", help="A dcsim verify result (verification.json): the report "
                                     "gains its measured-savings section.")
    ] = None,
    workers: Annotated[Optional[int], typer.Option("--workers", "-j", min=1, help="Processes to run the simulations "
                       "in (default: one per core for long runs, else 1).")] = None,
    quiet: QuietOpt = False,
) -> None:
    """Run a baseline against its proposals on the same weather and workload; write
    report.html, comparison.csv, replications.csv and runs/<variant>/ (one run folder per
    variant)."""
    from .case import load_case

    loaded = load_case(case_file, overrides=_parse_sets(set_, unset), replications=replications)
    target = output if output is not None else Path("out") / loaded.name
    from ._outdir import check_target

    check_target(target, force=force)  # before the runs, not after them
    notice = _compile_notice(quiet, [v.scenario for v in loaded.variants])  # before the bar, which would hide it
    bar = None
    task = None
    if not quiet:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                       console=err_console, transient=True)
        bar.start()
        task = bar.add_task(f"case {loaded.name}", total=len(loaded.variants) * len(loaded.seeds))

    def progress(done: int, total: int, label: str) -> None:
        if bar is not None:
            bar.update(task, completed=done, description=f"case {loaded.name}: {label}")

    try:
        from .case.runner import auto_workers

        result = loaded.run(progress=progress, workers=workers or auto_workers(loaded))
    finally:
        if bar is not None:
            bar.stop()
    if verification is not None:
        result.verification = _read_verification(verification)
    result.save(target, lang=lang.value, force=force)
    if not quiet:
        table = Table(title=f"{loaded.name}: {len(result.seeds)} weather year(s), means", header_style="bold")
        for col in ("variant", "PUE", "cost SEK", "saving SEK/yr", "payback yr", "NPV SEK", "rack-h > 27 °C"):
            table.add_column(col, justify="left" if col == "variant" else "right")
        for out in result.outcomes:
            k = out.mean_kpis()
            bc = result.business.get(out.name)
            table.add_row(
                out.name, f"{k['pue']:.3f}", f"{k['energy_cost_sek']:,.0f}",
                f"{bc.savings_sek_per_year:,.0f}" if bc else "",
                (f"{bc.payback_years:.1f}" if bc.payback_years != float("inf") else "never") if bc else "",
                f"{bc.npv_sek:,.0f}" if bc else "", f"{k['rack_hours_above_recommended']:,.0f}",
            )
        out_console.print(table)
        out_console.print(f"wrote report.html, comparison.csv, replications.csv and runs/ to {target}/")


def _read_verification(path: Path) -> dict:
    """A verification.json written by dcsim verify; InputError naming the file otherwise."""
    import json

    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(Problem("--verification", f"not a readable verification.json: {exc}", file=str(path))) from None
    need = ("channel", "unit", "adjusted_baseline", "measured", "saving", "fractional_saving",
            "fractional_saving_interval", "confidence", "intervals", "period_start_utc", "calibration")
    missing = [k for k in need if k not in doc]
    if missing:
        raise InputError(Problem("--verification", f"{path} lacks {', '.join(missing)}: write it with dcsim verify",
                                 file=str(path)))
    return doc


@app.command()
def calibrate(
    scenario: Annotated[Path, typer.Argument(help="Scenario of the site (its site.climate: the real weather of the period).")],
    meters: Annotated[Path, typer.Argument(help="Meter file (CSV or Parquet): time + timeseries columns.")],
    fit: Annotated[list[str], typer.Option("--fit", help="A key to fit and its bounds: --fit KEY=LOW:HIGH (repeatable).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Output folder.")] = Path("out/calibration"),
    channel: Annotated[
        Optional[list[str]], typer.Option("--channel", help="Meter channel to fit (repeatable; default: all in the file).")
    ] = None,
    starts: Annotated[int, typer.Option("--starts", min=1, max=50, help="Starts of the least-squares fit.")] = 3,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the starts after the scenario's own values.")] = 0,
    set_: Annotated[Optional[list[str]], typer.Option("--set", help="Override a scenario key first.")] = None,
    workers: Annotated[int, typer.Option("--workers", "-j", min=1, help="Processes running the starts at once.")] = 1,
    executor: Annotated[str, typer.Option("--executor", help="local (processes here) or dask.")] = "local",
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="Address of a Dask scheduler (implies dask).")] = None,
    quiet: QuietOpt = False,
) -> None:
    """Fit scenario keys to a site's meters (ASHRAE Guideline 14): write calibrated.toml,
    calibration.json (fitted values with their 95 % intervals, hourly and monthly CV(RMSE) and
    NMBE per channel) and residuals.png. Exit 0 whether or not the fit meets Guideline 14
    (calibration.json says); 2 for bad input."""
    from .mv import calibrate as run_calibration
    from .mv import parse_fit, read_meters

    keys = [parse_fit(f) for f in fit]
    data = read_meters(meters)
    say = (lambda n: None) if quiet else (lambda n: err_console.print(f"  simulation {n}", markup=False) if n % 10 == 0 else None)
    if executor not in ("local", "dask"):
        raise InputError(Problem("--executor", "allowed: local, dask", value=executor))
    cal = run_calibration(scenario, data, keys, channels=channel, starts=starts, seed=seed,
                          overrides=_parse_sets(set_), progress=say, workers=workers,
                          executor="dask" if scheduler else executor, scheduler=scheduler)
    cal.save(output)
    if not quiet:
        table = Table(title=f"calibration to {meters.name}: {cal.runs} simulations", header_style="bold")
        for col in ("key", "fitted", "95 % interval"):
            table.add_column(col)
        for k in keys:
            v, s = cal.values[k.key], cal.sigma[k.key]
            table.add_row(k.key, f"{v:.6g}" + (" (at a bound)" if cal.at_bound[k.key] else ""),
                          f"{v - 1.96 * s:.4g} .. {v + 1.96 * s:.4g}")
        out_console.print(table)
        for c, st in cal.statistics.items():
            h = st["hourly"]
            if h["cv_rmse_pct"] is None:
                out_console.print(f"{c}: too few hours to judge ({h['n']})", markup=False)
                continue
            out_console.print(f"{c}: hourly CV(RMSE) {h['cv_rmse_pct']:.1f} %, NMBE {h['nmbe_pct']:+.1f} %"
                              f" ({'meets' if h['meets_guideline_14'] else 'does not meet'} Guideline 14)", markup=False)
        out_console.print(f"wrote calibrated.toml, calibration.json, residuals.png to {output}/")


@app.command()
def verify(
    case_file: Annotated[Path, typer.Argument(help="Case whose baseline is a calibrated.toml with its calibration.json.")],
    meters_after: Annotated[Path, typer.Argument(help="Meter file of the period after the installation.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Output folder.")] = Path("out/verification"),
    channel: Annotated[str, typer.Option("--channel", help="Meter channel whose saving is verified.")] = "facility_power_kw",
    quiet: QuietOpt = False,
) -> None:
    """Verified savings after an installation (IPMVP Option D): the calibrated baseline on the
    after-period's weather and load against the after meters, with the ASHRAE Guideline 14
    fractional savings uncertainty at 90 %, and what the case's proposals predicted; writes
    verification.json."""
    import json

    from .mv import read_meters
    from .mv import verify as run_verification

    result = run_verification(case_file, read_meters(meters_after), channel=channel)
    output.mkdir(parents=True, exist_ok=True)
    (output / "verification.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if not quiet:
        lo, hi = result["fractional_saving_interval"]
        out_console.print(f"{channel}: saved {result['saving']:,.0f} {result['unit']} of {result['adjusted_baseline']:,.0f} "
                          f"({100 * result['fractional_saving']:.1f} %, 90 % interval {100 * lo:.1f} .. {100 * hi:.1f} %)",
                          markup=False)
        for name, p in result["predicted"].items():
            out_console.print(f"  the case predicted for {name}: {100 * p['fractional_saving']:.1f} %", markup=False)
        out_console.print(f"wrote verification.json to {output}/")


@app.command()
def schema(
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write to a file instead of stdout.")] = None,
) -> None:
    """Print the JSON Schema of scenario files (for editor completion and checking)."""
    from .scenario import Scenario

    text = json.dumps(Scenario.model_json_schema(), indent=2)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)


class CatalogKind(str, Enum):
    servers = "servers"
    climates = "climates"
    grids = "grids"
    equipment = "equipment"


@app.command()
def catalog(
    kind: Annotated[CatalogKind, typer.Argument(help="What to list.")] = CatalogKind.servers,
) -> None:
    """List built-in data: servers, climates, grids (zones and network tariffs) or equipment (chillers, UPS
    presets, generator fuels)."""
    table = Table(show_header=True, header_style="bold")
    if kind is CatalogKind.servers:
        from .it.catalog import server_catalog

        table.add_column("name")
        table.add_column("server")
        table.add_column("idle W", justify="right")
        table.add_column("max W", justify="right")
        for key, spec in server_catalog().items():
            table.add_row(key, spec.name, f"{spec.power_w[0]:g}", f"{spec.power_w[-1]:g}")
    elif kind is CatalogKind.climates:
        from .climate import BUILTIN_CLIMATES

        table.add_column("site.climate")
        table.add_column("description")
        for key, text in BUILTIN_CLIMATES.items():
            table.add_row(f"builtin:{key}", text)
    elif kind is CatalogKind.equipment:
        from .data.equipment import equipment_catalog

        for column in ("kind", "key", "name", "key figures"):
            table.add_column(column)
        for row in equipment_catalog():
            table.add_row(row["kind"], row["key"], row["name"], row["summary"])
    else:
        from .grid import BUILTIN_GRIDS

        from .grid import network_operators, operator_power_fees

        table.add_column("site.grid / network_operator")
        table.add_column("description")
        for key, text in BUILTIN_GRIDS.items():
            table.add_row(f"builtin:{key}", text)
        for key in network_operators():
            fees = "; ".join(f.describe() for f in operator_power_fees().get(key, ())) or "no power fee published"
            table.add_row(f"network_operator = \"{key}\"", f"network tariff: energy fee and time-of-use in "
                          f"grid_network_tariffs.csv; power fees: {fees}")
    out_console.print(table)


@app.command()
def new(
    directory: Annotated[Path, typer.Argument(help="Folder to create the starter files in.")],
) -> None:
    """Write a commented starter scenario to DIR/scenario.toml."""
    from importlib.resources import files

    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "scenario.toml"
    if target.exists():
        raise InputError(Problem("", "already exists; choose another folder or remove it", file=str(target)))
    text = files("dcsim.data").joinpath("starter_scenario.toml").read_text(encoding="utf-8")
    target.write_text(text, encoding="utf-8")
    out_console.print(f"wrote {target}; run it with: dcsim run {target}")


#: what an interrupted command leaves behind (runs and cases write only when done; a sweep
#: records each run as it finishes)
_INTERRUPTED = ("dcsim: interrupted; a run or case writes its output only once it is done, so nothing of "
                "this one was written; a sweep keeps the runs it finished (dcsim sweep --resume goes on)")


_SIGNALS: list[int] = []  # the signals that arrived (main's own state; reset on each call)


def _on_signal(signum, frame) -> None:  # noqa: ARG001 - the signal module's signature
    """SIGINT and SIGTERM unwind the command as KeyboardInterrupt; the signal is recorded, since
    one that lands inside Numba's compiler comes back as another exception (main: 130 or 143)."""
    _SIGNALS.append(signum)
    raise KeyboardInterrupt


def _quiet_unraisable(args) -> None:
    """An interrupt inside a C callback (LLVM's object cache) is not worth a traceback."""
    if not issubclass(args.exc_type, KeyboardInterrupt):
        sys.__unraisablehook__(args)


def _interrupted() -> int:
    """Say what an interrupted command left and return its exit code (130 Ctrl-C, 143 SIGTERM)."""
    import signal

    if signal.SIGTERM in _SIGNALS:
        err_console.print(_INTERRUPTED.replace("interrupted", "terminated (SIGTERM)", 1), markup=False, soft_wrap=True)
        return 143
    err_console.print(_INTERRUPTED, markup=False, soft_wrap=True)
    return 130


def main(argv: list[str] | None = None) -> int:
    """Console entry point: maps errors to exit codes (2 input, 1 other, 130 Ctrl-C, 143
    SIGTERM) without tracebacks."""
    import signal

    import threading

    _SIGNALS.clear()
    here = threading.current_thread() is threading.main_thread()  # only the main thread may set handlers
    previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)} if here else {}
    previous_hook, sys.unraisablehook = sys.unraisablehook, _quiet_unraisable
    try:
        code = app(args=argv, standalone_mode=False)
        # click returns an Exit's code in this mode: typer turns Ctrl-C into Exit(130)
        if isinstance(code, int) and code:
            return _interrupted() if code == 130 else code
    except InputError as exc:
        err_console.print(exc.format(), markup=False, soft_wrap=True)
        return 2
    except (SimulationError, OutputError) as exc:
        err_console.print(f"dcsim: {exc}", markup=False, soft_wrap=True)
        return 1
    except KeyboardInterrupt:
        return _interrupted()
    except SystemExit as exc:
        return int(exc.code or 0)
    except Exception as exc:  # noqa: BLE001 - last resort: one line, no traceback
        # typer's usage errors (click's, vendored or not) carry show() and exit_code (2);
        # typer.Exit carries exit_code only.
        if hasattr(exc, "exit_code"):
            if hasattr(exc, "show"):
                exc.show(file=sys.stderr)
            return int(exc.exit_code)
        if type(exc).__name__ == "Abort":  # click's form of Ctrl-C
            return _interrupted()
        if _SIGNALS:  # the interrupt came back from a library as its own error
            return _interrupted()
        if os.environ.get("DCSIM_DEBUG"):
            raise
        err_console.print(f"dcsim: internal error: {type(exc).__name__}: {exc}", markup=False)
        err_console.print("(set DCSIM_DEBUG=1 for a traceback; please report it)", markup=False)
        return 1
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        sys.unraisablehook = previous_hook
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
