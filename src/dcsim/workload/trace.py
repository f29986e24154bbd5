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
(up to 25, :mod:`dcsim._table`) in one :class:`~dcsim.errors.InputError`, with the file and the
line and column (CSV) or row and column name (Parquet). Use Parquet for large traces: it is
read column-wise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._table import Column, Problems, Table, found_columns_text, read_csv, read_parquet
from .jobs import BATCH, INTERACTIVE, Jobs

DAY_S = 86400
FIELD_PATH = "workload.trace.path"
TIME_EXAMPLE = "2024-01-01T08:30:00Z"


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


def _cores(name: str, layout: str, cores_per_server: int | None) -> Column:
    """Whole cores, at least 1, at most a server's (when known)."""
    return Column(name, whole=True, low=1, high=cores_per_server, label="cores", describe=f"{layout} layout",
                  note=f"workload.cores_per_server = {cores_per_server}" if cores_per_server is not None else "")


def _optional(name: str, kind: str = "number", **kw) -> Column:
    return Column(name, kind=kind, required=False, empty_ok=True, **kw)


# ----------------------------------------------------------------------------- public API
def read_trace(path: str | Path, *, cores_per_server: int | None = None, core_mhz: float | None = None) -> TraceTable:
    """Read and check a job trace (``.csv`` or ``.parquet``); see the module docstring.

    Raises :class:`~dcsim.errors.InputError` listing every problem with its file, line (CSV)
    or row (Parquet) and column. ``cores_per_server`` rejects jobs that fit on no server.
    """
    p = Path(path)
    problems = Problems(p, what="job trace", path=FIELD_PATH)
    if not p.is_file():
        problems.fail("job trace not found")
    suffix = p.suffix.lower()
    if suffix == ".parquet":
        table = read_parquet(p, problems)
    elif suffix in (".csv", ".txt"):
        table = read_csv(p, problems, delimiters=(",", ";"))
    else:
        problems.fail(f"unknown trace format {suffix!r}: use .csv or .parquet")
    if table.has("submission_time"):
        layout, jobs, deadline_column = "opendc", *_opendc(table, cores_per_server, core_mhz)
    elif table.has("submit_time") or table.has("submit_time_s"):
        layout, jobs, deadline_column = "dcsim", *_native(table, cores_per_server)
    else:
        found = found_columns_text(table.names)
        problems.fail("no submission column: expected 'submit_time' or 'submit_time_s' (dcsim layout) or "
                      f"'submission_time' (OpenDC tasks.parquet); found columns: {found}")
    submit, duration, cores, share, deadline, deferrable, klass, calendar = jobs
    if deadline_column in ("deadline", "deadline_s"):  # a slack_s below 0 is reported as such
        for i in np.flatnonzero(deadline < submit):
            table.report(int(i), deadline_column, "deadline is before the submission time", float(deadline[i]))
    problems.raise_if_any()
    if len(submit) == 0:
        problems.fail("the trace has no jobs")
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


def _read(table: Table, columns: list[Column]) -> dict[str, np.ndarray]:
    if not table.require(columns):
        table.problems.raise_if_any()
    return table.read(columns)


def _opendc(table: Table, cores_per_server: int | None, core_mhz: float | None):
    """OpenDC tasks: times and durations in ms; share from cpu_capacity when core_mhz is known."""
    layout = "OpenDC"
    columns = [
        Column("submission_time", kind="time", epoch_unit_s=1e-3, example=TIME_EXAMPLE, describe=f"{layout} layout"),
        Column("duration", unit="ms", low=0, low_open=True, label="run time", describe=f"{layout} layout"),
        _cores("cpu_count", layout, cores_per_server),
        _optional("deferrable", kind="bool"),
        _optional("deadline"),
    ]
    if core_mhz:
        columns.append(_optional("cpu_capacity", unit="MHz", low=0, low_open=True))
    v = _read(table, columns)
    n = table.n
    submit, duration, cores = v["submission_time"], v["duration"] * 1e-3, v["cpu_count"]
    share = np.full(n, np.nan)
    if "cpu_capacity" in v:
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.minimum(1.0, v["cpu_capacity"] / (cores * core_mhz))
        share[~(share > 0)] = np.nan
    deferrable = v["deferrable"] == 1 if "deferrable" in v else np.zeros(n, dtype=bool)
    deadline = np.full(n, np.nan)
    if "deadline" in v:
        with np.errstate(invalid="ignore"):
            deadline = np.where(v["deadline"] >= 0, v["deadline"] * 1e-3, np.nan)  # OpenDC's -1: none
    klass = np.where(deferrable, BATCH, INTERACTIVE).astype(np.int8)
    jobs = (submit, duration, cores, share, deadline, deferrable, klass, True)
    return jobs, "deadline" if "deadline" in v else None


