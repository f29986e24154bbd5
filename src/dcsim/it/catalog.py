"""Built-in server catalogue and readers for users' own SPECpower tables.

The catalogue (``dcsim/data/servers.csv``) holds the eight SPECpower_ssj2008 11-point
tables of REFERENCES.md ("IT equipment"): average power at active idle and at 10 %,
20 %, ..., 100 % of calibrated throughput, as tabulated in CloudSim's power models. One
row per server: a short key (``hp-ml110-g5``), the full name, the 11 powers
(``power_0pct_w`` ... ``power_100pct_w``) and the source.

Users add a modern server with :func:`read_server_table_csv`: a CSV with columns
``load_pct,power_w`` (other columns are ignored), one row per load point, load points
strictly increasing from 0 to 100 (the 11 SPECpower points or any others).
"""

from __future__ import annotations

import difflib
import math
import warnings
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import InputError, Problem
from .power import ServerSpec

__all__ = [
    "server_catalog",
    "get_server",
    "read_server_table_csv",
    "ServerTableWarning",
    "SPECPOWER_LOAD_PCT",
]

#: The 11 SPECpower_ssj2008 load levels (% of calibrated throughput; 0 = active idle).
SPECPOWER_LOAD_PCT = tuple(range(0, 101, 10))

_CATALOG_FILE = "servers.csv"
_POWER_COLUMNS = tuple(f"power_{pct}pct_w" for pct in SPECPOWER_LOAD_PCT)


class ServerTableWarning(UserWarning):
    """A server power table that is valid but unusual (e.g. power falling as load rises)."""


def _split_csv_line(line: str) -> list[tuple[str, int]]:
    """Split one CSV line into (field, 1-based start column) pairs; handles double quotes."""
    fields: list[tuple[str, int]] = []
    buf: list[str] = []
    start = 1
    in_quotes = False
    i = 0
    n = len(line)
    while i < n:
        ch = line[i]
        if in_quotes:
            if ch == '"':
                if i + 1 < n and line[i + 1] == '"':
                    buf.append('"')
                    i += 1
                else:
                    in_quotes = False
            else:
                buf.append(ch)
        elif ch == '"':
            in_quotes = True
        elif ch == ",":
            fields.append(("".join(buf).strip(), start))
            buf = []
            start = i + 2
        else:
            buf.append(ch)
        i += 1
    fields.append(("".join(buf).strip(), start))
    return fields


