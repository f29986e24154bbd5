"""Write the package data of the Swedish frequency-reserve capacity prices from their source.

    python tools/build_reserve_prices.py --source-dir DIR [--out FILE]

Writes ``src/dcsim/data/grid_reserve_prices.parquet``: the hourly capacity prices of FCR-D up,
FCR-D down and FCR-N (EUR/MW per hour of availability) of every UTC hour of the Swedish
calendar years 2021-2025 (2020-12-31T23:00Z to 2025-12-31T23:00Z, 43,824 hours), columns
``time_utc`` (timestamp[s, UTC], hour start, as ``grid_spot_hourly.parquet``),
``fcr_d_up_eur_per_mw_h``, ``fcr_d_down_eur_per_mw_h``, ``fcr_n_eur_per_mw_h`` (float64, the
source's values unchanged; NaN where the market had no price: FCR-D down before
2022-01-01 00:00 CET, when its market opened, and the FCR-D up hour 2021-12-06T23:00Z), and the
metadata ``source`` and ``unit``. Zstandard level 19; the same input gives a bit-identical
file (with the same pyarrow).

Source: Svenska kraftnät's Mimer "Primary regulation" export
(https://mimer.svk.se/PrimaryRegulation/DownloadText), as committed in
``github:kastiskemezys-tech/kkme-website`` @ ``9bcfa75bd0cf6aac19b4c3f194d1f8586bac041f``,
``tools/consultancy/data/mature-markets/se/se-fcr-{2020..2025}.ndjson.gz`` (gzip NDJSON, one row
per product and hour). ``DIR`` holds these six files; from a clone or mirror of that repository::

    G=path/to/kkme-website.git   # or: git clone https://github.com/kastiskemezys-tech/kkme-website; G=kkme-website/.git
    C=9bcfa75bd0cf6aac19b4c3f194d1f8586bac041f
    mkdir -p /tmp/se-fcr
    for y in 2020 2021 2022 2023 2024 2025; do
      git --git-dir="$G" show "$C:tools/consultancy/data/mature-markets/se/se-fcr-$y.ndjson.gz" > /tmp/se-fcr/se-fcr-$y.ndjson.gz
    done
    PYTHONPATH=src python tools/build_reserve_prices.py --source-dir /tmp/se-fcr

The tool checks each file's git blob id against that commit (refuses another version), the
row fields (market SE, EUR/MW, hourly, ``price_norm == price``), and then:

- **UTC from Mimer's own label.** The hour is taken from ``extra.local_timestamp`` (Mimer's
  "Datum", Swedish wall clock), converted with :func:`dcsim.grid._calendar.local_hour_to_utc_s`.
  Mimer labels the repeated autumn hour "02:00" (the first, CEST) and "02:01" (the second,
  CET); the repository's ``period_start`` puts "02:00" on the CET instant and "02:01" at
  hh:01Z, so its 2 rows per product and autumn are corrected here (counted in the report);
  every other row's ``period_start`` must equal the converted label.
- Hours strictly increasing, no duplicates; every hour of each year present. A missing hour
  or a null price (the repository nulls rows where Mimer served price and volume 0) becomes
  NaN and is counted per product and year; the tool refuses when more than 1 % of a year's
  hours have no price for a product in a year it was traded (FCR-D up and FCR-N 2021-2025,
  FCR-D down 2022-2025), and when FCR-D down has a price before 2022-01-01 00:00 CET.

Run from the checkout with ``PYTHONPATH=src``. Only the derived hourly prices enter the
package; the repository has no licence file, the data are Svenska kraftnät's published
market results.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

from dcsim.grid._calendar import local_hour_to_utc_s, local_year_bounds_s

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "dcsim" / "data" / "grid_reserve_prices.parquet"
H = 3600
YEARS = (2021, 2022, 2023, 2024, 2025)
REPO = "github:kastiskemezys-tech/kkme-website"
COMMIT = "9bcfa75bd0cf6aac19b4c3f194d1f8586bac041f"
PATH = "tools/consultancy/data/mature-markets/se/se-fcr-{year}.ndjson.gz"
#: Git blob ids of the files at COMMIT (git ls-tree). 2020 holds the first hour of local 2021.
FILE_BLOBS = {
    2020: "fa1c50ca9b161bd155483a3183746e5375dd627a",
    2021: "17a5df9f60529bce76dc9ba8786922e431c07fe1",
    2022: "c38071a3a6b2bb83b26db3996d4a9b76f3dc0ad2",
    2023: "38566bfaebf2696c34f2ee5d39165c664203aded",
    2024: "ea5babb7873041cac4042aeedc28bb5a2cd1b3a3",
    2025: "0df86174b0ec910a10d74d24f3a7a889ee19e07a",
}
#: Source product -> (column, first Swedish calendar year it was traded).
PRODUCTS = {
    "FCR-D-up": ("fcr_d_up_eur_per_mw_h", 2021),
    "FCR-D-down": ("fcr_d_down_eur_per_mw_h", 2022),
    "FCR-N": ("fcr_n_eur_per_mw_h", 2021),
}
MAX_MISSING = 0.01

SOURCE = (
    "Svenska kraftnät, Mimer, Primary regulation (FCR) market results, hourly prices of FCR-N, FCR-D up and "
    "FCR-D down for the whole Swedish market (SE1-SE4 and DK2 share one price; "
    "https://mimer.svk.se/PrimaryRegulation/DownloadText), as committed in "
    f"{REPO} @ {COMMIT}, files tools/consultancy/data/mature-markets/se/se-fcr-{{2020..2025}}.ndjson.gz "
    "(field price, EUR/MW per hour); the prices are the average accepted-bid price under pay-as-bid until "
    "2024-01-31 and the marginal (pay-as-clear) price from 2024-02-01; hours converted to UTC here from Mimer's "
    "Swedish wall-clock label (the repeated autumn hour: 02:00 CEST, then 02:01 = CET); NaN where Mimer has no "
    "price (FCR-D down before 2022-01-01 00:00 CET, FCR-D up 2021-12-06T23:00Z)"
)
UNIT = ("time_utc: hour start, UTC; *_eur_per_mw_h: capacity price, EUR per MW per hour of availability "
        "(no payment for activated energy in FCR-D)")


def git_blob_id(data: bytes) -> str:
    """The id git gives a file of these bytes (sha1 of ``blob <size>\\0`` + content)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _iso_utc_s(stamps: list[str]) -> np.ndarray:
    """Seconds since the epoch of ISO stamps ``YYYY-MM-DDTHH:MM:SSZ``."""
    return np.array([s.removesuffix("Z") for s in stamps], dtype="datetime64[s]").astype(np.int64)


