"""Uninterruptible power supplies."""

from __future__ import annotations

from numba import njit


@njit(cache=True, fastmath=False, error_model="numpy")
def ups_loss_kw(it_power_kw: float, efficiency: float) -> float:
    """Loss of a UPS delivering ``it_power_kw`` at a constant efficiency, kW.

    P_in = P_it / eta, so P_loss = P_it (1/eta - 1) (REFERENCES.md "IT equipment": UPS loss).
    """
    return it_power_kw * (1.0 / efficiency - 1.0)
