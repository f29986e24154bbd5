"""The case report as one self-contained HTML file.

No network: figures are SVG data URIs, the style sheet is inline, there is no script, and a
Content-Security-Policy forbids loading anything else. Accessible: ``lang`` on the root,
a contents list, headings in order, every figure with alt text and a caption, every table
with a caption and ``<th scope>`` headers, the Okabe–Ito palette, and the numbers of every
figure repeated in a table.
"""

from __future__ import annotations

import math
import platform
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from .._version import __version__
from ..climate import normalize_site_key
from ..data.builtin import builtin_name
from ..thermal.ashrae import ASHRAE_ALLOWABLE_MAX_C
from ..results import KPI_NAMES
from . import figures as F
from .eu import eu_section
from .measured import measured_section
from .fmt import Fmt
from .page import Page, esc
from .strings import kpi_label, text_in
from .sources import grid_text, source_records, source_text, weather_text
from .style import CSS
from .summary import MONEY_TERMS, summary_section

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def _value(fmt: Fmt, name: str, x: float) -> str:
    if name == "energy_balance_rel_error" or (x != 0 and abs(x) < 1e-3):
        if x == 0:
            return "0"
        text = f"{x:.1e}"
        return text.replace(".", ",").replace("-", "\u2212") if fmt.lang == "sv" else text.replace("-", "\u2212")
    return fmt.auto(x, 4)


def _diff(fmt: Fmt, name: str, x: float) -> str:
    if x == 0:
        return "0"
    text = _value(fmt, name, abs(x))
    return ("\u2212" if x < 0 else "+") + text


def _patch_text(patch: dict) -> str:
    import json

    items = []
    for k, v in patch.items():
        text = json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else f'"{v}"'
        if len(text) > 60:
            text = text[:57] + "..."
        items.append(f"<code>{esc(k)} = {esc(text)}</code>")
    return "<br>".join(items)


@dataclass(frozen=True)
class _Report:
    """What every section of one report reads: the case result, the language and the baseline's
    simulated period, computed once."""

    lang: str
    fmt: Fmt
    result: object  # dcsim.case.CaseResult (the report imports nothing from dcsim.case)
    case: object
    base: object  # the baseline's outcome
    bsc: object  # the baseline's scenario
    sim: object
    tz: str
    step_h: float  # recorded step (h)
    days: float
    annual: float  # factor from the simulated period to a year
    start_day: datetime  # the period's first and last day, in UTC
    end_day: datetime
    titles: dict
    bk: dict  # the baseline's mean KPIs
    rate_text: str
    site: str
    n_rep: int


def _report_context(result, lang: str) -> _Report:
    """The :class:`_Report` of ``result`` in ``lang``."""
    fmt = Fmt(lang)
    case = result.case
    base = result.baseline
    bsc = base.variant.scenario
    tz = bsc.site.timezone
    sim = bsc.simulation
    step_h = sim.record_step / 3600.0
    days = sim.duration / 86400.0
    annual = 365.0 * 86400.0 / sim.duration
    start_day = sim.start  # the period is defined in UTC; its first and last day
    end_day = sim.start + timedelta(seconds=sim.duration - 1)
    titles = {o.name: (o.variant.title(lang) if not o.variant.is_baseline else
                       (o.variant.title(lang) if case.info.baseline_title else fmt.t("baseline_label")))
              for o in result.outcomes}
    bk = base.mean_kpis()
    rate_text = fmt.pct(case.assumptions.discount_rate, 1)
    site = site_label(bsc)
    n_rep = len(result.seeds)

    return _Report(lang, fmt, result, case, base, bsc, sim, tz, step_h, days, annual, start_day, end_day, titles, bk,
                   rate_text, site, n_rep)


def render_report(result, lang: str = "en") -> str:
    """The whole report as an HTML string: its sections in page order, then the page around
    them (:func:`_document`)."""
    r = _report_context(result, lang)
    page = Page(r.fmt)
    for section in (summary_section, _compared_section, _energy_section, _pue_section, _inlet_section,
                    _modes_section, _cash_section, _results_section, measured_section, eu_section, _assumptions_section,
                    _provenance_section):
        section(page, r)
    return _document(page, r)




