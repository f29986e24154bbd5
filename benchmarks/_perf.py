"""The measuring harness every dcsim benchmark goes through (used via the ``perf`` fixture).

``perf.run(target, work=..., unit=...)`` wraps pytest-benchmark's ``benchmark.pedantic``:

- with ``--benchmark-disable`` (``make test``) it calls ``setup()`` and ``target()`` once and
  returns the result, so the benchmark is a plain test of its invariants; nothing is timed or
  compared, no calibration runs;
- with benchmarking enabled (``make bench``) it runs warm-up rounds (compilation and first-touch
  costs stay out of the figures), then timed rounds, as many as fit a time budget (``FULL`` /
  ``QUICK``) within bounds. Before each timed round, untimed by pytest-benchmark, it runs
  ``setup()``, a batch of the calibration workload and any reference loops, all measured the
  same way, and one more calibration batch after the last round, so the benchmark, its
  calibration and its references are sampled under the same machine conditions. A batch
  lasts about a tenth of a round (at least one sample, ``MIN_CALIBRATION_SAMPLES`` in all).

Each round is measured as CPU time (``time.process_time`` of this process plus the user+system
time of child processes it waited for), not wall time: time the process spent waiting while
other processes had the core is not counted. (On this VM contention still inflates CPU time
somewhat, through caches, memory bandwidth and the host; the calibration ratio and the
minimum take care of most of that.) Wall times are recorded too (pytest-benchmark's own
stats are wall time; ``extra_info`` has both).

Figures (``benchmark.extra_info``), all from the *minimum* over rounds (noise only ever adds
time, so the minimum is the best estimate of the cost of the code):

- ``throughput``: work per CPU second x ``scale`` in ``unit`` (e.g. rack-steps/s);
- ``calibration_throughput``: calibration operations per CPU second, same test;
- ``ratio``: ``throughput / calibration_throughput``, the figure the gate compares;
- for each reference: its throughput and ``time_per_unit_vs_<name>`` (our CPU time per unit
  of work over the reference's);
- ``throughput_median`` / ``ratio_median``, ``wall_throughput``, ``rounds``, ``seconds_min``,
  and ``samples`` (every round's CPU and wall time, every calibration sample).
"""

from __future__ import annotations

import math
import os
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from _calibration import CALIBRATIONS
from _turns import turns


def quick_mode() -> bool:
    """True when ``DCSIM_BENCH_QUICK`` is set to anything but "" or "0" (CI's quick gate)."""
    return os.environ.get("DCSIM_BENCH_QUICK", "") not in ("", "0")


# Time budget per benchmark for the timed rounds, and bounds on their number. The budget is
# split into rounds using the warm-up round's duration.
# On a shared VM the machine drifts between faster and slower states within a second; many
# short rounds, interleaved with the other side's under the paired gate, let both sides catch
# the fast state, so the cap on rounds is high for benchmarks of a few milliseconds.
FULL = {"budget_s": 8.0, "min_rounds": 5, "max_rounds": 100}
QUICK = {"budget_s": 2.5, "min_rounds": 3, "max_rounds": 40}
#: Calibration samples collected per benchmark, at least (spread over its rounds).
MIN_CALIBRATION_SAMPLES = 9


def all_calibrations() -> bool:
    """DCSIM_BENCH_ALL_CALIBRATIONS=1: also measure every other calibration (``ratio_vs_<kind>``),
    to judge which one tracks a benchmark best. Not for the gate: it lengthens every test."""
    return os.environ.get("DCSIM_BENCH_ALL_CALIBRATIONS", "") not in ("", "0")


def cpu_now() -> float:
    """CPU seconds used so far by this process and by the children it has waited for."""
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + ch.ru_utime + ch.ru_stime


@dataclass
class Samples:
    cpu_s: list[float] = field(default_factory=list)
    wall_s: list[float] = field(default_factory=list)

    def measure(self, fn: Callable[[], Any]) -> Any:
        c0 = cpu_now()
        w0 = time.perf_counter()
        result = fn()
        w1 = time.perf_counter()
        c1 = cpu_now()
        self.cpu_s.append(c1 - c0)
        self.wall_s.append(w1 - w0)
        return result


def cpu_samples(fn, n: int = 3) -> list[float]:
    s = Samples()
    for _ in range(n):
        s.measure(fn)
    return s.cpu_s


@dataclass
class Reference:
    """A loop measured alongside the benchmark (e.g. the bare RC loop), same rounds."""

    fn: Callable[[], Any]
    work: float
    samples: Samples = field(default_factory=Samples)
    result: Any = None


