"""Heat reuse's kernel parameters and district-heating demand series from the scenario's
``heat_reuse`` section."""

from __future__ import annotations

import numpy as np

from ..cooling.plant import SYSTEM_CHILLER_CRAH, SYSTEM_DRY_COOLER, SYSTEM_FRESH_AIR, SYSTEM_INDIRECT_EVAPORATIVE, SYSTEM_LIQUID
from ..heatreuse.heatpump import (
    COP_CARNOT,
    COP_MODELS,
    DELIVERY_CODES,
    DELIVERY_SUPPLY_LINE,
    SOURCE_CHILLED_WATER,
    SOURCE_CODES,
    SOURCE_LIQUID_LOOP,
    SOURCE_RETURN_AIR,
    HeatReuseParams,
    economic_min_cop,
)
from ..scenario.facility import DEFAULT_DH_OUTDOOR_C, DEFAULT_DH_RETURN_C, DEFAULT_DH_SUPPLY_C
from .tables import pad_table


def utility_owned(section) -> bool:
    """Heat reuse is on and its heat pump is the utility's (``heat_reuse.ownership``): outside
    the datacenter's boundary."""
    return bool(getattr(section, "enabled", False)) and section.ownership == "utility"


def disabled_heat_reuse_params() -> HeatReuseParams:
    """A HeatReuseParams that never runs (same types as an enabled one)."""
    lift, cop = pad_table([0.0, 1.0], [1.0, 1.0])
    xs, sup = pad_table(DEFAULT_DH_OUTDOOR_C, DEFAULT_DH_SUPPLY_C)
    _, ret = pad_table(DEFAULT_DH_OUTDOOR_C, DEFAULT_DH_RETURN_C)
    return HeatReuseParams(
        enabled=0.0, source=float(SOURCE_RETURN_AIR), capacity_kw=0.0, cop_model=float(COP_CARNOT),
        carnot_efficiency=0.625, efficiency_slope_per_k=0.0017, reference_lift_k=50.0, approach_k=5.0,
        table_lift_k=lift, table_cop=cop, dh_outdoor_c=xs, dh_supply_c=sup, dh_return_c=ret,
        delivery=float(DELIVERY_SUPPLY_LINE), heat_pump=1.0, outside_boundary=0.0, min_run_s=0.0,
    )


def dh_demand_kw_series(section, design_it_kw: float, times_utc, t_outdoor_c, *, timezone: str = "UTC") -> np.ndarray:
    """Heat the DH network takes at each step, kW (the ``dh_demand_kw`` input of plant_step).

    ``section`` is the scenario's ``heat_reuse`` section; ``times_utc`` datetime64 step times
    (UTC), ``t_outdoor_c`` the outdoor dry bulb at those times. demand_kw (default: the
    design IT power) times the profile: ``constant`` 1; ``monthly`` the local month's
    fraction; ``outdoor`` the fraction interpolated in (outdoor_points_c, outdoor_fraction).
    Zeros when heat reuse is off; ``inf`` (no limit) with dispatch ``always``.
    """
    import pandas as pd

    t = np.asarray(t_outdoor_c, dtype=np.float64)
    n = t.shape[0]
    if not getattr(section, "enabled", False):
        return np.zeros(n)
    if section.dispatch == "always":
        return np.full(n, np.inf)
    peak = float(section.demand_kw) if section.demand_kw is not None else float(design_it_kw)
    profile = section.demand_profile
    if profile == "constant":
        frac = np.ones(n)
    elif profile == "monthly":
        idx = pd.DatetimeIndex(np.asarray(times_utc, dtype="datetime64[ns]")).tz_localize("UTC").tz_convert(timezone)
        frac = np.asarray(section.monthly_fraction, dtype=np.float64)[idx.month.to_numpy() - 1]
    else:
        frac = np.interp(t, np.asarray(section.outdoor_points_c, float), np.asarray(section.outdoor_fraction, float))
    return peak * frac


