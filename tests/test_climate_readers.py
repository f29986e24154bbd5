"""Weather-file readers: EPW, SMHI open-data CSV and plain CSV; clear InputErrors for bad files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dcsim.climate import psychro, read_epw, read_smhi_csv, read_weather_csv
from dcsim.errors import InputError

FIX = Path(__file__).parent / "fixtures" / "climate"
CHICAGO = "data/weather/USA_IL_Chicago.OHare.epw"  # in the shared folder (tests/conftest.py)

EPW_HEADER = [
    "LOCATION,Testby,Norrbotten,SWE,hand-made,000000,65.54,22.12,{tz},20.0",
    "DESIGN CONDITIONS,0",
    "TYPICAL/EXTREME PERIODS,0",
    "GROUND TEMPERATURES,0",
    "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0",
    "COMMENTS 1,made for dcsim tests",
    "COMMENTS 2,",
    "DATA PERIODS,1,1,Data,Sunday,1/ 1,12/31",
]
_TAIL = ",0,0,0,0,0,0,0,0,0,0,180,2.0,5,5,20.0,77777,9,999999999,0,0.1,0,88,0.2,0.0,0.0"


def _epw_rows(year=2025, leap=False):
    """(year, month, day, hour) of every hour of a year; dry bulb = month - 5 + hour/24."""
    rows = []
    start = np.datetime64(f"{year}-01-01", "D")
    ndays = 366 if leap else 365
    for d in range(ndays):
        date = (start + d).astype(object)
        if not leap and date.month == 2 and date.day == 29:
            continue
        for h in range(1, 25):
            rows.append([date.year, date.month, date.day, h])
    return rows


def _write_epw(path: Path, *, tz=1.0, leap=False, edit=None) -> Path:
    """Write a complete hourly EPW; ``edit(i, fields)`` may change data row i (0-based)."""
    lines = [h.format(tz=tz) for h in EPW_HEADER]
    for i, (y, m, d, h) in enumerate(_epw_rows(2016 if leap else 2025, leap)):
        t = m - 5 + h / 24.0
        fields = [str(y), str(m), str(d), str(h), "60", "?9?9?9?9E0", f"{t:.2f}", f"{t - 3:.2f}", "80", "101000"]
        if edit is not None:
            fields = edit(i, fields)
        lines.append(",".join(fields) + _TAIL)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _problems(err: pytest.ExceptionInfo) -> list[tuple[int | None, int | None, str]]:
    return [(p.line, p.column, p.message) for p in err.value.problems]


# --- EPW -------------------------------------------------------------------------------------


def test_read_real_chicago_epw(shared_file):
    w = read_epw(shared_file(CHICAGO, "the check of the EPW reader on a real TMYx file"))
    assert len(w) == 8760 and w.step_s == 3600
    assert w.typical_year and not w.synthetic
    assert w.latitude == pytest.approx(41.96) and w.longitude == pytest.approx(-87.932)
    # Chicago O'Hare: annual mean around 10 °C (this TMYx: 10.8); a broad plausibility window
    assert 8.0 < w.drybulb_c.mean() < 13.0
    assert -35.0 < w.drybulb_c.min() < -15.0 and 30.0 < w.drybulb_c.max() < 40.0
    assert np.all((w.rh_pct >= 0) & (w.rh_pct <= 100))
    # station pressure at 201.8 m: about 99 kPa on average
    assert 97_000 < w.pressure_pa.mean() < 101_000
    # hour 1 of 1 January at UTC-6 is 07:00 UTC; the first dry bulb of the file is -4.4 °C
    assert w.time_utc[0] == np.datetime64("2025-01-01T07:00:00")
    assert w.drybulb_c[0] == -4.4
    assert "EPW" in w.source and "Chicago" in w.source and "UTC" in w.source
    s = w.sample(np.datetime64("2030-01-01T00:00"), 60, 525_600)
    assert np.all(np.isfinite(s.wetbulb_c))


def test_epw_time_zone_and_values(tmp_path):
    w = read_epw(_write_epw(tmp_path / "a.epw", tz=1.0))
    assert w.typical_year and len(w) == 8760
    # hour 1 at UTC+1 is 00:00 UTC; the value at the end of that hour
    assert w.time_utc[0] == np.datetime64("2025-01-01T00:00:00")
    assert w.drybulb_c[0] == pytest.approx(1 - 5 + 1 / 24, abs=0.006)  # written with 2 decimals
    assert w.site_name == "Testby, Norrbotten, SWE"
    w2 = read_epw(_write_epw(tmp_path / "b.epw", tz=-5.0))
    assert w2.time_utc[0] == np.datetime64("2025-01-01T06:00:00")
    np.testing.assert_array_equal(w.drybulb_c, w2.drybulb_c)


def test_epw_leap_year_file_is_an_actual_year(tmp_path):
    w = read_epw(_write_epw(tmp_path / "amy.epw", leap=True))
    assert not w.typical_year and len(w) == 8784
    assert w.time_utc[0] == np.datetime64("2016-01-01T00:00:00")
    assert "actual year" in w.source


def test_epw_bad_rows_name_line_and_column(tmp_path):
    def edit(i, f):
        if i == 0:
            f[6] = "warm"  # dry bulb not a number: line 9, column 7
        if i == 1:
            f[8] = "150"  # RH implausible: line 10, column 9
        if i == 2:
            f[6] = "-80"  # dry bulb implausible: line 11, column 7
        if i == 3:
            f[9] = "12"  # pressure implausible: line 12, column 10
        if i == 4:
            f = f[:6]  # too few fields: line 13
        return f

    with pytest.raises(InputError) as err:
        read_epw(_write_epw(tmp_path / "bad.epw", edit=edit))
    got = _problems(err)
    assert (9, 7) in [(ln, c) for ln, c, _ in got]
    assert (10, 9) in [(ln, c) for ln, c, _ in got]
    assert (11, 7) in [(ln, c) for ln, c, _ in got]
    assert (12, 10) in [(ln, c) for ln, c, _ in got]
    assert any(ln == 13 and "fields" in m for ln, _, m in got)
    assert all(p.file.endswith("bad.epw") for p in err.value.problems)
    assert "bad.epw" in str(err.value)


def test_epw_missing_values_are_gaps(tmp_path):
    def edit(i, f):
        if 100 <= i < 103:
            f[6] = "99.9"  # missing code for dry bulb: 3-hour gap
        if i == 200:
            f[8] = "999"  # RH missing, dew point present: RH computed from it
        return f

    path = _write_epw(tmp_path / "gaps.epw", edit=edit)
    with pytest.raises(InputError) as err:
        read_epw(path)
    (line, col, msg), = _problems(err)
    assert line == 8 + 101 and col == 7 and "3 missing dry bulb values" in msg
    with pytest.raises(InputError, match="fill_gaps_max_h = 2 h"):
        read_epw(path, fill_gaps_max_h=2)
    w = read_epw(path, fill_gaps_max_h=3)
    assert "3 time steps with gaps filled" in w.source and "RH computed from the dew point in 1 rows" in w.source
    # linear fill between hours 100 and 104 (0-based rows 99 and 103); written with 2 decimals
    np.testing.assert_allclose(w.drybulb_c[100:103], np.interp([100, 101, 102], [99, 103], w.drybulb_c[[99, 103]]))
    t, td = w.drybulb_c[200], w.drybulb_c[200] - 3
    # RH from dry bulb and dew point (ASHRAE eqs. 5/6); round-off only
    assert w.rh_pct[200] == pytest.approx(psychro.rh_pct_from_dewpoint(t, td), rel=1e-9)


def test_epw_wrapped_gap_in_typical_year_is_filled_periodically(tmp_path):
    def edit(i, f):
        if i == 0 or i == 8759:
            f[6] = "99.9"
        return f

    w = read_epw(_write_epw(tmp_path / "wrap.epw", edit=edit), fill_gaps_max_h=2)
    assert np.isfinite(w.drybulb_c).all()
    with pytest.raises(InputError, match="2 missing dry bulb values"):
        read_epw(tmp_path / "wrap.epw", fill_gaps_max_h=1)


def test_not_an_epw(tmp_path):
    p = tmp_path / "x.epw"
    p.write_text("time,drybulb_c\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_epw(p)
    (line, col, msg), = _problems(err)
    assert line == 1 and col == 1 and "LOCATION" in msg


def test_epw_bad_location_line(tmp_path):
    p = _write_epw(tmp_path / "loc.epw")
    text = p.read_text().splitlines()
    text[0] = "LOCATION,Testby,,SWE,x,0,north,22.12,1.0,20"
    p.write_text("\n".join(text) + "\n")
    with pytest.raises(InputError) as err:
        read_epw(p)
    (line, col, msg), = _problems(err)
    assert (line, col) == (1, 7) and "latitude" in msg


# --- SMHI ------------------------------------------------------------------------------------


def test_smhi_temperature_and_humidity():
    w = read_smhi_csv(FIX / "smhi_lulea_temp.csv", FIX / "smhi_lulea_rh.csv")
    assert len(w) == 24 and w.step_s == 3600 and not w.typical_year and not w.synthetic
    assert w.time_utc[0] == np.datetime64("2020-01-15T00:00:00")  # times are UTC already
    assert w.drybulb_c[0] == -12.4 and w.rh_pct[0] == 86.0
    assert w.site_name == "Luleå-Kallax Flygplats"  # first line after the UTF-8 BOM
    # the last station position row (the most recent) is used
    assert w.latitude == pytest.approx(65.5477) and w.longitude == pytest.approx(22.1231)
    # standard atmosphere at 16.6 m; round-off only
    np.testing.assert_allclose(w.pressure_pa, psychro.standard_atmosphere_pressure_pa(16.6), rtol=1e-12)
    assert "SMHI" in w.source and "CC BY 4.0" in w.source and "1 value flagged Y" in w.source


def test_smhi_without_humidity_states_its_assumption():
    w = read_smhi_csv(FIX / "smhi_lulea_temp.csv")
    assert "RH not measured" in w.source and "FAO-56" in w.source
    assert np.all((w.rh_pct > 0) & (w.rh_pct <= 100))
    # dew point = minimum of the centred 24 h (-14.0 °C at 05:00, in the window of hours
    # 00-17): saturated at the minimum
    assert w.rh_pct[5] == pytest.approx(100.0)
    np.testing.assert_allclose(w.dewpoint_c[:18], -14.0, atol=1e-6)  # Newton tolerance


def test_smhi_gap_policy():
    with pytest.raises(InputError) as err:
        read_smhi_csv(FIX / "smhi_gap.csv")
    (line, col, msg), = _problems(err)
    assert line == 14 and col == 2 and "3 h" in msg and "fill_gaps_max_h" in msg
    w = read_smhi_csv(FIX / "smhi_gap.csv", fill_gaps_max_h=3)
    assert len(w) == 10
    # linear between 02:00 (11.2) and 06:00 (14.2); round-off only
    np.testing.assert_allclose(w.drybulb_c[2:7], [11.2, 11.95, 12.7, 13.45, 14.2], atol=1e-12)
    assert "3 time steps with gaps filled" in w.source


def test_smhi_bad_rows():
    with pytest.raises(InputError) as err:
        read_smhi_csv(FIX / "smhi_bad.csv")
    got = _problems(err)
    assert [(ln, c) for ln, c, _ in got] == [(12, 3), (13, 3), (14, None), (15, 1)]
    assert "not a number" in got[0][2] and "implausible" in got[1][2]


def test_smhi_daily_and_wrong_parameter_files():
    with pytest.raises(InputError, match="daily-mean"):
        read_smhi_csv(FIX / "smhi_daily.csv")
    with pytest.raises(InputError, match="humidity_path"):
        read_smhi_csv(FIX / "smhi_lulea_rh.csv")
    with pytest.raises(InputError) as err:
        read_smhi_csv(FIX / "smhi_lulea_temp.csv", FIX / "smhi_gap.csv")
    assert "relative-humidity file" in str(err.value) and "smhi_gap.csv" in str(err.value)
    with pytest.raises(InputError, match="no header line"):
        read_smhi_csv(FIX / "weather_ok.csv")


def test_smhi_humidity_gaps_name_the_humidity_file(tmp_path):
    text = (FIX / "smhi_lulea_rh.csv").read_text(encoding="utf-8-sig").splitlines()
    del text[14:16]  # drop the 04:00 and 05:00 rows (lines 15 and 16)
    rh = tmp_path / "rh.csv"
    rh.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_smhi_csv(FIX / "smhi_lulea_temp.csv", rh)
    (p,) = err.value.problems
    assert p.file.endswith("rh.csv") and "2 missing relative humidity values" in p.message
    w = read_smhi_csv(FIX / "smhi_lulea_temp.csv", rh, fill_gaps_max_h=2)
    # linear between 03:00 (88) and 06:00 (89)
    np.testing.assert_allclose(w.rh_pct[4:6], [88 + 1 / 3, 88 + 2 / 3], atol=1e-12)


# --- plain CSV -------------------------------------------------------------------------------


def test_plain_csv():
    w = read_weather_csv(FIX / "weather_ok.csv")
    assert len(w) == 8 and w.site_name == "Test mast" and not w.typical_year
    assert w.latitude == pytest.approx(65.54) and w.longitude == pytest.approx(22.12)
    # no pressure column: standard atmosphere at the stated elevation (round-off only)
    np.testing.assert_allclose(w.pressure_pa, psychro.standard_atmosphere_pressure_pa(20.0), rtol=1e-12)
    assert "standard atmosphere" in w.source


def test_plain_csv_offsets_are_converted_to_utc():
    w = read_weather_csv(FIX / "weather_offset.csv")
    assert w.time_utc[0] == np.datetime64("2025-06-01T00:00:00")
    np.testing.assert_array_equal(w.pressure_pa, [101000.0, 101010.0, 101020.0])
    assert np.isnan(w.latitude)


def test_plain_csv_gaps():
    with pytest.raises(InputError) as err:
        read_weather_csv(FIX / "weather_gaps.csv")
    got = _problems(err)
    # absent 02:00 row reported once against the time column; empty 04:00 dry bulb against column 2
    assert [(ln, c) for ln, c, _ in got] == [(4, 1), (5, 2)]
    assert "no rows for 1 time step" in got[0][2] and "missing drybulb_c" in got[1][2]
    w = read_weather_csv(FIX / "weather_gaps.csv", fill_gaps_max_h=1)
    np.testing.assert_allclose(w.drybulb_c, [1, 2, 3, 4, 5, 6], atol=1e-12)  # linear fill
    assert "2 time steps with gaps filled" in w.source


def test_plain_csv_bad_values():
    with pytest.raises(InputError) as err:
        read_weather_csv(FIX / "weather_bad.csv")
    got = _problems(err)
    assert [(ln, c) for ln, c, _ in got] == [(3, 2), (4, 3), (5, None), (6, 1), (7, 2)]
    msg = str(err.value)
    # the ranges are worded as in every table reader (dcsim._table), where they said
    # "implausible rh_pct: allowed 0..100 %"
    assert "not a number" in msg and "relative humidity must lie in 0..100 %" in msg and "fields" in msg
    assert "ISO 8601" in msg and "dry bulb must lie in -70..60 °C" in msg


def test_plain_csv_missing_column_suggests():
    with pytest.raises(InputError) as err:
        read_weather_csv(FIX / "weather_missing_col.csv")
    (line, col, msg), = _problems(err)
    assert line == 1 and "missing column 'rh_pct'" in msg and "did you mean 'rh_percent'" in msg


def test_plain_csv_typical_year(tmp_path):
    t = np.datetime64("2019-01-01T00:00") + np.arange(8760) * np.timedelta64(1, "h")
    body = "\n".join(f"{x}Z,{i % 24 / 2:.1f},70" for i, x in enumerate(t.astype(str)))
    p = tmp_path / "tmy.csv"
    p.write_text("# typical_year: true\ntime,drybulb_c,rh_pct\n" + body + "\n")
    w = read_weather_csv(p)
    assert w.typical_year and len(w) == 8760
    p.write_text("# typical_year: maybe\ntime,drybulb_c,rh_pct\n" + body + "\n")
    with pytest.raises(InputError, match="typical_year must be true or false"):
        read_weather_csv(p)


def test_duplicate_and_backward_times(tmp_path):
    p = tmp_path / "dup.csv"
    p.write_text("time,drybulb_c,rh_pct\n2025-01-01T00:00Z,1,50\n2025-01-01T01:00Z,1,50\n"
                 "2025-01-01T01:00Z,1,50\n2025-01-01T00:30Z,1,50\n")
    with pytest.raises(InputError) as err:
        read_weather_csv(p)
    got = _problems(err)
    assert got[0][:2] == (4, 1) and "duplicate" in got[0][2]
    assert got[1][:2] == (5, 1) and "backwards" in got[1][2]


@pytest.mark.parametrize("reader", [read_epw, read_smhi_csv, read_weather_csv])
def test_missing_file_and_bad_fill_policy(reader, tmp_path):
    with pytest.raises(InputError, match="not found"):
        reader(tmp_path / "nope.csv")
    with pytest.raises(InputError) as err:
        reader(FIX / "weather_ok.csv", fill_gaps_max_h=-1)
    assert err.value.paths == ["fill_gaps_max_h"]
    with pytest.raises(InputError):
        reader(FIX / "weather_ok.csv", fill_gaps_max_h=1.5)


def test_many_problems_are_capped(tmp_path):
    p = tmp_path / "junk.csv"
    p.write_text("time,drybulb_c,rh_pct\n" + "".join(f"2025-01-01T{h:02d}:00Z,x,50\n" for h in range(24)))
    with pytest.raises(InputError) as err:
        read_weather_csv(p)
    assert len(err.value.problems) == 21 and "4 more problems" in err.value.problems[-1].message
