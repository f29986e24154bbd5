"""Plugins: the example package in examples/ is installed and run; broken plugins are reported.

The example plugin is pip-installed into a temporary folder (``pip install --target``), not
into the running environment, and the case runs in a subprocess with that folder on
PYTHONPATH: the entry points are found exactly as for an installed package, and the shared
virtual environment is left as it was.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import dcsim
from dcsim import InputError
from dcsim.case import load_case

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "examples" / "dcsim-example-plugin"
SCEN = Path(__file__).parent / "fixtures" / "scenarios"


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory):
    """The example plugin installed into a temporary site folder."""
    site = tmp_path_factory.mktemp("plugin-site")
    base = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--disable-pip-version-check",
            "--target", str(site)]
    # Offline first (setuptools and wheel come with the test extra), then with an isolated build.
    attempts = [base + ["--no-build-isolation", str(PLUGIN)], base + [str(PLUGIN)]]
    errors = []
    for cmd in attempts:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if proc.returncode == 0:
            return site
        errors.append(proc.stderr.strip()[-800:])
    pytest.fail("could not pip-install examples/dcsim-example-plugin:\n" + "\n---\n".join(errors))


def run(site: Path, *args):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, "-m", "dcsim", *map(str, args)], capture_output=True, text=True,
                          timeout=600, env=env)


def test_entry_points_are_found(plugin_site):
    env = dict(os.environ, PYTHONPATH=str(plugin_site))
    code = "import json; from dcsim.case.components import available_components as a; print(json.dumps(a()))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    assert found["datasheet-cooling-unit"] == "built-in"
    for name in ("example-solar", "example-vendor-ups", "example-tariff"):
        assert found[name] == "dcsim-example-plugin 0.1.0"


def test_example_plugin_case_runs(plugin_site, tmp_path):
    out = tmp_path / "out"
    proc = run(plugin_site, "case", PLUGIN / "case-solar-and-ups.toml", "-o", out, "--quiet",
               "--set", "simulation.duration=4d", "--set", "simulation.start=2025-06-01T00:00:00Z")
    assert proc.returncode == 0, proc.stderr
    table = pd.read_csv(out / "comparison.csv").set_index("variant")
    # on-site solar: the facility uses as much electricity (same PUE), but buys less of it
    solar = table.loc["solar-250kw"]
    assert solar["delta_energy_facility_kwh"] == 0.0 and solar["delta_pue"] == 0.0
    assert solar["delta_energy_cost_sek"] < 0 and solar["delta_carbon_kg"] < 0 and solar["savings_sek_per_year"] > 0
    ts = pd.read_parquet(out / "runs" / "solar-250kw" / "timeseries.parquet")
    assert ts["onsite_generation_kw"].max() > 50 and ts["onsite_generation_kw"].min() == 0.0  # day and night
    # the vendor's UPS: a parameter provider; the patched scenario is what ran
    ups = dcsim.load_results(out / "runs" / "vendor-ups")
    assert ups.scenario.electrical.ups.efficiency == 0.988
    assert table.loc["vendor-ups", "delta_energy_electrical_losses_kwh"] < 0
    # the tariff: same energy, another price
    tariff = table.loc["day-tariff"]
    assert tariff["delta_energy_facility_kwh"] == 0.0 and tariff["delta_energy_cost_sek"] != 0.0
    manifest = json.loads((out / "runs" / "solar-250kw" / "manifest.json").read_text())
    assert manifest["components"][0]["name"] == "example-solar"
    assert manifest["components"][0]["origin"] == "dcsim-example-plugin 0.1.0"
    html = (out / "report.html").read_text()
    assert "example-solar" in html and "250 kWp PV" in html


def test_example_plugin_params_are_validated(plugin_site, tmp_path):
    case = tmp_path / "c.toml"
    case.write_text(textwrap.dedent(f"""
        [case]
        name = "c"
        baseline = "{(SCEN / 'minimal.toml').as_posix()}"
        [[proposals]]
        name = "ups"
        capital_cost_sek = 1
        lifetime_years = 1
        [[proposals.components]]
        use = "example-vendor-ups"
        params = {{ model = "EcoUPS 9000" }}
        [[proposals]]
        name = "sun"
        capital_cost_sek = 1
        lifetime_years = 1
        [[proposals.components]]
        use = "example-solar"
        params = {{ peak_kw = -5 }}
        """))
    proc = run(plugin_site, "validate", case)
    assert proc.returncode == 2
    assert "line 11: proposals[0].components[0].params.model:" in proc.stderr and "EcoUPS 1200" in proc.stderr
    assert "line 18: proposals[1].components[0].params.peak_kw:" in proc.stderr


# ---------------------------------------------------------------- plugins written on the spot


def fake_plugin(tmp_path: Path, body: str, entry_points: dict[str, str]) -> None:
    """A minimal installed distribution (dist-info + module) on sys.path, as pip would leave it."""
    (tmp_path / "fakeplug.py").write_text(textwrap.dedent(body))
    info = tmp_path / "fakeplug-0.0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fakeplug\nVersion: 0.0.1\n")
    lines = "".join(f"{name} = fakeplug:{obj}\n" for name, obj in entry_points.items())
    (info / "entry_points.txt").write_text("[dcsim.components]\n" + lines)


FAKEPLUG = """
    from dcsim.case.components import Component  # the import path of older plugins
    from dcsim import plugins

    class Old(Component):
        api_version = 0

    class Crash(Component):
        def postprocess(self, run, params):
            raise ZeroDivisionError("oops")

    class Patch(Component):
        def scenario_patch(self, params, scenario):
            return {"room.supply_air_cc": 25}

    class Inside(plugins.Component):
        requires_dcsim = ">=0.1,<1000"
        def postprocess(self, run, params):
            run.add_power(1.0, column="extra_fan_kw")

    class Future(plugins.Component):
        requires_dcsim = ">=1000"

    class Garbled(plugins.Component):
        requires_dcsim = "dcsim 2 or later"

    # a post-processor that tries to change the run behind the RunView methods' back
    def set_kpi(run):
        run.kpis["pue"] = 1.0

    def replace_kpis(run):
        run.kpis = {}

    def set_scenario(run):
        run.scenario.room.supply_air_c = 30.0

    def set_column(run):
        run.timeseries["facility_power_kw"] = 0.0

    def set_values(run):
        power = run.timeseries["facility_power_kw"]
        power.iloc[0] = 0.0

    def set_array(run):
        it = run.timeseries["it_power_kw"].to_numpy()
        it[0] = 0.0

    def set_mode(run):
        mode = run.timeseries["cooling_mode"]
        mode.iloc[0] = "free"

    ATTEMPTS = {"kpi": set_kpi, "kpis": replace_kpis, "scenario": set_scenario, "column": set_column,
                "values": set_values, "array": set_array, "mode": set_mode}

    class Mutator(plugins.Component):
        requires_dcsim = ">=0.1"
        def postprocess(self, run, params):
            ATTEMPTS[params["try"]](run)
    """


@pytest.fixture
def fakeplug(tmp_path, monkeypatch):
    names = ("old", "crash", "patch", "inside", "future", "garbled", "mutator")
    fake_plugin(tmp_path, FAKEPLUG, {f"fake-{n}": n.capitalize() for n in names})
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("fakeplug", None)
    yield tmp_path
    sys.modules.pop("fakeplug", None)


def _case(tmp_path: Path, use: str, params: str = "{}") -> Path:
    path = tmp_path / f"{use}.toml"
    path.write_text(textwrap.dedent(f"""
        [case]
        name = "c"
        baseline = "{(SCEN / 'minimal.toml').as_posix()}"
        [case.baseline_patch]
        "simulation.duration" = "1d"
        [assumptions]
        replications = 1
        [[proposals]]
        name = "p"
        capital_cost_sek = 1
        lifetime_years = 1
        [[proposals.components]]
        use = "{use}"
        params = {params}
        """))
    return path


def test_wrong_api_version_is_an_input_error(fakeplug):
    with pytest.raises(InputError) as exc:
        load_case(_case(fakeplug, "fake-old"))
    p = exc.value.problems[0]
    assert p.path == "proposals[0].components[0].use" and "component API 0" in p.message


def test_a_provided_key_outside_the_schema_is_named(fakeplug):
    with pytest.raises(InputError) as exc:
        load_case(_case(fakeplug, "fake-patch"))
    p = exc.value.problems[0]
    assert p.path == "proposals[0].components[0].room.supply_air_cc"
    assert p.message.startswith("the component provides no such key")


def test_a_crashing_postprocessor_names_itself(fakeplug):
    case = load_case(_case(fakeplug, "fake-crash"))
    with pytest.raises(RuntimeError, match=r"component 'fake-crash' \(fakeplug 0.0.1\) failed in postprocess: "
                                           r"ZeroDivisionError: oops"):
        case.run()


# ---------------------------------------------------------------- requires_dcsim and the read-only run


def test_a_component_inside_its_range_loads(fakeplug):
    case = load_case(_case(fakeplug, "fake-inside"))
    (lc,) = case.variants[1].components
    assert lc.name == "fake-inside" and lc.origin == "fakeplug 0.0.1"


def test_a_component_outside_its_range_is_refused_with_both_versions(fakeplug):
    with pytest.raises(InputError) as exc:
        load_case(_case(fakeplug, "fake-future"))
    (p,) = exc.value.problems
    assert p.path == "proposals[0].components[0].use" and p.line == 14 and p.value == "fake-future"
    assert p.message == (f"component 'fake-future' (fakeplug 0.0.1) requires dcsim '>=1000'; "
                         f"this is dcsim {dcsim.__version__} (component API 1)")


def test_the_command_line_refuses_it_with_exit_2_and_no_traceback(fakeplug):
    proc = run(fakeplug, "validate", _case(fakeplug, "fake-future"))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert re.search(r"fake-future\.toml, line 14: proposals\[0\]\.components\[0\]\.use: component 'fake-future' "
                     r"\(fakeplug 0\.0\.1\) requires dcsim '>=1000'; this is dcsim \S+", proc.stderr), proc.stderr


def test_a_range_that_is_not_one_is_refused_naming_what_is_allowed(fakeplug):
    with pytest.raises(InputError) as exc:
        load_case(_case(fakeplug, "fake-garbled"))
    (p,) = exc.value.problems
    assert p.path == "proposals[0].components[0].use"
    assert p.message.startswith("component 'fake-garbled' (fakeplug 0.0.1) declares requires_dcsim = "
                                "'dcsim 2 or later', which is not a version range")
    assert "allowed: comparisons (>=, >, <=, <, ==, !=)" in p.message


@pytest.mark.parametrize(
    ("attempt", "error"),
    [
        ("kpi", "does not support item assignment"),
        ("kpis", "has no setter|can't set attribute"),
        ("scenario", "frozen"),
        ("column", r"run.timeseries\['facility_power_kw'\] is a recorded column and read only"),
        ("values", "read-only"),
        ("array", "read-only"),
        ("mode", "read-only"),
    ],
)
def test_a_component_cannot_change_the_run_behind_the_methods_back(fakeplug, attempt, error):
    case = load_case(_case(fakeplug, "fake-mutator", f'{{ try = "{attempt}" }}'))
    with pytest.raises(RuntimeError, match=r"component 'fake-mutator' \(fakeplug 0.0.1\) failed in postprocess: ") as exc:
        case.run()
    assert re.search(error, str(exc.value)), str(exc.value)
