"""Every word of the report, in English and Swedish.

``t(lang, key, **values)`` returns the text with ``{fields}`` filled. Both languages
must have the same keys (a test checks it). To add a language, add a column to each entry
and to the month names, and add it to ``LANGUAGES`` (case files then accept texts in it:
:mod:`dcsim.case.model` takes its languages from here). ``text_in`` picks the language of
a text the case file gives as ``{ en = "...", sv = "..." }``.
"""

from __future__ import annotations

LANGUAGES = ("en", "sv")

MONTHS_SHORT = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "sv": ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
}
MONTHS_LONG = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
    "sv": ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december"],
}

# key: (English, Swedish)
STRINGS: dict[str, tuple[str, str]] = {
    # ---- document
    "doc_title": ("{title} – dcsim case report", "{title} – dcsim fallrapport"),
    "report_kind": ("Case report", "Fallrapport"),
    "generated": ("Generated {date} by dcsim {version}.", "Skapad {date} av dcsim {version}."),
    "meta_site": ("Site: {site}.", "Plats: {site}."),
    "meta_period": (
        "Simulated period: {start} to {end} ({days} days), {years} weather year(s).",
        "Simulerad period: {start} till {end} ({days} dagar), {years} väderår.",
    ),
    "nav_label": ("Contents", "Innehåll"),
    "sec_summary": ("Summary", "Sammanfattning"),
    "sec_compared": ("What was compared", "Vad som jämfördes"),
    "sec_energy": ("Electricity use by month", "Elanvändning per månad"),
    "sec_pue": ("PUE across the year", "PUE över året"),
    "sec_inlet": ("Server inlet temperatures", "Inluftstemperatur till servrarna"),
    "sec_modes": ("Cooling modes", "Kyldriftlägen"),
    "sec_cash": ("Cash flow and payback", "Kassaflöde och återbetalning"),
    "sec_diffs": ("All results", "Alla resultat"),
    "sec_assumptions": ("Assumptions", "Antaganden"),
    "sec_provenance": ("Provenance", "Ursprung och spårbarhet"),
    "footer": (
        "Made with dcsim, an open-source datacenter case simulator. The figures use the Okabe–Ito palette, "
        "which stays distinguishable with colour-vision deficiency, and every figure's numbers are also given "
        "in a table.",
        "Skapad med dcsim, en fallsimulator för datacenter med öppen källkod. Figurerna använder Okabe–Ito-"
        "paletten, som går att skilja åt även vid färgseendeavvikelser, och varje figurs siffror finns också "
        "i en tabell.",
    ),
    "figure_n": ("Figure {n}.", "Figur {n}."),
    "table_n": ("Table {n}.", "Tabell {n}."),
    # ---- summary
    "intro_many": (
        "We simulated {dc} in {site} over {period}, once as it is today (the baseline) and once with each "
        "proposal. Every version saw exactly the same weather and workload, so the differences below come "
        "from the proposals alone. We repeated this for {n} different weather years; where a range is given, "
        "9 of 10 simulated years fell inside it.",
        "Vi simulerade {dc} i {site} under {period}, en gång som den är i dag (utgångsläget) och en gång med "
        "varje förslag. Alla versioner fick exakt samma väder och arbetslast, så skillnaderna nedan beror "
        "enbart på förslagen. Vi upprepade detta för {n} olika väderår; där ett intervall anges hamnade 9 av "
        "10 simulerade år inom det.",
    ),
    "intro_one": (
        "We simulated {dc} in {site} over {period}, once as it is today (the baseline) and once with each "
        "proposal. Every version saw exactly the same weather and workload, so the differences below come "
        "from the proposals alone. One weather year was simulated, so no range is given.",
        "Vi simulerade {dc} i {site} under {period}, en gång som den är i dag (utgångsläget) och en gång med "
        "varje förslag. Alla versioner fick exakt samma väder och arbetslast, så skillnaderna nedan beror "
        "enbart på förslagen. Ett väderår simulerades, så inga intervall anges.",
    ),
    "the_datacenter": ("the datacenter “{name}”", "datacentret ”{name}”"),
    "period_days": ("{days} days of weather", "{days} dagars väder"),
    "period_year": ("a full year of weather", "ett helt års väder"),
    "verdict_label": ("In short:", "Kort sagt:"),
    "verdict_good": (
        "Worth doing: it pays for itself and keeps the servers within their temperature limits.",
        "Värt att genomföra: förslaget betalar sig och håller servrarna inom sina temperaturgränser.",
    ),
    "verdict_warm": (
        "Pays for itself, but runs the servers warmer than recommended more often: read the temperature "
        "findings before deciding.",
        "Betalar sig, men servrarna går oftare varmare än rekommenderat: läs om temperaturerna innan ni "
        "bestämmer er.",
    ),
    "verdict_no": (
        "Does not pay for itself over its {life}-year life under these assumptions.",
        "Betalar sig inte under sin livslängd på {life} år med dessa antaganden.",
    ),
    "verdict_same": (
        "Makes no measurable difference compared with the baseline.",
        "Gör ingen mätbar skillnad jämfört med utgångsläget.",
    ),
    "sum_money": (
        "Money each year: {terms}; together a net saving of {net} a year.",
        "Pengar per år: {terms}; sammantaget en nettobesparing på {net} per år.",
    ),
    "sum_money_cost": (
        "Money each year: {terms}; together a net cost of {net} a year.",
        "Pengar per år: {terms}; sammantaget en nettokostnad på {net} per år.",
    ),
    "term_energy": ("electricity {v} ({pct} of today's electricity bill)", "el {v} ({pct} av dagens elräkning)"),
    "term_heat": ("heat sales {v}", "värmeförsäljning {v}"),
    "term_flex": ("reserve-market revenue {v}", "intäkter från stödtjänster {v}"),
    "term_wear": ("battery wear {v}", "batterislitage {v}"),
    "term_fuel": ("standby-generator fuel {v}", "bränsle till reservkraften {v}"),
    "term_fixed": ("running costs {v}", "driftkostnader {v}"),
    "term_water": ("water {v}", "vatten {v}"),
    "term_carbon": ("value of the CO₂e avoided {v}", "värdet av undvikt CO₂e {v}"),
    "sum_range": (
        "In 9 of 10 simulated weather years the net saving lay between {lo} and {hi} a year.",
        "I 9 av 10 simulerade väderår låg nettobesparingen mellan {lo} och {hi} per år.",
    ),
    "sum_invest": ("Investment: {capital}.", "Investering: {capital}."),
    "sum_payback": ("It pays back in {years}.", "Förslaget betalar sig på {years}."),
    "sum_payback_now": ("There is nothing to pay back.", "Det finns inget att betala tillbaka."),
    "sum_never": (
        "It does not pay back: the yearly net saving is not positive.",
        "Förslaget betalar sig inte: nettobesparingen per år är inte positiv.",
    ),
    "sum_npv_pos": (
        "Over its {life}-year life it gains {npv} more than it costs, in today's money (net present value at "
        "{rate} a year).",
        "Under sin livslängd på {life} år ger förslaget {npv} mer än det kostar, räknat i dagens pengar "
        "(nuvärde med {rate} kalkylränta per år).",
    ),
    "sum_npv_neg": (
        "Over its {life}-year life it costs {npv} more than it gains, in today's money (net present value at "
        "{rate} a year).",
        "Under sin livslängd på {life} år kostar förslaget {npv} mer än det ger, räknat i dagens pengar "
        "(nuvärde med {rate} kalkylränta per år).",
    ),
    "sum_energy_less": (
        "Energy: the site uses {mwh} MWh less electricity a year; PUE goes from {b} to {p}.",
        "Energi: anläggningen använder {mwh} MWh mindre el per år; PUE går från {b} till {p}.",
    ),
    "sum_energy_more": (
        "Energy: the site uses {mwh} MWh more electricity a year; PUE goes from {b} to {p}.",
        "Energi: anläggningen använder {mwh} MWh mer el per år; PUE går från {b} till {p}.",
    ),
    "sum_energy_same": ("Energy: no change; PUE stays at {b}.", "Energi: ingen förändring; PUE ligger kvar på {b}."),
    "sum_co2_less": ("Climate: avoids about {t} tonnes of CO₂e a year.", "Klimat: undviker omkring {t} ton CO₂e per år."),
    "sum_co2_more": ("Climate: adds about {t} tonnes of CO₂e a year.", "Klimat: ökar utsläppen med omkring {t} ton CO₂e per år."),
    "sum_co2_same": ("Climate: no change in CO₂e.", "Klimat: ingen förändring av CO₂e."),
    "sum_co2_low_grid": (
        "(The electricity here is low-carbon, about {g} g CO₂e per kWh, so saved electricity avoids little CO₂.)",
        "(Elen här har låga utsläpp, omkring {g} g CO₂e per kWh, så sparad el undviker lite CO₂.)",
    ),
    "sum_thermal": (
        "Server temperatures: the hottest server inlet reaches {p} °C (today {b} °C). Rack-hours above the "
        "recommended 27 °C: {ph} (today {bh}); above the allowable {allow} °C of class {cls}: {pa} (today {ba}).",
        "Servertemperaturer: den varmaste inluften till en server når {p} °C (i dag {b} °C). Racktimmar över "
        "rekommenderade 27 °C: {ph} (i dag {bh}); över tillåtna {allow} °C för klass {cls}: {pa} (i dag {ba}).",
    ),
    "sum_water_more": ("Water: uses {m3} m³ more a year.", "Vatten: använder {m3} m³ mer per år."),
    "sum_water_less": ("Water: uses {m3} m³ less a year.", "Vatten: använder {m3} m³ mindre per år."),
    "sum_heat": (
        "Heat reuse: delivers {mwh} MWh more heat a year, earning {sek} more.",
        "Värmeåtervinning: levererar {mwh} MWh mer värme per år och tjänar {sek} mer.",
    ),
    "sum_heat_inside": (
        "Its heat pump is inside the datacenter's boundary: its {mwh} MWh of electricity a year are in the "
        "energy, the bill and the PUE (partial PUE {ppue}).",
        "Värmepumpen ligger inom datacentrets gräns: dess {mwh} MWh el per år ingår i energin, elräkningen och "
        "PUE (partiell PUE {ppue}).",
    ),
    "sum_heat_outside": (
        "Its heat pump is the utility's, outside the datacenter's boundary: its {mwh} MWh of electricity a year "
        "are not in the energy, the bill or the PUE, and the heat counted is what the heat pump takes at the source.",
        "Värmepumpen är fjärrvärmebolagets och ligger utanför datacentrets gräns: dess {mwh} MWh el per år ingår "
        "inte i energin, elräkningen eller PUE, och värmen som räknas är den värmepumpen tar vid källan.",
    ),
    "sum_free": (
        "Free cooling: {h} hours a year (today {b}).",
        "Frikyla: {h} timmar per år (i dag {b}).",
    ),
    "sum_jobs_none": (
        "Job service: not affected (this workload has no queued jobs).",
        "Jobbservice: påverkas inte (arbetslasten här har inga köade jobb).",
    ),
    "sum_jobs": (
        "Job service: mean waiting time {bw} s → {pw} s; deadlines missed {bm} → {pm}.",
        "Jobbservice: medelväntetid {bw} s → {pw} s; missade deadlines {bm} → {pm}.",
    ),
    "glossary_title": ("Words used in this report", "Ord som används i rapporten"),
    "gloss_pue": (
        "PUE (power usage effectiveness): all electricity the site uses divided by the electricity the IT "
        "uses. 1.0 would mean no overhead at all; lower is better.",
        "PUE (power usage effectiveness): all el som anläggningen använder delat med den el som IT-"
        "utrustningen använder. 1,0 skulle betyda inga förluster alls; lägre är bättre.",
    ),
    "gloss_npv": (
        "Net present value: all future savings minus the investment, with future money counted at less "
        "than today's (the discount rate). Above zero means the proposal is worth more than it costs.",
        "Nuvärde: alla framtida besparingar minus investeringen, där framtida pengar räknas som mindre värda "
        "än dagens (kalkylräntan). Över noll betyder att förslaget är värt mer än det kostar.",
    ),
    "gloss_payback": (
        "Simple payback: the investment divided by the yearly net saving.",
        "Återbetalningstid: investeringen delad med nettobesparingen per år.",
    ),
    "gloss_ashrae": (
        "ASHRAE bands: the temperature ranges of air entering servers that the industry body ASHRAE "
        "recommends (18–27 °C) and allows for limited time (by equipment class).",
        "ASHRAE-intervall: de temperaturer på luften in till servrarna som branschorganisationen ASHRAE "
        "rekommenderar (18–27 °C) och tillåter under begränsad tid (beroende på utrustningsklass).",
    ),
    "gloss_rackhours": (
        "Rack-hours: one rack for one hour; 10 racks above a limit for 2 hours make 20 rack-hours.",
        "Racktimmar: ett rack under en timme; 10 rack över en gräns i 2 timmar blir 20 racktimmar.",
    ),
    "gloss_free": (
        "Free cooling: cooling with cold outdoor air or water instead of running the chiller's compressor.",
        "Frikyla: kylning med kall uteluft eller kallt vatten i stället för att köra kylmaskinens kompressor.",
    ),
    "tbl_key_caption": (
        "Key figures per proposal (means over the weather years; money per year).",
        "Nyckeltal per förslag (medelvärden över väderåren; pengar per år).",
    ),
    "col_proposal": ("Proposal", "Förslag"),
    "col_savings": ("Net saving per year", "Nettobesparing per år"),
    "col_payback": ("Simple payback", "Återbetalningstid"),
    "col_npv": ("Net present value", "Nuvärde"),
    "col_co2": ("CO₂e avoided per year", "Undvikt CO₂e per år"),
    "col_dpue": ("Change in PUE", "Ändring av PUE"),
    "col_drack": ("Change in rack-hours above 27 °C", "Ändring av racktimmar över 27 °C"),
    # ---- compared
    "compared_intro": (
        "The baseline is the scenario “{scenario}”{desc}. Each proposal changes only the settings listed; "
        "everything else is as in the baseline.",
        "Utgångsläget är scenariot ”{scenario}”{desc}. Varje förslag ändrar bara de inställningar som listas; "
        "allt annat är som i utgångsläget.",
    ),
    "tbl_compared_caption": ("The baseline and the proposals.", "Utgångsläget och förslagen."),
    "col_variant": ("Variant", "Variant"),
    "col_description": ("Description", "Beskrivning"),
    "col_changes": ("Settings changed", "Ändrade inställningar"),
    "col_capital": ("Capital cost", "Investering"),
    "col_fixed": ("Change in fixed costs per year", "Ändrade fasta kostnader per år"),
    "col_life": ("Lifetime", "Livslängd"),
    "col_components": ("Components", "Komponenter"),
    "baseline_label": ("Baseline (today)", "Utgångsläge (i dag)"),
    "no_changes": ("none: identical to the baseline", "inga: identisk med utgångsläget"),
    "only_components": ("none; see the components", "inga; se komponenterna"),
    "none": ("none", "inga"),
    # ---- energy
    "fig_energy_caption": (
        "Electricity use per month for each variant, split into IT, cooling and electrical losses (weather "
        "year 1, seed {seed}; months in local time).",
        "Elanvändning per månad för varje variant, uppdelad på IT, kylning och elförluster (väderår 1, slumptalsfrö "
        "{seed}; månader i lokal tid).",
    ),
    "fig_energy_alt": (
        "Stacked bar charts, one per variant, of electricity use per month in MWh, split into IT, cooling and "
        "electrical losses. {details}",
        "Staplade stapeldiagram, ett per variant, över elanvändning per månad i MWh, uppdelad på IT, kylning "
        "och elförluster. {details}",
    ),
    "alt_energy_item": (
        "{variant}: {total} MWh in total, of which cooling {cool} MWh.",
        "{variant}: {total} MWh totalt, varav kylning {cool} MWh.",
    ),
    "leg_it": ("IT", "IT"),
    "leg_cooling": ("Cooling", "Kylning"),
    "leg_losses": ("Electrical losses", "Elförluster"),
    "leg_other": ("Other", "Övrigt"),
    "ax_mwh_month": ("MWh per month", "MWh per månad"),
    "tbl_energy_caption": (
        "Electricity use per month, MWh (weather year 1).",
        "Elanvändning per månad, MWh (väderår 1).",
    ),
    "col_month": ("Month", "Månad"),
    "col_total": ("Total", "Totalt"),
    # ---- pue
    "fig_pue_caption": (
        "PUE of each day through the period for each variant (weather year 1).",
        "PUE för varje dag under perioden för varje variant (väderår 1).",
    ),
    "fig_pue_alt": (
        "Line chart of daily PUE from {start} to {end}, one line per variant. {details}",
        "Linjediagram över PUE per dag från {start} till {end}, en linje per variant. {details}",
    ),
    "alt_pue_item": (
        "{variant}: between {lo} and {hi}, {mean} over the period.",
        "{variant}: mellan {lo} och {hi}, {mean} över perioden.",
    ),
    "tbl_pue_caption": ("PUE per month (weather year 1).", "PUE per månad (väderår 1)."),
    # ---- inlet
    "inlet_intro": (
        "ASHRAE's thermal guidelines recommend server inlet air of 18–27 °C; class {cls} allows {lo}–{hi} °C "
        "for limited periods. Warmer inlets raise the failure rate of IT equipment: the X-factor is the failure "
        "rate relative to running at 20 °C all the time.",
        "ASHRAE:s riktlinjer rekommenderar 18–27 °C på luften in till servrarna; klass {cls} tillåter "
        "{lo}–{hi} °C under begränsad tid. Varmare inluft ökar felfrekvensen hos IT-utrustning: X-faktorn är "
        "felfrekvensen jämfört med drift vid 20 °C hela tiden.",
    ),
    "fig_inlet_caption": (
        "Hours at each temperature of the hottest rack inlet, against the ASHRAE bands (weather year 1, "
        "hourly values).",
        "Timmar vid varje temperatur på det varmaste rackets inluft, jämfört med ASHRAE-intervallen (väderår "
        "1, timvärden).",
    ),
    "fig_inlet_alt": (
        "Histogram of the hottest rack inlet temperature each hour, one outline per variant, over shaded "
        "bands: recommended 18 to 27 °C and allowable up to {allow} °C. {details}",
        "Histogram över det varmaste rackets inluftstemperatur varje timme, en kontur per variant, över "
        "skuggade intervall: rekommenderat 18 till 27 °C och tillåtet upp till {allow} °C. {details}",
    ),
    "alt_inlet_item": (
        "{variant}: from {lo} to {hi} °C, {h} hours above 27 °C.",
        "{variant}: från {lo} till {hi} °C, {h} timmar över 27 °C.",
    ),
    "band_recommended": ("Recommended", "Rekommenderat"),
    "band_allowable": ("Allowable ({cls})", "Tillåtet ({cls})"),
    "band_above": ("Above allowable", "Över tillåtet"),
    "ax_inlet": ("Hottest rack inlet, °C", "Varmaste rackets inluft, °C"),
    "ax_hours": ("Hours", "Timmar"),
    "tbl_thermal_caption": (
        "Thermal risk per variant (means over the weather years).",
        "Termisk risk per variant (medelvärden över väderåren).",
    ),
    "col_max_inlet": ("Hottest inlet, °C", "Varmaste inluft, °C"),
    "col_rack_rec": ("Rack-hours above 27 °C", "Racktimmar över 27 °C"),
    "col_rack_allow": ("Rack-hours above {allow} °C", "Racktimmar över {allow} °C"),
    "col_xfactor": ("Mean X-factor", "Medel-X-faktor"),
    "tbl_bands_caption": (
        "Hours of the hottest rack inlet in each band (weather year 1).",
        "Timmar för det varmaste rackets inluft i varje intervall (väderår 1).",
    ),
    "col_below": ("Below 18 °C", "Under 18 °C"),
    "col_in_rec": ("18–27 °C", "18–27 °C"),
    "col_in_allow": ("27–{allow} °C", "27–{allow} °C"),
    "col_above": ("Above {allow} °C", "Över {allow} °C"),
    # ---- modes
    "fig_modes_caption": ("Hours in each cooling mode (weather year 1).", "Timmar i varje kyldriftläge (väderår 1)."),
    "fig_modes_alt": (
        "Horizontal stacked bars of hours in each cooling mode, one bar per variant. {details}",
        "Liggande staplade staplar över timmar i varje kyldriftläge, en stapel per variant. {details}",
    ),
    "mode_mechanical": ("Mechanical (chiller)", "Mekanisk (kylmaskin)"),
    "mode_partial-free": ("Partial free cooling", "Delvis frikyla"),
    "mode_free": ("Free cooling", "Frikyla"),
    "mode_evaporative": ("Evaporative (adiabatic) cooling", "Evaporativ (adiabatisk) kylning"),
    "mode_free-dry": ("Free cooling, tower dry (freeze protection)", "Frikyla, torrt kyltorn (frysskydd)"),
    "tbl_modes_caption": ("Hours per cooling mode (weather year 1).", "Timmar per kyldriftläge (väderår 1)."),
    # ---- cash
    "fig_cash_caption": (
        "Cumulative cash flow of each proposal over its lifetime, discounted at {rate} a year: the "
        "investment in year 0, then the yearly net saving. Where a line crosses zero the proposal has paid back.",
        "Ackumulerat kassaflöde för varje förslag under dess livslängd, diskonterat med {rate} per år: "
        "investeringen år 0 och sedan nettobesparingen varje år. Där en linje korsar noll har förslaget betalat sig.",
    ),
    "fig_cash_alt": (
        "Line chart of cumulative discounted cash flow in SEK against year, one line per proposal. {details}",
        "Linjediagram över ackumulerat diskonterat kassaflöde i kronor per år, en linje per förslag. {details}",
    ),
    "alt_cash_item": (
        "{variant}: starts at {c0} in year 0 and ends at {npv} after {life} years.",
        "{variant}: börjar på {c0} år 0 och slutar på {npv} efter {life} år.",
    ),
    "ax_year": ("Year", "År"),
    "ax_cum_sek": ("Cumulative discounted cash flow, SEK", "Ackumulerat diskonterat kassaflöde, kr"),
    "tbl_business_caption": (
        "Business case per proposal: each yearly item with the sign it adds to the net saving (+ saves or earns, "
        "− costs), so that the items add up to the net saving; yearly figures are means over the weather years, "
        "scaled to a year.",
        "Kalkyl per förslag: varje årlig post med det tecken den bidrar med till nettobesparingen (+ sparar eller "
        "ger intäkt, − kostar), så att posterna summeras till nettobesparingen; årliga belopp är medelvärden över "
        "väderåren, omräknade till ett år.",
    ),
    "col_item": ("Item", "Post"),
    "row_energy_saving": ("Electricity cost saved per year", "Sparad elkostnad per år"),
    "row_heat": ("Heat revenue gained per year", "Ökad intäkt från värme per år"),
    "row_flex": ("Reserve-market revenue per year (battery)", "Intäkt från stödtjänster per år (batteri)"),
    "row_wear": ("Battery wear per year", "Batterislitage per år"),
    "row_fuel": ("Standby-generator fuel per year", "Bränsle till reservkraftverket per år"),
    "row_fixed": ("Running costs added per year", "Tillkommande driftkostnader per år"),
    "row_water": ("Water cost added per year", "Tillkommande vattenkostnad per år"),
    "row_carbon_value": ("Value of CO₂e avoided per year", "Värde av undvikt CO₂e per år"),
    "row_savings": ("Net saving per year", "Nettobesparing per år"),
    "row_savings_range": ("Net saving per year, 90 % interval", "Nettobesparing per år, 90 %-intervall"),
    "row_capital": ("Capital cost (year 0)", "Investering (år 0)"),
    "row_life": ("Lifetime", "Livslängd"),
    "row_payback": ("Simple payback", "Återbetalningstid"),
    "row_npv": ("Net present value over the lifetime", "Nuvärde över livslängden"),
    "row_npv_range": ("Net present value, 90 % interval", "Nuvärde, 90 %-intervall"),
    "row_co2": ("CO₂e avoided per year, tonnes", "Undvikt CO₂e per år, ton"),
    "row_abatement": ("Net cost per tonne CO₂e avoided", "Nettokostnad per ton undvikt CO₂e"),
    "tbl_cashflow_caption": (
        "Cumulative discounted cash flow per year, SEK.",
        "Ackumulerat diskonterat kassaflöde per år, kr.",
    ),
    # ---- diffs
    "diffs_intro": (
        "Every result as the mean over the weather years, with the paired difference (proposal minus "
        "baseline) and the range in which 9 of 10 weather years fell. Values are for the simulated period "
        "({days} days); the business case scales money and CO₂e to a year. Results that are zero in the baseline "
        "and in the proposal (no queued jobs, no heat sold) are left out.",
        "Alla resultat som medelvärde över väderåren, med den parvisa skillnaden (förslag minus "
        "utgångsläge) och intervallet där 9 av 10 väderår hamnade. Värdena gäller den simulerade perioden "
        "({days} dagar); kalkylen räknar om pengar och CO₂e till ett år. Resultat som är noll både i "
        "utgångsläget och i förslaget (inga köade jobb, ingen såld värme) är utelämnade.",
    ),
    "tbl_diffs_caption": ("{proposal} against the baseline.", "{proposal} jämfört med utgångsläget."),
    "col_result": ("Result", "Resultat"),
    "col_unit": ("Unit", "Enhet"),
    "col_baseline": ("Baseline", "Utgångsläge"),
    "col_value": ("Proposal", "Förslag"),
    "col_diff": ("Difference", "Skillnad"),
    "col_interval": ("90 % interval", "90 %-intervall"),
    # ---- assumptions
    "tbl_assumptions_caption": ("Assumptions behind the results.", "Antaganden bakom resultaten."),
    "col_assumption": ("Assumption", "Antagande"),
    "col_setting": ("Value", "Värde"),
    "a_discount": ("Discount rate (real, per year)", "Kalkylränta (real, per år)"),
    "a_co2": ("CO₂ price", "Pris på CO₂"),
    "a_co2_none": ("none: carbon is not valued in the savings", "inget: koldioxid värderas inte i besparingen"),
    "a_co2_value": ("{price} per tonne CO₂e, counted in the savings", "{price} per ton CO₂e, räknas in i besparingen"),
    "a_water": ("Water price", "Vattenpris"),
    "a_water_none": ("none: water is not costed", "inget: vatten kostnadsberäknas inte"),
    "a_water_value": ("{price} per m³", "{price} per m³"),
    "a_replications": ("Weather years (replications)", "Väderår (upprepningar)"),
    "a_seeds": ("Seeds", "Slumptalsfrön"),
    "a_period": ("Simulated period", "Simulerad period"),
    "a_step": ("Physics step; recorded step", "Beräkningssteg; lagrat steg"),
    "a_annual": ("Scaling to a year", "Omräkning till ett år"),
    "a_annual_text": ("× {f} (365 days / {days} simulated days)", "× {f} (365 dagar / {days} simulerade dagar)"),
    "a_grid": ("Electricity price and carbon intensity", "Elpris och koldioxidintensitet"),
    "a_storage": ("Battery", "Batteri"),
    "a_weather": ("Weather", "Väder"),
    "a_pairing": ("Comparison", "Jämförelse"),
    "a_pairing_text": (
        "paired: in each weather year the baseline and every proposal see the same weather and workload "
        "(same seeds)",
        "parvis: varje väderår får utgångsläget och alla förslag samma väder och arbetslast (samma slumptalsfrön)",
    ),
    "a_interval": ("Intervals", "Intervall"),
    "a_interval_text": (
        "5th to 95th percentile of the paired differences over the weather years",
        "5:e till 95:e percentilen av de parvisa skillnaderna över väderåren",
    ),
    "a_money": ("Money", "Pengar"),
    "a_money_text": (
        "capital at year 0; equal yearly net savings at the end of each year of the lifetime; simple payback "
        "= capital / yearly net saving; net saving = electricity cost saved + heat revenue gained − fixed "
        "cost change − water cost change + CO₂ value",
        "investering år 0; lika stor nettobesparing i slutet av varje år under livslängden; "
        "återbetalningstid = investering / nettobesparing per år; nettobesparing = sparad elkostnad + ökad "
        "värmeintäkt − ändrade fasta kostnader − ändrad vattenkostnad + värde av CO₂",
    ),
    "a_abatement_text": (
        "Net cost per tonne avoided = (capital / annuity factor + fixed cost change + water cost change − electricity cost saved "
        "− heat revenue gained) / tonnes avoided per year; negative means it saves money while it avoids CO₂e.",
        "Nettokostnad per undvikt ton = (investering / annuitetsfaktor + ändrade fasta kostnader + ändrad vattenkostnad − sparad "
        "elkostnad − ökad värmeintäkt) / undvikta ton per år; negativt betyder att förslaget sparar pengar "
        "samtidigt som det undviker CO₂e.",
    ),
    "a_abatement": ("Cost per tonne", "Kostnad per ton"),
    "a_components": ("Components after the simulation", "Komponenter efter simuleringen"),
    "a_components_text": (
        "{names}: applied to each run's recorded timeseries (record-step resolution) after the physics; see "
        "the provenance.",
        "{names}: tillämpade på varje körnings lagrade tidsserie (lagrat steg) efter fysiksimuleringen; se "
        "spårbarheten.",
    ),
    # ---- provenance
    "prov_intro": (
        "Everything needed to reproduce these numbers. Run the case again with:",
        "Allt som behövs för att återskapa siffrorna. Kör fallet igen med:",
    ),
    "tbl_prov_caption": ("Software and inputs.", "Programvara och indata."),
    "p_version": ("dcsim version", "dcsim-version"),
    "p_case_file": ("Case file", "Fallfil"),
    "p_case_sha": ("Case file SHA-256", "Fallfilens SHA-256"),
    "p_baseline_file": ("Baseline scenario", "Utgångsscenario"),
    "p_overrides": ("Overrides (--set)", "Åsidosättningar (--set)"),
    "p_started": ("Run started", "Körningen startade"),
    "p_wall": ("Wall time", "Körtid"),
    "p_runs": ("Simulations run (identical runs reused)", "Körda simuleringar (identiska körningar återanvända)"),
    "p_platform": ("Python and platform", "Python och plattform"),
    "tbl_hash_caption": (
        "Scenario of each variant in each weather year: SHA-256 of the fully resolved scenario.",
        "Scenario för varje variant och väderår: SHA-256 av det fullständigt upplösta scenariot.",
    ),
    "col_seed": ("Seed", "Slumptalsfrö"),
    "col_hash": ("Scenario SHA-256", "Scenariots SHA-256"),
    "col_weather": ("Weather source", "Väderkälla"),
    "col_reused": ("Run reused from", "Körning återanvänd från"),
    "notes_title": ("Notes from components", "Anteckningar från komponenter"),
    # ---- misc
    "money": ("{amount} SEK", "{amount} kr"),
    "money_millions": ("{amount} million SEK", "{amount} miljoner kr"),
    "n_years": ("{n} years", "{n} år"),
    "never": ("never", "aldrig"),
    "na": ("not applicable", "ej tillämpligt"),
    "dash": ("–", "–"),
    "units_h": ("h", "h"),
    "weather_year": ("Weather year {n}", "Väderår {n}"),
}