def _compared_section(page: Page, r: _Report) -> None:
    """What each variant changes: its description, patch, costs and components."""
    lang, fmt, result, base, bsc, titles = r.lang, r.fmt, r.result, r.base, r.bsc, r.titles
    page.section("compared", fmt.t("sec_compared"))
    bdesc = base.variant.description(lang)
    desc = f" ({bdesc.rstrip('.')})" if bdesc else ""
    page.p(fmt.t("compared_intro", scenario=bsc.name, desc=desc))
    rows = []
    for out in result.outcomes:
        v = out.variant
        if v.is_baseline:
            rows.append([esc(titles[out.name]), esc(v.description(lang)), "–", "–", "–", "–", "–"])
            continue
        p = v.proposal
        comps = "<br>".join(esc(f"{c.name}: {c.describe(lang)}") for c in v.components) or esc(fmt.t("none"))
        rows.append([
            esc(titles[out.name]) + f"<br><code>{esc(v.name)}</code>",
            esc(v.description(lang)),
            _patch_text(v.patch) or esc(fmt.t("only_components" if v.components else "no_changes")),
            esc(fmt.sek(p.capital_cost_sek)),
            esc(fmt.sek(p.fixed_cost_change_sek_per_year)),
            esc(fmt.years(p.lifetime_years)),
            comps,
        ])
    page.table(fmt.t("tbl_compared_caption"), [fmt.t("col_variant"), fmt.t("col_description"), fmt.t("col_changes"),
               fmt.t("col_capital"), fmt.t("col_fixed"), fmt.t("col_life"), fmt.t("col_components")], rows,
               tid="variants", raw=True, numeric_from=3)


def _energy_section(page: Page, r: _Report) -> None:
    """Monthly electricity per variant, split into IT, cooling and losses (figure and table)."""
    fmt, result, tz, step_h, titles = r.fmt, r.result, r.tz, r.step_h, r.titles
    page.section("energy", fmt.t("sec_energy"))
    monthly = [(titles[o.name], F.monthly_energy_mwh(o.first.timeseries, tz, step_h)) for o in result.outcomes]
    page.figure(F.energy_figure(fmt, monthly, result.seeds[0]), "fig-energy")
    header = [fmt.t("col_month")]
    for title, _ in monthly:
        header += [f"{title}: {fmt.t('leg_it')}", f"{title}: {fmt.t('leg_cooling')}", f"{title}: {fmt.t('leg_losses')}",
                   f"{title}: {fmt.t('col_total')}"]
    rows = []
    for ym in monthly[0][1].index:
        row = [f"{fmt.month_short(int(ym[1]))} {ym[0]}"]
        for _, m in monthly:
            r = m.loc[ym] if ym in m.index else None
            row += [fmt.num(r[c], 1) if r is not None else "–" for c in ("it", "cooling", "losses", "total")]
        rows.append(row)
    total = [fmt.t("col_total")]
    for _, m in monthly:
        total += [fmt.num(m[c].sum(), 1) for c in ("it", "cooling", "losses", "total")]
    rows.append(total)
    page.table(fmt.t("tbl_energy_caption"), header, rows, tid="energy-table")


def _pue_section(page: Page, r: _Report) -> None:
    """Daily PUE (figure) and monthly PUE (table) per variant."""
    fmt, result, tz, step_h, titles = r.fmt, r.result, r.tz, r.step_h, r.titles
    page.section("pue", fmt.t("sec_pue"))
    daily = [(titles[o.name], F.daily_pue(o.first.timeseries, tz, step_h).dropna()) for o in result.outcomes]
    page.figure(F.pue_figure(fmt, daily), "fig-pue")
    mp = [(titles[o.name], F.monthly_pue(o.first.timeseries, tz, step_h)) for o in result.outcomes]
    rows = []
    for ym in mp[0][1].index:
        rows.append([f"{fmt.month_short(int(ym[1]))} {ym[0]}"] + [fmt.num(s.get(ym, math.nan), 3) for _, s in mp])
    rows.append([fmt.t("col_total")] + [fmt.num(o.kpis[0]["pue"], 3) for o in result.outcomes])
    page.table(fmt.t("tbl_pue_caption"), [fmt.t("col_month")] + [t for t, _ in mp], rows, tid="pue-table")


