"""Located tables: CSV and Parquet files read against the columns a reader declares.

Every reader of a user's table (weather CSV, grid series, job traces, server power tables,
datasheets) declares its columns as :class:`Column` (name, kind, unit, allowed range,
required or optional) and gets back one float64 array per column (NaN where a cell is missing
or invalid; text columns: a list of str) and every problem found, collected in
:class:`Problems` before it fails. Each problem names the file, the line and column (CSV) or
the row (Parquet, ``"row 3, column 'x': ..."``), the column, the value and what is allowed.

The rules are the same for every reader:

- text files are UTF-8 (a byte-order mark is allowed; a weather reader may fall back to
  Windows-1252 and says so); blank lines and lines starting with ``#`` are skipped (the
  comments before the header are kept, for metadata such as ``# latitude: 65.5``);
- the first other line is the header; column names are matched case-insensitively; a
  declared column that appears twice, or a required one that is missing, is refused (with
  the columns found and the closest name); other columns are ignored;
- a row with another number of fields than the header is one problem; the cells it has are
  still read, so that everything else is reported in the same pass;
- a cell is checked as its kind says (:data:`KINDS`), then against its range; an empty cell is
  a problem unless the column allows missing values (``empty_ok``).

Problems of one read are listed in file order (row by row, columns in declared order), at most
``limit`` per file; the rest are counted.
"""

from __future__ import annotations

import re

import copy
import csv
import difflib
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from ._cells import parse_number, parse_time_s
from .errors import NO_VALUE, InputError, Problem

#: Problems listed per file before the rest are only counted.
MAX_PROBLEMS = 25

#: What a column holds: numbers; times (ISO 8601 text, or a Parquet timestamp) as seconds
#: since 1970 UTC; true/false as 1.0/0.0; one of ``choices`` as its index; text.
KINDS = ("number", "time", "bool", "choice", "text")

_TRUE = frozenset({"true", "1", "yes", "y", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "f"})


# --------------------------------------------------------------------------- problems


