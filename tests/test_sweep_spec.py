"""Sweep files: expansion (grid, ranges, zip groups, Latin hypercube, replications) and
up-front validation with file/line/path errors. Nothing is simulated here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dcsim import InputError
from dcsim.sweep import load_sweep
from dcsim.sweep.lhs import latin_hypercube
from dcsim.sweep.spec import expand_range

ROOT = Path(__file__).resolve().parents[1]
FIX = Path(__file__).parent / "fixtures" / "sweeps"
MINIMAL = (Path(__file__).parent / "fixtures" / "scenarios" / "minimal.toml").resolve()
EXAMPLE = ROOT / "scenarios" / "sweeps" / "supply-air-site-containment.toml"


def write(tmp_path: Path, text: str, name: str = "sweep.toml") -> Path:
    p = tmp_path / name
    p.write_text(text.replace("MINIMAL", MINIMAL.as_posix()), encoding="utf-8")
    return p


def test_grid_and_replications_expand_in_file_order():
    sw = load_sweep(FIX / "small.toml")
    assert sw.n_runs == 2 * 2 * 2
    assert sw.param_keys == ["room.supply_air_c", "room.containment"]
    got = [(r.params["room.supply_air_c"], r.params["room.containment"], r.seed) for r in sw.runs]
    assert got == [
        (20, "none", 7), (20, "none", 8), (20, "hot-aisle", 7), (20, "hot-aisle", 8),
        (24, "none", 7), (24, "none", 8), (24, "hot-aisle", 7), (24, "hot-aisle", 8),
    ]
    assert [r.run_id for r in sw.runs] == list(range(8))
    run = sw.runs[5]
    assert run.scenario.room.supply_air_c == 24 and run.scenario.simulation.seed == 8
    assert run.scenario.room.containment == "none"
    assert len({r.key for r in sw.runs}) == 8 and len(run.scenario_hash) == 64
    assert "8 runs" in sw.summary()


def test_ranges_include_stop_and_avoid_float_noise():
    assert expand_range({"start": 18, "stop": 27, "step": 3}) == [18, 21, 24, 27]
    assert expand_range({"start": 18, "stop": 26, "step": 3}) == [18, 21, 24]
    assert expand_range({"start": 0.1, "stop": 0.3, "step": 0.1}) == [0.1, 0.2, 0.3]
    assert expand_range({"start": 0, "stop": 1, "num": 5}) == [0.0, 0.25, 0.5, 0.75, 1.0]
    for bad in ({"start": 1}, {"start": 1, "stop": 2}, {"start": 1, "stop": 2, "step": 0},
                {"start": 1, "stop": 2, "step": 1, "num": 2}, {"start": 1, "stop": 2, "stepp": 1}):
        with pytest.raises(ValueError):
            expand_range(bad)


def test_zip_group_moves_together_and_seed_defaults_to_the_base(tmp_path):
    path = write(tmp_path, """
