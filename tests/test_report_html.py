"""The report's text: both languages complete, numbers written per language, a file that
needs nothing from outside (checked here without a browser; test_report_browser.py opens it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import dcsim
from dcsim.report import render_report
from dcsim.report.fmt import Fmt
from dcsim.report.strings import KPI_LABELS, LANGUAGES, MONTHS_LONG, MONTHS_SHORT, STRINGS
from dcsim.results import KPI_NAMES

FIX = Path(__file__).parent / "fixtures" / "cases"


def test_every_string_exists_in_every_language():
    for key, texts in STRINGS.items():
        assert len(texts) == len(LANGUAGES), key
        assert all(t.strip() for t in texts), key
        # the same placeholders in each language
        fields = [sorted(re.findall(r"{(\w+)}", t)) for t in texts]
        assert all(f == fields[0] for f in fields), key
    for lang in LANGUAGES:
        assert len(MONTHS_SHORT[lang]) == 12 and len(MONTHS_LONG[lang]) == 12
    assert set(KPI_NAMES) <= set(KPI_LABELS)


def test_the_report_imports_nothing_from_the_case_package():
    """case -> report, never back: the case saves its report (CaseResult.save), the report reads
    the case result it is given by its attributes (a cycle once ran through case.model.text_in)."""
    import ast

    pkg = Path(dcsim.__file__).parent / "report"
    imported = []
    for path in sorted(pkg.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported += [(path.name, node.lineno, a.name) for a in node.names]
            elif isinstance(node, ast.ImportFrom):  # relative to dcsim.report
                base = "dcsim.report".rsplit(".", node.level - 1)[0] if node.level else ""
                module = ".".join(filter(None, [base, node.module]))
                imported += [(path.name, node.lineno, f"{module}.{a.name}") for a in node.names]
    assert any(name == "dcsim.report.strings.LANGUAGES" for _, _, name in imported)  # the scan resolves
    found = [f"{f}:{line} {name}" for f, line, name in imported if name.startswith("dcsim.case.")]
    assert not found, found
    from dcsim.case import model

    assert model.LANGUAGES is LANGUAGES  # one list of languages for case texts and the report
    from dcsim.case import load
    from dcsim.report.strings import text_in

    assert load.text_in is text_in  # the case loader picks its texts with the report's function
    assert text_in({"en": "a", "sv": "b"}, "sv") == "b" and text_in({"sv": "b"}, "en") == "b"


def test_numbers_per_language():
    en, sv = Fmt("en"), Fmt("sv")
    assert en.num(1234567.891, 2) == "1,234,567.89"
    assert sv.num(1234567.891, 2) == "1\u00a0234\u00a0567,89"
    assert en.num(-0.004, 2) == "0.00" and sv.num(-12.5, 1) == "\u221212,5"
    assert en.signed(3.0, 1) == "+3.0" and en.signed(0.0, 1) == "0.0"
    assert en.money(312457) == "310,000 SEK" and sv.money(312457) == "310\u00a0000 kr"
    assert en.money(2_140_000) == "2.1 million SEK" and sv.money(2_140_000) == "2,1 miljoner kr"
    assert sv.pct(0.072) == "7,2\u00a0%"
    assert en.years(float("inf")) == "never" and sv.years(float("inf")) == "aldrig"
    assert sv.month_short(5) == "maj" and en.month_short(5) == "May"
    from datetime import date

    assert sv.date(date(2025, 3, 1)) == "1 mars 2025" and en.date(date(2025, 3, 1)) == "1 March 2025"


@pytest.fixture(scope="module")
def result():
    return dcsim.run_case(FIX / "small.toml", overrides={"simulation.duration": "2d"}, replications=2)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_report_is_self_contained_and_accessible(result, lang):
    html = render_report(result, lang)
    assert f'<html lang="{lang}">' in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r"(?:src|href)=\"(?!data:|#)", html)  # only inline data and in-page links
    assert not re.search(r"url\(", html)
    imgs = re.findall(r"<img [^>]*>", html)
    assert len(imgs) == 5
    assert all(re.search(r'alt="[^"]{60,}"', i) for i in imgs)
    assert html.count("<table") == html.count("<caption") == 15  # 14 + the EU 2024/1364 indicators
    assert html.count('<th scope="col">') > 50 and html.count('<th scope="row">') > 50
    assert 'id="summary"' in html


def test_swedish_report_has_no_english_headings(result):
    sv = render_report(result, "sv")
    en_only = {STRINGS[k][0] for k in STRINGS if STRINGS[k][0] != STRINGS[k][1] and "{" not in STRINGS[k][0]
               and len(STRINGS[k][0]) > 12}
    from dcsim.report.eu import TEXT as EU_TEXT

    en_only |= {en for en, sv_text in EU_TEXT.values() if en != sv_text and "{" not in en and len(en) > 12}
    leaked = sorted(s for s in en_only if s in sv)
    assert leaked == []
    assert "Varmare tilluft i ett litet rum" in sv  # the case's own Swedish title
    assert "januari" in sv


def test_report_is_deterministic(result):
    a = render_report(result, "en")
    b = render_report(result, "en")
    assert a == b


def test_unknown_language_is_refused(result):
    with pytest.raises(ValueError, match="en, sv"):
        render_report(result, "de")


def test_the_eu_section_lists_every_indicator_of_every_variant(result):
    from dcsim.report.eu import ROWS, TEXT

    for en, sv in TEXT.values():  # both languages, the same placeholders
        assert en and sv and re.findall(r"{(\w+)}", en) == re.findall(r"{(\w+)}", sv)
    html = render_report(result, "en")
    table = html[html.index('id="eu-reporting"'):]
    table = table[:table.index("</table>")]
    for key, _, _ in ROWS:
        assert TEXT[key][0] in table
    eu = result.baseline.first.reporting
    assert Fmt("en").num(eu["e_dc_kwh"], 0) in table  # the baseline's EDC as written in the run's kpis.json
    assert "not a calendar year" in html  # a 2-day run says it is not the reported year
