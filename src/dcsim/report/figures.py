"""The report's figures: matplotlib drawings embedded as SVG data URIs, with alt text.

Colours are the Okabe–Ito palette (distinguishable with the common colour-vision
deficiencies), and colour is never the only cue: variants also differ by line style or by
panel, energy parts and cooling modes by hatching, temperature bands are labelled in the
plot. Every figure's numbers are also given in a table next to it.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import Formatter, FuncFormatter, MaxNLocator  # noqa: E402

from ..cooling import COOLING_MODES  # noqa: E402
from .fmt import Fmt  # noqa: E402

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
VARIANT_COLOURS = ["#000000", "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9"]
VARIANT_STYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (8, 2))]
PART_COLOURS = {"it": "#0072B2", "cooling": "#E69F00", "losses": "#D55E00", "other": "#CC79A7"}
PART_HATCH = {"it": "", "cooling": "//", "losses": "..", "other": "xx"}
MODE_COLOURS = {"mechanical": "#D55E00", "partial-free": "#F0E442", "free": "#009E73", "evaporative": "#56B4E9",
                "free-dry": "#0072B2"}
MODE_HATCH = {"mechanical": "//", "partial-free": "..", "free": "", "evaporative": "\\\\", "free-dry": "xx"}
_SPARE = ["#CC79A7", "#E69F00", "#000000", "#999999"]
_SPARE_HATCH = ["xx", "++", "oo", "--"]


def mode_style(mode: str) -> tuple[str, str]:
    """(colour, hatch) of a cooling mode; modes added later get the palette's spare colours."""
    if mode in MODE_COLOURS:
        return MODE_COLOURS[mode], MODE_HATCH[mode]
    extra = [m for m in COOLING_MODES if m not in MODE_COLOURS]
    i = extra.index(mode) if mode in extra else 0
    return _SPARE[i % len(_SPARE)], _SPARE_HATCH[i % len(_SPARE_HATCH)]


def mode_label(fmt: Fmt, mode: str) -> str:
    from .strings import STRINGS

    return fmt.t(f"mode_{mode}") if f"mode_{mode}" in STRINGS else mode

RC = {
    "svg.fonttype": "path",  # text as glyph outlines: renders the same without any font installed
    "svg.hashsalt": "dcsim",  # stable element ids: the same report bytes for the same results
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "hatch.linewidth": 0.6,
    "legend.frameon": False,
    "axes.unicode_minus": True,
}


@dataclass(frozen=True)
class Figure:
    uri: str
    alt: str
    caption: str


class NumberFormatter(Formatter):
    """Tick labels in the report's language, with as many decimals as the tick spacing needs."""

    def __init__(self, fmt: Fmt):
        self.fmt = fmt
        self.decimals = 0

    def set_locs(self, locs) -> None:
        super().set_locs(locs)
        steps = np.diff(np.asarray(locs, dtype=float))
        steps = steps[steps > 0]
        step = float(steps.min()) if steps.size else 1.0
        self.decimals = int(min(6, max(0, -np.floor(np.log10(step) + 1e-9)))) if step > 0 else 0

    def __call__(self, x, pos=None) -> str:
        return self.fmt.num(x, self.decimals)


