"""Build the model from a Scenario and run the time loop.

``simulate(scenario)`` resolves the scenario's references (weather, grid, server table),
samples every input series at the physics step, allocates the outputs, and runs the
compiled facility kernel over the whole period (trace-driven path: no Python per step).
Results carry the full-resolution KPIs and a timeseries aggregated to ``record_step``.
"""

from __future__ import annotations

import math
import platform
import time
from collections.abc import Callable
from datetime import datetime, timezone

import numpy as np
import pandas as pd

from ._version import __version__
from .climate import load_climate
from .drive import precompile, run_facility
from .cooling import outputs as P
from .electrical.chain import (
    E_FIXED_KW,
    E_LOSSES_KW,
    E_PDU_LOSS_KW,
    E_TRANSFORMER_LOSS_KW,
    E_UPS_LOSS_KW,
    E_UPS_MODULE_LOAD_FRACTION,
    E_UPS_MODULES_ONLINE,
)
from .errors import InputError, Problem, SimulationError
from .electrical.battery import BatteryParams
from .electrical.dispatch import (battery_dispatch, fcr_d_up_offer, ffr_offer, file_reserve_revenue_sek,
                                  reserve_revenue_sek, step_mean_activation)
from .electrical.generator import generator_fuels, generator_output_kw
from .grid import GridSeries
from .grid.frequency import read_frequency_file
from .eu_reporting import eu_2024_1364_indicators
from .grid.reserves import read_reserve_price_csv
from .workload.utilization import utilization_from_file
from .model import (
    build_model,
    dh_demand_kw_series,
    heat_price_sek_per_mwh_series,
    heat_pump_min_cop,
    heat_reuse_note,
    initial_state,
    managed_curve,
    server_curve,
    server_spec,
    utility_owned,
)
from .results import Results, compute_kpis, rack_table, record_timeseries
from .scenario.load import scenario_grid, scenario_hash
from .scenario.schema import Scenario
from .thermal.kernels import StepInputs, allocate_outputs, allocate_rack_accumulators

ProgressCallback = Callable[[int, int], None]


def step_times(sc: Scenario) -> tuple[np.datetime64, int, int]:
    """(start as datetime64[s] UTC, step in s, number of steps)."""
    start = np.datetime64(sc.simulation.start.astimezone(timezone.utc).replace(tzinfo=None), "s")
    step = sc.simulation.step
    return start, step, sc.simulation.duration // step


