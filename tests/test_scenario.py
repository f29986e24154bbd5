"""Scenario schema, loading, overrides and error reporting."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from dcsim import InputError, load_scenario
from dcsim.scenario import Scenario, dump_toml, parse_set_option, scenario_hash
from dcsim.scenario.document import toml_key_lines, yaml_key_lines

FIX = Path(__file__).parent / "fixtures" / "scenarios"
ROOT = Path(__file__).resolve().parents[1]


def problems_by_path(exc: InputError) -> dict[str, object]:
    return {p.path: p for p in exc.problems}


@pytest.mark.parametrize("name", ["minimal.toml", "minimal.yaml"])
def test_minimal_file_runs_with_defaults(name):
    sc = load_scenario(FIX / name)
    assert sc.name == "minimal"
    assert sc.simulation.duration == 2 * 86400
    assert sc.simulation.step == 60
    assert sc.it.racks == 4
    assert sc.room.supply_air_c == 22
    assert sc.cooling.system == "chiller-crah"


def test_toml_and_yaml_give_the_same_scenario():
    assert load_scenario(FIX / "minimal.toml") == load_scenario(FIX / "minimal.yaml")


def test_scenario_is_immutable():
    sc = load_scenario(FIX / "minimal.toml")
    with pytest.raises(Exception):
        sc.room.supply_air_c = 30  # type: ignore[misc]


@pytest.mark.parametrize("name", ["invalid_four.toml", "invalid_four.yaml"])
def test_four_problems_reported_at_once_with_paths_and_lines(name):
    with pytest.raises(InputError) as info:
        load_scenario(FIX / name)
    found = problems_by_path(info.value)
    assert set(found) == {"site.climate", "it.racks", "room.supply_air_c", "room.suply_air_c"}
    assert "not found" in found["site.climate"].message
    assert found["it.racks"].value == "many"
    assert "integer" in found["it.racks"].message
    assert found["room.supply_air_c"].value == 55
    assert "less than or equal to 40" in found["room.supply_air_c"].message
    assert "did you mean 'room.supply_air_c'" in found["room.suply_air_c"].message
    lines = {p.path: p.line for p in info.value.problems}
    if name.endswith(".toml"):
        assert lines == {"site.climate": 6, "it.racks": 9, "room.supply_air_c": 12, "room.suply_air_c": 13}
    else:
        assert lines == {"site.climate": 4, "it.racks": 6, "room.supply_air_c": 8, "room.suply_air_c": 9}
    text = info.value.format()
    assert str(FIX / name) in text and "4 problems" in text


def test_cross_field_checks_name_the_field_at_fault():
    with pytest.raises(InputError) as info:
        load_scenario(FIX / "invalid_cross.toml")
    found = problems_by_path(info.value)
    assert set(found) == {"simulation.duration", "it.server.max_w", "workload.daily_profile"}
    assert "whole number of steps" in found["simulation.duration"].message
    assert "peaks at" in found["workload.daily_profile"].message


def test_unknown_names_get_suggestions():
    with pytest.raises(InputError) as info:
        load_scenario(FIX / "invalid_names.toml")
    found = problems_by_path(info.value)
    assert set(found) == {"site.climate", "site.grid", "it.server", "cooling.supply_air_c", "cooling.system"}
    assert "builtin:lulea" in found["site.climate"].message
    assert "ibm-x3550-x5670" in found["it.server"].message
    # a key written in the wrong section points to where it belongs
    assert "room.supply_air_c" in found["cooling.supply_air_c"].message
    assert "chiller-crah" in found["cooling.system"].message


@pytest.mark.parametrize("name", ["syntax_error.toml", "syntax_error.yaml"])
def test_syntax_errors_give_line_and_column(name):
    with pytest.raises(InputError) as info:
        load_scenario(FIX / name)
    (p,) = info.value.problems
    assert p.file == str(FIX / name)
    assert p.line in (1, 2, 3)
    assert p.column is not None


def test_missing_file():
    with pytest.raises(InputError) as info:
        load_scenario(FIX / "nope.toml")
    assert "file not found" in info.value.format()


def test_overrides_are_validated_like_the_file():
    sc = load_scenario(FIX / "minimal.toml", overrides={"room.supply_air_c": 24, "it.server.idle_w": 100, "it.server.max_w": 300})
    assert sc.room.supply_air_c == 24
    assert sc.it.server.max_w == 300
    with pytest.raises(InputError) as info:
        load_scenario(FIX / "minimal.toml", overrides={"room.supply_air_c": "warm", "room.nope": 1})
    found = problems_by_path(info.value)
    assert set(found) == {"room.supply_air_c", "room.nope"}
    assert all(p.file == "--set" for p in info.value.problems)


def test_override_into_a_value_is_refused():
    with pytest.raises(InputError) as info:
        load_scenario(FIX / "minimal.toml", overrides={"name.first": "x"})
    assert info.value.problems[0].path == "name.first"


@pytest.mark.parametrize(
    "option,expected",
    [
        ("room.supply_air_c=24", ("room.supply_air_c", 24)),
        ("room.supply_air_c=24.5", ("room.supply_air_c", 24.5)),
        ("site.climate=builtin:umea", ("site.climate", "builtin:umea")),
        ('name="a b"', ("name", "a b")),
        ("heat_reuse.enabled=false", ("heat_reuse.enabled", False)),
    ],
)
def test_parse_set_option(option, expected):
    assert parse_set_option(option) == expected


def test_parse_set_option_rejects_garbage():
    with pytest.raises(InputError):
        parse_set_option("no-equals-sign")


def test_resolved_toml_round_trips(tmp_path):
    sc = load_scenario(ROOT / "scenarios" / "lulea-air-1mw.toml")
    path = tmp_path / "resolved.toml"
    path.write_text(dump_toml(sc))
    again = load_scenario(path)
    assert again == sc
    assert scenario_hash(again) == scenario_hash(sc)


def test_hash_changes_with_content():
    a = load_scenario(FIX / "minimal.toml")
    b = load_scenario(FIX / "minimal.toml", overrides={"room.supply_air_c": 23})
    assert scenario_hash(a) != scenario_hash(b)


def test_json_schema_is_complete():
    schema = Scenario.model_json_schema()
    text = json.dumps(schema)
    for key in ("simulation", "site", "it", "room", "cooling", "heat_reuse", "workload"):
        assert key in schema["properties"]
    assert '"additionalProperties": false' in text


def test_toml_locator_handles_dotted_keys_tables_and_arrays():
    text = 'a = 1\n[b]\nc.d = 2\nlist = [\n  1,\n  2,\n]\n[b.e]\nf = { g = 1, h = 2 }\n'
    idx = toml_key_lines(text)
    assert idx[("a",)] == 1
    assert idx[("b", "c", "d")] == 3
    assert idx[("b", "list")] == 4
    assert idx[("b", "e")] == 8
    assert idx[("b", "e", "f", "h")] == 9


def test_yaml_locator():
    idx = yaml_key_lines("a: 1\nb:\n  c: 2\n  d:\n    - 1\n    - 2\n")
    assert idx[("b", "c")] == 3
    assert idx[("b", "d", "1")] == 6


def test_scenario_reference_doc_is_current():
    """docs/scenarios.md is generated from the schema; regenerate with
    `python -m dcsim.scenario.reference > docs/scenarios.md` after changing the schema."""
    from dcsim.scenario.reference import render_reference

    assert (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8") == render_reference()


@pytest.mark.parametrize("module, page", [("dcsim.case.reference", "cases.md"), ("dcsim.sweep.reference", "sweeps.md")])
def test_case_and_sweep_references_are_current(module, page):
    """docs/cases.md and docs/sweeps.md are generated from their schemas; regenerate with
    `python -m <module> > docs/<page>` after changing one."""
    import importlib

    text = importlib.import_module(module).render_reference()
    assert (ROOT / "docs" / page).read_text(encoding="utf-8") == text
    assert "0x" not in text and "Validator" not in text  # no repr of a validator (its address changes)


def test_every_example_scenario_validates():
    for path in sorted((ROOT / "scenarios").glob("*.toml")):
        load_scenario(path)


def _write(tmp_path, text):
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    return path


IWEC_MEANS = "[-3.55, -0.8, 0.3, 4.45, 11.69, 14.47, 17.02, 15.96, 11.33, 6.74, 1.61, -1.91]"


def test_site_synthetic_monthly_mean_c_reaches_the_generator(tmp_path):
    from dcsim.climate import load_climate, synthetic_year

    sc = load_scenario(_write(tmp_path, f'[site]\nclimate = "builtin:stockholm"\n'
                                        f'[site.synthetic]\nmonthly_mean_c = {IWEC_MEANS}\n'))
    assert sc.site.synthetic.monthly_mean_c[0] == -3.55
    # the engine passes the section as keyword overrides (engine.simulate)
    w = load_climate(sc.site.climate, seed=1, **sc.site.synthetic.model_dump(exclude_none=True))
    np.testing.assert_array_equal(w.drybulb_c, synthetic_year("stockholm", seed=1,
                                                              monthly_mean_c=json.loads(IWEC_MEANS)).drybulb_c)
    assert load_scenario(FIX / "minimal.toml").site.synthetic.monthly_mean_c is None  # default: the normals


@pytest.mark.parametrize(
    "means,fragment,item",
    [
        ("[1, 2, 3]", "got 3 values", ""),
        # NaN and inf are refused by every section at the list item
        ("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, nan]", "finite number", ".11"),
        ("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, -60]", "dec -60", ""),
    ],
)
def test_site_synthetic_monthly_mean_c_is_checked_with_its_path_and_line(tmp_path, means, fragment, item):
    with pytest.raises(InputError) as info:
        load_scenario(_write(tmp_path, f'[site]\nclimate = "builtin:umea"\n[site.synthetic]\nmonthly_mean_c = {means}\n'))
    (p,) = info.value.problems
    assert p.path == "site.synthetic.monthly_mean_c" + item and p.line == 4
    assert fragment in p.message and (item or "12 finite monthly mean temperatures" in p.message)


def test_site_synthetic_keys_are_refused_with_a_weather_file(tmp_path):
    epw = tmp_path / "x.epw"
    epw.write_text("LOCATION,x\n", encoding="utf-8")  # exists: only the synthetic key is at fault
    with pytest.raises(InputError) as info:
        load_scenario(_write(tmp_path, f'[site]\nclimate = "{epw.name}"\n[site.synthetic]\n'
                                        f'monthly_mean_c = {IWEC_MEANS}\n'))
    (p,) = info.value.problems
    assert p.path == "site.synthetic.monthly_mean_c" and p.line == 4
    assert "built-in synthetic climates only" in p.message and "x.epw" in p.message


@pytest.mark.parametrize("climate, grid", [
    ("builtin:Luleå", "builtin:SE1"), (" BUILTIN: lulea ", " builtin: se1"), ("builtin:kallax", "Builtin:se1"),
])
def test_builtin_spellings_the_loader_accepts_the_scenario_accepts(climate, grid):
    """The scenario's check, its path resolution and the weather and grid loaders agree on what a
    built-in spec is (dcsim.data.builtin): accents, case, spaces and aliases, never a file path."""
    sc = load_scenario(ROOT / "scenarios" / "lulea-air-1mw.toml", overrides={"site.climate": climate, "site.grid": grid})
    assert sc.site.climate == climate and sc.site.grid == grid  # kept as written, not made a path
    from dcsim.climate import load_climate
    from dcsim.grid import load_grid

    assert load_climate(sc.site.climate, seed=1).site_name == "Luleå"
    assert load_grid(sc.site.grid, **sc.site.grid_options.model_dump(exclude_none=True)) is not None


def test_nan_and_inf_are_refused_in_every_float_with_their_path(tmp_path):
    """A NaN or an infinity anywhere a scenario, case or sweep file gives a number is refused at
    its key (pydantic's allow_inf_nan=False on every section), never carried into the KPIs."""
    with pytest.raises(InputError) as info:
        load_scenario(_write(tmp_path, '[workload]\nkind = "profile"\nmean_utilization = 0.5\n'
                                       "daily_profile = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, "
                                       "1, 1, 1, nan]\n[it.curves]\ncpu_power = [-0.035289, 1.0, 0.0, inf, 0.0, 0.0]\n"
                                       "[electrical]\nlighting_kw = nan\n"))
    assert sorted(p.path for p in info.value.problems) == ["electrical.lighting_kw", "it.curves.cpu_power.3",
                                                           "workload.daily_profile.23"]
    from dcsim.case import load_case

    scen = _write(tmp_path, "")
    case = tmp_path / "case.toml"
    case.write_text(f'[case]\nname = "c"\nbaseline = "{scen.name}"\n[[proposals]]\nname = "p"\ncapital_cost_sek = inf\n'
                    "lifetime_years = 10\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_case(case)
    assert [p.path for p in info.value.problems] == ["proposals[0].capital_cost_sek"]
