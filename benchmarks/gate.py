"""The performance gate: the working tree against a reference commit, measured in the same run.

    python benchmarks/gate.py                  # make bench: full rounds, paired, exit 1 on regression
    python benchmarks/gate.py --quick          # make bench-quick (CI): fewer rounds, same comparison
    python benchmarks/gate.py --against REV    # pair with another commit than baseline.json's
    python benchmarks/gate.py --update --why "..."   # make bench-update: move the reference forward
    python benchmarks/gate.py --unpaired       # no reference run: compare with the recorded ratios
    python benchmarks/gate.py --compare OLD.json NEW.json   # two saved runs, nothing is run
    python benchmarks/gate.py --json out.json -- -k thermal  # keep the candidate's JSON; pytest args

**Paired measurement.** The reference commit (``commit`` in benchmarks/baseline.json, or
``--against REV``) is checked out into a git worktree outside the checkout (under the gate's
cache directory, ``$DCSIM_BENCH_CACHE`` or ``~/.cache/dcsim-bench``) and its own benchmark
suite runs from there by path, importing its own ``src`` (``PYTHONPATH``) with its own Numba
cache directory: no second install. Both suites run as pytest processes in lockstep
(``_turns.py``): only one runs at a time, and they take turns at every benchmark's warm-up and
every timed round, so the rounds interleave (reference, candidate, reference, candidate ...)
with the same calibration and environment. Each side's figure is, as before, the minimum over
its rounds of CPU time, divided by its calibration workload measured in the same rounds (the
*ratio*, benchmarks/_perf.py). The gate fails when the candidate is more than ``tolerance``
(0.25) slower than the reference in the same run:

    paired slowdown = reference ratio / candidate ratio - 1 > tolerance

A change of CPU (vector width, caches, memory) moves both sides alike and cancels; what is
left is the code. The ratios recorded in baseline.json stay as history and appear in the
table beside the paired figure, but do not decide anything.

A benchmark the reference has and the candidate lacks fails (``MISSING``: run
``make bench-update`` if it was removed on purpose); one the reference lacks is ``new`` and
passes. A benchmark that fails is measured again, alone and again paired, up to twice
(``--retries``); each side keeps its best attempt. Both suites are pinned to one CPU
(``--cpu``), so neither gets a core the other did not have. Exit codes: 0 pass, 1 regression
or missing benchmark, 2 a suite failed (an invariant assertion or an error) or the reference
could not be set up.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import selectors
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
BASELINE = BENCH_DIR / "baseline.json"
README = BENCH_DIR / "README.md"
HISTORY_HEADING = "## Reference history"
DEFAULT_TOLERANCE = 0.25
MALLOC_ENV = {
    "MALLOC_MMAP_THRESHOLD_": str(4 << 30),
    "MALLOC_TRIM_THRESHOLD_": str(16 << 30),
    "MALLOC_TOP_PAD_": str(256 << 20),
}
#: Hard limit on one (paired) run of the suites, seconds: a hung benchmark must not hang CI.
TIMEOUT_S = {"quick": 1200, "full": 3600}
#: Files whose changes make ``make bench-update`` refuse to run (the reference must be a commit).
TRACKED_FOR_UPDATE = ["src", "benchmarks", "pyproject.toml", ":!benchmarks/baseline.json", ":!benchmarks/README.md"]


class GateError(Exception):
    """The gate cannot do what was asked (no git, unknown commit, dirty tree...): exit 2."""


# --------------------------------------------------------------------------------------------
# the two trees


@dataclass
class Tree:
    label: str  # "reference" or "candidate"
    root: Path
    commit: str
    numba_cache: Path

    @property
    def lockstep(self) -> bool:
        """Whether this tree's benchmark harness speaks the turn protocol (_turns.py)."""
        path = self.root / "benchmarks" / "_turns.py"
        return path.exists() and re.search(r"^PROTOCOL = 1$", path.read_text(), re.M) is not None

    def calibration_digest(self) -> str:
        path = self.root / "benchmarks" / "_calibration.py"
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def git(*args: str, cwd: Path = ROOT) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    except OSError as exc:
        raise GateError(f"git is needed for the paired gate: {exc}") from None
    if proc.returncode != 0:
        raise GateError(f"git {' '.join(args)} failed: {proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout.strip()


def cache_root() -> Path:
    env = os.environ.get("DCSIM_BENCH_CACHE")
    if env:
        return Path(env).expanduser().resolve()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return (base / "dcsim-bench").resolve()


def resolve_commit(rev: str) -> str:
    rev = rev.removesuffix("+dirty")
    try:
        return git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except GateError:
        shallow = ""
        try:
            if git("rev-parse", "--is-shallow-repository") == "true":
                shallow = " This clone is shallow: `git fetch --unshallow` brings the history."
        except GateError:
            pass
        raise GateError(f"reference commit {rev!r} is not in this repository.{shallow}") from None


def short(commit: str) -> str:
    sha, plus, rest = commit.partition("+")
    return sha[:12] + plus + rest


def candidate_tree() -> Tree:
    key = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    try:
        head = git("rev-parse", "HEAD")
        dirty = git("status", "--porcelain", "--", "src", "benchmarks", "pyproject.toml")
        commit = head + ("+dirty" if dirty else "")
    except GateError:
        commit = "unknown"
    return Tree("candidate", ROOT, commit, cache_root() / f"numba-candidate-{key}")


#: reference worktrees (and their Numba caches) kept in the cache directory, most recent first
KEEP_REFERENCES = 3


def prune_references(root: Path, current: Path) -> None:
    """Remove all but the KEEP_REFERENCES most recently used reference worktrees of this cache."""
    trees = sorted((p for p in root.glob("ref-*") if p.is_dir() and p != current), key=lambda p: p.stat().st_mtime,
                   reverse=True)
    for old in trees[KEEP_REFERENCES - 1 :]:
        try:
            git("worktree", "remove", "--force", str(old))
        except GateError:  # a worktree of another clone, or no longer registered
            pass
        shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(root / f"numba-{old.name}", ignore_errors=True)
    try:
        git("worktree", "prune")
    except GateError:
        pass


def reference_tree(commit: str) -> Tree:
    """A detached worktree of ``commit`` under the cache root, reused while it is intact."""
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"ref-{commit[:12]}"
    prune_references(root, path)
    if path.exists():
        try:
            intact = git("rev-parse", "HEAD", cwd=path) == commit and git("status", "--porcelain", cwd=path) == ""
        except GateError:
            intact = False
        if not intact:
            shutil.rmtree(path)
    if not path.exists():
        git("worktree", "prune")
        git("worktree", "add", "--detach", "--force", "--quiet", str(path), commit)
    if not (path / "benchmarks").is_dir() or not (path / "src" / "dcsim").is_dir():
        raise GateError(f"reference commit {commit[:12]} has no benchmarks/ or src/dcsim/ to measure")
    os.utime(path)  # most recently used
    return Tree("reference", path, commit, root / f"numba-ref-{commit[:12]}")


def tree_env(tree: Tree, quick: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DCSIM_BENCH_TURNS", None)
    env["DCSIM_BENCH_QUICK"] = "1" if quick else "0"
    # Each tree imports its own dcsim, ahead of the editable install of the working tree.
    env["PYTHONPATH"] = os.pathsep.join([str(tree.root / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])
    env["NUMBA_CACHE_DIR"] = str(tree.numba_cache)
    # A fixed str hash seed: with a random one, dict-heavy Python code (imports, pydantic,
    # the cold starts' child processes) varies by up to 20 % from one process to the next.
    env["PYTHONHASHSEED"] = "0"
    # Steady-state memory: glibc keeps freed memory and serves large arrays from its heap, so
    # a year-long run's output arrays reuse pages already mapped instead of page-faulting
    # 100+ MB of fresh zero pages every round (whose cost swings with the machine's memory
    # state: transparent huge pages, other processes). Kept unless already set.
    for key, value in MALLOC_ENV.items():
        env.setdefault(key, value)
    return env


def check_imports_own_tree(tree: Tree, env: dict[str, str]) -> None:
    """The tree's processes must import the tree's own dcsim, not the installed one."""
    code = "import importlib.util as u; s = u.find_spec('dcsim'); print(s.origin if s else '')"
    proc = subprocess.run([sys.executable, "-c", code], cwd=tree.root, env=env, capture_output=True, text=True)
    origin = Path(proc.stdout.strip()) if proc.stdout.strip() else None
    if origin is None or not origin.resolve().is_relative_to((tree.root / "src").resolve()):
        raise GateError(f"the {tree.label} tree ({tree.root}) imports dcsim from {origin}, not from its own src/")


def pytest_cmd(tree: Tree, json_path: Path, pytest_args: list[str], targets: list[str] | None) -> list[str]:
    return [
        sys.executable, "-m", "pytest", *(targets or [str(tree.root / "benchmarks")]),
        "-p", "no:cacheprovider", "-q", "-m", "gated",
        "--benchmark-enable",
        f"--benchmark-json={json_path}",
        "--benchmark-sort=name",
        "--benchmark-columns=min,median,max,rounds",
        *pytest_args,
    ]  # fmt: skip


# --------------------------------------------------------------------------------------------
# running the suites: in lockstep (_turns.py), or one after the other


@dataclass
class Spec:
    """One process to run in lockstep."""

    label: str  # "reference" or "candidate"
    cmd: list[str]
    cwd: Path
    env: dict[str, str]
    log_path: Path
    cpus: set[int] | None = None  # CPU affinity of the process and its children


def _pinned(cpus: set[int] | None):
    return None if not cpus else (lambda: os.sched_setaffinity(0, cpus))


def pick_cpus(choice: str) -> set[int] | None:
    """The CPU both suites run on: ``auto`` (the highest-numbered CPU this process may use:
    CPU 0 takes most interrupts), a number, or ``any`` (no pinning)."""
    if choice == "any" or not hasattr(os, "sched_getaffinity"):
        return None
    allowed = os.sched_getaffinity(0)
    if choice == "auto":
        return {max(allowed)}
    try:
        cpu = int(choice)
    except ValueError:
        raise GateError(f"--cpu takes auto, any or a CPU number, got {choice!r}") from None
    if cpu not in allowed:
        raise GateError(f"--cpu {cpu}: this process may run on CPUs {sorted(allowed)} only")
    return {cpu}


@dataclass
class Worker:
    spec: Spec
    proc: subprocess.Popen
    grant_fd: int
    report_fd: int
    state: str = "starting"  # starting / waiting (for a turn) / running (holds the turn) / done
    names: list[str] | None = None
    current: str | None = None
    buffer: bytes = b""
    turns: int = 0
    seconds: float = 0.0


@dataclass
class SuiteRun:
    tree: Tree
    returncode: int
    json_path: Path
    log_path: Path
    seconds: float
    lockstep: bool = False

    def results(self) -> dict[str, dict]:
        return read_run(self.json_path) if self.json_path.exists() else {}


def _choose(just_yielded: Worker | None, waiting: list[Worker], workers: list[Worker]) -> Worker:
    """Whose turn is next. Alternate on the benchmarks both suites run; a side that is behind
    (or in a benchmark only it has) runs alone until it reaches the other."""
    if len(waiting) == 1 or just_yielded not in waiting:  # the first turn goes to the first worker
        return waiting[0]
    x = just_yielded
    w = next(v for v in waiting if v is not x)
    if w.current is None:  # not started yet: let it catch up
        return w
    if any(v.names is None for v in workers):
        return w
    other = set(workers[1].names)
    shared = [n for n in workers[0].names if n in other]
    sx, sw = x.current in shared, w.current in shared
    if sx and sw:
        return w if shared.index(w.current) <= shared.index(x.current) else x
    if sx:  # w is in a benchmark only it has
        return w
    if sw:
        return x
    return w


def lockstep(specs: list[Spec], timeout_s: float, progress=print) -> list[Worker]:
    """Run the processes so that only one runs at a time, taking turns (_turns.py protocol).

    The first turn goes to ``specs[0]`` once all have started. Returns the workers, exited
    (``proc.returncode``), with the number of turns each had. Raises GateError on timeout
    (after killing them)."""
    t0 = time.monotonic()
    workers: list[Worker] = []
    sel = selectors.DefaultSelector()
    for spec in specs:
        grant_r, grant_w = os.pipe()
        report_r, report_w = os.pipe()
        env = {**spec.env, "DCSIM_BENCH_TURNS": f"{grant_r},{report_w}"}
        with open(spec.log_path, "wb") as log:
            proc = subprocess.Popen(spec.cmd, cwd=spec.cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, pass_fds=(grant_r, report_w),
                                    preexec_fn=_pinned(spec.cpus))
        os.close(grant_r)
        os.close(report_w)
        w = Worker(spec, proc, grant_w, report_r)
        workers.append(w)
        sel.register(report_r, selectors.EVENT_READ, w)
    holder: Worker | None = None
    last: Worker | None = None

    def finish(w: Worker) -> None:
        nonlocal holder
        if w.state != "done":
            w.state = "done"
            sel.unregister(w.report_fd)
            os.close(w.report_fd)
            os.close(w.grant_fd)
            w.seconds = time.monotonic() - t0
        if holder is w:
            holder = None

    def handle(w: Worker, line: str) -> None:
        nonlocal holder
        kind, _, rest = line.partition(" ")
        if kind == "r":
            w.state = "waiting"
        elif kind == "c":
            w.names = json.loads(rest)
        elif kind == "y":
            if rest != w.current:
                progress(f"gate: {time.monotonic() - t0:6.0f} s  {w.spec.label:<9}  {rest}")
            w.current, w.state = rest, "waiting"
            if holder is w:
                holder = None
        elif kind == "d":
            finish(w)

    try:
        while any(w.state != "done" for w in workers):
            if time.monotonic() - t0 > timeout_s:
                raise GateError(f"the benchmark suites took longer than {timeout_s:.0f} s")
            for key, _ in sel.select(timeout=1.0):
                w = key.data
                data = os.read(w.report_fd, 65536)
                if not data:  # the process exited (it held the only write end)
                    finish(w)
                    continue
                w.buffer += data
                while b"\n" in w.buffer and w.state != "done":
                    line, w.buffer = w.buffer.split(b"\n", 1)
                    handle(w, line.decode())
            # the first turn waits until every worker has started, so it goes to specs[0]
            if holder is None and not any(w.state == "starting" for w in workers):
                waiting = [w for w in workers if w.state == "waiting"]
                if waiting:
                    nxt = _choose(last, waiting, workers)
                    try:
                        os.write(nxt.grant_fd, b"g")
                    except OSError:  # it died while waiting
                        finish(nxt)
                        continue
                    nxt.state, nxt.turns = "running", nxt.turns + 1
                    holder = last = nxt
    finally:
        for w in workers:
            if w.proc.poll() is None and w.state != "done":
                w.proc.kill()
        for w in workers:
            w.proc.wait()
            if w.state != "done":
                finish(w)
    return workers


def run_lockstep(trees: list[Tree], quick: bool, pytest_args: list[str], targets: dict[str, list[str]] | None,
                 tmp: Path, tag: str, cpus: set[int] | None = None) -> dict[str, SuiteRun]:
    """Run both trees' suites as pytest processes that take turns (see module docstring)."""
    specs, json_paths = [], {}
    for tree in trees:
        json_paths[tree.label] = tmp / f"{tag}-{tree.label}.json"
        cmd = pytest_cmd(tree, json_paths[tree.label], pytest_args, (targets or {}).get(tree.label))
        specs.append(Spec(tree.label, cmd, tree.root, tree_env(tree, quick), tmp / f"{tag}-{tree.label}.log", cpus))
    workers = lockstep(specs, TIMEOUT_S["quick" if quick else "full"], progress=lambda m: print(m, flush=True))
    runs = {}
    for tree, w in zip(trees, workers):
        runs[tree.label] = SuiteRun(tree, w.proc.returncode, json_paths[tree.label], w.spec.log_path, w.seconds)
        print(f"gate: {tree.label} suite: exit {w.proc.returncode}, {w.turns} turns", flush=True)
    return runs


def run_sequential(trees: list[Tree], quick: bool, pytest_args: list[str], targets: dict[str, list[str]] | None,
                   tmp: Path, tag: str, cpus: set[int] | None = None) -> dict[str, SuiteRun]:
    """One suite after the other (a tree whose harness predates the turn protocol)."""
    runs = {}
    for tree in trees:
        json_path, log_path = tmp / f"{tag}-{tree.label}.json", tmp / f"{tag}-{tree.label}.log"
        cmd = pytest_cmd(tree, json_path, pytest_args, (targets or {}).get(tree.label))
        t0 = time.monotonic()
        print(f"gate: {tree.label} suite ({tree.root})", flush=True)
        with open(log_path, "wb") as log:
            try:
                rc = subprocess.run(cmd, cwd=tree.root, env=tree_env(tree, quick), stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, timeout=TIMEOUT_S["quick" if quick else "full"],
                                    preexec_fn=_pinned(cpus)).returncode
            except subprocess.TimeoutExpired:
                raise GateError(f"the {tree.label} suite took longer than {TIMEOUT_S['quick' if quick else 'full']} s") from None
        runs[tree.label] = SuiteRun(tree, rc, json_path, log_path, time.monotonic() - t0)
    return runs


def run_suites(trees: list[Tree], quick: bool, pytest_args: list[str], tmp: Path, tag: str,
               targets: dict[str, list[str]] | None = None, cpus: set[int] | None = None) -> dict[str, SuiteRun]:
    for tree in trees:
        check_imports_own_tree(tree, tree_env(tree, quick))
    if len(trees) == 2 and all(t.lockstep for t in trees):
        runs = run_lockstep(trees, quick, pytest_args, targets, tmp, tag, cpus)
        for run in runs.values():
            run.lockstep = True
    else:
        if len(trees) == 2:
            print("gate: the reference's benchmark harness predates lockstep turns (benchmarks/_turns.py); "
                  "the suites run one after the other", flush=True)
        runs = run_sequential(trees, quick, pytest_args, targets, tmp, tag, cpus)
    for run in runs.values():
        if run.returncode == PYTEST_NO_TESTS:
            print(f"gate: the {run.tree.label} suite selected no benchmark (pytest exit {PYTEST_NO_TESTS})", flush=True)
        elif run.returncode != 0:
            tail = run.log_path.read_text(errors="replace").splitlines()[-60:]
            print(f"\ngate: the {run.tree.label} suite exited {run.returncode}; the end of its output:", flush=True)
            print("\n".join("    " + line for line in tail), flush=True)
    return runs


# --------------------------------------------------------------------------------------------
# results and the comparison


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


def pct(x: float | None) -> str:
    return "-" if x is None else f"{x * 100:+.1f}%"


@dataclass
class Paired:
    """One benchmark of a paired run."""

    name: str
    ref: dict | None
    cand: dict | None
    by: str = "ratio"  # what the slowdown compares: "ratio" or "throughput"
    attempts: int = 1
    notes: list[str] = field(default_factory=list)

    @property
    def unit(self) -> str:
        return (self.cand or self.ref)["unit"]

    @property
    def comparable(self) -> bool:
        return self.ref is not None and self.cand is not None and self.ref["unit"] == self.cand["unit"]

    @property
    def slowdown(self) -> float | None:
        if not self.comparable:
            return None
        return self.ref[self.by] / self.cand[self.by] - 1.0

    @property
    def raw_slowdown(self) -> float | None:
        if not self.comparable:
            return None
        return self.ref["throughput"] / self.cand["throughput"] - 1.0

    def status(self, tolerance: float) -> str:
        if self.cand is None:
            return "MISSING"
        if self.ref is None:
            return "new"
        if not self.comparable:
            return "changed"
        # Both the calibrated and the plain comparison must show it: a real slowdown of the code
        # costs CPU time on the same core in the same run either way, while the noise of a
        # calibration (the process calibration's interpreter starts, say) moves only the first.
        return "FAIL" if self.slowdown > tolerance and self.raw_slowdown > tolerance else "ok"


def best_of(a: dict | None, b: dict | None) -> dict | None:
    """One side's figures from two attempts: the better ratio and the better throughput (each
    attempt is already the best of its rounds; the attempts ran in different processes)."""
    if a is None or b is None:
        return a or b
    out = dict(a if a["ratio"] >= b["ratio"] else b)
    out["ratio"] = max(a["ratio"], b["ratio"])
    out["throughput"] = max(a["throughput"], b["throughput"])
    out["processes"] = a.get("processes", 1) + b.get("processes", 1)
    return out


def pair_up(ref: dict[str, dict], cand: dict[str, dict], by: str) -> dict[str, Paired]:
    return {n: Paired(n, ref.get(n), cand.get(n), by=by) for n in sorted(set(ref) | set(cand))}


def failing(pairs: dict[str, Paired], tolerance: float) -> list[str]:
    return [n for n, p in pairs.items() if p.status(tolerance) == "FAIL"]


def print_table(rows: list[list[str]], head: list[str]) -> None:
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    line = "  ".join("-" * w for w in widths)
    print(line)
    print("  ".join(h.ljust(w) for h, w in zip(head, widths)))
    print(line)
    for r in rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths)))
    print(line)


