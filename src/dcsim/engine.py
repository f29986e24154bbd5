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
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np
import pandas as pd

from ._version import __version__
from .climate import load_climate
from .grid import load_grid
from .it.catalog import get_server
from .results import Results, compute_kpis, rack_table, record_timeseries
from .scenario.load import scenario_hash
from .scenario.schema import Scenario, ServerTable
from .thermal.air import RECIRCULATION_BY_CONTAINMENT
from .thermal.kernels import (
    PlantParams,
    RackParams,
    allocate_outputs,
    allocate_rack_accumulators,
    facility_kernel,
)

# ASHRAE TC9.9 Thermal Guidelines, 5th ed. (REFERENCES.md): recommended 18-27 °C dry bulb;
# allowable upper dry-bulb limit per class.
ASHRAE_RECOMMENDED_MAX_C = 27.0
ASHRAE_ALLOWABLE_MAX_C = {"A1": 32.0, "A2": 35.0, "A3": 40.0, "A4": 45.0}

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class ServerCurve:
    """A server power curve as the kernels see it: load fractions and watts."""

    name: str
    load_points: np.ndarray
    power_points_w: np.ndarray

    @property
    def max_w(self) -> float:
        return float(self.power_points_w[-1])


def server_curve(server: str | ServerTable) -> ServerCurve:
    """Resolve ``it.server`` (catalogue name or inline table) to a power curve."""
    if isinstance(server, str):
        spec = get_server(server)
        return ServerCurve(spec.name, np.asarray(spec.load_points, float), np.asarray(spec.power_w, float))
    if server.power_w is not None:
        return ServerCurve(server.name, np.linspace(0.0, 1.0, 11), np.asarray(server.power_w, float))
    return ServerCurve(server.name, np.array([0.0, 1.0]), np.array([server.idle_w, server.max_w], float))


def step_times(sc: Scenario) -> tuple[np.datetime64, int, int]:
    """(start as datetime64[s] UTC, step in s, number of steps)."""
    start = np.datetime64(sc.simulation.start.astimezone(timezone.utc).replace(tzinfo=None), "s")
    step = sc.simulation.step
    return start, step, sc.simulation.duration // step


