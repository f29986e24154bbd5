"""The site battery (the UPS battery used for more than autonomy): its energy balance, and the
dispatch policies that decide when it charges and discharges.

The battery sits between the grid and the facility's load (``[storage.battery]``). It never
exports: it discharges at most the load of the step, so the grid import stays >= 0. Its state
of charge is kept between the **UPS reserve** (``reserve_fraction`` x ``capacity_kwh``, the
autonomy the UPS must always hold) and full; it starts full. The energy balance of every step
(:func:`battery_step`)::

    E[k+1] = E[k] + eta_c c[k] dt - d[k] dt / eta_d
    loss[k] = c[k] (1 - eta_c) + d[k] (1 / eta_d - 1)      so  c - d - loss = dE / dt exactly

with ``c``, ``d`` the AC charge and discharge power (kW) and ``eta_c = eta_d = sqrt(RTE)``, the
round-trip efficiency split evenly between charging and discharging (an assumption: measured
round-trip figures do not split it; the default RTE 0.82 is the mean measured AC-AC efficiency
of the US utility-scale battery fleet in 2019, EIA Today in Energy id=46756). Self-discharge is
not modelled (no acceptable measured figure was found).

Policies (``policy``) produce a **request** per step (kW, > 0 discharge, < 0 charge) that the
step function then limits by power, state of charge and load:

``peak-shaving``
    discharge what the load exceeds a target, recharge below it (never above it). The target of
    each local calendar month is the lowest the battery can hold that month and still end it
    full (no month borrows stored energy from the next), found by bisection
    on the month's known load (:func:`peak_shaving_targets`; perfect foresight of the site's
    own load, an upper bound of what a controller with a forecast achieves), or a given
    ``peak_target_kw``.
``arbitrage`` / ``carbon-shift``
    an hourly schedule that minimises the cost (price x import + degradation per kWh
    discharged) or the carbon (intensity x import) of the grid import over windows of
    ``horizon_h`` hours with perfect knowledge of the window's prices or intensities (the
    day-ahead prices of the next day are known), each window ending at least as full as it
    began, the hourly import never above the month's peak hour without the battery (so the
    power fee cannot rise) and never below zero (:func:`hourly_schedule`, a linear programme
    solved by HiGHS through scipy). Doing nothing is a feasible schedule, so with perfect
    foresight arbitrage never loses money.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from .._jitcache import njit

_HOUR_S = 3600
#: a tie-breaking cost per kWh charged or discharged in the schedules (SEK or g per kWh): with it
#: the optimum never charges and discharges in the same hour
_TIE_BREAK = 1e-9


@dataclass(frozen=True)
class BatteryParams:
    """The battery's ratings: usable capacity (kWh), converter power (kW, charge and
    discharge), one-way efficiencies and the UPS reserve (kWh)."""

    capacity_kwh: float
    power_kw: float
    eta_charge: float
    eta_discharge: float
    reserve_kwh: float

    @classmethod
    def from_round_trip(cls, capacity_kwh: float, power_kw: float, round_trip_efficiency: float,
                        reserve_fraction: float) -> BatteryParams:
        """Ratings with ``eta_charge = eta_discharge = sqrt(round_trip_efficiency)``."""
        eta = battery_one_way_efficiency(round_trip_efficiency)
        return cls(float(capacity_kwh), float(power_kw), eta, eta, float(reserve_fraction) * float(capacity_kwh))


def battery_one_way_efficiency(round_trip_efficiency: float) -> float:
    """One-way efficiency of charging and of discharging, ``sqrt(RTE)``, dimensionless: the
    round trip split evenly between the two directions (an assumption; a measured round-trip
    efficiency does not tell the split)."""
    return float(np.sqrt(round_trip_efficiency))


@njit(cache=True, fastmath=False, error_model="numpy")
def battery_step(stored_kwh, request_kw, load_kw, dt_h, capacity_kwh, floor_kwh, power_kw, eta_c, eta_d):
    """One step of the battery: the request (kW, > 0 discharge, < 0 charge) limited by the
    converter power, the energy above ``floor_kwh`` (discharge), the room below
    ``capacity_kwh`` (charge; the ceiling the policy keeps) and the load (no export). Returns
    (charge_kw, discharge_kw, stored_kwh after the step)::

        E' = E + eta_c c dt - d dt / eta_d
    """
    if request_kw > 0.0:
        room = (stored_kwh - floor_kwh) * eta_d / dt_h
        d = min(request_kw, power_kw, load_kw, room)
        if d < 0.0:
            d = 0.0
        return 0.0, d, stored_kwh - d * dt_h / eta_d
    room = (capacity_kwh - stored_kwh) / (eta_c * dt_h)
    c = min(-request_kw, power_kw, room)
    if c < 0.0:
        c = 0.0
    return c, 0.0, stored_kwh + c * eta_c * dt_h


@njit(cache=True, fastmath=False, error_model="numpy")
def _battery_kernel(request_kw, load_kw, outage, dt_h, ceiling_kwh, floor_kwh, power_kw, eta_c, eta_d, e0_kwh,
                    out_charge, out_discharge, out_stored):
    """Run :func:`battery_step` over the steps, writing charge, discharge (kW) and the stored
    energy at the end of each step (kWh) into the ``out_`` arrays. In a step with ``outage``
    set (the grid is down) the battery discharges ``request_kw`` (what the generator does not
    carry) down to empty and cannot charge; after an outage it recharges at full power until
    it holds the UPS reserve ``floor_kwh`` again, before the policy's request counts."""
    e = e0_kwh
    for k in range(request_kw.size):
        r = request_kw[k]
        floor = floor_kwh
        if outage[k]:
            floor = 0.0
            if r < 0.0:
                r = 0.0
        elif e < floor_kwh:
            r = -power_kw
        c, d, e = battery_step(e, r, load_kw[k], dt_h, ceiling_kwh, floor, power_kw, eta_c, eta_d)
        out_charge[k] = c
        out_discharge[k] = d
        out_stored[k] = e


