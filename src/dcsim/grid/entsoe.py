"""Reader for the ENTSO-E Transparency Platform's day-ahead price export (CSV).

The format, exactly as the platform exports it (Day-ahead Prices, one bidding zone, 60-minute
resolution)::

    "MTU (CET/CEST)","Day-ahead Price [EUR/MWh]","Currency","BZN|SE3"
    "01.01.2023 00:00 - 01.01.2023 01:00","2.01","EUR"
    ...
    "26.03.2023 02:00 - 26.03.2023 03:00","",""          <- the hour summer time skips
    ...
    "29.10.2023 02:00 - 29.10.2023 03:00","25.34","EUR"  <- the hour that repeats: CEST ...
    "29.10.2023 02:00 - 29.10.2023 03:00","22.35","EUR"  <- ... then CET

The header's fourth field names the bidding zone (``BZN|SE3``) and no row fills it; rows have
three fields. Each interval is labelled by its local wall-clock start and end (CET in winter,
CEST in summer), ``DD.MM.YYYY HH:MM - DD.MM.YYYY HH:MM``, one hour apart on the clock.

dcsim keeps time in UTC, so each label is converted with the EU summer-time rule
(:mod:`dcsim.grid._calendar`). The rule for the two days that do not have 24 hours:

- **spring** (last Sunday of March): the row 02:00-03:00 is an hour that does not exist on the
  clock; ENTSO-E leaves its price and currency empty, and it is dropped. A price there is
  refused (it would belong to no hour);
- **autumn** (last Sunday of October): the label 02:00-03:00 appears twice; the first row is
  the CEST hour (00:00-01:00 UTC), the second the CET hour (01:00-02:00 UTC). A single row
  there is refused as a missing hour, a third as a duplicate.

After that the UTC hours must follow each other without a gap or repeat. Prices may be zero
or negative. A cell ``n/e`` ("not expected": hours not yet auctioned at export time) is
refused, like any other text that is not a number. Every problem is reported with the file,
line and column (:mod:`dcsim._table`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dcsim._table import Column, Problems, Table, read_csv

from ._calendar import FIRST_EU_RULE_YEAR, local_hour_to_utc_s, local_year, local_year_bounds_s
from .series import _iso

MTU_COLUMN = "MTU (CET/CEST)"
PRICE_COLUMN = "Day-ahead Price [EUR/MWh]"
CURRENCY_COLUMN = "Currency"
ZONE_PREFIX = "BZN|"

_HOUR_S = 3600
_Y2000_S = 946684800
_LABEL = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2}) - (\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2})$")
_LABEL_EXAMPLE = "01.01.2023 00:00 - 01.01.2023 01:00"

COLUMNS = [
    Column(MTU_COLUMN, kind="text", describe="the interval in local time, e.g. " + repr(_LABEL_EXAMPLE)),
    Column(PRICE_COLUMN, unit="EUR/MWh", empty_ok=True, describe="the day-ahead price, EUR/MWh"),
    Column(CURRENCY_COLUMN, kind="text", describe='"EUR"'),
]


def is_entsoe_header(first_line: str) -> bool:
    """Whether a CSV file's header line is an ENTSO-E export's (its first field starts with
    ``MTU``), which :func:`dcsim.grid.load_grid` then reads with :func:`read_entsoe_csv`."""
    return first_line.lstrip("\ufeff").lstrip().lstrip('"').startswith("MTU")


@dataclass(frozen=True)
class EntsoePrices:
    """The hourly day-ahead prices of one bidding zone, in UTC.

    Attributes
    ----------
    time_utc : numpy.ndarray of datetime64[s]
        Start of each hour, UTC, consecutive.
    eur_per_mwh : numpy.ndarray of float64
        Day-ahead price of each hour, EUR/MWh (may be negative).
    zone : str
        The bidding zone from the header (``"SE3"``).
    calendar_year : int or None
        The Swedish calendar year the file covers exactly (1 January 00:00 CET to the next),
        or None when it covers another span.
    file : str
        The file read.
    spring_rows, autumn_rows : tuple of int
        Lines of the spring-forward rows dropped and of the repeated autumn rows, for the
        source text.
    """

    time_utc: np.ndarray
    eur_per_mwh: np.ndarray
    zone: str
    calendar_year: int | None
    file: str
    spring_rows: tuple[int, ...] = ()
    autumn_rows: tuple[int, ...] = ()


def read_entsoe_csv(path: str | Path, *, field_path: str = "site.grid") -> EntsoePrices:
    """Read an ENTSO-E day-ahead price export (format and DST rule in the module docstring).

    Raises
    ------
    InputError
        Missing columns or zone label, a bad interval label (not the format, not one hour, a
        local time that does not exist), a bad or missing price, another currency, a price in
        the skipped spring hour, gaps and repeats: all listed with the file, line and column.
    """
    problems = Problems(path, what="ENTSO-E price file", path=field_path)
    table = read_csv(path, problems, expect=COLUMNS)
    zone = _zone(table)
    if not table.require(COLUMNS):
        problems.raise_if_any()
    values = table.read(COLUMNS)
    price_texts = table.read([Column(PRICE_COLUMN, kind="text")])[PRICE_COLUMN]
    local_s = _labels(table, values[MTU_COLUMN])
    price = values[PRICE_COLUMN]
    utc_s, keep, spring, autumn = _to_utc(table, local_s, price, price_texts, values[CURRENCY_COLUMN])
    _raise_in_file_order(problems)
    t = utc_s[keep]
    _check_consecutive(table, t, np.flatnonzero(keep))
    if t.size < 2:
        problems.add(f"needs at least 2 hours with prices, found {t.size}")
    _raise_in_file_order(problems)
    return EntsoePrices(
        time_utc=t.astype("datetime64[s]"),
        eur_per_mwh=price[keep],
        zone=zone,
        calendar_year=_whole_year(t),
        file=str(path),
        spring_rows=tuple(int(table.lines[i]) for i in spring),
        autumn_rows=tuple(int(table.lines[i]) for i in autumn),
    )


def _zone(table: Table) -> str:
    """The bidding zone of the header field ``BZN|<zone>`` (``BZN|SE3`` -> ``"SE3"``, the fourth
    field of an export); the field and any after it are taken off the data columns."""
    at = next((j for j, name in enumerate(table.names) if name.startswith(ZONE_PREFIX)), None)
    label = "" if at is None else table.names[at]
    table.split_header(len(table.names) if at is None else at)
    if at is None or not label[len(ZONE_PREFIX):].strip():
        table.problems.add(
            f"the header must end with the bidding zone as {ZONE_PREFIX}<zone> (e.g. 'BZN|SE3'), found "
            f"{label or 'none'!r}; export the prices of one bidding zone from the ENTSO-E Transparency Platform",
            line=table.header_line, column=len(table.names) + 1 if at is None else at + 1,
        )
        return ""
    return label[len(ZONE_PREFIX):].strip()


def _labels(table: Table, texts: list[str]) -> np.ndarray:
    """Wall-clock start of each row's interval, seconds (local clock read as if UTC); -1 where
    the label is bad (reported)."""
    out = np.full(len(texts), -1, dtype=np.int64)
    for i, text in enumerate(texts):
        m = _LABEL.match(text)
        reason = None
        if m is None:
            reason = f"not an interval label (expected e.g. {_LABEL_EXAMPLE!r})"
        else:
            d1, mo1, y1, h1, mi1, d2, mo2, y2, h2, mi2 = m.groups()
            try:
                start = np.datetime64(f"{y1}-{mo1}-{d1}T{h1}:{mi1}", "s")
                end = np.datetime64(f"{y2}-{mo2}-{d2}T{h2}:{mi2}", "s")
            except ValueError:
                reason = "not a valid date or time of day in the interval label"
            else:
                if int(h1) > 23 or int(h2) > 23 or int(mi1) > 59 or int(mi2) > 59:
                    reason = "not a valid time of day in the interval label (00:00 to 23:59)"
                elif int(y1) < FIRST_EU_RULE_YEAR:
                    reason = f"before {FIRST_EU_RULE_YEAR}, when Sweden's summer-time rule was another (not modelled)"
                elif (end - start).astype(np.int64) != _HOUR_S:
                    reason = ("the interval must be one hour on the clock (a 60-minute export; "
                              "quarter-hour exports are not read)")
                else:
                    out[i] = int(start.astype(np.int64))
        if reason:
            table.report(i, MTU_COLUMN, reason, text)
    return out


def _raise_in_file_order(problems: Problems) -> None:
    """Raise with every problem, sorted by line and column (the table's own checks and
    these come in separate passes)."""
    problems.items.sort(key=lambda p: (p.line or 0, p.column or 0))
    problems.raise_if_any()


def _to_utc(table: Table, local_s: np.ndarray, price: np.ndarray, price_texts: list[str], currency: list[str]):
    """UTC start of each row, which rows hold an hour, and the spring and autumn rows (the
    rule in the module docstring); problems are reported."""
    ok = local_s >= 0
    # rows whose label did not parse (already reported, never kept) take a valid row's time,
    # so the vectorised conversion runs on valid times only
    stand_in = local_s[ok][0] if ok.any() else _Y2000_S
    cet, cet_ok, cest_ok = local_hour_to_utc_s(np.where(ok, local_s, stand_in))
    utc = np.where(cet_ok, cet, cet - _HOUR_S)
    keep = ok.copy()
    spring = np.flatnonzero(ok & ~cet_ok & ~cest_ok)
    autumn = np.flatnonzero(ok & cet_ok & cest_ok)
    for i in spring:
        keep[i] = False
        if price_texts[i]:
            table.report(i, PRICE_COLUMN, "this hour does not exist in CET/CEST (summer time starts: the clock skips "
                         "02:00-03:00); its price must be empty, as ENTSO-E exports it", price_texts[i])
    # the repeated autumn label: its first row is CEST, a second (same label, next row) CET
    for i in autumn:
        second = i > 0 and local_s[i - 1] == local_s[i]
        utc[i] = cet[i] if second else cet[i] - _HOUR_S
    for i in np.flatnonzero(keep):
        if not price_texts[i]:
            table.report(i, PRICE_COLUMN, "missing price (an empty cell is allowed only in the hour summer time skips)")
        elif not np.isnan(price[i]) and currency[i].strip().upper() != "EUR":
            table.report(i, CURRENCY_COLUMN, 'the currency must be "EUR" (prices in EUR/MWh)', currency[i])
    keep &= ~np.isnan(price)
    return utc, keep, spring, autumn


def _check_consecutive(table: Table, t: np.ndarray, rows: np.ndarray) -> None:
    """Each UTC hour follows the one before: a gap or a repeat is reported on its row."""
    d = np.diff(t)
    for j in np.flatnonzero(d != _HOUR_S):
        i = int(rows[j + 1])
        prev = table.row_ref(int(rows[j]))
        if d[j] <= 0:
            msg = (f"this hour ({_iso(t[j + 1])}) repeats or comes before the hour of {prev} ({_iso(t[j])}); "
                   "only the autumn hour 02:00-03:00 may appear twice (first CEST, then CET)")
        else:
            msg = (f"{int(d[j]) // _HOUR_S - 1} hour(s) missing between {prev} ({_iso(t[j])}) and this row "
                   f"({_iso(t[j + 1])}); the series must be complete")
        table.report(i, MTU_COLUMN, msg)


def _whole_year(t: np.ndarray) -> int | None:
    """The Swedish calendar year ``t`` (UTC hour starts) covers exactly, or None."""
    year = local_year(t[0])
    start, end = local_year_bounds_s(year)
    return year if int(t[0]) == start and int(t[-1]) + _HOUR_S == end else None


