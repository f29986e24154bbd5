"""The electrical chain from the grid connection to the IT load.

Topology (one equivalent path of each kind):

    grid -> transformer -> UPS -> PDU -> IT
                       \\-> cooling plant (and, with ``ups.feeds_cooling``, through the UPS)
                       \\-> lighting and other fixed loads

Each converter's loss follows the no-load + proportional + square-law form (Schneider
Electric, "Definitions of losses", and Avelar, "Making large UPS systems more efficient",
White Paper 108): loss = P_rated (a0 + a1 x + a2 x^2) with x = P_out / P_rated. PDUs and
transformers have no proportional term (no-load/core loss + load/copper loss ~ current^2).
A UPS of a loss-curve type (coefficients or an efficiency table against load fraction,
``interp_clamped``) is a bank of identical modules (:mod:`dcsim.electrical.ups`): each online
module runs at the per-module load fraction x = P_out / (n_online P_module) and the curve is
evaluated there, so the bank loses n_online P_module (a0 + a1 x + a2 x^2), or
P_out (1/eta(x) - 1) with a table. A UPS may also be given as a constant efficiency (the
original ``electrical.ups.efficiency`` key: loss = P (1/eta - 1), REFERENCES.md "IT
equipment"; no modules), or be absent (``none``, as in Boden Type DC One).

Heat of the losses: UPS and PDU losses and the fixed loads end up as heat indoors, which the
cooling plant must remove (``E_HEAT_TO_PLANT_KW``, pass it to ``plant_step`` as ``q_aux_kw``);
the transformer is taken to stand outdoors (its loss is rejected to outdoors directly).
"""

from __future__ import annotations

from collections import namedtuple

from .._jitcache import njit

from .._numeric import interp_clamped
from .ups import ups_loss_kw, ups_module_load_fraction, ups_modules_online

UPS_CONSTANT = 0
UPS_COEFFICIENTS = 1
UPS_TABLE = 2
UPS_NONE = 3

ElectricalParams = namedtuple(
    "ElectricalParams",
    [
        "ups_kind",  # UPS_* code (float)
        "ups_efficiency",  # UPS_CONSTANT: eta
        "ups_rated_kw",  # capacity the load needs (N), for the system load fraction, kW
        "ups_no_load",  # a0, fraction of rating
        "ups_proportional",  # a1
        "ups_square",  # a2
        "ups_table_load",  # TABLE_SIZE floats: load fraction points (UPS_TABLE)
        "ups_table_efficiency",  # TABLE_SIZE floats
        "ups_feeds_cooling",  # 1.0: the cooling plant is on the UPS output too
        "ups_module_kw",  # rating of one module, kW (UPS_CONSTANT / UPS_NONE: ups_rated_kw)
        "ups_modules",  # installed modules (float; UPS_CONSTANT / UPS_NONE: 1)
        "ups_redundant_modules",  # modules beyond the rated load's (float)
        "ups_eco_staging",  # 1.0: eco-staging (only the needed + redundant modules online); 0.0: all online
        "pdu_rated_kw",
        "pdu_no_load",
        "pdu_load_loss",  # loss at rated load, fraction of rating (square law)
        "transformer_rated_kw",
        "transformer_no_load",
        "transformer_load_loss",
        "fixed_kw",  # lighting and other constant loads
    ],
)

# Indices of the electrical_step output array.
E_UPS_LOSS_KW = 0
E_PDU_LOSS_KW = 1
E_TRANSFORMER_LOSS_KW = 2
E_FIXED_KW = 3
E_LOSSES_KW = 4  # UPS + PDU + transformer
E_FACILITY_KW = 5  # grid input: IT + cooling + losses + fixed loads
E_HEAT_TO_PLANT_KW = 6  # UPS + PDU losses + fixed loads (indoors)
E_UPS_LOAD_FRACTION = 7  # UPS output / rated_kw (the system's load fraction)
E_UPS_MODULES_ONLINE = 8  # modules carrying the load (0 without a UPS)
E_UPS_MODULE_LOAD_FRACTION = 9  # each online module's load fraction, where the curve is evaluated
N_ELECTRICAL_OUT = 10
ELECTRICAL_OUT_FIELDS = (
    "ups_loss_kw",
    "pdu_loss_kw",
    "transformer_loss_kw",
    "fixed_loads_kw",
    "electrical_losses_kw",
    "facility_power_kw",
    "electrical_heat_to_plant_kw",
    "ups_load_fraction",
    "ups_modules_online",
    "ups_module_load_fraction",
)