@dataclass(frozen=True)
class BatteryRun:
    """What the battery did, one value per step: ``charge_kw`` and ``discharge_kw`` (AC),
    ``stored_kwh`` at the end of the step, ``loss_kw`` (the conversion losses, heat), and the
    stored energy at the start ``stored0_kwh``."""

    charge_kw: np.ndarray
    discharge_kw: np.ndarray
    stored_kwh: np.ndarray
    loss_kw: np.ndarray
    stored0_kwh: float

    def balance_rel_error(self, dt_h: float) -> float:
        """|sum(charge - discharge - loss) dt - (E_end - E_0)| over the energy charged and
        discharged (0 when the battery did nothing)."""
        through = float((self.charge_kw + self.discharge_kw).sum() * dt_h)
        if through == 0.0:
            return 0.0
        end = float(self.stored_kwh[-1]) if self.stored_kwh.size else self.stored0_kwh
        net = float((self.charge_kw - self.discharge_kw - self.loss_kw).sum() * dt_h)
        return abs(net - (end - self.stored0_kwh)) / through


def run_battery(params: BatteryParams, request_kw: np.ndarray, load_kw: np.ndarray, step_s: float,
                stored0_kwh: float | None = None, ceiling_kwh: float | None = None,
                outage: np.ndarray | None = None) -> BatteryRun:
    """The battery following ``request_kw`` (one value per step of ``step_s`` seconds) under the
    load ``load_kw``, from ``stored0_kwh`` (default: ``ceiling_kwh``), never charged above
    ``ceiling_kwh`` (default full) nor discharged below the UPS reserve, except in the steps of
    ``outage`` (bool per step; the grid is down: see :func:`_battery_kernel`)."""
    request = np.ascontiguousarray(request_kw, dtype=np.float64)
    load = np.ascontiguousarray(load_kw, dtype=np.float64)
    if request.shape != load.shape or request.ndim != 1:
        raise ValueError("request_kw and load_kw need one value per step each")
    if not (np.all(np.isfinite(request)) and np.all(np.isfinite(load))):
        raise ValueError("request_kw and load_kw must be finite")
    n = request.size
    down = np.zeros(n, dtype=np.bool_) if outage is None else np.ascontiguousarray(outage, dtype=np.bool_)
    if down.shape != (n,):
        raise ValueError("outage needs one value per step")
    charge, discharge, stored = np.empty(n), np.empty(n), np.empty(n)
    ceiling = params.capacity_kwh if ceiling_kwh is None else float(ceiling_kwh)
    e0 = ceiling if stored0_kwh is None else float(stored0_kwh)
    _battery_kernel(request, load, down, step_s / _HOUR_S, ceiling, params.reserve_kwh, params.power_kw,
                    params.eta_charge, params.eta_discharge, e0, charge, discharge, stored)
    loss = charge * (1.0 - params.eta_charge) + discharge * (1.0 / params.eta_discharge - 1.0)
    return BatteryRun(charge, discharge, stored, loss, e0)