def build_heat_reuse(section, code: int, design_it_kw: float) -> HeatReuseParams:
    """HeatReuseParams from the scenario's ``heat_reuse`` section for a system ``code``."""
    if section is None or not section.enabled:
        base = disabled_heat_reuse_params()
        src = SOURCE_LIQUID_LOOP if code == SYSTEM_LIQUID else (
            SOURCE_CHILLED_WATER if code in (SYSTEM_CHILLER_CRAH, SYSTEM_DRY_COOLER) else SOURCE_RETURN_AIR)
        return base._replace(source=float(src))
    source = section.source
    if source == "auto":
        source = ("liquid-loop" if code == SYSTEM_LIQUID else
                  "chilled-water" if code in (SYSTEM_CHILLER_CRAH, SYSTEM_DRY_COOLER) else "return-air")
    if source == "chilled-water" and code in (SYSTEM_FRESH_AIR, SYSTEM_INDIRECT_EVAPORATIVE):
        raise ValueError("heat_reuse.source = 'chilled-water' needs a chilled-water system (chiller-crah, dry-cooler, liquid)")
    if source == "liquid-loop" and code != SYSTEM_LIQUID:
        raise ValueError("heat_reuse.source = 'liquid-loop' needs cooling.system = 'liquid'")
    lift, cop = pad_table(section.cop_table_lift_k if section.cop_table_lift_k is not None else [0.0, 1.0],
                          section.cop_table if section.cop_table is not None else [1.0, 1.0], "heat_reuse.cop_table")
    xs, sup = pad_table(section.supply_curve_outdoor_c, section.supply_curve_c, "heat_reuse.supply_curve_c")
    _, ret = pad_table(section.supply_curve_outdoor_c, section.return_curve_c, "heat_reuse.return_curve_c")
    return HeatReuseParams(
        enabled=1.0,
        source=float(SOURCE_CODES[source]),
        capacity_kw=float(section.capacity_kw) if section.capacity_kw is not None else float(design_it_kw),
        cop_model=float(COP_MODELS[section.cop_model]),
        carnot_efficiency=float(section.carnot_efficiency),
        efficiency_slope_per_k=float(section.carnot_efficiency_slope_per_k),
        reference_lift_k=float(section.reference_lift_k),
        approach_k=float(section.approach_k),
        table_lift_k=lift,
        table_cop=cop,
        dh_outdoor_c=xs,
        dh_supply_c=sup,
        dh_return_c=ret,
        delivery=float(DELIVERY_CODES[section.delivery]),
        heat_pump=1.0 if section.heat_pump else 0.0,
        outside_boundary=1.0 if utility_owned(section) else 0.0,
        min_run_s=float(section.min_run_time_s),
    )


def heat_pump_min_cop(section, electricity_sek_per_kwh, heat_sek_per_mwh) -> np.ndarray:
    """The COP the heat pump must beat at each step (the ``heat_pump_min_cop`` kernel input):
    1 (it runs whenever it can) unless ``heat_reuse.dispatch = "economic"``, where it is
    :func:`~dcsim.heatreuse.heatpump.economic_min_cop` of the site's electricity price per step
    (spot + network energy fee + tax, SEK/kWh; the power fee is not weighed), the step's heat
    price (SEK/MWh, :func:`heat_price_sek_per_mwh_series`) and the wear per MWh of heat.

    With ``ownership = "utility"`` the utility dispatches its heat pump and also pays the
    datacenter p_src per kWh of source heat, q (1 - 1/COP): it runs when
    p_heat - wear > p_el / COP + p_src (1 - 1/COP), i.e. COP > (p_el - p_src) / (p_heat - p_src - wear),
    the same rule with both prices less p_src."""
    p_el = np.ascontiguousarray(electricity_sek_per_kwh, dtype=np.float64)
    if not getattr(section, "enabled", False) or section.dispatch != "economic":
        return np.ones(p_el.shape[0])
    heat = np.asarray(heat_sek_per_mwh, dtype=np.float64) / 1000.0
    if utility_owned(section):
        p_src = float(section.source_price_sek_per_mwh) / 1000.0
        p_el, heat = p_el - p_src, heat - p_src
    return np.ascontiguousarray(economic_min_cop(p_el, heat, section.wear_sek_per_mwh / 1000.0))