def utilization_series(sc: Scenario, start: np.datetime64, step_s: int, n: int) -> np.ndarray:
    """Hall-mean server utilisation at each step midpoint, in [0, 1]."""
    w = sc.workload
    if w.kind == "constant":
        return np.full(n, w.mean_utilization, dtype=np.float64)
    weights = np.asarray(w.daily_profile, dtype=np.float64)
    shape = weights / weights.mean() * w.mean_utilization
    mid = start + np.timedelta64(step_s // 2, "s") + np.arange(n, dtype=np.int64) * np.timedelta64(step_s, "s")
    local_hour = pd.DatetimeIndex(mid).tz_localize("UTC").tz_convert(sc.site.timezone).hour.to_numpy()
    return np.minimum(shape[local_hour], 1.0)


def build_params(sc: Scenario, curve: ServerCurve) -> tuple[RackParams, PlantParams]:
    racks = sc.it.racks
    servers = float(sc.it.servers_per_rack)
    rack_flow = sc.it.airflow_m3_per_s_per_kw * curve.max_w / 1000.0 * servers
    r = sc.room.recirculation_fraction
    if r is None:
        r = RECIRCULATION_BY_CONTAINMENT[sc.room.containment]
    rack = RackParams(
        servers=np.full(racks, servers),
        util_scale=np.ones(racks),
        airflow_m3_s=np.full(racks, rack_flow),
        load_points=np.ascontiguousarray(curve.load_points),
        power_points_w=np.ascontiguousarray(curve.power_points_w),
        recirculation=float(r),
        recommended_max_c=ASHRAE_RECOMMENDED_MAX_C,
        allowable_max_c=ASHRAE_ALLOWABLE_MAX_C[sc.room.ashrae_class],
    )
    c = sc.cooling
    design_flow = racks * rack_flow * (1.0 - r) * (1.0 + c.crah.airflow_oversupply_fraction)
    plant = PlantParams(
        crah_design_flow_m3_s=design_flow,
        crah_design_fan_kw=c.crah.fan_kw_per_m3_per_s * design_flow,
        crah_oversupply=c.crah.airflow_oversupply_fraction,
        chw_supply_c=c.chiller.chilled_water_supply_c,
        chw_delta_t_k=c.chiller.chilled_water_delta_t_k,
        evaporator_approach_k=c.chiller.evaporator_approach_k,
        condenser_approach_k=c.chiller.condenser_approach_k,
        min_condensing_c=c.chiller.min_condensing_c,
        carnot_efficiency=c.chiller.carnot_efficiency,
        pump_pressure_rise_pa=c.pumps.pressure_rise_kpa * 1000.0,
        pump_efficiency=c.pumps.efficiency,
        ups_efficiency=sc.electrical.ups.efficiency,
    )
    return rack, plant


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
    grid = load_grid(sc.site.grid, year=2023)
    gx = grid.sample(start, step_s, n)

    curve = server_curve(sc.it.server)
    rack, plant = build_params(sc, curve)
    utilization = utilization_series(sc, start, step_s, n)
    supply = np.full(n, sc.room.supply_air_c, dtype=np.float64)
    out = allocate_outputs(n)
    acc = allocate_rack_accumulators(sc.it.racks)

    chunk = max(1, math.ceil(n / 100))
    dt = float(step_s)
    for i0 in range(0, n, chunk):
        i1 = min(n, i0 + chunk)
        facility_kernel(i0, i1, dt, utilization, wx.drybulb_c, supply, rack, plant, out, acc)
        if progress is not None:
            progress(i1, n)

    columns = {
        "outdoor_drybulb_c": wx.drybulb_c,
        "outdoor_rh_pct": wx.rh_pct,
        "outdoor_wetbulb_c": wx.wetbulb_c,
        "it_power_kw": out.it_power_kw,
        "cooling_power_kw": out.crah_fan_power_kw + out.pump_power_kw + out.chiller_power_kw,
        "electrical_losses_kw": out.ups_loss_kw,
        "facility_power_kw": out.facility_power_kw,
        "supply_air_c": supply,
        "mean_inlet_c": out.mean_inlet_c,
        "max_inlet_c": out.max_inlet_c,
        "return_air_c": out.return_air_c,
        "cooling_mode": out.cooling_mode,
        "water_l_per_h": np.zeros(n),
        "heat_reused_kw": np.zeros(n),
        "grid_carbon_g_per_kwh": gx.carbon_g_per_kwh,
        "price_sek_per_kwh": gx.price_sek_per_kwh,
        "utilization": utilization,
        "servers_on": np.full(n, float(sc.it.racks * sc.it.servers_per_rack)),
        "queue_length": np.zeros(n),
        "crah_fan_power_kw": out.crah_fan_power_kw,
        "chiller_power_kw": out.chiller_power_kw,
        "pump_power_kw": out.pump_power_kw,
        "chiller_cop": out.chiller_cop,
        "heat_removed_kw": out.heat_removed_kw,
        "heat_rejected_kw": out.heat_rejected_kw,
    }
    kpis = compute_kpis(columns, dt_s=dt, step_s=step_s, racks=acc)
    timeseries = record_timeseries(columns, start=start, step_s=step_s, record_step_s=sc.simulation.record_step)
    racks = rack_table(acc)
    wall = time.perf_counter() - t0
    kpis["sim_wall_s"] = wall
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
        "platform": {
            "python": platform.python_version(),
            "system": platform.system(),
            "machine": platform.machine(),
            "processor": platform.processor(),
            "numpy": np.__version__,
            "numba": _numba_version(),
        },
    }
    return Results(scenario=sc, kpis=kpis, timeseries=timeseries, racks=racks, manifest=manifest)


def _numba_version() -> str:
    import numba

    return numba.__version__
