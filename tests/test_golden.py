"""Behaviour kept: every reference scenario and example case gives the golden KPIs.

The golden files (tests/golden/, written by ``tests/golden/generate.py`` and naming the commit
they come from) hold what the code computed then. Tolerance 1e-12 relative: a refactoring that
moves physics between modules keeps every operation and its order, so results agree to the
last bits; 1e-12 leaves room only for a reassociated sum, which is what Numba/LLVM may do when
a function is inlined elsewhere. Absolute instead where a quantity is a round-off residual
that any reassociation moves by a multiple of its size: 1e-12 for a golden 0 and for
every ``*_rel_error`` balance check (``energy_balance_rel_error``, ``battery_balance_rel_error``:
about 1e-17 to 1e-16, moved by numpy's alignment-dependent pairwise sums), and 1e-12 of the run's facility energy for an
energy (kWh) KPI, so that an unmet cooling of 8e-12 kWh in a year of 8e6 kWh (all the
remainder of the plant's "unmet <= 1e-9 (1 + q)" test) is zero to that precision.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
sys.path.insert(0, str(GOLDEN))
import generate  # noqa: E402

SCENARIOS = json.loads((GOLDEN / "scenarios.json").read_text())
CASES = json.loads((GOLDEN / "cases.json").read_text())
RTOL, ATOL = 1e-12, 1e-12
#: KPIs that are round-off residuals, compared absolutely
RESIDUALS_SUFFIX = "_rel_error"


def _close(got: float, want: float, key: str = "", energy_kwh: float = 0.0) -> bool:
    if math.isnan(want):
        return math.isnan(got)
    if want == 0.0 or key.endswith(RESIDUALS_SUFFIX):
        return abs(got - want) <= ATOL
    floor = RTOL * energy_kwh if key.endswith("_kwh") else 0.0
    return abs(got - want) <= max(RTOL * abs(want), floor)


def _differences(got: dict[str, float], want: dict[str, float]) -> list[str]:
    missing = sorted(set(want) - set(got))
    energy = abs(want.get("energy_facility_kwh", 0.0))
    bad = [f"{k}: {got[k]!r} != golden {want[k]!r}" for k in sorted(want)
           if k in got and not _close(got[k], want[k], k, energy)]
    return [f"missing {k}" for k in missing] + bad


def test_golden_files_cover_every_shipped_file():
    assert sorted(SCENARIOS["scenarios"]) == [p.stem for p in generate.scenario_files()]
    assert sorted(CASES["cases"]) == [p.stem for p in generate.case_files()]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SCENARIOS["scenarios"]))
def test_reference_scenario_kpis_unchanged(name):
    got = generate.scenario_kpis(generate.ROOT / "scenarios" / f"{name}.toml")
    assert not _differences(got, SCENARIOS["scenarios"][name])


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES["cases"]))
def test_example_case_figures_unchanged(name):
    got = generate.case_figures(generate.ROOT / "scenarios" / "cases" / f"{name}.toml")
    want = CASES["cases"][name]
    assert sorted(got["variants"]) == sorted(want["variants"])
    problems = []
    for v, w in want["variants"].items():
        for r, (g_k, w_k) in enumerate(zip(got["variants"][v]["kpis"], w["kpis"], strict=True)):
            problems += [f"{v}[{r}] {p}" for p in _differences(g_k, w_k)]
        for r, (g_e, w_e) in enumerate(zip(got["variants"][v]["extras"], w["extras"], strict=True)):
            problems += [f"{v}[{r}] extra {p}" for p in _differences(g_e, w_e)]
    for b, w_b in want["business"].items():
        problems += [f"business {b} {p}" for p in _differences(got["business"][b], w_b)]
    assert not problems, "\n".join(problems)
