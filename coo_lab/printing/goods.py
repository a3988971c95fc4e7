"""The goods band: its columns' titles, the goods lines wrapped in their columns, and the
lines spread over as many pages as they need.

A line that fits on a fresh page is never split; one longer than a whole band (a very long
description) continues on the next page. The invoice column prints the invoice number and
date once per page, at its top. A page the goods continue from says so at its foot.
"""

from __future__ import annotations

from dataclasses import dataclass

from coo_lab.printing.forms import Form, Rect
from coo_lab.printing.sheet import Sheet, line_height

SIZE = 7.5  # the goods' type size
TITLE = 5.8
PAD = 1.2
GAP = 1.4  # between two goods lines

Row = list[list[str]]  # one goods line: the wrapped lines of each column


@dataclass
class GoodsPages:
    form: Form
    bands: list[Rect]  # the band on each page
    pages: list[list[Row]]
    titles: list[list[str]]
    title_h: float

    def draw(self, sheet: Sheet, index: int, invoice: str, continued: str) -> None:
        band, columns = self.bands[index], self.form.columns
        sheet.rect(band.x, band.y, band.w, band.h)
        for c in columns[1:]:
            sheet.vline(c.x, band.y, band.bottom)
        sheet.hline(band.x, band.right, band.y + self.title_h)
        for c, lines in zip(columns, self.titles, strict=True):
            sheet.lines(c.x + PAD, band.y + PAD * 0.6, lines, TITLE)
        top = band.y + self.title_h + PAD
        for c in columns:
            if "invoice" in c.show:
                sheet.lines(c.x + PAD, top, sheet.wrap(invoice, c.w - 2 * PAD, SIZE), SIZE)
        y = top
        for row in self.pages[index]:
            for c, lines in zip(columns, row, strict=True):
                sheet.lines(c.x + PAD, y, lines, SIZE)
            y += _height(row) + GAP
        if index < len(self.pages) - 1:
            widest = max(columns, key=lambda c: c.w)
            baseline = band.bottom - PAD - 0.6
            sheet.text(widest.x + PAD, baseline, continued, SIZE)


def _height(row: Row) -> float:
    return max((len(lines) for lines in row), default=0) * line_height(SIZE)


def paginate(sheet: Sheet, form: Form, cells: list[list[str]], *, first: Rect, next_: Rect):
    """The goods lines (their cells' text) laid out on the first page's band and as many
    continuation bands as needed."""
    titles = [sheet.wrap(f"{c.no}. {c.title}", c.w - 2 * PAD, TITLE) for c in form.columns]
    title_h = max(len(t) for t in titles) * line_height(TITLE) + 2 * PAD
    reserve = title_h + 2 * PAD + line_height(SIZE) + GAP  # titles, padding, the "continued"
    rows = [
        [sheet.wrap(text, c.w - 2 * PAD, SIZE) for c, text in zip(form.columns, line, strict=True)]
        for line in cells
    ]
    bands, pages = [first], [[]]
    room = first.h - reserve
    for row in rows:
        while row:
            need = _height(row)
            if need <= room:
                pages[-1].append(row)
                room -= need + GAP
                break
            fits_fresh = need <= next_.h - reserve
            can_split = int(room // line_height(SIZE))
            if pages[-1] and (fits_fresh or can_split <= 0):
                bands.append(next_)
                pages.append([])
                room = next_.h - reserve
                continue
            if can_split <= 0:  # an empty band too small for a single line: cannot happen
                raise ValueError(f"the goods band of form {form.code} has no room for a line")
            pages[-1].append([lines[:can_split] for lines in row])
            row = [lines[can_split:] for lines in row]
            if not any(row):
                break
            bands.append(next_)
            pages.append([])
            room = next_.h - reserve
    return GoodsPages(form, bands, pages, titles, title_h)
