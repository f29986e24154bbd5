"""Running a case: every variant over the same weather years, paired differences, economics.

Replication r (0, 1, ...) runs every variant with ``simulation.seed = base seed + r``: each
seed is another synthetic weather year (and, once the workload is stochastic, another
workload draw), and within a replication the baseline and all proposals see exactly the same
inputs (common random numbers). For each KPI the paired differences d_r = proposal_r -
baseline_r give the mean difference and its 5th and 95th percentiles (linear interpolation;
with one replication all three are the single difference). A proposal whose scenario and
components equal the baseline's is not simulated again: it reuses the baseline's run, so
every difference, ``sim_wall_s`` included, is exactly zero. Likewise a proposal that only adds
post-processing components reuses the physics run of the baseline and post-processes it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..results import KPI_NAMES, Results
from ..scenario.load import scenario_hash
from ..thermal.ashrae import XFACTOR as XFACTOR_TABLE
from ..thermal.ashrae import XFACTOR_INLET_C
from .components import run_postprocessors
from .economics import BusinessCase, business_case
from .load import Case, Variant, load_case

#: The engine's KPIs beyond the contract that the report shows (if a run has them), plus the
#: X-factor, computed here from the hall-mean inlet when the engine does not report it.
XFACTOR = "xfactor_failure_rate"

ProgressFn = Callable[[int, int, str], None]


def x_factor_mean(timeseries: pd.DataFrame) -> float:
    """Time-weighted mean X-factor of the hall-mean inlet temperature (1.00 = 20 °C all year);
    used when the engine does not report ``xfactor_failure_rate`` itself."""
    from .datasheet import interp_clamped_many

    inlet = timeseries["mean_inlet_c"].to_numpy(np.float64)
    if inlet.size == 0:
        return 0.0
    return float(interp_clamped_many(XFACTOR_INLET_C, XFACTOR_TABLE, inlet).mean())


@dataclass
class Outcome:
    """What one variant gave over all replications."""

    variant: Variant
    kpis: list[dict[str, float]] = field(default_factory=list)  # one dict per replication
    extras: list[dict[str, float]] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    first: Results | None = None  # replication 0: run folder and figures
    notes: list[str] = field(default_factory=list)
    reused_from: list[str | None] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.variant.name

    def mean_kpis(self) -> dict[str, float]:
        return {k: float(np.mean([r[k] for r in self.kpis])) for k in KPI_NAMES}

    @property
    def extra_names(self) -> list[str]:
        return list(self.extras[0]) if self.extras else []

    def mean_extras(self) -> dict[str, float]:
        return {k: float(np.mean([r[k] for r in self.extras])) for k in self.extra_names}


@dataclass(frozen=True)
class Difference:
    """A paired difference over replications: mean, 5th and 95th percentile, and each one."""

    mean: float
    p05: float
    p95: float
    values: tuple[float, ...]


def paired_difference(proposal: list[float], baseline: list[float]) -> Difference:
    """Mean and 90 % interval (5th-95th percentile) of proposal_r - baseline_r."""
    d = np.asarray(proposal, dtype=np.float64) - np.asarray(baseline, dtype=np.float64)
    p05, p95 = np.percentile(d, [5.0, 95.0])
    return Difference(float(d.mean()), float(p05), float(p95), tuple(float(x) for x in d))


@dataclass
class CaseResult:
    """A run case: outcomes per variant (baseline first), paired differences, business cases."""

    case: Case
    outcomes: list[Outcome]
    seeds: list[int]
    differences: dict[str, dict[str, Difference]]
    business: dict[str, BusinessCase]
    business_by_seed: dict[str, list[BusinessCase]]
    started_utc: str
    wall_s: float
    runs_simulated: int
    #: a ``dcsim verify`` result (verification.json) for the report's measured-savings section
    verification: dict | None = None

    @property
    def baseline(self) -> Outcome:
        return self.outcomes[0]

    @property
    def proposals(self) -> list[Outcome]:
        return self.outcomes[1:]

    def comparison(self) -> pd.DataFrame:
        """The comparison.csv table (DESIGN.md section 3): one row per variant, baseline first."""
        from .output import comparison_frame

        return comparison_frame(self)

    def save(self, directory: str | Path, *, lang: str = "en", force: bool = False) -> Path:
        """Write report.html, comparison.csv, replications.csv and runs/<variant>/ as the folder
        ``directory``, replacing an earlier output whole (a folder that is not a dcsim output
        only with ``force``)."""
        from .output import save_case

        return save_case(self, Path(directory), lang=lang, force=force)


def run_loaded_case(case: Case, *, progress: ProgressFn | None = None, reuse_identical: bool = True,
                    engine_progress: Callable[[int, int], None] | None = None,
                    workers: int = 1) -> CaseResult:
    """Run every variant of ``case`` for every replication seed; with ``workers`` > 1 the
    simulations run in that many local processes (:func:`simulate_runs`), the same results bit
    for bit (each run is deterministic, and everything after the runs happens here, in order)."""
    started = datetime.now(timezone.utc).isoformat()
    t0 = time.perf_counter()
    outcomes = [Outcome(v) for v in case.variants]
    total = len(outcomes) * len(case.seeds)
    slots = []  # (replication, seed, outcome, scenario, run key), in the order results are assembled
    for r, seed in enumerate(case.seeds):
        for out in outcomes:
            sim = out.variant.scenario.simulation.model_copy(update={"seed": seed})
            sc = out.variant.scenario.model_copy(update={"simulation": sim})
            key = scenario_hash(sc) if reuse_identical else str(len(slots))
            slots.append((r, seed, out, sc, key))
    runs: dict[str, tuple[Any, str]] = {}  # run key -> (scenario, label of the first slot that needs it)
    serves: dict[str, int] = {}  # run key -> slots it serves
    for r, seed, out, sc, key in slots:
        runs.setdefault(key, (sc, f"{out.name}, weather year {r + 1} (seed {seed})"))
        serves[key] = serves.get(key, 0) + 1
    served = [0]

    def before(label: str) -> None:
        if progress is not None:
            progress(served[0], total, label)

    def after(key: str, label: str) -> None:
        served[0] += serves[key]
        if progress is not None:
            progress(served[0], total, label)

    results = simulate_runs(runs, workers=workers, engine_progress=engine_progress, before=before, after=after)
    simulated = len(runs)
    ran_by: dict[str, str] = {}
    for r, seed, out, sc, key in slots:
        if key in ran_by:
            raw, source = results[key], ran_by[key]
            out.reused_from.append(source)
        else:
            raw = results[key]
            ran_by[key] = out.name
            out.reused_from.append(None)
        v = out.variant
        res, notes = run_postprocessors(raw, v.components, seed)
        out.kpis.append({k: float(res.kpis[k]) for k in KPI_NAMES})
        extras = {k: float(v) for k, v in res.kpis.items() if k not in KPI_NAMES}
        if XFACTOR not in extras:
            extras[XFACTOR] = x_factor_mean(res.timeseries)
        out.extras.append(extras)
        out.hashes.append(scenario_hash(sc))
        out.notes.extend(notes)
        if r == 0:
            out.first = res
    if progress is not None:
        progress(total, total, "done")

    base = outcomes[0]
    differences: dict[str, dict[str, Difference]] = {}
    business: dict[str, BusinessCase] = {}
    by_seed: dict[str, list[BusinessCase]] = {}
    duration = case.baseline.scenario.simulation.duration
    a = case.assumptions
    for out in outcomes[1:]:
        prop = out.variant.proposal
        diffs = {
            k: paired_difference([x[k] for x in out.kpis], [x[k] for x in base.kpis]) for k in KPI_NAMES
        }
        shared = [k for k in base.extra_names if k in out.extra_names]
        diffs.update({
            k: paired_difference([x[k] for x in out.extras], [x[k] for x in base.extras]) for k in shared
        })
        differences[out.name] = diffs
        common = dict(
            duration_s=duration,
            capital_cost_sek=prop.capital_cost_sek,
            fixed_cost_change_sek_per_year=prop.fixed_cost_change_sek_per_year,
            lifetime_years=prop.lifetime_years,
            discount_rate=a.discount_rate,
            co2_price_sek_per_t=a.co2_price_sek_per_t,
            water_price_sek_per_m3=a.water_price_sek_per_m3,
        )
        business[out.name] = business_case({k: d.mean for k, d in diffs.items()}, **common)
        by_seed[out.name] = [
            business_case({k: d.values[i] for k, d in diffs.items()}, **common) for i in range(len(case.seeds))
        ]
    return CaseResult(
        case=case,
        outcomes=outcomes,
        seeds=list(case.seeds),
        differences=differences,
        business=business,
        business_by_seed=by_seed,
        started_utc=started,
        wall_s=time.perf_counter() - t0,
        runs_simulated=simulated,
    )


#: Below this a case's runs stay in one process: a worker takes seconds to start (imports, the
#: compiled model from the cache); a year of the 100-rack reference scenario takes about 1.1 s.
PARALLEL_MIN_RACK_STEPS = 250_000_000
PARALLEL_MIN_EVENT_DAYS = 30


def auto_workers(case: Case) -> int:
    """How many processes ``dcsim case`` runs a case's simulations in unless told: one per core
    (at most one per simulation) when each run is long enough to pay for a worker's start, a
    job-driven run of at least 30 days or at least 2.5e8 rack-steps; otherwise 1."""
    from ..sweep.executors import default_workers

    sc = case.baseline.scenario
    steps = sc.simulation.duration // sc.simulation.step
    long_run = (sc.workload.kind in ("synthetic", "trace") and sc.simulation.duration >= PARALLEL_MIN_EVENT_DAYS * 86400) \
        or steps * sc.it.racks >= PARALLEL_MIN_RACK_STEPS
    runs = len(case.variants) * len(case.seeds)
    return max(1, min(default_workers(), runs)) if long_run else 1


def simulate_runs(runs: dict[str, tuple[Any, str]], *, workers: int = 1,
                  engine_progress: Callable[[int, int], None] | None = None,
                  before: Callable[[str], None] | None = None,
                  after: Callable[[str, str], None] | None = None) -> dict[str, Results]:
    """Simulate each ``key: (scenario, label)`` of ``runs``; returns ``key: Results``.

    One worker: in order, in this process, ``before(label)`` ahead of each run and
    ``engine_progress`` within it. More: in ``workers`` local processes (spawned, one Numba
    thread each, as the sweep's local executor: :mod:`dcsim.sweep.executors`), each run's
    Results sent back whole, no ``before`` and no ``engine_progress``; ``after(key, label)``
    as each one finishes, in either case. An error in a run is raised here, the other runs
    cancelled; so is a Ctrl-C, the workers then terminated at once. A cold Numba cache is
    filled by each worker for itself (the first workers compile the model at the same time)."""
    from ..engine import simulate

    if workers <= 1 or len(runs) < 2:
        out = {}
        for key, (sc, label) in runs.items():
            if before is not None:
                before(label)
            out[key] = simulate(sc, progress=engine_progress)
            if after is not None:
                after(key, label)
        return out
    import multiprocessing
    import os
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    from ..sweep._worker import init_local_worker
    from ..sweep.executors import _terminate, pinned_thread_env

    out = {}
    with pinned_thread_env():  # the workers start at the first submit: inside, so they inherit one thread each
        pool = ProcessPoolExecutor(max_workers=min(workers, len(runs)), mp_context=multiprocessing.get_context("spawn"),
                                   initializer=init_local_worker, initargs=(os.getpid(),))
        clean = False
        try:
            pending = {pool.submit(simulate, sc): (key, label) for key, (sc, label) in runs.items()}
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    key, label = pending.pop(fut)
                    try:
                        out[key] = fut.result()
                    except BrokenProcessPool:
                        raise RuntimeError(
                            "a worker process of the case died (killed for lack of memory? called from a script "
                            "without `if __name__ == \"__main__\":`? the workers are started with spawn and import "
                            "the main module); run the case with workers=1 (dcsim case -j 1) to see the run's own error"
                        ) from None
                    if after is not None:
                        after(key, f"{label} done")
            clean = True
        finally:
            if clean:
                pool.shutdown(wait=True)
            else:
                _terminate(pool)
    return {key: out[key] for key in runs}


def run_case(
    case: str | Path | Case,
    *,
    output: str | Path | None = None,
    lang: str = "en",
    overrides: dict[str, Any] | None = None,
    replications: int | None = None,
    progress: ProgressFn | None = None,
    workers: int = 1,
) -> CaseResult:
    """Load (if given a path) and run a case; with ``output``, also write its report, CSV and
    run folders there; with ``workers`` > 1, its simulations in that many local processes
    (call it under ``if __name__ == "__main__":`` then: they are started with spawn).

    >>> res = run_case("scenarios/cases/supply-air-a2.toml", overrides={"simulation.duration": "14d"})
    >>> res.comparison()
    """
    if not isinstance(case, Case):
        case = load_case(case, overrides=overrides, replications=replications)
    result = run_loaded_case(case, progress=progress, workers=workers)
    if output is not None:
        result.save(output, lang=lang)
    return result