# ---------------------------------------------------------------------- peak shaving
def _largest_excess(params: BatteryParams, load: np.ndarray, target: float, dt_h: float, e0: float) -> tuple[float, float]:
    """(the most the grid import exceeds ``target`` in any step, the stored energy at the end)
    when the battery shaves ``load`` to ``target`` from ``e0``."""
    run = run_battery(params, load - target, load, dt_h * _HOUR_S, stored0_kwh=e0)
    grid = load + run.charge_kw - run.discharge_kw
    return float((grid - target).max()), float(run.stored_kwh[-1])


def peak_shaving_targets(params: BatteryParams, load_kw: np.ndarray, month_of_step: np.ndarray, step_s: float,
                         tolerance_kw: float = 0.01) -> np.ndarray:
    """The lowest grid-import target (kW) of each billing month that the battery can hold in
    every step of the month **and** end the month as full as it began (so no month borrows
    stored energy: a flat load cannot be shaved), from a full battery: bisection between
    ``max(load) - power_kw`` (no battery can do better) and ``max(load)``, to ``tolerance_kw``.
    Returns one target per step."""
    load = np.asarray(load_kw, dtype=np.float64)
    target = np.empty(load.size)
    dt_h = step_s / _HOUR_S
    e = params.capacity_kwh
    months = np.asarray(month_of_step)
    bounds = np.flatnonzero(np.diff(months)) + 1

    def holds(seg: np.ndarray, t: float) -> bool:
        excess, end = _largest_excess(params, seg, t, dt_h, e)
        return excess <= tolerance_kw and end >= e - 1e-9 * params.capacity_kwh

    for i0, i1 in zip(np.r_[0, bounds], np.r_[bounds, load.size]):
        seg = load[i0:i1]
        hi = float(seg.max())
        lo = max(hi - params.power_kw, 0.0)
        if holds(seg, lo):
            hi = lo
        while hi - lo > tolerance_kw:
            mid = 0.5 * (lo + hi)
            if holds(seg, mid):
                hi = mid
            else:
                lo = mid
        target[i0:i1] = hi
    return target


# ---------------------------------------------------------------------- hourly schedules
def hourly_schedule(params: BatteryParams, signal: np.ndarray, max_discharge_kw: np.ndarray,
                    max_charge_kw: np.ndarray, horizon_h: int, discharge_cost: float = 0.0) -> np.ndarray:
    """An hourly battery schedule (kW per hour, > 0 discharge, < 0 charge) that minimises
    ``sum_h signal[h] (c[h] - d[h]) + discharge_cost d[h]`` over consecutive windows of
    ``horizon_h`` hours (the signal of a window known in full, none beyond), each window
    starting and ending with the battery full or fuller (so each window is at worst idle), the
    stored energy between the UPS reserve and the capacity after every hour, ``0 <= d[h] <=
    max_discharge_kw[h]`` and ``0 <= c[h] <= max_charge_kw[h]`` (both within the converter's
    power). Negative signal values are taken as 0 (a battery does not burn energy to earn a
    negative price; charging there still earns more than planned). A linear programme per
    window (scipy.optimize.linprog, HiGHS).
    """
    from scipy.optimize import linprog

    signal = np.maximum(np.asarray(signal, dtype=np.float64), 0.0)
    n = signal.size
    d_max = np.clip(np.asarray(max_discharge_kw, dtype=np.float64), 0.0, params.power_kw)
    c_max = np.clip(np.asarray(max_charge_kw, dtype=np.float64), 0.0, params.power_kw)
    out = np.zeros(n)
    eta_c, eta_d = params.eta_charge, params.eta_discharge
    e0 = params.capacity_kwh
    for w0 in range(0, n, horizon_h):
        w1 = min(n, w0 + horizon_h)
        m = w1 - w0
        # x = [c_0..c_{m-1}, d_0..d_{m-1}]; E_t = e0 + sum_{s<=t} (eta_c c_s - d_s / eta_d)
        lower = np.tril(np.ones((m, m)))
        a_e = np.hstack([eta_c * lower, -lower / eta_d])
        a_ub = np.vstack([a_e, -a_e, -a_e[-1:]])  # E_t <= cap, E_t >= reserve, E_end >= e0
        b_ub = np.r_[np.full(m, params.capacity_kwh - e0), np.full(m, e0 - params.reserve_kwh), 0.0]
        cost = np.r_[signal[w0:w1] + _TIE_BREAK, -signal[w0:w1] + discharge_cost + _TIE_BREAK]
        bounds = [(0.0, float(v)) for v in c_max[w0:w1]] + [(0.0, float(v)) for v in d_max[w0:w1]]
        res = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
        if res.status != 0:
            raise RuntimeError(f"battery schedule: the linear programme of hours {w0}-{w1} failed: {res.message}")
        x = res.x
        out[w0:w1] = x[m:] - x[:m]
    return out
