"""Computer-room air handlers (CRAH)."""

from __future__ import annotations

from numba import njit

from .fans import fan_power_kw


@njit(cache=True, fastmath=False, error_model="numpy")
def crah_fan_power_kw(flow_m3_s: float, design_flow_m3_s: float, design_power_kw: float) -> float:
    """Air-handler fan power at a flow, by the affinity law on flow / design flow
    (:func:`dcsim.cooling.fans.fan_power_kw`, not clamped: the flow follows the servers'), kW;
    0 for a hall with no design flow."""
    if design_flow_m3_s <= 0.0:
        return 0.0
    return fan_power_kw(design_power_kw, flow_m3_s / design_flow_m3_s)
