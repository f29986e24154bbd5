"""The facility model from a scenario: rack and hall parameters, the plant's and the electrical
chain's (built by the other modules of :mod:`dcsim.model`), and the steady initial state."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._numeric import aligned, aligned_full, uniform_step
from ..cooling.crah import STAGING_CODES, crah_operating_point
from ..cooling.dispatch import system_marker
from ..cooling.storage import tank_capacity_kj
from ..errors import InputError, Problem
from ..it.curves import (
    AFFINITY_FAN_POWER_CURVE,
    OPENSTUDIO_AIRFLOW_CURVE,
    OPENSTUDIO_CPU_POWER_CURVE,
    OPENSTUDIO_FAN_POWER_CURVE,
)
from ..scenario.schema import Scenario
from ..thermal.air import OVERSUPPLY_BY_CONTAINMENT, RECIRCULATION_BY_CONTAINMENT
from ..thermal.ashrae import ASHRAE_ALLOWABLE_MAX_C, ASHRAE_RECOMMENDED_MAX_C
from ..thermal.kernels import HallParams, RackParams, ThermalState
from ..thermal.racks import RHO_CP_KJ_PER_M3_K, rack_power_at_inlet
from ..thermal.rc import (
    rack_beta_kw_per_k,
    rc_decay,
    structure_conductance_kw_per_k,
    structure_heat_capacity_kj_per_k,
)
from .electrical import build_electrical
from .it import ServerCurve
from .plant import build_plant
from .tables import float_tuple

# Hall air volume per rack when room.air_volume_m3 is empty (assumption: about 2.5 m2 of
# floor per rack including aisles, under a 3 m ceiling, plus plenums).
AIR_VOLUME_M3_PER_RACK = 20.0
# Floor per rack when room.floor_area_m2 is empty: the same 2.5 m2 (assumption; white space of
# about 25-40 ft2 = 2.3-3.7 m2 per rack is a common planning figure).
FLOOR_AREA_M2_PER_RACK = 2.5
# Design point of the servers: full load at a 27 °C inlet (the ASHRAE recommended maximum).
DESIGN_INLET_C = 27.0


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
    electrical: object  # dcsim.electrical.chain.ElectricalParams
    plant_state0: np.ndarray
    design_it_kw: float

    @property
    def plant_system(self):
        """The cooling system's marker (:func:`dcsim.cooling.dispatch.system_marker`): the
        facility kernel called with it compiles this system's plant step only."""
        return system_marker(self.plant_code)


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
    f = sc.it.fans
    # a direct-to-chip loop takes this share of the heat: the servers' fans move only the rest
    liquid_share = sc.cooling.liquid.share if sc.cooling.system == "liquid" else 0.0
    rack = RackParams(
        # per-rack arrays start on a cache line (dcsim._numeric.aligned): the rack loop is SIMD
        servers=aligned_full(racks, servers),
        servers_on=aligned_full(racks, servers),
        extra_power_kw=aligned_full(racks, 0.0),
        util_scale=aligned_full(racks, 1.0),
        own_table_power=False,
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
        cpu_coef=float_tuple(sc.it.curves.cpu_power),
        cpu_limits=float_tuple(cpu_limits),
        flow_coef=float_tuple(sc.it.curves.airflow),
        flow_limits=float_tuple(flow_limits),
        fan_coef=float_tuple(fan_coef),
        fan_limits=float_tuple(fan_limits),
        inlet_effects=bool(sc.it.inlet_temperature_effects),
        measured_fans=sc.it.server_model == "measured",
        fan_params=(
            float(f.share_idle), float(f.share_full_load), float(f.knee_inlet_c), float(f.speed_rise_per_k),
            float(f.max_speed), float(f.leakage_per_k), 1.0 - liquid_share,
            float(sc.cooling.liquid.supply_c),
        ),
        idle_w=float(np.interp(0.0, curve.load_points, curve.power_points_w)),
        max_w=float(np.interp(1.0, curve.load_points, curve.power_points_w)),
        throttle_inlet_c=float(sc.it.throttle_inlet_c),
        shutdown_inlet_c=float(sc.it.shutdown_inlet_c),
        throttle_min_performance=float(sc.it.throttle_min_performance),
        recommended_max_c=ASHRAE_RECOMMENDED_MAX_C,
        allowable_max_c=ASHRAE_ALLOWABLE_MAX_C[sc.room.ashrae_class],
    )
    c = sc.cooling
    # design: every server at full load with a 27 °C inlet
    p_design_kw, _, flow_design = rack_power_at_inlet(0, 1.0, DESIGN_INLET_C, rack)
    design_it_kw = racks * p_design_kw
    net_design = float(np.sum(flow_design * (1.0 - recirc)))
    oversupply = (c.crah.airflow_oversupply_fraction if c.crah.airflow_oversupply_fraction is not None
                  else OVERSUPPLY_BY_CONTAINMENT[sc.room.containment])
    design_flow = net_design * (1.0 + oversupply)
    design_fan_kw = c.crah.fan_kw_per_m3_per_s * design_flow
    design_heat_kw = design_it_kw + design_fan_kw
    capacity = c.capacity_kw if c.capacity_kw is not None else c.sizing_factor * design_heat_kw
    volume = sc.room.air_volume_m3 if sc.room.air_volume_m3 is not None else AIR_VOLUME_M3_PER_RACK * racks
    floor_area = sc.room.floor_area_m2 if sc.room.floor_area_m2 is not None else FLOOR_AREA_M2_PER_RACK * racks
    hall = HallParams(
        crah_design_flow_m3_s=design_flow,
        crah_design_fan_kw=design_fan_kw,
        crah_oversupply=float(oversupply),
        crah_duty_units=float(c.crah.units),
        crah_redundant_units=float(c.crah.redundant_units),
        crah_min_speed_fraction=float(c.crah.min_speed_fraction),
        crah_staging=STAGING_CODES[c.crah.staging],
        room_heat_capacity_kj_per_k=volume * RHO_CP_KJ_PER_M3_K,
        structure_heat_capacity_kj_per_k=structure_heat_capacity_kj_per_k(floor_area, sc.room.construction),
        structure_ua_kw_per_k=structure_conductance_kw_per_k(floor_area, sc.room.construction),
        buffer_capacity_kj=tank_capacity_kj(c.buffer_tank_m3, c.chiller.chilled_water_delta_t_k),
        cooling_capacity_kw=float(capacity),
        liquid_share=float(liquid_share),
    )
    try:
        code, plant, state0 = build_plant(
            c, sc.heat_reuse, design_it_kw, design_flow, ashrae_class=sc.room.ashrae_class,
            design_heat_kw=design_heat_kw, design_liquid_kw=liquid_share * design_it_kw or None,
        )
        electrical = build_electrical(sc.electrical, design_it_kw)
    except ValueError as exc:
        raise InputError(build_problem(sc, str(exc))) from None
    return Model(rack, hall, int(code), plant, electrical, np.asarray(state0, dtype=np.float64), design_it_kw)


