"""Job traces: CSV or Parquet files of jobs to replay.

Two column layouts are recognised (names case-insensitive; other columns are ignored):

**dcsim** (detected by ``submit_time`` or ``submit_time_s``)

==================  ========  =============================================================
``submit_time``     required  ISO 8601 time (UTC if no offset; Parquet: a timestamp), or
``submit_time_s``             seconds from the simulation start instead
``duration_s``      required  run time once started, s (> 0)
``cores``           required  whole cores on one server (1 ... cores_per_server)
``cpu_share``       optional  busy fraction of those cores while running, (0, 1]; default 1
``deadline``        optional  latest completion (same form as the submit column:
``deadline_s``                ``deadline`` with ``submit_time``, ``deadline_s`` with
                              ``submit_time_s``); empty: none
``slack_s``         optional  instead of a deadline: deadline = submit + slack_s + duration_s
``class``           optional  ``interactive`` or ``batch``; default batch if deferrable
``deferrable``      optional  true/false (1/0, yes/no); default: batch with a deadline
==================  ========  =============================================================

**OpenDC** ``tasks.parquet`` (detected by ``submission_time``; OpenDC's workload schema v1-v4)

===================  ========  ============================================================
``submission_time``  required  timestamp (ms, UTC), or integer ms since the Unix epoch
``duration``         required  run time, ms (> 0)
``cpu_count``        required  cores (1 ... cores_per_server)
``cpu_capacity``     optional  demanded MHz; with ``workload.trace.core_mhz`` the job's CPU
                               share is ``cpu_capacity / (cpu_count x core_mhz)`` (capped at 1)
``deferrable``       optional  bool; default false
``deadline``         optional  latest completion, ms since the epoch like ``submission_time``;
                               null or negative (OpenDC's -1): none
===================  ========  ============================================================

An OpenDC job is batch when deferrable, interactive otherwise. Rows need not be sorted. In CSV
files, lines starting with ``#`` and blank lines are skipped, a UTF-8 byte-order mark is
allowed and the separator may be ``,`` or ``;``. Every problem is reported at once
(up to 25) in one :class:`~dcsim.errors.InputError`, with the file and the line and column
(CSV) or row and column name (Parquet). Use Parquet for large traces: it is read column-wise.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .._cells import parse_number, parse_time_s
from ..errors import InputError, Problem
from .jobs import BATCH, INTERACTIVE, Jobs

MAX_PROBLEMS = 25
DAY_S = 86400
FIELD_PATH = "workload.trace.path"

_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


@dataclass(frozen=True, eq=False)
class TraceTable:
    """A parsed trace before it is placed on the simulation's clock.

    ``submit_s`` and ``deadline_s`` are seconds since the Unix epoch when ``calendar`` is
    true (the file gave dates), else seconds from the simulation start; ``deadline_s`` is
    ``inf`` for none.
    """

    submit_s: np.ndarray
    duration_s: np.ndarray
    cores: np.ndarray
    cpu_share: np.ndarray
    deadline_s: np.ndarray
    deferrable: np.ndarray
    job_class: np.ndarray
    calendar: bool
    file: str
    layout: str

    def __len__(self) -> int:
        return int(self.submit_s.size)


@dataclass
class _Collector:
    file: str
    problems: list[Problem] = field(default_factory=list)
    dropped: int = 0

    def add(self, message: str, *, line=None, column=None, value=None, has_value=False) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.dropped += 1
            return
        kw = {"value": value} if has_value else {}
        self.problems.append(Problem(FIELD_PATH, message, file=self.file, line=line, column=column, **kw))

    def raise_if_any(self) -> None:
        if not self.problems:
            return
        problems = list(self.problems)
        if self.dropped:
            problems.append(Problem(FIELD_PATH, f"... and {self.dropped} more problems not listed", file=self.file))
        raise InputError(problems, title=f"invalid job trace {self.file}")


class _Cells:
    """Raw cells of one file (CSV text or Parquet columns) with error locations."""

    def __init__(self, names: list[str], columns: dict[str, object], n: int, lines, col: _Collector, header_line=None):
        self.header_line = header_line  # CSV: line of the header
        self.names = names  # lower-cased header, in file order
        self.columns = columns  # lower-cased name -> list of str (CSV) or pyarrow Array
        self.n = n
        self.lines = lines  # CSV: line of each row; Parquet: None
        self.col = col

    def has(self, name: str) -> bool:
        return name in self.columns

    def err(self, i: int, name: str, message: str, value=None, has_value=False) -> None:
        if self.lines is not None:
            self.col.add(
                f"column {name!r}: {message}",
                line=int(self.lines[i]),
                column=self.names.index(name) + 1,
                value=value,
                has_value=has_value,
            )
        else:
            self.col.add(f"row {i + 1}, column {name!r}: {message}", value=value, has_value=has_value)


# ----------------------------------------------------------------------------- cell parsers
def _numbers(cells: _Cells, name: str, *, optional: bool = False) -> np.ndarray:
    """A numeric column as float64 (NaN where missing or invalid; errors reported unless
    ``optional`` and the cell is empty)."""
    raw = cells.columns[name]
    n = cells.n
    out = np.full(n, np.nan)
    if isinstance(raw, list):
        for i, s in enumerate(raw):
            if optional and not s.strip():
                continue
            v, e = parse_number(s)
            if e:
                cells.err(i, name, e, value=s, has_value=True)
            else:
                out[i] = v
        return out
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = raw
    if pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type) or pa.types.is_decimal(arr.type):
        nulls = pc.is_null(arr).to_numpy(zero_copy_only=False)
        data = pc.fill_null(arr.cast(pa.float64()), np.nan).to_numpy(zero_copy_only=False).astype(np.float64)
        bad = ~nulls & ~np.isfinite(data)
        for i in np.flatnonzero(bad):
            cells.err(int(i), name, "must be a finite number")
        if not optional:
            for i in np.flatnonzero(nulls):
                cells.err(int(i), name, "missing value")
        out = np.where(nulls | bad, np.nan, data)
        return out
    if pa.types.is_boolean(arr.type):
        cells.col.add(f"column {name!r} holds true/false values; expected numbers")
        return out
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        sub = _Cells(cells.names, {name: [x or "" for x in arr.to_pylist()]}, n, None, cells.col)
        return _numbers(sub, name, optional=optional)
    cells.col.add(f"column {name!r} has type {arr.type}; expected numbers")
    return out


def _times(cells: _Cells, name: str, *, integer_unit_s: float | None, optional: bool = False) -> np.ndarray:
    """A time column as seconds since the epoch (NaN where missing or invalid).

    Accepts ISO 8601 text, Parquet timestamps, and (when ``integer_unit_s`` is given, for
    OpenDC) integers in that unit since the epoch.
    """
    raw = cells.columns[name]
    n = cells.n
    out = np.full(n, np.nan)
    if isinstance(raw, list):
        for i, s in enumerate(raw):
            st = s.strip()
            if optional and not st:
                continue
            if integer_unit_s is not None:
                v, e = parse_number(st)
                if e is None:
                    out[i] = v * integer_unit_s
                    continue
            t, e = parse_time_s(st, example="2024-01-01T08:30:00Z")
            if e:
                cells.err(i, name, e, value=s, has_value=True)
            else:
                out[i] = t
        return out
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = raw
    if pa.types.is_timestamp(arr.type):
        per_s = {"s": 1, "ms": 1e3, "us": 1e6, "ns": 1e9}[arr.type.unit]
        nulls = pc.is_null(arr).to_numpy(zero_copy_only=False)
        ints = pc.fill_null(arr.cast(pa.int64()), 0).to_numpy(zero_copy_only=False).astype(np.float64)
        out = np.where(nulls, np.nan, ints / per_s)
        if not optional:
            for i in np.flatnonzero(nulls):
                cells.err(int(i), name, "missing time")
        return out
    if integer_unit_s is not None and (pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type)):
        return _numbers(cells, name, optional=optional) * integer_unit_s
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        sub = _Cells(cells.names, {name: [x or "" for x in arr.to_pylist()]}, n, None, cells.col)
        return _times(sub, name, integer_unit_s=integer_unit_s, optional=optional)
    cells.col.add(f"column {name!r} has type {arr.type}; expected a timestamp or ISO 8601 text")
    return out


def _bools(cells: _Cells, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(values, given) of an optional true/false column."""
    raw = cells.columns[name]
    n = cells.n
    val = np.zeros(n, dtype=bool)
    given = np.zeros(n, dtype=bool)
    if not isinstance(raw, list):
        import pyarrow as pa
        import pyarrow.compute as pc

        if pa.types.is_boolean(raw.type):
            given = ~pc.is_null(raw).to_numpy(zero_copy_only=False)
            val = pc.fill_null(raw, False).to_numpy(zero_copy_only=False).astype(bool)
            return val, given
        if pa.types.is_integer(raw.type):
            nums = _numbers(cells, name, optional=True)
            given = ~np.isnan(nums)
            bad = given & (nums != 0) & (nums != 1)
            for i in np.flatnonzero(bad):
                cells.err(int(i), name, "expected true or false (1 or 0)", value=float(nums[i]), has_value=True)
            return nums == 1, given
        raw = [("" if x is None else str(x)) for x in raw.to_pylist()]
    for i, s in enumerate(raw):
        t = s.strip().lower()
        if not t:
            continue
        if t in _TRUE:
            val[i] = given[i] = True
        elif t in _FALSE:
            given[i] = True
        else:
            cells.err(i, name, "expected true or false (also 1/0, yes/no)", value=s, has_value=True)
    return val, given