def report_paired(pairs: dict[str, Paired], recorded: dict[str, dict], tolerance: float, title: str) -> bool:
    """Print the paired table; True if the gate passes."""
    rows = []
    for name, p in pairs.items():
        status = p.status(tolerance)
        rec = recorded.get(name, {}).get("ratio")
        rows.append([
            name,
            f"{fmt(p.ref and p.ref['throughput'])} -> {fmt(p.cand and p.cand['throughput'])} {p.unit}",
            pct(p.slowdown),
            pct(p.raw_slowdown),
            f"{fmt(rec)} -> {fmt(p.cand and p.cand['ratio'])}",
            status + (f" ({p.attempts} runs)" if p.attempts > 1 else ""),
        ])  # fmt: skip
    print()
    print(title)
    print_table(rows, ["benchmark", "throughput (reference -> candidate)", "paired slowdown", "raw",
                       "recorded ratio -> now", "status"])
    by = {p.by for p in pairs.values()}
    print(f"paired slowdown = reference {'/'.join(sorted(by))} / candidate {'/'.join(sorted(by))} - 1, both "
          f"measured in this run (ratio = throughput / calibration throughput); limit +{tolerance * 100:.0f}%. "
          f"raw: the same with throughputs. recorded ratio: baseline.json (history, not gated)")
    for p in pairs.values():
        for note in p.notes:
            print(f"gate: {p.name}: {note}")
    failed = [n for n, p in pairs.items() if p.status(tolerance) in ("FAIL", "MISSING")]
    changed = [n for n, p in pairs.items() if p.status(tolerance) == "changed"]
    if changed:
        print(f"gate: not compared (the unit changed between the trees): {', '.join(changed)}; run `make bench-update`")
    if failed:
        print(f"gate: FAILED: {', '.join(failed)}")
        if any(p.status(tolerance) == "MISSING" for p in pairs.values()):
            print("gate: a MISSING benchmark ran in the reference but not in the candidate; if it was removed or "
                  "renamed on purpose, run `make bench-update`")
    else:
        print("gate: passed")
    return not failed