#: the price column of a heat price file
HEAT_PRICE_COLUMN = "price_sek_per_mwh"


def read_heat_price_file(path, *, field_path: str = "heat_reuse.price_file") -> tuple[np.ndarray, np.ndarray]:
    """A dated series of the price paid for delivered heat: a CSV with ``time`` (interval
    start, ISO 8601 UTC) and ``price_sek_per_mwh`` (>= 0) on a constant step, complete and in
    order. Returns (interval starts as int64 UTC seconds, prices). Every problem is listed
    with the file, line and column (InputError)."""
    from .._table import Column
    from ..grid.readers import read_dated_column

    price = Column(HEAT_PRICE_COLUMN, unit="SEK/MWh", low=0, label="heat price",
                   describe="the price paid for delivered heat in each interval", hint="Add the column.")
    _, t, v = read_dated_column(path, price, what="heat price file", field_path=field_path, parquet=False)
    return t, v


def heat_price_sek_per_mwh_series(section, times_utc, t_outdoor_c=None, *, timezone: str = "UTC") -> np.ndarray:
    """The price paid for delivered heat at each step, SEK/MWh (``times_utc``: the steps'
    midpoints, datetime64; ``t_outdoor_c``: their outdoor dry bulb): ``flat``
    price_sek_per_mwh; ``monthly`` the local month's price_monthly_sek_per_mwh; ``outdoor``
    price_outdoor_sek_per_mwh interpolated at the outdoor temperature (constant beyond the
    points); ``file`` the interval of price_file holding the midpoint (the file must cover
    every step). Zeros when heat reuse is off."""
    t = np.asarray(times_utc, dtype="datetime64[s]")
    n = t.shape[0]
    if not getattr(section, "enabled", False):
        return np.zeros(n)
    if section.price_model == "flat":
        return np.full(n, float(section.price_sek_per_mwh))
    if section.price_model == "outdoor":
        return np.interp(np.asarray(t_outdoor_c, dtype=np.float64), np.asarray(section.price_outdoor_points_c, float),
                         np.asarray(section.price_outdoor_sek_per_mwh, float))
    if section.price_model == "monthly":
        import pandas as pd

        idx = pd.DatetimeIndex(t.astype("datetime64[ns]")).tz_localize("UTC").tz_convert(timezone)
        return np.asarray(section.price_monthly_sek_per_mwh, dtype=np.float64)[idx.month.to_numpy() - 1]
    from ..grid.readers import values_at

    field = "heat_reuse.price_file"
    time_s, price = read_heat_price_file(section.price_file, field_path=field)
    return values_at(time_s, price, t, what="heat prices", file=section.price_file, field_path=field)


def heat_reuse_note(hr) -> str:
    """The manifest's sentence on heat reuse: what ran, how it was dispatched and paid, and
    its boundary (empty without heat reuse)."""
    if not hr.enabled:
        return ""
    unit = "heat pump" if hr.heat_pump else "heat exchanger (no heat pump)"
    demand = ("the network takes all the heat (heat_reuse.demand_kw and demand_profile are not used)"
              if hr.dispatch == "always" else f"demand {hr.demand_profile}")
    price = {"flat": f"flat {hr.price_sek_per_mwh:g} SEK/MWh", "monthly": "monthly prices",
             "outdoor": "prices against the outdoor temperature", "file": f"prices from {hr.price_file}"}[hr.price_model]
    owner = ("operator-owned, inside the datacenter boundary" if hr.ownership == "operator" else
             f"utility-owned, outside the datacenter boundary, source heat at {hr.source_price_sek_per_mwh:g} SEK/MWh")
    run = f", minimum run {hr.min_run_time_s:g} s" if hr.min_run_time_s > 0 else ""
    return f"{unit} to the {hr.delivery}, dispatch {hr.dispatch}{run}, {demand}, {price}, {owner}"
