"""A cooling unit known only by its datasheet (``cooling.datasheet_unit``), in the plant.

The unit sits on the chilled-water return in series ahead of the chiller, after the free
cooling of the dry cooler or the waterside economiser: every step
:func:`dcsim.cooling.systems.chilled_water.chilled_water_production` gives it the load left
after free cooling, it takes what its datasheet allows at the step's outdoor temperature
(:func:`datasheet_unit_step`), and the chiller carries only the rest. Its heat and its
electricity leave outdoors; its water evaporates. The parameters come from the scenario
through the build layer (:func:`dcsim.model.plant.build_datasheet_unit`), the tables padded
to fixed-size float tuples (:mod:`dcsim.model.tables`) like every plant table.
"""

from __future__ import annotations

from collections import namedtuple

from .._jitcache import njit

from .._numeric import interp_clamped
from . import MODE_EVAPORATIVE, MODE_FREE, MODE_FREE_DRY, MODE_PARTIAL_FREE

#: The unit's kernel parameters (every plant carries them; ``du_installed`` 0: no unit).
DatasheetUnitParams = namedtuple(
    "DatasheetUnitParams",
    [
        "du_installed",  # 1.0 with a unit, 0.0 without
        "du_wetbulb",  # 1.0: the table is against the outdoor wet bulb; 0.0: the dry bulb
        "du_outdoor_c",  # the table's outdoor temperatures, °C (float tuple, padded)
        "du_capacity_kw",  # heat all units can remove at those points, kW
        "du_power_kw",  # electric power of all units at full duty at those points, kW
        "du_water_l_per_kwh",  # water evaporated per kWh of heat removed, L/kWh
    ],
)


@njit(cache=True, fastmath=False, error_model="numpy")
def datasheet_unit_step(du, q_left_kw, t_db_c, t_wb_c, dt_s):
    """The datasheet unit on ``q_left_kw`` (kW), the chilled-water load left after free
    cooling, at outdoor dry bulb ``t_db_c`` and wet bulb ``t_wb_c`` (°C) over a step of
    ``dt_s`` (s). Returns (q_unit_kw, power_kw, water_l): heat it removes, its electric power,
    the water it evaporates over the step.

    With T the temperature its table is given against (``du_wetbulb``) and the tables
    interpolated linearly and clamped at their ends (:func:`dcsim._numeric.interp_clamped`)::

        Q_cap = capacity(T)                      kW, all units
        Q_u   = min(max(q_left, 0), Q_cap)       kW
        P_u   = power(T) x Q_u / Q_cap           kW (0 when Q_cap = 0)
        W     = water_l_per_kwh x Q_u x dt / 3600   L

    Assumption (no source: a datasheet gives the power at full duty only): the power is
    proportional to the share of the capacity used. The units modulate by their fans and spray
    pumps on variable-speed drives, or stage on and off over the step; the fans' cube law would
    draw less at part load, a unit running at full power whenever it is on would draw more, and
    the linear law lies between the two without a jump when the load falls to zero. The
    capacity is the datasheet's at the outdoor temperature; the loop's return temperature, which
    the free cooling ahead of the unit lowers, is not looked at (the datasheet's rating is taken
    to hold at the loop's design return). The unit has no mode control of its own: it runs
    whenever load is left and its table gives capacity.
    """
    if du.du_installed == 0.0:
        return 0.0, 0.0, 0.0
    t = t_wb_c if du.du_wetbulb == 1.0 else t_db_c
    cap = interp_clamped(du.du_outdoor_c, du.du_capacity_kw, t)
    if cap <= 0.0 or q_left_kw <= 0.0:
        return 0.0, 0.0, 0.0
    q = q_left_kw if q_left_kw < cap else cap
    power = interp_clamped(du.du_outdoor_c, du.du_power_kw, t) * (q / cap)
    water = du.du_water_l_per_kwh * q * dt_s / 3600.0
    return q, power, water


@njit(cache=True, fastmath=False, error_model="numpy")
def datasheet_unit_mode(du, mode, q_unit_kw, q_mech_kw):
    """The ``cooling_mode`` of a step in which the unit removed ``q_unit_kw`` and the chillers
    ``q_mech_kw``, from the mode the plant reports without the unit (``mode``: control mode,
    free-dry already applied, :func:`dcsim.cooling.control.reported_mode`).

    With the chillers running the unit pre-cools the return like free cooling does: partial-free
    (half a free-cooling hour, :data:`dcsim.cooling.MODE_FREE_WEIGHT`). With the chillers off it
    carries all of the load the free cooling left: evaporative when it evaporates water
    (:data:`dcsim.cooling.MODE_EVAPORATIVE`, "no compressor, evaporative assist using water"),
    else free (a free or free-dry step stays as it is). Both count as whole free-cooling hours;
    the step's heat removed without compressors (``OUT_FREE_KW``) includes the unit's. A step
    without the unit's heat keeps ``mode``.
    """
    if q_unit_kw <= 0.0:
        return mode
    if q_mech_kw > 0.0:
        return MODE_PARTIAL_FREE
    if du.du_water_l_per_kwh > 0.0:
        return MODE_EVAPORATIVE
    if mode == MODE_FREE or mode == MODE_FREE_DRY:
        return mode
    return MODE_FREE
