"""Mode control: hysteresis and the minimum time between mode changes, against a Python twin."""

import numpy as np

from dcsim.cooling import MODE_EVAPORATIVE, MODE_FREE, MODE_MECHANICAL, MODE_PARTIAL_FREE
from dcsim.cooling.control import S_MODE, S_MODE_CHANGES, S_MODE_TIME_S, mode_rank, select_mode

RANK = {MODE_FREE: 0, MODE_EVAPORATIVE: 1, MODE_PARTIAL_FREE: 2, MODE_MECHANICAL: 3}


class Twin:
    """Plain-Python controller written from the control.py docstring."""

    def __init__(self):
        self.mode, self.time, self.changes = -1, 1e30, 0

    def step(self, cand, ok, dt, tmin):
        if self.mode < 0:
            new = cand
        else:
            desired = self.mode if ok and RANK[self.mode] <= RANK[cand] else cand
            new = desired if desired != self.mode and self.time >= tmin else self.mode
        if new != self.mode:
            if self.mode >= 0:
                self.changes += 1
            self.mode, self.time = new, 0.0
        self.time += dt
        return new


def test_rank_order():
    assert [mode_rank(m) for m in (MODE_FREE, MODE_EVAPORATIVE, MODE_PARTIAL_FREE, MODE_MECHANICAL)] == [0, 1, 2, 3]


def test_select_mode_matches_twin_and_respects_min_time():
    rng = np.random.default_rng(3)
    modes = [MODE_FREE, MODE_EVAPORATIVE, MODE_PARTIAL_FREE, MODE_MECHANICAL]
    for tmin in (0.0, 600.0, 1200.0):
        state = np.array([-1.0, 1e30, 0.0, 0.0])
        twin = Twin()
        last_change = None
        for k in range(3000):
            cand = modes[rng.integers(4)] if rng.random() < 0.2 else twin.mode if twin.mode >= 0 else MODE_FREE
            ok = bool(rng.random() < 0.7)
            got = select_mode(state, cand, ok, 60.0, tmin)
            want = twin.step(cand, ok, 60.0, tmin)
            assert got == want
            assert state[S_MODE] == twin.mode and state[S_MODE_TIME_S] == twin.time and state[S_MODE_CHANGES] == twin.changes
            if k > 0 and got != prev:
                if last_change is not None:
                    assert (k - last_change) * 60.0 >= tmin
                last_change = k
            prev = got


def test_hysteresis_stays_in_cheaper_mode_that_still_works():
    state = np.array([float(MODE_FREE), 1e9, 0.0, 0.0])
    # free still works without margin (ok) while the margined candidate says partial: stay free
    assert select_mode(state, MODE_PARTIAL_FREE, True, 60.0, 1200.0) == MODE_FREE
    # free no longer works: leave it
    assert select_mode(state, MODE_PARTIAL_FREE, False, 60.0, 0.0) == MODE_PARTIAL_FREE
    # the first step takes the candidate at once
    s0 = np.array([-1.0, 1e30, 0.0, 0.0])
    assert select_mode(s0, MODE_MECHANICAL, True, 60.0, 1200.0) == MODE_MECHANICAL
    assert s0[S_MODE_CHANGES] == 0
