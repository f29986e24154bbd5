"""Write the golden KPI files the refactoring test (tests/test_golden.py) compares against.

    python tests/golden/generate.py            # from the checkout: every reference scenario
                                               # (a full year) and every example case (7 days)

The files record what the code gave when they were written (``source_commit`` in each), so
that a change meant to keep behaviour (moving physics between modules, one function instead
of two copies) can show it did, to 1e-12 relative. Regenerate only on purpose, with the
reason in the commit, when a change is *meant* to move numbers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
#: example cases run shortened (the test runs in make test); the horizon and replications
CASE_OVERRIDES = {"simulation.duration": "7d"}
CASE_REPLICATIONS = 2
SKIP_KPIS = {"sim_wall_s"}  # wall time of the run, not a model result


def scenario_files() -> list[Path]:
    return sorted((ROOT / "scenarios").glob("*.toml"))


def case_files() -> list[Path]:
    return sorted((ROOT / "scenarios" / "cases").glob("*.toml"))


def scenario_kpis(path: Path) -> dict[str, float]:
    import dcsim

    res = dcsim.simulate(dcsim.load_scenario(path))
    return {k: float(v) for k, v in res.kpis.items() if k not in SKIP_KPIS}


def case_figures(path: Path) -> dict:
    from dcsim.case import run_case

    res = run_case(path, overrides=CASE_OVERRIDES, replications=CASE_REPLICATIONS)
    out = {"variants": {}, "business": {}}
    for o in res.outcomes:
        out["variants"][o.name] = {
            "kpis": [{k: float(v) for k, v in r.items() if k not in SKIP_KPIS} for r in o.kpis],
            "extras": [{k: float(v) for k, v in r.items()} for r in o.extras],
        }
    for name, b in res.business.items():
        out["business"][name] = {"savings_sek_per_year": float(b.savings_sek_per_year), "npv_sek": float(b.npv_sek),
                                 "co2_abated_t_per_year": float(b.co2_abated_t_per_year)}
    return out


def main() -> int:
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    scenarios = {p.stem: scenario_kpis(p) for p in scenario_files()}
    (GOLDEN / "scenarios.json").write_text(json.dumps(
        {"source_commit": commit, "about": "KPIs of every reference scenario as shipped (a full year)",
         "scenarios": scenarios}, indent=1, sort_keys=True) + "\n")
    cases = {p.stem: case_figures(p) for p in case_files()}
    (GOLDEN / "cases.json").write_text(json.dumps(
        {"source_commit": commit, "overrides": CASE_OVERRIDES, "replications": CASE_REPLICATIONS,
         "about": "every example case's variants and business case, shortened", "cases": cases},
        indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(scenarios)} scenarios and {len(cases)} cases at {commit[:12]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