def _native(table: Table, cores_per_server: int | None):
    """The dcsim layout: dates or seconds from the start, one of three deadline forms."""
    problems = table.problems
    calendar = table.has("submit_time")
    layout = "dcsim"
    submit_col = (Column("submit_time", kind="time", example=TIME_EXAMPLE, describe=f"{layout} layout") if calendar
                  else Column("submit_time_s", describe=f"{layout} layout"))
    columns = [submit_col, Column("duration_s", unit="s", low=0, low_open=True, label="run time",
                                  describe=f"{layout} layout"), _cores("cores", layout, cores_per_server)]
    if not table.require(columns):
        problems.raise_if_any()
    if table.has("submit_time") and table.has("submit_time_s"):
        problems.add("give either 'submit_time' (dates) or 'submit_time_s' (seconds from the start), not both")
    columns += [_optional("cpu_share", low=0, low_open=True, high=1, label="CPU share"),
                _optional("class", kind="choice", choices=("interactive", "batch")), _optional("deferrable", kind="bool")]
    given_deadlines = [c for c in ("deadline", "deadline_s", "slack_s") if table.has(c)]
    deadline_column = given_deadlines[0] if len(given_deadlines) == 1 else None
    if len(given_deadlines) > 1:
        problems.add(f"give one of 'deadline', 'deadline_s' or 'slack_s', not {', '.join(repr(c) for c in given_deadlines)}")
    elif deadline_column == "deadline" and not calendar:
        problems.add("column 'deadline' (a date) needs 'submit_time' (dates); with 'submit_time_s' use 'deadline_s'")
        deadline_column = None
    elif deadline_column == "deadline_s" and calendar:
        problems.add("column 'deadline_s' (seconds) needs 'submit_time_s'; with 'submit_time' use 'deadline' (a date)")
        deadline_column = None
    elif deadline_column is not None:
        columns.append({"deadline": _optional("deadline", kind="time", example=TIME_EXAMPLE),
                        "deadline_s": _optional("deadline_s"),
                        "slack_s": _optional("slack_s", unit="s", low=0)}[deadline_column])
    v = _read(table, columns)  # the optional columns too: a repeated one is refused
    n = table.n
    submit, duration = v[submit_col.name], v["duration_s"]
    share = v.get("cpu_share", np.full(n, np.nan))
    deadline = np.full(n, np.nan)
    if deadline_column == "slack_s":
        deadline = submit + v["slack_s"] + duration
    elif deadline_column is not None:
        deadline = v[deadline_column]
    class_given = ~np.isnan(v["class"]) if "class" in v else np.zeros(n, dtype=bool)
    klass = np.where(class_given & (v.get("class", 0.0) == 1), BATCH, INTERACTIVE).astype(np.int8)
    by_default = (klass == BATCH) & ~np.isnan(deadline)  # a batch job with a deadline may be deferred
    if "deferrable" in v:
        deferrable = np.where(~np.isnan(v["deferrable"]), v["deferrable"] == 1, by_default)
    else:
        deferrable = by_default
    klass = np.where(class_given, klass, np.where(deferrable, BATCH, INTERACTIVE)).astype(np.int8)
    return (submit, duration, v["cores"], share, deadline, deferrable, klass, calendar), deadline_column


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
