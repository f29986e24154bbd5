"""Sensitivity views of a finished sweep: summary statistics, a one-at-a-time tornado chart,
and Spearman rank correlations for sampled sweeps. Saved as CSV and PNG (matplotlib, Agg).

- **Tornado** (one at a time): every grid axis and zip group is varied alone while the others
  stay at their reference level (the base scenario's value when it is one of the levels,
  else the middle level); the bar spans the lowest to the highest mean KPI over its levels
  (mean over replications and samples). Needs the runs with the other axes at reference,
  which a grid sweep always has.
- **Rank correlation** (sampled sweeps): Spearman's rho between each numeric varied
  parameter and each KPI over all successful runs (Pearson correlation of average ranks).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..results import KPI_NAMES
from .spec import Sweep

#: KPIs left out of the rank-correlation table: wall time is not a model output.
_NOT_MODEL_OUTPUTS = ("sim_wall_s",)


def _level_text(values: tuple[Any, ...]) -> str:
    return " / ".join(str(v) for v in values)


def kpi_names(frame: pd.DataFrame) -> list[str]:
    """The KPI columns of a results table: the contract KPIs, then any extra ones."""
    from .. import results

    extra = getattr(results, "EXTRA_KPI_NAMES", ())
    return [*KPI_NAMES, *(k for k in extra if k in frame.columns and k not in KPI_NAMES)]


def summary_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Statistics of every KPI over the successful runs."""
    ok = frame[frame["status"] == "ok"]
    rows = []
    for name in kpi_names(frame):
        v = ok[name].to_numpy(dtype=float) if len(ok) else np.array([])
        v = v[np.isfinite(v)]
        if v.size:
            q = np.quantile(v, [0.05, 0.5, 0.95])
            rows.append({"kpi": name, "runs": int(v.size), "mean": v.mean(), "std": v.std(ddof=1) if v.size > 1 else 0.0,
                         "min": v.min(), "p05": q[0], "median": q[1], "p95": q[2], "max": v.max()})
        else:
            rows.append({"kpi": name, "runs": 0} | {k: np.nan for k in ("mean", "std", "min", "p05", "median", "p95", "max")})
    return pd.DataFrame(rows)


def tornado(sweep: Sweep, frame: pd.DataFrame, kpi: str) -> pd.DataFrame | None:
    """One-at-a-time swings of ``kpi``; None when no grid axis or zip group has two levels."""
    fixed_axes = [i for i, a in enumerate(sweep.axes) if a.kind != "sample"]
    varied = [i for i in fixed_axes if len(sweep.axes[i].levels) >= 2]
    ok = frame[(frame["status"] == "ok") & np.isfinite(frame[kpi].to_numpy(dtype=float))]
    if not varied or ok.empty:
        return None
    levels_by_id = {run.run_id: run.levels for run in sweep.runs}
    levels = np.array([levels_by_id[int(r)] for r in ok["run_id"]], dtype=np.int64).reshape(len(ok), len(sweep.axes))
    values = ok[kpi].to_numpy(dtype=float)
    refs = np.array(sweep.reference_levels(), dtype=np.int64)
    at_ref = np.all(levels[:, fixed_axes] == refs[fixed_axes], axis=1)
    kpi_ref = float(values[at_ref].mean()) if at_ref.any() else np.nan
    rows = []
    for i in varied:
        axis = sweep.axes[i]
        others = [j for j in fixed_axes if j != i]
        mask = np.all(levels[:, others] == refs[others], axis=1) if others else np.ones(len(ok), bool)
        means = {lv: float(values[mask & (levels[:, i] == lv)].mean())
                 for lv in range(len(axis.levels)) if (mask & (levels[:, i] == lv)).any()}
        if not means:
            continue
        lo = min(means, key=means.get)
        hi = max(means, key=means.get)
        rows.append({
            "parameter": axis.name,
            "keys": ", ".join(axis.keys),
            "reference_value": _level_text(axis.levels[refs[i]]),
            f"{kpi}_reference": kpi_ref,
            "value_at_min": _level_text(axis.levels[lo]),
            f"{kpi}_min": means[lo],
            "value_at_max": _level_text(axis.levels[hi]),
            f"{kpi}_max": means[hi],
            "swing": means[hi] - means[lo],
            "levels_run": len(means),
        })
    if not rows:
        return None
    return pd.DataFrame(rows).sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def rank_correlations(sweep: Sweep, frame: pd.DataFrame) -> pd.DataFrame | None:
    """Spearman's rho of each numeric varied parameter with each KPI (rows: parameters);
    None unless the sweep samples parameters and at least three runs succeeded."""
    if not sweep.sampled:
        return None
    ok = frame[frame["status"] == "ok"]
    if len(ok) < 3:
        return None
    params = [
        k for k in sweep.param_keys
        if pd.api.types.is_numeric_dtype(ok[k]) and not pd.api.types.is_bool_dtype(ok[k]) and ok[k].nunique() > 1
    ]
    if not params:
        return None
    kpis = [k for k in kpi_names(frame) if k not in _NOT_MODEL_OUTPUTS]
    table = pd.DataFrame(index=pd.Index(params, name="parameter"), columns=kpis, dtype=float)
    for p in params:
        rp = ok[p].rank(method="average").to_numpy(dtype=float)
        for k in kpis:
            table.loc[p, k] = _pearson(rp, ok[k].rank(method="average").to_numpy(dtype=float))
    return table


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    mask = np.isfinite(a) & np.isfinite(b)
    a, b = a[mask] - a[mask].mean(), b[mask] - b[mask].mean()
    den = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / den) if den > 0 else np.nan


