"""dcsim.plugins: the version range a component declares, the read-only run it is given, and
docs that send plugin authors to dcsim.plugins only.

tests/test_case_plugin.py installs the example package and runs its case, and loads
components written on the spot into cases (inside and outside their range, trying to change
the run behind the view's back).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dcsim
import dcsim.plugins as plugins
from dcsim.case.components import run_postprocessors
from dcsim.plugins import DCSIM_VERSION, RunView, version_in_range
from dcsim.plugins._component import compatibility_problem, parse_version_range

ROOT = Path(__file__).resolve().parents[1]
SCEN = Path(__file__).parent / "fixtures" / "scenarios"


# --------------------------------------------------------------------------- the range check


@pytest.mark.parametrize(
    ("version", "spec", "inside"),
    [
        ("0.1.0", ">=0.1,<1", True),
        ("0.1.0", ">=0.2", False),
        ("1.0.0", ">=0.1,<1", False),  # the upper bound is exclusive
        ("1.0.0", "==1", True),  # 1 = 1.0 = 1.0.0
        ("0.9.12", ">0.9.2, <=0.10", True),  # numeric, not text, order
        ("0.1.0", "!=0.1", False),
        ("0.3.0.dev1+abc", ">=0.3,<0.4", True),  # the release number decides
    ],
)
def test_version_in_range(version, spec, inside):
    assert version_in_range(version, spec) is inside


@pytest.mark.parametrize("spec", ["", "0.1", ">=0.1;<1", "~=0.1", ">=0.1.*", ">= one", None, 1])
def test_a_range_that_is_not_one_says_what_is_wrong(spec):
    with pytest.raises(ValueError, match=r"is not a comparison|expected a text"):
        parse_version_range(spec)


_release = st.lists(st.integers(0, 12), min_size=1, max_size=3).map(lambda xs: ".".join(map(str, xs)))
_clause = st.tuples(st.sampled_from([">=", ">", "<=", "<", "==", "!="]), _release).map("".join)


@settings(max_examples=400, deadline=None)
@given(version=_release, clauses=st.lists(_clause, min_size=1, max_size=3))
def test_the_range_check_agrees_with_packaging(version, clauses):
    """The small explicit check means what Python packaging means, for release numbers."""
    specifiers = pytest.importorskip("packaging.specifiers")
    spec = ",".join(clauses)
    assert version_in_range(version, spec) == specifiers.SpecifierSet(spec).contains(version)


def test_the_component_api_of_older_components_still_decides_when_no_range_is_declared():
    class Old:
        api_version = 0

    class Current:
        api_version = plugins.API_VERSION

    class Ranged:
        api_version = 0  # not looked at
        requires_dcsim = f"=={DCSIM_VERSION}"

    assert compatibility_problem(Old()) == "component written for component API 0; this dcsim supports 1"
    assert compatibility_problem(Current()) is None and compatibility_problem(Ranged()) is None
    assert compatibility_problem(plugins.Component()) is None  # the base class: the current API


# --------------------------------------------------------------------------- the view itself


@pytest.fixture(scope="module")
def run():
    return dcsim.simulate(dcsim.load_scenario(SCEN / "minimal.toml", overrides={"simulation.duration": "1d"}))


def test_the_view_is_read_only_and_the_run_it_came_from_is_untouched(run):
    before_ts, before_kpis = run.timeseries.copy(), dict(run.kpis)
    view = RunView(scenario=run.scenario, timeseries=run.timeseries, kpis=run.kpis, seed=3)
    ts = view.timeseries
    assert len(ts) == len(run.timeseries) and list(ts.columns) == list(run.timeseries.columns)
    assert "it_power_kw" in ts and ts.index.equals(run.timeseries.index)
    with pytest.raises(TypeError):
        view.kpis["pue"] = 1.0
    with pytest.raises(AttributeError):
        view.timeseries = None
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        view.scenario.it.racks = 1
    with pytest.raises(ValueError, match="read-only"):
        ts["it_power_kw"].to_numpy()[:] = 0.0
    with pytest.raises(TypeError, match="read only"):
        ts["cooling_mode"] = "free"
    with pytest.raises(TypeError, match="cannot be deleted"):
        del ts["it_power_kw"]
    view.scenario.workload.synthetic.cores.append(99)  # a list inside the frozen scenario: the view's copy
    assert 99 not in run.scenario.workload.synthetic.cores
    frame = ts.to_frame()  # a copy, free to change
    frame["it_power_kw"] = 0.0
    # a column of the component's own may be added (and rewritten); the methods keep the KPIs
    ts["my_sensor_c"] = np.arange(len(ts), dtype=float)
    ts["my_sensor_c"] = 1.0
    view.add_power(2.0, column="extra_fan_kw")
    assert view.kpis["energy_facility_kwh"] == pytest.approx(before_kpis["energy_facility_kwh"] + 2.0 * 24)
    out_ts, out_kpis = view.finish()
    assert (out_ts["my_sensor_c"] == 1.0).all() and (out_ts["extra_fan_kw"] == 2.0).all()
    assert out_kpis["pue"] > before_kpis["pue"]
    pd.testing.assert_frame_equal(run.timeseries, before_ts)
    assert dict(run.kpis) == before_kpis
    with pytest.raises(RuntimeError, match="already called"):
        view.finish()


def test_a_change_of_zero_leaves_every_kpi_bit_identical(run):
    view = RunView(scenario=run.scenario, timeseries=run.timeseries, kpis=run.kpis, seed=1)
    view.add_power(0.0, column="chiller_power_kw")
    view.add_water(0.0)
    view.add_heat_reuse(0.0)
    view.set_price(view.timeseries["price_sek_per_kwh"])
    _, kpis = view.finish()
    assert kpis == dict(run.kpis)


def test_postprocessors_get_the_view_and_the_notes_reach_the_manifest(run):
    class Noter(plugins.Component):
        requires_dcsim = ">=0.1"

        def postprocess(self, view, params):
            assert isinstance(view, RunView) and view.seed == 5
            view.note("seen")

    from dcsim.case.components import LoadedComponent

    lc = LoadedComponent(name="noter", component=Noter(), params={}, origin="test")
    out, notes = run_postprocessors(run, [lc], seed=5)
    assert notes == ["seen"] and out.manifest["component_notes"] == ["seen"]
    assert out.kpis == run.kpis and out.timeseries is not run.timeseries


# --------------------------------------------------------------------------- the surface and its docs


def test_the_surface_exports_what_plugin_authors_use():
    for name in plugins.__all__:
        assert getattr(plugins, name) is not None, name
    assert plugins.interp_clamped(np.array([0.0, 10.0]), np.array([1.0, 3.0]), 5.0) == 2.0
    assert plugins.COOLING_MODES[plugins.MODE_FREE] == "free"
    assert plugins.ENTRY_POINT_GROUP == "dcsim.components" and plugins.DCSIM_VERSION == dcsim.__version__
    import dcsim.case.components as old  # the old import path keeps working

    assert old.Component is plugins.Component and old.RunView is plugins.RunView
    assert old.API_VERSION == plugins.API_VERSION and old.ENTRY_POINT_GROUP == plugins.ENTRY_POINT_GROUP


def test_plugin_docs_and_the_example_import_only_dcsim_plugins():
    """Plugin code imports dcsim.plugins; the one other import in the guide is the datasheet
    tables' module, in the section for dcsim's own kernels."""
    example = ROOT / "examples" / "dcsim-example-plugin" / "src" / "dcsim_example_plugin" / "__init__.py"
    texts = {p: p.read_text(encoding="utf-8") for p in (ROOT / "docs" / "plugins.md", example)}
    for path, text in texts.items():
        imports = re.findall(r"^\s*from (dcsim[\w.]*) import ([\w, ]+)", text, flags=re.M)
        assert imports, path
        for module, names in imports:
            if path.suffix == ".md" and module == "dcsim.case.datasheet":
                continue
            assert module == "dcsim.plugins", f"{path.name}: from {module} import {names}"
            for name in names.split(","):
                assert hasattr(plugins, name.strip()), f"{path.name}: dcsim.plugins has no {name.strip()}"
        assert "dcsim._numeric" not in text and "dcsim.case.components" not in text, path.name


def test_the_example_plugin_declares_the_dcsim_versions_it_supports(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "examples" / "dcsim-example-plugin" / "src"))
    sys.modules.pop("dcsim_example_plugin", None)
    import dcsim_example_plugin as ex

    try:
        for cls in (ex.OnsiteSolar, ex.VendorUps, ex.TimeOfUseTariff):
            assert cls.requires_dcsim == ex.REQUIRES_DCSIM
            assert compatibility_problem(cls()) is None  # this dcsim is inside
            refusal = compatibility_problem(cls(), who="example", version="1.0.0")
            assert refusal == f"example requires dcsim {ex.REQUIRES_DCSIM!r}; this is dcsim 1.0.0 (component API 1)"
    finally:
        sys.modules.pop("dcsim_example_plugin", None)


def test_cooling_mode_change_weights_rows_as_the_engine_does(run):
    """free_cooling_hours moves by dcsim.cooling.MODE_FREE_WEIGHT (evaporative counts whole, as
    results.compute_kpis counts it), not only free and partial-free rows."""
    from dcsim.cooling import COOLING_MODES, MODE_FREE_WEIGHT

    view = RunView(scenario=run.scenario, timeseries=run.timeseries, kpis=run.kpis, seed=1)
    n, h = len(view.timeseries), view.record_step_h
    start = view.kpis["free_cooling_hours"]
    old = np.asarray(pd.Categorical(run.timeseries["cooling_mode"], categories=list(COOLING_MODES)).codes)
    view.set_cooling_mode(["evaporative"] * n)
    assert view.kpis["free_cooling_hours"] == pytest.approx(
        start + (n * MODE_FREE_WEIGHT[3] - np.asarray(MODE_FREE_WEIGHT)[old].sum()) * h, rel=1e-12)
    view.set_cooling_mode(["mechanical"] * n)
    assert view.kpis["free_cooling_hours"] == pytest.approx(start - np.asarray(MODE_FREE_WEIGHT)[old].sum() * h,
                                                            rel=1e-12, abs=1e-9)


def test_grid_import_follows_changes_after_onsite_generation(run):
    view = RunView(scenario=run.scenario, timeseries=run.timeseries, kpis=run.kpis, seed=1)
    fac = run.timeseries["facility_power_kw"].to_numpy()
    view.add_onsite_generation(np.minimum(fac, 4.0))
    view.add_power(5.0, column="extra_kw")
    imp = view.timeseries["grid_import_kw"].to_numpy()
    np.testing.assert_allclose(imp, fac + 5.0 - np.minimum(fac, 4.0), rtol=1e-12)
    view.set_price(view.timeseries["price_sek_per_kwh"] * 2.0)
    np.testing.assert_allclose(view.timeseries["grid_import_kw"].to_numpy(), imp, rtol=0)
