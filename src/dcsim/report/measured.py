"""The case report's "measured savings" section: what ``dcsim verify`` found after the
installation (IPMVP Option D, :mod:`dcsim.mv.verify`) beside what the case predicted.

Its texts are here rather than in :mod:`dcsim.report.strings`, in the same (English, Swedish)
form, since no other section uses them.
"""

from __future__ import annotations

from .page import Page
from .strings import t_in

#: (English, Swedish)
TEXT = {
    "title": ("Measured savings", "Uppmätta besparingar"),
    "intro": (
        "After the installation the site's meters were compared with the calibrated model of the site before it, "
        "run on the same period's weather and load (IPMVP Option D, calibrated simulation): the saving is what the "
        "model of the site as it was uses less what the meters measured, {start} to {days} days later, with its "
        "{conf} % interval from ASHRAE Guideline 14's fractional savings uncertainty (the calibration's CV(RMSE) "
        "{cv} % over {n} hours). Beside it, what each proposal of this case predicts for the same period.",
        "Efter installationen jämfördes anläggningens mätare med den kalibrerade modellen av anläggningen före den, "
        "körd med samma periods väder och last (IPMVP alternativ D, kalibrerad simulering): besparingen är vad "
        "modellen av anläggningen som den var använder minus vad mätarna mätte, från {start} och {days} dagar "
        "framåt, med sitt {conf}-procentiga intervall enligt ASHRAE Guideline 14:s osäkerhet för relativa "
        "besparingar (kalibreringens CV(RMSE) {cv} % över {n} timmar). Bredvid: vad varje förslag i fallet "
        "förutsäger för samma period.",
    ),
    "caption": ("Measured and predicted savings", "Uppmätta och förutsagda besparingar"),
    "col_what": ("", ""),
    "col_value": ("Value", "Värde"),
    "col_unit": ("Unit", "Enhet"),
    "baseline": ("Adjusted baseline (the calibrated model)", "Justerad referens (den kalibrerade modellen)"),
    "measured": ("Measured after the installation", "Uppmätt efter installationen"),
    "saving": ("Measured saving", "Uppmätt besparing"),
    "fraction": ("Measured saving, share of the baseline", "Uppmätt besparing, andel av referensen"),
    "interval": ("{conf} % interval of that share", "{conf}-procentigt intervall för andelen"),
    "predicted": ("Predicted by the case: {name}", "Förutsagt av fallet: {name}"),
}


def measured_section(page: Page, r) -> None:
    """The section, when the case was given a verification (``dcsim case --verification``)."""
    v = getattr(r.result, "verification", None)
    if not v:
        return
    lang, fmt = r.lang, r.fmt
    conf = fmt.num(100 * v["confidence"], 0)
    page.section("measured-savings", t_in(TEXT, lang, "title"))
    page.p(t_in(TEXT, lang, "intro", start=v["period_start_utc"][:10], days=fmt.num(v["intervals"] / 24.0, 0), conf=conf,
              cv=fmt.num(v["calibration"]["cv_rmse_pct"], 1), n=fmt.num(v["calibration"]["n"], 0)))
    unit = v["unit"]
    lo, hi = v["fractional_saving_interval"]
    rows = [[t_in(TEXT, lang, "baseline"), fmt.num(v["adjusted_baseline"], 0), unit],
            [t_in(TEXT, lang, "measured"), fmt.num(v["measured"], 0), unit],
            [t_in(TEXT, lang, "saving"), fmt.num(v["saving"], 0), unit],
            [t_in(TEXT, lang, "fraction"), fmt.pct(v["fractional_saving"], 1), ""],
            [t_in(TEXT, lang, "interval", conf=conf), f"{fmt.pct(lo, 1)} … {fmt.pct(hi, 1)}", ""]]
    for name, p in v.get("predicted", {}).items():
        rows.append([t_in(TEXT, lang, "predicted", name=name), fmt.pct(p["fractional_saving"], 1), ""])
    page.table(f"{t_in(TEXT, lang, 'caption')} ({v['channel']})",
               [t_in(TEXT, lang, "col_what"), t_in(TEXT, lang, "col_value"), t_in(TEXT, lang, "col_unit")], rows, tid="measured-savings",
               numeric_from=1)