class Problems:
    """Collects the problems of one input file (or of related files, :meth:`for_file`).

    ``what`` names the kind of file in messages and the title ("grid file", "job trace");
    ``path`` is the dotted field path every problem carries (the scenario key that named the
    file), or None to give each cell's problem the column's name as its path.
    """

    def __init__(self, file: str | Path, *, what: str = "file", path: str | None = "", limit: int = MAX_PROBLEMS,
                 _store: dict | None = None):
        self.file = str(file)
        self.what = what
        self.path = path
        self.limit = limit
        self._store = _store if _store is not None else {"items": [], "n_more": 0}

    @property
    def items(self) -> list[Problem]:
        return self._store["items"]

    def for_file(self, file: str | Path) -> Problems:
        """A collector for another file whose problems go into the same list."""
        other = copy.copy(self)
        other.file = str(file)
        return other

    def add(self, message: str, *, line: int | None = None, column: int | None = None, path: str | None = None,
            file: str | None = None, value: Any = NO_VALUE) -> None:
        """Record a problem (``value``: the offending value, when there is one)."""
        if len(self.items) >= self.limit:
            self._store["n_more"] += 1
            return
        path = path if path is not None else (self.path or "")
        self.items.append(Problem(path, message, value=value, file=file or self.file, line=line, column=column))

    def count_more(self, n: int) -> None:
        """Count ``n`` problems that are not listed."""
        self._store["n_more"] += n

    def __bool__(self) -> bool:
        return bool(self.items)

    def fail(self, message: str, *, line: int | None = None) -> NoReturn:
        """Record a problem that ends the reading of the file, and raise with every problem."""
        self.add(message, line=line)
        raise self.error()

    def raise_if_any(self) -> None:
        """Raise one InputError with every problem recorded, if there is any."""
        if self.items:
            raise self.error()

    def error(self) -> InputError:
        """One InputError with every problem recorded, titled "N problems in <what> <file>"."""
        items = list(self.items)
        n_more = self._store["n_more"]
        if n_more:
            items.append(Problem(self.path or "", f"... and {n_more} more problems not listed", file=self.file))
        n = len(self.items) + n_more
        files = sorted({p.file for p in self.items if p.file})
        where = ", ".join(files) if files else self.file
        title = f"{n} problem{'s' if n != 1 else ''} in {self.what}{'s' if len(files) > 1 else ''} {where}"
        return InputError(items, title=title)


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    """A column a reader declares (see the module docstring).

    ``low`` and ``high`` bound the values (``low_open``/``high_open``: the bound itself is
    not allowed); ``label`` names the values in a range message ("carbon intensity must be
    >= 0 gCO2e/kWh") and ``note`` says where a bound comes from. ``whole`` asks for whole
    numbers (times: whole seconds). A time column with ``epoch_unit_s`` also takes numbers,
    counted in that many seconds since 1970 (OpenDC's milliseconds: 1e-3). ``describe`` and
    ``hint`` go into the message for a missing column.
    """

    name: str
    kind: str = "number"
    unit: str = ""
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    whole: bool = False
    label: str = ""
    note: str = ""
    required: bool = True
    empty_ok: bool = False
    choices: tuple[str, ...] = ()
    example: str = "2024-01-01T00:00:00Z"
    epoch_unit_s: float | None = None
    describe: str = ""
    hint: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column kind must be one of {KINDS}, got {self.kind!r}")

    def range_text(self) -> str:
        """What the range allows, as a message: "load must lie in 0..100 %"."""
        unit = f" {self.unit}" if self.unit else ""
        lo, hi = self.low, self.high
        if lo is not None and hi is not None:
            if self.low_open or self.high_open:
                text = f"must lie in {'(' if self.low_open else '['}{lo:g}, {hi:g}{')' if self.high_open else ']'}{unit}"
            else:
                text = f"must lie in {lo:g}..{hi:g}{unit}"
        elif lo is not None:
            text = f"must be {'>' if self.low_open else '>='} {lo:g}{unit}"
        else:
            text = f"must be {'<' if self.high_open else '<='} {hi:g}{unit}"
        note = f" ({self.note})" if self.note else ""
        return f"{self.label} {text}{note}" if self.label else f"{text}{note}"

    def violations(self, values: np.ndarray, valid: np.ndarray) -> list[tuple[np.ndarray, str]]:
        """``(rows, reason)`` of the valid values that are not whole or outside the range;
        each row fails its first check only."""
        out = []
        remaining = valid.copy()
        if self.whole:
            bad = remaining & (values != np.floor(values))
            what = "time must be a whole second" if self.kind == "time" else f"{self.label or 'value'} must be a whole number"
            out.append((np.flatnonzero(bad), what))
            remaining &= ~bad
        if self.low is not None or self.high is not None:
            bad = np.zeros_like(remaining)
            with np.errstate(invalid="ignore"):
                if self.low is not None:
                    bad |= (values <= self.low) if self.low_open else (values < self.low)
                if self.high is not None:
                    bad |= (values >= self.high) if self.high_open else (values > self.high)
            out.append((np.flatnonzero(remaining & bad), self.range_text()))
        return out


def _cell(col: Column, text: str) -> tuple[float, str | None]:
    """One CSV cell (or Parquet text) as the column's kind: (value, None) or (NaN, reason);
    an empty cell gives (NaN, None) where the column allows missing values."""
    s = text.strip()
    if not s and (col.empty_ok or col.kind in ("bool", "choice")):
        return math.nan, None
    if col.kind == "number":
        v, err = parse_number(s)
    elif col.kind == "time":
        v, err = None, None
        if col.epoch_unit_s is not None:
            v, err = parse_number(s)
            v = None if err else v * col.epoch_unit_s
        if v is None:
            v, err = parse_time_s(s, example=col.example)
    elif col.kind == "bool":
        t = s.lower()
        v, err = (1.0, None) if t in _TRUE else (0.0, None) if t in _FALSE else (None, "expected true or false (also 1/0, yes/no)")
    else:
        t = s.lower()
        if t in col.choices:
            return float(col.choices.index(t)), None
        v, err = None, "expected " + " or ".join(f'"{c}"' for c in col.choices)
    return (math.nan, err) if err else (float(v), None)


