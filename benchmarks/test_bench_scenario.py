"""Scenario loading and validation: parse TOML, validate with pydantic, resolve references.

Python-bound work, so the figures are relative to the interpreter calibration.
"""

from __future__ import annotations

import pytest

import dcsim

STEPS_PER_YEAR = 365 * 24 * 60


def test_bench_load_scenario(perf, reference_scenario):
    """Load and validate the reference scenario. Unit: scenarios/s."""
    sc = perf.run(
        lambda: dcsim.load_scenario(reference_scenario),
        work=1,
        unit="scenarios/s",
        calibration="python",
        inner=20,
    )
    assert sc.it.racks == 100
    assert sc.simulation.duration // sc.simulation.step == STEPS_PER_YEAR


def test_bench_validate_invalid_scenario(perf, repo_root):
    """The error path: a file with four problems, all collected and located. Unit: files/s."""
    path = repo_root / "tests" / "fixtures" / "scenarios" / "invalid_four.toml"

    def load_invalid():
        try:
            dcsim.load_scenario(path)
        except dcsim.InputError as exc:
            return exc
        pytest.fail("invalid_four.toml loaded without an error")

    exc = perf.run(load_invalid, work=1, unit="files/s", calibration="python", inner=20)
    assert len(exc.problems) == 4
    assert all(p.line is not None for p in exc.problems)
