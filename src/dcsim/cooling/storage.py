"""Chilled-water thermal storage: a buffer tank that bridges a loss of plant capacity.

A stratified tank of volume V holds E_max = rho_w c_w V dT_chw of cold (kJ): the chilled-water
loop's design temperature difference is usable, warm water above the cold (assumption of a
well-stratified tank; a mixed tank gives less). While the plant's available capacity Q_av
(``cooling.failures``) falls short of what the coils take, the tank covers the difference
until its cold is used up; when the plant has capacity to spare the tank is charged again
with it. The coils therefore see the capacity Q_av + E/dt (at most their design capacity), and
the plant the coil heat less the discharge plus the charge. Data-center chilled-water plants
use such tanks to ride through a chiller restart after a power failure.
"""

from __future__ import annotations

from .._jitcache import njit

#: Volumetric heat capacity of water, kJ/(m3 K): 998 kg/m3 x 4.186 kJ/(kg K) near 10 °C
#: (IAPWS-95 values, rounded).
WATER_RHO_C_KJ_PER_M3_K = 998.0 * 4.186


def tank_capacity_kj(volume_m3: float, delta_t_k: float) -> float:
    """Cold a stratified tank holds, kJ: E_max = rho_w c_w V dT (module docstring)."""
    return WATER_RHO_C_KJ_PER_M3_K * volume_m3 * delta_t_k


@njit(cache=True, fastmath=False, error_model="numpy")
def tank_coil_capacity_kw(design_capacity_kw, available_kw, stored_kj, dt_s):
    """What the coils can take over a step of ``dt_s`` with the plant's available capacity and
    the tank's stored cold ``stored_kj``: min(Q_design, Q_av + E/dt), never below Q_av, kW."""
    return max(available_kw, min(design_capacity_kw, available_kw + stored_kj / dt_s))


@njit(cache=True, fastmath=False, error_model="numpy")
def tank_flows_kw(coil_kw, available_kw, stored_kj, capacity_kj, dt_s):
    """(discharge, charge) of the tank over a step, kW: it discharges what the coils take beyond
    the plant's available capacity (at most its stored cold over the step), and charges with
    the plant's spare capacity up to full. At most one of the two is positive."""
    discharge = min(max(coil_kw - available_kw, 0.0), stored_kj / dt_s)
    charge = min(max(available_kw - coil_kw, 0.0), max(capacity_kj - stored_kj, 0.0) / dt_s)
    return discharge, charge
