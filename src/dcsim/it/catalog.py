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
import warnings
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import InputError, Problem
from .._table import Column, Problems, parse_csv, read_csv
from .spec import ServerSpec

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


#: The columns of a user's power table: load, % of full load; average power, W.
LOAD = Column("load_pct", unit="%", low=0.0, high=100.0, label="load")
POWER = Column("power_w", unit="W", low=0.0, label="power")


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
    problems = Problems(path, what="server power table", path=None)
    table = read_csv(path, problems, expect=[LOAD, POWER])
    if not table.require([LOAD, POWER]):
        problems.raise_if_any()
    v = table.read([LOAD, POWER])
    problems.raise_if_any()
    load, power = v["load_pct"], v["power_w"]
    if len(load) < 2:
        line = int(table.lines[0]) if len(load) else table.header_line
        problems.add("a power table needs at least two rows (load 0 and load 100)", line=line, path="load_pct")
    else:
        for i in np.flatnonzero(np.diff(load) <= 0) + 1:
            table.report(int(i), "load_pct", f"load must increase strictly from row to row ({table.row_ref(i - 1)} "
                         f"has {load[i - 1]:g})", float(load[i]))
        if load[0] != 0.0:
            table.report(0, "load_pct", "the table must start at load 0 (active idle power)", float(load[0]))
        if load[-1] != 100.0:
            table.report(len(load) - 1, "load_pct", "the table must end at load 100 (full-load power)", float(load[-1]))
    problems.raise_if_any()
    column = table.column_number("power_w")
    for i in np.flatnonzero(np.diff(power) < 0) + 1:
        warnings.warn(
            f"{file}: {table.row_ref(i)}, column {column}: power_w falls from {power[i - 1]:g} W "
            f"({table.row_ref(i - 1)}) to {power[i]:g} W as load rises; SPECpower curves normally rise with load",
            ServerTableWarning,
            stacklevel=2,
        )
    try:
        return ServerSpec(name or path.stem, load / 100.0, power, source=f"user table {file}", **spec_kwargs)
    except (TypeError, ValueError) as exc:
        problems.fail(str(exc))


def _load_catalog() -> dict[str, ServerSpec]:
    ref = resources.files("dcsim").joinpath("data", _CATALOG_FILE)
    file = f"dcsim/data/{_CATALOG_FILE}"
    problems = Problems(file, what="built-in server catalogue", path=None)
    columns = [Column("key", kind="text"), Column("name", kind="text"),
               *(Column(c, unit="W", low=0.0, label="power") for c in _POWER_COLUMNS), Column("source", kind="text")]
    table = parse_csv(ref.read_text(encoding="utf-8"), problems, expect=columns)
    if not table.require(columns):
        problems.raise_if_any()
    v = table.read(columns)
    problems.raise_if_any()
    powers = np.column_stack([v[c] for c in _POWER_COLUMNS])
    load_points = np.array(SPECPOWER_LOAD_PCT, dtype=np.float64) / 100.0
    catalog: dict[str, ServerSpec] = {}
    for i, key in enumerate(v["key"]):
        if key in catalog:
            table.report(i, "key", "duplicate key", key)
            continue
        try:
            catalog[key] = ServerSpec(v["name"][i], load_points, powers[i], source=v["source"][i])
        except ValueError as exc:
            table.report(i, "key", str(exc), key)
    problems.raise_if_any()
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
