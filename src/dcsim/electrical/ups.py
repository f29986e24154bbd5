"""Uninterruptible power supplies: the loss at an efficiency, and a bank of identical modules.

A UPS of a loss-curve type is a bank of ``installed`` identical modules of ``module_kw`` each
that share the load equally (parallel operation). Of them, ``online`` carry the load:

- all-online (the usual arrangement): every installed module;
- eco-staging: as many as the load needs, n = ceil(P_out / module_kw) (at least 1,
  :func:`ups_modules_needed`), plus the ``redundant`` ones, at most the installed ones; the
  others are on standby (no loss counted).

Each online module runs at the per-module load fraction x = P_out / (online module_kw), and
its efficiency is the curve's at x; the bank's loss is online x (the loss of one module at x).
"""

from __future__ import annotations

import math

from .._jitcache import njit


@njit(cache=True, fastmath=False, error_model="numpy")
def ups_loss_kw(output_kw: float, efficiency: float) -> float:
    """Loss of a UPS delivering ``output_kw`` at efficiency ``efficiency`` (a constant, or the
    efficiency-table value at this load), kW.

    P_in = P_out / eta, so P_loss = P_out (1/eta - 1) (REFERENCES.md "IT equipment": UPS loss).
    """
    return output_kw * (1.0 / efficiency - 1.0)


@njit(cache=True, fastmath=False, error_model="numpy")
def ups_modules_needed(load_kw: float, module_kw: float) -> float:
    """Modules of ``module_kw`` that carry ``load_kw``: ceil(load_kw / module_kw), at least 1, as a
    float. A quotient at most 1e-9 above a whole number counts as that number, so that a load of
    four 250 kW modules needs 4, not 5, when round-off in the load or the division leaves it a
    few ulps above 4 (the default installed count of :func:`dcsim.model.build_electrical` and the
    eco-staging count of :func:`ups_modules_online`)."""
    return max(math.ceil(load_kw / module_kw - 1e-9), 1.0)


@njit(cache=True, fastmath=False, error_model="numpy")
def ups_modules_online(output_kw: float, module_kw: float, installed: float, redundant: float, eco_staging: float) -> float:
    """Modules carrying the load (module docstring): ``installed`` when ``eco_staging`` is 0;
    with ``eco_staging`` 1, min(:func:`ups_modules_needed` + redundant, installed).
    Counts as floats (the kernel's parameters are floats); no branch, so the caller's loop stays
    straight-line."""
    needed = ups_modules_needed(output_kw, module_kw)
    staged = min(needed + redundant, installed)
    return installed + eco_staging * (staged - installed)


@njit(cache=True, fastmath=False, error_model="numpy")
def ups_module_load_fraction(output_kw: float, module_kw: float, online: float) -> float:
    """Per-module load fraction of ``online`` modules sharing ``output_kw`` equally:
    x = P_out / (online module_kw), dimensionless (module docstring)."""
    return output_kw / (online * module_kw)
