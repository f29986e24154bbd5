"""Fans: the one affinity law every fan in the model uses (air handlers, cooling towers, dry
coolers, scavenger fans of indirect evaporative units, liquid-loop dry coolers)."""

from __future__ import annotations

from .._jitcache import njit

from .._numeric import clamp


@njit(cache=True, fastmath=False, error_model="numpy")
def fan_power_kw(design_power_kw: float, speed_fraction: float) -> float:
    """Fan power at a speed (flow) fraction of design by the affinity law, P = P_design f^3,
    kW (REFERENCES.md "Air side": fans P = P_ref (V/V_ref)^3).

    No clamping here: a caller whose fan cannot run faster than design (a tower or dry-cooler
    fan at its top speed) passes :func:`speed_fraction_clamped`; the air handlers pass their
    flow over design flow as is, since their flow follows the servers' and may exceed design.
    """
    return design_power_kw * speed_fraction * speed_fraction * speed_fraction


@njit(cache=True, fastmath=False, error_model="numpy")
def speed_fraction_clamped(fraction: float) -> float:
    """A speed fraction held to [0, 1] (a fan that is off or at its top speed); NaN stays NaN."""
    return clamp(fraction, 0.0, 1.0)
