"""The paired performance gate's own logic (benchmarks/gate.py, benchmarks/_turns.py).

The lockstep tests run two toy worker processes through the real coordinator and the real
turn protocol, and check from the workers' own time stamps that they never ran at the same
time and that the rounds of a benchmark both run alternate, reference first.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"_gate_under_test_{name}", BENCH / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


gate = _load("gate")

WORKER = """
import os, sys, time
sys.path.insert(0, {bench!r})
from _turns import turns
label, log, names, rounds, crash_at = sys.argv[1], sys.argv[2], sys.argv[3].split(","), int(sys.argv[4]), sys.argv[5]
turns.start()
turns.collected(names)
assert "DCSIM_BENCH_TURNS" not in os.environ  # children of a benchmark do not take part
for name in names:
    for r in range(rounds):
        turns.yield_turn(name)
        if name == crash_at and r == 1:
            os._exit(3)
        t0 = time.monotonic_ns()
        time.sleep(0.004)
        t1 = time.monotonic_ns()
        with open(log, "a") as f:
            f.write(f"{{label}} {{name}} {{r}} {{t0}} {{t1}}\\n")
turns.done()
"""


def _run(tmp_path, names: dict[str, str], rounds=3, crash: dict[str, str] | None = None):
    script = tmp_path / "worker.py"
    script.write_text(WORKER.format(bench=str(BENCH)))
    log = tmp_path / "intervals.txt"
    specs = [
        gate.Spec(label, [sys.executable, str(script), label, str(log), names[label], str(rounds), (crash or {}).get(label, "-")],
                  tmp_path, dict(os.environ), tmp_path / f"{label}.log")
        for label in ("reference", "candidate")
    ]  # fmt: skip
    workers = gate.lockstep(specs, timeout_s=60, progress=lambda m: None)
    rows = [line.split() for line in log.read_text().splitlines()] if log.exists() else []
    return workers, [(lab, name, int(r), int(t0), int(t1)) for lab, name, r, t0, t1 in rows]


def _no_overlap(rows):
    spans = sorted((t0, t1, lab) for lab, _, _, t0, t1 in rows)
    for (a0, a1, la), (b0, b1, lb) in zip(spans, spans[1:]):
        assert b0 >= a1, f"{la} and {lb} ran at the same time"


def test_lockstep_alternates_reference_first_and_never_overlaps(tmp_path):
    workers, rows = _run(tmp_path, {"reference": "a,b", "candidate": "a,b"})
    assert [w.proc.returncode for w in workers] == [0, 0]
    _no_overlap(rows)
    order = [(lab[0], name, r) for lab, name, r, _, _ in sorted(rows, key=lambda x: x[3])]
    assert order == [(side, name, r) for name in "ab" for r in range(3) for side in "rc"]


def test_lockstep_runs_a_benchmark_only_one_side_has_alone_then_pairs_again(tmp_path):
    workers, rows = _run(tmp_path, {"reference": "a,b", "candidate": "a,x,b"})
    assert [w.proc.returncode for w in workers] == [0, 0]
    _no_overlap(rows)
    order = [(lab[0], name) for lab, name, _, _, _ in sorted(rows, key=lambda x: x[3])]
    # a alternates; the candidate's x runs alone (the reference waits at b); then b alternates
    assert order == [*[("r", "a"), ("c", "a")] * 3, *[("c", "x")] * 3, *[("r", "b"), ("c", "b")] * 3]


def test_lockstep_a_worker_that_dies_releases_the_other(tmp_path):
    workers, rows = _run(tmp_path, {"reference": "a,b", "candidate": "a,b"}, crash={"candidate": "a"})
    assert [w.proc.returncode for w in workers] == [0, 3]
    _no_overlap(rows)
    assert sum(1 for lab, *_ in rows if lab == "reference") == 6  # it finished every round


def test_turns_do_nothing_outside_the_gate(monkeypatch):
    monkeypatch.delenv("DCSIM_BENCH_TURNS", raising=False)
    turns = _load("_turns")._Turns()
    assert not turns.active
    turns.start(), turns.collected(["a"]), turns.yield_turn("a"), turns.done()  # no pipe: returns at once


def _info(ratio, throughput=None, unit="x/s"):
    return {"ratio": ratio, "throughput": throughput if throughput is not None else ratio * 1e6, "unit": unit}


def test_paired_slowdown_and_status():
    pairs = gate.pair_up(
        {"slow": _info(1.0), "ok": _info(1.0), "gone": _info(1.0), "unit": _info(1.0)},
        {"slow": _info(1.0 / 1.30), "ok": _info(1.0 / 1.20), "new": _info(2.0), "unit": _info(1.0, unit="y/s")},
        by="ratio",
    )
    assert pairs["slow"].slowdown == pytest.approx(0.30) and pairs["slow"].status(0.25) == "FAIL"
    assert pairs["ok"].slowdown == pytest.approx(0.20) and pairs["ok"].status(0.25) == "ok"
    assert pairs["gone"].status(0.25) == "MISSING"
    assert pairs["new"].status(0.25) == "new"
    assert pairs["unit"].status(0.25) == "changed"
    assert gate.failing(pairs, 0.25) == ["slow"]
    assert not gate.report_paired(pairs, {}, 0.25, "test")  # FAIL and MISSING fail the gate
    assert gate.report_paired({"ok": pairs["ok"], "new": pairs["new"]}, {}, 0.25, "test")


def test_a_failure_needs_both_the_calibrated_and_the_plain_comparison():
    # calibrated +30 %, plain throughput +5 %: the calibration's own noise, not the code
    p = gate.pair_up({"b": _info(1.0, throughput=100.0)}, {"b": _info(1.0 / 1.3, throughput=100.0 / 1.05)}, by="ratio")["b"]
    assert p.slowdown == pytest.approx(0.30) and p.raw_slowdown == pytest.approx(0.05)
    assert p.status(0.25) == "ok"


def test_best_of_two_processes_keeps_each_figure_at_its_best():
    a = {**_info(1.0, throughput=90.0), "fullname": "x"}
    b = {**_info(0.9, throughput=100.0), "fullname": "x"}
    best = gate.best_of(a, b)
    assert best["ratio"] == 1.0 and best["throughput"] == 100.0 and best["processes"] == 2
    assert gate.best_of(None, b) is b and gate.best_of(a, None) is a


def test_paired_by_throughput_when_calibrations_differ():
    # the calibration changed between the trees: the ratios are not comparable, throughputs are
    p = gate.pair_up({"b": _info(1.0, throughput=100.0)}, {"b": _info(5.0, throughput=80.0)}, by="throughput")["b"]
    assert p.slowdown == pytest.approx(0.25)


def test_first_turn_and_catch_up_rules():
    W = gate.Worker
    ref = W(None, None, -1, -1, state="waiting", names=["a", "b"], current="a")
    cand = W(None, None, -1, -1, state="waiting", names=["a", "b"], current="b")
    assert gate._choose(None, [ref, cand], [ref, cand]) is ref  # the first turn: the reference
    assert gate._choose(ref, [ref, cand], [ref, cand]) is ref  # ref is behind (a < b): it goes on
    assert gate._choose(cand, [ref, cand], [ref, cand]) is ref
    ref.current = "b"
    assert gate._choose(ref, [ref, cand], [ref, cand]) is cand  # level: alternate
    assert gate._choose(cand, [cand], [ref, cand]) is cand  # the other is done or running


def test_history_line_goes_into_its_section(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{gate.HISTORY_HEADING}\n\nintro\n\n- old line\n\n## Later section\n\ntext\n")
    entry = {"created_utc": "2026-12-02T10:00:00+00:00", "commit": "a" * 40, "previous": "b" * 40, "why": "physics",
             "paired_slowdown_vs_previous": {"test_bench_thermal_kernel": 0.12, "test_bench_x": 0.01},
             "machine": {"cpu": "CPU (AVX2)"}}
    line = gate.history_line(entry, 0.25)
    assert line == ("- 2026-12-02 `aaaaaaa` (was `bbbbbbb`): physics (paired against `bbbbbbb`: thermal_kernel "
                    "+12.0 %; CPU (AVX2))")
    gate.append_history_line(readme, line)
    text = readme.read_text()
    assert text.index("- old line") < text.index(line) < text.index("## Later section")
    assert text.endswith("## Later section\n\ntext\n")


def test_update_needs_a_reason(capsys, monkeypatch):
    monkeypatch.delenv("WHY", raising=False)
    assert gate.main(["--update", "--why", " "]) == 2
    assert "needs a reason" in capsys.readouterr().err


def test_baseline_names_an_existing_reference_commit():
    """CI pairs with this commit: it must be in the history (a commit that is not would make
    the gate exit 2 on every run)."""
    data = json.loads((BENCH / "baseline.json").read_text())
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    assert gate.resolve_commit(data["commit"]).startswith(data["commit"][:7])


def test_a_later_pass_with_nothing_selected_is_not_an_error():
    # `-- -k cold_start` names only benchmarks that run in fresh processes: pass 2 (in-process
    # benchmarks only) then selects nothing on both sides, which ends the passes
    from types import SimpleNamespace as S

    assert gate.nothing_selected({"reference": S(returncode=5), "candidate": S(returncode=5)})
    assert not gate.nothing_selected({"reference": S(returncode=5), "candidate": S(returncode=0)})
    assert not gate.nothing_selected({"reference": S(returncode=1), "candidate": S(returncode=5)})
    assert not gate.nothing_selected({})
