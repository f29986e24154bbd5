"""Servers, their power states, and the free-capacity indexes placement reads.

A hall has ``racks x servers_per_rack`` identical servers of ``cores`` cores; server ``s`` sits
in rack ``s // servers_per_rack``. A server is ON (idle or active), OFF (the low-power state:
off or asleep, as the power manager is configured), or BOOTING (waking from it).

Placement never scans the servers. The index keeps, for every free-core count ``f``:

- ``gcnt[f]``: how many ON servers have exactly ``f`` free cores, and a heap of their ids
  (``gheap[f]``: lowest id first). First-fit is the smallest valid heap top over
  ``f >= k`` (at most ``cores`` heap peeks); best-fit is the top of the smallest ``f >= k``
  with ``gcnt[f] > 0``.
- per rack (only for the rack-level policies, spread and thermal-aware): the same counts and
  heaps (``rcnt``, ``rheap``), the largest free count ``maxfree[r]`` and the free cores
  ``rfree[r]``, mirrored in NumPy arrays so that choosing a rack is one vectorised pass over
  the racks (not the servers).

Heaps are lazy: an entry is only trusted if the server still has that free count
(``free[s] == f``; ``free[s] == -1`` for a server that is not ON), and a flag per (f, server)
keeps each server at most once in each heap, so heaps never grow beyond the server count.
"""

from __future__ import annotations

from heapq import heappop, heappush

import numpy as np

ON = 0
OFF = 1
BOOTING = 2
STATE_NAMES = ("on", "off", "booting")


def _lazy_heap_top(heap: list[int], free: list[int], f: int, in_heap: bytearray) -> int:
    """Lowest id in ``heap`` whose server still has exactly ``f`` free cores, or -1. Stale
    entries on top are popped and their ``in_heap`` flag cleared (the lazy heaps of the module
    docstring)."""
    while heap:
        s = heap[0]
        if free[s] == f:
            return s
        heappop(heap)
        in_heap[s] = 0
    return -1


