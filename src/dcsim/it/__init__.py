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

#: Loaded on first use (PEP 562), so that importing this package for one light name does
#: not compile or import the rest (``dcsim validate`` loads no Numba): name -> module.
_LAZY = {
    "AFFINITY_FAN_POWER_CURVE": "curves",
    "BiquadraticCurve": "curves",
    "CONSTANT_UPS_EFFICIENCY_CURVE": "curves",
    "CubicCurve": "curves",
    "ITEAirCooledResult": "ite",
    "ITEAirCooledSpec": "ite",
    "OPENSTUDIO_AIRFLOW_CURVE": "curves",
    "OPENSTUDIO_CPU_POWER_CURVE": "curves",
    "OPENSTUDIO_FAN_POWER_CURVE": "curves",
    "SPECPOWER_LOAD_PCT": "catalog",
    "ServerSpec": "spec",
    "ServerTableWarning": "catalog",
    "air_cp_j_per_kg_k": "ite",
    "air_density_kg_per_m3": "ite",
    "biquadratic_value": "curves",
    "capped_power_w": "power",
    "check_power_table": "spec",
    "cubic_value": "curves",
    "dvfs_power_w": "power",
    "dvfs_throughput_fraction": "power",
    "fan2007_power_w": "power",
    "get_server": "catalog",
    "ite_aircooled": "ite",
    "ite_aircooled_kernel": "ite",
    "ite_aircooled_point": "ite",
    "linear_power_w": "power",
    "read_server_table_csv": "catalog",
    "server_catalog": "catalog",
    "specpower_power_w": "power",
    "specpower_value": "power",
}


def __getattr__(name):
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
