"""Which cooling system's step the plant compiles: a marker per system, chosen by its type.

The plant step (:func:`dcsim.cooling.plant.plant_step_dispatched`) takes the system as a small
namedtuple whose *class* names it (:func:`system_marker`): ``ChillerCrahSystem(code)``,
``DryCoolerSystem(code)``, ... Numba types a namedtuple by its class, so a facility kernel given
a chiller-crah marker compiles the chiller-crah step and no other; the four other systems'
steps are neither typed nor compiled. ``AnySystem(code)`` compiles all five and chooses by
``code`` at run time (what :func:`~dcsim.cooling.plant.plant_step` does for its integer code).

Why: with one compiled step for all five systems, a cold one-day run of the reference scenario
spent 8 s of its 27 s CPU compiling the plant step, most of it typing and inlining the four
systems it does not use; with the marker, 20-21 s in all (``python -c``; from the command
line 24 s against 30-33 s; Numba's compile events, 2-core AMD EPYC, numba 0.68). The marker
is one integer at run time; the choice is made once, by its type, when the kernel compiles.

:func:`system_step` is the step of the marker's system (an ``@overload`` resolved by the
marker's class; a function of its own, called once per plant step: see
:mod:`dcsim.cooling.systems` for what that costs). Every implementation returns
``(unmet_kw, rejected_kw, q_mech_kw, q_reused_kw, t_supply_c, w_supply)``.
"""

from __future__ import annotations

from collections import namedtuple

from numba import types
from numba.extending import overload

from .systems.chiller_crah import chiller_crah_step
from .systems.dry_cooler import dry_cooler_step
from .systems.fresh_air import fresh_air_step
from .systems.indirect_evaporative import indirect_evaporative_step
from .systems.liquid import liquid_step

__all__ = ["AnySystem", "SYSTEM_MARKERS", "system_marker", "system_step", "system_type"]

#: The systems' integer codes (:data:`dcsim.cooling.plant.SYSTEM_CODES` maps the scenario's names to them).
SYSTEM_CHILLER_CRAH = 0
SYSTEM_DRY_COOLER = 1
SYSTEM_FRESH_AIR = 2
SYSTEM_INDIRECT_EVAPORATIVE = 3
SYSTEM_LIQUID = 4

ChillerCrahSystem = namedtuple("ChillerCrahSystem", ["code"])
DryCoolerSystem = namedtuple("DryCoolerSystem", ["code"])
FreshAirSystem = namedtuple("FreshAirSystem", ["code"])
IndirectEvaporativeSystem = namedtuple("IndirectEvaporativeSystem", ["code"])
LiquidSystem = namedtuple("LiquidSystem", ["code"])
#: Every system compiled, the one run chosen by ``code`` at each call.
AnySystem = namedtuple("AnySystem", ["code"])

#: The marker class of each system code.
SYSTEM_MARKERS = {
    SYSTEM_CHILLER_CRAH: ChillerCrahSystem,
    SYSTEM_DRY_COOLER: DryCoolerSystem,
    SYSTEM_FRESH_AIR: FreshAirSystem,
    SYSTEM_INDIRECT_EVAPORATIVE: IndirectEvaporativeSystem,
    SYSTEM_LIQUID: LiquidSystem,
}


def system_marker(code: int):
    """The marker of system ``code`` (a :data:`dcsim.cooling.plant.SYSTEM_CODES` value): the
    plant step compiled for it holds that system's step only."""
    try:
        return SYSTEM_MARKERS[int(code)](int(code))
    except KeyError:
        raise ValueError(f"unknown cooling-system code {code!r}; known: {sorted(SYSTEM_MARKERS)}") from None


def system_type(name: str):
    """The Numba type of the marker of the cooling system called ``name`` in a scenario
    (``cooling.system``): what a compiled facility kernel for that system has among its
    argument types (:func:`dcsim._jitcache.needs_compile` looks for it)."""
    from numba import typeof

    from .plant import SYSTEM_CODES

    return typeof(system_marker(SYSTEM_CODES[name]))


def system_step(system, p, state, q_coil, q_aux, q_liq, crah_flow_m3_s, m, mcp, t_return_c, t_target,
                t_supply_set_c, t_chw, t_db_c, w_out, t_wb_c, p_pa, w_supply, dh, dt_s, out):
    """One step of ``system``'s cooling system (compiled code only: see the module docstring).
    ``q_coil``, ``q_aux``, ``q_liq`` (kW) as the plant step has them; ``m`` the air handlers'
    dry-air flow (kg/s), ``mcp`` its capacity rate (kW/K); ``t_target`` the coil's leaving-air
    target (°C, the setpoint less the fans' rise); ``w_supply`` the supply-air humidity ratio
    of the last step (kg/kg)."""
    raise TypeError("system_step runs in compiled code only (called from dcsim.cooling.plant.plant_step)")