[sweep]
base = "MINIMAL"
[sweep.grid.room]                 # nested-table form of "room.containment"
containment = ["none", "cold-aisle"]
[sweep.zip.site]
"site.climate" = ["builtin:lulea", "builtin:malmo", "builtin:umea"]
"site.grid" = ["builtin:se1", "builtin:se4", "builtin:se2"]
""")
    sw = load_sweep(path)
    assert sw.n_runs == 6
    assert sw.param_keys == ["room.containment", "site.climate", "site.grid"]
    pairs = {(r.params["site.climate"], r.params["site.grid"]) for r in sw.runs}
    assert pairs == {("builtin:lulea", "builtin:se1"), ("builtin:malmo", "builtin:se4"), ("builtin:umea", "builtin:se2")}
    assert {r.seed for r in sw.runs} == {42}  # minimal.toml leaves the seed at its default


def test_latin_hypercube_hits_every_stratum_once_and_is_seeded():
    u = latin_hypercube(50, 3, seed=5)
    assert u.shape == (50, 3) and u.min() >= 0 and u.max() < 1
    for j in range(3):
        assert sorted(np.floor(u[:, j] * 50).astype(int)) == list(range(50))
    assert np.array_equal(u, latin_hypercube(50, 3, seed=5))
    assert not np.array_equal(u, latin_hypercube(50, 3, seed=6))


def test_sampled_sweep_crosses_samples_with_the_grid():
    sw = load_sweep(FIX / "sampled.yaml")
    assert sw.sampled and sw.n_runs == 2 * 6 and sw.kpi == "energy_facility_kwh"
    first, second = sw.runs[:6], sw.runs[6:]
    strip = lambda runs: [{k: v for k, v in r.params.items() if k != "room.containment"} for r in runs]  # noqa: E731
    assert strip(first) == strip(second)  # the same six points under each containment
    sat = sorted(r.params["room.supply_air_c"] for r in first)
    assert all(18 + 1.5 * i <= v < 18 + 1.5 * (i + 1) for i, v in enumerate(sat))  # one per stratum
    assert all(isinstance(r.params["it.racks"], int) and 2 <= r.params["it.racks"] <= 8 for r in first)
    assert load_sweep(FIX / "sampled.yaml").runs[3].params == sw.runs[3].params  # seeded


def test_every_problem_is_reported_at_once_with_lines_and_run_parameters():
    with pytest.raises(InputError) as info:
        load_sweep(FIX / "invalid.toml")
    exc = info.value
    text = exc.format()
    by = {}
    for p in exc.problems:
        by.setdefault(p.path, []).append(p)
    assert {p.line for p in by["sweep.replications"]} == {4}
    assert "did you mean 'pue'" in by["sweep.kpi"][0].message and by["sweep.kpi"][0].line == 5
    assert by["sweep.grid.it.racks"][0].line == 13 and "stop (2) must not be below start (4)" in text
    assert by["sweep.zip.site"][0].line == 15 and "equal lengths" in by["sweep.zip.site"][0].message
    assert by["room.suply_air_c"][0].line == 8 and "did you mean 'room.supply_air_c'" in by["room.suply_air_c"][0].message
    containment = by["room.containment"][0]
    assert containment.line == 12 and containment.value == "cold_aisle" and "in 3 runs, first run 1" in containment.message
    setpoints = {p.value: p for p in by["room.supply_air_c"]}
    assert set(setpoints) == {45, 50} and all(p.line == 11 for p in setpoints.values())
    assert "room.supply_air_c=45" in setpoints[45].message  # names the run's parameters
    assert all(p.file == str(FIX / "invalid.toml") for p in exc.problems)
    assert len(exc.problems) == 8


def test_yaml_problems_have_lines_too(tmp_path):
    path = write(tmp_path, """sweep:
  base: MINIMAL
  grid:
    room.supply_air_c: [22, 99]
    room.containment: {start: 1}
  sample:
    n: 4
    params:
      workload.mean_utilization: {min: 0.9, max: 0.2}
""", name="bad.yaml")
    with pytest.raises(InputError) as info:
        load_sweep(path)
    lines = {p.path: p.line for p in info.value.problems}
    assert lines == {"sweep.grid.room.containment": 5, "sweep.sample.params.workload.mean_utilization.max": 9,
                     "room.supply_air_c": 4}


def test_sweep_level_checks(tmp_path):
    path = write(tmp_path, """
[sweep]
base = "missing.toml"
[sweep.set]
"room.supply_air_c" = 22
[sweep.grid]
"room.supply_air_c" = [20, 24]
"simulation.seed" = [1, 2]
"not a key" = [1]
""")
    with pytest.raises(InputError) as info:
        load_sweep(path)
    text = info.value.format()
    assert "already set in sweep.set" in text
    assert "use sweep.replications" in text
    assert "is not a dotted scenario key" in text
    assert "base scenario" in text and "file not found" in text


def test_relative_weather_paths_are_relative_to_the_sweep_file():
    sw = load_sweep(FIX / "broken_run.toml")
    climate = sw.runs[1].scenario.site.climate
    assert Path(climate) == (FIX / "not_weather.csv").resolve()
    assert sw.runs[1].params["site.climate"] == "not_weather.csv"  # the column keeps what was written


def dcsim(*args):
    return subprocess.run([sys.executable, "-m", "dcsim", *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


@pytest.mark.slow  # two subprocesses, about 2-4 s
def test_validate_says_how_many_runs():
    proc = dcsim("validate", EXAMPLE)
    assert proc.returncode == 0, proc.stderr
    out = " ".join(proc.stdout.split())
    assert "36 runs" in out and "room.supply_air_c (4)" in out and "site = zip of site.climate" in out
    bad = dcsim("validate", FIX / "invalid.toml")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "8 problems in sweep" in bad.stderr
