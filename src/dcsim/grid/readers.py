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

Every problem is reported at once, with the file, line and column (CSV) or row (Parquet).
"""

from __future__ import annotations

import csv
import difflib
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dcsim._cells import parse_number, parse_time_s
from dcsim.errors import InputError, Problem

from .series import GridSeries

TIME_COLUMN = "time"
CARBON_COLUMN = "carbon_g_per_kwh"
PRICE_COLUMN = "price_sek_per_kwh"

#: at most this many problems are listed per file; the rest are counted
MAX_PROBLEMS = 25


# ---------------------------------------------------------------------- helpers
def _parse_time_s(text: str) -> tuple[int | None, str | None]:
    """Seconds since the epoch (UTC) of an ISO 8601 text, whole seconds, or (None, reason)."""
    t, err = parse_time_s(text, example="2023-01-01T00:00:00Z")
    if err is not None:
        return None, err
    if t != math.floor(t):
        return None, "time must be a whole second"
    return int(t), None


def _iso(t_s: int) -> str:
    return f"{np.datetime64(int(t_s), 's')}Z"


def _fmt_step(s: int) -> str:
    if s % 3600 == 0:
        return f"{s // 3600} h"
    if s % 60 == 0:
        return f"{s // 60} min"
    return f"{s} s"


@dataclass
class _Collector:
    """Collects problems of one file, listing at most MAX_PROBLEMS."""

    file: str
    field_path: str
    problems: list[Problem] = field(default_factory=list)
    dropped: int = 0

    def add(self, message: str, *, value=None, has_value=False, line=None, column=None) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.dropped += 1
            return
        kwargs = {"value": value} if has_value else {}
        self.problems.append(Problem(self.field_path, message, file=self.file, line=line, column=column, **kwargs))

    def raise_if_any(self) -> None:
        if not self.problems:
            return
        problems = list(self.problems)
        if self.dropped:
            problems.append(
                Problem(self.field_path, f"... and {self.dropped} more problems not listed", file=self.file)
            )
        raise InputError(problems, title=f"invalid grid file {self.file}")


@dataclass
class _Table:
    """Parsed rows of a grid file before the checks that span rows.

    ``times_s`` holds -1 sentinel entries where ``time_ok`` is False; value arrays hold NaN
    where the cell was invalid. ``where(i, column)`` gives (line, column, prefix) for row i.
    """

    times_s: np.ndarray
    time_ok: np.ndarray
    values: dict[str, np.ndarray]
    lines: np.ndarray | None  # CSV: line of each row; Parquet: None
    columns: dict[str, int]  # canonical name -> 1-based column number

    def where(self, i: int, column: str) -> dict:
        col = self.columns.get(column)
        if self.lines is not None:
            return {"line": int(self.lines[i]), "column": col, "prefix": f"column {column!r}: "}
        return {"line": None, "column": None, "prefix": f"row {i + 1}, column {column!r}: "}


def _match_columns(
    header: list[str], needed: list[str], col: _Collector, *, line: int | None
) -> dict[str, int] | None:
    """Map canonical names to 0-based positions; report missing and duplicate columns."""
    lowered = [h.strip().lower() for h in header]
    positions: dict[str, int] = {}
    ok = True
    for name in needed:
        hits = [i for i, h in enumerate(lowered) if h == name]
        if len(hits) > 1:
            col.add(
                f"column {name!r} appears {len(hits)} times (columns {', '.join(str(i + 1) for i in hits)})",
                line=line,
                column=hits[1] + 1,
            )
            ok = False
        elif not hits:
            others = [h for h in lowered if h and h not in needed]
            close = difflib.get_close_matches(name, others, n=1, cutoff=0.6) or [
                h for h in others if h.split("_")[0] == name.split("_")[0]
            ][:1]
            hint = f" Did you mean {close[0]!r}?" if close else ""
            what = "the interval start time (ISO 8601, UTC)" if name == TIME_COLUMN else "values"
            alt = "" if name == TIME_COLUMN else f", or give a constant {name} in the scenario"
            col.add(
                f"missing column {name!r} ({what}); found columns: "
                f"{', '.join(repr(h.strip()) for h in header) or 'none'}.{hint} Add the column{alt}",
                line=line,
            )
            ok = False
        else:
            positions[name] = hits[0]
    return positions if ok else None


def _needed(carbon_const, price_const) -> list[str]:
    needed = [TIME_COLUMN]
    if carbon_const is None:
        needed.append(CARBON_COLUMN)
    if price_const is None:
        needed.append(PRICE_COLUMN)
    return needed


# ---------------------------------------------------------------------- CSV
def _read_csv_table(path: Path, needed: list[str], col: _Collector) -> _Table:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(Problem(col.field_path, f"cannot read grid file: {exc.strerror or exc}", file=col.file))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            Problem(col.field_path, f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=col.file, line=line)
        )

    # separator: from the first line that is neither blank nor a comment
    delimiter = ","
    for ln in text.splitlines():
        s = ln.strip()
        if s and not s.startswith("#"):
            if ";" in s and "," not in s:
                delimiter = ";"
            break

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    header_line = None
    positions: dict[str, int] | None = None
    n_fields = 0
    times: list[int] = []
    time_ok: list[bool] = []
    lines: list[int] = []
    vals: dict[str, list[float]] = {n: [] for n in needed if n != TIME_COLUMN}
    prev_end = 0
    for row in reader:
        line = prev_end + 1
        prev_end = reader.line_num
        if not row or all(not c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue
        if header is None:
            header, header_line, n_fields = row, line, len(row)
            positions = _match_columns(header, needed, col, line=line)
            if positions is None:
                break
            continue
        assert positions is not None
        if len(row) != n_fields:
            col.add(f"this row has {len(row)} fields but the header (line {header_line}) has {n_fields}", line=line)
        lines.append(line)
        pos = positions[TIME_COLUMN]
        cell = row[pos] if pos < len(row) else ""
        t, err = _parse_time_s(cell)
        if err:
            col.add(f"column 'time': {err}", value=cell, has_value=True, line=line, column=pos + 1)
        times.append(t if t is not None else -1)
        time_ok.append(t is not None)
        for name in vals:
            pos = positions[name]
            cell = row[pos] if pos < len(row) else ""
            v, err = parse_number(cell)
            if err:
                col.add(f"column {name!r}: {err}", value=cell, has_value=True, line=line, column=pos + 1)
            vals[name].append(np.nan if v is None else v)

    if header is None:
        col.add("the file is empty: expected a header line with " + ", ".join(repr(n) for n in needed))
    if positions is None:
        col.raise_if_any()
    return _Table(
        times_s=np.asarray(times, dtype=np.int64),
        time_ok=np.asarray(time_ok, dtype=bool),
        values={k: np.asarray(v, dtype=np.float64) for k, v in vals.items()},
        lines=np.asarray(lines, dtype=np.int64),
        columns={k: v + 1 for k, v in (positions or {}).items()},
    )


# ---------------------------------------------------------------------- Parquet
def _read_parquet_table(path: Path, needed: list[str], col: _Collector) -> _Table:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(Problem(col.field_path, f"not a readable Parquet file: {exc}", file=col.file))
    positions = _match_columns(list(table.column_names), needed, col, line=None)
    if positions is None:
        col.raise_if_any()
    assert positions is not None
    n = table.num_rows

    def cells_as_text(arr) -> list[str | None]:
        return arr.to_pylist()

    # time
    tcol = table.column(positions[TIME_COLUMN]).combine_chunks()
    times = np.full(n, -1, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    per_s = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}
    if pa.types.is_timestamp(tcol.type):
        nulls = pc.is_null(tcol).to_numpy(zero_copy_only=False)
        ints = pc.fill_null(tcol.cast(pa.int64()), 0).to_numpy(zero_copy_only=False).astype(np.int64)
        factor = per_s[tcol.type.unit]
        whole = ints % factor == 0
        times = ints // factor
        ok = ~nulls & whole
        for i in np.flatnonzero(~ok):
            msg = "missing time" if nulls[i] else "time must be a whole second"
            col.add(f"row {i + 1}, column 'time': {msg}")
    elif pa.types.is_string(tcol.type) or pa.types.is_large_string(tcol.type):
        for i, cell in enumerate(cells_as_text(tcol)):
            t, err = _parse_time_s(cell or "")
            if err:
                col.add(f"row {i + 1}, column 'time': {err}", value=cell, has_value=True)
            else:
                times[i], ok[i] = t, True
    else:
        col.add(f"column 'time' has type {tcol.type}; expected a timestamp or ISO 8601 text")

    values: dict[str, np.ndarray] = {}
    for name in needed:
        if name == TIME_COLUMN:
            continue
        arr = table.column(positions[name]).combine_chunks()
        out = np.full(n, np.nan)
        if pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type) or pa.types.is_decimal(arr.type):
            nulls = pc.is_null(arr).to_numpy(zero_copy_only=False)
            data = pc.fill_null(arr.cast(pa.float64()), np.nan).to_numpy(zero_copy_only=False)
            for i in np.flatnonzero(nulls | ~np.isfinite(data)):
                col.add(f"row {i + 1}, column {name!r}: {'missing value' if nulls[i] else 'must be a finite number'}")
            good = ~nulls & np.isfinite(data)
            out[good] = data[good]
        elif pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
            for i, cell in enumerate(cells_as_text(arr)):
                v, err = parse_number(cell or "")
                if err:
                    col.add(f"row {i + 1}, column {name!r}: {err}", value=cell, has_value=True)
                else:
                    out[i] = v
        else:
            col.add(f"column {name!r} has type {arr.type}; expected numbers")
        values[name] = out
    return _Table(
        times_s=times,
        time_ok=ok,
        values=values,
        lines=None,
        columns={k: v + 1 for k, v in positions.items()},
    )


# ---------------------------------------------------------------------- shared checks
def _check_rows(table: _Table, col: _Collector) -> int | None:
    """Checks spanning rows: carbon sign, time order, duplicates, gaps. Returns the step in s."""

    def add(i: int, column: str, message: str, **kw) -> None:
        w = table.where(i, column)
        col.add(w["prefix"] + message, line=w["line"], column=w["column"], **kw)

    n = table.times_s.size
    if n < 2:
        col.add(f"needs at least 2 data rows to define the time step, found {n}")
        return None
    carbon = table.values.get(CARBON_COLUMN)
    if carbon is not None:
        for i in np.flatnonzero(carbon < 0):
            add(int(i), CARBON_COLUMN, "carbon intensity must be >= 0 gCO2e/kWh", value=float(carbon[i]), has_value=True)

    t = table.times_s
    both = table.time_ok[1:] & table.time_ok[:-1]
    d = np.diff(t)
    # order: each row must come after the row before it
    for j in np.flatnonzero(both & (d <= 0)):
        i = int(j) + 1
        prev = table.where(i - 1, TIME_COLUMN)
        prev_at = f"line {prev['line']}" if prev["line"] is not None else f"row {i}"
        if d[j] == 0:
            msg = f"duplicate time {_iso(t[i])} (same as {prev_at})"
        else:
            msg = (
                f"time goes backwards: {_iso(t[i])} is before {_iso(t[i - 1])} on {prev_at}; rows must be in "
                "increasing time order"
            )
        add(i, TIME_COLUMN, msg, value=_iso(t[i]), has_value=True)

    # completeness: on the distinct times in order, so a misplaced row is not also a gap
    valid_rows = np.flatnonzero(table.time_ok)
    uniq_t, first = np.unique(t[valid_rows], return_index=True)
    rows_of = valid_rows[first]
    du = np.diff(uniq_t)
    if du.size == 0:
        return None
    values, counts = np.unique(du, return_counts=True)
    step = int(values[np.argmax(counts)])  # the most common interval is the file's step
    for j in np.flatnonzero(du != step):
        i, i_prev = int(rows_of[j + 1]), int(rows_of[j])
        prev = table.where(i_prev, TIME_COLUMN)
        prev_at = f"line {prev['line']}" if prev["line"] is not None else f"row {i_prev + 1}"
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
        add(i, TIME_COLUMN, msg, value=_iso(uniq_t[j + 1]), has_value=True)
    return step


def _finish(
    table: _Table,
    col: _Collector,
    *,
    carbon_g_per_kwh: float | None,
    price_sek_per_kwh: float | None,
    kind: str,
) -> GridSeries:
    _check_rows(table, col)
    col.raise_if_any()
    n = table.times_s.size
    notes = [f"User grid file {col.file} ({kind}): a dated series read as given (UTC, step-hold)."]
    if carbon_g_per_kwh is None:
        carbon = table.values[CARBON_COLUMN]
        notes.append("Carbon: the file's carbon_g_per_kwh.")
    else:
        carbon = np.full(n, float(carbon_g_per_kwh))
        notes.append(f"Carbon: constant {float(carbon_g_per_kwh):g} gCO2e/kWh given in the scenario.")
    if price_sek_per_kwh is None:
        price = table.values[PRICE_COLUMN]
        notes.append("Price: the file's price_sek_per_kwh taken as the all-in price (no tax/network split).")
    else:
        price = np.full(n, float(price_sek_per_kwh))
        notes.append(f"Price: constant {float(price_sek_per_kwh):g} SEK/kWh all-in given in the scenario.")
    zeros = np.zeros(n)
    return GridSeries(
        time_utc=table.times_s.astype("datetime64[s]"),
        carbon_g_per_kwh=carbon,
        price_sek_per_kwh=price,
        spot_sek_per_kwh=price,
        tax_sek_per_kwh=zeros,
        network_sek_per_kwh=zeros,
        zone="custom",
        source=" ".join(notes),
        typical_year=False,
        file=col.file,
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
    path = Path(path)
    col = _Collector(file=str(path), field_path=field_path)
    needed = _needed(carbon_g_per_kwh, price_sek_per_kwh)
    table = _read_csv_table(path, needed, col)
    return _finish(table, col, carbon_g_per_kwh=carbon_g_per_kwh, price_sek_per_kwh=price_sek_per_kwh, kind="CSV")


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
    path = Path(path)
    col = _Collector(file=str(path), field_path=field_path)
    needed = _needed(carbon_g_per_kwh, price_sek_per_kwh)
    table = _read_parquet_table(path, needed, col)
    return _finish(
        table, col, carbon_g_per_kwh=carbon_g_per_kwh, price_sek_per_kwh=price_sek_per_kwh, kind="Parquet"
    )
