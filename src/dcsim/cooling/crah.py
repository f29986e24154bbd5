"""Computer-room air handlers (CRAH)."""

from __future__ import annotations

from numba import njit


@njit(cache=True, fastmath=False, error_model="numpy")
def fan_affinity_power_kw(flow_m3_s: float, design_flow_m3_s: float, design_power_kw: float) -> float:
    """Fan power by the affinity law: P = P_ref (V / V_ref)^3 (REFERENCES.md "Air side"), kW."""
    if design_flow_m3_s <= 0.0:
        return 0.0
    x = flow_m3_s / design_flow_m3_s
    return design_power_kw * x * x * x
