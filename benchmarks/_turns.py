"""Lockstep turns: two benchmark processes that never run at the same time.

The paired gate (``gate.py``) measures the reference commit and the working tree in one run
on one machine. It starts both suites as separate pytest processes, each importing its own
tree's ``dcsim``, and lets only one of them run at a time: a process holds *the turn* from
start to its next *yield point*, then waits, blocked on a pipe, while the other takes its turn.
Yield points are where ``perf.run`` starts a benchmark's warm-up and each of its timed rounds,
so the rounds interleave (reference, candidate, reference, candidate ...) and the two sides of
a benchmark see the same machine within seconds of each other. Everything between yield
points (imports, fixtures, warm-up, a round with its calibration batch, the invariants) runs
while the other process sleeps.

Protocol, one text line per message from a worker to the gate on the fd named in
``DCSIM_BENCH_TURNS`` (``"<grant fd>,<report fd>"``); the gate answers a request with one
byte ``g`` on the grant fd when the worker may run:

``r``              the worker has started and asks for its first turn;
``c <json list>``  the names of the benchmarks it will run, in order (after collection);
``y <name>``       it yields its turn at a yield point of benchmark ``name`` and asks again;
``d``              it is done (also implied by the pipe closing when the process exits).

Without ``DCSIM_BENCH_TURNS`` (``make test``, a plain ``make bench --no-pair``, pytest by
hand) every function here does nothing. The protocol is small on purpose: a later commit's
gate drives an earlier commit's suite through it, so it must stay backward compatible
(``PROTOCOL`` says which version a tree speaks; the gate reads it from the file).
"""

from __future__ import annotations

import json
import os

#: Version of the message set above. The gate reads this line from the reference tree's copy
#: of this file to know whether that tree's suite can run in lockstep.
PROTOCOL = 1
ENV = "DCSIM_BENCH_TURNS"


class _Turns:
    def __init__(self) -> None:
        self._grant: int | None = None
        self._report: int | None = None
        spec = os.environ.get(ENV, "")
        if spec:
            grant, report = (int(x) for x in spec.split(","))
            self._grant, self._report = grant, report
            # Child processes of a benchmark (cold starts, sweep workers) must not take part.
            os.environ.pop(ENV, None)

    @property
    def active(self) -> bool:
        return self._report is not None

    def _send(self, line: str) -> None:
        assert self._report is not None
        os.write(self._report, (line.replace("\n", " ") + "\n").encode())

    def _wait(self) -> None:
        assert self._grant is not None
        if os.read(self._grant, 1) != b"g":  # the gate went away: stop rather than run unpaired
            raise SystemExit("benchmarks/_turns.py: the gate closed the turn pipe")

    def start(self) -> None:
        """Block until the first turn (pytest_configure)."""
        if self.active:
            self._send("r")
            self._wait()

    def collected(self, names: list[str]) -> None:
        if self.active:
            self._send("c " + json.dumps(names))

    def yield_turn(self, name: str) -> None:
        """Hand the turn to the other process and block until it comes back."""
        if self.active:
            self._send(f"y {name}")
            self._wait()

    def done(self) -> None:
        if self.active:
            self._send("d")
            for fd in (self._grant, self._report):
                try:
                    os.close(fd)
                except OSError:
                    pass
            self._grant = self._report = None


#: The process's one connection to the gate (there is one gate per benchmark process).
turns = _Turns()
