"""Readers for user grid series: CSV and Parquet.

Format (both): one row per interval, in increasing time order with a constant step
(hourly, quarter-hourly, ...), columns

``time``
    start of the interval, ISO 8601 (``2023-01-01T00:00:00Z``). Times are UTC: a time with
    an offset (``+01:00``) is converted to UTC, a time without one is read as UTC. In Parquet
    a timestamp column is accepted as well (naive timestamps are read as UTC).
``carbon_g_per_kwh``
    carbon intensity, gCO2e/kWh, >= 0.
``price_sek_per_kwh``
    the all-in price the site pays, SEK/kWh excl. VAT (may be negative, as spot prices can be).

Either value column may be left out when the scenario gives a constant instead; a constant
given in the scenario overrides the file's column, which is then not read. Other columns are
ignored. Column names are matched case-insensitively. In CSV files, lines starting with ``#``
and blank lines are skipped, a UTF-8 byte-order mark is allowed, and the separator may be
``,`` or ``;`` (decimal point required).

Every problem is reported at once (:mod:`dcsim._table`), with the file, line and column (CSV)
or row (Parquet).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from dcsim.errors import InputError, Problem
from dcsim._table import Column, Problems, Table, read_csv, read_parquet

from .series import GridSeries, _iso

TIME_COLUMN = "time"
CARBON_COLUMN = "carbon_g_per_kwh"
PRICE_COLUMN = "price_sek_per_kwh"

TIME = Column(TIME_COLUMN, kind="time", whole=True, example="2023-01-01T00:00:00Z",
              describe="the interval start time, ISO 8601, UTC", hint="Add the column.")


def _columns(carbon_const, price_const) -> list[Column]:
    """The columns to read: the time, and each value the scenario gives no constant for."""
    columns = [TIME]
    if carbon_const is None:
        columns.append(Column(CARBON_COLUMN, unit="gCO2e/kWh", low=0, label="carbon intensity", describe="values",
                              hint=f"Add the column, or give a constant {CARBON_COLUMN} in the scenario."))
    if price_const is None:  # may be negative, as spot prices can be
        columns.append(Column(PRICE_COLUMN, unit="SEK/kWh", describe="values",
                              hint=f"Add the column, or give a constant {PRICE_COLUMN} in the scenario."))
    return columns


def _fmt_step(s: int) -> str:
    if s % 3600 == 0:
        return f"{s // 3600} h"
    if s % 60 == 0:
        return f"{s // 60} min"
    return f"{s} s"


# ---------------------------------------------------------------------- checks across rows
def _check_rows(table: Table, times_s: np.ndarray) -> None:
    """Time order, duplicates and gaps (the series must be complete, on a constant step)."""
    n = times_s.size
    if n < 2:
        table.problems.add(f"needs at least 2 data rows to define the time step, found {n}")
        return
    time_ok = ~np.isnan(times_s)
    t = np.where(time_ok, times_s, -1).astype(np.int64)
    both = time_ok[1:] & time_ok[:-1]
    d = np.diff(t)
    # order: each row must come after the row before it
    for j in np.flatnonzero(both & (d <= 0)):
        i = int(j) + 1
        prev_at = table.row_ref(i - 1)
        if d[j] == 0:
            msg = f"duplicate time {_iso(t[i])} (same as {prev_at})"
        else:
            msg = (
                f"time goes backwards: {_iso(t[i])} is before {_iso(t[i - 1])} on {prev_at}; rows must be in "
                "increasing time order"
            )
        table.report(i, TIME_COLUMN, msg, _iso(t[i]))

    # completeness: on the distinct times in order, so a misplaced row is not also a gap
    valid_rows = np.flatnonzero(time_ok)
    uniq_t, first = np.unique(t[valid_rows], return_index=True)
    rows_of = valid_rows[first]
    du = np.diff(uniq_t)
    if du.size == 0:
        return
    values, counts = np.unique(du, return_counts=True)
    step = int(values[np.argmax(counts)])  # the most common interval is the file's step
    for j in np.flatnonzero(du != step):
        i, i_prev = int(rows_of[j + 1]), int(rows_of[j])
        prev_at = table.row_ref(i_prev)
        dt = int(du[j])
        if dt % step == 0:
            msg = (
                f"gap: {dt // step - 1} missing {_fmt_step(step)} interval(s) between {_iso(uniq_t[j])} ({prev_at}) "
                f"and {_iso(uniq_t[j + 1])}; the series must be complete"
            )
        else:
            msg = (
                f"irregular step of {_fmt_step(dt)} after {_iso(uniq_t[j])} ({prev_at}); the file's step is "
                f"{_fmt_step(step)} and must be constant"
            )
        table.report(i, TIME_COLUMN, msg, _iso(uniq_t[j + 1]))


def _finish(
    table: Table,
    columns: list[Column],
    *,
    carbon_g_per_kwh: float | None,
    price_sek_per_kwh: float | None,
    kind: str,
) -> GridSeries:
    if not table.require(columns):
        table.problems.raise_if_any()
    values = table.read(columns)
    _check_rows(table, values[TIME_COLUMN])
    table.problems.raise_if_any()
    n = table.n
    notes = [f"User grid file {table.file} ({kind}): a dated series read as given (UTC, step-hold)."]
    if carbon_g_per_kwh is None:
        carbon = values[CARBON_COLUMN]
        notes.append("Carbon: the file's carbon_g_per_kwh.")
    else:
        carbon = np.full(n, float(carbon_g_per_kwh))
        notes.append(f"Carbon: constant {float(carbon_g_per_kwh):g} gCO2e/kWh given in the scenario.")
    if price_sek_per_kwh is None:
        price = values[PRICE_COLUMN]
        notes.append("Price: the file's price_sek_per_kwh taken as the all-in price (no tax/network split).")
    else:
        price = np.full(n, float(price_sek_per_kwh))
        notes.append(f"Price: constant {float(price_sek_per_kwh):g} SEK/kWh all-in given in the scenario.")
    zeros = np.zeros(n)
    return GridSeries(
        time_utc=values[TIME_COLUMN].astype(np.int64).astype("datetime64[s]"),
        carbon_g_per_kwh=carbon,
        price_sek_per_kwh=price,
        spot_sek_per_kwh=price,
        tax_sek_per_kwh=zeros,
        network_sek_per_kwh=zeros,
        zone="custom",
        source=" ".join(notes),
        typical_year=False,
        file=table.file,
    )


def _check_constants(carbon_g_per_kwh, price_sek_per_kwh, field_path: str) -> None:
    problems = []
    for name, value in (("carbon_g_per_kwh", carbon_g_per_kwh), ("price_sek_per_kwh", price_sek_per_kwh)):
        if value is None:
            continue
        ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))
        if not ok or not math.isfinite(float(value)) or float(value) < 0:
            problems.append(Problem(name, "must be a finite number >= 0", value=value))
    if problems:
        raise InputError(problems)


def read_grid_csv(
    path: str | Path,
    *,
    carbon_g_per_kwh: float | None = None,
    price_sek_per_kwh: float | None = None,
    field_path: str = "site.grid",
) -> GridSeries:
    """Read a dated grid series from a CSV file (format in the module docstring).

    Parameters
    ----------
    path : str or Path
        The CSV file.
    carbon_g_per_kwh : float, optional
        Constant carbon intensity, gCO2e/kWh, used instead of the file's column.
    price_sek_per_kwh : float, optional
        Constant all-in price, SEK/kWh excl. VAT, used instead of the file's column.
    field_path : str
        Dotted scenario key named in error messages.

    Returns
    -------
    GridSeries
        ``typical_year=False``, ``zone="custom"``; the price is all in ``spot_sek_per_kwh``.

    Raises
    ------
    InputError
        Missing columns, non-numeric or empty cells, negative carbon, unparsable,
        duplicate, decreasing or missing times, irregular steps: all listed with the file,
        line and column.
    """
    _check_constants(carbon_g_per_kwh, price_sek_per_kwh, field_path)
    columns = _columns(carbon_g_per_kwh, price_sek_per_kwh)
    table = read_csv(path, Problems(path, what="grid file", path=field_path), delimiters=(",", ";"), expect=columns)
    return _finish(table, columns, carbon_g_per_kwh=carbon_g_per_kwh, price_sek_per_kwh=price_sek_per_kwh, kind="CSV")


def read_grid_parquet(
    path: str | Path,
    *,
    carbon_g_per_kwh: float | None = None,
    price_sek_per_kwh: float | None = None,
    field_path: str = "site.grid",
) -> GridSeries:
    """Read a dated grid series from a Parquet file (same columns as :func:`read_grid_csv`).

    ``time`` may be a timestamp column (with or without time zone; naive is UTC) or ISO 8601
    text. Problems name the file and the 1-based data row.
    """
    _check_constants(carbon_g_per_kwh, price_sek_per_kwh, field_path)
    columns = _columns(carbon_g_per_kwh, price_sek_per_kwh)
    table = read_parquet(path, Problems(path, what="grid file", path=field_path))
    return _finish(
        table, columns, carbon_g_per_kwh=carbon_g_per_kwh, price_sek_per_kwh=price_sek_per_kwh, kind="Parquet"
    )


def read_dated_column(path, value: Column, *, what: str, field_path: str | None,
                      parquet: bool = True, rows_from: tuple[int, int] | None = None,
                      time: Column = TIME) -> tuple[Table, np.ndarray, np.ndarray]:
    """:func:`read_dated_columns` of one value column: (the table, interval starts, values)."""
    table, time_s, values = read_dated_columns(path, [value], what=what, field_path=field_path, parquet=parquet,
                                               rows_from=rows_from, time=time)
    return table, time_s, values[0]


def read_dated_columns(path, value_columns: list[Column], *, what: str, field_path: str | None,
                       parquet: bool = True, rows_from: tuple[int, int] | None = None,
                       time: Column = TIME) -> tuple[Table, np.ndarray, list[np.ndarray]]:
    """A dated series of one or more values: a CSV (or, with ``parquet``, a Parquet) file with ``time``
    (interval start, ISO 8601 UTC) and the columns ``value_columns`` declare, complete, in order and on
    a constant step (:func:`_check_rows`). Returns (the table, for a reader's own checks;
    interval starts as int64 UTC seconds; the values). Every problem is listed with the file,
    line (row) and column (InputError), ``what`` naming the file in the messages. Returns the
    values in the order of ``value_columns``.

    ``rows_from = (start_s, step_s)`` reads a file without a time column (an index column
    and the value, as SustainDC's traces are written): row ``i`` in file order is the interval
    starting at ``start_s + i * step_s``. A file that has a time column is then refused, so
    that the two clocks cannot disagree."""
    p = Path(path)
    problems = Problems(p, what=what, path=field_path)
    columns = [time, *value_columns] if rows_from is None else list(value_columns)
    suffix = p.suffix.lower()
    if not parquet or suffix in (".csv", ".txt"):  # a CSV-only reader reads any name as CSV
        table = read_csv(p, problems, delimiters=(",", ";"), expect=columns)
    elif suffix == ".parquet":
        table = read_parquet(p, problems)
    else:
        problems.fail(f"unknown {what} format {suffix!r}: use .csv or .parquet")
    if rows_from is not None and table.has(time.name):
        problems.fail(f"has a {time.name!r} column, so its rows are dated already; remove the step (and start) "
                      "that number rows of a file without one", line=table.header_line)
    if not table.require(columns):
        table.problems.raise_if_any()
    values = table.read(columns)
    if rows_from is None:
        _check_rows(table, values[time.name])
        time_s = values[time.name].astype(np.int64)
    else:
        n = values[value_columns[0].name].size
        if n < 2:
            problems.fail(f"has {n} row(s); a series needs at least two")
        time_s = rows_from[0] + rows_from[1] * np.arange(n, dtype=np.int64)
    table.problems.raise_if_any()
    return table, time_s, [values[c.name] for c in value_columns]


def values_at(time_s: np.ndarray, values: np.ndarray, midpoints_utc, *, what: str, file, field_path: str) -> np.ndarray:
    """The value of the interval holding each step midpoint (datetime64) in a series from
    :func:`read_dated_column` (interval starts ``time_s`` on a constant step); InputError at
    ``field_path`` when the series does not cover every step."""
    k = interval_index(time_s, midpoints_utc, what=what, file=file, field_path=field_path)
    return np.asarray(values, dtype=np.float64)[k]


def interval_index(time_s: np.ndarray, midpoints_utc, *, what: str, file, field_path: str) -> np.ndarray:
    """The row of the interval holding each step midpoint (:func:`values_at`, for a table of
    several columns); InputError at ``field_path`` when the series does not cover every step."""
    step = int(time_s[1] - time_s[0])
    mid = np.asarray(midpoints_utc, dtype="datetime64[s]").astype(np.int64)
    k = (mid - time_s[0]) // step
    if mid.size and (k[0] < 0 or k[-1] >= time_s.size):
        raise InputError(Problem(field_path, f"the {what} of {file} covers {_iso(int(time_s[0]))} to "
                                 f"{_iso(int(time_s[-1]) + step)}, not the simulated period {_iso(int(mid[0]))} to "
                                 f"{_iso(int(mid[-1]))} (step midpoints); give a value for every simulated step",
                                 file=str(file)))
    return k
