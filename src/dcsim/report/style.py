"""The report's style sheet: one column of readable width on screen, figures the full width of
the text, tables that wrap their cells rather than run off the page, and a print style sheet
(A4, no scroll regions, headings kept with what follows, colours kept) so that the browser's
"save as PDF" gives a clean document."""

CSS = """
:root { color-scheme: light; --ink: #1a1a1a; --muted: #4a4a4a; --line: #c8c8c8; --band: #f3f3f3;
        --good: #009E73; --warn: #E69F00; --bad: #D55E00; --accent: #0072B2; }
* { box-sizing: border-box; }
html { font-size: 100%; }
body { margin: 0 auto; max-width: 64rem; padding: 1.5rem 1.25rem 3rem; color: var(--ink); background: #fff;
       font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
       line-height: 1.55; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0.2rem 0 0.6rem; }
h2 { font-size: 1.4rem; margin: 2.4rem 0 0.6rem; padding-top: 0.6rem; border-top: 2px solid var(--line); }
h3 { font-size: 1.12rem; margin: 1.4rem 0 0.4rem; }
p, li, dd { max-width: 46rem; }
.kind { text-transform: uppercase; letter-spacing: 0.08em; font-size: 0.8rem; color: var(--muted); margin: 0; }
.lede { font-size: 1.1rem; }
.meta { color: var(--muted); font-size: 0.92rem; }
nav ol { columns: 2; padding-left: 1.2rem; }
a { color: var(--accent); }
a:focus, [tabindex]:focus { outline: 3px solid var(--warn); outline-offset: 2px; }
.finding { border-left: 6px solid var(--line); padding: 0.4rem 1rem 0.6rem; margin: 1rem 0; background: var(--band); }
.finding.good { border-left-color: var(--good); }
.finding.warm { border-left-color: var(--warn); }
.finding.no { border-left-color: var(--bad); }
.finding h3 { margin-top: 0.4rem; }
.verdict { font-weight: 600; }
.finding ul { padding-left: 1.2rem; margin: 0.4rem 0; }
figure { margin: 1.2rem 0; }
figure img { width: 100%; height: auto; display: block; }
figcaption { font-size: 0.92rem; color: var(--muted); margin-top: 0.3rem; max-width: 46rem; }
.table-wrap { overflow-x: auto; margin: 1rem 0; }
table { border-collapse: collapse; font-size: 0.9rem; min-width: 50%; max-width: 100%; }
caption { text-align: left; font-weight: 600; padding: 0.3rem 0; caption-side: top; }
th, td { border: 1px solid var(--line); padding: 0.3rem 0.55rem; vertical-align: top; text-align: left;
         overflow-wrap: anywhere; }
thead th { background: #e8e8e8; }
tbody th { font-weight: 600; background: #fafafa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font-size: 0.85rem; background: var(--band); padding: 0 0.2rem; word-break: break-all; }
dl.glossary dt { font-weight: 600; margin-top: 0.5rem; }
dl.glossary dd { margin-left: 1.2rem; }
dl.sources dt { font-weight: 600; margin-top: 0.5rem; }
dl.sources dd { margin-left: 1.2rem; font-size: 0.85rem; color: var(--muted); overflow-wrap: anywhere; }
p, li, dd, figcaption { overflow-wrap: break-word; }
footer { margin-top: 3rem; font-size: 0.85rem; color: var(--muted); border-top: 1px solid var(--line); padding-top: 0.8rem; }
@page { size: A4; margin: 16mm 14mm 18mm; }
@media print {
  html { font-size: 10pt; }
  body { max-width: none; padding: 0; }
  nav ol { columns: 2; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; margin-top: 1.6rem; }
  h3, caption, figcaption { break-after: avoid; }
  .finding, figure, tr, dl.glossary dd { break-inside: avoid; }
  .finding, thead th, tbody th, code { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  .table-wrap { overflow: visible; }
  thead { display: table-header-group; }
  a:focus, [tabindex]:focus { outline: none; }
  footer { break-before: avoid; }
}
"""