def read_rows(source_dir: Path) -> list[dict]:
    """Every row of the six files, checked against the blob ids of :data:`COMMIT`."""
    rows = []
    for year, blob in FILE_BLOBS.items():
        path = source_dir / f"se-fcr-{year}.ndjson.gz"
        if not path.is_file():
            raise SystemExit(f"{path}: not found (extract it with git show, see the module docstring)")
        data = path.read_bytes()
        if git_blob_id(data) != blob:
            raise SystemExit(f"{path}: git blob {git_blob_id(data)}, expected {blob} ({REPO} @ {COMMIT})")
        rows += [json.loads(line) for line in gzip.decompress(data).decode("utf-8").splitlines() if line.strip()]
    return rows


def check_fields(rows: list[dict]) -> None:
    """Refuse rows that are not hourly SE prices in EUR/MW of the three products."""
    for r in rows:
        ok = (r["market"] == "SE" and r["product"] in PRODUCTS and r["resolution"] == "PT1H"
              and r["price_unit"] == "EUR/MW" and r["currency"] == "EUR"
              and (r["price"] is None or (r["price_norm"] == r["price"] and r["fx_rate"] == 1
                                          and r["price_norm_unit"] == "EUR/MW/h" and np.isfinite(r["price"]))))
        if not ok:
            raise SystemExit(f"unexpected row: {json.dumps(r)[:300]}")


