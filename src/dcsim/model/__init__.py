"""The build layer: the only code that turns scenario sections into kernel parameters.

Physics modules (``dcsim.cooling``, ``dcsim.thermal``, ``dcsim.electrical``, ``dcsim.heatreuse``,
``dcsim.it``, ``dcsim.climate``) take plain floats, float tuples and arrays and import neither
pydantic nor scenario code; the scenario schema imports no physics. This package reads the
validated scenario (``dcsim.scenario``) and builds the parameter tuples the compiled kernels
take (docs/architecture.md, "Layers").
"""

from .electrical import build_electrical, ups_presets
from .facility import Model, build_model, initial_state
from .heat_reuse import (
    build_heat_reuse,
    dh_demand_kw_series,
    disabled_heat_reuse_params,
    heat_price_sek_per_mwh_series,
    heat_pump_min_cop,
    heat_reuse_note,
    utility_owned,
)
from .it import ServerCurve, managed_curve, server_curve, server_spec
from .plant import build_plant
from .tables import TABLE_SIZE, float_tuple, pad_table

__all__ = [
    "Model",
    "ServerCurve",
    "TABLE_SIZE",
    "build_electrical",
    "build_heat_reuse",
    "build_model",
    "build_plant",
    "dh_demand_kw_series",
    "disabled_heat_reuse_params",
    "heat_price_sek_per_mwh_series",
    "heat_pump_min_cop",
    "heat_reuse_note",
    "utility_owned",
    "float_tuple",
    "initial_state",
    "managed_curve",
    "pad_table",
    "server_curve",
    "server_spec",
    "ups_presets",
]