@njit(cache=True, fastmath=False, error_model="numpy")
def converter_loss_kw(p_out_kw: float, rated_kw: float, no_load: float, proportional: float, square: float) -> float:
    """Loss of a converter delivering p_out_kw: P_rated (a0 + a1 x + a2 x^2), x = P_out/P_rated,
    kW (Schneider Electric WP108 loss model). 0 when the rating is 0 (no converter)."""
    if rated_kw <= 0.0:
        return 0.0
    x = p_out_kw / rated_kw
    return rated_kw * (no_load + proportional * x + square * x * x)


@njit(cache=True, fastmath=False, error_model="numpy")
def ups_bank(p_out_kw: float, e):
    """(loss kW, modules online, per-module load fraction) of the UPS of ElectricalParams ``e``
    delivering ``p_out_kw``. Curve types: the online modules (``ups_modules_online``) share the
    output, each at x = P_out / (n P_module); coefficients: loss = n P_module (a0 + a1 x + a2 x^2)
    (Schneider Electric WP108 form, per module); table: loss = P_out (1/eta(x) - 1). Constant:
    P_out (1/eta - 1), one module of the whole rating. None: no loss, no module."""
    k = e.ups_kind
    if k == UPS_NONE:
        return 0.0, 0.0, 0.0
    n = ups_modules_online(p_out_kw, e.ups_module_kw, e.ups_modules, e.ups_redundant_modules, e.ups_eco_staging)
    x = ups_module_load_fraction(p_out_kw, e.ups_module_kw, n)
    if k == UPS_CONSTANT:
        return ups_loss_kw(p_out_kw, e.ups_efficiency), n, x
    if k == UPS_COEFFICIENTS:
        one = converter_loss_kw(x * e.ups_module_kw, e.ups_module_kw, e.ups_no_load, e.ups_proportional, e.ups_square)
        return n * one, n, x
    return ups_loss_kw(p_out_kw, interp_clamped(e.ups_table_load, e.ups_table_efficiency, x)), n, x


@njit(cache=True, fastmath=False, error_model="numpy")
def _chain(it_kw: float, mech_kw: float, e):
    """(pdu, ups_out, ups, downstream, tr, online, x): PDU loss, UPS output, UPS loss,
    transformer output and transformer loss for an IT and a mechanical load, kW, and the UPS
    modules online and their load fraction (see :func:`electrical_step`)."""
    pdu = converter_loss_kw(it_kw, e.pdu_rated_kw, e.pdu_no_load, 0.0, e.pdu_load_loss)
    ups_out = it_kw + pdu
    if e.ups_feeds_cooling != 0.0:
        ups_out += mech_kw
    ups, online, x = ups_bank(ups_out, e)
    downstream = it_kw + mech_kw + pdu + ups + e.fixed_kw
    tr = converter_loss_kw(downstream, e.transformer_rated_kw, e.transformer_no_load, 0.0, e.transformer_load_loss)
    return pdu, ups_out, ups, downstream, tr, online, x


@njit(cache=True, fastmath=False, error_model="numpy")
def electrical_step(it_kw: float, mech_kw: float, e, out) -> float:
    """Losses of the chain for an IT load and a mechanical (cooling plant) load, written into
    ``out`` (indices E_*); returns the total conversion losses (UPS + PDU + transformer), kW.

    PDU loss = P_r (b0 + b2 (P_IT/P_r)^2); UPS output = IT + PDU loss (+ cooling with
    ups_feeds_cooling); transformer carries everything: IT, cooling, UPS and PDU losses and
    the fixed loads.
    """
    pdu, ups_out, ups, downstream, tr, online, x = _chain(it_kw, mech_kw, e)
    losses = ups + pdu + tr
    out[E_UPS_LOSS_KW] = ups
    out[E_PDU_LOSS_KW] = pdu
    out[E_TRANSFORMER_LOSS_KW] = tr
    out[E_FIXED_KW] = e.fixed_kw
    out[E_LOSSES_KW] = losses
    out[E_FACILITY_KW] = downstream + tr
    out[E_HEAT_TO_PLANT_KW] = ups + pdu + e.fixed_kw
    out[E_UPS_LOAD_FRACTION] = ups_out / e.ups_rated_kw if e.ups_rated_kw > 0.0 else 0.0
    out[E_UPS_MODULES_ONLINE] = online
    out[E_UPS_MODULE_LOAD_FRACTION] = x
    return losses


@njit(cache=True, fastmath=False, error_model="numpy")
def electrical_losses_kw(it_kw: float, mech_kw: float, e) -> float:
    """Total conversion losses (UPS + PDU + transformer) for an IT and a mechanical load, kW
    (:func:`electrical_step`'s return value; no output array needed)."""
    pdu, _, ups, _, tr, _, _ = _chain(it_kw, mech_kw, e)
    return ups + pdu + tr