# KPI labels: (English, Swedish, unit)
KPI_LABELS: dict[str, tuple[str, str, str]] = {
    "energy_it_kwh": ("IT electricity", "IT-el", "kWh"),
    "energy_facility_kwh": ("Total electricity of the site", "Anläggningens totala el", "kWh"),
    "energy_cooling_kwh": ("Cooling electricity", "El till kylning", "kWh"),
    "energy_electrical_losses_kwh": ("Electrical losses", "Elförluster", "kWh"),
    "pue": ("PUE", "PUE", ""),
    "ppue_cooling": ("Partial PUE of cooling", "Partiell PUE för kylning", ""),
    "water_m3": ("Water use", "Vattenanvändning", "m³"),
    "wue_l_per_kwh": ("WUE (water per IT electricity)", "WUE (vatten per IT-el)", "L/kWh"),
    "carbon_kg": ("Carbon emissions", "Koldioxidutsläpp", "kg CO₂e"),
    "cue_kg_per_kwh": ("CUE (carbon per IT electricity)", "CUE (koldioxid per IT-el)", "kg/kWh"),
    "heat_reused_kwh": ("Heat reused", "Återanvänd värme", "kWh"),
    "erf": ("ERF (energy reuse factor)", "ERF (energiåteranvändningsfaktor)", ""),
    "ere": ("ERE (energy reuse effectiveness)", "ERE (energiåteranvändningseffektivitet)", ""),
    "energy_cost_sek": ("Electricity cost", "Elkostnad", "SEK"),
    "energy_cost_spot_sek": ("Electricity cost: spot price", "Elkostnad: spotpris", "SEK"),
    "energy_cost_network_sek": ("Electricity cost: network energy fee", "Elkostnad: elnätets energiavgift", "SEK"),
    "energy_cost_power_fee_sek": ("Electricity cost: network power fee", "Elkostnad: elnätets effektavgift", "SEK"),
    "energy_cost_tax_sek": ("Electricity cost: energy tax", "Elkostnad: energiskatt", "SEK"),
    "battery_cycles": ("Battery full cycles", "Batteriets fulla cykler", ""),
    "flex_revenue_sek": ("Reserve-market revenue (battery)", "Intäkt från stödtjänster (batteri)", "SEK"),
    "heat_pump_uneconomic_hours": ("Hours the heat pump stood still at a loss", "Timmar värmepumpen stod still (olönsam)", "h"),
    "heat_delivered_kwh": ("Heat delivered to the district-heating network", "Värme levererad till fjärrvärmenätet", "kWh"),
    "energy_heat_pump_kwh": ("Heat-pump electricity", "El till värmepumpen", "kWh"),
    "heat_pump_held_on_hours": ("Hours the heat pump ran at a loss for its minimum run time",
                                "Timmar värmepumpen gick med förlust för sin minsta gångtid", "h"),
    "ppue_heat_reuse": ("pPUE of the heat pump (partial PUE)", "pPUE för värmepumpen (partiell PUE)", ""),
    "heat_pump_inside_boundary": ("Heat pump inside the datacenter boundary (1 yes, 0 no)",
                                  "Värmepumpen inom datacentrets gräns (1 ja, 0 nej)", ""),
    "flex_activated_kwh": ("Reserve energy activated (battery)", "Aktiverad reservenergi (batteri)", "kWh"),
    "battery_degradation_cost_sek": ("Battery wear cost", "Batterislitage", "SEK"),
    "generator_kwh": ("Standby generator output", "Reservkraftverkets produktion", "kWh"),
    "generator_fuel_l": ("Standby generator fuel", "Reservkraftverkets bränsle", "L"),
    "generator_fuel_cost_sek": ("Standby generator fuel cost", "Reservkraftverkets bränslekostnad", "SEK"),
    "generator_carbon_kg": ("Standby generator emissions (lifecycle)", "Reservkraftverkets utsläpp (livscykel)", "kg CO₂e"),
    "unserved_energy_kwh": ("Load not served in grid outages", "Last som inte försörjdes vid nätavbrott", "kWh"),
    "unserved_hours": ("Hours with load not served", "Timmar med ej försörjd last", "h"),
    "battery_balance_rel_error": ("Battery energy balance error (check)", "Batteriets energibalansfel (kontroll)", ""),
    "peak_grid_kw": ("Peak grid import (highest hourly mean)", "Högsta uttag från elnätet (timmedel)", "kW"),
    "heat_revenue_sek": ("Heat revenue", "Intäkt från värme", "SEK"),
    "peak_facility_kw": ("Peak power of the site", "Anläggningens högsta effekt", "kW"),
    "max_inlet_c": ("Hottest server inlet", "Varmaste inluft till server", "°C"),
    "rack_hours_above_recommended": ("Rack-hours above recommended", "Racktimmar över rekommenderat", "h"),
    "rack_hours_above_allowable": ("Rack-hours above allowable", "Racktimmar över tillåtet", "h"),
    "free_cooling_hours": ("Free-cooling hours", "Timmar med frikyla", "h"),
    "jobs_completed": ("Jobs completed", "Slutförda jobb", ""),
    "wait_mean_s": ("Mean waiting time", "Medelväntetid", "s"),
    "wait_p95_s": ("Waiting time, 95th percentile", "Väntetid, 95:e percentilen", "s"),
    "deadline_miss_rate": ("Share of deadlines missed", "Andel missade deadlines", ""),
    "energy_balance_rel_error": ("Energy balance error (check)", "Energibalansfel (kontroll)", ""),
    "sim_wall_s": ("Computer time of the simulation", "Datortid för simuleringen", "s"),
    "xfactor_failure_rate": ("Mean X-factor (relative failure rate)", "Medel-X-faktor (relativ felfrekvens)", ""),
    "energy_it_fans_kwh": ("Server fan electricity", "El till serverfläktar", "kWh"),
    "unmet_cooling_kwh": ("Cooling demand not met", "Kylbehov som inte täcktes", "kWh"),
    "it_work_shortfall_pct": ("IT work not done (power capping)", "IT-arbete som inte utfördes (effekttak)", "%"),
}

