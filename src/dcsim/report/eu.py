"""The case report's section on EU reporting: each variant's indicators of Commission
Delegated Regulation (EU) 2024/1364 (:mod:`dcsim.eu_reporting`), with its heat-reuse boundary.

Its texts are here rather than in :mod:`dcsim.report.strings`, in the same (English, Swedish)
form, since no other section uses them.
"""

from __future__ import annotations

from .page import Page
from .strings import t_in

#: (English, Swedish)
TEXT = {
    "title": ("EU reporting (Delegated Regulation 2024/1364)", "EU-rapportering (delegerad förordning 2024/1364)"),
    "intro": (
        "The indicators the regulation asks a data centre of at least 500 kW installed IT power to report for a "
        "calendar year (Annexes II and III), from each variant's first weather year over the simulated period "
        "({days} days){year}. Waste heat reused is counted at the data centre's boundary; renewable energy "
        "counts only guarantees of origin, own power purchase agreements and on-site generation "
        "(site.renewable_energy_share), not the grid's mix.",
        "Indikatorerna som förordningen kräver att ett datacenter med minst 500 kW installerad IT-effekt "
        "rapporterar för ett kalenderår (bilaga II och III), från varje variants första väderår över den "
        "simulerade perioden ({days} dagar){year}. Återanvänd spillvärme räknas vid datacentrets gräns; förnybar "
        "energi räknar bara ursprungsgarantier, egna elköpsavtal och egen produktion (site.renewable_energy_share), "
        "inte elnätets mix.",
    ),
    "not_year": (", not a calendar year: scale with care", ", inte ett kalenderår: skala med försiktighet"),
    "caption": ("Indicators of EU 2024/1364", "Indikatorer enligt EU 2024/1364"),
    "col_indicator": ("Indicator", "Indikator"),
    "col_unit": ("Unit", "Enhet"),
    "applies": ("Covered (installed IT power ≥ 500 kW)", "Omfattas (installerad IT-effekt ≥ 500 kW)"),
    "boundary": ("Heat pump and the data centre's boundary", "Värmepumpen och datacentrets gräns"),
    "yes": ("yes", "ja"),
    "no": ("no", "nej"),
    "none": ("no heat reuse", "ingen värmeåtervinning"),
    "heat pump inside": ("inside", "innanför"),
    "heat pump outside": ("outside (the utility's)", "utanför (fjärrvärmebolagets)"),
    "pd_it_kw": ("PDIT, installed IT power demand", "PDIT, installerad IT-effekt"),
    "e_dc_kwh": ("EDC, total energy consumption", "EDC, total energianvändning"),
    "e_dc_bg_kwh": ("EDC-BG, of which backup generators", "EDC-BG, varav reservkraft"),
    "e_it_kwh": ("EIT, IT equipment energy", "EIT, IT-utrustningens energi"),
    "w_in_m3": ("WIN, total water input", "WIN, totalt vattenintag"),
    "e_reuse_kwh": ("EREUSE, waste heat reused", "EREUSE, återanvänd spillvärme"),
    "t_wh_c": ("TWH, average waste heat temperature", "TWH, spillvärmens medeltemperatur"),
    "t_in_c": ("TIN, average IT intake air setpoint", "TIN, medelbörvärde för IT-inluft"),
    "e_res_tot_kwh": ("ERES-TOT, renewable energy", "ERES-TOT, förnybar energi"),
    "pue": ("PUE = EDC / EIT", "PUE = EDC / EIT"),
    "wue_l_per_kwh": ("WUE = WIN / EIT", "WUE = WIN / EIT"),
    "erf": ("ERF = EREUSE / EDC", "ERF = EREUSE / EDC"),
    "ref": ("REF = ERES-TOT / EDC", "REF = ERES-TOT / EDC"),
}

#: the numeric rows: (key, unit, decimals)
ROWS = (("pd_it_kw", "kW", 0), ("e_dc_kwh", "kWh", 0), ("e_dc_bg_kwh", "kWh", 0), ("e_it_kwh", "kWh", 0),
        ("w_in_m3", "m³", 1), ("e_reuse_kwh", "kWh", 0), ("t_wh_c", "°C", 1), ("t_in_c", "°C", 1),
        ("e_res_tot_kwh", "kWh", 0), ("pue", "", 3), ("wue_l_per_kwh", "L/kWh", 3), ("erf", "", 3), ("ref", "", 3))


def eu_section(page: Page, r) -> None:
    """One table: a row per indicator, a column per variant (its first replication's
    ``reporting``). Left out when no variant has the section (run folders from before it)."""
    outs = [o for o in r.result.outcomes if o.first is not None and o.first.reporting]
    if not outs:
        return
    lang, fmt = r.lang, r.fmt
    first = outs[0].first.reporting
    page.section("eu-reporting", t_in(TEXT, lang, "title"))
    page.p(t_in(TEXT, lang, "intro", days=fmt.num(first["period_days"], 0),
              year="" if first["calendar_year"] else t_in(TEXT, lang, "not_year")))
    rows = [[t_in(TEXT, lang, "applies"), "", *[t_in(TEXT, lang, "yes" if o.first.reporting["applies"] else "no") for o in outs]],
            [t_in(TEXT, lang, "boundary"), "", *[t_in(TEXT, lang, o.first.reporting["heat_reuse_boundary"]) for o in outs]]]
    for key, unit, decimals in ROWS:
        rows.append([t_in(TEXT, lang, key), unit, *[fmt.num(o.first.reporting[key], decimals) for o in outs]])
    page.table(t_in(TEXT, lang, "caption"), [t_in(TEXT, lang, "col_indicator"), t_in(TEXT, lang, "col_unit"), *[r.titles[o.name] for o in outs]],
               rows, tid="eu-reporting", numeric_from=2)
