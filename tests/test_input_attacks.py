"""Input files that attack the loader (issue 19): each ends in exit 2 with one message naming
the file and what is wrong, quickly, in little memory, and never echoes the file's contents."""

from __future__ import annotations

import os
import resource
import shutil
from pathlib import Path

import pytest

from dcsim.cli import main
from dcsim.scenario import read_document
from dcsim.scenario._yaml import MAX_DEPTH, MAX_NODES

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "scenarios" / "lulea-air-1mw.toml"


def _validate(capsys, *args) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["validate", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.err + captured.out


def test_a_duplicate_yaml_key_is_refused_with_both_lines(tmp_path, capsys):
    f = tmp_path / "dup.yaml"
    f.write_text("name: x\nit:\n  racks: 2\nroom:\n  supply_air_c: 22\nit:\n  racks: 3\n")
    code, text = _validate(capsys, f)
    assert code == 2
    assert "line 6" in text and "duplicate key 'it' (first on line 2)" in text


def test_a_duplicate_key_inside_a_section_is_refused(tmp_path, capsys):
    f = tmp_path / "dup.yaml"
    f.write_text("name: x\nroom:\n  supply_air_c: 22\n  supply_air_c: 18\n")
    code, text = _validate(capsys, f)
    assert code == 2 and "duplicate key 'supply_air_c' (first on line 3)" in text


def test_a_yaml_alias_bomb_is_refused_before_it_grows(tmp_path, capsys):
    rows = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    prev = "a"
    for name in "bcdefghi":
        rows.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
        prev = name
    f = tmp_path / "bomb.yaml"
    f.write_text("\n".join(rows) + "\n")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    code, text = _validate(capsys, f)
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert code == 2 and f"past {MAX_NODES:,} nodes" in text
    assert grown_kb < 200_000  # 9**9 expanded strings would be gigabytes; the check walks 90 nodes


def test_a_few_aliases_still_load(tmp_path):
    f = tmp_path / "anchors.yaml"
    f.write_text("defaults: &d {supply_air_c: 22}\nroom: *d\n")
    assert read_document(f)[0]["room"] == {"supply_air_c": 22}


@pytest.mark.parametrize("suffix, text", [
    (".yaml", "a: " + "[" * 5000 + "]" * 5000 + "\n"),
    (".toml", "a = " + "[" * 5000 + "]" * 5000 + "\n"),
    (".toml", "a = " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n"),
])
def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path, capsys, suffix, text):
    f = tmp_path / f"deep{suffix}"
    f.write_text(text)
    code, out = _validate(capsys, f)
    assert code == 2 and "nested" in out and "internal error" not in out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this OS")
def test_a_fifo_as_the_scenario_is_refused_without_blocking(tmp_path, capsys):
    fifo = tmp_path / "scenario.toml"
    os.mkfifo(fifo)
    code, text = _validate(capsys, fifo)  # opening it for reading would block for ever
    assert code == 2 and "not a regular file" in text


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this OS")
def test_a_fifo_or_a_directory_as_the_weather_file_is_named_as_such(tmp_path, capsys):
    fifo = tmp_path / "weather.csv"
    os.mkfifo(fifo)
    code, text = _validate(capsys, REFERENCE, "--set", f"site.climate={fifo}")
    assert code == 2 and "weather file is not a regular file" in text
    code, text = _validate(capsys, REFERENCE, "--set", f"site.climate={tmp_path}")
    assert code == 2 and "weather file is a directory" in text


def test_an_oversized_file_is_refused_unread(tmp_path, capsys):
    f = tmp_path / "big.toml"
    with open(f, "wb") as fh:
        fh.truncate(5 * 1024 * 1024)
    code, text = _validate(capsys, f)
    assert code == 2 and "input files may be at most" in text


def test_an_error_never_echoes_a_secret_file(tmp_path, capsys):
    secret = tmp_path / "shadow.csv"
    secret.write_text("root:$6$SECRETHASH:19000:0:99999:7:::\ndaemon:*:19000\n")
    scenario = tmp_path / "s.toml"
    shutil.copy(REFERENCE, scenario)
    capsys.readouterr()
    code = main(["run", str(scenario), "--set", f"site.climate={secret}", "-o", str(tmp_path / "out"), "-q"])
    text = "".join(capsys.readouterr())
    assert code == 2
    assert "SECRETHASH" not in text and "root:" not in text
    assert "do not look like column names (not shown)" in text
    assert not (tmp_path / "out").exists()


def test_ordinary_column_names_are_still_listed(tmp_path, capsys):
    weather = tmp_path / "w.csv"
    weather.write_text("timestamp,temp_c,rh\n2025-01-01T00:00Z,1,80\n")
    scenario = tmp_path / "s.toml"
    shutil.copy(REFERENCE, scenario)
    capsys.readouterr()
    code = main(["run", str(scenario), "--set", f"site.climate={weather}", "-o", str(tmp_path / "out"), "-q"])
    text = "".join(capsys.readouterr())
    assert code == 2 and "'timestamp', 'temp_c', 'rh'" in text


def test_a_job_rate_that_would_need_terabytes_is_refused_before_anything_is_allocated(capsys):
    """arrivals_per_h = 1e9 on a year once raised MemoryError (179 GiB of jobs)."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    code, text = _validate(capsys, ROOT / "scenarios" / "jobs-lulea-batch.toml",
                           "--set", "workload.synthetic.arrivals_per_h=1e9")
    assert code == 2 and "workload.synthetic.arrivals_per_h" in text and "at most 50,000,000" in text
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # kB: nothing was generated


@pytest.mark.parametrize("value, message", [
    ("inf", "a bare number has no unit"),  # TOML's inf is a float: refused as a duration without a unit
    ('"' + "9" * 400 + 'd"', "must be a finite duration"),  # 10**400 days: once an OverflowError
    ('"-1d"', "expected a duration"),
])
def test_an_infinite_or_negative_duration_is_refused(tmp_path, capsys, value, message):
    f = tmp_path / "s.toml"
    f.write_text(f'name = "x"\n[simulation]\nduration = {value}\n', encoding="utf-8")
    code, text = _validate(capsys, f)
    assert code == 2 and "simulation.duration" in text and message in text and "line 3" in text


def test_an_output_under_proc_exits_1_in_one_line(tmp_path, capsys):
    """-o /proc/...: the folder cannot be made; one line with the OS's reason, exit 1, no
    internal error (the run is cut to an hour: the check comes before it, the save after)."""
    if not Path("/proc").is_dir():
        pytest.skip("no /proc here")
    capsys.readouterr()
    code = main(["run", str(REFERENCE), "-o", "/proc/dcsim-output", "-q", "--set", "simulation.duration=1h"])
    err = capsys.readouterr().err.strip()
    assert code == 1 and err.startswith("dcsim: cannot write the output to /proc/dcsim-output")
    assert len(err.splitlines()) == 1 and "internal error" not in err