def _inlet_section(page: Page, r: _Report) -> None:
    """Rack inlet temperatures against the ASHRAE envelope, and hours in each band."""
    fmt, result, bsc, step_h, titles = r.fmt, r.result, r.bsc, r.step_h, r.titles
    page.section("inlet", fmt.t("sec_inlet"))
    cls = bsc.room.ashrae_class
    allow = ASHRAE_ALLOWABLE_MAX_C[cls]
    lo_allow = {"A1": 15, "A2": 10, "A3": 5, "A4": 5}[cls]
    page.p(fmt.t("inlet_intro", cls=cls, lo=lo_allow, hi=fmt.num(allow, 0)))
    inl = [(titles[o.name], o.first.timeseries["max_inlet_c"].to_numpy(np.float64)) for o in result.outcomes]
    page.figure(F.inlet_figure(fmt, inl, step_h, cls, allow), "fig-inlet")
    rows = []
    for o in result.outcomes:
        k = o.mean_kpis()
        v_allow = ASHRAE_ALLOWABLE_MAX_C[o.variant.scenario.room.ashrae_class]
        rows.append([titles[o.name], fmt.num(k["max_inlet_c"], 1), fmt.num(k["rack_hours_above_recommended"], 0),
                     fmt.num(k["rack_hours_above_allowable"], 0) + (f" ({fmt.num(v_allow, 0)} °C)" if v_allow != allow else ""),
                     fmt.num(o.mean_extras().get("xfactor_failure_rate", math.nan), 3)])
    page.table(fmt.t("tbl_thermal_caption"), [fmt.t("col_variant"), fmt.t("col_max_inlet"), fmt.t("col_rack_rec"),
               fmt.t("col_rack_allow", allow=fmt.num(allow, 0)), fmt.t("col_xfactor")], rows, tid="thermal-table")
    rows = [[titles[o.name]] + [fmt.num(h, 0) for h in F.band_hours(o.first.timeseries, step_h, allow)]
            for o in result.outcomes]
    page.table(fmt.t("tbl_bands_caption"), [fmt.t("col_variant"), fmt.t("col_below"), fmt.t("col_in_rec"),
               fmt.t("col_in_allow", allow=fmt.num(allow, 0)), fmt.t("col_above", allow=fmt.num(allow, 0))], rows,
               tid="bands-table")


def _modes_section(page: Page, r: _Report) -> None:
    """Hours in each cooling mode per variant."""
    fmt, result, step_h, titles = r.fmt, r.result, r.step_h, r.titles
    page.section("cooling-modes", fmt.t("sec_modes"))
    modes = [(titles[o.name], F.mode_hours(o.first.timeseries, step_h)) for o in result.outcomes]
    page.figure(F.modes_figure(fmt, modes), "fig-modes")
    rows = [[t] + [fmt.num(h[m], 0) for m in F.COOLING_MODES] for t, h in modes]
    page.table(fmt.t("tbl_modes_caption"), [fmt.t("col_variant")] + [F.mode_label(fmt, m) for m in F.COOLING_MODES],
               rows, tid="modes-table")


