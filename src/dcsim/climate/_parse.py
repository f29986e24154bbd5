"""Shared helpers of the weather-file readers: problem collection, numbers, gaps.

Every reader collects all problems of a file (up to :data:`MAX_PROBLEMS`, then a count of
the rest; :class:`dcsim._table.Problems`) and raises one :class:`~dcsim.errors.InputError`
naming file, line and column.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dcsim import _table
from dcsim.errors import InputError, Problem

#: Problems listed per file before the rest are only counted.
MAX_PROBLEMS = 20
#: Plausible ranges; values outside are refused as errors in the file (°C, %, Pa).
DRYBULB_RANGE_C = (-70.0, 60.0)
RH_RANGE_PCT = (0.0, 100.0)
DEWPOINT_RANGE_C = (-90.0, 40.0)
PRESSURE_RANGE_PA = (30_000.0, 110_000.0)


class Problems(_table.Problems):
    """Collects the problems of a weather file (or of related files, see :meth:`for_file`):
    "N problems in weather file X", at most :data:`MAX_PROBLEMS` listed."""

    def __init__(self, file: str | Path):
        super().__init__(file, what="weather file", path="", limit=MAX_PROBLEMS)


def check_fill_gaps_max_h(value) -> int:
    """Validate the ``fill_gaps_max_h`` argument (an int >= 0)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise InputError(
            Problem("fill_gaps_max_h", "must be a whole number of hours >= 0", value=value)
        )
    return int(value)


def read_text(path: str | Path) -> tuple[str, str]:
    """(text, encoding note) of a weather file; UTF-8 (BOM stripped), else Windows-1252."""
    return _table.read_text(path, Problems(path), fallback="cp1252")


def parse_float(text: str, problems: Problems, *, line: int, column: int, what: str,
                valid: tuple[float, float] | None, unit: str) -> float:
    """A float from ``text``; NaN and a problem if it is not a number or not plausible.

    An empty field gives NaN without a problem (a missing value, handled as a gap).
    """
    s = text.strip()
    if s == "":
        return math.nan
    try:
        v = float(s)
    except ValueError:
        problems.add(f"{what} is not a number", line=line, column=column, value=s)
        return math.nan
    if not math.isfinite(v):
        problems.add(f"{what} is not a finite number", line=line, column=column, value=s)
        return math.nan
    if valid is not None and not (valid[0] <= v <= valid[1]):
        problems.add(
            f"implausible {what}: allowed {valid[0]:g}..{valid[1]:g} {unit}",
            line=line, column=column, value=v,
        )
        return math.nan
    return v


def fmt_time(t_s: int | np.integer) -> str:
    return str(np.datetime64(int(t_s), "s")).replace("T", " ") + " UTC"


@dataclass
class Series:
    """One variable as read from a file, before it is put on a regular grid.

    ``times_s`` are UTC seconds since 1970 (int64), ``values`` floats with NaN for missing,
    ``lines`` the 1-based file line of each value, ``column`` the 1-based column.
    """

    name: str
    times_s: np.ndarray
    values: np.ndarray
    lines: np.ndarray
    file: str
    column: int | None


def check_time_axis(times_s: np.ndarray, lines: np.ndarray, problems: Problems, *,
                    time_column: int | None, step_s: int | None = None) -> int | None:
    """Check that times increase on a regular grid; return the step (s) or None.

    The step is ``step_s`` if given, else the most common difference. Duplicates, times that
    go backwards and times off the grid are reported with their line.
    """
    if times_s.size < 2:
        problems.add(
            f"need at least 2 time stamps, got {times_s.size}",
            line=int(lines[0]) if lines.size else None,
        )
        return None
    d = np.diff(times_s)
    if step_s is None:
        pos = d[d > 0]
        if pos.size == 0:
            problems.add("time stamps do not increase", line=int(lines[1]), column=time_column)
            return None
        vals, counts = np.unique(pos, return_counts=True)
        step_s = int(vals[np.argmax(counts)])
    bad = np.flatnonzero((d <= 0) | (d % step_s != 0))
    for i in bad:
        if d[i] == 0:
            msg = f"duplicate time {fmt_time(times_s[i + 1])} (also on line {int(lines[i])})"
        elif d[i] < 0:
            msg = f"time goes backwards: {fmt_time(times_s[i + 1])} after {fmt_time(times_s[i])} (line {int(lines[i])})"
        else:
            msg = (f"time {fmt_time(times_s[i + 1])} is off the {step_s} s grid of the file "
                   f"({d[i]} s after line {int(lines[i])})")
        problems.add(msg, line=int(lines[i + 1]), column=time_column)
    return step_s