class Cluster:
    """Server states and free-capacity indexes (see the module docstring).

    Parameters
    ----------
    racks, servers_per_rack, cores : int
        Hall shape and cores per server.
    rack_level : bool
        Maintain the per-rack indexes (needed by spread and thermal-aware placement).
    """

    def __init__(self, racks: int, servers_per_rack: int, cores: int, *, rack_level: bool = False):
        if racks < 1 or servers_per_rack < 1 or cores < 1:
            raise ValueError("racks, servers_per_rack and cores must be >= 1")
        R, S, C = int(racks), int(servers_per_rack), int(cores)
        N = R * S
        self.racks, self.servers_per_rack, self.cores, self.n_servers = R, S, C, N
        self.rack_level = bool(rack_level)
        self.free = [C] * N
        self.state = [ON] * N
        self.rack_of = [s // S for s in range(N)]
        # global index
        self.gcnt = [0] * (C + 1)
        self.gcnt[C] = N
        self.gheap: list[list[int]] = [[] for _ in range(C + 1)]
        self.gheap[C] = list(range(N))
        self.gin = [bytearray(N) for _ in range(C + 1)]
        self.gin[C][:] = b"\x01" * N
        # per-rack index
        self.rcnt = [[0] * (C + 1) for _ in range(R)]
        for c in self.rcnt:
            c[C] = S
        self.maxfree = [C] * R
        self.rfree = [S * C] * R
        if self.rack_level:
            self.rheap = [[[] for _ in range(C + 1)] for _ in range(R)]
            for r in range(R):
                self.rheap[r][C] = list(range(r * S, (r + 1) * S))
            self.rin = [bytearray(N) for _ in range(C + 1)]
            self.rin[C][:] = b"\x01" * N
            self.maxfree_np = np.full(R, C, dtype=np.int64)
            self.rfree_np = np.full(R, S * C, dtype=np.float64)
        # servers in the low-power state, per rack (lowest id first)
        self.off_heap: list[list[int]] = [[] for _ in range(R)]
        self.n_off_rack = np.zeros(R, dtype=np.int64)
        self.n_off = 0
        self.n_on = N
        self.n_booting = 0

    # ------------------------------------------------------------------ index updates
    def _enter(self, s: int, r: int, f: int) -> None:
        """Server ``s`` (rack ``r``) now has ``f`` free cores (counts and heaps)."""
        self.gcnt[f] += 1
        c = self.rcnt[r]
        c[f] += 1
        if f:
            gin = self.gin[f]
            if not gin[s]:
                gin[s] = 1
                heappush(self.gheap[f], s)
            if self.rack_level:
                rin = self.rin[f]
                if not rin[s]:
                    rin[s] = 1
                    heappush(self.rheap[r][f], s)
        if f > self.maxfree[r]:
            self.maxfree[r] = f
            if self.rack_level:
                self.maxfree_np[r] = f

    def _leave(self, r: int, f: int) -> None:
        """A server of rack ``r`` no longer has ``f`` free cores (counts; heaps are lazy)."""
        self.gcnt[f] -= 1
        c = self.rcnt[r]
        c[f] -= 1
        if f == self.maxfree[r] and not c[f]:
            g = f - 1
            while g > 0 and not c[g]:
                g -= 1
            self.maxfree[r] = g
            if self.rack_level:
                self.maxfree_np[r] = g

    def allocate(self, s: int, k: int) -> None:
        """Take ``k`` free cores of ON server ``s``."""
        # _leave(r, f) and _enter(s, r, f - k) inlined: this runs once per job
        f = self.free[s]
        g = f - k
        r = self.rack_of[s]
        self.free[s] = g
        gcnt = self.gcnt
        gcnt[f] -= 1
        gcnt[g] += 1
        c = self.rcnt[r]
        c[f] -= 1
        c[g] += 1
        if g:
            gin = self.gin[g]
            if not gin[s]:
                gin[s] = 1
                heappush(self.gheap[g], s)
        if f == self.maxfree[r] and not c[f]:
            m = f - 1
            while m > g and not c[m]:
                m -= 1
            self.maxfree[r] = m
            if self.rack_level:
                self.maxfree_np[r] = m
        self.rfree[r] -= k
        if self.rack_level:
            if g:
                rin = self.rin[g]
                if not rin[s]:
                    rin[s] = 1
                    heappush(self.rheap[r][g], s)
            self.rfree_np[r] -= k

    def release(self, s: int, k: int) -> None:
        """Give back ``k`` cores of ON server ``s``."""
        f = self.free[s]
        g = f + k
        r = self.rack_of[s]
        self.free[s] = g
        gcnt = self.gcnt
        gcnt[f] -= 1
        gcnt[g] += 1
        c = self.rcnt[r]
        c[f] -= 1
        c[g] += 1
        gin = self.gin[g]
        if not gin[s]:
            gin[s] = 1
            heappush(self.gheap[g], s)
        if g > self.maxfree[r]:
            self.maxfree[r] = g
            if self.rack_level:
                self.maxfree_np[r] = g
        self.rfree[r] += k
        if self.rack_level:
            rin = self.rin[g]
            if not rin[s]:
                rin[s] = 1
                heappush(self.rheap[r][g], s)
            self.rfree_np[r] += k

    # ------------------------------------------------------------------ power states
    def power_off(self, s: int) -> None:
        """ON and idle -> OFF (the low-power state)."""
        if self.state[s] != ON or self.free[s] != self.cores:
            raise RuntimeError(f"server {s} is not on and idle")
        r = self.rack_of[s]
        self._leave(r, self.cores)
        self.free[s] = -1
        self.state[s] = OFF
        self.rfree[r] -= self.cores
        if self.rack_level:
            self.rfree_np[r] -= self.cores
        heappush(self.off_heap[r], s)
        self.n_off_rack[r] += 1
        self.n_off += 1
        self.n_on -= 1

    def begin_boot(self, r: int) -> int:
        """OFF -> BOOTING for the lowest-id OFF server of rack ``r``; returns its id."""
        s = heappop(self.off_heap[r])
        self.n_off_rack[r] -= 1
        self.n_off -= 1
        self.state[s] = BOOTING
        self.n_booting += 1
        return s

    def power_on(self, s: int) -> None:
        """BOOTING -> ON, idle."""
        if self.state[s] != BOOTING:
            raise RuntimeError(f"server {s} is not booting")
        r = self.rack_of[s]
        self.state[s] = ON
        self.free[s] = self.cores
        self._enter(s, r, self.cores)
        self.rfree[r] += self.cores
        if self.rack_level:
            self.rfree_np[r] += self.cores
        self.n_booting -= 1
        self.n_on += 1

    # ------------------------------------------------------------------ heap queries
    def any_fit(self, k: int) -> bool:
        """Whether some ON server has at least ``k`` free cores (at most ``cores`` lookups)."""
        g = self.gcnt
        for f in range(k, self.cores + 1):
            if g[f]:
                return True
        return False

    def gtop(self, f: int) -> int:
        """Lowest id of an ON server with exactly ``f`` free cores, or -1."""
        return _lazy_heap_top(self.gheap[f], self.free, f, self.gin[f])

    def rtop(self, r: int, f: int) -> int:
        """Lowest id of an ON server of rack ``r`` with exactly ``f`` free cores, or -1."""
        return _lazy_heap_top(self.rheap[r][f], self.free, f, self.rin[f])

    # ------------------------------------------------------------------ checks
    def check(self) -> None:
        """Verify every index against a brute-force recount (for tests; O(servers))."""
        R, S, C = self.racks, self.servers_per_rack, self.cores
        gcnt = [0] * (C + 1)
        rcnt = [[0] * (C + 1) for _ in range(R)]
        n_off = [0] * R
        for s in range(self.n_servers):
            r = s // S
            if self.state[s] == ON:
                f = self.free[s]
                assert 0 <= f <= C, (s, f)
                gcnt[f] += 1
                rcnt[r][f] += 1
                if f:
                    assert s in self.gheap[f], f"server {s} missing from gheap[{f}]"
                    if self.rack_level:
                        assert s in self.rheap[r][f], f"server {s} missing from rheap[{r}][{f}]"
            else:
                assert self.free[s] == -1, (s, self.free[s])
                if self.state[s] == OFF:
                    n_off[r] += 1
                    assert s in self.off_heap[r]
        assert gcnt == self.gcnt, (gcnt, self.gcnt)
        assert rcnt == self.rcnt
        for r in range(R):
            mf = max((f for f in range(C + 1) if rcnt[r][f]), default=0)
            assert self.maxfree[r] == mf, (r, self.maxfree[r], mf)
            rf = sum(f * rcnt[r][f] for f in range(C + 1))
            assert self.rfree[r] == rf, (r, self.rfree[r], rf)
            if self.rack_level:
                assert self.maxfree_np[r] == mf and self.rfree_np[r] == rf
        assert list(self.n_off_rack) == n_off
        for f in range(1, C + 1):
            assert len(self.gheap[f]) == sum(self.gin[f]), "duplicate heap entries"
