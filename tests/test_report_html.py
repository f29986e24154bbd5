"""The report's text: both languages complete, numbers written per language, a file that
needs nothing from outside (checked here without a browser; test_report_browser.py opens it)."""

from __future__ import annotations

import re
from html import unescape
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


def english_fragments() -> set[str]:
    """Every English text of the report's string tables, cut at its placeholders: the pieces of
    at least two words and 12 characters that the Swedish text of the same entry does not have
    (so "PUE" or "kWh" do not count)."""
    from dcsim.report.eu import TEXT as EU_TEXT
    from dcsim.report.measured import TEXT as MEASURED_TEXT
    from dcsim.report.sources import TEXTS as SOURCE_TEXTS

    tables = [STRINGS, EU_TEXT, MEASURED_TEXT, SOURCE_TEXTS, KPI_LABELS]
    out = set()
    for table in tables:
        for texts in table.values():
            en, sv_text = texts[0], texts[1]
            for piece in re.split(r"{\w+}", en):
                piece = piece.strip(" ,.;:()–-")
                if len(piece) >= 12 and " " in piece and piece not in sv_text:
                    out.add(piece)
    return out


def visible_text(html: str) -> str:
    """The report's text as a reader sees it: no markup, entities decoded, and without the parts
    marked ``lang="en"`` (the runs' own records of their sources, quoted as written)."""
    import html as htmlmod

    body = html[html.index("<body"):]
    body = re.sub(r'<dd lang="en">.*?</dd>', " ", body, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"[ \t\r\n]+", " ", htmlmod.unescape(text))  # not \\s: it would take the no-break spaces


def test_the_swedish_report_has_none_of_the_english_strings(result):
    sv = render_report(result, "sv")
    text = visible_text(sv)
    fragments = english_fragments()
    assert len(fragments) > 250  # the scan found the tables' texts (270 when written)
    leaked = sorted(f for f in fragments if f in text)
    assert leaked == []
    # the English report has them: the check would see a leak
    en_text = visible_text(render_report(result, "en"))
    assert sum(f in en_text for f in fragments) > 100
    assert "Varmare tilluft i ett litet rum" in sv  # the case's own Swedish title
    assert "januari" in sv and "slumptalsfrö" in text.lower() and " frö" not in text.lower()
    # Swedish numbers: a decimal comma, a no-break space between thousands, never 1,234.5
    assert re.search(r"\d\u00a0\d{3}", text) and not re.search(r"\d,\d{3}\.\d", text)


def test_the_runs_source_records_are_quoted_and_marked_english(result):
    sv = render_report(result, "sv")
    block = re.search(r'<dl class="sources">(.*?)</dl>', sv, flags=re.S)
    assert block and '<dd lang="en">synthetic typical year' in block.group(1)  # the weather loader's record
    assert "Körningarnas egna uppgifter om datakällorna" in sv
    # the assumptions table says the same in Swedish
    table = sv[sv.index('id="assumptions-table"'):]
    table = table[:table.index("</table>")]
    assert "syntetiska typår" in table and "SMHI" in table and "synthetic" not in table


def test_the_summary_money_adds_up_to_the_net_saving_of_table_1(result):
    """The summary's money line: its items, rounded together, add up to the net saving, which
    is the figure of the key-figures table (issue 19: 800,000 gross and 670,000 net stood apart)."""
    from dcsim.report.summary import money_line

    for lang in LANGUAGES:
        fmt = Fmt(lang)
        html = render_report(result, lang)
        for out in result.proposals:
            sim = result.baseline.variant.scenario.simulation
            bill = result.baseline.mean_kpis()["energy_cost_sek"] * 365 * 86400 / sim.duration
            line = money_line(fmt, result, out.name, bill)
            assert line.text in unescape(html)
            key = html[html.index('id="key-figures"'):]
            assert line.net_text in unescape(key[:key.index("</table>")])
            amounts = [float(a.replace("\u2212", "-").replace("\u00a0", "").replace(",", "." if lang == "sv" else ""))
                       for a in re.findall(r"[+\u2212]?\d[\d\u00a0,.]*(?= (?:SEK|kr))", line.text)]
            *terms, net = amounts[:len(amounts) - (2 if "9 of 10" in line.text or "9 av 10" in line.text else 0)]
            if "net cost" in line.text or "nettokostnad" in line.text:
                net = -net
            assert abs(sum(terms) - net) < 1e-6, line.text


@pytest.mark.parametrize("values, total, unit, expect", [
    ([804_312.0, -133_500.0], 670_812.0, 1000.0, ([804_000.0, -133_000.0], 671_000.0)),  # -133.5 gives way
    ([1_000.4, 1_000.4, 1_000.4], 3_001.2, 1.0, ([1_001.0, 1_000.0, 1_000.0], 3_001.0)),
    ([250.0], 250.0, 1.0, ([250.0], 250.0)),
    ([], 0.0, 1.0, ([], 0.0)),
])
def test_reconcile_rounds_so_that_the_items_add_up(values, total, unit, expect):
    from dcsim.report.summary import money_unit, reconcile

    got = reconcile(values, total, unit)
    assert got == expect and sum(got[0]) == got[1]
    assert all(abs(g - v) <= unit for g, v in zip(got[0], values))  # no item moves by more than one unit
    assert money_unit([804_312.0, -133_500.0]) == 1000.0 and money_unit([0.4]) == 1.0 and money_unit([2.5e6]) == 10_000.0


def test_rows_that_do_not_apply_are_left_out(result):
    html = render_report(result, "en")
    results = html[html.index('id="results-supply-24c"'):]
    results = results[:results.index("</table>")]
    from dcsim.report.strings import kpi_label

    assert result.baseline.mean_kpis()["jobs_completed"] == 0  # the small case has no queued jobs
    assert kpi_label("en", "jobs_completed")[0] not in results  # zero in both: left out
    assert kpi_label("en", "sim_wall_s")[0] not in results
    assert kpi_label("en", "pue")[0] in results


def test_components_describe_themselves_in_the_report_language():
    from dcsim.case.components import LoadedComponent
    from dcsim.case.datasheet import DatasheetCoolingUnit
    from dcsim.scenario.datasheet import DatasheetUnit

    params = DatasheetUnit(name="Dry cooler X", units=2, against="outdoor_drybulb_c", outdoor_c=[0.0, 20.0],
                           capacity_kw=[100.0, 60.0], power_kw=[2.0, 3.0])
    c = LoadedComponent("datasheet-cooling-unit", DatasheetCoolingUnit(), params, "built-in")
    assert "datablad med 2 punkter mot utomhustemperaturen" in c.describe("sv")
    assert "datasheet table of 2 points" in c.describe("en") and c.describe() == c.describe("en")

    class Old:  # a plugin written before the language argument
        title = "Old plugin"

        def describe(self, params):
            return "only English"

    assert LoadedComponent("old", Old(), None, "x 1.0").describe("sv") == "only English"


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