_KEY_AT_START = re.compile(r"^([a-z_]+(?:\.[a-z_]+)+)")


def build_problem(sc: Scenario, message: str) -> Problem:
    """A build error as a problem at the scenario key its message starts with
    (``heat_reuse.source = ...``, ``electrical.ups.load_points: ...``), with the value written
    there; at ``cooling`` (the system) when it names none."""
    m = _KEY_AT_START.match(message)
    if m is None:
        return Problem("cooling", message, value=sc.cooling.system)
    path = m.group(1)
    value = sc
    for part in path.split("."):
        value = getattr(value, part, None)
    return Problem(path, message.removeprefix(path + ": "), value=value)


def initial_state(rack: RackParams, hall: HallParams, u0: float, t_set_c: float,
                  plant_state0: np.ndarray) -> ThermalState:
    """Steady state for the first step's load and setpoint, so a run starts without a transient."""
    n = rack.servers.shape[0]
    t_in = np.full(n, t_set_c)
    q = np.zeros(n)
    flow = np.zeros(n)
    r = rack.recirculation
    for _ in range(20):  # fixed point: inlet -> power and airflow -> inlet (converges in a few)
        for i in range(n):
            q[i], _, flow[i] = rack_power_at_inlet(i, min(u0 * rack.util_scale[i], 1.0), t_in[i], rack)
        if rack.interference_k_per_kw.shape[0] == n:
            t_in = t_set_c + rack.interference_k_per_kw @ q
        else:
            t_in = t_set_c + r / ((1 - r) * RHO_CP_KJ_PER_M3_K * flow) * q
    net = float(np.sum(flow * (1 - r)))
    crah, fan, _ = crah_operating_point(
        net * (1.0 + hall.crah_oversupply), hall.crah_design_flow_m3_s, hall.crah_design_fan_kw,
        hall.crah_duty_units, hall.crah_redundant_units, hall.crah_min_speed_fraction, hall.crah_staging,
    )
    room_heat = (q.sum() * (1.0 - hall.liquid_share) + fan)
    room = t_set_c + room_heat / (RHO_CP_KJ_PER_M3_K * crah)
    return ThermalState(
        inlet_c=aligned(t_in),
        equipment_c=aligned(t_in + q * rack.resistance_k_per_kw),
        heat_to_air_kw=aligned(q),
        room_c=np.array([room]),
        structure_c=np.array([room]),  # in equilibrium with the room air
        buffer_kj=np.array([hall.buffer_capacity_kj]),  # a full tank
        supply_c=np.array([t_set_c]),
        lift_k=aligned_full(n, 0.0),
        table_power_w=aligned_full(n, 0.0),
        plant_state=np.array(plant_state0, dtype=np.float64, copy=True),
        plant_state_trial=np.zeros(len(plant_state0)),
        mech_kw=np.zeros(1),
        shutdown=aligned_full(n, 0.0),
        saved=np.zeros((5, n)),
        iterate=np.array([0.0, room_heat]),
    )
