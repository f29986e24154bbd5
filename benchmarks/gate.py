"""The performance gate: run the benchmark suites, compare their ratios with the baseline.

    python benchmarks/gate.py                 # make bench: full rounds, compare, exit 1 on regression
    python benchmarks/gate.py --quick         # make bench-quick (CI): few rounds, same comparison
    python benchmarks/gate.py --update        # make bench-update: rewrite benchmarks/baseline.json
    python benchmarks/gate.py --compare OLD.json NEW.json   # two saved runs, nothing is run
    python benchmarks/gate.py --json out.json -- -k thermal  # keep the run's JSON; pass pytest args

Each benchmark stores in ``extra_info`` a *ratio*: its throughput divided by the throughput of
a fixed calibration workload measured in the same test (benchmarks/_perf.py). The gate fails
when a benchmark costs more than ``tolerance`` (default 0.25, i.e. 25 %) more calibration
units per unit of work than in the baseline:

    slowdown = baseline_ratio / ratio - 1 > tolerance        (ratio < baseline / 1.25)

so a real 25 % slowdown of a hot loop (1.25x its time) is exactly at the limit and a 40 % one
fails. A benchmark in the baseline that did not run (renamed, removed, crashed) also fails
the gate; a new benchmark without a baseline is reported and passes until the next update.
A benchmark that fails is measured once more on its own (``--retries``, default 1) and fails
the gate only if that attempt fails too: a real slowdown fails every attempt, a burst of
load from other processes rarely hits twice. Only benchmarks that use the ``perf`` fixture
(marker ``gated``) run here.
Exit codes: 0 pass, 1 regression or missing benchmark, 2 the suites themselves failed (an
invariant assertion or an error; the table is still printed for the ones that ran).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
BASELINE = BENCH_DIR / "baseline.json"
DEFAULT_TOLERANCE = 0.25
MALLOC_ENV = {
    "MALLOC_MMAP_THRESHOLD_": str(4 << 30),
    "MALLOC_TRIM_THRESHOLD_": str(16 << 30),
    "MALLOC_TOP_PAD_": str(256 << 20),
}
#: Hard limit on one pytest run of the suites, seconds (a hung benchmark must not hang CI).
TIMEOUT_S = {"quick": 600, "full": 1800}


def run_suites(json_path: Path, *, quick: bool, pytest_args: list[str], targets: list[str] | None = None) -> int:
    env = dict(os.environ)
    env["DCSIM_BENCH_QUICK"] = "1" if quick else "0"
    # A fixed str hash seed: with a random one, dict-heavy Python code (imports, pydantic,
    # the cold starts' child processes) varies by up to 20 % from one process to the next.
    env["PYTHONHASHSEED"] = "0"
    # Steady-state memory: glibc keeps freed memory and serves large arrays from its heap, so
    # a year-long run's output arrays reuse pages already mapped instead of page-faulting
    # 100+ MB of fresh zero pages every round (whose cost swings with the machine's memory
    # state: transparent huge pages, other processes). Kept unless already set.
    for key, value in MALLOC_ENV.items():
        env.setdefault(key, value)
    cmd = [
        sys.executable, "-m", "pytest", *(targets or [str(BENCH_DIR)]),
        "-p", "no:cacheprovider", "-q", "-m", "gated",
        "--benchmark-enable",
        f"--benchmark-json={json_path}",
        "--benchmark-sort=name",
        "--benchmark-columns=min,median,max,rounds",
        *pytest_args,
    ]  # fmt: skip
    print("$", " ".join(cmd), flush=True)
    try:
        return subprocess.run(cmd, cwd=ROOT, env=env, timeout=TIMEOUT_S["quick" if quick else "full"]).returncode
    except subprocess.TimeoutExpired:
        print(f"gate: the benchmark suites took longer than {TIMEOUT_S['quick' if quick else 'full']} s", file=sys.stderr)
        return 2


def read_run(path: Path) -> dict[str, dict]:
    """{benchmark name: extra_info} of a pytest-benchmark JSON file (benchmarks with a ratio)."""
    data = json.loads(Path(path).read_text())
    out: dict[str, dict] = {}
    for b in data.get("benchmarks", []):
        info = b.get("extra_info") or {}
        if "ratio" not in info:
            continue
        if b["name"] in out:
            raise SystemExit(f"gate: two benchmarks named {b['name']!r}; benchmark names must be unique")
        out[b["name"]] = {**info, "fullname": b.get("fullname", b["name"])}
    return out


def read_baseline(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    return json.loads(path.read_text()).get("benchmarks", {})


def fmt(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:.4g}"


def regressed(baseline: dict[str, dict], current: dict[str, dict], tolerance: float) -> list[str]:
    """Names of the benchmarks that ran and are more than ``tolerance`` slower than baseline."""
    return [n for n, c in current.items() if n in baseline and baseline[n]["ratio"] / c["ratio"] - 1.0 > tolerance]


def compare(baseline: dict[str, dict], current: dict[str, dict], tolerance: float, title: str) -> bool:
    """Print the before/after table; True if the gate passes."""
    names = sorted(set(baseline) | set(current))
    rows = []
    ok = True
    for name in names:
        b, c = baseline.get(name), current.get(name)
        unit = (c or b)["unit"]
        if c is None:
            status, change = "MISSING", "-"
            ok = False
        elif b is None:
            status, change = "new", "-"
        else:
            slowdown = b["ratio"] / c["ratio"] - 1.0
            change = f"{slowdown * 100:+.1f}%"
            if slowdown > tolerance:
                status = "FAIL"
                ok = False
            else:
                status = "ok"
        rows.append(
            [
                name,
                f"{fmt(b and b.get('throughput'))} -> {fmt(c and c.get('throughput'))} {unit}",
                fmt(b and b["ratio"]),
                fmt(c and c["ratio"]),
                change,
                status + (f" ({c['attempts']} runs)" if c and c.get("attempts", 1) > 1 else ""),
            ]
        )
    head = ["benchmark", "throughput (baseline -> now)", "baseline ratio", "ratio now", "slowdown", "status"]
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    line = "  ".join("-" * w for w in widths)
    print()
    print(title)
    print(line)
    print("  ".join(h.ljust(w) for h, w in zip(head, widths)))
    print(line)
    for r in rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths)))
    print(line)
    print(
        f"slowdown = baseline ratio / ratio now - 1 (ratio = throughput / calibration throughput, "
        f"higher is faster); limit +{tolerance * 100:.0f}%"
    )
    failed = [r[0] for r in rows if r[-1].split()[0] in ("FAIL", "MISSING")]
    if failed:
        print(f"gate: FAILED: {', '.join(failed)}")
        if any(r[-1].startswith("MISSING") for r in rows):
            print("gate: a MISSING benchmark is in baseline.json but did not run; if it was removed or renamed on purpose, run `make bench-update`")
    else:
        print("gate: passed")
    return ok


def git_commit() -> str:
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        return sha + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def write_baseline(runs: list[dict[str, dict]], path: Path, tolerance: float, quick: bool) -> None:
    names = sorted(set().union(*runs))
    benchmarks = {}
    for name in names:
        infos = [r[name] for r in runs if name in r]
        benchmarks[name] = {
            "ratio": statistics.median(i["ratio"] for i in infos),
            "unit": infos[0]["unit"],
            "throughput": statistics.median(i["throughput"] for i in infos),
            "calibration": infos[0]["calibration"],
            "calibration_throughput": statistics.median(i["calibration_throughput"] for i in infos),
            "ratios_seen": [i["ratio"] for i in infos],
        }
        for key in sorted(infos[0]):
            if key not in benchmarks[name] and (key.startswith("time_per_unit_vs_") or key.endswith("_throughput")):
                benchmarks[name][key] = statistics.median(i[key] for i in infos)
    import numba
    import numpy

    data = {
        "about": "Committed benchmark ratios for benchmarks/gate.py (make bench). Rewrite only on purpose: make bench-update.",
        "tolerance": tolerance,
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "mode": "quick" if quick else "full",
        "runs": len(runs),
        "machine": {
            "python": platform.python_version(),
            "numpy": numpy.__version__,
            "numba": numba.__version__,
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
        },
        "benchmarks": benchmarks,
    }
    path.write_text(json.dumps(data, indent=2) + "\n")
    print(f"gate: wrote {path} ({len(benchmarks)} benchmarks, median of {len(runs)} run(s))")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    pytest_args: list[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, pytest_args = argv[:i], argv[i + 1 :]
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", default=os.environ.get("DCSIM_BENCH_QUICK", "") not in ("", "0"),
                   help="few rounds (CI); also on when DCSIM_BENCH_QUICK=1")
    p.add_argument("--update", action="store_true", help="rewrite the baseline from this run instead of comparing")
    p.add_argument("--runs", type=int, default=1, help="with --update: run the suites N times and keep the median ratio")
    p.add_argument("--tolerance", type=float, default=None, help=f"allowed slowdown (default: baseline's, else {DEFAULT_TOLERANCE})")
    p.add_argument("--baseline", type=Path, default=BASELINE, help="baseline file (default benchmarks/baseline.json)")
    p.add_argument("--json", type=Path, default=None, help="keep the pytest-benchmark JSON of the run here")
    p.add_argument("--retries", type=int, default=1,
                   help="re-measure a benchmark that fails, alone, up to N times; it fails only if every attempt does (default 1)")
    p.add_argument("--compare", type=Path, nargs="+", metavar="JSON",
                   help="compare saved runs instead of running: NEW (against the baseline) or OLD NEW")
    args = p.parse_args(argv)

    stored = json.loads(args.baseline.read_text()) if args.baseline.exists() else {}
    tolerance = args.tolerance if args.tolerance is not None else stored.get("tolerance", DEFAULT_TOLERANCE)

    if args.compare:
        if len(args.compare) > 2:
            p.error("--compare takes NEW or OLD NEW")
        if len(args.compare) == 2:
            before, title = read_run(args.compare[0]), f"{args.compare[0]} -> {args.compare[1]}"
        else:
            before, title = read_baseline(args.baseline), f"{args.baseline} -> {args.compare[0]}"
        return 0 if compare(before, read_run(args.compare[-1]), tolerance, title) else 1

    t0 = time.monotonic()
    runs = []
    suite_rc = 0
    with tempfile.TemporaryDirectory(prefix="dcsim-gate-") as tmp:
        for k in range(args.runs if args.update else 1):
            json_path = args.json if (args.json and k == 0) else Path(tmp) / f"run-{k}.json"
            if args.json:
                json_path.parent.mkdir(parents=True, exist_ok=True)
            rc = run_suites(json_path, quick=args.quick, pytest_args=pytest_args)
            suite_rc = suite_rc or rc
            if json_path.exists():
                runs.append(read_run(json_path))
    elapsed = time.monotonic() - t0
    mode = "quick" if args.quick else "full"
    print(f"gate: {mode} mode, suites ran in {elapsed:.0f} s")

    if args.update:
        if suite_rc != 0 or not runs:
            print("gate: the suites failed; baseline not written", file=sys.stderr)
            return 2
        write_baseline(runs, args.baseline, tolerance, args.quick)
        return 0

    if not runs:
        print("gate: no benchmark results (the suites did not run)", file=sys.stderr)
        return 2
    baseline, current = read_baseline(args.baseline), runs[0]
    # A failing benchmark is measured again on its own: a real slowdown fails every attempt,
    # a burst of load on the machine rarely hits twice. The best attempt counts.
    for attempt in range(args.retries):
        slow = regressed(baseline, current, tolerance)
        if not slow:
            break
        print(f"gate: {', '.join(slow)} slower than the limit; measuring again (retry {attempt + 1} of {args.retries})", flush=True)
        with tempfile.TemporaryDirectory(prefix="dcsim-gate-") as tmp:
            json_path = Path(tmp) / "retry.json"
            run_suites(json_path, quick=args.quick, pytest_args=pytest_args, targets=[current[n]["fullname"] for n in slow])
            again = read_run(json_path) if json_path.exists() else {}
        for n in slow:
            attempts = current[n].get("attempts", 1) + 1
            if n in again and again[n]["ratio"] > current[n]["ratio"]:
                current[n] = again[n]
            current[n]["attempts"] = attempts
    print(f"gate: {mode} mode, {time.monotonic() - t0:.0f} s in all")
    ok = compare(baseline, current, tolerance, f"{args.baseline.name} -> this run ({mode} mode)")
    if suite_rc != 0:
        print("gate: the benchmark suites themselves failed (see the pytest output above)", file=sys.stderr)
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
