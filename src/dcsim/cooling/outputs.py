"""The cooling plant's per-step outputs (indices ``OUT_*``) and the heat-reuse hook.

Every cooling system's step writes into one float64[N_OUT] array; :mod:`dcsim.cooling.plant`
sums the totals. Kept apart from the systems so that each system module, the facility kernel
and the engine read the same indices without importing one another.
"""

from __future__ import annotations

from .._jitcache import njit

from ..heatreuse.heatpump import heatreuse_step

#: Names of the plant_step outputs, in index order (OUT_<NAME upper> constants below).
OUT_FIELDS = (
    "cooling_mode",  # mode code (dcsim.cooling.COOLING_MODES)
    "chiller_power_kw",  # compressors: chillers, DX trim
    "heat_rejection_fan_kw",  # tower, dry-cooler, condenser, scavenger and relief fans
    "pump_power_kw",  # chilled-water, condenser/glycol, liquid-loop and evaporative-pad pumps
    "humidifier_power_kw",  # steam humidifier, or the pump of an adiabatic humidifier
    "heat_pump_power_kw",  # heat-reuse heat pump
    "cooling_power_kw",  # chiller + fans + pumps + humidifier + datasheet unit (not CRAH fans, not heat pump)
    "plant_power_kw",  # cooling_power + heat pump: all electricity of this function
    "water_evaporation_l",  # over the step (tower, evaporative pads, wet heat exchanger)
    "water_drift_l",
    "water_blowdown_l",
    "water_humidification_l",
    "water_total_l",
    "supply_air_c",  # achieved (>= setpoint when short of capacity)
    "supply_humidity_ratio",  # kg/kg
    "supply_dewpoint_c",
    "supply_rh_pct",
    "liquid_supply_c",  # liquid loop supply to the chips (liquid system), else 0
    "unmet_kw",
    "heat_removed_kw",  # q_coil + q_liquid + q_aux - unmet
    "mechanical_cooling_kw",  # heat removed by compressors
    "free_cooling_kw",  # heat removed with neither compressors nor heat pump
    "free_fraction",  # free_cooling / heat_removed (0 with no load)
    "chiller_cop",  # cooling COP of the compressors this step (0 when off)
    "outdoor_air_fraction",  # fresh-air share of the supply air (fresh-air system)
    "heat_rejected_kw",  # to outdoors
    "heat_reused_kw",  # delivered to district heating (evaporator heat + heat pump power)
    "heat_pump_cop",  # heating COP (0 off; 99 when passed by heat exchanger without lift)
    "heat_available_kw",  # heat in the reuse source stream (also when heat reuse is off)
    "heat_source_c",  # temperature of that stream
    "dh_supply_c",  # district-heating supply temperature
    "heat_pump_evaporator_kw",  # heat the heat pump takes from the datacenter
    "datasheet_unit_power_kw",  # electricity of the datasheet unit (cooling.datasheet_unit), in cooling_power
    "datasheet_unit_heat_kw",  # heat the datasheet unit removes from the chilled water
    "heat_pump_uneconomic",  # 1: the heat pump could run (demand, heat, lift) but would lose money
    "heat_pump_held_on",  # 1: it ran at a loss only to meet its minimum run time
)
N_OUT = len(OUT_FIELDS)
(
    OUT_MODE,
    OUT_CHILLER_KW,
    OUT_FANS_KW,
    OUT_PUMPS_KW,
    OUT_HUMIDIFIER_KW,
    OUT_HEAT_PUMP_KW,
    OUT_COOLING_KW,
    OUT_PLANT_KW,
    OUT_WATER_EVAPORATION_L,
    OUT_WATER_DRIFT_L,
    OUT_WATER_BLOWDOWN_L,
    OUT_WATER_HUMIDIFICATION_L,
    OUT_WATER_TOTAL_L,
    OUT_SUPPLY_AIR_C,
    OUT_SUPPLY_W,
    OUT_SUPPLY_DEWPOINT_C,
    OUT_SUPPLY_RH_PCT,
    OUT_LIQUID_SUPPLY_C,
    OUT_UNMET_KW,
    OUT_HEAT_REMOVED_KW,
    OUT_MECHANICAL_KW,
    OUT_FREE_KW,
    OUT_FREE_FRACTION,
    OUT_CHILLER_COP,
    OUT_OUTDOOR_AIR_FRACTION,
    OUT_HEAT_REJECTED_KW,
    OUT_HEAT_REUSED_KW,
    OUT_HEAT_PUMP_COP,
    OUT_HEAT_AVAILABLE_KW,
    OUT_HEAT_SOURCE_C,
    OUT_DH_SUPPLY_C,
    OUT_HEAT_PUMP_EVAPORATOR_KW,
    OUT_DATASHEET_UNIT_KW,
    OUT_DATASHEET_UNIT_HEAT_KW,
    OUT_HEAT_PUMP_UNECONOMIC,
    OUT_HEAT_PUMP_HELD_ON,
) = range(N_OUT)

#: Heating COP reported when heat passes by heat exchanger without lift (no compressor work).
COP_DIRECT = 99.0


@njit(cache=True, fastmath=False, error_model="numpy")
def reuse_heat(hp, q_available_kw, t_in_c, t_out_c, t_db_c, dh, out):
    """Run the heat-reuse heat pump (``hp``: :data:`dcsim.heatreuse.HeatReuseParams`) on a source
    stream (:func:`dcsim.heatreuse.heatreuse_step`), write the heat-reuse outputs and return
    the heat it takes from the stream, kW. ``dh`` is the district heating's offer this step:
    (demand_kw, min_cop), the heat the network takes and the COP below which it does not pay."""
    q_e, q_del, w, cop, t_sup = heatreuse_step(hp, q_available_kw, t_in_c, t_out_c, t_db_c, dh[0], dh[1])
    if q_del == 0.0 and dh[1] > 1.0 and hp.enabled != 0.0 and q_available_kw > 0.0 and dh[0] > 0.0:
        # it stood still: for the price alone, if it would have run at the physical floor
        if heatreuse_step(hp, q_available_kw, t_in_c, t_out_c, t_db_c, dh[0], 1.0)[1] > 0.0:
            out[OUT_HEAT_PUMP_UNECONOMIC] = 1.0
    out[OUT_HEAT_AVAILABLE_KW] = q_available_kw
    out[OUT_HEAT_SOURCE_C] = t_in_c
    out[OUT_HEAT_REUSED_KW] = q_del
    out[OUT_HEAT_PUMP_KW] = w
    out[OUT_HEAT_PUMP_COP] = cop if cop < COP_DIRECT else COP_DIRECT
    out[OUT_DH_SUPPLY_C] = t_sup
    out[OUT_HEAT_PUMP_EVAPORATOR_KW] = q_e
    return q_e