# --------------------------------------------------------------------------- reading files


def read_text(path: str | Path, problems: Problems, *, fallback: str | None = None) -> tuple[str, str]:
    """(text, note) of a text file: UTF-8 (BOM stripped), else ``fallback`` if given (the
    note says so), else a problem naming the line of the first byte that is not UTF-8."""
    p = Path(path)
    if not p.is_file():
        problems.fail(f"{problems.what} {'is a directory, not a file' if p.is_dir() else 'not found'}")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        problems.fail(f"cannot read {problems.what}: {exc.strerror or exc}")
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError as exc:
        if fallback is not None:
            return raw.decode(fallback, errors="replace"), f" (read as {_ENCODING_NAMES.get(fallback, fallback)}: not valid UTF-8)"
        problems.fail(f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8",
                      line=raw[: exc.start].count(b"\n") + 1)


_ENCODING_NAMES = {"cp1252": "Windows-1252"}
_SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs"}


def read_csv(path: str | Path, problems: Problems, *, delimiters: tuple[str, ...] = (",",),
             fallback: str | None = None, expect: list[Column] | None = None) -> Table:
    """Read a CSV file's header and rows (see :func:`parse_csv`)."""
    text, note = read_text(path, problems, fallback=fallback)
    table = parse_csv(text, problems, delimiters=delimiters, expect=expect)
    table.note = note
    return table