def _cash_section(page: Page, r: _Report) -> None:
    """Cash flow of each proposal: the yearly items, payback, NPV and the flows year by year."""
    fmt, result, titles, rate_text, n_rep = r.fmt, r.result, r.titles, r.rate_text, r.n_rep
    page.section("cash-flow", fmt.t("sec_cash"))
    flows = [(titles[o.name], result.business[o.name].cash_flows()) for o in result.proposals]
    page.figure(F.cash_figure(fmt, flows, rate_text), "fig-cash")
    rows = []
    bcs = [result.business[o.name] for o in result.proposals]
    seeds_bc = [result.business_by_seed[o.name] for o in result.proposals]

    def rng(values) -> str:
        if n_rep < 2:
            return "–"
        lo, hi = np.percentile(values, [5.0, 95.0])
        return f"{fmt.sek(lo)} … {fmt.sek(hi)}"

    # each yearly item with the sign it adds to the net saving; the electricity and the running
    # costs always, the others where a proposal has them
    for attr, sign, _, row in MONEY_TERMS:
        values = [sign * getattr(b, attr) for b in bcs]
        if row in ("row_energy_saving", "row_fixed") or any(values):
            rows.append([fmt.t(row)] + [fmt.sek_signed(v) for v in values])
    rows.append([fmt.t("row_savings")] + [fmt.sek(b.savings_sek_per_year) for b in bcs])
    rows.append([fmt.t("row_savings_range")] + [rng([x.savings_sek_per_year for x in s]) for s in seeds_bc])
    rows.append([fmt.t("row_capital")] + [fmt.sek(b.capital_cost_sek) for b in bcs])
    rows.append([fmt.t("row_life")] + [fmt.years(b.lifetime_years) for b in bcs])
    rows.append([fmt.t("row_payback")] + [fmt.years(b.payback_years) for b in bcs])
    rows.append([fmt.t("row_npv")] + [fmt.sek(b.npv_sek) for b in bcs])
    rows.append([fmt.t("row_npv_range")] + [rng([x.npv_sek for x in s]) for s in seeds_bc])
    rows.append([fmt.t("row_co2")] + [fmt.num(b.co2_abated_t_per_year, 2) for b in bcs])
    rows.append([fmt.t("row_abatement")] + [fmt.sek(b.abatement_cost_sek_per_t) if math.isfinite(b.abatement_cost_sek_per_t)
                                             else fmt.t("na") for b in bcs])
    page.table(fmt.t("tbl_business_caption"), [fmt.t("col_item")] + [titles[o.name] for o in result.proposals], rows,
               tid="business-table")
    years = max(len(f) for _, f in flows)
    rows = []
    for y in range(years):
        rows.append([str(y)] + [fmt.num(f[y][3], 0) if y < len(f) else "–" for _, f in flows])
    page.table(fmt.t("tbl_cashflow_caption"), [fmt.t("ax_year")] + [t for t, _ in flows], rows, tid="cashflow-table")


#: KPIs that describe the computation, not the datacenter: in the provenance, not the results
_NOT_A_RESULT = frozenset({"sim_wall_s"})


def _results_section(page: Page, r: _Report) -> None:
    """Every result of each proposal against the baseline, with the paired interval."""
    lang, fmt, result, base, days, titles, bk, n_rep = r.lang, r.fmt, r.result, r.base, r.days, r.titles, r.bk, r.n_rep
    page.section("results", fmt.t("sec_diffs"))
    page.p(fmt.t("diffs_intro", days=fmt.num(days, 0)))
    be = base.mean_extras()
    for out in result.proposals:
        k = out.mean_kpis()
        e = out.mean_extras()
        d = result.differences[out.name]
        rows = []
        for name in (*KPI_NAMES, *[x for x in base.extra_names if x in d]):
            if name in _NOT_A_RESULT:
                continue
            bv = bk[name] if name in bk else be[name]
            pv = k[name] if name in k else e[name]
            if bv == 0 and pv == 0 and d[name].p05 == 0 and d[name].p95 == 0:
                continue  # does not apply here (no jobs, no heat reuse, no battery): nothing to compare
            label, unit = kpi_label(lang, name)
            interval = (f"{_diff(fmt, name, d[name].p05)} … {_diff(fmt, name, d[name].p95)}" if n_rep > 1 else "–")
            rows.append([label, unit, _value(fmt, name, bv), _value(fmt, name, pv), _diff(fmt, name, d[name].mean), interval])
        page.table(fmt.t("tbl_diffs_caption", proposal=titles[out.name]),
                   [fmt.t("col_result"), fmt.t("col_unit"), fmt.t("col_baseline"), fmt.t("col_value"),
                    fmt.t("col_diff"), fmt.t("col_interval")], rows, tid=f"results-{out.name}", numeric_from=2)


