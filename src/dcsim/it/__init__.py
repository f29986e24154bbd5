"""IT equipment: server power curves, power states, and the inlet-temperature ITE model.

- :mod:`dcsim.it.power`: :class:`ServerSpec` and server power as a function of
  utilisation (SPECpower tables, linear, Fan et al. 2007), DVFS and power capping.
- :mod:`dcsim.it.catalog`: the built-in SPECpower catalogue and users' own tables.
- :mod:`dcsim.it.curves`: EnergyPlus performance curves with limits.
- :mod:`dcsim.it.ite`: EnergyPlus ``ElectricEquipment:ITE:AirCooled`` (CPU and fan power,
  airflow and outlet temperature as functions of load and inlet temperature, UPS loss).

Kernels for other compiled loops: :func:`specpower_value`, :func:`ite_aircooled_point`,
:func:`ite_aircooled_kernel`, :func:`biquadratic_value`, :func:`cubic_value`.
"""

from .catalog import (
    SPECPOWER_LOAD_PCT,
    ServerTableWarning,
    get_server,
    read_server_table_csv,
    server_catalog,
)
from .curves import (
    AFFINITY_FAN_POWER_CURVE,
    CONSTANT_UPS_EFFICIENCY_CURVE,
    OPENSTUDIO_AIRFLOW_CURVE,
    OPENSTUDIO_CPU_POWER_CURVE,
    OPENSTUDIO_FAN_POWER_CURVE,
    BiquadraticCurve,
    CubicCurve,
    biquadratic_value,
    cubic_value,
)
from .ite import (
    ITEAirCooledResult,
    ITEAirCooledSpec,
    air_cp_j_per_kg_k,
    air_density_kg_per_m3,
    ite_aircooled,
    ite_aircooled_kernel,
    ite_aircooled_point,
)
from .power import (
    ServerSpec,
    capped_power_w,
    check_power_table,
    dvfs_power_w,
    dvfs_throughput_fraction,
    fan2007_power_w,
    linear_power_w,
    specpower_power_w,
    specpower_value,
)

__all__ = [
    "AFFINITY_FAN_POWER_CURVE",
    "CONSTANT_UPS_EFFICIENCY_CURVE",
    "OPENSTUDIO_AIRFLOW_CURVE",
    "OPENSTUDIO_CPU_POWER_CURVE",
    "OPENSTUDIO_FAN_POWER_CURVE",
    "SPECPOWER_LOAD_PCT",
    "BiquadraticCurve",
    "CubicCurve",
    "ITEAirCooledResult",
    "ITEAirCooledSpec",
    "ServerSpec",
    "ServerTableWarning",
    "air_cp_j_per_kg_k",
    "air_density_kg_per_m3",
    "biquadratic_value",
    "capped_power_w",
    "check_power_table",
    "cubic_value",
    "dvfs_power_w",
    "dvfs_throughput_fraction",
    "fan2007_power_w",
    "get_server",
    "ite_aircooled",
    "ite_aircooled_kernel",
    "ite_aircooled_point",
    "linear_power_w",
    "read_server_table_csv",
    "server_catalog",
    "specpower_power_w",
    "specpower_value",
]
