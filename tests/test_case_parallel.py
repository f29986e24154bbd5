"""A case's simulations in worker processes give what one process gives (issue 20: every
example case under 3 minutes on a 2-core machine runs its simulations on both cores)."""

from __future__ import annotations

import os

import pytest

from dcsim.case import load_case
from dcsim.case.runner import PARALLEL_MIN_EVENT_DAYS, auto_workers

ROOT = os.path.join(os.path.dirname(__file__), "..")


def _case(name, **overrides):
    return load_case(os.path.join(ROOT, "scenarios", "cases", name), overrides=overrides or None)


@pytest.mark.slow  # two worker processes start (about 3 s each)
def test_two_workers_give_the_one_process_results_bit_for_bit():
    """Every KPI and extra of every variant and replication, the reuse of identical runs and
    the progress count equal one process's; only the runs' own wall time differs."""
    # a proposal identical to the baseline: its runs are the baseline's, reused in both modes
    case = load_case(os.path.join(ROOT, "tests", "fixtures", "cases", "small.toml"),
                     overrides={"simulation.duration": "2d"})
    seen = []
    one = case.run(workers=1)
    two = case.run(workers=2, progress=lambda done, total, label: seen.append((done, total)))
    assert one.runs_simulated == two.runs_simulated < len(case.variants) * len(case.seeds)
    assert "baseline" in two.outcomes[2].reused_from
    for a, b in zip(one.outcomes, two.outcomes, strict=True):
        assert a.reused_from == b.reused_from and a.hashes == b.hashes
        for ka, kb in zip(a.kpis + a.extras, b.kpis + b.extras, strict=True):
            ka, kb = dict(ka), dict(kb)
            ka.pop("sim_wall_s", None), kb.pop("sim_wall_s", None)
            assert ka == kb
        assert a.first.timeseries.equals(b.first.timeseries)
    total = len(case.variants) * len(case.seeds)
    # one report as each of the runs finishes (before the final "done"), counting up to the total
    assert [d for d, _ in seen[:-1]] == sorted(d for d, _ in seen[:-1]) and seen[-2] == (total, total)
    assert len(seen) == one.runs_simulated + 1


def test_a_failing_run_in_a_worker_reaches_the_caller():
    """An error raised by a simulation in a worker is raised by the case's run (the CLI maps it
    to its exit code), not lost and not a hang."""
    from dcsim.case.runner import simulate_runs

    with pytest.raises(TypeError, match="takes a dcsim Scenario"):
        simulate_runs({"a": ("not a scenario", "a"), "b": ("nor this", "b")}, workers=2)


def test_auto_workers_runs_long_cases_on_every_core_and_short_ones_in_one_process(monkeypatch):
    import dcsim.sweep.executors as ex

    monkeypatch.setattr(ex, "default_workers", lambda: 2)
    jobs = _case("price-aware-batch-scheduling.toml")  # a year of jobs: 3 variants x 2 weather years
    assert auto_workers(jobs) == 2
    short = _case("price-aware-batch-scheduling.toml", **{"simulation.duration": f"{PARALLEL_MIN_EVENT_DAYS - 1}d"})
    assert auto_workers(short) == 1
    assert auto_workers(_case("supply-air-a2.toml")) == 1  # a year of 100 racks: about a second a run


def test_dcsims_errors_cross_a_process_boundary_whole():
    """A worker's InputError (exit 2, every problem with its path) and SimulationError (exit 1,
    the step and quantity) are pickled back to the caller: they must come back as they were
    (before, the InputError's message became one "problem" per character and the
    SimulationError could not be rebuilt at all)."""
    import pickle

    from dcsim.errors import InputError, Problem, SimulationError

    err = InputError([Problem("it.racks", "must be >= 1", value=0, file="a.toml", line=3)], title="1 problem in a.toml")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is InputError and str(back) == str(err) and back.problems == err.problems
    sim = SimulationError(7, "2025-01-01T00:07:00", "mean_inlet_c", float("nan"), "a finite value")
    back = pickle.loads(pickle.dumps(sim))
    assert type(back) is SimulationError and str(back) == str(sim) and (back.step, back.quantity) == (7, "mean_inlet_c")