def compare_recorded(baseline: dict[str, dict], current: dict[str, dict], tolerance: float, title: str) -> bool:
    """The unpaired table: ratios of a run against recorded ratios (``--unpaired``, ``--compare``)."""
    pairs = pair_up(baseline, current, by="ratio")
    rows = []
    for name, p in pairs.items():
        rows.append([name, f"{fmt(p.ref and p.ref.get('throughput'))} -> {fmt(p.cand and p.cand['throughput'])} {p.unit}",
                     fmt(p.ref and p.ref["ratio"]), fmt(p.cand and p.cand["ratio"]), pct(p.slowdown),
                     p.status(tolerance)])
    print()
    print(title)
    print_table(rows, ["benchmark", "throughput (before -> now)", "ratio before", "ratio now", "slowdown", "status"])
    print(f"slowdown = ratio before / ratio now - 1; limit +{tolerance * 100:.0f}%. These ratios were measured at "
          "different times, perhaps on different machines: only the paired gate (the default) is a fair comparison.")
    failed = [n for n, p in pairs.items() if p.status(tolerance) in ("FAIL", "MISSING")]
    print(f"gate: FAILED: {', '.join(failed)}" if failed else "gate: passed")
    return not failed


# --------------------------------------------------------------------------------------------
# the reference record (baseline.json) and its history


def cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    model = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
    flags = re.search(r"^flags\s*:\s*(.+)$", text, re.M)
    name = model.group(1).strip() if model else "unknown"
    if flags:
        f = set(flags.group(1).split())
        isa = "AVX-512" if "avx512f" in f else "AVX2" if "avx2" in f else "no AVX2"
        name += f" ({isa})"
    return name


def machine_info() -> dict:
    import numba
    import numpy

    return {
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "numba": numba.__version__,
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }


def check_committed() -> str:
    """HEAD, if the measured files have no uncommitted changes (the reference must be a commit)."""
    dirty = git("status", "--porcelain", "--", *TRACKED_FOR_UPDATE)
    if dirty:
        raise GateError("make bench-update records a commit as the new reference, but these files have "
                        f"uncommitted changes:\n{dirty}\ncommit them first, then run the update")
    return git("rev-parse", "HEAD")


def write_baseline(path: Path, runs: list[dict[str, dict]], *, commit: str, why: str, tolerance: float, quick: bool,
                   previous: dict, accepted: dict[str, float | None]) -> dict:
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
    created = datetime.now(timezone.utc).isoformat(timespec="seconds")
    history = list(previous.get("history", []))
    if not history and previous.get("commit"):  # the record from before the paired gate
        history.append({"commit": previous["commit"], "created_utc": previous.get("created_utc"),
                        "why": "the reference recorded before the paired gate (no reason was recorded)"})
    entry = {"commit": commit, "created_utc": created, "why": why, "previous": previous.get("commit"),
             "paired_slowdown_vs_previous": {k: (None if v is None else round(v, 4)) for k, v in accepted.items()},
             "machine": machine_info()}
    history.append(entry)
    data = {
        "about": "The gate's reference commit and, as history, the ratios measured on it (benchmarks/gate.py). "
                 "Move it only on purpose: make bench-update WHY=\"...\".",
        "tolerance": tolerance,
        "commit": commit,
        "why": why,
        "created_utc": created,
        "mode": "quick" if quick else "full",
        "runs": len(runs),
        "machine": entry["machine"],
        "benchmarks": benchmarks,
        "history": history,
    }
    path.write_text(json.dumps(data, indent=2) + "\n")
    print(f"gate: wrote {path}: reference {commit[:12]} ({len(benchmarks)} benchmarks)")
    return entry


