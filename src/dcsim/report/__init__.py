"""The case report: one self-contained, accessible HTML file in English or Swedish.

:func:`render_report` turns a :class:`dcsim.case.CaseResult` into the text of
``report.html``: a plain-language summary first, then the energy breakdown per variant by
month, PUE across the year, inlet temperatures against the ASHRAE bands, cooling-mode hours,
cash flow and payback, every result with its interval, the assumptions and the provenance.
All words come from :mod:`dcsim.report.strings`; numbers and dates are written the way the
language writes them (:mod:`dcsim.report.fmt`). Each section has its renderer in
:mod:`dcsim.report.html`; they write into a :class:`dcsim.report.page.Page`, which numbers
figures and tables and keeps the contents list.
"""

from __future__ import annotations

from .strings import LANGUAGES


def render_report(result, lang: str = "en") -> str:
    """The report of ``result`` as HTML text, in ``lang`` (``"en"`` or ``"sv"``)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown report language {lang!r}; allowed: {', '.join(LANGUAGES)}")
    from .html import render_report as _render

    return _render(result, lang)


__all__ = ["LANGUAGES", "render_report"]
