"""The HTML page a report is assembled in: escaping, sections with their contents entries,
and figures and tables numbered in page order, each with its caption."""

from __future__ import annotations

import html

from . import figures as F
from .fmt import Fmt


def esc(text) -> str:
    return html.escape(str(text), quote=True)


class Page:
    """Collects sections, numbering figures and tables."""

    def __init__(self, fmt: Fmt):
        self.fmt = fmt
        self.parts: list[str] = []
        self.nav: list[tuple[str, str]] = []
        self.n_fig = 0
        self.n_tab = 0

    def section(self, sid: str, title: str) -> None:
        if self.nav:
            self.parts.append("</section>")
        self.nav.append((sid, title))
        self.parts.append(f'<section id="{sid}" aria-labelledby="{sid}-h"><h2 id="{sid}-h">{esc(title)}</h2>')

    def add(self, text: str) -> None:
        self.parts.append(text)

    def p(self, text: str, cls: str = "") -> None:
        c = f' class="{cls}"' if cls else ""
        self.parts.append(f"<p{c}>{esc(text)}</p>")

    def figure(self, fig: F.Figure, fid: str) -> None:
        self.n_fig += 1
        label = self.fmt.t("figure_n", n=self.n_fig)
        self.parts.append(
            f'<figure id="{fid}" class="figure"><img src="{fig.uri}" alt="{esc(fig.alt)}" loading="eager">'
            f"<figcaption><strong>{esc(label)}</strong> {esc(fig.caption)}</figcaption></figure>"
        )

    def table(self, caption: str, header: list[str], rows: list[list[str]], *, tid: str, raw: bool = False,
              numeric_from: int = 1) -> None:
        """A table whose first column heads its rows. Cells are escaped unless ``raw``."""
        self.n_tab += 1
        label = self.fmt.t("table_n", n=self.n_tab)
        cell = (lambda s: s) if raw else esc
        head = "".join(f'<th scope="col">{esc(h)}</th>' for h in header)
        body = []
        for row in rows:
            cells = [f'<th scope="row">{cell(row[0])}</th>']
            for j, value in enumerate(row[1:], start=1):
                cls = ' class="num"' if j >= numeric_from else ""
                cells.append(f"<td{cls}>{cell(value)}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        self.parts.append(
            f'<div class="table-wrap" role="region" aria-labelledby="{tid}-c" tabindex="0"><table id="{tid}">'
            f'<caption id="{tid}-c"><strong>{esc(label)}</strong> {esc(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
        )

    def close(self) -> str:
        if self.nav:
            self.parts.append("</section>")
        return "".join(self.parts)