def regularize(grid_start_s: int, n: int, step_s: int, series: list[Series], problems: Problems,
               *, fill_gaps_max_h: int, periodic: bool,
               time_column: int | None = None) -> tuple[list[np.ndarray], int]:
    """Put each series on the grid ``grid_start_s + k step_s`` (k < n) and fill short gaps.

    A gap is a run of consecutive missing grid values of one variable (a time stamp absent
    from the file, or an empty or missing-coded value). Gaps of at most ``fill_gaps_max_h``
    hours (run length x step) are filled by linear interpolation in time between the
    neighbouring values (across the year boundary when ``periodic``); longer gaps, and gaps
    at the start or end of a non-periodic series, are reported as problems. A gap where the
    rows of the first series' file are absent is reported once, against ``time_column``.

    Returns the gridded arrays and the number of time steps in which any value was filled.
    """
    filled_any = np.zeros(n, dtype=bool)
    out = []
    max_run = (fill_gaps_max_h * 3600) // step_s
    rows_absent = None
    reported_row_gaps: set[tuple[int, int]] = set()
    for s in series:
        grid = np.full(n, np.nan)
        k = (s.times_s - grid_start_s) // step_s
        on = ((s.times_s - grid_start_s) % step_s == 0) & (k >= 0) & (k < n)
        grid[k[on]] = s.values[on]
        if rows_absent is None:  # rows of the primary file that are not there at all
            rows_absent = np.ones(n, dtype=bool)
            rows_absent[k[on]] = False
            primary_file = s.file
        missing = np.isnan(grid)
        if missing.all():
            problems.add(f"no {s.name} values at the time stamps of the data", column=s.column,
                         file=s.file)
            out.append(grid)
            continue
        if missing.any():
            runs = _runs(missing)  # grid indices [a, b)
            wrap = periodic and len(runs) > 1 and runs[0][0] == 0 and runs[-1][1] == n
            for i, (a, b) in enumerate(runs):
                run = b - a
                if wrap and i in (0, len(runs) - 1):
                    run = (runs[0][1] - runs[0][0]) + (runs[-1][1] - runs[-1][0])
                at_edge = a == 0 or b == n
                if run <= max_run and (periodic or not at_edge):
                    continue
                if wrap and i == len(runs) - 1:
                    continue  # the same wrapped gap was reported with the first run
                row_gap = s.file == primary_file and bool(rows_absent[a:b].all())
                if row_gap and (a, b) in reported_row_gaps:
                    continue
                t_a = grid_start_s + a * step_s
                t_b = grid_start_s + (b - 1) * step_s
                # locate: first row of this series at or after the gap
                j = int(np.searchsorted(s.times_s, t_a))
                line = int(s.lines[min(j, s.lines.size - 1)]) if s.lines.size else None
                span = fmt_time(t_a) if run == 1 else f"{fmt_time(t_a)} to {fmt_time(t_b)}"
                hours = run * step_s / 3600.0
                what = (f"no rows for {run} time step{'s' if run > 1 else ''}" if row_gap
                        else f"{run} missing {s.name} value{'s' if run > 1 else ''}")
                if run > max_run:
                    if fill_gaps_max_h == 0:
                        policy = ("gaps are refused; set fill_gaps_max_h (hours) to fill short "
                                  "gaps by linear interpolation")
                    else:
                        policy = (f"gaps up to fill_gaps_max_h = {fill_gaps_max_h} h are filled "
                                  f"by linear interpolation, longer ones are refused")
                    msg = f"gap: {what} ({hours:g} h, {span}); {policy}"
                else:
                    msg = (f"{what} at the {'start' if a == 0 else 'end'} of the data "
                           f"({span}): cannot interpolate there; trim the file")
                if row_gap:
                    reported_row_gaps.add((a, b))
                    problems.add(msg, line=line, column=time_column, file=s.file)
                else:
                    problems.add(msg, line=line, column=s.column, file=s.file)
            idx = np.arange(n, dtype=np.float64)
            ok = ~missing
            if periodic:
                grid[missing] = np.interp(idx[missing], idx[ok], grid[ok], period=n)
            else:
                grid[missing] = np.interp(idx[missing], idx[ok], grid[ok])
            filled_any |= missing
        out.append(grid)
    return out, int(filled_any.sum())


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index pairs of the runs of True in ``mask``."""
    m = np.concatenate(([False], mask, [False])).astype(np.int8)
    d = np.diff(m)
    starts = np.flatnonzero(d == 1)
    stops = np.flatnonzero(d == -1)
    return list(zip(starts.tolist(), stops.tolist()))


def gap_note(n_filled: int, fill_gaps_max_h: int) -> str:
    if n_filled == 0:
        return ""
    return (f"; {n_filled} time step{'s' if n_filled != 1 else ''} with gaps filled by linear "
            f"interpolation (gaps up to {fill_gaps_max_h} h allowed)")