def _classes(cells: _Cells, name: str) -> tuple[np.ndarray, np.ndarray]:
    raw = cells.columns[name]
    if not isinstance(raw, list):
        raw = [("" if x is None else str(x)) for x in raw.to_pylist()]
    cls = np.full(cells.n, INTERACTIVE, dtype=np.int8)
    given = np.zeros(cells.n, dtype=bool)
    for i, s in enumerate(raw):
        t = s.strip().lower()
        if not t:
            continue
        if t == "batch":
            cls[i], given[i] = BATCH, True
        elif t == "interactive":
            given[i] = True
        else:
            cells.err(i, name, 'expected "interactive" or "batch"', value=s, has_value=True)
    return cls, given


# ----------------------------------------------------------------------------- file readers
def _read_csv(path: Path, col: _Collector) -> _Cells:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(Problem(FIELD_PATH, f"cannot read job trace: {exc.strerror or exc}", file=col.file))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"not UTF-8 text ({exc.reason} at byte {exc.start})"
        raise InputError(Problem(FIELD_PATH, message, file=col.file, line=line))
    delimiter = ","
    for ln in text.splitlines():
        s = ln.strip()
        if s and not s.startswith("#"):
            if ";" in s and "," not in s:
                delimiter = ";"
            break
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    header_line = 0
    rows: list[list[str]] = []
    lines: list[int] = []
    prev_end = 0
    for row in reader:
        line = prev_end + 1
        prev_end = reader.line_num
        if not row or all(not c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue
        if header is None:
            header, header_line = [h.strip().lower() for h in row], line
            continue
        if len(row) != len(header):
            col.add(f"this row has {len(row)} fields but the header (line {header_line}) has {len(header)}", line=line)
        rows.append(row)
        lines.append(line)
    if header is None:
        message = "the file is empty: expected a header line of column names"
        raise InputError(Problem(FIELD_PATH, message, file=col.file))
    _duplicates(header, col, line=header_line)
    columns = {}
    for j, name in enumerate(header):
        if name and name not in columns:
            columns[name] = [r[j] if j < len(r) else "" for r in rows]
    return _Cells(header, columns, len(rows), np.asarray(lines, dtype=np.int64), col, header_line=header_line)


def _read_parquet(path: Path, col: _Collector) -> _Cells:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(Problem(FIELD_PATH, f"not a readable Parquet file: {exc}", file=col.file))
    names = [c.strip().lower() for c in table.column_names]
    _duplicates(names, col, line=None)
    columns = {}
    for j, name in enumerate(names):
        if name not in columns:
            columns[name] = table.column(j).combine_chunks()
    return _Cells(names, columns, table.num_rows, None, col)


def _duplicates(names: list[str], col: _Collector, *, line) -> None:
    seen: dict[str, int] = {}
    for j, name in enumerate(names):
        if name in seen:
            col.add(f"column {name!r} appears twice (columns {seen[name] + 1} and {j + 1})", line=line, column=j + 1)
        else:
            seen[name] = j


def _require(cells: _Cells, needed: list[str], layout: str, col: _Collector) -> bool:
    missing = [n for n in needed if not cells.has(n)]
    for n in missing:
        col.add(
            f"missing column {n!r} ({layout} layout); found columns: {', '.join(repr(c) for c in cells.names) or 'none'}",
            line=cells.header_line,
        )
    return not missing


# ----------------------------------------------------------------------------- public API
def read_trace(path: str | Path, *, cores_per_server: int | None = None, core_mhz: float | None = None) -> TraceTable:
    """Read and check a job trace (``.csv`` or ``.parquet``); see the module docstring.

    Raises :class:`~dcsim.errors.InputError` listing every problem with its file, line (CSV)
    or row (Parquet) and column. ``cores_per_server`` rejects jobs that fit on no server.
    """
    p = Path(path)
    col = _Collector(str(p))
    if not p.is_file():
        raise InputError(Problem(FIELD_PATH, "job trace not found", file=str(p)))
    suffix = p.suffix.lower()
    if suffix == ".parquet":
        cells = _read_parquet(p, col)
    elif suffix in (".csv", ".txt"):
        cells = _read_csv(p, col)
    else:
        raise InputError(Problem(FIELD_PATH, f"unknown trace format {suffix!r}: use .csv or .parquet", file=str(p)))

    if cells.has("submission_time"):
        table = _opendc(cells, col, core_mhz=core_mhz)
    elif cells.has("submit_time") or cells.has("submit_time_s"):
        table = _native(cells, col)
    else:
        col.add(
            "no submission column: expected 'submit_time' or 'submit_time_s' (dcsim layout) or "
            f"'submission_time' (OpenDC tasks.parquet); found columns: {', '.join(repr(c) for c in cells.names) or 'none'}"
        )
        col.raise_if_any()
        raise AssertionError  # unreachable
    col.raise_if_any()
    submit, duration, cores, share, deadline, deferrable, klass, calendar, layout = table
    names = _column_names(layout, cells)
    bad_d = ~(duration > 0)
    for i in np.flatnonzero(bad_d & ~np.isnan(duration)):
        cells.err(int(i), names["duration"], "run time must be > 0", value=float(duration[i]), has_value=True)
    whole = np.isnan(cores) | (cores == np.round(cores))
    for i in np.flatnonzero(~whole):
        cells.err(int(i), names["cores"], "cores must be a whole number", value=float(cores[i]), has_value=True)
    for i in np.flatnonzero(cores < 1):
        cells.err(int(i), names["cores"], "a job needs at least 1 core", value=float(cores[i]), has_value=True)
    if cores_per_server is not None:
        for i in np.flatnonzero(cores > cores_per_server):
            cells.err(
                int(i),
                names["cores"],
                f"needs more cores than a server has (workload.cores_per_server = {cores_per_server})",
                value=float(cores[i]),
                has_value=True,
            )
    if "share" in names:
        for i in np.flatnonzero(~((share > 0) & (share <= 1)) & ~np.isnan(share)):
            cells.err(int(i), names["share"], "CPU share must lie in (0, 1]", value=float(share[i]), has_value=True)
    if "deadline" in names:
        for i in np.flatnonzero(deadline < submit):
            message = "deadline is before the submission time"
            cells.err(int(i), names["deadline"], message, value=float(deadline[i]), has_value=True)
    col.raise_if_any()
    if len(submit) == 0:
        col.add("the trace has no jobs")
        col.raise_if_any()
    return TraceTable(
        submit_s=submit,
        duration_s=duration,
        cores=cores.astype(np.int32),
        cpu_share=np.where(np.isnan(share), 1.0, share),
        deadline_s=np.where(np.isnan(deadline), np.inf, deadline),
        deferrable=deferrable,
        job_class=klass,
        calendar=calendar,
        file=str(p),
        layout=layout,
    )


def _column_names(layout: str, cells: _Cells) -> dict[str, str]:
    if layout == "opendc":
        names = {"duration": "duration", "cores": "cpu_count"}
        if cells.has("deadline"):
            names["deadline"] = "deadline"
        if cells.has("cpu_capacity"):
            names["share"] = "cpu_capacity"
        return names
    names = {"duration": "duration_s", "cores": "cores"}
    if cells.has("cpu_share"):
        names["share"] = "cpu_share"
    for d in ("deadline", "deadline_s", "slack_s"):
        if cells.has(d):
            names["deadline"] = d
    return names


def _opendc(cells: _Cells, col: _Collector, *, core_mhz: float | None):
    if not _require(cells, ["submission_time", "duration", "cpu_count"], "OpenDC", col):
        col.raise_if_any()
    n = cells.n
    submit = _times(cells, "submission_time", integer_unit_s=1e-3)
    duration = _numbers(cells, "duration") * 1e-3
    cores = _numbers(cells, "cpu_count")
    share = np.full(n, np.nan)
    if cells.has("cpu_capacity") and core_mhz:
        cap = _numbers(cells, "cpu_capacity", optional=True)
        for i in np.flatnonzero(cap <= 0):
            cells.err(int(i), "cpu_capacity", "must be > 0 MHz", value=float(cap[i]), has_value=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.minimum(1.0, cap / (cores * core_mhz))
        share[~(share > 0)] = np.nan
    deferrable = np.zeros(n, dtype=bool)
    if cells.has("deferrable"):
        deferrable, _ = _bools(cells, "deferrable")
    deadline = np.full(n, np.nan)
    if cells.has("deadline"):
        d = _numbers(cells, "deadline", optional=True)
        deadline = np.where(d >= 0, d * 1e-3, np.nan)
    klass = np.where(deferrable, BATCH, INTERACTIVE).astype(np.int8)
    return submit, duration, cores, share, deadline, deferrable, klass, True, "opendc"


def _native(cells: _Cells, col: _Collector):
    calendar = cells.has("submit_time")
    tcol = "submit_time" if calendar else "submit_time_s"
    if not _require(cells, [tcol, "duration_s", "cores"], "dcsim", col):
        col.raise_if_any()
    if cells.has("submit_time") and cells.has("submit_time_s"):
        col.add("give either 'submit_time' (dates) or 'submit_time_s' (seconds from the start), not both")
    n = cells.n
    submit = _times(cells, tcol, integer_unit_s=None) if calendar else _numbers(cells, tcol)
    duration = _numbers(cells, "duration_s")
    cores = _numbers(cells, "cores")
    share = _numbers(cells, "cpu_share", optional=True) if cells.has("cpu_share") else np.full(n, np.nan)
    deadline = np.full(n, np.nan)
    given_deadlines = [c for c in ("deadline", "deadline_s", "slack_s") if cells.has(c)]
    if len(given_deadlines) > 1:
        col.add(f"give one of 'deadline', 'deadline_s' or 'slack_s', not {', '.join(repr(c) for c in given_deadlines)}")
    elif given_deadlines:
        name = given_deadlines[0]
        if name == "deadline" and not calendar:
            col.add("column 'deadline' (a date) needs 'submit_time' (dates); with 'submit_time_s' use 'deadline_s'")
        elif name == "deadline_s" and calendar:
            col.add("column 'deadline_s' (seconds) needs 'submit_time_s'; with 'submit_time' use 'deadline' (a date)")
        elif name == "deadline":
            deadline = _times(cells, "deadline", integer_unit_s=None, optional=True)
        elif name == "deadline_s":
            deadline = _numbers(cells, "deadline_s", optional=True)
        else:
            slack = _numbers(cells, "slack_s", optional=True)
            for i in np.flatnonzero(slack < 0):
                cells.err(int(i), "slack_s", "must be >= 0 s", value=float(slack[i]), has_value=True)
            deadline = submit + slack + duration
    klass = np.full(n, INTERACTIVE, dtype=np.int8)
    class_given = np.zeros(n, dtype=bool)
    if cells.has("class"):
        klass, class_given = _classes(cells, "class")
    has_deadline = ~np.isnan(deadline)
    if cells.has("deferrable"):
        val, given = _bools(cells, "deferrable")
        deferrable = np.where(given, val, (klass == BATCH) & has_deadline)
    else:
        deferrable = (klass == BATCH) & has_deadline
    klass = np.where(class_given, klass, np.where(deferrable, BATCH, INTERACTIVE)).astype(np.int8)
    return submit, duration, cores, share, deadline, deferrable, klass, calendar, "dcsim"


def jobs_from_trace(
    table: TraceTable,
    *,
    start_epoch_s: float,
    horizon_s: float,
    align: str = "time-of-day",
    repeat: bool = False,
) -> Jobs:
    """Place a trace on the simulation clock: the jobs submitted in ``[0, horizon_s)``.

    Calendar traces: ``align = "absolute"`` keeps their dates; ``"time-of-day"`` shifts them
    by whole days so that the day of the first submission becomes the simulation's first day
    (UTC), keeping every job's time of day. Traces in seconds are seconds from the start.
    ``repeat`` replays the trace every ``P`` seconds, ``P`` being its span from the start of its
    first day to its last submission, rounded up to whole days. Jobs before the start are
    dropped.
    """
    if align not in ("time-of-day", "absolute"):
        raise ValueError('align must be "time-of-day" or "absolute"')
    submit = table.submit_s.astype(np.float64)
    deadline = table.deadline_s.astype(np.float64)
    if table.calendar:
        if align == "absolute":
            offset = -start_epoch_s
        else:
            first_day = math.floor(submit.min() / DAY_S) * DAY_S
            offset = math.floor(start_epoch_s / DAY_S) * DAY_S - first_day - start_epoch_s
        day0 = math.floor((submit.min() + offset + start_epoch_s) / DAY_S) * DAY_S - start_epoch_s
    else:
        offset = 0.0
        day0 = math.floor(submit.min() / DAY_S) * DAY_S
    submit = submit + offset
    deadline = deadline + offset
    base = Jobs(
        submit_s=submit,
        duration_s=table.duration_s,
        cores=table.cores,
        cpu_share=table.cpu_share,
        deadline_s=deadline,
        deferrable=table.deferrable,
        job_class=table.job_class,
    )
    parts = [base]
    if repeat:
        period = max(1, math.ceil((submit.max() - day0) / DAY_S + 1e-12)) * DAY_S
        m = 1
        while submit.min() + m * period < horizon_s:
            parts.append(base.shifted(m * period))
            m += 1
    jobs = Jobs.concat(parts)
    keep = (jobs.submit_s >= 0) & (jobs.submit_s < horizon_s)
    return jobs.take(np.flatnonzero(keep))