class Perf:
    """See the module docstring. One instance per test (the ``perf`` fixture)."""

    def __init__(self, benchmark):
        self.benchmark = benchmark
        self.quick = quick_mode()

    @property
    def enabled(self) -> bool:
        return not self.benchmark.disabled

    def run(
        self,
        target: Callable[[], Any],
        *,
        work: float,
        unit: str,
        calibration: str = "numeric",
        scale: float = 1.0,
        setup: Callable[[], None] | None = None,
        warmup_rounds: int = 1,
        inner: int = 1,
        rounds: int | None = None,
        min_rounds: int | None = None,
        references: dict[str, tuple[Callable[[], Any], float]] | None = None,
    ) -> Any:
        """Benchmark ``target()`` and return its result (of the last call).

        ``work``: units of work one call does (rack-steps, scenarios, runs...);
        ``unit``: how the throughput reads, after multiplying work/s by ``scale``;
        ``calibration``: "numeric", "python", "compile" or "process" (``_calibration.py``);
        ``setup()``: untimed, before every call (reset accumulators, make a temp dir...);
        ``inner``: calls of ``target`` per timed round, for targets of a few milliseconds;
        ``warmup_rounds``: untimed rounds first (at least 1 unless ``rounds`` is given: the
        warm-up round sizes the timed rounds to the time budget);
        ``rounds`` / ``min_rounds``: override the budget-derived number of rounds;
        ``references``: ``{name: (fn, work)}`` loops timed in the same rounds, their last
        results available as ``perf.reference_results[name]`` afterwards.
        """
        self.reference_results: dict[str, Any] = {}
        refs = {name: Reference(fn, w) for name, (fn, w) in (references or {}).items()}

        if not self.enabled:  # make test: a plain test, run once, nothing timed
            for name, ref in refs.items():
                self.reference_results[name] = ref.fn()
            return self.benchmark.pedantic(target, setup=setup, rounds=1)

        if calibration not in CALIBRATIONS:
            raise ValueError(f"calibration must be one of {sorted(CALIBRATIONS)}, got {calibration!r}")
        kinds = [calibration]
        if all_calibrations():
            kinds += [k for k in CALIBRATIONS if k != calibration]
        cals = {k: Samples() for k in kinds}
        cfg = QUICK if self.quick else FULL

        def one_round():
            result = None
            for _ in range(inner):
                result = target()
            return result

        # Under the paired gate the other tree's suite runs while this one waits here, and
        # before every timed round (_turns.py): the two sides' rounds interleave.
        turns.yield_turn(self.benchmark.name)
        # Warm-up: compile, fill caches, and time one round to size the timed rounds.
        cal_s = {}
        for k in kinds:
            fn = CALIBRATIONS[k][0]
            fn()  # compiles (or loads from cache) the calibration kernel
            cal_s[k] = min(cpu_samples(fn))
        for ref in refs.values():
            ref.fn()
        warm = Samples()
        for _ in range(warmup_rounds if rounds is not None else max(1, warmup_rounds)):
            if setup is not None:
                setup()
            warm.measure(one_round)
        round_est_s = min(warm.cpu_s) if warm.cpu_s else 1.0
        if rounds is None:
            round_s = min(warm.wall_s)
            lo = min_rounds if min_rounds is not None else cfg["min_rounds"]
            rounds = int(max(lo, min(cfg["max_rounds"], cfg["budget_s"] // max(round_s, 1e-9))))
        # Calibration batches: one before every round and one after the last, each about a
        # tenth of a round long (at least one sample, MIN_CALIBRATION_SAMPLES in all).
        per_round = {
            k: max(1, math.ceil(MIN_CALIBRATION_SAMPLES / (rounds + 1)), min(10, int(0.1 * round_est_s / cal_s[k])))
            for k in kinds
        }

        def calibrate():
            for k in kinds:
                fn = CALIBRATIONS[k][0]
                for _ in range(per_round[k]):
                    cals[k].measure(fn)

        bench = Samples()

        def before_round():
            turns.yield_turn(self.benchmark.name)
            if setup is not None:
                setup()
            calibrate()
            for ref in refs.values():
                ref.result = ref.samples.measure(ref.fn)

        def timed_round():
            return bench.measure(one_round)

        result = self.benchmark.pedantic(timed_round, setup=before_round, rounds=rounds, warmup_rounds=0)
        calibrate()

        work_per_round = work * inner
        tp = [work_per_round / s * scale for s in bench.cpu_s]

        def cal_tp(k):
            return [CALIBRATIONS[k][1] / s for s in cals[k].cpu_s]

        info = self.benchmark.extra_info
        info.update(
            {
                "unit": unit,
                "work_per_round": work_per_round,
                "rounds": rounds,
                "quick": self.quick,
                "throughput": max(tp),
                "throughput_median": statistics.median(tp),
                "wall_throughput": work_per_round / min(bench.wall_s) * scale,
                "seconds_min": min(bench.cpu_s) / inner,
                "wall_seconds_min": min(bench.wall_s) / inner,
                "calibration": calibration,
                "calibration_unit": CALIBRATIONS[calibration][2],
                "calibration_throughput": max(cal_tp(calibration)),
                "calibration_samples": len(cals[calibration].cpu_s),
                "ratio": max(tp) / max(cal_tp(calibration)),
                "ratio_median": statistics.median(tp) / statistics.median(cal_tp(calibration)),
                "samples": {
                    "cpu_s": bench.cpu_s,
                    "wall_s": bench.wall_s,
                    "calibration_cpu_s": {k: cals[k].cpu_s for k in kinds},
                    "calibration_per_round": per_round,
                },
            }
        )
        for k in kinds[1:]:
            info[f"ratio_vs_{k}"] = max(tp) / max(cal_tp(k))
        our_cost = min(bench.cpu_s) / work_per_round
        for name, ref in refs.items():
            ref_cost = min(ref.samples.cpu_s) / ref.work
            info[f"{name}_throughput"] = ref.work / min(ref.samples.cpu_s) * scale
            info[f"time_per_unit_vs_{name}"] = our_cost / ref_cost
            self.reference_results[name] = ref.result
        return result
