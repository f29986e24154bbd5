"""Strict types (issue 19): a value of the wrong type is refused with its path, never coerced
(``it.racks = true`` was 1 rack, ``"10"`` was 10, ``enabled = "yes"`` was true). Integers
stay accepted where a number is asked for, dates and ISO strings where a datetime is."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from dcsim.cli import main
from dcsim.errors import InputError
from dcsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "scenarios" / "lulea-air-1mw.toml"


@pytest.mark.parametrize("key, value, allowed", [
    ("it.racks", True, "valid integer"),
    ("it.racks", "10", "valid integer"),
    ("it.racks", 10.0, "valid integer"),
    ("heat_reuse.enabled", "yes", "valid boolean"),
    ("heat_reuse.enabled", 1, "valid boolean"),
    ("room.supply_air_c", "24", "valid number"),
    ("room.supply_air_c", True, "valid number"),
    ("site.climate", 3, "valid string"),
    ("simulation.step", 60, 'a bare number has no unit; write it with one, e.g. "60s"'),  # issue 19: was 60 s
    ("simulation.duration", 365, 'e.g. "365s"'),  # was six minutes, silently
    ("workload.synthetic.mean_duration", 1.5, "bare number has no unit"),
])
def test_a_scenario_value_of_the_wrong_type_is_refused_with_its_path(key, value, allowed):
    with pytest.raises(InputError) as exc:
        load_scenario(REFERENCE, overrides={key: value})
    text = exc.value.format()
    assert f"{key}:" in text and allowed in text


@pytest.mark.parametrize("key, value, check", [
    ("room.supply_air_c", 24, lambda sc: sc.room.supply_air_c == 24.0),
    ("simulation.start", "2025-03-01T00:00:00Z", lambda sc: sc.simulation.start.month == 3),
    ("simulation.start", __import__("datetime").date(2025, 3, 1), lambda sc: sc.simulation.start.hour == 0),
])
def test_the_natural_forms_stay_accepted(key, value, check):
    assert check(load_scenario(REFERENCE, overrides={key: value}))


def test_a_case_file_value_of_the_wrong_type_is_refused(tmp_path, capsys):
    src = ROOT / "scenarios" / "cases" / "evaporative-free-cooling.toml"
    text = src.read_text(encoding="utf-8").replace("capital_cost_sek = 3500000", 'capital_cost_sek = "3500000"')
    text = text.replace('baseline = "../lulea-dry-cooler-1mw.toml"', f'baseline = "{ROOT / "scenarios" / "lulea-dry-cooler-1mw.toml"}"')
    text = re.sub(r'path = "([^"]+\.csv)"', lambda m: f'path = "{(src.parent / m.group(1)).resolve()}"', text)
    f = tmp_path / "case.toml"
    f.write_text(text, encoding="utf-8")
    assert main(["validate", str(f)]) == 2
    err = capsys.readouterr().err
    assert "capital_cost_sek" in err and "valid number" in err


def test_a_sweep_file_value_of_the_wrong_type_is_refused(tmp_path, capsys):
    src = ROOT / "scenarios" / "sweeps" / "supply-air-site-containment.toml"
    shutil.copy(REFERENCE, tmp_path / "lulea-air-1mw.toml")
    text = src.read_text(encoding="utf-8").replace('base = "../lulea-air-1mw.toml"', 'base = "lulea-air-1mw.toml"')
    text = text.replace('kpi = "pue"', "kpi = 7")
    f = tmp_path / "sweep.toml"
    f.write_text(text, encoding="utf-8")
    assert main(["validate", str(f)]) == 2
    err = capsys.readouterr().err
    assert "kpi" in err
