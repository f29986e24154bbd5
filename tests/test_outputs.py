"""Output folders (issue 19): written whole into a fresh sibling and swapped in, so a folder is
always one run's output; a folder that is not dcsim's is refused unless --force; nothing
temporary is left behind."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import dcsim
from dcsim._outdir import MARKER, OutputError, check_target, fresh_folder
from dcsim.cli import main
from dcsim.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
SMALL = {"name": "small", "it": {"racks": 2, "servers_per_rack": 4}, "simulation": {"duration": "2h", "step": "300s"}}


@pytest.fixture(scope="module")
def results():
    return dcsim.simulate(dcsim.load_scenario(SMALL))


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}.dcsim-"))


def test_a_save_replaces_the_folder_whole(results, tmp_path):
    out = tmp_path / "run"
    results.save(out)
    (out / "stale.txt").write_text("from an earlier run")
    results.save(out)
    assert sorted(p.name for p in out.iterdir()) == sorted([*results.OUTPUT_FILES, MARKER])
    assert _leftovers(out) == []


def test_a_folder_that_is_not_dcsims_is_refused_unless_forced(results, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    with pytest.raises(InputError) as exc:
        results.save(out)
    assert "not a dcsim output" in exc.value.format() and "--force" in exc.value.format()
    assert (out / "thesis.tex").exists()
    results.save(out, force=True)
    assert not (out / "thesis.tex").exists() and (out / "kpis.json").exists()


def test_an_empty_folder_and_an_older_dcsim_output_are_replaced(results, tmp_path):
    (tmp_path / "empty").mkdir()
    results.save(tmp_path / "empty")
    old = tmp_path / "old"
    old.mkdir()
    (old / "manifest.json").write_text("{}")  # written before the marker existed
    results.save(old)
    assert json.loads((old / "manifest.json").read_text())["dcsim_version"] == dcsim.__version__


@pytest.mark.parametrize("make, message", [
    (lambda d: d.parent.parent, "root of a file system"),
    (lambda d: (d.write_text("x"), d)[1], "is a file"),
    (lambda d: (d.write_text("x"), d / "sub")[1], "which is a file"),
])
def test_impossible_output_paths_are_refused_with_the_reason(tmp_path, make, message):
    target = make(tmp_path / "target") if message != "root of a file system" else Path("/")
    with pytest.raises(InputError) as exc:
        check_target(target)
    assert message in exc.value.format()


def test_an_error_during_the_save_leaves_the_old_output_and_no_sibling(results, tmp_path, monkeypatch):
    out = tmp_path / "run"
    results.save(out)
    before = (out / "kpis.json").read_text()

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(type(results.timeseries), "to_parquet", broken)
    with pytest.raises(OutputError, match="No space left on device"):
        results.save(out)
    assert (out / "kpis.json").read_text() == before
    assert _leftovers(out) == []


def test_a_keyboard_interrupt_inside_the_save_removes_the_sibling(tmp_path):
    out = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt):
        with fresh_folder(out) as tmp:
            (tmp / "half.json").write_text("{")
            raise KeyboardInterrupt
    assert not out.exists() and _leftovers(out) == []


def test_a_sibling_left_by_a_sigkill_is_removed_by_the_next_save(results, tmp_path):
    out = tmp_path / "run"
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT / 'src')!r})
        from dcsim._outdir import fresh_folder
        with fresh_folder(__import__('pathlib').Path({str(out)!r})) as tmp:
            (tmp / 'half.json').write_text('{{')
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert proc.returncode == -9
    assert len(_leftovers(out)) == 1  # what a SIGKILL leaves: no handler runs
    results.save(out)
    assert _leftovers(out) == [] and (out / "kpis.json").exists()


def test_the_cli_checks_the_output_before_running(tmp_path, capsys):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("x")
    scenario = ROOT / "scenarios" / "lulea-air-1mw.toml"
    assert main(["run", str(scenario), "-o", str(mine), "-q"]) == 2  # refused at once, not after a year's run
    assert "add --force" in capsys.readouterr().err
    assert main(["run", str(scenario), "-o", str(tmp_path / "f" / "x"), "-q", "--set", "simulation.duration=1h",
                 "--set", "simulation.step=600s"]) == 0


def test_a_rerun_of_a_case_with_a_proposal_fewer_leaves_no_stale_variant_folder(tmp_path):
    case = tmp_path / "case.toml"
    base = ROOT / "scenarios" / "lulea-air-1mw.toml"
    body = textwrap.dedent(f"""
        [case]
        name = "two"
        baseline = "{base}"
        [assumptions]
        replications = 1
        [[proposals]]
        name = "p1"
        capital_cost_sek = 1000
        lifetime_years = 10
        patch = {{ "room.supply_air_c" = 24 }}
        [[proposals]]
        name = "p2"
        capital_cost_sek = 1000
        lifetime_years = 10
        patch = {{ "room.supply_air_c" = 25 }}
    """)
    case.write_text(body)
    out = tmp_path / "out"
    short = ["--set", "simulation.duration=2h", "--set", "simulation.step=600s", "-q"]
    assert main(["case", str(case), "-o", str(out), *short]) == 0
    assert (out / "runs" / "p2").is_dir()
    case.write_text(body[: body.rindex("[[proposals]]")])
    assert main(["case", str(case), "-o", str(out), *short]) == 0
    assert sorted(p.name for p in (out / "runs").iterdir()) == ["baseline", "p1"]
    assert _leftovers(out) == []


SWEEP = ROOT / "tests" / "fixtures" / "sweeps" / "small.toml"


def _one_run_sweep(tmp_path: Path) -> Path:
    """The small sweep fixture cut to one run of two hours (a sweep's output folder is the point)."""
    text = SWEEP.read_text().replace('"2d"', '"2h"').replace("replications = 2", "replications = 1")
    text = text.replace("step = 4 }", "step = 8 }").replace('["none", "hot-aisle"]', '["none"]')
    path = tmp_path / "sweep.toml"
    path.write_text(text.replace("../scenarios/minimal.toml", str(SWEEP.parent.parent / "scenarios" / "minimal.toml")))
    return path


@pytest.mark.slow  # three sweeps, each starting a worker process
def test_a_sweep_refuses_a_folder_that_is_not_dcsims_and_replaces_an_old_output_whole(tmp_path, capsys):
    from dcsim.sweep import execute_sweep

    sweep = _one_run_sweep(tmp_path)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("x")
    assert main(["sweep", str(sweep), "-o", str(mine), "-q", "--workers", "1"]) == 2
    assert "add --force" in capsys.readouterr().err and (mine / "thesis.tex").exists()
    assert main(["sweep", str(sweep), "-o", str(tmp_path), "-q"]) == 2  # the sweep file's own folder is not dcsim's
    for bad in ("/", str(sweep), str(sweep / "under")):
        assert main(["sweep", str(sweep), "-o", bad, "-q"]) == 2, bad
    # an earlier run's output is a dcsim output: a sweep replaces it whole, none of its files stay
    out = tmp_path / "out"
    dcsim.simulate(dcsim.load_scenario(SMALL)).save(out)
    (out / "extra.csv").write_text("stale")
    outcome = execute_sweep(sweep, out, workers=1)
    names = {p.name for p in out.iterdir()}
    assert "kpis.json" not in names and "extra.csv" not in names
    assert {MARKER, "sweep.json", "results.parquet", "runs"} <= names and outcome.failed == 0
    assert _leftovers(out) == []
    # --resume keeps the runs; a sweep folder of an older dcsim (no marker) is still dcsim's
    (out / MARKER).unlink()
    again = execute_sweep(sweep, out, resume=True, workers=1)
    assert again.executed == 0 and again.reused == 1
    # --force replaces someone's folder whole
    assert main(["sweep", str(sweep), "-o", str(mine), "-q", "--workers", "1", "--force"]) == 0
    assert not (mine / "thesis.tex").exists() and (mine / "results.parquet").exists()
