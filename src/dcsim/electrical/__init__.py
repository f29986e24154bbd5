"""Electrical chain: transformer, UPS, PDUs and fixed loads (:mod:`dcsim.electrical.chain`)."""

from .ups import ups_loss_kw, ups_module_load_fraction, ups_modules_needed, ups_modules_online
from .chain import (
    E_FACILITY_KW,
    E_FIXED_KW,
    E_HEAT_TO_PLANT_KW,
    E_LOSSES_KW,
    E_PDU_LOSS_KW,
    E_TRANSFORMER_LOSS_KW,
    E_UPS_LOAD_FRACTION,
    E_UPS_LOSS_KW,
    E_UPS_MODULE_LOAD_FRACTION,
    E_UPS_MODULES_ONLINE,
    ELECTRICAL_OUT_FIELDS,
    N_ELECTRICAL_OUT,
    ElectricalParams,
    electrical_losses_kw,
    electrical_step,
    ups_bank,
)

__all__ = [
    "E_FACILITY_KW",
    "E_FIXED_KW",
    "E_HEAT_TO_PLANT_KW",
    "E_LOSSES_KW",
    "E_PDU_LOSS_KW",
    "E_TRANSFORMER_LOSS_KW",
    "E_UPS_LOAD_FRACTION",
    "E_UPS_LOSS_KW",
    "E_UPS_MODULE_LOAD_FRACTION",
    "E_UPS_MODULES_ONLINE",
    "ELECTRICAL_OUT_FIELDS",
    "N_ELECTRICAL_OUT",
    "ElectricalParams",
    "electrical_losses_kw",
    "electrical_step",
    "ups_bank",
    "ups_loss_kw",
    "ups_module_load_fraction",
    "ups_modules_needed",
    "ups_modules_online",
]