# One implementation per system, each with system_step's parameters (Numba requires it). The
# systems other than fresh air hold the supply air's humidity and warm the supply by what they
# could not remove.

def _chiller_crah(system, p, state, q_coil, q_aux, q_liq, crah_flow_m3_s, m, mcp, t_return_c, t_target,
                  t_supply_set_c, t_chw, t_db_c, w_out, t_wb_c, p_pa, w_supply, dh, dt_s, out):
    unmet, rejected, q_mech, q_e = chiller_crah_step(p, state, q_coil, q_aux, t_return_c, t_target, t_chw, t_db_c,
                                                     w_out, t_wb_c, p_pa, dh, dt_s, out)
    return unmet, rejected, q_mech, q_e, t_supply_set_c + unmet / mcp, w_supply


def _dry_cooler(system, p, state, q_coil, q_aux, q_liq, crah_flow_m3_s, m, mcp, t_return_c, t_target,
                t_supply_set_c, t_chw, t_db_c, w_out, t_wb_c, p_pa, w_supply, dh, dt_s, out):
    unmet, rejected, q_mech, q_e = dry_cooler_step(p, state, q_coil, q_aux, 0.0, t_return_c, t_target, t_chw, t_db_c,
                                                   t_wb_c, dh, dt_s, out)
    return unmet, rejected, q_mech, q_e, t_supply_set_c + unmet / mcp, w_supply


def _liquid(system, p, state, q_coil, q_aux, q_liq, crah_flow_m3_s, m, mcp, t_return_c, t_target,
            t_supply_set_c, t_chw, t_db_c, w_out, t_wb_c, p_pa, w_supply, dh, dt_s, out):
    unmet, rejected, q_mech, q_e = liquid_step(p, state, q_coil, q_liq, q_aux, t_return_c, t_target, t_chw, t_db_c,
                                               t_wb_c, dh, dt_s, out)
    return unmet, rejected, q_mech, q_e, t_supply_set_c + unmet / mcp, w_supply


def _indirect_evaporative(system, p, state, q_coil, q_aux, q_liq, crah_flow_m3_s, m, mcp, t_return_c, t_target,
                          t_supply_set_c, t_chw, t_db_c, w_out, t_wb_c, p_pa, w_supply, dh, dt_s, out):
    unmet, rejected, q_mech, q_e = indirect_evaporative_step(p, state, q_coil, q_aux, mcp, t_return_c, t_target,
                                                             t_chw, t_db_c, t_wb_c, dh, dt_s, out)
    return unmet, rejected, q_mech, q_e, t_supply_set_c + unmet / mcp, w_supply


def _fresh_air(system, p, state, q_coil, q_aux, q_liq, crah_flow_m3_s, m, mcp, t_return_c, t_target,
               t_supply_set_c, t_chw, t_db_c, w_out, t_wb_c, p_pa, w_supply, dh, dt_s, out):
    return fresh_air_step(p, state, q_coil, q_aux, crah_flow_m3_s, m, t_return_c, t_target, t_supply_set_c, t_chw,
                          t_db_c, w_out, t_wb_c, p_pa, dh, dt_s, out)


def _any(system, p, state, q_coil, q_aux, q_liq, crah_flow_m3_s, m, mcp, t_return_c, t_target,
         t_supply_set_c, t_chw, t_db_c, w_out, t_wb_c, p_pa, w_supply, dh, dt_s, out):
    code = system.code
    args = (p, state, q_coil, q_aux, q_liq, crah_flow_m3_s, m, mcp, t_return_c, t_target, t_supply_set_c, t_chw,
            t_db_c, w_out, t_wb_c, p_pa, w_supply, dh, dt_s, out)
    if code == SYSTEM_FRESH_AIR:
        return system_step(FreshAirSystem(code), *args)
    if code == SYSTEM_CHILLER_CRAH:
        return system_step(ChillerCrahSystem(code), *args)
    if code == SYSTEM_DRY_COOLER:
        return system_step(DryCoolerSystem(code), *args)
    if code == SYSTEM_LIQUID:
        return system_step(LiquidSystem(code), *args)
    return system_step(IndirectEvaporativeSystem(code), *args)


_IMPLEMENTATIONS = {
    ChillerCrahSystem: _chiller_crah,
    DryCoolerSystem: _dry_cooler,
    FreshAirSystem: _fresh_air,
    IndirectEvaporativeSystem: _indirect_evaporative,
    LiquidSystem: _liquid,
    AnySystem: _any,
}


@overload(system_step, jit_options={"cache": True, "fastmath": False, "error_model": "numpy"})
def _system_step_for(system, p, state, q_coil, q_aux, q_liq, crah_flow_m3_s, m, mcp, t_return_c, t_target,
                     t_supply_set_c, t_chw, t_db_c, w_out, t_wb_c, p_pa, w_supply, dh, dt_s, out):
    if isinstance(system, types.BaseNamedTuple):
        return _IMPLEMENTATIONS.get(system.instance_class)
    return None
