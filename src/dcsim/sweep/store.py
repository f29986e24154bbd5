"""Run records on disk and the results table.

Each finished run is one small JSON file, ``DIR/runs/<key>.json``, written to a temporary
file and moved into place with ``os.replace``: a sweep killed at any moment (SIGKILL
included) leaves only whole records, and loses at most the runs in flight. ``<key>`` is the
hash of the run's resolved scenario and the dcsim version (:func:`dcsim.sweep.spec.run_key`),
so ``--resume`` finds every finished run, whichever sweep or executor produced it.

``results.parquet`` is consolidated from the records (one row per planned run, in run order)
at the end of a sweep, when it is interrupted, and when it is resumed.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from ..results import KPI_NAMES
from .spec import Sweep

#: The fixed leading columns of results.parquet (DESIGN.md section 3).
LEAD_COLUMNS = ("run_id", "scenario_hash", "seed", "status", "error", "wall_s")


class RunStore:
    """The folder of run records of one sweep output directory."""

    def __init__(self, output_dir: str | os.PathLike):
        self.dir = Path(output_dir) / "runs"

    def path(self, key: str) -> Path:
        return self.dir / f"{key}.json"

    def has_records(self) -> bool:
        return self.dir.is_dir() and any(self.dir.glob("*.json"))

    def load(self, key: str) -> dict[str, Any] | None:
        try:
            record = json.loads(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return record if isinstance(record, dict) and record.get("key") == key else None

    def save(self, record: dict[str, Any]) -> Path:
        """Write one record atomically (temporary file, then ``os.replace``)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        target = self.path(record["key"])
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=self.dir)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(record, fh, indent=1)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    def clean_temporaries(self) -> None:
        """Remove temporary files a killed sweep may have left behind."""
        if self.dir.is_dir():
            for tmp in self.dir.glob(".tmp-*"):
                tmp.unlink(missing_ok=True)


def _param_column(values: list[Any]) -> list[Any]:
    """Parameter values as one Parquet-friendly column: scalars as they are, lists and tables
    as JSON text, and text throughout when numbers and text are mixed."""
    out = [json.dumps(v, sort_keys=True) if isinstance(v, (list, dict)) else v for v in values]
    kinds = {("text" if isinstance(v, str) else "bool" if isinstance(v, bool) else "number") for v in out if v is not None}
    if len(kinds) > 1:
        out = [None if v is None else str(v) for v in out]
    return out


def results_frame(sweep: Sweep, records: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """One row per planned run that has a record, in run order: ``run_id``, ``scenario_hash``,
    ``seed``, ``status``, ``error``, ``wall_s``, the varied parameters under their dotted keys,
    then every KPI by its contract name (NaN for a failed run)."""
    params = sweep.param_keys
    rows = [(run, records[run.key]) for run in sweep.runs if run.key in records]
    data: dict[str, Any] = {
        "run_id": pd.array([run.run_id for run, _ in rows], dtype="int64"),
        "scenario_hash": pd.array([run.scenario_hash for run, _ in rows], dtype="string"),
        "seed": pd.array([run.seed for run, _ in rows], dtype="int64"),
        "status": pd.array([rec["status"] for _, rec in rows], dtype="string"),
        "error": pd.array([rec.get("error") for _, rec in rows], dtype="string"),
        "wall_s": [float(rec.get("wall_s", math.nan)) for _, rec in rows],
    }
    for key in params:
        data[key] = _param_column([run.params.get(key) for run, _ in rows])
    kpi_names = kpi_columns(rec for _, rec in rows)
    for name in kpi_names:
        data[name] = [
            float(rec["kpis"].get(name, math.nan)) if rec.get("status") == "ok" and rec.get("kpis") else math.nan
            for _, rec in rows
        ]
    frame = pd.DataFrame(data)
    frame["wall_s"] = frame["wall_s"].astype("float64")
    for name in kpi_names:
        frame[name] = frame[name].astype("float64")
    return frame


def kpi_columns(records) -> list[str]:
    """Every contract KPI (DESIGN.md section 3), then the extra KPIs any record has."""
    from .. import results

    extra = getattr(results, "EXTRA_KPI_NAMES", ())
    present: set[str] = set()
    for rec in records:
        present.update((rec.get("kpis") or {}).keys())
    return [*KPI_NAMES, *(k for k in extra if k in present and k not in KPI_NAMES)]


def write_parquet_atomic(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".parquet", dir=target.parent)
    os.close(fd)
    try:
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_text_atomic(text: str, path: str | os.PathLike) -> Path:
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