def _assumptions_section(page: Page, r: _Report) -> None:
    """The economic and simulation assumptions behind the numbers."""
    fmt, result, case, base, bsc = r.fmt, r.result, r.case, r.base, r.bsc
    sim, days, annual, rate_text, n_rep = r.sim, r.days, r.annual, r.rate_text, r.n_rep
    price = case.assumptions.co2_price_sek_per_t
    page.section("assumptions", fmt.t("sec_assumptions"))
    man = base.first.manifest
    comp_names = sorted({c.name for o in result.proposals for c in o.variant.components if c.has_postprocess})
    rows = [
        [fmt.t("a_discount"), rate_text],
        [fmt.t("a_co2"), fmt.t("a_co2_value", price=fmt.sek(price)) if price > 0 else fmt.t("a_co2_none")],
        [fmt.t("a_water"), fmt.t("a_water_value", price=fmt.sek(case.assumptions.water_price_sek_per_m3))
         if case.assumptions.water_price_sek_per_m3 > 0 else fmt.t("a_water_none")],
        [fmt.t("a_replications"), str(n_rep)],
        [fmt.t("a_seeds"), ", ".join(str(s) for s in result.seeds)],
        [fmt.t("a_period"), f"{fmt.datetime_utc(sim.start)} + {fmt.num(days, 2 if days % 1 else 0)} d"],
        [fmt.t("a_step"), f"{fmt.num(sim.step)} s; {fmt.num(sim.record_step)} s"],
        [fmt.t("a_annual"), fmt.t("a_annual_text", f=fmt.num(annual, 4), days=fmt.num(days, 2 if days % 1 else 0))],
        [fmt.t("a_grid"), grid_text(fmt, bsc, base.first.timeseries)],
        [fmt.t("a_weather"), weather_text(fmt, bsc)],
        [fmt.t("a_pairing"), fmt.t("a_pairing_text")],
        [fmt.t("a_interval"), fmt.t("a_interval_text")],
        [fmt.t("a_money"), fmt.t("a_money_text")],
        [fmt.t("a_abatement"), fmt.t("a_abatement_text")],
    ]
    if comp_names:
        rows.append([fmt.t("a_components"), fmt.t("a_components_text", names=", ".join(comp_names))])
    page.table(fmt.t("tbl_assumptions_caption"), [fmt.t("col_assumption"), fmt.t("col_setting")], rows,
               tid="assumptions-table", numeric_from=99)


