"""User grid files (CSV, Parquet) through dcsim.grid.load_grid and the readers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dcsim.errors import InputError
from dcsim.grid import load_grid, read_grid_csv, read_grid_parquet

FIX = Path(__file__).parent / "fixtures" / "grid"


def _problems(exc) -> list:
    return exc.value.problems


# ---------------------------------------------------------------- happy paths
def test_csv_happy_path():
    g = read_grid_csv(FIX / "hourly_2days.csv")
    assert len(g) == 48 and g.step_s == 3600 and not g.typical_year
    assert g.time_utc[0] == np.datetime64("2023-01-01T00:00:00")
    assert g.carbon_g_per_kwh[5] == 25.0 and g.price_sek_per_kwh[5] == pytest.approx(0.45)
    np.testing.assert_array_equal(g.spot_sek_per_kwh, g.price_sek_per_kwh)
    assert np.all(g.tax_sek_per_kwh == 0) and np.all(g.network_sek_per_kwh == 0)
    assert g.zone == "custom" and "hourly_2days.csv" in g.source
    s = g.sample(np.datetime64("2023-01-01T00:00:00"), 60, 48 * 60)
    assert s.price_sek_per_kwh[61] == pytest.approx(0.41)  # 01:01:30 -> the 01:00 hour


def test_load_grid_relative_to_base_dir_with_scales():
    g = load_grid("hourly_2days.csv", base_dir=FIX, price_scale=2.0, carbon_scale=0.5)
    assert g.price_sek_per_kwh[0] == pytest.approx(0.8) and g.carbon_g_per_kwh[0] == 10.0


def test_offsets_semicolons_bom_and_quarter_hours(tmp_path):
    p = tmp_path / "q.csv"
    p.write_text(
        "\ufeffTime;Carbon_g_per_kWh;price_sek_per_kwh\n"
        "2023-01-01T01:00:00+01:00;10;-0.01\n"  # = 00:00 UTC; negative prices are allowed
        "2023-01-01T00:15:00Z;11;0.2\n"
        "2023-01-01 00:30:00;12;0.3\n",  # no offset: UTC
        encoding="utf-8",
    )
    g = load_grid(str(p))
    assert g.step_s == 900 and g.time_utc[0] == np.datetime64("2023-01-01T00:00:00")
    assert g.price_sek_per_kwh[0] == -0.01


def test_constants_replace_missing_columns(tmp_path):
    p = tmp_path / "price_only.csv"
    p.write_text("time,price_sek_per_kwh\n2023-01-01T00:00Z,0.5\n2023-01-01T01:00Z,0.6\n")
    with pytest.raises(InputError, match="missing column 'carbon_g_per_kwh'"):
        load_grid(str(p))
    g = load_grid(str(p), carbon_g_per_kwh=30.0)
    assert np.all(g.carbon_g_per_kwh == 30.0) and g.price_sek_per_kwh[1] == 0.6
    g = load_grid(str(FIX / "hourly_2days.csv"), price_sek_per_kwh=1.0)  # explicit constant overrides the column
    assert np.all(g.price_sek_per_kwh == 1.0) and "given in the scenario" in g.source


def test_parquet_happy_path(tmp_path):
    t = np.datetime64("2023-01-01T00:00:00", "s") + np.arange(24) * np.timedelta64(3600, "s")
    table = pa.table(
        {
            "time": pa.array(t.astype("datetime64[us]"), type=pa.timestamp("us", tz="UTC")),
            "carbon_g_per_kwh": pa.array(np.full(24, 17.0)),
            "price_sek_per_kwh": pa.array(np.linspace(0.1, 0.5, 24)),
        }
    )
    pq.write_table(table, tmp_path / "g.parquet")
    g = load_grid("g.parquet", base_dir=tmp_path)
    assert len(g) == 24 and g.step_s == 3600 and g.carbon_g_per_kwh[3] == 17.0
    np.testing.assert_array_equal(g.time_utc, t)


def test_parquet_text_time_and_errors(tmp_path):
    table = pa.table(
        {
            "time": ["2023-01-01T00:00Z", "2023-01-01T01:00Z", "2023-01-01T01:00Z", "2023-01-01T05:00Z"],
            "carbon_g_per_kwh": pa.array([1.0, None, -2.0, 3.0]),
            "price_sek_per_kwh": [0.1, 0.2, 0.3, 0.4],
        }
    )
    pq.write_table(table, tmp_path / "bad.parquet")
    with pytest.raises(InputError) as exc:
        read_grid_parquet(tmp_path / "bad.parquet")
    text = str(exc.value)
    assert "bad.parquet" in text
    assert "row 2, column 'carbon_g_per_kwh': missing value" in text
    assert "row 3, column 'carbon_g_per_kwh': carbon intensity must be >= 0" in text
    assert "row 3, column 'time': duplicate time" in text
    assert "row 4, column 'time': gap" in text


def test_not_a_parquet_file(tmp_path):
    p = tmp_path / "x.parquet"
    p.write_text("hello")
    with pytest.raises(InputError, match="not a readable Parquet file"):
        load_grid(str(p))


# ---------------------------------------------------------------- malformed CSV fixtures
@pytest.mark.parametrize(
    "name, line, column, fragment",
    [
        ("missing_price_column.csv", 1, None, "missing column 'price_sek_per_kwh'"),
        ("non_numeric_price.csv", 4, 3, "column 'price_sek_per_kwh': not a number"),
        ("negative_carbon.csv", 6, 2, "carbon intensity must be >= 0"),
        ("non_monotonic_time.csv", 6, 1, "time goes backwards"),
        ("duplicate_time.csv", 5, 1, "duplicate time 2023-01-01T02:00:00Z (same as line 4)"),
        ("gap.csv", 5, 1, "gap: 1 missing 1 h interval(s)"),
        ("bad_time.csv", 3, 1, "not an ISO 8601 time"),
    ],
)
def test_malformed_csv_names_file_line_column(name, line, column, fragment):
    with pytest.raises(InputError) as exc:
        read_grid_csv(FIX / name)
    hits = [p for p in _problems(exc) if fragment in p.message]
    assert hits, str(exc.value)
    p = hits[0]
    assert p.file.endswith(name) and p.line == line and p.column == column
    assert p.path == "site.grid"
    formatted = str(exc.value)
    assert f"{name}, line {line}" in formatted


def test_duplicate_row_is_the_only_problem():
    with pytest.raises(InputError) as exc:
        read_grid_csv(FIX / "duplicate_time.csv")
    assert [p.line for p in _problems(exc)] == [5], str(exc.value)


def test_misordered_row_is_not_also_a_gap():
    with pytest.raises(InputError) as exc:
        read_grid_csv(FIX / "non_monotonic_time.csv")
    assert [p.line for p in _problems(exc)] == [6], str(exc.value)


def test_missing_column_suggests_near_name():
    with pytest.raises(InputError, match="(?i)did you mean 'price'"):
        read_grid_csv(FIX / "missing_price_column.csv")


def test_all_problems_collected(tmp_path):
    p = tmp_path / "many.csv"
    p.write_text(
        "time,carbon_g_per_kwh,price_sek_per_kwh\n"
        "2023-01-01T00:00Z,-1,0.1\n"
        "2023-01-01T01:00Z,x,0.1\n"
        "2023-01-01T02:00Z,1,0,5\n"
    )
    with pytest.raises(InputError) as exc:
        read_grid_csv(p)
    lines = sorted(q.line for q in _problems(exc))
    assert lines == [2, 3, 4], str(exc.value)


def test_decimal_comma_hint(tmp_path):
    p = tmp_path / "sv.csv"
    p.write_text('time;carbon_g_per_kwh;price_sek_per_kwh\n2023-01-01T00:00Z;16;0,45\n2023-01-01T01:00Z;16;0.5\n')
    with pytest.raises(InputError, match="decimal point"):
        read_grid_csv(p)


def test_too_many_problems_are_counted(tmp_path):
    p = tmp_path / "neg.csv"
    times = np.datetime64("2023-01-01T00:00:00", "s") + np.arange(40) * np.timedelta64(3600, "s")
    rows = [f"{t}Z,-1,0.1" for t in times]
    p.write_text("time,carbon_g_per_kwh,price_sek_per_kwh\n" + "\n".join(rows) + "\n")
    with pytest.raises(InputError, match="more problems not listed"):
        read_grid_csv(p)


def test_empty_and_single_row(tmp_path):
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(InputError, match="empty"):
        read_grid_csv(tmp_path / "empty.csv")
    (tmp_path / "one.csv").write_text("time,carbon_g_per_kwh,price_sek_per_kwh\n2023-01-01T00:00Z,1,1\n")
    with pytest.raises(InputError, match="at least 2 data rows"):
        read_grid_csv(tmp_path / "one.csv")


# ---------------------------------------------------------------- dispatch errors
def test_missing_file(tmp_path):
    with pytest.raises(InputError) as exc:
        load_grid("nope.csv", base_dir=tmp_path)
    assert "grid file not found" in str(exc.value) and exc.value.paths == ["site.grid"]


def test_bare_zone_name_suggests_builtin(tmp_path):
    with pytest.raises(InputError, match="(?i)did you mean 'builtin:se3'"):
        load_grid("SE3", base_dir=tmp_path)


def test_unsupported_extension(tmp_path):
    (tmp_path / "g.xlsx").write_text("x")
    with pytest.raises(InputError, match="unsupported grid file type"):
        load_grid("g.xlsx", base_dir=tmp_path)


def test_builtin_only_options_refused_for_files():
    with pytest.raises(InputError, match="built-in grids only"):
        load_grid(str(FIX / "hourly_2days.csv"), include_tax=False)


def test_file_coverage_error_on_sample():
    g = load_grid(str(FIX / "hourly_2days.csv"))
    with pytest.raises(InputError, match="hourly_2days.csv covers 2023-01-01T00:00:00Z to 2023-01-03T00:00:00Z"):
        g.sample(np.datetime64("2023-01-01T00:00:00"), 60, 3 * 24 * 60)


def test_grid_times_are_whole_seconds(tmp_path):
    # a grid row is a whole-second instant; a fraction is refused with its line and column
    path = tmp_path / "g.csv"
    path.write_text("time,carbon_g_per_kwh,price_sek_per_kwh\n2023-01-01T00:00:00Z,30,0.4\n"
                    "2023-01-01T01:00:00.250Z,30,0.4\n")
    with pytest.raises(InputError) as exc:
        read_grid_csv(path)
    hits = [p for p in _problems(exc) if "whole second" in p.message]
    assert hits and hits[0].line == 3 and hits[0].column == 1, str(exc.value)
