"""The report's summary: one finding per proposal in plain language, the key figures, a
glossary. Its money line is the business case reconciled where it stands: the electricity
saved and each other yearly item, rounded together so that they add up to the net saving,
which is the same figure as in the key-figures table (:func:`money_line`)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..results import KPI_NAMES
from ..thermal.ashrae import ASHRAE_ALLOWABLE_MAX_C
from .fmt import Fmt
from .page import Page, esc
from .sources import energy_weighted_mean

#: the business case's yearly items, in the order the money line and the business table give
#: them: (attribute, the sign with which it adds to the net saving, the money line's strings
#: key, the business table's row key). They add up to ``savings_sek_per_year``.
MONEY_TERMS = (
    ("energy_cost_saving_sek_per_year", 1.0, "term_energy", "row_energy_saving"),
    ("heat_revenue_change_sek_per_year", 1.0, "term_heat", "row_heat"),
    ("flex_revenue_change_sek_per_year", 1.0, "term_flex", "row_flex"),
    ("battery_wear_change_sek_per_year", -1.0, "term_wear", "row_wear"),
    ("generator_fuel_change_sek_per_year", -1.0, "term_fuel", "row_fuel"),
    ("fixed_cost_change_sek_per_year", -1.0, "term_fixed", "row_fixed"),
    ("water_cost_change_sek_per_year", -1.0, "term_water", "row_water"),
    ("carbon_value_sek_per_year", 1.0, "term_carbon", "row_carbon_value"),
)


def money_unit(values) -> float:
    """The rounding unit of a set of money amounts: three significant digits of the largest
    (804,312 -> 1,000), at least 1 SEK."""
    big = max((abs(v) for v in values), default=0.0)
    return 10.0 ** max(0, math.floor(math.log10(big)) - 2) if big >= 1.0 else 1.0


def reconcile(values: list[float], total: float, unit: float) -> tuple[list[float], float]:
    """``values`` rounded to ``unit`` so that they add up to ``total`` rounded to ``unit``.

    Each value is rounded to the nearest unit; if their sum misses the rounded total, the
    values that rounding moved furthest the other way take one unit each (the largest-
    remainder method), so that no value moves by more than one unit from its exact amount.
    """
    q = [v / unit for v in values]
    r = [round(x) for x in q]
    target = round(total / unit)
    diff = target - sum(r)
    if diff and r:
        step = 1 if diff > 0 else -1
        order = sorted(range(len(q)), key=lambda i: (q[i] - r[i]) * step, reverse=True)
        for k in range(abs(diff)):
            r[order[k % len(order)]] += step
    return [x * unit for x in r], target * unit


@dataclass(frozen=True)
class MoneyLine:
    text: str  # the summary's item
    net_text: str  # the net saving as the key-figures table shows it


def money_line(fmt: Fmt, result, name: str, bill_sek_per_year: float) -> MoneyLine:
    """The yearly money of proposal ``name``: each non-zero item of its business case with its
    sign, the net saving they add up to, and the 90 % range over the weather years, all rounded
    to one unit (:func:`money_unit`, :func:`reconcile`)."""
    bc = result.business[name]
    terms = [(key, sign * getattr(bc, attr)) for attr, sign, key, _ in MONEY_TERMS
             if key == "term_energy" or getattr(bc, attr) != 0]
    net = bc.savings_sek_per_year
    by_seed = [b.savings_sek_per_year for b in result.business_by_seed[name]]
    lo = hi = None
    if len(by_seed) > 1 and max(by_seed) != min(by_seed):
        lo, hi = (float(x) for x in np.percentile(by_seed, [5.0, 95.0]))
    unit = money_unit([v for _, v in terms] + [net] + ([lo, hi] if lo is not None else []))
    rounded, net_r = reconcile([v for _, v in terms], net, unit)
    parts = []
    for (key, exact), v in zip(terms, rounded):
        if v == 0 and key != "term_energy":
            continue  # an item smaller than the rounding unit: nothing to add
        value = fmt.money_in(v, unit, signed=True)
        if key == "term_energy":
            share = fmt.pct(exact / bill_sek_per_year if bill_sek_per_year else 0.0, 1)
            parts.append(fmt.t(key, v=value, pct=share))
        else:
            parts.append(fmt.t(key, v=value))
    net_text = fmt.money_in(net_r, unit)
    text = fmt.t("sum_money" if net_r >= 0 else "sum_money_cost", terms=", ".join(parts),
                 net=fmt.money_in(abs(net_r), unit))
    if lo is not None:
        lo_text, hi_text = fmt.money_in(round(lo / unit) * unit, unit), fmt.money_in(round(hi / unit) * unit, unit)
        if lo_text != hi_text:
            text += " " + fmt.t("sum_range", lo=lo_text, hi=hi_text)
    return MoneyLine(text, net_text)


def summary_section(page: Page, r) -> None:
    """The plain-language findings: one verdict per proposal, the key figures, a glossary."""
    fmt, result, base, bsc, sim, days = r.fmt, r.result, r.base, r.bsc, r.sim, r.days
    annual, titles, bk, rate_text, site, n_rep = r.annual, r.titles, r.bk, r.rate_text, r.site, r.n_rep
    page.section("summary", fmt.t("sec_summary"))
    period = fmt.t("period_year") if sim.duration == 365 * 86400 else fmt.t("period_days", days=fmt.num(days, 0))
    intro_key = "intro_many" if n_rep > 1 else "intro_one"
    page.p(fmt.t(intro_key, dc=fmt.t("the_datacenter", name=bsc.name), site=site, period=period, n=n_rep))
    mean_carbon = energy_weighted_mean(base.first.timeseries, "grid_carbon_g_per_kwh")
    lines = {o.name: money_line(fmt, result, o.name, bk["energy_cost_sek"] * annual) for o in result.proposals}
    for out in result.proposals:
        _summary_block(page, fmt, result, out, bk, titles, annual, rate_text, mean_carbon, lines[out.name])
    # key figures
    rows = []
    for out in result.proposals:
        bc = result.business[out.name]
        d = result.differences[out.name]
        rows.append([
            titles[out.name], lines[out.name].net_text, fmt.years(bc.payback_years),
            fmt.money(bc.npv_sek, 3), fmt.auto(bc.co2_abated_t_per_year, 3), fmt.signed(d["pue"].mean, 3),
            fmt.signed(d["rack_hours_above_recommended"].mean, 0),
        ])
    page.table(fmt.t("tbl_key_caption"), [fmt.t("col_proposal"), fmt.t("col_savings"), fmt.t("col_payback"),
               fmt.t("col_npv"), fmt.t("col_co2"), fmt.t("col_dpue"), fmt.t("col_drack")], rows, tid="key-figures")
    page.add(f'<h3>{esc(fmt.t("glossary_title"))}</h3><dl class="glossary">')
    for key in ("gloss_pue", "gloss_npv", "gloss_payback", "gloss_ashrae", "gloss_rackhours", "gloss_free"):
        term, _, text = fmt.t(key).partition(": ")
        page.add(f"<dt>{esc(term)}</dt><dd>{esc(text)}</dd>")
    page.add("</dl>")


def _summary_block(page: Page, fmt: Fmt, result, out, bk, titles, annual, rate_text, mean_carbon,
                   money_item: MoneyLine) -> None:
    bc = result.business[out.name]
    d = result.differences[out.name]
    pk = out.mean_kpis()
    prop = out.variant.proposal
    n_rep = len(result.seeds)
    moved = [k for k in KPI_NAMES if k not in ("sim_wall_s", "energy_balance_rel_error") and d[k].mean != 0]
    same = not moved and prop.capital_cost_sek == 0 and prop.fixed_cost_change_sek_per_year == 0
    warmer = d["rack_hours_above_recommended"].mean > 0.5 or d["rack_hours_above_allowable"].mean > 0
    if same:
        verdict, cls = fmt.t("verdict_same"), "same"
    elif bc.npv_sek > 0 and not warmer:
        verdict, cls = fmt.t("verdict_good"), "good"
    elif bc.npv_sek > 0:
        verdict, cls = fmt.t("verdict_warm"), "warm"
    else:
        verdict, cls = fmt.t("verdict_no", life=prop.lifetime_years), "no"
    items: list[str] = [money_item.text]
    money = [fmt.t("sum_invest", capital=fmt.money(prop.capital_cost_sek, 3))]
    if prop.capital_cost_sek == 0 and bc.savings_sek_per_year >= 0:
        money.append(fmt.t("sum_payback_now"))
    elif math.isfinite(bc.payback_years):
        money.append(fmt.t("sum_payback", years=fmt.years(bc.payback_years)))
    else:
        money.append(fmt.t("sum_never"))
    key = "sum_npv_pos" if bc.npv_sek >= 0 else "sum_npv_neg"
    money.append(fmt.t(key, life=prop.lifetime_years, npv=fmt.money(abs(bc.npv_sek)), rate=rate_text))
    items.append(" ".join(money))
    d_mwh = d["energy_facility_kwh"].mean * annual / 1000.0
    b_pue, p_pue = fmt.num(bk["pue"], 2), fmt.num(pk["pue"], 2)
    if d["energy_facility_kwh"].mean == 0:
        items.append(fmt.t("sum_energy_same", b=b_pue))
    elif d_mwh < 0:
        items.append(fmt.t("sum_energy_less", mwh=fmt.about(-d_mwh), b=b_pue, p=p_pue))
    else:
        items.append(fmt.t("sum_energy_more", mwh=fmt.about(d_mwh), b=b_pue, p=p_pue))
    t_co2 = bc.co2_abated_t_per_year
    if t_co2 == 0:
        co2 = fmt.t("sum_co2_same")
    elif t_co2 > 0:
        co2 = fmt.t("sum_co2_less", t=fmt.about(t_co2))
    else:
        co2 = fmt.t("sum_co2_more", t=fmt.about(-t_co2))
    if t_co2 != 0 and math.isfinite(mean_carbon) and mean_carbon < 60:
        co2 += " " + fmt.t("sum_co2_low_grid", g=fmt.num(mean_carbon, 0))
    items.append(co2)
    cls_p = out.variant.scenario.room.ashrae_class
    items.append(fmt.t(
        "sum_thermal", p=fmt.num(pk["max_inlet_c"], 1), b=fmt.num(bk["max_inlet_c"], 1),
        ph=fmt.num(pk["rack_hours_above_recommended"], 0), bh=fmt.num(bk["rack_hours_above_recommended"], 0),
        pa=fmt.num(pk["rack_hours_above_allowable"], 0), ba=fmt.num(bk["rack_hours_above_allowable"], 0),
        allow=fmt.num(ASHRAE_ALLOWABLE_MAX_C[cls_p], 0), cls=cls_p,
    ))
    if d["free_cooling_hours"].mean != 0:
        items.append(fmt.t("sum_free", h=fmt.num(pk["free_cooling_hours"] * annual, 0),
                           b=fmt.num(bk["free_cooling_hours"] * annual, 0)))
    dw = d["water_m3"].mean * annual
    if dw > 0:
        items.append(fmt.t("sum_water_more", m3=fmt.about(dw)))
    elif dw < 0:
        items.append(fmt.t("sum_water_less", m3=fmt.about(-dw)))
    if d["heat_reused_kwh"].mean != 0 or d["heat_revenue_sek"].mean != 0:
        items.append(fmt.t("sum_heat", mwh=fmt.about(d["heat_reused_kwh"].mean * annual / 1000.0),
                           sek=fmt.money(d["heat_revenue_sek"].mean * annual)))
    if pk.get("heat_delivered_kwh", 0.0) > 0:  # a run recorded before the boundary KPIs has none
        key = "sum_heat_inside" if pk.get("heat_pump_inside_boundary", 1.0) else "sum_heat_outside"
        items.append(fmt.t(key, mwh=fmt.about(pk["energy_heat_pump_kwh"] * annual / 1000.0),
                           ppue=fmt.num(pk["ppue_heat_reuse"], 2)))
    jobs = ("jobs_completed", "wait_mean_s", "wait_p95_s", "deadline_miss_rate")
    if all(bk[j] == 0 and pk[j] == 0 for j in jobs):
        items.append(fmt.t("sum_jobs_none"))
    else:
        items.append(fmt.t("sum_jobs", bw=fmt.num(bk["wait_mean_s"], 0), pw=fmt.num(pk["wait_mean_s"], 0),
                           bm=fmt.pct(bk["deadline_miss_rate"], 1), pm=fmt.pct(pk["deadline_miss_rate"], 1)))
    desc = out.variant.description(fmt.lang)
    page.add(
        f'<div class="finding {cls}" id="finding-{esc(out.name)}"><h3>{esc(titles[out.name])}</h3>'
        + (f"<p>{esc(desc)}</p>" if desc else "")
        + f'<p class="verdict"><span>{esc(fmt.t("verdict_label"))}</span> {esc(verdict)}</p><ul>'
        + "".join(f"<li>{esc(i)}</li>" for i in items)
        + "</ul></div>"
    )
