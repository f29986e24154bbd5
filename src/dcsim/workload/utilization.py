"""A utilisation trace (``workload.kind = "utilization-trace"``): the hall-mean server
utilisation against time (a site's metered load), read from a CSV or Parquet file with
``time`` (interval start, ISO 8601 UTC) and a utilisation column (``utilization``, or the one
``workload.utilization_trace.column`` names; 0-1) on a constant step, complete and in order,
that covers the simulated period; or, with ``workload.utilization_trace.step`` (and ``start``),
a file without a time column whose rows follow each other on that step (SustainDC's traces:
an index column and ``cpu_load``). Each step takes the value of the interval holding its midpoint
(the way every dated input of dcsim is sampled).

With ``workload.utilization_trace.per_rack`` the file holds one utilisation column per rack,
``<column>_0`` to ``<column>_<racks - 1>`` in rack order (e.g. ``utilization_0``,
``utilization_1``): each rack follows its own, the hall series is their mean."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from .._table import Column
from ..grid.readers import TIME, interval_index, read_dated_columns

UTILIZATION_COLUMN = "utilization"
FIELD = "workload.utilization_trace.path"


def rack_column_names(column: str, racks: int) -> list[str]:
    """The per-rack utilisation columns of a file: ``<column>_0`` .. ``<column>_<racks - 1>``."""
    return [f"{column}_{i}" for i in range(racks)]


def read_utilization_file(path: str | Path, *, column: str = UTILIZATION_COLUMN, field_path: str = FIELD,
                          rows_from: tuple[int, int] | None = None,
                          racks: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(interval starts as int64 UTC seconds, utilisation) of a utilisation trace; every
    problem with its file, line and column (InputError). ``rows_from = (start_s, step_s)``
    for a file without a time column (:func:`dcsim.grid.readers.read_dated_column`). With
    ``racks`` the file holds one column per rack (:func:`rack_column_names`) and the
    utilisation is an array of shape (rows, racks)."""
    names = [column] if racks is None else rack_column_names(column, racks)
    hint = ("Add the column, or name yours in workload.utilization_trace.column." if racks is None else
            f"A per-rack trace has one column per rack, {names[0]} to {names[-1]} "
            "(workload.utilization_trace.column, then _ and the rack's index from 0).")
    cols = [Column(n, low=0, high=1, label="utilization", describe="the server utilisation, 0-1", hint=hint)
            for n in names]
    time = replace(TIME, hint="Add the column; or, for a file whose rows follow each other on a constant step "
                              "without one, set workload.utilization_trace.step (e.g. \"1h\").")
    _, t, values = read_dated_columns(path, cols, what="utilization trace", field_path=field_path,
                                      rows_from=rows_from, time=time)
    if racks is None:
        return t, values[0].astype(np.float64)
    return t, np.column_stack([v.astype(np.float64) for v in values])


def utilization_from_file(path: str | Path, midpoints_utc, *, column: str = UTILIZATION_COLUMN,
                          rows_from: tuple[int, int] | None = None, racks: int | None = None) -> np.ndarray:
    """The utilisation at each step midpoint (datetime64), from :func:`read_utilization_file`:
    shape (steps,), or (steps, racks) with ``racks``; InputError when the file does not cover
    every step."""
    time_s, util = read_utilization_file(path, column=column, rows_from=rows_from, racks=racks)
    rows = interval_index(time_s, midpoints_utc, what="utilisation", file=path, field_path=FIELD)
    return np.ascontiguousarray(util[rows])
