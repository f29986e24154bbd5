"""Uninterruptible power supplies."""

from __future__ import annotations

from numba import njit


@njit(cache=True, fastmath=False, error_model="numpy")
def ups_loss_kw(output_kw: float, efficiency: float) -> float:
    """Loss of a UPS delivering ``output_kw`` at efficiency ``efficiency`` (a constant, or the
    efficiency-table value at this load), kW.

    P_in = P_out / eta, so P_loss = P_out (1/eta - 1) (REFERENCES.md "IT equipment": UPS loss).
    """
    return output_kw * (1.0 / efficiency - 1.0)
