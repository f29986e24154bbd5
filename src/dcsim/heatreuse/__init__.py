"""Heat reuse: heat pumps lifting datacenter waste heat to district heating (DESIGN.md).

The physics only; its parameters and the district-heating demand series are built from the
scenario by :mod:`dcsim.model.heat_reuse`."""

from .heatpump import (
    COP_CARNOT,
    COP_LORENZ,
    COP_MODELS,
    COP_TABLE,
    SOURCE_CHILLED_WATER,
    SOURCE_CODES,
    SOURCE_LIQUID_LOOP,
    SOURCE_RETURN_AIR,
    HeatReuseParams,
    dh_temperatures_c,
    heat_pump_cop,
    heatreuse_step,
)

__all__ = [
    "COP_CARNOT",
    "COP_LORENZ",
    "COP_MODELS",
    "COP_TABLE",
    "SOURCE_CHILLED_WATER",
    "SOURCE_CODES",
    "SOURCE_LIQUID_LOOP",
    "SOURCE_RETURN_AIR",
    "HeatReuseParams",
    "dh_temperatures_c",
    "heat_pump_cop",
    "heatreuse_step",
]
