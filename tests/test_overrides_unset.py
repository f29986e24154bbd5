"""``--unset KEY`` and ``--set KEY=null`` remove a key, so the schema's default applies (issue 19)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dcsim.cli import main
from dcsim.errors import InputError
from dcsim.scenario import UNSET, apply_overrides, load_scenario, parse_set_option

REFERENCE = Path(__file__).resolve().parents[1] / "scenarios" / "lulea-air-1mw.toml"


def test_null_parses_as_unset_and_removes_the_key():
    assert parse_set_option("workload.daily_profile=null") == ("workload.daily_profile", UNSET)
    data = {"workload": {"kind": "profile", "daily_profile": [1.0] * 24}}
    out = apply_overrides(data, {"workload.daily_profile": UNSET, "room.supply_air_c": UNSET})
    assert out == {"workload": {"kind": "profile"}}  # a key that is not there is no problem
    assert data["workload"]["daily_profile"] == [1.0] * 24  # the input is not touched
    assert str(UNSET) == "null"


def test_a_quoted_null_stays_a_string():
    assert parse_set_option('name="null"') == ("name", "null")


def test_unset_lets_the_reference_scenario_switch_its_workload_kind():
    with pytest.raises(InputError) as exc:
        load_scenario(REFERENCE, overrides={"workload.kind": "synthetic"})
    assert "workload.daily_profile" in exc.value.format()
    sc = load_scenario(REFERENCE, overrides={"workload.kind": "synthetic", "workload.daily_profile": UNSET})
    assert sc.workload.kind == "synthetic" and sc.workload.daily_profile is None


def test_the_cli_accepts_unset_and_set_null_alike(capsys):
    for args in (["--unset", "workload.daily_profile"], ["--set", "workload.daily_profile=null"]):
        assert main(["validate", str(REFERENCE), "--set", "workload.kind=synthetic", *args, "-q"]) == 0
    assert main(["validate", str(REFERENCE), "--set", "workload.kind=synthetic", "-q"]) == 2


def test_a_profile_that_peaks_above_one_is_refused_with_the_highest_mean_it_allows(capsys):
    assert main(["validate", str(REFERENCE), "--set", "workload.mean_utilization=1.0"]) == 2
    err = capsys.readouterr().err
    assert "peaks at 1.316 > 1" in err and "allows a mean of at most 0.759" in err
    assert main(["validate", str(REFERENCE), "--set", "workload.mean_utilization=0.759", "-q"]) == 0