_UNIT_SV = {"SEK": "kr"}
_SUFFIX_UNITS = (("_kwh", "kWh"), ("_kw", "kW"), ("_c", "°C"), ("_s", "s"), ("_pct", "%"), ("_m3", "m³"),
                 ("_kg", "kg"), ("_sek", "SEK"), ("_hours", "h"))


def t(lang: str, key: str, **values) -> str:
    """The text of ``key`` in ``lang`` with ``{fields}`` filled."""
    return t_in(STRINGS, lang, key, **values)


def t_in(table: dict[str, tuple[str, ...]], lang: str, key: str, **values) -> str:
    """:func:`t` on another table of (English, Swedish) texts (a section's own)."""
    text = table[key][LANGUAGES.index(lang)]
    return text.format(**values) if values else text


def text_in(value: str | dict[str, str] | None, lang: str, default: str = "") -> str:
    """The text of ``value`` in ``lang``, falling back to English, then any language."""
    if value is None:
        return default
    if isinstance(value, str):
        return value
    return value.get(lang) or value.get("en") or next(iter(value.values()), default)


def kpi_label(lang: str, name: str) -> tuple[str, str]:
    """(label, unit) of a KPI in ``lang``; a KPI without a label shows its name."""
    if name not in KPI_LABELS:
        unit = next((u for suffix, u in _SUFFIX_UNITS if name.endswith(suffix)), "")
        return name, unit
    en, sv, unit = KPI_LABELS[name]
    if lang == "sv":
        return sv, _UNIT_SV.get(unit, unit)
    return en, unit
