"""Meter data: a site's metered series for calibration and verification (issue 18).

A meter file is a CSV or Parquet table with a ``time`` column (the interval start, ISO 8601
in UTC or with an offset; a time without one is read as UTC, as every dcsim table) and any of
the timeseries contract's measurable columns (:data:`METER_CHANNELS`: ``facility_power_kw``,
``it_power_kw``, ``cooling_power_kw``, ...), so that a dcsim ``timeseries.parquet`` is itself a
meter file. Values are the interval's means in the column's unit.

The policy for imperfect exports, stated once:

- the step is constant: 15 minutes or an hour (or another step that divides an hour); a row
  that is missing is a gap, and so is an empty cell: gaps are left out of the statistics,
  never filled;
- a channel with more than :data:`MAX_MISSING_SHARE` of its intervals missing is refused, as
  its statistics would stand on too little;
- times must increase: a duplicate time is refused (a local-time export repeats an hour in
  October: export in UTC), and so is a time out of order;
- at least one channel; columns that are not channels are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .._table import Column, Problems, read_csv, read_parquet
from ..grid.readers import TIME as _TIME

#: Metered quantities dcsim can compare with its own columns: (name, unit, lowest value).
METER_CHANNELS = {
    "facility_power_kw": ("kW", 0.0),
    "it_power_kw": ("kW", 0.0),
    "cooling_power_kw": ("kW", 0.0),
    "electrical_losses_kw": ("kW", 0.0),
    "heat_reused_kw": ("kW", 0.0),
    "water_l_per_h": ("L/h", 0.0),
    "supply_air_c": ("°C", None),
    "mean_inlet_c": ("°C", None),
    "max_inlet_c": ("°C", None),
}
#: the share of a channel's intervals that may be missing
MAX_MISSING_SHARE = 0.10


@dataclass(frozen=True)
class Meters:
    """A meter file read: the intervals' starts (int64 s since 1970 UTC, every interval of the
    span, gaps included), the step (s), and each channel's values (NaN where missing)."""

    file: str
    start_s: int
    step_s: int
    channels: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return next(iter(self.channels.values())).shape[0]

    @property
    def times_s(self) -> np.ndarray:
        return self.start_s + self.step_s * np.arange(self.n, dtype=np.int64)

    def missing_share(self, name: str) -> float:
        return float(np.isnan(self.channels[name]).mean())


def read_meters(path: str | Path, *, field_path: str = "") -> Meters:
    """Read a meter file (module docstring); every problem is listed with the file, line (or
    row) and column, and raised as one InputError (exit 2 at the command line)."""
    path = Path(path)
    problems = Problems(path, what="meter file", path=field_path)
    if not path.is_file():
        problems.fail(f"no such file: {path}")
    if path.suffix.lower() == ".parquet":
        table = read_parquet(path, problems)
    else:
        table = read_csv(path, problems, delimiters=(",", ";"))
    columns = [_TIME] + [Column(name, unit=unit, low=low, empty_ok=True, required=False, label=name)
                         for name, (unit, low) in METER_CHANNELS.items()]
    if not table.require([_TIME]):
        problems.raise_if_any()
    found = [c for c in columns[1:] if table.has(c.name)]
    if not found:
        problems.fail(f"no meter channel among the columns {table.names}; give at least one of "
                      f"{', '.join(METER_CHANNELS)} (interval means in its unit)")
    values = table.read([_TIME, *found])
    problems.raise_if_any()
    t = values["time"].astype(np.int64)
    if t.size < 2:
        problems.fail(f"needs at least 2 rows to define the step, found {t.size}")
    d = np.diff(t)
    for j in np.flatnonzero(d <= 0):
        what = "duplicate time (a local-time export repeats an hour in October: export in UTC)" if d[j] == 0 else (
            "time out of order: rows must be in increasing time")
        table.report(int(j) + 1, "time", what, str(np.datetime64(int(t[j + 1]), "s")) + "Z")
    problems.raise_if_any()
    step = int(d.min())
    if step <= 0 or 3600 % step != 0 or np.any(d % step != 0):
        problems.fail(f"the times must lie on one step that divides an hour (15 min, 1 h); the smallest step "
                      f"found is {step} s and not every interval is a multiple of it")
    n = int((t[-1] - t[0]) // step) + 1
    k = (t - t[0]) // step
    channels = {}
    for c in found:
        full = np.full(n, np.nan)
        full[k] = values[c.name]
        share = float(np.isnan(full).mean())
        if share > MAX_MISSING_SHARE:
            problems.add(f"column '{c.name}': {share:.0%} of the {n} intervals from {np.datetime64(int(t[0]), 's')}Z "
                         f"are missing (gaps or empty cells); at most {MAX_MISSING_SHARE:.0%} may be, or the "
                         "statistics stand on too little: fill the export's gaps from the meter or shorten the period")
        channels[c.name] = full
    problems.raise_if_any()
    return Meters(str(path), int(t[0]), step, channels)
