"""Numbers, money and dates the way each report language writes them.

English: 1,234,567.8 and 1 January 2025. Swedish: 1 234 567,8 (no-break space between
thousands, decimal comma) and 1 januari 2025. Both use the true minus sign (U+2212).
"""

from __future__ import annotations

import math
from datetime import date, datetime

from .strings import MONTHS_LONG, MONTHS_SHORT, t

NBSP = "\u00a0"
MINUS = "\u2212"


class Fmt:
    """Formatting for one language (``"en"`` or ``"sv"``)."""

    def __init__(self, lang: str):
        self.lang = lang

    def t(self, key: str, **kw) -> str:
        return t(self.lang, key, **kw)

    # -- numbers
    def num(self, x: float | int | None, decimals: int = 0) -> str:
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return "–"
        v = float(x)
        if math.isinf(v):
            return "∞" if v > 0 else MINUS + "∞"
        r = round(abs(v), decimals)
        text = f"{r:,.{decimals}f}"
        if self.lang == "sv":
            text = text.replace(",", NBSP).replace(".", ",")
        return (MINUS if v < 0 and r != 0 else "") + text

    def signed(self, x: float, decimals: int = 0) -> str:
        s = self.num(x, decimals)
        if x is None or not math.isfinite(float(x)) or s.startswith(MINUS):
            return s
        return "+" + s if round(abs(float(x)), decimals) != 0 else s

    def auto(self, x: float, sig: int = 3) -> str:
        """About ``sig`` significant digits, never rounding away whole units of big numbers."""
        if x is None or not math.isfinite(x):
            return self.num(x)
        if x == 0:
            return "0"
        mag = math.floor(math.log10(abs(x)))
        decimals = max(0, sig - 1 - mag)
        return self.num(x, min(decimals, 6))

    def signed_auto(self, x: float, sig: int = 3) -> str:
        s = self.auto(x, sig)
        if x is None or not math.isfinite(x) or s.startswith(MINUS) or x == 0:
            return s
        return "+" + s

    def round_sig(self, x: float, sig: int = 2) -> float:
        if x == 0 or not math.isfinite(x):
            return x
        return round(x, sig - 1 - math.floor(math.log10(abs(x))))

    def about(self, x: float, sig: int = 2) -> str:
        """A plain-language amount: 312 457 -> "310,000"; 0.0123 -> "0.012"."""
        return self.auto(self.round_sig(x, sig), sig)

    def money(self, sek: float, sig: int = 2) -> str:
        """SEK in plain language: "310,000 SEK", "2.1 million SEK" / "310 000 kr", "2,1 miljoner kr"."""
        if sek is None or not math.isfinite(sek):
            return self.num(sek)
        if abs(sek) >= 1e6:
            return self.t("money_millions", amount=self.auto(self.round_sig(sek / 1e6, sig), sig))
        return self.t("money", amount=self.about(sek, sig))

    def money_in(self, sek: float, unit: float, signed: bool = False) -> str:
        """SEK already rounded to ``unit`` (a power of ten), with the digits that unit keeps:
        "804,000 SEK", "+2.35 million SEK" (unit 10,000) / "804 000 kr", "+2,35 miljoner kr"."""
        if sek is None or not math.isfinite(sek):
            return self.num(sek)
        plus = "+" if signed and sek > 0 else ""
        if abs(sek) >= 1e6 and unit >= 1e4:
            amount = self.num(sek / 1e6, max(0, 6 - round(math.log10(unit))))
            return plus + self.t("money_millions", amount=amount)
        return plus + self.t("money", amount=self.num(sek, 0))

    def sek(self, sek: float) -> str:
        """Exact whole SEK for tables."""
        return self.t("money", amount=self.num(sek, 0))

    def sek_signed(self, sek: float) -> str:
        """Exact whole SEK with its sign: "+804 312 kr", "−133 500 kr", "0 kr"."""
        return self.t("money", amount=self.signed(sek, 0))

    def pct(self, fraction: float, decimals: int = 1) -> str:
        return self.num(100.0 * fraction, decimals) + NBSP + "%"

    def years(self, y: float) -> str:
        if not math.isfinite(y):
            return self.t("never")
        return self.t("n_years", n=self.num(y, 1))

    # -- dates
    def month_short(self, m: int) -> str:
        return MONTHS_SHORT[self.lang][m - 1]

    def date(self, d: date | datetime) -> str:
        if self.lang == "sv":
            return f"{d.day} {MONTHS_LONG['sv'][d.month - 1]} {d.year}"
        return f"{d.day} {MONTHS_LONG['en'][d.month - 1]} {d.year}"

    def datetime_utc(self, d: datetime) -> str:
        return f"{self.date(d)} {d:%H:%M} UTC"