def _read_lines(path: Path, problems: list[Problem]) -> list[tuple[int, str]] | None:
    """Numbered non-blank, non-comment lines of a UTF-8 text file (BOM allowed)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem("", "file not found", file=str(path)))
        return None
    except OSError as exc:
        problems.append(Problem("", f"cannot read the file: {exc.strerror or exc}", file=str(path)))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(
            Problem("", "the file is not UTF-8 text (save it as UTF-8 CSV)", file=str(path), line=line)
        )
        return None
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            rows.append((number, line))
    return rows


def _parse_number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value


def read_server_table_csv(path: str | Path, name: str | None = None, **spec_kwargs) -> ServerSpec:
    """Read a user's SPECpower-style table (CSV ``load_pct,power_w``) as a :class:`ServerSpec`.

    Format: a header naming the columns ``load_pct`` (% of full load) and ``power_w``
    (average power, W), then one row per load point, e.g. the 11 SPECpower_ssj2008 points
    0, 10, ..., 100 (0 = active idle). Any strictly increasing load points from 0 to 100
    are accepted. Blank lines and lines starting with ``#`` are skipped; other columns are
    ignored. Power is interpolated linearly between the points (:func:`specpower_power_w`).

    Refused, with every problem reported at once in one :class:`~dcsim.errors.InputError`
    naming the file, line and column: a missing column, a non-numeric or non-finite value,
    a load outside 0..100, load points that do not increase strictly, a table not starting
    at 0 or not ending at 100, fewer than two rows, negative power. Power that falls as
    load rises is allowed but warned about (:class:`ServerTableWarning`).

    Parameters
    ----------
    path : str or Path
        The CSV file.
    name : str, optional
        Server name; default the file name without extension.
    **spec_kwargs
        Power-state fields passed to :class:`ServerSpec` (``sleep_w``, ``boot_s``, ...).
    """
    path = Path(path)
    file = str(path)
    problems: list[Problem] = []
    lines = _read_lines(path, problems)
    if lines is None:
        raise InputError(problems, title=f"cannot read server power table {file}")
    if not lines:
        raise InputError(
            Problem("", "the file is empty; expected a header 'load_pct,power_w' and rows", file=file),
            title=f"invalid server power table {file}",
        )

    header_line, header_text = lines[0]
    header = [(f.lower(), col) for f, col in _split_csv_line(header_text)]
    names = [h for h, _ in header]
    columns: dict[str, int] = {}
    for wanted in ("load_pct", "power_w"):
        if names.count(wanted) > 1:
            problems.append(
                Problem(
                    wanted,
                    f"column {wanted!r} appears more than once in the header",
                    file=file,
                    line=header_line,
                )
            )
        elif wanted in names:
            columns[wanted] = names.index(wanted)
        else:
            hint = " (use commas, not semicolons, between columns)" if ";" in header_text else ""
            problems.append(
                Problem(
                    wanted,
                    f"the header has no column {wanted!r}; expected columns 'load_pct,power_w'{hint}",
                    value=header_text.strip(),
                    file=file,
                    line=header_line,
                    column=1,
                )
            )
    if problems:
        raise InputError(problems, title=f"invalid server power table {file}")

    rows: list[tuple[int, float, int, float, int]] = []  # line, load, load_col, power, power_col
    for number, text in lines[1:]:
        fields = _split_csv_line(text)
        values = {}
        for key, index in columns.items():
            if index >= len(fields):
                col = len(text) + 1
                problems.append(
                    Problem(key, f"missing value for column {key!r}", file=file, line=number, column=col)
                )
                continue
            raw, col = fields[index]
            value = _parse_number(raw)
            if value is None or raw == "":
                problems.append(Problem(key, "not a number", value=raw, file=file, line=number, column=col))
                continue
            if not math.isfinite(value):
                problems.append(
                    Problem(key, "must be a finite number", value=raw, file=file, line=number, column=col)
                )
                continue
            if key == "load_pct" and not 0.0 <= value <= 100.0:
                problems.append(
                    Problem(
                        key, "load must lie in 0..100 (%)", value=value, file=file, line=number, column=col
                    )
                )
                continue
            if key == "power_w" and value < 0.0:
                problems.append(
                    Problem(key, "power must be >= 0 W", value=value, file=file, line=number, column=col)
                )
                continue
            values[key] = (value, col)
        if len(values) == 2:
            (load, load_col), (power, power_col) = values["load_pct"], values["power_w"]
            rows.append((number, load, load_col, power, power_col))

    if not problems:
        if len(rows) < 2:
            problems.append(
                Problem(
                    "load_pct",
                    "a power table needs at least two rows (load 0 and load 100)",
                    file=file,
                    line=rows[0][0] if rows else header_line,
                )
            )
        else:
            for prev, row in zip(rows, rows[1:]):
                if row[1] <= prev[1]:
                    problems.append(
                        Problem(
                            "load_pct",
                            f"load must increase strictly from row to row (line {prev[0]} has {prev[1]:g})",
                            value=row[1],
                            file=file,
                            line=row[0],
                            column=row[2],
                        )
                    )
            first, last = rows[0], rows[-1]
            if first[1] != 0.0:
                problems.append(
                    Problem(
                        "load_pct",
                        "the table must start at load 0 (active idle power)",
                        value=first[1],
                        file=file,
                        line=first[0],
                        column=first[2],
                    )
                )
            if last[1] != 100.0:
                problems.append(
                    Problem(
                        "load_pct",
                        "the table must end at load 100 (full-load power)",
                        value=last[1],
                        file=file,
                        line=last[0],
                        column=last[2],
                    )
                )
    if problems:
        raise InputError(problems, title=f"invalid server power table {file}")

    for prev, row in zip(rows, rows[1:]):
        if row[3] < prev[3]:
            warnings.warn(
                f"{file}: line {row[0]}, column {row[4]}: power_w falls from {prev[3]:g} W "
                f"(line {prev[0]}) to {row[3]:g} W as load rises; SPECpower curves normally rise with load",
                ServerTableWarning,
                stacklevel=2,
            )

    load_points = np.array([r[1] for r in rows]) / 100.0
    power_points = np.array([r[3] for r in rows])
    try:
        return ServerSpec(
            name or path.stem,
            load_points,
            power_points,
            source=f"user table {file}",
            **spec_kwargs,
        )
    except (TypeError, ValueError) as exc:
        raise InputError(
            Problem("", str(exc), file=file), title=f"invalid server power table {file}"
        ) from None


def _load_catalog() -> dict[str, ServerSpec]:
    ref = resources.files("dcsim").joinpath("data", _CATALOG_FILE)
    text = ref.read_text(encoding="utf-8")
    file = f"dcsim/data/{_CATALOG_FILE}"
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    header = [f for f, _ in _split_csv_line(lines[0][1])]
    expected = ["key", "name", *_POWER_COLUMNS, "source"]
    if header != expected:
        raise InputError(
            Problem("", f"built-in catalogue header must be {expected}", file=file, line=lines[0][0])
        )
    catalog: dict[str, ServerSpec] = {}
    problems: list[Problem] = []
    load_points = np.array(SPECPOWER_LOAD_PCT, dtype=np.float64) / 100.0
    for number, text_line in lines[1:]:
        fields = _split_csv_line(text_line)
        if len(fields) != len(expected):
            problems.append(Problem("", f"expected {len(expected)} fields", file=file, line=number))
            continue
        key = fields[0][0]
        powers = [_parse_number(f) for f, _ in fields[2:-1]]
        if any(p is None for p in powers):
            problems.append(Problem(key, "non-numeric power", file=file, line=number))
            continue
        if key in catalog:
            problems.append(Problem(key, "duplicate key", file=file, line=number))
            continue
        try:
            catalog[key] = ServerSpec(fields[1][0], load_points, np.array(powers), source=fields[-1][0])
        except ValueError as exc:
            problems.append(Problem(key, str(exc), file=file, line=number))
    if problems:
        raise InputError(problems, title="the built-in server catalogue is broken")
    return catalog


@lru_cache(maxsize=1)
def _catalog_cached() -> dict[str, ServerSpec]:
    return _load_catalog()


def server_catalog() -> dict[str, ServerSpec]:
    """The built-in servers by key (a new dict each call; the specs are immutable)."""
    return dict(_catalog_cached())


def get_server(name: str, *, path: str = "it.server") -> ServerSpec:
    """A built-in server by its key (case-insensitive), e.g. ``"hp-ml110-g5"``.

    Raises :class:`~dcsim.errors.InputError` for an unknown name, suggesting the closest
    keys ("did you mean ...") and listing the known ones; ``path`` is the scenario field
    named in the message.
    """
    catalog = _catalog_cached()
    key = str(name).strip().lower()
    if key in catalog:
        return catalog[key]
    close = difflib.get_close_matches(key, list(catalog), n=3, cutoff=0.5)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    raise InputError(
        Problem(
            path,
            f"unknown server; {hint}known servers: {', '.join(sorted(catalog))} "
            "(or give your own table with read_server_table_csv)",
            value=name,
        )
    )
