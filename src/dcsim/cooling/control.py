"""Cooling-mode control: hysteresis and a minimum time between mode changes.

Modes are ordered by running cost: free < evaporative < partial-free < mechanical. Each step a
plant computes the cheapest mode that would hold the setpoint with a margin (the deadband,
``cand``) and whether the mode now active still holds it with no margin (``current_ok``). The
plant stays in a cheaper mode while it still works (hysteresis), otherwise wants ``cand``;
a change happens only after the active mode has run for ``min_time_s`` (Stein 2009, as in
Modelica Buildings.Applications.DataCenters.ChillerCooled.Controls.CoolingMode: 20 min).
While a change waits, the active mode runs as well as it can and any shortfall is reported as
unmet load. The first step picks ``cand`` directly.
"""

from __future__ import annotations

from collections import namedtuple

from .._jitcache import njit

from . import MODE_EVAPORATIVE, MODE_FREE, MODE_FREE_DRY, MODE_MECHANICAL, MODE_PARTIAL_FREE

#: Mode control of every system: minimum time in a mode (s) and the margin a cheaper mode
#: needs before it is chosen (K).
ControlParams = namedtuple("ControlParams", ["min_mode_time_s", "mode_deadband_k"])

# state array layout (shared with dcsim.cooling.plant)
S_MODE = 0  # active mode code, -1 before the first step
S_MODE_TIME_S = 1  # time the active mode has run at the start of the step, s
S_SUPPLY_W = 2  # supply-air humidity ratio of the last step, kg/kg
S_MODE_CHANGES = 3  # number of mode changes so far
S_DEW_PW = 4  # cache: vapour pressure (Pa) whose dew point is in S_DEW_C (-1: none yet)
S_DEW_C = 5
S_HP_RUN_S = 6  # time the heat pump's compressor has run without a stop at the start of the step, s (0: off)
N_STATE = 7


@njit(cache=True, fastmath=False, error_model="numpy")
def mode_rank(mode: int) -> int:
    """Running-cost rank: free 0, evaporative 1, partial-free 2, mechanical 3."""
    if mode == MODE_FREE:
        return 0
    if mode == MODE_EVAPORATIVE:
        return 1
    if mode == MODE_PARTIAL_FREE:
        return 2
    return 3


@njit(cache=True, fastmath=False, error_model="numpy")
def select_mode(state, cand: int, current_ok: bool, dt_s: float, min_time_s: float) -> int:
    """Mode for this step (updates ``state``: mode, time in mode, change counter)."""
    cur = int(state[S_MODE])
    if cur < 0:
        new = cand
    else:
        desired = cur if (current_ok and mode_rank(cur) <= mode_rank(cand)) else cand
        new = desired if (desired != cur and state[S_MODE_TIME_S] >= min_time_s) else cur
    if new != cur:
        state[S_MODE] = new
        state[S_MODE_TIME_S] = 0.0
        if cur >= 0:
            state[S_MODE_CHANGES] += 1.0
    state[S_MODE_TIME_S] += dt_s
    return new


@njit(cache=True, fastmath=False, error_model="numpy")
def mode_available(mode, has_free, has_evaporative, has_partial, has_mech):
    """Can a plant with these capabilities be in ``mode``? (A chilled-water plant: free and
    partial-free need its economiser or dry cooler, never evaporative; an air-side unit: free
    always, evaporative with wetted media, partial-free and mechanical with compressors.)"""
    if mode == MODE_FREE:
        return has_free
    if mode == MODE_EVAPORATIVE:
        return has_evaporative
    if mode == MODE_PARTIAL_FREE:
        return has_partial
    if mode == MODE_MECHANICAL:
        return has_mech
    return False


@njit(cache=True, fastmath=False, error_model="numpy")
def active_mode(state, has_free, has_evaporative, has_partial, has_mech):
    """The mode active at the start of the step (-1 before the first). A mode the plant cannot
    be in (its capabilities changed with the scenario) is forgotten in ``state``, so that
    :func:`select_mode` takes the candidate at once; the old code is still returned."""
    cur = int(state[S_MODE])
    if cur >= 0 and not mode_available(cur, has_free, has_evaporative, has_partial, has_mech):
        state[S_MODE] = -1.0
    return cur


@njit(cache=True, fastmath=False, error_model="numpy")
def air_side_fallback_mode(has_evaporative, has_mech):
    """The mode an air-side unit takes when no cheaper mode holds the setpoint: compressors if
    it has them, else its evaporative media, else free (and the shortfall is unmet load)."""
    if has_mech:
        return MODE_MECHANICAL
    return MODE_EVAPORATIVE if has_evaporative else MODE_FREE


@njit(cache=True, fastmath=False, error_model="numpy")
def reported_mode(mode: int, tower_dry: bool) -> int:
    """The mode written to the ``cooling_mode`` column: free cooling through a cooling tower that
    runs dry for freeze protection (:func:`dcsim.cooling.heat_rejection.tower_runs_dry`) is
    reported as its own mode, free-dry; the control state keeps free (a change between the two
    is a change of the tower's spray water, not of the economiser's valves, so the minimum mode
    time does not hold it). With compressors running the mode stays partial-free or mechanical
    (the dry tower then evaporates nothing either)."""
    if tower_dry and mode == MODE_FREE:
        return MODE_FREE_DRY
    return mode