def _uri(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": "dcsim"})
    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def colour(i: int) -> str:
    return VARIANT_COLOURS[i % len(VARIANT_COLOURS)]


def style(i: int):
    return VARIANT_STYLES[i % len(VARIANT_STYLES)]


def local_index(ts: pd.DataFrame, tz: str) -> pd.DatetimeIndex:
    return ts.index.tz_convert(tz)


def _fold_short_periods(groups: pd.DataFrame, hours: pd.Series, min_hours: float) -> pd.DataFrame:
    """Add a first or last group shorter than ``min_hours`` to its neighbour (a period given in
    UTC spills an hour into the next local month or day; a one-hour "month" helps no one)."""
    if len(groups) < 2:
        return groups
    g = groups.copy()
    if hours.iloc[0] < min_hours:
        g.iloc[1] = g.iloc[1] + g.iloc[0]
        g = g.iloc[1:]
        hours = hours.iloc[1:]
    if len(g) >= 2 and hours.iloc[-1] < min_hours:
        g.iloc[-2] = g.iloc[-2] + g.iloc[-1]
        g = g.iloc[:-1]
    return g


def _grouped(ts: pd.DataFrame, tz: str, step_h: float, columns: dict[str, str], by: str) -> pd.DataFrame:
    idx = local_index(ts, tz)
    frame = pd.DataFrame({k: ts[c].to_numpy(dtype=np.float64) for k, c in columns.items()}, index=idx)
    keys = [idx.year, idx.month] if by == "month" else [idx.normalize()]
    sums = frame.groupby(keys).sum()
    hours = frame.groupby(keys).size() * step_h
    return _fold_short_periods(sums, hours, 24.0 if by == "month" else 6.0)


def monthly_energy_mwh(ts: pd.DataFrame, tz: str, step_h: float) -> pd.DataFrame:
    """MWh per local month: it, cooling, losses, other, total (a partial month of under a day is
    counted with its neighbour)."""
    cols = {"it": "it_power_kw", "cooling": "cooling_power_kw", "losses": "electrical_losses_kw",
            "total": "facility_power_kw"}
    out = _grouped(ts, tz, step_h, cols, "month") * (step_h / 1000.0)
    out.index.names = ["year", "month"]
    out["other"] = out["total"] - out["it"] - out["cooling"] - out["losses"]
    out["other"] = out["other"].where(out["other"].abs() > 1e-9 * out["total"].abs().max(), 0.0)
    return out[["it", "cooling", "losses", "other", "total"]]


def daily_pue(ts: pd.DataFrame, tz: str, step_h: float = 1.0) -> pd.Series:
    g = _grouped(ts, tz, step_h, {"f": "facility_power_kw", "i": "it_power_kw"}, "day")
    return (g["f"] / g["i"]).where(g["i"] > 0)


def monthly_pue(ts: pd.DataFrame, tz: str, step_h: float = 1.0) -> pd.Series:
    g = _grouped(ts, tz, step_h, {"f": "facility_power_kw", "i": "it_power_kw"}, "month")
    return (g["f"] / g["i"]).where(g["i"] > 0)


def mode_hours(ts: pd.DataFrame, step_h: float) -> dict[str, float]:
    counts = pd.Categorical(ts["cooling_mode"], categories=list(COOLING_MODES)).value_counts()
    return {m: float(counts[m]) * step_h for m in COOLING_MODES}


def band_hours(ts: pd.DataFrame, step_h: float, allowable_c: float) -> tuple[float, float, float, float]:
    x = ts["max_inlet_c"].to_numpy()
    return (
        float((x < 18).sum() * step_h),
        float(((x >= 18) & (x <= 27)).sum() * step_h),
        float(((x > 27) & (x <= allowable_c)).sum() * step_h),
        float((x > allowable_c).sum() * step_h),
    )


def _month_label(fmt: Fmt, ym) -> str:
    return fmt.month_short(int(ym[1]))


def energy_figure(fmt: Fmt, variants: list[tuple[str, pd.DataFrame]], seed: int) -> Figure:
    """Small multiples: one panel per variant, stacked monthly bars of IT, cooling, losses."""
    n = len(variants)
    cols = min(n, 3)
    rows = -(-n // cols)
    with plt.rc_context(RC):
        fig, axes = plt.subplots(rows, cols, figsize=(3.0 * cols + 0.6, 2.7 * rows + 0.7), sharey=True, squeeze=False)
        show_other = any(m["other"].abs().sum() > 0 for _, m in variants)
        parts = ["it", "cooling", "losses"] + (["other"] if show_other else [])
        labels = {"it": fmt.t("leg_it"), "cooling": fmt.t("leg_cooling"), "losses": fmt.t("leg_losses"),
                  "other": fmt.t("leg_other")}
        for k, (title, monthly) in enumerate(variants):
            ax = axes[k // cols][k % cols]
            x = np.arange(len(monthly))
            bottom = np.zeros(len(monthly))
            for part in parts:
                vals = np.clip(monthly[part].to_numpy(), 0, None)
                ax.bar(x, vals, bottom=bottom, color=PART_COLOURS[part], hatch=PART_HATCH[part],
                       edgecolor="white", linewidth=0.4, label=labels[part])
                bottom += vals
            ax.set_title(title, fontsize=9, loc="left")
            ax.set_xticks(x, [_month_label(fmt, ym) for ym in monthly.index], rotation=0 if len(x) <= 6 else 90)
            ax.yaxis.set_major_formatter(NumberFormatter(fmt))
            ax.grid(axis="x", visible=False)
            if k % cols == 0:
                ax.set_ylabel(fmt.t("ax_mwh_month"))
        for k in range(n, rows * cols):
            axes[k // cols][k % cols].set_visible(False)
        handles = [Patch(facecolor=PART_COLOURS[p], hatch=PART_HATCH[p], edgecolor="white", label=labels[p]) for p in parts]
        fig.legend(handles=handles, loc="lower center", ncol=len(parts), bbox_to_anchor=(0.5, -0.02))
        fig.tight_layout(rect=(0, 0.06, 1, 1))
        uri = _uri(fig)
    details = " ".join(
        fmt.t("alt_energy_item", variant=title, total=fmt.num(m["total"].sum(), 0), cool=fmt.num(m["cooling"].sum(), 0))
        for title, m in variants
    )
    return Figure(uri, fmt.t("fig_energy_alt", details=details), fmt.t("fig_energy_caption", seed=seed))


def pue_figure(fmt: Fmt, variants: list[tuple[str, pd.Series]]) -> Figure:
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(8.0, 3.2))
        for k, (title, s) in enumerate(variants):
            x = s.index.tz_localize(None) if s.index.tz is not None else s.index
            marker = "o" if len(s) <= 31 else None
            ax.plot(x, s.to_numpy(), color=colour(k), linestyle=style(k), linewidth=1.4, marker=marker,
                    markersize=3, label=title)
        ax.set_ylabel("PUE")
        ax.yaxis.set_major_formatter(NumberFormatter(fmt))
        ax.xaxis.set_major_locator(matplotlib.dates.MonthLocator() if _span_days(variants) > 62
                                   else matplotlib.dates.DayLocator(interval=max(1, _span_days(variants) // 8)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: _date_tick(fmt, v, _span_days(variants))))
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        fig.tight_layout()
        uri = _uri(fig)
    first = variants[0][1]
    details = " ".join(
        fmt.t("alt_pue_item", variant=title, lo=fmt.num(s.min(), 2), hi=fmt.num(s.max(), 2), mean=fmt.num(s.mean(), 2))
        for title, s in variants
    )
    alt = fmt.t("fig_pue_alt", start=fmt.date(first.index[0]), end=fmt.date(first.index[-1]), details=details)
    return Figure(uri, alt, fmt.t("fig_pue_caption"))


def _span_days(variants) -> int:
    s = variants[0][1]
    return max(1, len(s))


def _date_tick(fmt: Fmt, value: float, span_days: int) -> str:
    d = matplotlib.dates.num2date(value)
    if span_days > 62:
        return fmt.month_short(d.month)
    return f"{d.day} {fmt.month_short(d.month)}"


def inlet_figure(fmt: Fmt, variants: list[tuple[str, np.ndarray]], step_h: float, ashrae_class: str,
                 allowable_c: float) -> Figure:
    allx = np.concatenate([v for _, v in variants]) if variants else np.array([20.0])
    lo = min(15.0, float(np.floor(allx.min())) - 1)
    hi = max(allowable_c + 3, float(np.ceil(allx.max())) + 1)
    bins = np.arange(lo, hi + 0.25, 0.25)
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(8.0, 3.4))
        ax.axvspan(18, 27, color=OKABE_ITO["bluish_green"], alpha=0.14, linewidth=0)
        ax.axvspan(27, allowable_c, color=OKABE_ITO["orange"], alpha=0.14, linewidth=0)
        ax.axvspan(allowable_c, hi, color=OKABE_ITO["vermillion"], alpha=0.12, linewidth=0, hatch="//")
        peak = 0.0
        for k, (title, x) in enumerate(variants):
            counts, edges = np.histogram(x, bins=bins)
            hours = counts * step_h
            peak = max(peak, float(hours.max()) if len(hours) else 0.0)
            ax.stairs(hours, edges, color=colour(k), linestyle=style(k), linewidth=1.5, label=title)
        top = peak * 1.18 if peak > 0 else 1.0
        ax.set_ylim(0, top)
        for xa, key in ((18, "band_recommended"), (27, "band_allowable"), (allowable_c, "band_above")):
            ax.text(xa + 0.2, top * 0.97, fmt.t(key, cls=ashrae_class), ha="left", va="top", fontsize=7.5,
                    rotation=90 if key == "band_above" else 0, clip_on=True)
        ax.set_xlim(lo, hi)
        ax.set_xlabel(fmt.t("ax_inlet"))
        ax.set_ylabel(fmt.t("ax_hours"))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(NumberFormatter(fmt))
        ax.yaxis.set_major_formatter(NumberFormatter(fmt))
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        fig.tight_layout()
        uri = _uri(fig)
    details = " ".join(
        fmt.t("alt_inlet_item", variant=title, lo=fmt.num(x.min(), 1), hi=fmt.num(x.max(), 1),
              h=fmt.num(float((x > 27).sum() * step_h), 0))
        for title, x in variants
    )
    return Figure(uri, fmt.t("fig_inlet_alt", allow=fmt.num(allowable_c, 0), details=details), fmt.t("fig_inlet_caption"))


def modes_figure(fmt: Fmt, variants: list[tuple[str, dict[str, float]]]) -> Figure:
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(8.0, 0.55 * len(variants) + 1.3))
        y = np.arange(len(variants))[::-1]
        left = np.zeros(len(variants))
        for mode in COOLING_MODES:
            vals = np.array([h[mode] for _, h in variants])
            colour_, hatch = mode_style(mode)
            ax.barh(y, vals, left=left, color=colour_, hatch=hatch, edgecolor="#555555",
                    linewidth=0.4, label=mode_label(fmt, mode))
            left += vals
        ax.set_yticks(y, [title for title, _ in variants])
        ax.set_xlabel(fmt.t("ax_hours"))
        ax.xaxis.set_major_formatter(NumberFormatter(fmt))
        ax.grid(axis="y", visible=False)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35 if len(variants) < 3 else -0.2),
                  ncol=min(4, len(COOLING_MODES)))
        fig.tight_layout()
        uri = _uri(fig)
    details = " ".join(
        f"{title}: " + ", ".join(f"{mode_label(fmt, m)} {fmt.num(h[m], 0)} h" for m in COOLING_MODES) + "."
        for title, h in variants
    )
    return Figure(uri, fmt.t("fig_modes_alt", details=details), fmt.t("fig_modes_caption"))


def cash_figure(fmt: Fmt, proposals: list[tuple[str, list[tuple[int, float, float, float]]]], rate_text: str) -> Figure:
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(8.0, 3.4))
        ax.axhline(0, color="#555555", linewidth=0.8)
        for k, (title, flows) in enumerate(proposals):
            years = [f[0] for f in flows]
            cum = [f[3] for f in flows]
            ax.plot(years, cum, color=colour(k + 1), linestyle=style(k + 1), marker="o", markersize=3, linewidth=1.5,
                    label=title)
        ax.set_xlabel(fmt.t("ax_year"))
        ax.set_ylabel(fmt.t("ax_cum_sek"))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_formatter(NumberFormatter(fmt))
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        fig.tight_layout()
        uri = _uri(fig)
    details = " ".join(
        fmt.t("alt_cash_item", variant=title, c0=fmt.money(flows[0][3]), npv=fmt.money(flows[-1][3]), life=len(flows) - 1)
        for title, flows in proposals
    )
    return Figure(uri, fmt.t("fig_cash_alt", details=details), fmt.t("fig_cash_caption", rate=rate_text))