def history_line(entry: dict, tolerance: float) -> str:
    moved = sorted(((k, v) for k, v in entry["paired_slowdown_vs_previous"].items() if v is not None),
                   key=lambda kv: -abs(kv[1]))
    big = [f"{k.removeprefix('test_bench_')} {v * 100:+.1f} %" for k, v in moved if abs(v) >= 0.05]
    measured = (f"paired against `{entry['previous'][:7]}`: " + (", ".join(big) if big else "every benchmark within 5 %")
                if moved else "not paired against the previous reference")
    return (f"- {entry['created_utc'][:10]} `{entry['commit'][:7]}` (was `{(entry['previous'] or '-')[:7]}`): "
            f"{entry['why']} ({measured}; {entry['machine']['cpu']})")


def append_history_line(readme: Path, line: str) -> None:
    text = readme.read_text() if readme.exists() else ""
    if HISTORY_HEADING not in text:
        text = text.rstrip("\n") + f"\n\n{HISTORY_HEADING}\n\nWritten by `make bench-update`, newest last.\n\n"
    head, _, tail = text.partition(HISTORY_HEADING)
    # the section runs to the next "## " heading or the end of the file
    m = re.search(r"^## ", tail[1:], re.M)
    section, rest = (tail[: m.start() + 1], tail[m.start() + 1 :]) if m else (tail, "")
    body = section.rstrip("\n")
    last = body.splitlines()[-1] if body.strip() else ""
    section = body + ("\n" if last.startswith("- ") else "\n\n") + line + "\n"
    readme.write_text(head + HISTORY_HEADING + section + ("\n" + rest if rest else ""))


