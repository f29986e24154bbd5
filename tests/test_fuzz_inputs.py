"""A bounded fuzz of the inputs (issue 19): scenario values of every kind (NaN, inf, huge,
wrong types) and random YAML structure. Every case ends in exit 0 with finite KPIs, or exit 2
naming the path at fault; never an internal error, a hang or a runaway allocation."""

from __future__ import annotations

import json
import math
import resource
from pathlib import Path

import pytest
import tomli_w
import yaml

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from dcsim.cli import main  # noqa: E402

REFERENCE = Path(__file__).resolve().parents[1] / "scenarios" / "lulea-air-1mw.toml"
#: keys of every kind: counts, temperatures, powers, volumes, durations, switches, lists, names
KEYS = [
    "it.racks", "it.servers_per_rack", "room.supply_air_c", "room.air_volume_m3", "electrical.lighting_kw",
    "workload.mean_utilization", "workload.daily_profile", "simulation.duration", "simulation.step",
    "simulation.record_step", "simulation.seed", "heat_reuse.enabled", "it.power_cap_w", "it.frequency_fraction",
    "site.climate", "room.containment", "cooling.system", "workload.kind", "workload.arrivals_per_h",
    "site.synthetic.mean_rh_pct", "it.server",
]
VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.text(max_size=12),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=30),
    st.just(None),
    st.sampled_from([1e308, -1e308, 5e-324, 2**62, 10**9, "inf", "365000d", "1s", "0s", [1.0] * 24]),
)
#: a peak RSS far below the acceptance limit of 2 GB: the check of a runaway allocation
MAX_RSS_KB = 2 * 1024 * 1024


def _toml_value(value) -> str:
    if value is None:
        return "null"  # removes the key
    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()


def _check(code: int, err: str, key: str, out: Path) -> None:
    assert "internal error" not in err and "Traceback" not in err, err
    assert code in (0, 2), err
    if code == 2:
        assert key in err or key.split(".")[0] in err, err  # the path at fault (or its section)
    else:
        kpis = json.loads((out / "kpis.json").read_text())
        bad = {k: v for k, v in kpis.items() if isinstance(v, float) and not math.isfinite(v)}
        assert not bad, bad


@settings(max_examples=60, deadline=30_000, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(key=st.sampled_from(KEYS), value=VALUES)
def test_a_scenario_value_of_any_kind_gives_finite_kpis_or_exit_2(tmp_path, capsys, key, value):
    out = tmp_path / "out"
    short = [] if key.startswith("simulation.") else ["--set", "simulation.duration=2h", "--set", "simulation.step=600s"]
    capsys.readouterr()
    code = main(["run", str(REFERENCE), "--set", f"{key}={_toml_value(value)}", *short, "-o", str(out), "-q",
                 "--force"])
    _check(code, capsys.readouterr().err, key, out)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < MAX_RSS_KB


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.floats(allow_nan=True),
                     st.text(max_size=8))
_TREES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(["it", "room", "racks", "site", "x", "step"]), inner,
                                                 max_size=4)), max_leaves=25)


@settings(max_examples=80, deadline=30_000, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=st.dictionaries(st.sampled_from(["name", "it", "room", "site", "simulation", "workload", "zz"]), _TREES,
                            max_size=5))
def test_any_yaml_structure_is_valid_or_exit_2(tmp_path, capsys, tree):
    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump(tree), encoding="utf-8")
    capsys.readouterr()
    code = main(["validate", str(f), "-q"])
    err = capsys.readouterr().err
    assert "internal error" not in err and "Traceback" not in err, err
    assert code in (0, 2), err
