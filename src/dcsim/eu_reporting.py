"""The indicators Commission Delegated Regulation (EU) 2024/1364 asks a datacenter to report,
from one run: the ``eu_2024_1364`` section of kpis.json and a table of the case report.

The regulation (14 March 2024, first phase of a common Union rating scheme for data centres;
text of EUR-Lex, ELI http://data.europa.eu/eli/reg_del/2024/1364/oj) applies to data centres
with an installed IT power demand of at least 500 kW (Article 1) and is reported for a
calendar year (Article 3). What dcsim counts for each of its Annex II key performance
indicators:

* ``PDIT`` (kW), installed IT power demand (Article 2(14): the nominal power of the network,
  servers and storage on the computer-room floor): the hall's design IT power.
* ``EDC`` (kWh), total energy consumption (EN 50600-4-2, at the data centre's input):
  ``energy_facility_kwh``, the site's draw whether the grid or the standby generator serves
  it; ``EDC-BG`` (kWh) the generator's part (``generator_kwh``).
* ``EIT`` (kWh), the IT equipment's energy (EN 50600-4-2 category 1, at the UPS output):
  ``energy_it_kwh``.
* ``WIN`` (m³), total water input (EN 50600-4-9): ``water_m3`` (evaporation, drift, blowdown and
  humidification; whether it is potable, ``WIN-POT``, is the site's and not modelled).
* ``EREUSE`` (kWh), waste heat reused, measured at the data centre's boundary where it is
  handed to the other party (EN 50600-4-6): ``heat_reused_kwh``, whose boundary follows
  ``heat_reuse.ownership`` (docs/physics.md, "Ownership and boundary").
* ``TWH`` (°C), average waste-heat temperature (the cooling fluid entering the heat exchanger
  at the computer room's boundary): the time mean of the heat-reuse source stream's
  temperature (``heat_source_c``: return air, chilled-water return or liquid-loop return).
* ``TIN`` (°C), average setpoint of the IT equipment's intake air: the time mean of the supply
  setpoint (``supply_setpoint_c``), which the room model holds at the inlets.
* ``ERES-TOT`` (kWh), renewable energy: guarantees of origin the data centre retires, its own
  power purchase agreements and on-site renewables (EN 50600-4-3); the grid's mix does not
  count. dcsim takes it as ``site.renewable_energy_share`` x EDC.

and its Annex III sustainability indicators: PUE = EDC / EIT, WUE = WIN / EIT (L/kWh, i.e.
m³/MWh), ERF = EREUSE / EDC, REF = ERES-TOT / EDC. Not reported, with the reason: the cooling
degree days (the Eurostat/JRC formula, base 21 °C, could not be checked here), the battery
capacity offered to the grid (``CBtG``), refrigerants, floor area, data traffic and storage.
"""

from __future__ import annotations

import numpy as np

#: kpis.json's key of the section
EU_SECTION = "eu_2024_1364"
#: Article 1: installed IT power demand from which the regulation applies, kW
REPORTING_THRESHOLD_KW = 500.0
#: Annex II items dcsim does not report, and why
NOT_REPORTED = {
    "CDD": "cooling degree days: the Eurostat/JRC formula (base 21 °C) could not be checked here",
    "WIN-POT": "the potable share of the water is the site's supply, not modelled",
    "CBtG": "battery capacity offered to the grid: not recorded per hour",
    "refrigerants, floor area, data traffic, storage": "not modelled",
}


def _mean(values) -> float:
    v = np.asarray(values, dtype=np.float64)
    return float(v.mean()) if v.size else 0.0


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else 0.0


def eu_2024_1364_indicators(kpis: dict[str, float], columns: dict[str, np.ndarray], *, pd_it_kw: float,
                            renewable_share: float, start_utc: str, duration_s: int, heat_reuse: bool,
                            heat_pump_inside: bool) -> dict:
    """The ``eu_2024_1364`` section of a run's kpis.json (module docstring for what each
    indicator counts). ``kpis``: the run's KPIs; ``columns``: its step series
    (``heat_source_c``, ``supply_setpoint_c``); ``pd_it_kw``: the design IT power;
    ``renewable_share``: the share of EDC covered by guarantees of origin, PPAs or on-site
    renewables. Every number is finite; ``applies`` and ``calendar_year`` say whether the
    regulation covers the site and whether the run is the calendar year it reports."""
    e_dc = float(kpis["energy_facility_kwh"])
    e_it = float(kpis["energy_it_kwh"])
    e_res = renewable_share * e_dc
    win_m3 = float(kpis["water_m3"])
    e_reuse = float(kpis["heat_reused_kwh"])
    boundary = "none" if not heat_reuse else ("heat pump inside" if heat_pump_inside else "heat pump outside")
    starts_jan1 = start_utc[5:19] == "01-01T00:00:00"
    return {
        "regulation": "Commission Delegated Regulation (EU) 2024/1364, Annexes II and III",
        "applies": bool(pd_it_kw >= REPORTING_THRESHOLD_KW),
        "calendar_year": bool(starts_jan1 and duration_s in (365 * 86400, 366 * 86400)),
        "period_start_utc": start_utc,
        "period_days": duration_s / 86400.0,
        "heat_reuse_boundary": boundary,
        "pd_it_kw": float(pd_it_kw),
        "e_dc_kwh": e_dc,
        "e_dc_bg_kwh": float(kpis.get("generator_kwh", 0.0)),
        "e_it_kwh": e_it,
        "w_in_m3": win_m3,
        "e_reuse_kwh": e_reuse,
        "t_wh_c": _mean(columns["heat_source_c"]),
        "t_in_c": _mean(columns["supply_setpoint_c"]),
        "e_res_tot_kwh": e_res,
        "pue": _ratio(e_dc, e_it),
        "wue_l_per_kwh": _ratio(win_m3 * 1000.0, e_it),
        "erf": _ratio(e_reuse, e_dc),
        "ref": _ratio(e_res, e_dc),
        "not_reported": dict(NOT_REPORTED),
    }