# --------------------------------------------------------------------------------------------


#: marker of benchmarks whose rounds run in fresh child processes (cold starts, compile, sweeps):
#: a second process of the suite would measure them no differently, so later passes skip them
FRESH_PROCESSES_MARK = "subprocess_rounds"
#: pytest's exit code when the selection holds no test.
PYTEST_NO_TESTS = 5


def nothing_selected(runs: dict[str, SuiteRun]) -> bool:
    """Did every suite of a later pass find nothing to run? (A ``-k`` that names only benchmarks
    in fresh processes leaves the in-process passes empty: nothing to measure again, no error.)"""
    return bool(runs) and all(r.returncode == PYTEST_NO_TESTS for r in runs.values())


def paired_run(trees: list[Tree], args, pytest_args: list[str], tmp: Path, tolerance: float) -> tuple[dict[str, Paired], int, bool]:
    """Run the suites (paired when two trees), retry failures; the pairs, the suites' exit code
    and whether they ran in lockstep.

    Pass 1 runs every gated benchmark; passes 2.. (``--passes``) run the in-process ones again
    in a new pair of processes, since a process's memory layout alone moved identical trees'
    figures by up to 10 % in either direction. Each side keeps its best over passes."""
    cpus = pick_cpus(args.cpu)
    if cpus:
        print(f"gate: both suites run on CPU {min(cpus)} (--cpu)", flush=True)
    runs = run_suites(trees, args.quick, pytest_args, tmp, "run", cpus=cpus)
    in_lockstep = runs["candidate"].lockstep
    suite_rc = 2 if any(r.returncode != 0 for r in runs.values()) else 0
    ref = runs["reference"].results() if "reference" in runs else {}
    cand = runs["candidate"].results()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        if runs["candidate"].json_path.exists():
            shutil.copyfile(runs["candidate"].json_path, args.json)
    for k in range(2, args.passes + 1):
        if suite_rc != 0:
            break
        print(f"gate: pass {k} of {args.passes}: the in-process benchmarks again, in new processes", flush=True)
        more = run_suites(trees, args.quick, [*pytest_args, "-m", f"gated and not {FRESH_PROCESSES_MARK}"], tmp,
                          f"pass{k}", cpus=cpus)
        if nothing_selected(more):
            print(f"gate: pass {k}: the selection holds no in-process benchmark; nothing to measure again", flush=True)
            break
        if any(r.returncode != 0 for r in more.values()):
            suite_rc = 2
        for side, res in (("reference", ref), ("candidate", cand)):
            if side in more:
                for n, info in more[side].results().items():
                    res[n] = best_of(res.get(n), info)
    same_cal = len(trees) == 1 or trees[0].calibration_digest() == trees[1].calibration_digest()
    by = "ratio" if same_cal else "throughput"
    pairs = pair_up(ref, cand, by)
    if not same_cal:
        for p in pairs.values():
            p.notes.append("the calibration workloads differ between the trees: compared by throughput")
    if len(trees) == 2:
        for attempt in range(args.retries):
            slow = failing(pairs, tolerance)
            if not slow:
                break
            print(f"gate: {', '.join(slow)} slower than the limit; measuring again, paired "
                  f"(retry {attempt + 1} of {args.retries})", flush=True)
            targets = {"reference": [pairs[n].ref["fullname"] for n in slow],
                       "candidate": [pairs[n].cand["fullname"] for n in slow]}
            again = run_suites(trees, args.quick, pytest_args, tmp, f"retry{attempt + 1}", targets, cpus)
            if any(r.returncode != 0 for r in again.values()):
                suite_rc = 2
            ref2, cand2 = again["reference"].results(), again["candidate"].results()
            for n in slow:  # each side keeps its best attempt
                p = pairs[n]
                p.ref, p.cand = best_of(p.ref, ref2.get(n)), best_of(p.cand, cand2.get(n))
                p.attempts += 1
    return pairs, suite_rc, in_lockstep


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    pytest_args: list[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, pytest_args = argv[:i], argv[i + 1 :]
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", default=os.environ.get("DCSIM_BENCH_QUICK", "") not in ("", "0"),
                   help="fewer rounds (CI); also on when DCSIM_BENCH_QUICK=1")
    p.add_argument("--against", metavar="REV", default=None,
                   help="reference commit to pair with (default: the commit recorded in baseline.json)")
    p.add_argument("--unpaired", action="store_true",
                   help="run only the working tree and compare with the recorded ratios (not a fair comparison "
                        "on another machine; for when the reference commit is not available)")
    p.add_argument("--update", action="store_true", help="make HEAD the new reference (needs --why)")
    p.add_argument("--why", default=os.environ.get("WHY", ""), help="with --update: why the reference moves")
    p.add_argument("--runs", type=int, default=1, help="with --update: paired runs whose median ratios are recorded")
    p.add_argument("--tolerance", type=float, default=None, help=f"allowed slowdown (default: baseline's, else {DEFAULT_TOLERANCE})")
    p.add_argument("--baseline", type=Path, default=BASELINE, help="baseline file (default benchmarks/baseline.json)")
    p.add_argument("--json", type=Path, default=None, help="keep the candidate's pytest-benchmark JSON here")
    p.add_argument("--keep", type=Path, default=None, metavar="DIR",
                   help="keep both sides' pytest-benchmark JSON files and logs in DIR (per-round samples)")
    p.add_argument("--cpu", default="auto",
                   help="CPU both suites are pinned to, so both see the same core: auto (the highest-numbered), "
                        "a number, or any (no pinning)")
    p.add_argument("--passes", type=int, default=2,
                   help="passes over the in-process benchmarks, each in a new pair of processes (default 2)")
    p.add_argument("--retries", type=int, default=2,
                   help="re-measure a failing benchmark alone, paired, up to N times; each side keeps its better attempt")
    p.add_argument("--compare", type=Path, nargs="+", metavar="JSON",
                   help="compare saved runs instead of running: NEW (against the recorded ratios) or OLD NEW")
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
        return 0 if compare_recorded(before, read_run(args.compare[-1]), tolerance, title) else 1

    mode = "quick" if args.quick else "full"
    t0 = time.monotonic()
    try:
        if args.update:
            why = " ".join(args.why.split())
            if not why:
                raise GateError('make bench-update needs a reason: make bench-update WHY="what changed and why"')
            head = check_committed()
        candidate = candidate_tree()
        trees = [candidate]
        rev = args.against or stored.get("commit")
        if not args.unpaired:
            if not rev:
                if not args.update:
                    raise GateError(f"{args.baseline} names no reference commit; pass --against REV or run make bench-update")
            else:
                reference = reference_tree(resolve_commit(rev))
                if args.update and reference.commit == head:
                    print(f"gate: HEAD is already the reference ({head[:12]}): the candidate is measured alone")
                else:
                    trees = [reference, candidate]
                    print(f"gate: reference {reference.commit[:12]} in {reference.root}")
        print(f"gate: candidate {short(candidate.commit)} "
              f"({ROOT}); {mode} mode; CPU {cpu_model()}", flush=True)

        with tempfile.TemporaryDirectory(prefix="dcsim-gate-") as tmp_s:
            tmp = Path(tmp_s)
            if args.keep:
                tmp = args.keep.resolve()
                tmp.mkdir(parents=True, exist_ok=True)
            if args.update:
                all_pairs, suite_rc = [], 0
                for _ in range(max(1, args.runs)):
                    pairs, rc, _ = paired_run(trees, argparse.Namespace(**{**vars(args), "retries": 0}), pytest_args, tmp, tolerance)
                    all_pairs.append(pairs)
                    suite_rc = suite_rc or rc
                if len(trees) == 2:
                    report_paired(all_pairs[-1], read_baseline(args.baseline), tolerance,
                                  f"what the update accepts: {trees[0].commit[:12]} -> {head[:12]} ({mode} mode)")
                if suite_rc != 0:
                    print("gate: the suites failed; the reference was not moved", file=sys.stderr)
                    return 2
                runs = [{n: pr.cand for n, pr in pairs.items() if pr.cand is not None} for pairs in all_pairs]
                accepted = {n: (statistics.median(s) if (s := [pairs[n].slowdown for pairs in all_pairs
                                                               if n in pairs and pairs[n].slowdown is not None]) else None)
                            for n in sorted(set().union(*runs))}
                entry = write_baseline(args.baseline, runs, commit=head, why=why, tolerance=tolerance, quick=args.quick,
                                       previous=stored, accepted=accepted if len(trees) == 2 else {})
                line = history_line(entry, tolerance)
                append_history_line(README, line)
                print(f"gate: added to {README.relative_to(ROOT)}:\n{line}")
                print(f"gate: {time.monotonic() - t0:.0f} s in all; commit baseline.json and README.md with the change")
                return 0

            pairs, suite_rc, in_lockstep = paired_run(trees, args, pytest_args, tmp, tolerance)
            print(f"gate: {mode} mode, {time.monotonic() - t0:.0f} s in all")
            if len(trees) == 1:
                cand = {n: pr.cand for n, pr in pairs.items() if pr.cand is not None}
                if not cand:
                    print("gate: no benchmark results (the suite did not run)", file=sys.stderr)
                    return 2
                ok = compare_recorded(read_baseline(args.baseline), cand, tolerance,
                                      f"{args.baseline.name} (recorded) -> this run ({mode} mode, unpaired)")
            else:
                if not any(pr.cand for pr in pairs.values()):
                    print("gate: no benchmark results (the suites did not run)", file=sys.stderr)
                    return 2
                ok = report_paired(pairs, read_baseline(args.baseline), tolerance,
                                   f"reference {short(trees[0].commit)} -> candidate {short(candidate.commit)} "
                                   f"({mode} mode, paired in this run: "
                                   f"{'rounds interleaved' if in_lockstep else 'one suite after the other'})")
    except GateError as exc:
        print(f"gate: {exc}", file=sys.stderr)
        return 2
    if suite_rc != 0:
        print("gate: the benchmark suites themselves failed (see their output above)", file=sys.stderr)
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