def utc_hours(rows: list[dict]) -> tuple[np.ndarray, int]:
    """UTC hour start (int64 s) of each row from Mimer's wall-clock label, and how many rows
    had another ``period_start`` (the repeated autumn hours, the only ones allowed to)."""
    local = np.array([r["extra"]["local_timestamp"].replace(" ", "T") for r in rows], dtype="datetime64[s]")
    local_s = local.astype(np.int64)
    minute, second = (local_s % H) // 60, local_s % 60
    cet, cet_ok, cest_ok = local_hour_to_utc_s(local_s - 60 * minute)
    repeated = cet_ok & cest_ok
    bad = (second != 0) | ((minute != 0) & ~(repeated & (minute == 1))) | ~(cet_ok | cest_ok)
    if bad.any():
        raise SystemExit(f"labels that are no Swedish hour: {sorted(set(local[bad].astype(str)))[:5]}")
    # repeated hour: "02:00" is the first (CEST, cet - 1 h), "02:01" the second (CET)
    utc = np.where(repeated, np.where(minute == 1, cet, cet - H), np.where(cet_ok, cet, cet - H))
    start = _iso_utc_s([r["period_start"] for r in rows])
    end = _iso_utc_s([r["period_end"] for r in rows])
    if np.any(end - start != H):
        raise SystemExit("rows whose period is not one hour")
    differ = utc != start
    if np.any(differ & ~repeated):
        k = int(np.flatnonzero(differ & ~repeated)[0])
        raise SystemExit(f"period_start {rows[k]['period_start']} is not the label {local[k]} in UTC")
    return utc, int(differ.sum())


def price_columns(rows: list[dict], utc: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray], list[str]]:
    """The hour axis of 2021-2025 and each product's prices on it (NaN: no price), and the
    report lines; refuses duplicates and too many missing hours."""
    start_s, end_s = local_year_bounds_s(YEARS[0])[0], local_year_bounds_s(YEARS[-1])[1]
    time_s = np.arange(start_s, end_s, H, dtype=np.int64)
    product = np.array([r["product"] for r in rows])
    price = np.array([np.nan if r["price"] is None else r["price"] for r in rows], dtype=np.float64)
    inside = (utc >= start_s) & (utc < end_s)
    columns, report = {}, []
    for name, (column, first_year) in PRODUCTS.items():
        sel = inside & (product == name)
        order = np.argsort(utc[sel], kind="stable")
        t, p = utc[sel][order], price[sel][order]
        if np.any(np.diff(t) <= 0) or np.any(t % H != 0):
            raise SystemExit(f"{name}: duplicate or off-hour rows")
        values = np.full(time_s.size, np.nan)
        values[(t - start_s) // H] = p
        present = np.zeros(time_s.size, dtype=bool)
        present[(t - start_s) // H] = True
        for year in YEARS:
            a, b = ((np.array(local_year_bounds_s(year)) - start_s) // H)
            absent, nan = int(np.sum(~present[a:b])), int(np.sum(np.isnan(values[a:b])))
            with np.errstate(invalid="ignore"):
                mean = np.nanmean(values[a:b]) if nan < b - a else np.nan
            report.append(f"{name:10s} {year}: {b - a} hours, {absent} without a row, "
                          f"{nan - absent} with a null price, {nan} NaN; mean {mean:.4f} EUR/MW/h")
            if year >= first_year and nan > MAX_MISSING * (b - a):
                raise SystemExit(f"{name} {year}: {nan} of {b - a} hours without a price (over 1 %)")
            if year < first_year and nan < b - a:
                raise SystemExit(f"{name} {year}: prices before the market opened")
        columns[column] = values
    return time_s, columns, report


def reserve_table(source_dir: Path):
    """The pyarrow table of the hourly reserve prices, 2021-2025, with its source metadata,
    and the report lines."""
    import pyarrow as pa

    rows = read_rows(source_dir)
    check_fields(rows)
    utc, corrected = utc_hours(rows)
    time_s, columns, report = price_columns(rows, utc)
    report.insert(0, f"{len(rows)} rows read; {corrected} rows of the repeated autumn hour put on another "
                  "UTC hour than their period_start")
    table = pa.table({
        "time_utc": pa.array(time_s.astype("datetime64[s]"), pa.timestamp("s", tz="UTC")),
        **{name: pa.array(v, pa.float64()) for name, v in columns.items()},
    })
    return table.replace_schema_metadata({"source": SOURCE, "unit": UNIT}), report


def write_table(table, out: Path) -> Path:
    import pyarrow.parquet as pq

    encodings = {name: "BYTE_STREAM_SPLIT" for name in table.column_names if name != "time_utc"}
    pq.write_table(table, out, compression="zstd", compression_level=19, use_dictionary=False,
                   column_encoding={"time_utc": "DELTA_BINARY_PACKED", **encodings})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source-dir", type=Path, required=True,
                        help="folder holding se-fcr-2020.ndjson.gz ... se-fcr-2025.ndjson.gz")
    parser.add_argument("--out", type=Path, default=OUT, help=f"the Parquet file to write (default {OUT})")
    args = parser.parse_args(argv)
    table, report = reserve_table(args.source_dir)
    print("\n".join(report))
    print(write_table(table, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
