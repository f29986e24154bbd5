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
from pathlib import Path

import numpy as np
import pandas as pd

from ._version import __version__
from .climate import load_climate
from .grid import load_grid
from .it.catalog import get_server
from .results import Results, compute_kpis, rack_table, record_timeseries
from .scenario.load import scenario_hash
from .scenario.schema import Scenario, ServerTable
from ._numeric import aligned, aligned_full, uniform_step
from .cooling.crah import fan_affinity_power_kw
from .it.curves import (
    AFFINITY_FAN_POWER_CURVE,
    OPENSTUDIO_AIRFLOW_CURVE,
    OPENSTUDIO_CPU_POWER_CURVE,
    OPENSTUDIO_FAN_POWER_CURVE,
)
from .thermal.air import RECIRCULATION_BY_CONTAINMENT
from .thermal.ashrae import ASHRAE_ALLOWABLE_MAX_C, ASHRAE_RECOMMENDED_MAX_C
from .cooling import plant as P
from .cooling.plant import build_plant
from .electrical.chain import E_FIXED_KW, E_LOSSES_KW, E_PDU_LOSS_KW, E_TRANSFORMER_LOSS_KW, E_UPS_LOSS_KW
from .errors import InputError, Problem
from .heatreuse import dh_demand_kw_series
from .thermal.kernels import (
    RHO_CP_KJ_PER_M3_K,
    HallParams,
    RackParams,
    StepInputs,
    ThermalState,
    _rack_power,
    allocate_outputs,
    allocate_rack_accumulators,
    facility_kernel,
)
from .thermal.rc import rack_beta_kw_per_k, rc_decay

# Hall air volume per rack when room.air_volume_m3 is empty (assumption: about 2.5 m2 of
# floor per rack including aisles, under a 3 m ceiling, plus plenums).
AIR_VOLUME_M3_PER_RACK = 20.0
# Auto-sized plant capacity: this multiple of the design heat (servers at full load with a
# 27 °C inlet, plus the CRAH fans at design flow).
CAPACITY_MARGIN = 1.25
DESIGN_INLET_C = 27.0

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class ServerCurve:
    """A server power curve as the kernels see it: load fractions, watts, and off power."""

    name: str
    load_points: np.ndarray
    power_points_w: np.ndarray
    off_w: float = 0.0

    @property
    def max_w(self) -> float:
        return float(self.power_points_w[-1])


def server_curve(server: str | ServerTable) -> ServerCurve:
    """Resolve ``it.server`` (catalogue name or inline table) to a power curve."""
    if isinstance(server, str):
        spec = get_server(server)
        return ServerCurve(spec.name, np.asarray(spec.load_points, float), np.asarray(spec.power_w, float), spec.off_w)
    if server.power_w is not None:
        return ServerCurve(server.name, np.linspace(0.0, 1.0, 11), np.asarray(server.power_w, float))
    return ServerCurve(server.name, np.array([0.0, 1.0]), np.array([server.idle_w, server.max_w], float))


def server_spec(server: str | ServerTable):
    """The dcsim.it.power.ServerSpec (power states included) for ``it.server``."""
    from .it.power import ServerSpec

    if isinstance(server, str):
        return get_server(server)
    if server.power_w is not None:
        return ServerSpec(server.name, np.linspace(0.0, 1.0, 11), np.asarray(server.power_w, float))
    return ServerSpec.linear(server.name, server.idle_w, server.max_w)


def managed_curve(curve: ServerCurve, frequency_fraction: float, power_cap_w: float | None) -> tuple[ServerCurve, float]:
    """The power curve against *demanded* utilisation under DVFS and a power cap, and the
    highest demanded utilisation the servers can still serve.

    DVFS at frequency fraction f: work that needs u of a server at nominal frequency keeps it
    busy min(u/f, 1), and P = P_idle + (P_table(busy) - P_idle) f^3 (dcsim.it.power.dvfs_power_w,
    REFERENCES.md: dynamic power ~ f^3). Capping: the server runs at most at the utilisation
    where its curve reaches the cap (dcsim.it.power.capped_power_w). Both keep the curve
    piecewise linear, so the new table is exact: breakpoints at f x the old load points and
    at the cap's utilisation.
    """
    lp, pp = curve.load_points, curve.power_points_w
    f = frequency_fraction
    served = 1.0
    if f < 1.0:
        idle = pp[0]
        lp = np.append(lp * f, 1.0)
        pp = np.append(idle + (pp - idle) * f**3, idle + (pp[-1] - idle) * f**3)
        served = f
    if power_cap_w is not None and power_cap_w < pp.max():
        u_cap = _cap_utilisation_of(lp, pp, power_cap_w)
        xs = np.unique(np.append(lp, u_cap))
        ys = np.interp(xs, lp, pp)
        lp, pp = xs, np.where(xs > u_cap, np.interp(u_cap, lp, pp), ys)  # beyond the cap: held at u_cap
        served = min(served, u_cap)
    if lp is curve.load_points:
        return curve, served
    return ServerCurve(curve.name, np.ascontiguousarray(lp), np.ascontiguousarray(pp), curve.off_w), served


