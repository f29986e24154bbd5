"""The data tables of the built-in grid profiles, read once from ``dcsim/data/grid_*.csv``.

What each table holds and where its numbers come from: the module docstring of
:mod:`dcsim.grid.builtin`, which builds the profiles from them, and the ``source`` column of
every row.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..data.equipment import equipment_rows


def _read_table(name: str) -> list[dict[str, str]]:
    path = resources.files("dcsim").joinpath("data", name)
    with path.open("r", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@dataclass(frozen=True)
class ZoneInfo:
    """One built-in zone as described in ``grid_zones.csv``."""

    key: str
    zone: str
    region: str
    default_network_operator: str
    default_network_reason: str


@lru_cache(maxsize=None)
def zone_table() -> dict[str, ZoneInfo]:
    """Built-in zones by key (``"se1"`` ...)."""
    out = {}
    for r in _read_table("grid_zones.csv"):
        out[r["key"]] = ZoneInfo(
            key=r["key"],
            zone=r["zone"],
            region=r["region"],
            default_network_operator=r["default_network_operator"],
            default_network_reason=r["default_network_reason"],
        )
    return out


@lru_cache(maxsize=None)
def _spot_yearly() -> dict[tuple[str, int], tuple[float, str]]:
    return {
        (r["zone"], int(r["year"])): (float(r["spot_sek_per_kwh"]), r["source"])
        for r in _read_table("grid_spot_yearly.csv")
    }


@lru_cache(maxsize=None)
def _spot_monthly() -> dict[tuple[str, int], tuple[tuple[float, ...], str, str]]:
    rows: dict[tuple[str, int], list[tuple[int, float, str, str]]] = {}
    for r in _read_table("grid_spot_monthly.csv"):
        rows.setdefault((r["zone"], int(r["year"])), []).append(
            (int(r["month"]), float(r["mean_price"]), r["unit"], r["source"])
        )
    out = {}
    for key, lst in rows.items():
        lst.sort()
        if [m for m, *_ in lst] != list(range(1, 13)) or len({u for *_, u, _ in lst}) != 1:
            raise RuntimeError(f"grid_spot_monthly.csv: {key} needs months 1-12 in one unit")
        out[key] = (tuple(v for _, v, _, _ in lst), lst[0][2], lst[0][3])
    return out


@lru_cache(maxsize=None)
def _spot_hour_of_day() -> dict[tuple[str, int], tuple[tuple[float, ...], str]]:
    rows: dict[tuple[str, int], list[tuple[int, float, str]]] = {}
    for r in _read_table("grid_spot_hour_of_day.csv"):
        rows.setdefault((r["zone"], int(r["year"])), []).append(
            (int(r["hour_local"]), float(r["mean_price"]), r["source"])
        )
    out = {}
    for key, lst in rows.items():
        lst.sort()
        if [h for h, *_ in lst] != list(range(24)):
            raise RuntimeError(f"grid_spot_hour_of_day.csv: {key} needs hours 0-23")
        out[key] = (tuple(v for _, v, _ in lst), lst[0][2])
    return out


@lru_cache(maxsize=None)
def _carbon_yearly() -> dict[tuple[str, int], tuple[float, str, str]]:
    return {
        (r["zone"], int(r["year"])): (float(r["carbon_g_per_kwh"]), r["basis"], r["source"])
        for r in _read_table("grid_carbon_yearly.csv")
    }


@lru_cache(maxsize=None)
def _energy_tax() -> dict[tuple[str, int], tuple[float, str]]:
    """(category, year) -> (öre/kWh excl. VAT, source)."""
    out = {}
    for r in _read_table("grid_energy_tax.csv"):
        for year in range(int(r["year_from"]), int(r["year_to"]) + 1):
            out[(r["category"], year)] = (float(r["tax_ore_per_kwh_excl_vat"]), r["source"])
    return out


@dataclass(frozen=True)
class _TariffRow:
    months: frozenset[int] | None
    weekdays_only: bool
    hours: tuple[int, int] | None
    energy_ore_per_kwh: float
    operator: str
    zone: str
    voltage: str
    year: int
    source: str


def _time_of_use(r: dict[str, str], name: str) -> tuple[frozenset[int] | None, bool, tuple[int, int] | None]:
    """The ``months`` ("all" or "11,12,1"), ``weekdays`` ("all" or "mon-fri") and ``hours_local``
    ("all" or "6-22", local hours [a, b)) of a tariff row: (months or None, weekdays only, hours or None)."""
    months = None if r["months"] == "all" else frozenset(int(m) for m in r["months"].split(","))
    if r["weekdays"] not in ("all", "mon-fri"):
        raise RuntimeError(f"{name}: weekdays {r['weekdays']!r}")
    hours = None
    if r["hours_local"] != "all":
        a, b = r["hours_local"].split("-")
        hours = (int(a), int(b))
    return months, r["weekdays"] == "mon-fri", hours


@lru_cache(maxsize=None)
def _network_tariffs() -> dict[str, tuple[_TariffRow, ...]]:
    """Operator key -> time-of-use rows, first match wins (the last row matches always)."""
    out: dict[str, list[_TariffRow]] = {}
    for r in _read_table("grid_network_tariffs.csv"):
        months, weekdays_only, hours = _time_of_use(r, "grid_network_tariffs.csv")
        out.setdefault(r["key"], []).append(
            _TariffRow(
                months=months,
                weekdays_only=weekdays_only,
                hours=hours,
                energy_ore_per_kwh=float(r["energy_ore_per_kwh_excl_vat"]),
                operator=r["operator"],
                zone=r["zone"],
                voltage=r["voltage"],
                year=int(r["year"]),
                source=r["source"],
            )
        )
    for key, rows in out.items():
        last = rows[-1]
        if last.months is not None or last.weekdays_only or last.hours is not None:
            raise RuntimeError(f"grid_network_tariffs.csv: the last row of {key} must apply at all times")
    return {k: tuple(v) for k, v in out.items()}


def network_operators() -> tuple[str, ...]:
    """Keys accepted by ``network_operator``."""
    return tuple(_network_tariffs())


def carbon_years(zone: str) -> tuple[int, ...]:
    """Years with a built-in carbon intensity for ``zone`` (``"SE1"`` ...)."""
    return tuple(sorted(y for z, y in _carbon_yearly() if z == zone))


def tax_years(category: str) -> tuple[int, ...]:
    """Years with an energy-tax rate in ``category``."""
    return tuple(sorted(y for c, y in _energy_tax() if c == category))


def _source_comment(name: str) -> str:
    """The ``# Source: ...`` comment line of a package CSV table."""
    path = resources.files("dcsim").joinpath("data", name)
    with path.open("r", encoding="utf-8") as f:
        for line in f:
            if line.startswith("# Source:"):
                return line[len("# Source:"):].strip().rstrip(".")
    raise RuntimeError(f"{name}: no '# Source:' line")


