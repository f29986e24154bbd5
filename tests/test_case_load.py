"""Case files: the format, and every mistake reported with file, line and exact path."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dcsim import InputError
from dcsim.case import flatten_patch, load_case

FIX = Path(__file__).parent / "fixtures" / "cases"
SCEN = Path(__file__).parent / "fixtures" / "scenarios"


def dcsim(*args):
    return subprocess.run([sys.executable, "-m", "dcsim", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def write_case(tmp_path: Path, body: str, name: str = "case.toml") -> Path:
    head = f'[case]\nname = "t"\nbaseline = "{(SCEN / "minimal.toml").as_posix()}"\n'
    path = tmp_path / name
    path.write_text(head + textwrap.dedent(body), encoding="utf-8")
    return path


def problems(path: Path, **kw) -> dict[str, object]:
    with pytest.raises(InputError) as exc:
        load_case(path, **kw)
    return {p.path: p for p in exc.value.problems}


@pytest.mark.slow  # two subprocesses, about 2.5 s
def test_malformed_case_exits_2_naming_every_path():
    for command in ("validate", "case"):
        proc = dcsim(command, FIX / "malformed.toml", *(["-o", "/nonexistent/never"] if command == "case" else []))
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr
        err = proc.stderr
        assert "4 problems in the case" in err
        assert "line 21: proposals[1].patch.room.supply_air_cc:" in err  # unknown key in a patch
        assert "did you mean 'room.supply_air_c'" in err
        assert "line 28: proposals[2].patch.cooling.evaporative.effectiveness:" in err  # path not in the schema
        assert "line 18: proposals[1].capital_cost_sek:" in err and "greater than or equal to 0" in err  # negative cost
        assert "line 8: assumptions.replicatons:" in err and "did you mean 'replications'" in err


def test_valid_case_validates_with_a_summary():
    proc = dcsim("validate", FIX / "small.toml")
    assert proc.returncode == 0, proc.stderr
    assert "valid case 'small'" in proc.stdout and "2 proposals" in proc.stdout


def test_patch_forms_are_equivalent(tmp_path):
    dotted = write_case(tmp_path, """
        [[proposals]]
        name = "p"
        capital_cost_sek = 1
        lifetime_years = 1
        patch = { "room.supply_air_c" = 23, "it.server" = { idle_w = 50, max_w = 200 } }
        """, "a.toml")
    nested = write_case(tmp_path, """
        [[proposals]]
        name = "p"
        capital_cost_sek = 1
        lifetime_years = 1
        [proposals.patch.room]
        supply_air_c = 23
        [proposals.patch.it.server]
        idle_w = 50
        max_w = 200
        """, "b.toml")
    (tmp_path / "partial.toml").write_text('[room]\nsupply_air_c = 23\n[it]\nserver = { idle_w = 50, max_w = 200 }\n')
    from_file = write_case(tmp_path, """
        [[proposals]]
        name = "p"
        capital_cost_sek = 1
        lifetime_years = 1
        patch_file = "partial.toml"
        """, "c.toml")
    a, b, c = (load_case(p).proposals[0] for p in (dotted, nested, from_file))
    assert a.scenario == b.scenario == c.scenario
    assert a.scenario.room.supply_air_c == 23 and a.scenario.it.server.max_w == 200
    assert a.patch == {"room.supply_air_c": 23, "it.server": {"idle_w": 50, "max_w": 200}}


def test_flatten_patch_reports_paths_relative_to_the_patch():
    flat, probs = flatten_patch({"room": {"supply_air_cc": 1, "containment": "hot-aisle"}, "room.supply_air_c.x": 3,
                                 "cooling": 5})
    assert flat == {"room.containment": "hot-aisle"}
    paths = {p[0]: p[1] for p in probs}
    assert set(paths) == {("room", "supply_air_cc"), ("room", "supply_air_c", "x"), ("cooling",)}
    assert "holds a value, not a section" in paths[("room", "supply_air_c", "x")]
    assert "is a section" in paths[("cooling",)]


def test_value_errors_in_a_patch_point_into_the_patch(tmp_path):
    path = write_case(tmp_path, """
        [[proposals]]
        name = "hot"
        capital_cost_sek = 1
        lifetime_years = 1
        [proposals.patch]
        room.supply_air_c = 99
        room.containment = "sideways"
        """)
    found = problems(path)
    assert set(found) == {"proposals[0].patch.room.supply_air_c", "proposals[0].patch.room.containment"}
    assert found["proposals[0].patch.room.supply_air_c"].line == 10  # 3 header lines, a blank, then the proposal
    assert found["proposals[0].patch.room.containment"].value == "sideways"


def test_cross_field_error_of_the_patched_scenario_is_tied_to_the_proposal(tmp_path):
    # supply air below the chilled water the baseline fixes: the error is about another key
    path = write_case(tmp_path, """
        [case.baseline_patch]
        "cooling.chiller.chilled_water_supply_c" = 12
        [[proposals]]
        name = "cold"
        capital_cost_sek = 1
        lifetime_years = 1
        patch = { "room.supply_air_c" = 10 }
        """)
    found = problems(path)
    assert list(found) == ["proposals[0].patch"]
    assert found["proposals[0].patch"].message.startswith(
        "the patched scenario is invalid at cooling.chiller.chilled_water_supply_c:")


def test_structure_errors(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(textwrap.dedent(f"""
        [case]
        name = "bad name!"
        baseline = "{(SCEN / 'minimal.toml').as_posix()}"
        colour = "blue"
        [extra]
        x = 1
        [[proposals]]
        name = "baseline"
        capital_cost_sek = 1
        lifetime_years = 0
        [[proposals]]
        name = "p"
        capital_cost_sek = 1
        lifetime_years = 1
        patch = {{ "simulation.seed" = 7 }}
        [[proposals]]
        name = "p"
        lifetime_years = 1
        """))
    found = problems(path)
    assert "case.name" in found and "letters, digits" in found["case.name"].message
    assert "case.colour" in found
    assert "extra" in found
    assert "proposals[0].name" in found and "names the baseline" in found["proposals[0].name"].message
    assert "proposals[0].lifetime_years" in found
    assert "proposals[1].patch.simulation.seed" in found and "same period" in found["proposals[1].patch.simulation.seed"].message
    assert "proposals[2].name" in found and "unique" in found["proposals[2].name"].message
    assert "proposals[2].capital_cost_sek" in found and found["proposals[2].capital_cost_sek"].message == "required key is missing"
    assert all(p.file == str(path) for p in found.values())


def test_missing_baseline_and_no_proposals(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[case]\nname = "x"\nbaseline = "nowhere.toml"\n')
    found = problems(path)
    assert "case.baseline" in found and "not found" in found["case.baseline"].message
    assert "proposals" in found


def test_baseline_problems_are_located_in_the_baseline_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "b"\n[room]\nsupply_air_c = 100\n')
    path = tmp_path / "c.toml"
    path.write_text('[case]\nname = "x"\nbaseline = "bad.toml"\n[[proposals]]\nname = "p"\ncapital_cost_sek = 0\n'
                    'lifetime_years = 1\n')
    found = problems(path)
    assert found["room.supply_air_c"].file == str(bad) and found["room.supply_air_c"].line == 3


def test_unknown_component_and_bad_params(tmp_path):
    path = write_case(tmp_path, """
        [[proposals]]
        name = "p"
        capital_cost_sek = 1
        lifetime_years = 1
        [[proposals.components]]
        use = "no-such-thing"
        [[proposals.components]]
        use = "datasheet-cooling-unit"
        params = { outdoor_c = [0, 10], capacity_kw = [5, 5], power_kw = [1, 1], colour = 1 }
        [[proposals.components]]
        use = "datasheet-cooling-unit"
        params = { outdoor_c = [0, 10], capacity_kw = [5], power_kw = [1, 1] }
        """)
    found = problems(path)
    assert "proposals[0].components[0].use" in found
    assert "dcsim.components" in found["proposals[0].components[0].use"].message
    assert "proposals[0].components[1].params.colour" in found
    lengths = found["proposals[0].components[2].params"]  # the table's own check
    assert "capacity_kw has 1 values but outdoor_c has 2" in lengths.message and lengths.line == 16


def test_yaml_case_with_lines(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(textwrap.dedent(f"""\
        case:
          name: y
          baseline: {(SCEN / 'minimal.toml').as_posix()}
        proposals:
          - name: ok
            capital_cost_sek: 1
            lifetime_years: 2
          - name: typo
            capital_cost_sek: 1
            lifetime_years: 2
            patch:
              room.supply_air_cc: 24
        """))
    found = problems(path)
    assert found["proposals[1].patch.room.supply_air_cc"].line == 12


def test_overrides_and_replications_from_the_command_line():
    case = load_case(FIX / "small.toml", overrides={"simulation.duration": "1d"}, replications=2)
    assert all(v.scenario.simulation.duration == 86400 for v in case.variants)
    assert case.seeds == [42, 43]
    with pytest.raises(InputError) as exc:
        load_case(FIX / "small.toml", overrides={"simulation.duraton": "1d"})
    assert exc.value.problems[0].file == "--set"


def test_a_capitalised_unknown_key_in_a_case_is_located(tmp_path):
    # `Discount = 1` looks like a union-branch tag to pydantic's error location; it is a key
    text = (FIX / "small.toml").read_text(encoding="utf-8").replace("discount_rate = 0.05", "Discount = 0.05")
    text = text.replace("../scenarios/minimal.toml", str((FIX.parent / "scenarios" / "minimal.toml").resolve()))
    path = tmp_path / "case.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_case(path)
    p = next(p for p in exc.value.problems if p.path.endswith("Discount"))
    assert p.path == "assumptions.Discount" and p.message.startswith("unknown key") and p.line == 12