def parse_csv(text: str, problems: Problems, *, delimiters: tuple[str, ...] = (",",),
              expect: list[Column] | None = None) -> Table:
    """The header and rows of CSV text; the separator is the first of ``delimiters`` unless
    the header line holds only another one. ``expect`` (the columns the reader wants) names
    them in the message for a file with no header."""
    delimiter = delimiters[0]
    if len(delimiters) > 1:
        first = next((s for s in map(str.strip, io.StringIO(text)) if s and not s.startswith("#")), "")
        delimiter = next((d for d in delimiters[1:] if d in first and delimiter not in first), delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    header_line = None
    comments: list[tuple[int, str]] = []
    rows: list[list[str]] = []
    row_lines: list[int] = []
    prev_end = 0
    for row in reader:
        line = prev_end + 1  # a quoted field may span lines: a row is located on its first line
        prev_end = reader.line_num
        first = row[0].lstrip() if row else ""
        if first.startswith("#"):
            if header is None:
                comments.append((line, delimiter.join(row).lstrip()[1:]))
            continue
        if not first and all(not c.strip() for c in row):
            continue
        if header is None:
            header, header_line = [c.strip() for c in row], line
            continue
        rows.append(row)
        row_lines.append(line)
    if header is None:
        wanted = ", ".join(repr(c.name) + ("" if c.required else " (optional)") for c in expect or [])
        problems.fail("the file is empty: expected a header line " + (f"with {wanted}" if wanted else "of column names"))
    return Table(problems, header, rows, np.asarray(row_lines, dtype=np.int64), header_line, comments,
                 delimiter=delimiter)


def read_parquet(path: str | Path, problems: Problems) -> Table:
    """A Parquet file's columns (read whole; every column is taken on demand)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        data = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        problems.fail(f"not a readable Parquet file: {exc}")
    return Table(problems, [c.strip() for c in data.column_names], data, None, None, [])


# --------------------------------------------------------------------------- the table


class Table:
    """A file's header and rows, read against declared columns by :meth:`read`.

    ``names`` is the header as written; ``lines`` the line of each row (CSV) or None
    (Parquet); ``comments`` the ``(line, text)`` of the comment lines before the header.
    """

    def __init__(self, problems: Problems, names: list[str], rows: Any, lines: np.ndarray | None,
                 header_line: int | None, comments: list[tuple[int, str]], *, delimiter: str | None = None):
        self.problems = problems
        self.names = names
        self._rows = rows  # CSV: list of rows (lists of str); Parquet: a pyarrow Table
        self.lines = lines
        self.header_line = header_line
        self.comments = comments
        self.note = ""
        self.delimiter = delimiter
        self.positions: dict[str, int] = {}  # lower-case name -> 0-based position of its first column
        for j, name in enumerate(names):
            self.positions.setdefault(name.lower(), j)

    @property
    def file(self) -> str:
        return self.problems.file

    @property
    def n(self) -> int:
        return len(self._rows) if self.lines is not None else self._rows.num_rows

    def split_header(self, n_data: int) -> list[str]:
        """Keep the first ``n_data`` header names as the data columns and return the others:
        labels in the header line that no row fills (the bidding zone ``BZN|SE3`` of an
        ENTSO-E export), so that rows are checked against ``n_data`` fields."""
        extra = self.names[n_data:]
        self.names = self.names[:n_data]
        self.positions = {k: j for k, j in self.positions.items() if j < n_data}
        return extra

    def has(self, name: str) -> bool:
        return name.lower() in self.positions

    def column_number(self, name: str) -> int | None:
        """1-based column of ``name`` (None if absent)."""
        j = self.positions.get(name.lower())
        return None if j is None else j + 1

    def row_ref(self, i: int) -> str:
        """How messages refer to row ``i``: "line 5" (CSV) or "row 4" (Parquet)."""
        return f"line {int(self.lines[i])}" if self.lines is not None else f"row {i + 1}"

    def report(self, i: int, name: str, reason: str, value: Any = NO_VALUE) -> None:
        """A problem with the cell of row ``i`` (0-based) in column ``name``."""
        col_path = None if self.problems.path is not None else name
        lead = "" if col_path is not None else f"column {name!r}: "
        if self.lines is not None:
            self.problems.add(lead + reason, line=int(self.lines[i]), column=self.column_number(name), path=col_path,
                              value=value)
        else:
            self.problems.add(f"row {i + 1}, column {name!r}: {reason}", path=col_path, value=value)

    def require(self, columns: list[Column]) -> bool:
        """Report declared columns that appear twice and required ones that are missing;
        False if there was any such problem."""
        lowered = [h.lower() for h in self.names]
        declared = {c.name.lower() for c in columns}
        ok = True
        for col in columns:
            hits = [j for j, h in enumerate(lowered) if h == col.name.lower()]
            path = None if self.problems.path is not None else col.name
            if len(hits) > 1:
                self.problems.add(f"column {col.name!r} appears more than once (columns {', '.join(str(j + 1) for j in hits)})",
                                  line=self.header_line, column=hits[1] + 1, path=path)
                ok = False
            elif not hits and col.required:
                self.problems.add(self._missing(col, [h for h in self.names if h and h.lower() not in declared]),
                                  line=self.header_line, path=path)
                ok = False
        return ok

    def _missing(self, col: Column, others: list[str]) -> str:
        found = found_columns_text(self.names)
        lower = {h.lower(): h for h in others}
        close = difflib.get_close_matches(col.name.lower(), list(lower), n=1, cutoff=0.6) or [
            h for h in lower if h.split("_")[0] == col.name.lower().split("_")[0]][:1]
        text = f"missing column {col.name!r}" + (f" ({col.describe})" if col.describe else "") + f"; found columns: {found}"
        other = next((d for d in _SEPARATORS if d != self.delimiter and len(self.names) == 1 and d in self.names[0]), None)
        if other is not None:  # the whole header is one name
            return text + f" (use {_SEPARATORS[self.delimiter]}, not {_SEPARATORS[other]}, between columns)"
        if close:
            text += f"; did you mean {lower[close[0]]!r}?"
        if col.hint:
            text += (" " if close else ". ") + col.hint
        return text

    def read(self, columns: list[Column]) -> dict[str, Any]:
        """The declared columns that are present, by name: float64 arrays (NaN where missing
        or invalid) or, for text, lists of str. Every problem of their cells, and of rows of
        the wrong length, is reported in file order."""
        present = [c for c in columns if self.has(c.name)]
        found: list[tuple[int, int, str, Any, str]] = []  # (row, column order, reason, value, column name)
        out: dict[str, Any] = {}
        if self.lines is not None:
            self._row_lengths(found)
        for order, col in enumerate(present):
            values, valid, texts = self._parse(col, order, found)
            out[col.name] = values
            if col.kind in ("number", "time"):  # a time is shown as written, a number as read
                shown = {"texts": texts} if col.kind == "time" and texts is not None else {"values": values}
                for rows, reason in col.violations(values, valid):
                    self._keep(found, rows, order, reason, col.name, **shown)
                    values[rows] = np.nan
        found.sort(key=lambda f: (f[0], f[1]))
        for row, _, reason, value, name in found:
            if name:
                self.report(row, name, reason, value)
            else:
                self.problems.add(reason, line=int(self.lines[row]))
        return out

    def _keep(self, found: list, rows: np.ndarray, order: int, reason: str, name: str, values=None, texts=None) -> None:
        """Note the problems of ``rows``; past what can be listed, only count them."""
        limit = self.problems.limit
        for i in rows[:limit]:
            value = texts[i] if texts is not None else float(values[i]) if values is not None else NO_VALUE
            found.append((int(i), order, reason, value, name))
        self.problems.count_more(max(0, len(rows) - limit))

    def _row_lengths(self, found: list) -> None:
        n_fields = len(self.names)
        bad = [i for i, row in enumerate(self._rows) if len(row) != n_fields]
        for i in bad[: self.problems.limit]:
            found.append((i, -1, f"this row has {len(self._rows[i])} fields but the header (line {self.header_line}) "
                                 f"has {n_fields}", NO_VALUE, ""))
        self.problems.count_more(max(0, len(bad) - self.problems.limit))

    def _parse(self, col: Column, order: int, found: list) -> tuple[Any, np.ndarray, list[str | None] | None]:
        """(values, valid, the cells' texts or None) of a declared column."""
        if self.lines is None:
            return self._parse_arrow(col, order, found)
        j = self.positions[col.name.lower()]
        texts = [row[j].strip() if j < len(row) else None for row in self._rows]
        if col.kind == "text":
            return [t or "" for t in texts], np.array([t is not None for t in texts]), texts
        return self._parse_texts(col, order, texts, found)

    def _parse_texts(self, col: Column, order: int, texts: list[str | None], found: list):
        out = [math.nan] * len(texts)
        bad: dict[str, list[int]] = {}
        number = col.kind == "number"
        for i, text in enumerate(texts):
            if text is None:  # the row is short: reported once for the row
                continue
            if number and text:  # the common case first; _cell says what is wrong
                try:
                    v = float(text)
                except ValueError:
                    pass
                else:
                    if math.isfinite(v):
                        out[i] = v
                        continue
            v, err = _cell(col, text)
            if err:
                bad.setdefault(err, []).append(i)
            else:
                out[i] = v
        for reason, rows in bad.items():
            self._keep(found, np.asarray(rows), order, reason, col.name, texts=texts)
        values = np.array(out, dtype=np.float64)
        return values, ~np.isnan(values), texts

    def _parse_arrow(self, col: Column, order: int, found: list) -> tuple[Any, np.ndarray]:
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = self._rows.column(self.positions[col.name.lower()]).combine_chunks()
        n = len(arr)
        t = arr.type
        is_text = pa.types.is_string(t) or pa.types.is_large_string(t)
        if col.kind in ("text", "choice") or is_text or (col.kind == "bool" and not pa.types.is_boolean(t)
                                                         and not pa.types.is_integer(t)):
            texts = ["" if x is None else str(x) for x in arr.to_pylist()]
            if col.kind == "text":
                return texts, np.ones(n, dtype=bool), texts
            return self._parse_texts(col, order, texts, found)
        nulls = pc.is_null(arr).to_numpy(zero_copy_only=False)
        if col.kind == "time" and pa.types.is_timestamp(t):
            factor = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}[t.unit]
            ints = pc.fill_null(arr.cast(pa.int64()), 0).to_numpy(zero_copy_only=False).astype(np.int64)
            values = np.where(nulls, np.nan, (ints // factor) + (ints % factor) / factor)
            if not col.empty_ok:
                self._keep(found, np.flatnonzero(nulls), order, "missing time", col.name)
            if col.whole:  # exactly, on the integers: a float of nanoseconds would round
                self._keep(found, np.flatnonzero(~nulls & (ints % factor != 0)), order, "time must be a whole second",
                           col.name)
                values[~nulls & (ints % factor != 0)] = np.nan
            return values, ~np.isnan(values), None
        numeric = pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t)
        if col.kind in ("number", "bool") or (col.kind == "time" and col.epoch_unit_s is not None):
            if col.kind == "bool" and pa.types.is_boolean(t):
                data = pc.fill_null(arr, False).to_numpy(zero_copy_only=False).astype(np.float64)
                return np.where(nulls, np.nan, data), ~nulls, None
            if numeric:
                # safe=False: an integer beyond 2**53 becomes its nearest float (then range-checked), not ArrowInvalid
                data = pc.fill_null(arr.cast(pa.float64(), safe=False), np.nan).to_numpy(
                    zero_copy_only=False).astype(np.float64)
                return self._numbers(col, order, data, nulls, found)
        expected = "a timestamp or ISO 8601 text" if col.kind == "time" else "numbers"
        self.problems.add(f"column {col.name!r} has type {t}; expected {expected}",
                          path=None if self.problems.path is not None else col.name)
        return np.full(n, np.nan), np.zeros(n, dtype=bool), None

    def _numbers(self, col: Column, order: int, data: np.ndarray, nulls: np.ndarray, found: list):
        """A numeric Parquet column as the column's kind (times in ``epoch_unit_s``, true and
        false as 1 and 0)."""
        finite = np.isfinite(data) & ~nulls
        self._keep(found, np.flatnonzero(~nulls & ~np.isfinite(data)), order, "must be a finite number", col.name)
        if not col.empty_ok and col.kind != "bool":
            self._keep(found, np.flatnonzero(nulls), order, "missing time" if col.kind == "time" else "missing value",
                       col.name)
        values = np.where(finite, data, np.nan)
        if col.kind == "time":
            values = values * col.epoch_unit_s
        elif col.kind == "bool":
            bad = finite & (data != 0) & (data != 1)
            self._keep(found, np.flatnonzero(bad), order, "expected true or false (1 or 0)", col.name, values=data)
            values[bad] = np.nan
        return values, ~np.isnan(values), None


#: What a column name shown back in a message may look like: the file's text beyond that is
#: never echoed (a scenario naming /etc/shadow as its weather must not print its first line).
_SHOWABLE_NAME = re.compile(r"[\w .,()%/°+\-\[\]]{1,48}")


def found_columns_text(names) -> str:
    """The header names for a "found columns: ..." message: the ones that look like column
    names, quoted, and a count of the others (not shown, so no file's contents is echoed)."""
    names = [str(n) for n in names if str(n)]
    shown = [n for n in names if _SHOWABLE_NAME.fullmatch(n)]
    hidden = len(names) - len(shown)
    if len(shown) > 20:
        hidden += len(shown) - 20
        shown = shown[:20]
    text = ", ".join(repr(n) for n in shown)
    if hidden:
        text += f", and {hidden} more that do not look like column names (not shown)" if text else (
            f"{hidden} that do not look like column names (not shown)")
    return text or "none"