def _cap_utilisation_of(lp: np.ndarray, pp: np.ndarray, cap_w: float) -> float:
    """Utilisation where the (non-decreasing from idle) table first reaches ``cap_w``."""
    if pp[0] >= cap_w:
        return 0.0
    for k in range(1, len(lp)):
        if pp[k] >= cap_w:
            return float(lp[k - 1] + (cap_w - pp[k - 1]) / (pp[k] - pp[k - 1]) * (lp[k] - lp[k - 1]))
    return 1.0


def step_times(sc: Scenario) -> tuple[np.datetime64, int, int]:
    """(start as datetime64[s] UTC, step in s, number of steps)."""
    start = np.datetime64(sc.simulation.start.astimezone(timezone.utc).replace(tzinfo=None), "s")
    step = sc.simulation.step
    return start, step, sc.simulation.duration // step


def step_midpoints(start: np.datetime64, step_s: int, n: int) -> np.ndarray:
    """datetime64[s] midpoints of the n steps."""
    return start + np.timedelta64(step_s // 2, "s") + np.arange(n, dtype=np.int64) * np.timedelta64(step_s, "s")


def utilization_series(sc: Scenario, start: np.datetime64, step_s: int, n: int) -> np.ndarray:
    """Hall-mean server utilisation at each step midpoint, in [0, 1]."""
    w = sc.workload
    if w.kind == "constant":
        return np.full(n, w.mean_utilization, dtype=np.float64)
    if w.kind in ("synthetic", "trace"):
        return np.ones(n)  # a multiplier: each rack's utilisation comes from the workload simulation
    weights = np.asarray(w.daily_profile, dtype=np.float64)
    shape = weights / weights.mean() * w.mean_utilization
    mid = step_midpoints(start, step_s, n)
    local_hour = pd.DatetimeIndex(mid).tz_localize("UTC").tz_convert(sc.site.timezone).hour.to_numpy()
    return np.minimum(shape[local_hour], 1.0)


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


def read_interference_matrix(path: str, racks: int) -> np.ndarray:
    """Read a racks x racks CSV of inlet rise (K) per kW, refusing anything else with its location."""
    problems = []
    rows = []
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(Problem("room.interference_matrix", f"cannot read the file: {exc.strerror}", file=path))
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split(",")
        row = []
        for col, cell in enumerate(cells, start=1):
            try:
                value = float(cell)
            except ValueError:
                problems.append(Problem("room.interference_matrix", "not a number", value=cell.strip(), file=path, line=number, column=col))
                continue
            if not np.isfinite(value) or value < 0:
                problems.append(Problem("room.interference_matrix", "must be a finite value >= 0 (K per kW)", value=value, file=path, line=number, column=col))
            row.append(value)
        if len(cells) != racks:
            problems.append(Problem("room.interference_matrix", f"needs {racks} columns (one per rack), got {len(cells)}", file=path, line=number))
        rows.append(row)
    if len(rows) != racks:
        problems.append(Problem("room.interference_matrix", f"needs {racks} rows (one per rack), got {len(rows)}", file=path))
    if problems:
        raise InputError(problems[:20])
    return np.array(rows, dtype=np.float64)


@dataclass(frozen=True)
class Model:
    """Everything the facility kernel needs besides the input series and its state."""

    rack: RackParams
    hall: HallParams
    plant_code: int
    plant: object  # dcsim.cooling.plant.PlantParams
    plant_state0: np.ndarray
    design_it_kw: float


def _floats(values) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


def build_model(sc: Scenario, curve: ServerCurve, dt_s: float) -> Model:
    """Kernel parameters from the scenario (every derived design value is computed here)."""
    racks = sc.it.racks
    servers = float(sc.it.servers_per_rack)
    p_max = curve.max_w
    r = sc.room.recirculation_fraction
    if r is None:
        r = RECIRCULATION_BY_CONTAINMENT[sc.room.containment]
    recirc = aligned(sc.room.recirculation_by_rack) if sc.room.recirculation_by_rack else aligned_full(racks, float(r))
    matrix = (
        read_interference_matrix(sc.room.interference_matrix, racks)
        if sc.room.interference_matrix
        else np.zeros((0, 0))
    )
    tau = sc.it.thermal_time_constant_s
    c_rack = servers * sc.it.heat_capacity_kj_per_k_per_server
    if tau <= 0 or c_rack <= 0:
        c_rack, res, decay = 0.0, 0.0, 0.0
    else:
        res, decay = tau / c_rack, rc_decay(dt_s, tau)
    fan_curve = AFFINITY_FAN_POWER_CURVE if sc.it.curves.fan_power == "cubic" else OPENSTUDIO_FAN_POWER_CURVE
    _, cpu_limits = OPENSTUDIO_CPU_POWER_CURVE.arrays()  # the scenario gives the coefficients
    _, flow_limits = OPENSTUDIO_AIRFLOW_CURVE.arrays()
    fan_coef, fan_limits = fan_curve.arrays()
    frac = sc.it.fan_power_fraction
    rack = RackParams(
        # per-rack arrays start on a cache line (dcsim._numeric.aligned): the rack loop is SIMD
        servers=aligned_full(racks, servers),
        servers_on=aligned_full(racks, servers),
        extra_power_kw=aligned_full(racks, 0.0),
        util_scale=aligned_full(racks, 1.0),
        recirculation=recirc,
        interference_k_per_kw=matrix,
        heat_capacity_kj_per_k=aligned_full(racks, c_rack),
        resistance_k_per_kw=aligned_full(racks, res),
        decay=aligned_full(racks, decay),
        beta_kw_per_k=aligned_full(racks, rack_beta_kw_per_k(c_rack, decay, dt_s)),
        load_points=np.ascontiguousarray(curve.load_points),
        power_points_w=np.ascontiguousarray(curve.power_points_w),
        load_step=uniform_step(curve.load_points),
        design_cpu_w=(1.0 - frac) * p_max,
        design_fan_w=frac * p_max,
        design_flow_m3_s=sc.it.airflow_m3_per_s_per_kw * p_max / 1000.0,
        min_flow_fraction=sc.it.min_airflow_fraction,
        reference_inlet_c=sc.it.reference_inlet_c,
        # curves as float tuples: constants to the compiled loops (no array reference counts)
        cpu_coef=_floats(sc.it.curves.cpu_power),
        cpu_limits=_floats(cpu_limits),
        flow_coef=_floats(sc.it.curves.airflow),
        flow_limits=_floats(flow_limits),
        fan_coef=_floats(fan_coef),
        fan_limits=_floats(fan_limits),
        inlet_effects=bool(sc.it.inlet_temperature_effects),
        recommended_max_c=ASHRAE_RECOMMENDED_MAX_C,
        allowable_max_c=ASHRAE_ALLOWABLE_MAX_C[sc.room.ashrae_class],
    )
    c = sc.cooling
    # design: every server at full load with a 27 °C inlet
    p_design_kw, _, flow_design = _rack_power(0, 1.0, DESIGN_INLET_C, rack)
    design_it_kw = racks * p_design_kw
    net_design = float(np.sum(flow_design * (1.0 - recirc)))
    design_flow = net_design * (1.0 + c.crah.airflow_oversupply_fraction)
    design_fan_kw = c.crah.fan_kw_per_m3_per_s * design_flow
    design_heat_kw = design_it_kw + design_fan_kw
    capacity = c.capacity_kw if c.capacity_kw is not None else c.sizing_factor * design_heat_kw
    volume = sc.room.air_volume_m3 if sc.room.air_volume_m3 is not None else AIR_VOLUME_M3_PER_RACK * racks
    liquid_share = c.liquid.share if c.system == "liquid" else 0.0
    hall = HallParams(
        crah_design_flow_m3_s=design_flow,
        crah_design_fan_kw=design_fan_kw,
        crah_oversupply=c.crah.airflow_oversupply_fraction,
        room_heat_capacity_kj_per_k=volume * RHO_CP_KJ_PER_M3_K,
        cooling_capacity_kw=float(capacity),
        liquid_share=float(liquid_share),
    )
    try:
        code, plant, state0 = build_plant(
            c, sc.electrical, sc.heat_reuse, design_it_kw, design_flow, ashrae_class=sc.room.ashrae_class,
            design_heat_kw=design_heat_kw, design_liquid_kw=liquid_share * design_it_kw or None,
        )
    except ValueError as exc:
        raise InputError(Problem("cooling", str(exc), value=c.system)) from None
    return Model(rack, hall, int(code), plant, np.asarray(state0, dtype=np.float64), design_it_kw)


def build_params(sc: Scenario, curve: ServerCurve, dt_s: float) -> tuple[RackParams, HallParams]:
    """(rack, hall) parameters: the air side of :func:`build_model`."""
    m = build_model(sc, curve, dt_s)
    return m.rack, m.hall


def initial_state(rack: RackParams, hall: HallParams, u0: float, t_set_c: float,
                  plant_state0: np.ndarray | None = None) -> ThermalState:
    """Steady state for the first step's load and setpoint, so a run starts without a transient."""
    n = rack.servers.shape[0]
    t_in = np.full(n, t_set_c)
    q = np.zeros(n)
    flow = np.zeros(n)
    r = rack.recirculation
    for _ in range(20):  # fixed point: inlet -> power and airflow -> inlet (converges in a few)
        for i in range(n):
            q[i], _, flow[i] = _rack_power(i, min(u0 * rack.util_scale[i], 1.0), t_in[i], rack)
        if rack.interference_k_per_kw.shape[0] == n:
            t_in = t_set_c + rack.interference_k_per_kw @ q
        else:
            t_in = t_set_c + r / ((1 - r) * RHO_CP_KJ_PER_M3_K * flow) * q
    net = float(np.sum(flow * (1 - r)))
    crah = net * (1.0 + hall.crah_oversupply)
    fan = fan_affinity_power_kw(crah, hall.crah_design_flow_m3_s, hall.crah_design_fan_kw)
    room_heat = (q.sum() * (1.0 - hall.liquid_share) + fan)
    room = t_set_c + room_heat / (RHO_CP_KJ_PER_M3_K * crah)
    if plant_state0 is None:
        from .cooling.plant import N_STATE

        plant_state0 = np.zeros(N_STATE)
    return ThermalState(
        inlet_c=aligned(t_in),
        equipment_c=aligned(t_in + q * rack.resistance_k_per_kw),
        heat_to_air_kw=aligned(q),
        room_c=np.array([room]),
        supply_c=np.array([t_set_c]),
        lift_k=aligned_full(n, 0.0),
        table_power_w=aligned_full(n, 0.0),
        plant_state=np.array(plant_state0, dtype=np.float64, copy=True),
        plant_state_trial=np.zeros(len(plant_state0)),
        mech_kw=np.zeros(1),
    )


def _run_event_driven(sc, model, inputs, state, out, acc, gx, dt, n, progress):
    """The SimPy workload path: each step the workload simulation runs to the end of the step
    with the racks' current inlet temperatures, hands over per-rack utilisation, servers on
    and transition/standby energy, and the kernel advances the physics one step."""
    from .workload import WorkloadSimulation

    rack = model.rack
    spec = server_spec(sc.it.server)
    sim = WorkloadSimulation.from_scenario(
        sc, server=spec, carbon_g_per_kwh=gx.carbon_g_per_kwh, price_sek_per_kwh=gx.price_sek_per_kwh
    )
    hall_u = np.zeros(n)
    servers_on = np.zeros(n)
    queue = np.zeros(n)
    inputs.utilization[:] = 1.0  # the rack utilisation arrives through util_scale
    total_servers = float(sc.it.racks * sc.it.servers_per_rack)
    every = max(1, n // 100)
    for k in range(n):
        w = sim.advance(k, state.inlet_c)
        rack.util_scale[:] = w.utilization
        rack.servers_on[:] = w.servers_on
        # off servers' standby and transition energy arrive as extra power
        rack.extra_power_kw[:] = (w.transition_energy_j + w.standby_energy_j) / dt / 1000.0
        facility_kernel(k, k + 1, dt, inputs, rack, model.hall, model.plant_code, model.plant, state, out, acc)
        on = float(w.servers_on.sum())
        servers_on[k] = on
        hall_u[k] = float(w.utilization @ w.servers_on) / total_servers  # busy share of all servers
        queue[k] = w.queue_length
        if progress is not None and (k % every == 0 or k == n - 1):
            progress(k + 1, n)
    metrics = sim.finish()
    return metrics, hall_u, servers_on, queue


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
        "heat_reused_kw": pl[:, P.OUT_HEAT_REUSED_KW],
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
        "chiller_power_kw": pl[:, P.OUT_CHILLER_KW],
        "heat_rejection_fan_power_kw": pl[:, P.OUT_FANS_KW],
        "pump_power_kw": pl[:, P.OUT_PUMPS_KW],
        "humidifier_power_kw": pl[:, P.OUT_HUMIDIFIER_KW],
        "heat_pump_power_kw": pl[:, P.OUT_HEAT_PUMP_KW],
        "fixed_loads_kw": el[:, E_FIXED_KW],
        "ups_loss_kw": el[:, E_UPS_LOSS_KW],
        "pdu_loss_kw": el[:, E_PDU_LOSS_KW],
        "transformer_loss_kw": el[:, E_TRANSFORMER_LOSS_KW],
        "chiller_cop": pl[:, P.OUT_CHILLER_COP],
        "free_fraction": pl[:, P.OUT_FREE_FRACTION],
        "heat_pump_cop": pl[:, P.OUT_HEAT_PUMP_COP],
        "dh_supply_c": pl[:, P.OUT_DH_SUPPLY_C],
        "dh_demand_kw": inputs.dh_demand_kw,
        "water_evaporation_l_per_h": pl[:, P.OUT_WATER_EVAPORATION_L] * 3600.0 / dt,
        "water_humidification_l_per_h": pl[:, P.OUT_WATER_HUMIDIFICATION_L] * 3600.0 / dt,
        "heat_to_air_kw": out.heat_to_air_kw,
        "liquid_heat_kw": out.liquid_heat_kw,
        "coil_heat_kw": out.coil_heat_kw,
        "unmet_cooling_kw": out.unmet_cooling_kw,
        "stored_heat_kw": out.stored_heat_kw,
        "heat_rejected_kw": pl[:, P.OUT_HEAT_REJECTED_KW] + el[:, E_TRANSFORMER_LOSS_KW],
    }


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

    dt = float(step_s)
    curve, served_max = managed_curve(server_curve(sc.it.server), sc.it.frequency_fraction, sc.it.power_cap_w)
    model = build_model(sc, curve, dt)
    utilization = utilization_series(sc, start, step_s, n)
    setpoint = np.full(n, sc.room.supply_air_c, dtype=np.float64)
    dh_demand = dh_demand_kw_series(
        sc.heat_reuse, model.design_it_kw, step_midpoints(start, step_s, n), wx.drybulb_c, timezone=sc.site.timezone
    )
    inputs = StepInputs(
        utilization=utilization,
        outdoor_drybulb_c=wx.drybulb_c,
        supply_setpoint_c=setpoint,
        cooling_availability=availability_series(sc, start, step_s, n),
        outdoor_humidity_ratio=wx.humidity_ratio_kg_per_kg,
        outdoor_wetbulb_c=wx.wetbulb_c,
        outdoor_pressure_pa=wx.pressure_pa,
        dh_demand_kw=np.ascontiguousarray(dh_demand, dtype=np.float64),
    )
    event_driven = sc.workload.kind in ("synthetic", "trace")
    # the event-driven path starts from an idle hall (jobs arrive from t = 0)
    u0 = 0.0 if event_driven else float(utilization[0])
    state = initial_state(model.rack, model.hall, u0, float(setpoint[0]), model.plant_state0)
    out = allocate_outputs(n)
    acc = allocate_rack_accumulators(sc.it.racks)

    job_metrics = None
    servers_on = np.full(n, float(sc.it.racks * sc.it.servers_per_rack))
    queue = np.zeros(n)
    if event_driven:
        job_metrics, utilization, servers_on, queue = _run_event_driven(
            sc, model, inputs, state, out, acc, gx, dt, n, progress
        )
    else:
        chunk = max(1, math.ceil(n / 100))
        for i0 in range(0, n, chunk):
            i1 = min(n, i0 + chunk)
            facility_kernel(i0, i1, dt, inputs, model.rack, model.hall, model.plant_code, model.plant, state, out, acc)
            if progress is not None:
                progress(i1, n)

    columns = step_columns(out, wx, gx, inputs, dt, sc)
    columns["utilization"] = utilization
    columns["servers_on"] = servers_on
    columns["queue_length"] = queue
    demanded = float(utilization.sum())
    shortfall = 100.0 * float(np.maximum(utilization - served_max, 0.0).sum()) / demanded if demanded > 0 else 0.0
    kpis = compute_kpis(
        columns, dt_s=dt, step_s=step_s, racks=acc,
        heat_price_sek_per_mwh=sc.heat_reuse.price_sek_per_mwh if sc.heat_reuse.enabled else 0.0,
        work_shortfall_pct=shortfall,
    )
    if job_metrics is not None:
        kpis.update(job_metrics.kpis())
    timeseries = record_timeseries(columns, start=start, step_s=step_s, record_step_s=sc.simulation.record_step)
    racks = rack_table(acc, n * dt)
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
