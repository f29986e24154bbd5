"""What ``dcsim case`` writes: comparison.csv, replications.csv, run folders and the report."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from ..results import KPI_NAMES

ECONOMICS_COLUMNS = (
    "savings_sek_per_year",
    "payback_years",
    "npv_sek",
    "co2_abated_t_per_year",
    "abatement_cost_sek_per_t",
)


def comparison_columns() -> list[str]:
    """The comparison.csv columns in order (DESIGN.md section 3)."""
    cols = ["variant", *KPI_NAMES]
    for k in KPI_NAMES:
        cols += [f"delta_{k}", f"delta_{k}_p05", f"delta_{k}_p95"]
    return cols + list(ECONOMICS_COLUMNS)


def comparison_frame(result) -> pd.DataFrame:
    """One row per variant, baseline first: mean KPIs over the replications, the paired
    differences (zero for the baseline itself) and, for proposals, the business case."""
    rows = []
    for out in result.outcomes:
        row: dict[str, object] = {"variant": out.name}
        row.update(out.mean_kpis())
        diffs = result.differences.get(out.name)
        for k in KPI_NAMES:
            if diffs is None:
                row[f"delta_{k}"] = row[f"delta_{k}_p05"] = row[f"delta_{k}_p95"] = 0.0
            else:
                d = diffs[k]
                row[f"delta_{k}"], row[f"delta_{k}_p05"], row[f"delta_{k}_p95"] = d.mean, d.p05, d.p95
        bc = result.business.get(out.name)
        for col in ECONOMICS_COLUMNS:
            row[col] = bc.as_columns()[col] if bc is not None else math.nan
        rows.append(row)
    return pd.DataFrame(rows, columns=comparison_columns())


def replications_frame(result) -> pd.DataFrame:
    """Every run: variant, replication, seed, scenario hash, whether it reused another
    variant's identical run, and its KPIs."""
    rows = []
    for out in result.outcomes:
        for r, seed in enumerate(result.seeds):
            row = {
                "variant": out.name,
                "replication": r,
                "seed": seed,
                "scenario_hash": out.hashes[r],
                "reused_run_of": out.reused_from[r] or "",
            }
            row.update(out.kpis[r])
            row.update(out.extras[r])
            rows.append(row)
    return pd.DataFrame(rows)


def save_case(result, directory: Path, *, lang: str = "en", force: bool = False) -> Path:
    """Write ``report.html``, ``comparison.csv``, ``replications.csv`` and
    ``runs/<variant>/`` (the first weather year's run, :meth:`Results.save`) as the folder
    ``directory``, swapped in whole (:func:`dcsim._outdir.fresh_folder`): a variant folder of
    an earlier run of the case never survives beside the new ones."""
    from .._outdir import fresh_folder
    from ..report import render_report

    with fresh_folder(directory, force=force) as tmp:
        for out in result.outcomes:
            res = out.first
            manifest = dict(res.manifest)
            manifest.update(
                {
                    "case_name": result.case.name,
                    "variant": out.name,
                    "replication_seeds": list(result.seeds),
                    "run_folder_holds_seed": result.seeds[0],
                }
            )
            res.__class__(scenario=res.scenario, kpis=res.kpis, timeseries=res.timeseries, racks=res.racks,
                          manifest=manifest, reporting=res.reporting).save(tmp / "runs" / out.name)
        (tmp / "comparison.csv").write_text(comparison_frame(result).to_csv(index=False, float_format="%.10g"),
                                            encoding="utf-8", newline="")
        (tmp / "replications.csv").write_text(replications_frame(result).to_csv(index=False, float_format="%.10g"),
                                              encoding="utf-8", newline="")
        (tmp / "report.html").write_text(render_report(result, lang=lang), encoding="utf-8", newline="")
    return directory
