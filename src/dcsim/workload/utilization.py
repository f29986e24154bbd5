"""A utilisation trace (``workload.kind = "utilization-trace"``): the hall-mean server
utilisation against time (a site's metered load), read from a CSV or Parquet file with
``time`` (interval start, ISO 8601 UTC) and a utilisation column (``utilization``, or the one
``workload.utilization_trace.column`` names; 0-1) on a constant step, complete and in order,
that covers the simulated period; or, with ``workload.utilization_trace.step`` (and ``start``),
a file without a time column whose rows follow each other on that step (SustainDC's traces:
an index column and ``cpu_load``). Each step takes the value of the interval holding its midpoint
(the way every dated input of dcsim is sampled)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from .._table import Column
from ..grid.readers import TIME, read_dated_column, values_at

UTILIZATION_COLUMN = "utilization"
FIELD = "workload.utilization_trace.path"


def read_utilization_file(path: str | Path, *, column: str = UTILIZATION_COLUMN, field_path: str = FIELD,
                          rows_from: tuple[int, int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(interval starts as int64 UTC seconds, utilisation) of a utilisation trace; every
    problem with its file, line and column (InputError). ``rows_from = (start_s, step_s)``
    for a file without a time column (:func:`dcsim.grid.readers.read_dated_column`)."""
    util = Column(column, low=0, high=1, label="utilization", describe="the hall-mean server utilisation, 0-1",
                  hint="Add the column, or name yours in workload.utilization_trace.column.")
    time = replace(TIME, hint="Add the column; or, for a file whose rows follow each other on a constant step "
                              "without one, set workload.utilization_trace.step (e.g. \"1h\").")
    _, t, v = read_dated_column(path, util, what="utilization trace", field_path=field_path, rows_from=rows_from,
                                time=time)
    return t, v.astype(np.float64)


def utilization_from_file(path: str | Path, midpoints_utc, *, column: str = UTILIZATION_COLUMN,
                          rows_from: tuple[int, int] | None = None) -> np.ndarray:
    """The utilisation at each step midpoint (datetime64), from :func:`read_utilization_file`;
    InputError when the file does not cover every step."""
    time_s, util = read_utilization_file(path, column=column, rows_from=rows_from)
    return values_at(time_s, util, midpoints_utc, what="utilisation", file=path, field_path=FIELD)