@lru_cache(maxsize=None)
def eur_sek_monthly() -> tuple[dict[str, float], str]:
    """EUR/SEK monthly mean rates, SEK per EUR, by ``"YYYY-MM"``, and their source
    (``eur_sek_monthly.csv``: ECB daily reference rates, monthly means)."""
    rates = {r["month"]: float(r["sek_per_eur"]) for r in equipment_rows("eur_sek_monthly.csv")}
    return rates, _source_comment("eur_sek_monthly.csv")


def _numpy(column, arrow_type, dtype, fill=None):
    """A Parquet column as a numpy array of ``dtype``, nulls as ``fill``: read from the Arrow
    buffer, because pyarrow's own ``to_numpy`` imports pandas (0.2 s that ``dcsim validate``
    need not pay)."""
    import numpy as np

    a = column.combine_chunks().cast(arrow_type)
    out = np.frombuffer(a.buffers()[1], dtype=dtype, count=len(a) + a.offset)[a.offset:].copy()
    if a.null_count:
        if fill is None:
            raise ValueError(f"package table column {column!r} has nulls")
        valid = np.unpackbits(np.frombuffer(a.buffers()[0], dtype=np.uint8), bitorder="little")
        out[valid[a.offset:a.offset + len(a)] == 0] = fill
    return out


@lru_cache(maxsize=None)
def hourly_package_table(name: str):
    """(UTC hour starts as int64 s, {column: float64 values}, source) of the package Parquet file
    ``name`` (``dcsim/data/``): its ``time_utc`` column (a UTC timestamp or int64 seconds), every
    other column as float64 (nulls NaN), and its ``source`` metadata; the arrays read-only."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    with resources.files("dcsim").joinpath("data", name).open("rb") as f:
        table = pq.ParquetFile(f).read()  # not pq.read_table: its dataset path imports pandas
    time = table.column("time_utc")
    if pa.types.is_timestamp(time.type):
        time = time.cast(pa.timestamp("s", tz="UTC"))
    time_s = _numpy(time, pa.int64(), np.int64)
    columns = {c: _numpy(table.column(c), pa.float64(), np.float64, fill=math.nan)
               for c in table.column_names if c != "time_utc"}
    for a in (time_s, *columns.values()):
        a.setflags(write=False)
    return time_s, columns, table.schema.metadata[b"source"].decode("utf-8")


@lru_cache(maxsize=None)
def _spot_hourly_table():
    """(UTC hour starts as int64 s, {zone: EUR/MWh float64}, source) of ``grid_spot_hourly.parquet``
    (prices stored in hundredths of EUR/MWh)."""
    time_s, columns, source = hourly_package_table("grid_spot_hourly.parquet")
    zones = {c.split("_")[0].upper(): v / 100.0 for c, v in columns.items() if c.endswith("_eur_per_mwh_x100")}
    return time_s, zones, source