def _figure(height_in: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.0, height_in), dpi=110)
    FigureCanvasAgg(fig)
    return fig


def plot_tornado(table: pd.DataFrame, kpi: str, path: Path, title: str) -> Path:
    n = len(table)
    fig = _figure(1.6 + 0.5 * n)
    ax = fig.add_subplot(1, 1, 1)
    rows = table.iloc[::-1]  # largest swing on top
    y = np.arange(n)
    lo = rows[f"{kpi}_min"].to_numpy(float)
    hi = rows[f"{kpi}_max"].to_numpy(float)
    ax.barh(y, hi - lo, left=lo, color="#4C72B0", height=0.6)
    ref = float(table[f"{kpi}_reference"].iloc[0])
    if np.isfinite(ref):
        ax.axvline(ref, color="black", linewidth=1, label="all at reference")
        ax.legend(loc="lower right", fontsize=8)
    for yi, (_, row) in zip(y, rows.iterrows()):
        ax.annotate(str(row["value_at_min"]).split(" / ")[0], (row[f"{kpi}_min"], yi), xytext=(-4, 0), textcoords="offset points",
                    ha="right", va="center", fontsize=8)
        ax.annotate(str(row["value_at_max"]).split(" / ")[0], (row[f"{kpi}_max"], yi), xytext=(4, 0), textcoords="offset points",
                    ha="left", va="center", fontsize=8)
    ax.set_yticks(y, rows["parameter"].tolist())
    span = (np.nanmax(hi) - np.nanmin(lo)) or abs(np.nanmax(hi)) or 1.0
    ax.set_xlim(np.nanmin(lo) - 0.25 * span, np.nanmax(hi) + 0.25 * span)
    ax.set_xlabel(kpi)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    return path


def plot_correlations(table: pd.DataFrame, kpi: str, path: Path, title: str) -> Path:
    rho = table[kpi].astype(float)
    order = rho.abs().fillna(0).sort_values().index
    fig = _figure(1.6 + 0.45 * len(order))
    ax = fig.add_subplot(1, 1, 1)
    vals = rho[order].to_numpy(float)
    ax.barh(np.arange(len(order)), np.nan_to_num(vals), color=["#C44E52" if v > 0 else "#4C72B0" for v in np.nan_to_num(vals)])
    ax.set_yticks(np.arange(len(order)), list(order))
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlim(-1, 1)
    ax.set_xlabel(f"Spearman rank correlation with {kpi}")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    return path


def write_sensitivity(sweep: Sweep, frame: pd.DataFrame, kpi: str, output_dir: Path) -> dict[str, Any]:
    """Write summary.csv, and tornado_<kpi>.csv/.png and spearman.csv/spearman_<kpi>.png when
    they apply. Returns the tables and the files written."""
    output_dir = Path(output_dir)
    out: dict[str, Any] = {"files": []}
    summary = summary_table(frame)
    summary.to_csv(output_dir / "summary.csv", index=False)
    out["summary"] = summary
    out["files"].append(output_dir / "summary.csv")
    tor = tornado(sweep, frame, kpi)
    out["tornado"] = tor
    if tor is not None:
        tor.to_csv(output_dir / f"tornado_{kpi}.csv", index=False)
        plot_tornado(tor, kpi, output_dir / f"tornado_{kpi}.png",
                     f"{sweep.name}: one-at-a-time sensitivity of {kpi}\n(other axes at their reference level)")
        out["files"] += [output_dir / f"tornado_{kpi}.csv", output_dir / f"tornado_{kpi}.png"]
    rho = rank_correlations(sweep, frame)
    out["spearman"] = rho
    if rho is not None:
        rho.to_csv(output_dir / "spearman.csv")
        plot_correlations(rho, kpi, output_dir / f"spearman_{kpi}.png", f"{sweep.name}: rank correlations with {kpi}")
        out["files"] += [output_dir / "spearman.csv", output_dir / f"spearman_{kpi}.png"]
    return out