def _provenance_section(page: Page, r: _Report) -> None:
    """How to rerun the report: command, versions, files, hashes of every run, notes."""
    lang, fmt, result, case, base, titles, n_rep = r.lang, r.fmt, r.result, r.case, r.base, r.titles, r.n_rep
    man = base.first.manifest
    page.section("provenance", fmt.t("sec_provenance"))
    cmd = f"dcsim case {case.path} --lang {lang}"
    if case.overrides:
        cmd += "".join(f" --set {k}={v}" for k, v in case.overrides.items())
    page.add(f"<p>{esc(fmt.t('prov_intro'))} <code>{esc(cmd)}</code></p>")
    plat = man.get("platform", {})
    total_runs = len(result.outcomes) * n_rep
    rows = [
        [fmt.t("p_version"), __version__],
        [fmt.t("p_case_file"), str(case.path)],
        [fmt.t("p_case_sha"), case.source_sha256],
        [fmt.t("p_baseline_file"), case.info.baseline],
        [fmt.t("p_overrides"), ", ".join(f"{k}={v}" for k, v in case.overrides.items()) or "–"],
        [fmt.t("p_started"), fmt.datetime_utc(_parse_iso(result.started_utc))],
        [fmt.t("p_wall"), f"{fmt.num(result.wall_s, 1)} s"],
        [fmt.t("p_runs"), f"{result.runs_simulated} / {total_runs}"],
        [fmt.t("p_platform"), f"Python {plat.get('python', platform.python_version())}, numpy {plat.get('numpy', '')}, "
                              f"numba {plat.get('numba', '')}, {plat.get('system', '')} {plat.get('machine', '')}"],
    ]
    page.table(fmt.t("tbl_prov_caption"), ["", fmt.t("col_setting")], rows, tid="provenance-table", numeric_from=99)
    rows = []
    for o in result.outcomes:
        for r, seed in enumerate(result.seeds):
            rows.append([f"{titles[o.name]}", str(seed), f"<code>{o.hashes[r]}</code>",
                         esc(o.reused_from[r] or "–")])
    rows = [[esc(r[0])] + r[1:] for r in rows]
    page.table(fmt.t("tbl_hash_caption"), [fmt.t("col_variant"), fmt.t("col_seed"), fmt.t("col_hash"),
               fmt.t("col_reused")], rows, tid="hash-table", raw=True, numeric_from=99)
    records = source_records(fmt, man)
    storage = [(f"{fmt.t('a_storage')}: {titles[o.name]}", o.first.manifest["storage_source"])
               for o in result.proposals if o.first.manifest.get("storage_source")]
    page.add(f"<h3>{esc(source_text(fmt, 'sources_title'))}</h3><p>{esc(source_text(fmt, 'sources_intro'))}</p>"
             '<dl class="sources">' + "".join(f'<dt>{esc(k)}</dt><dd lang="en">{esc(v)}</dd>' for k, v in records + storage)
             + "</dl>")
    notes = [n for o in result.outcomes for n in dict.fromkeys(o.notes)]
    if notes:
        page.add(f"<h3>{esc(fmt.t('notes_title'))}</h3><ul>" + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>")


def _document(page: Page, r: _Report) -> str:
    """The page around the sections: head with style sheet and policy, header, contents, footer."""
    lang, fmt, result, case, days = r.lang, r.fmt, r.result, r.case, r.days
    start_day, end_day, site, n_rep = r.start_day, r.end_day, r.site, r.n_rep
    body = page.close()
    title = case.title(lang)
    nav = "".join(f'<li><a href="#{sid}">{esc(text)}</a></li>' for sid, text in page.nav)
    case_desc = case.info.description
    lede = text_in(case_desc, lang, "")
    meta = " ".join([
        fmt.t("generated", date=fmt.date(_parse_iso(result.started_utc)), version=__version__),
        fmt.t("meta_site", site=site),
        fmt.t("meta_period", start=fmt.date(start_day), end=fmt.date(end_day), days=fmt.num(days, 0), years=n_rep),
    ])
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="dcsim {esc(__version__)}">\n'
        f"<title>{esc(fmt.t('doc_title', title=title))}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<header><p class="kind">{esc(fmt.t("report_kind"))}</p><h1>{esc(title)}</h1>'
        + (f'<p class="lede">{esc(lede)}</p>' if lede else "")
        + f'<p class="meta">{esc(meta)}</p></header>\n'
        f'<nav aria-label="{esc(fmt.t("nav_label"))}"><h2 id="contents-h">{esc(fmt.t("nav_label"))}</h2><ol>{nav}</ol></nav>\n'
        f"<main>\n{body}\n</main>\n<footer><p>{esc(fmt.t('footer'))}</p></footer>\n</body>\n</html>\n"
    )


_BUILTIN_SITES = {"lulea": "Luleå", "umea": "Umeå", "stockholm": "Stockholm", "goteborg": "Göteborg", "malmo": "Malmö"}


def site_label(scenario) -> str:
    """The site's name for people: site.name, else the built-in site's or the weather file's name."""
    if scenario.site.name:
        return scenario.site.name
    climate = scenario.site.climate
    name = builtin_name(climate)
    if name is not None:
        key = normalize_site_key(name)
        return _BUILTIN_SITES.get(key, name)
    from pathlib import Path

    return Path(climate).stem


def _parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)