def step_midpoints(start: np.datetime64, step_s: int, n: int) -> np.ndarray:
    """datetime64[s] midpoints of the n steps."""
    return start + np.timedelta64(step_s // 2, "s") + np.arange(n, dtype=np.int64) * np.timedelta64(step_s, "s")


def utilization_series(sc: Scenario, start: np.datetime64, step_s: int, n: int) -> tuple[np.ndarray, np.ndarray | None]:
    """(hall-mean server utilisation at each step midpoint, in [0, 1]; each rack's, steps x
    racks, for a per-rack trace, else None)."""
    w = sc.workload
    if w.kind == "constant":
        return np.full(n, w.mean_utilization, dtype=np.float64), None
    if w.kind in ("synthetic", "trace"):
        return np.ones(n), None  # a multiplier: each rack's utilisation comes from the workload simulation
    if w.kind == "utilization-trace":
        u = trace_utilization(sc, start, step_s, n)
        return (u.mean(axis=1), u) if u.ndim == 2 else (u, None)  # per rack: the hall's is their mean
    weights = np.asarray(w.daily_profile, dtype=np.float64)
    shape = weights / weights.mean() * w.mean_utilization
    mid = step_midpoints(start, step_s, n)
    local_hour = pd.DatetimeIndex(mid).tz_localize("UTC").tz_convert(sc.site.timezone).hour.to_numpy()
    return np.minimum(shape[local_hour], 1.0), None


def trace_utilization(sc: Scenario, start: np.datetime64, step_s: int, n: int) -> np.ndarray:
    """The utilisation trace at each step midpoint: (steps,), or (steps, racks) per rack."""
    ut = sc.workload.utilization_trace
    rows_from = None
    if ut.step is not None:  # a file without a time column: its rows from ut.start (default: the run's start)
        first = sc.simulation.start if ut.start is None else ut.start
        rows_from = (int(first.timestamp()), int(ut.step))
    return utilization_from_file(ut.path, step_midpoints(start, step_s, n), column=ut.column, rows_from=rows_from,
                                 racks=sc.it.racks if ut.per_rack else None)


def availability_series(sc: Scenario, start: np.datetime64, step_s: int, n: int) -> np.ndarray:
    """Share of the plant's capacity available at each step (cooling.failures)."""
    avail = np.ones(n)
    t0 = start.astype("int64")
    for f in sc.cooling.failures:
        f0 = int(f.start.timestamp()) - int(t0)
        f1 = f0 + f.duration
        # steps whose midpoint falls inside the outage
        k0 = max(0, int(np.ceil((f0 - step_s / 2) / step_s)))
        k1 = min(n, int(np.ceil((f1 - step_s / 2) / step_s)))
        if k1 > k0:
            avail[k0:k1] = np.minimum(avail[k0:k1], f.available_fraction)
    return avail


def _run_event_driven(sc, model, inputs, state, out, acc, gx, dt, n, progress, start):
    """The SimPy workload path: each step the workload simulation runs to the end of the step
    with the racks' current inlet temperatures, hands over per-rack utilisation, servers on,
    the servers' mean curve power and transition/standby energy, and the kernel advances the
    physics one step."""
    from .workload import WorkloadSimulation

    # each rack's table power is the mean of its servers' curve powers, summed by the workload
    # on the curve the physics uses
    rack = model.rack._replace(own_table_power=True)
    spec = server_spec(sc.it.server)
    sim = WorkloadSimulation.from_scenario(
        sc, server=spec, carbon_g_per_kwh=gx.carbon_g_per_kwh, price_sek_per_kwh=gx.price_sek_per_kwh,
        power_curve=(rack.load_points, rack.power_points_w),
    )
    hall_u = np.zeros(n)
    servers_on = np.zeros(n)
    queue = np.zeros(n)
    inputs.utilization[:] = 1.0  # the rack utilisation arrives through util_scale
    total_servers = float(sc.it.racks * sc.it.servers_per_rack)
    every = max(1, n // 100)
    checked = 0
    kernel = precompile(model, rack, dt, inputs, state, out, acc)
    for k in range(n):
        w = sim.advance(k, state.inlet_c)
        rack.util_scale[:] = w.utilization
        state.table_power_w[:] = w.table_power_w
        rack.servers_on[:] = w.servers_on
        # off servers' standby and transition energy arrive as extra power
        rack.extra_power_kw[:] = (w.transition_energy_j + w.standby_energy_j) / dt / 1000.0
        kernel(k, k + 1, dt, inputs, rack, model.hall, model.plant_system, model.plant, model.electrical, state, out, acc)
        on = float(w.servers_on.sum())
        servers_on[k] = on
        hall_u[k] = float(w.utilization @ w.servers_on) / total_servers  # busy share of all servers
        queue[k] = w.queue_length
        if k % every == 0 or k == n - 1:
            check_step_outputs(out, checked, k + 1, start, int(dt))  # about 100 checks per run
            checked = k + 1
            if progress is not None:
                progress(k + 1, n)
    metrics = sim.finish()
    return metrics, hall_u, servers_on, queue


#: What a step's outputs must stay within (quantity, lower, upper): beyond these bounds the state is
#: unphysical (an inlet at 150 °C has burnt the hall; powers are never negative beyond round-off).
_PHYSICAL_BOUNDS = (
    ("it_power_kw", -1e-6, math.inf),
    ("facility_power_kw", -1e-6, math.inf),
    ("crah_fan_power_kw", -1e-6, math.inf),
    ("supply_air_c", -60.0, 150.0),
    ("mean_inlet_c", -60.0, 150.0),
    ("max_inlet_c", -60.0, 150.0),
    ("return_air_c", -60.0, 150.0),
    ("unmet_cooling_kw", -1e-6, math.inf),
    ("stored_heat_kw", -math.inf, math.inf),
    ("heat_out_kw", -math.inf, math.inf),
)


def check_step_outputs(out, i0: int, i1: int, start: np.datetime64, step_s: int) -> None:
    """Stop a run whose steps ``[i0, i1)`` left the physical range: the first step with a
    non-finite value, or one outside :data:`_PHYSICAL_BOUNDS`, raises :class:`SimulationError`
    naming the step, its time and the quantity (the CLI exits 1, nothing is written)."""
    for name, lo, hi in _PHYSICAL_BOUNDS:
        v = getattr(out, name)[i0:i1]
        bad = ~(np.isfinite(v) & (v >= lo) & (v <= hi))
        if bad.any():
            k = i0 + int(np.argmax(bad))
            t = start + np.timedelta64(k * step_s, "s")
            allowed = "finite values" if not math.isfinite(lo) and not math.isfinite(hi) else (
                f"finite values >= {lo:g}" if not math.isfinite(hi) else f"[{lo:g}, {hi:g}]")
            raise SimulationError(k, str(t), name, float(getattr(out, name)[k]), allowed)
    for label, arr in (("plant output", out.plant), ("electrical chain output", out.electrical)):
        block = arr[i0:i1]
        bad = ~np.isfinite(block)
        if bad.any():
            k, j = np.argwhere(bad)[0]
            t = start + np.timedelta64(int(i0 + k) * step_s, "s")
            raise SimulationError(int(i0 + k), str(t), f"{label} {int(j)}", float(block[k, j]), "finite values")


def heat_pump_outside_boundary(sc: Scenario) -> float:
    """1.0 when the heat pump is the utility's (``heat_reuse.ownership = "utility"``), outside
    the datacenter's boundary; else 0.0."""
    return 1.0 if utility_owned(sc.heat_reuse) else 0.0


def check_kpis_finite(kpis: dict[str, float], n: int, start: np.datetime64, step_s: int) -> None:
    """Stop (SimulationError, exit 1, nothing written) if any KPI is NaN or infinite: the
    last line of defence behind the per-step checks, so that kpis.json is always valid JSON
    and never holds a silent wrong number."""
    bad = [k for k, v in kpis.items() if not math.isfinite(v)]
    if bad:
        end = start + np.timedelta64(max(n - 1, 0) * step_s, "s")
        raise SimulationError(max(n - 1, 0), str(end), f"KPI {bad[0]} (over the run)", float(kpis[bad[0]]),
                              "finite values")


def heat_sale_price(sc: Scenario, network_sek_per_mwh: np.ndarray) -> np.ndarray:
    """What the datacenter is paid per MWh of the heat leaving its boundary, each step: the
    network's price when it owns the heat pump, the utility's price for the source heat when
    the utility does (``heat_reuse.ownership``)."""
    if not heat_pump_outside_boundary(sc):
        return network_sek_per_mwh
    return np.full(network_sek_per_mwh.shape[0], float(sc.heat_reuse.source_price_sek_per_mwh))


def step_columns(out, wx, gx, inputs, dt: float, sc: Scenario) -> dict[str, np.ndarray]:
    """Named step series (contract timeseries columns first) from the kernel outputs."""
    pl, el = out.plant, out.electrical
    n = len(out.it_power_kw)
    cooling = out.crah_fan_power_kw + pl[:, P.OUT_COOLING_KW]
    return {
        "outdoor_drybulb_c": wx.drybulb_c,
        "outdoor_rh_pct": wx.rh_pct,
        "it_power_kw": out.it_power_kw,
        "cooling_power_kw": cooling,
        "electrical_losses_kw": el[:, E_LOSSES_KW],
        "facility_power_kw": out.facility_power_kw,
        "supply_air_c": out.supply_air_c,
        "mean_inlet_c": out.mean_inlet_c,
        "max_inlet_c": out.max_inlet_c,
        "cooling_mode": pl[:, P.OUT_MODE].astype(np.int8),
        "water_l_per_h": pl[:, P.OUT_WATER_TOTAL_L] * 3600.0 / dt,
        # the heat leaving the datacenter's boundary (ISO/IEC 30134-6): what the network gets,
        # less a utility-owned heat pump's electricity (its evaporator's heat)
        "heat_reused_kw": pl[:, P.OUT_HEAT_REUSED_KW] - pl[:, P.OUT_HEAT_PUMP_KW] * heat_pump_outside_boundary(sc),
        "grid_carbon_g_per_kwh": gx.carbon_g_per_kwh,
        "price_sek_per_kwh": gx.price_sek_per_kwh,
        "utilization": inputs.utilization,
        "servers_on": np.full(n, float(sc.it.racks * sc.it.servers_per_rack)),  # event path overwrites
        "queue_length": np.zeros(n),
        # beyond the contract
        "outdoor_wetbulb_c": wx.wetbulb_c,
        "supply_setpoint_c": inputs.supply_setpoint_c,
        "return_air_c": out.return_air_c,
        "supply_rh_pct": pl[:, P.OUT_SUPPLY_RH_PCT],
        "supply_dewpoint_c": pl[:, P.OUT_SUPPLY_DEWPOINT_C],
        "outdoor_air_fraction": pl[:, P.OUT_OUTDOOR_AIR_FRACTION],
        "it_fan_power_kw": out.it_fan_power_kw,
        "crah_fan_power_kw": out.crah_fan_power_kw,
        "crah_airflow_m3_s": out.crah_airflow_m3_s,
        # what the site buys: the grid import (the facility's draw; storage and a generator
        # change it, not the draw) and the parts of its price (spot + tax + network fee)
        "grid_import_kw": out.facility_power_kw.copy(),
        "spot_sek_per_kwh": gx.spot_sek_per_kwh,
        "tax_sek_per_kwh": gx.tax_sek_per_kwh,
        "network_sek_per_kwh": gx.network_sek_per_kwh,
        "chiller_power_kw": pl[:, P.OUT_CHILLER_KW],
        "heat_rejection_fan_power_kw": pl[:, P.OUT_FANS_KW],
        "pump_power_kw": pl[:, P.OUT_PUMPS_KW],
        "humidifier_power_kw": pl[:, P.OUT_HUMIDIFIER_KW],
        "heat_pump_power_kw": pl[:, P.OUT_HEAT_PUMP_KW],  # on the site's meter unless ownership = "utility"
        "heat_delivered_kw": pl[:, P.OUT_HEAT_REUSED_KW],  # into the district-heating network
        "heat_source_c": pl[:, P.OUT_HEAT_SOURCE_C],  # the waste-heat stream's (heat reuse on or off)
        "heat_pump_uneconomic": pl[:, P.OUT_HEAT_PUMP_UNECONOMIC],  # 1: stood still, it would have lost money
        "heat_pump_held_on": pl[:, P.OUT_HEAT_PUMP_HELD_ON],  # 1: ran at a loss for its minimum run time
        "datasheet_unit_power_kw": pl[:, P.OUT_DATASHEET_UNIT_KW],  # in cooling_power_kw (cooling.datasheet_unit)
        "datasheet_unit_heat_kw": pl[:, P.OUT_DATASHEET_UNIT_HEAT_KW],
        "fixed_loads_kw": el[:, E_FIXED_KW],
        "ups_loss_kw": el[:, E_UPS_LOSS_KW],
        "pdu_loss_kw": el[:, E_PDU_LOSS_KW],
        "transformer_loss_kw": el[:, E_TRANSFORMER_LOSS_KW],
        "ups_modules_online": el[:, E_UPS_MODULES_ONLINE],
        "ups_module_load_fraction": el[:, E_UPS_MODULE_LOAD_FRACTION],
        "chiller_cop": pl[:, P.OUT_CHILLER_COP],
        "free_fraction": pl[:, P.OUT_FREE_FRACTION],
        "heat_pump_cop": pl[:, P.OUT_HEAT_PUMP_COP],
        "dh_supply_c": pl[:, P.OUT_DH_SUPPLY_C],
        # dispatch "always": the network takes all it is given, its demand is the delivery
        "dh_demand_kw": (pl[:, P.OUT_HEAT_REUSED_KW].copy() if sc.heat_reuse.enabled and sc.heat_reuse.dispatch == "always"
                         else inputs.dh_demand_kw),
        "water_evaporation_l_per_h": pl[:, P.OUT_WATER_EVAPORATION_L] * 3600.0 / dt,
        "water_humidification_l_per_h": pl[:, P.OUT_WATER_HUMIDIFICATION_L] * 3600.0 / dt,
        "heat_to_air_kw": out.heat_to_air_kw,
        "liquid_heat_kw": out.liquid_heat_kw,
        "coil_heat_kw": out.coil_heat_kw,
        "unmet_cooling_kw": out.unmet_cooling_kw,
        "stored_heat_kw": out.stored_heat_kw,
        "heat_rejected_kw": pl[:, P.OUT_HEAT_REJECTED_KW] + el[:, E_TRANSFORMER_LOSS_KW],
        # a liquid loop supplied below the air's dew point condenses water on the cold plates: the
        # supply air's dew point stands for the room's (the hall adds no moisture; humidity is
        # controlled on the supply). With the dry-cooler air side the supply dew point is held
        # (7.97 °C in the Luleå liquid scenario) and the loop's supply is at least 15 °C, so the
        # flag stays 0 there; it is kept for the hour a user's scenario makes it true
        "condensation_risk": (pl[:, P.OUT_LIQUID_SUPPLY_C] < pl[:, P.OUT_SUPPLY_DEWPOINT_C]).astype(np.float64)
        if sc.cooling.system == "liquid" else np.zeros(n),
        "servers_throttled": out.servers_throttled,
        "servers_shut_down": out.servers_shut_down,
        # work asked for and not done (server-equivalents): the timeseries records their ratio
        # per interval as it_work_not_done_pct (dcsim.results._RATIO_COLUMNS), the KPI over the run
        "work_not_done": out.work_not_done,
        "work_demand": out.work_demand,
    }


#: the relative error of the battery's own energy balance above which a run stops
_BATTERY_BALANCE_TOLERANCE = 1e-9


def outage_steps(outages, start_s: int, step_s: int, n: int) -> np.ndarray:
    """Which steps the grid is down in: those whose midpoint falls inside an outage
    ``[start, start + duration)`` of ``site.grid_outages``."""
    mid = start_s + np.arange(n, dtype=np.int64) * step_s + step_s / 2.0
    down = np.zeros(n, dtype=bool)
    for o in outages:
        t0 = o.start.timestamp()
        down |= (mid >= t0) & (mid < t0 + o.duration)
    return down


def apply_storage(sc: Scenario, columns: dict[str, np.ndarray], grid: GridSeries, start: np.datetime64,
                  step_s: int) -> tuple[dict[str, float], str]:
    """The site battery (``[storage.battery]``), the standby generator (``[storage.generator]``)
    and the grid outages (``site.grid_outages``) beside the facility's load.

    The battery's policy (:func:`dcsim.electrical.dispatch.battery_dispatch`) and the
    generator's test runs change the grid import; in an outage the grid import is 0, the
    generator carries the load after its start delay (:func:`dcsim.electrical.generator.generator_output_kw`),
    the battery the rest down to empty, and what neither serves is ``unserved_kw``. The
    battery's conversion losses are electrical losses of the facility, leaving as heat to
    outdoor air (a ventilated battery room). Adds the columns and returns the storage KPIs it
    computed (none without storage; :func:`dcsim.results.compute_kpis` has them at 0) with a
    sentence of what was there (for the manifest). Stops
    (SimulationError) if the battery's own balance, charge - discharge - losses = change of
    stored energy, is off by more than 1e-9 of the energy through it, or the stored energy
    falls below the UPS reserve outside an outage."""
    b, g = sc.storage.battery, sc.storage.generator
    kpis: dict[str, float] = {}  # compute_kpis has every storage KPI at 0; these overwrite it
    load = columns["facility_power_kw"].copy()
    n = len(load)
    start_s = int(np.datetime64(start, "s").astype(np.int64))
    dt_h = step_s / 3600.0
    down = outage_steps(sc.site.grid_outages, start_s, step_s, n)
    if b is None and g is None and not down.any():
        return kpis, ""
    notes = []
    gen_outage, gen_test = np.zeros(n), np.zeros(n)
    if g is not None:
        gen_outage, gen_test = generator_output_kw(
            load, down, start_s, step_s, g.power_kw, start_delay_s=g.start_delay_s,
            test_minutes=g.test_minutes_per_month, test_load_fraction=g.test_load_fraction)
    charge, discharge, loss = np.zeros(n), np.zeros(n), np.zeros(n)
    if b is not None:
        run, note = _run_battery(b, load, down, gen_outage, grid, columns, start, start_s, step_s, kpis)
        charge, discharge, loss = run.charge_kw, run.discharge_kw, run.loss_kw
        notes.append(note)
    unserved = np.where(down, np.maximum(load - gen_outage - discharge, 0.0), 0.0)
    columns["grid_import_kw"] = np.where(down, 0.0, load + charge - discharge - gen_test)
    for name in ("facility_power_kw", "electrical_losses_kw", "heat_rejected_kw"):
        columns[name] = columns[name] + loss
    if g is not None:
        l_per_kwh, kg_per_l, _ = generator_fuels()[g.fuel]
        if g.fuel_l_per_kwh is not None:
            l_per_kwh = g.fuel_l_per_kwh
        gen = gen_outage + gen_test
        columns["generator_power_kw"] = gen
        e_gen = float(gen.sum() * dt_h)
        fuel_l = e_gen * l_per_kwh
        kpis.update(generator_kwh=e_gen, generator_fuel_l=fuel_l, generator_fuel_cost_sek=fuel_l * g.fuel_price_sek_per_l,
                    generator_carbon_kg=fuel_l * kg_per_l)
        notes.append(f"generator {g.power_kw:g} kW on {g.fuel} ({l_per_kwh:g} L/kWh, {kg_per_l:g} kg CO2e/L "
                     f"lifecycle), monthly test {g.test_minutes_per_month:g} min at {g.test_load_fraction:g} of its rating")
    if down.any():
        columns["unserved_kw"] = unserved
        kpis.update(unserved_energy_kwh=float(unserved.sum() * dt_h),
                    unserved_hours=float((unserved > 1e-9 * np.maximum(load, 1.0)).sum() * dt_h))
        notes.append(f"grid outages: {float(down.sum() * dt_h):g} h")
    return kpis, "; ".join(notes)


def _run_battery(b, load, down, gen_outage, grid: GridSeries, columns, start, start_s: int, step_s: int,
                 kpis: dict[str, float]):
    """The battery of :func:`apply_storage`: its run and its checks, columns and KPIs."""
    params = BatteryParams.from_round_trip(b.capacity_kwh, b.power_kw, b.round_trip_efficiency, b.reserve_fraction)
    activation = None
    if b.frequency_file is not None:  # FCR-D up activations from the user's frequency record
        field = "storage.battery.frequency_file"
        f_time_s, f_hz = read_frequency_file(b.frequency_file, field_path=field)
        activation = step_mean_activation(f_time_s, f_hz, start_s, step_s, len(load), file=b.frequency_file,
                                          field_path=field)
        activation = np.where(down, 0.0, activation)  # not offered while the grid is down
    try:
        run = battery_dispatch(
            b.policy, params, load, start_s, step_s, price_sek_per_kwh=columns["price_sek_per_kwh"],
            carbon_g_per_kwh=columns["grid_carbon_g_per_kwh"], fees=grid.power_fees, horizon_h=b.horizon_h,
            discharge_cost_sek_per_kwh=b.degradation_sek_per_kwh or 0.0, target_kw=b.peak_target_kw,
            outage=down, outage_request_kw=load - gen_outage, activation=activation,
        )
    except ValueError as exc:
        raise InputError(Problem("storage.battery.policy", str(exc), value=b.policy)) from None
    dt_h = step_s / 3600.0
    err = run.balance_rel_error(dt_h)
    if not err <= _BATTERY_BALANCE_TOLERANCE:
        raise SimulationError(len(load) - 1, str(start), "battery energy balance relative error", err,
                              f"[0, {_BATTERY_BALANCE_TOLERANCE:g}]")
    # below the reserve only in an outage and while it recharges after one (at full power): a
    # step that started below the reserve once an outage has been
    started_low = np.r_[run.stored0_kwh, run.stored_kwh[:-1]] < params.reserve_kwh
    low_ok = down | (np.logical_or.accumulate(down) & started_low)
    bad = (run.stored_kwh < params.reserve_kwh - 1e-9 * params.capacity_kwh) & ~low_ok
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise SimulationError(k, str(start + np.timedelta64(k * step_s, "s")), "battery stored energy, kWh",
                              float(run.stored_kwh[k]), f"[UPS reserve {params.reserve_kwh:g}, {params.capacity_kwh:g}]")
    columns["battery_charge_kw"] = run.charge_kw
    columns["battery_discharge_kw"] = run.discharge_kw
    columns["battery_stored_kwh"] = run.stored_kwh
    columns["battery_loss_kw"] = run.loss_kw
    note = (f"battery {b.capacity_kwh:g} kWh / {b.power_kw:g} kW, round trip {b.round_trip_efficiency:g}, UPS reserve "
            f"{b.reserve_fraction:g} of the capacity, policy {b.policy}")
    if b.policy in ("fcr-d", "ffr"):
        offer_kw = fcr_d_up_offer(params)[0] if b.policy == "fcr-d" else ffr_offer(params)
        if offer_kw <= 0.0:
            raise InputError(Problem(
                "storage.battery.policy", f"the battery cannot bid the smallest {b.policy} offer of 0.1 MW: its converter "
                f"({b.power_kw:g} kW) or the energy above the UPS reserve "
                f"({b.capacity_kwh * (1 - b.reserve_fraction):g} kWh) is too small; give a larger battery or another policy",
                value=b.policy))
        offered = np.where(down, 0.0, offer_kw)  # not available while the grid is down
        if b.reserve_price_file is not None:
            field = "storage.battery.reserve_price_file"
            time_s, price = read_reserve_price_csv(b.reserve_price_file, field_path=field)
            revenue, text = file_reserve_revenue_sek(offered, start_s, step_s, len(load), time_s, price,
                                                     b.reserve_price_file, field)
            text = f"{b.policy}: {text}"
        else:
            revenue, text = reserve_revenue_sek(offered, start_s, step_s, len(load), b.reserve_price_year)
        kpis["flex_revenue_sek"] = revenue
        columns["battery_reserve_offered_kw"] = offered
        if activation is not None:
            called = offered * activation
            delivered = np.where(activation > 0.0, run.discharge_kw, 0.0)
            columns["battery_reserve_activated_kw"] = delivered
            e_called, e_delivered = float(called.sum() * dt_h), float(delivered.sum() * dt_h)
            kpis["flex_activated_kwh"] = e_delivered
            text += (f"; activated energy {e_delivered:.6g} kWh from the frequency record {b.frequency_file} "
                     f"(FCR-D up droop 49.9-49.5 Hz, {int((activation > 0).sum())} steps activated; FCR-D pays "
                     "capacity only)")
            if e_delivered < e_called * (1.0 - 1e-9):
                text += (f"; the battery delivered {e_delivered:.6g} of the {e_called:.6g} kWh called for (the energy "
                         "above the UPS reserve or the load ran out): a bid it could not have honoured")
        elif b.policy == "fcr-d":
            text += ("; activated energy not modelled (no frequency record: storage.battery.frequency_file; FCR-D pays "
                     "capacity only)")
        else:
            text += "; activated energy not modelled (FFR's 30-second activations)"
        note += f"; {text}"
    discharged_kwh = float(run.discharge_kw.sum() * dt_h)
    kpis.update(battery_cycles=discharged_kwh / params.capacity_kwh,
                battery_degradation_cost_sek=discharged_kwh * (b.degradation_sek_per_kwh or 0.0),
                battery_balance_rel_error=err)
    return run, note


def simulate(scenario: Scenario, *, progress: ProgressCallback | None = None) -> Results:
    """Run one scenario and return its Results (KPIs, timeseries, per-rack table, manifest).

    ``progress(done_steps, total_steps)`` is called between chunks of the compiled loop.
    """
    if not isinstance(scenario, Scenario):
        raise TypeError("simulate() takes a dcsim Scenario; use dcsim.load_scenario() first")
    sc = scenario
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()

    start, step_s, n = step_times(sc)
    year = sc.simulation.start.year
    synthetic = sc.site.synthetic.model_dump(exclude_none=True)
    weather = load_climate(sc.site.climate, seed=sc.simulation.seed, year=year, **synthetic)
    wx = weather.sample(start, step_s, n)
    grid = scenario_grid(sc)
    gx = grid.sample(start, step_s, n)

    dt = float(step_s)
    curve, served_max = managed_curve(server_curve(sc.it.server), sc.it.frequency_fraction, sc.it.power_cap_w)
    model = build_model(sc, curve, dt)
    utilization, rack_u = utilization_series(sc, start, step_s, n)
    if rack_u is not None:  # each rack its own: the kernel sees them as util_scale, the hall series at 1
        model.rack.util_scale[:] = rack_u[0]
    setpoint = np.full(n, sc.room.supply_air_c, dtype=np.float64)
    mid = step_midpoints(start, step_s, n)
    heat_price = heat_price_sek_per_mwh_series(sc.heat_reuse, mid, wx.drybulb_c, timezone=sc.site.timezone)
    dh_demand = dh_demand_kw_series(sc.heat_reuse, model.design_it_kw, mid, wx.drybulb_c, timezone=sc.site.timezone)
    inputs = StepInputs(
        utilization=utilization if rack_u is None else np.ones(n),
        outdoor_drybulb_c=wx.drybulb_c,
        supply_setpoint_c=setpoint,
        cooling_availability=availability_series(sc, start, step_s, n),
        outdoor_humidity_ratio=wx.humidity_ratio_kg_per_kg,
        outdoor_wetbulb_c=wx.wetbulb_c,
        outdoor_pressure_pa=wx.pressure_pa,
        dh_demand_kw=np.ascontiguousarray(dh_demand, dtype=np.float64),
        heat_pump_min_cop=heat_pump_min_cop(sc.heat_reuse, gx.price_sek_per_kwh, heat_price),
    )
    event_driven = sc.workload.kind in ("synthetic", "trace")
    # the event-driven path starts from an idle hall (jobs arrive from t = 0)
    u0 = 0.0 if event_driven else float(inputs.utilization[0])
    state = initial_state(model.rack, model.hall, u0, float(setpoint[0]), model.plant_state0)
    out = allocate_outputs(n)
    acc = allocate_rack_accumulators(sc.it.racks)

    job_metrics = None
    servers_on = np.full(n, float(sc.it.racks * sc.it.servers_per_rack))
    queue = np.zeros(n)
    if event_driven:
        job_metrics, utilization, servers_on, queue = _run_event_driven(
            sc, model, inputs, state, out, acc, gx, dt, n, progress, start
        )
    else:
        run_facility(model, inputs, state, out, acc, dt, n, progress=progress, rack_u=rack_u,
                     check=lambda i0, i1: check_step_outputs(out, i0, i1, start, step_s))

    columns = step_columns(out, wx, gx, inputs, dt, sc)
    columns["heat_price_sek_per_mwh"] = heat_price
    storage_kpis, storage_note = apply_storage(sc, columns, grid, start, step_s)
    columns["utilization"] = utilization
    columns["servers_on"] = servers_on
    columns["queue_length"] = queue
    asked = utilization if rack_u is None else rack_u  # each rack's own, where the trace gives them
    demanded = float(asked.sum())
    shortfall = 100.0 * float(np.maximum(asked - served_max, 0.0).sum()) / demanded if demanded > 0 else 0.0
    kpis = compute_kpis(
        columns, dt_s=dt, step_s=step_s, racks=acc,
        heat_price_sek_per_mwh=heat_sale_price(sc, heat_price),
        work_shortfall_pct=shortfall,
        power_fee_sek=sum(grid.power_fee_sek(columns["grid_import_kw"], start, step_s).values()),
        start_s=int(np.datetime64(start, "s").astype(np.int64)),
        heat_pump_inside_boundary=not heat_pump_outside_boundary(sc),
    )
    kpis.update(storage_kpis)
    kpis["carbon_kg"] += storage_kpis.get("generator_carbon_kg", 0.0)  # the fuel's, besides the grid's
    kpis["cue_kg_per_kwh"] = kpis["carbon_kg"] / kpis["energy_it_kwh"] if kpis["energy_it_kwh"] > 0 else 0.0
    if job_metrics is not None:
        kpis.update(job_metrics.kpis())
    timeseries = record_timeseries(columns, start=start, step_s=step_s, record_step_s=sc.simulation.record_step)
    racks = rack_table(acc, n * dt)
    wall = time.perf_counter() - t0
    kpis["sim_wall_s"] = wall
    check_kpis_finite(kpis, n, start, step_s)
    manifest = {
        "dcsim_version": __version__,
        "scenario_name": sc.name,
        "scenario_sha256": scenario_hash(sc),
        "seed": sc.simulation.seed,
        "start_time_utc": started.isoformat(),
        "wall_time_s": wall,
        "steps": n,
        "step_s": step_s,
        "racks": sc.it.racks,
        "server": curve.name,
        "weather_source": weather.source,
        "grid_source": grid.source,
        "storage_source": storage_note,
        "heat_reuse_source": heat_reuse_note(sc.heat_reuse),
        "platform": {
            "python": platform.python_version(),
            "system": platform.system(),
            "machine": platform.machine(),
            "processor": platform.processor(),
            "numpy": np.__version__,
            "numba": _numba_version(),
        },
    }
    reporting = eu_2024_1364_indicators(
        kpis, columns, pd_it_kw=model.design_it_kw, renewable_share=sc.site.renewable_energy_share,
        start_utc=str(np.datetime64(start, "s")) + "Z", duration_s=int(sc.simulation.duration),
        heat_reuse=bool(sc.heat_reuse.enabled), heat_pump_inside=not heat_pump_outside_boundary(sc))
    return Results(scenario=sc, kpis=kpis, timeseries=timeseries, racks=racks, manifest=manifest, reporting=reporting)


def _numba_version() -> str:
    import numba

    return numba.__version__
