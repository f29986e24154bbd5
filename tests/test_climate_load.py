"""load_climate: built-in sites, file dispatch by suffix and content, clear errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import dcsim.climate as climate
from dcsim.climate import load_climate
from dcsim.errors import InputError

FIX = Path(__file__).parent / "fixtures" / "climate"
CHICAGO = "data/weather/USA_IL_Chicago.OHare.epw"  # in the shared folder (tests/conftest.py)


def test_public_names():
    for name in ("Weather", "WeatherSample", "load_climate", "synthetic_year", "read_epw",
                 "read_smhi_csv", "read_weather_csv", "BUILTIN_CLIMATES"):
        assert name in climate.__all__ and hasattr(climate, name)


@pytest.mark.parametrize("spec", ["builtin:lulea", "builtin:Luleå", "BUILTIN:LULEÅ", "builtin: lulea"])
def test_builtin_spellings(spec):
    w = load_climate(spec, seed=42)
    assert w.synthetic and w.site_name == "Luleå"
    np.testing.assert_array_equal(w.drybulb_c, climate.synthetic_year("lulea", seed=42).drybulb_c)


def test_builtin_year_and_overrides():
    w = load_climate("builtin:goteborg", seed=1, year=2030, mean_rh_pct=70.0, diurnal_range_k=None)
    assert w.time_utc[0] == np.datetime64("2030-01-01T00:00:00")
    assert "mean_rh_pct=70" in w.source
    with pytest.raises(InputError) as err:
        load_climate("builtin:goteborg", seed=1, rh=70)
    assert err.value.paths == ["rh"] and "allowed" in str(err.value)


def test_unknown_builtin_lists_names_and_suggests():
    with pytest.raises(InputError) as err:
        load_climate("builtin:stokholm", seed=1)
    (p,) = err.value.problems
    assert p.path == "site.climate"
    assert "did you mean 'stockholm'" in p.message
    for key in ("lulea", "umea", "stockholm", "goteborg", "malmo"):
        assert key in p.message


def test_dispatch_by_suffix_and_content(tmp_path):
    assert "SMHI" in load_climate("smhi_lulea_temp.csv", seed=1, base_dir=FIX).source
    assert "CSV file" in load_climate("weather_ok.csv", seed=1, base_dir=FIX).source
    # SMHI detected by its preamble whatever the suffix
    shutil.copy(FIX / "smhi_gap.csv", tmp_path / "download.txt")
    w = load_climate("download.txt", seed=1, base_dir=tmp_path, fill_gaps_max_h=3)
    assert "SMHI" in w.source and "gaps filled" in w.source
    w = load_climate("smhi_lulea_temp.csv", seed=1, base_dir=FIX, humidity_spec="smhi_lulea_rh.csv")
    assert w.rh_pct[0] == 86.0
    # absolute paths ignore base_dir
    w = load_climate(str((FIX / "weather_ok.csv").resolve()), seed=1, base_dir=tmp_path)
    assert len(w) == 8


def test_epw_by_suffix_and_by_content(tmp_path, shared_file):
    chicago = shared_file(CHICAGO, "the check that load_climate recognises a real EPW file by suffix and by content")
    assert load_climate(str(chicago), seed=1).typical_year
    shutil.copy(chicago, tmp_path / "chicago.weather")
    assert "EPW" in load_climate("chicago.weather", seed=1, base_dir=tmp_path).source


def test_missing_file_is_named(tmp_path):
    with pytest.raises(InputError) as err:
        load_climate("weather/lulea.epw", seed=1, base_dir=tmp_path)
    (p,) = err.value.problems
    assert p.path == "site.climate" and "not found" in p.message
    assert str(tmp_path / "weather" / "lulea.epw") in p.message
    with pytest.raises(InputError, match="builtin:<site>"):
        load_climate("lulea", seed=1, base_dir=tmp_path)
    with pytest.raises(InputError):
        load_climate("", seed=1)


def test_file_options_checked():
    with pytest.raises(InputError) as err:
        load_climate("weather_ok.csv", seed=1, base_dir=FIX, mean_rh_pct=80)
    assert err.value.paths == ["mean_rh_pct"] and "built-in climates only" in str(err.value)
    with pytest.raises(InputError, match="only for SMHI"):
        load_climate("weather_ok.csv", seed=1, base_dir=FIX, humidity_spec="smhi_lulea_rh.csv")
    with pytest.raises(InputError, match="only for SMHI"):
        load_climate("builtin:malmo", seed=1, humidity_spec="x.csv")


def test_file_errors_pass_through():
    with pytest.raises(InputError) as err:
        load_climate("weather_bad.csv", seed=1, base_dir=FIX)
    assert all(p.file and p.file.endswith("weather_bad.csv") for p in err.value.problems)
