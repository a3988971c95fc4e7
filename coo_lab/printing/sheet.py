"""A PDF page surface for the forms: text measured, wrapped and drawn in font runs; lines,
boxes and QR codes.

Text is measured from the glyph store's advance widths (the same widths the embedded font
carries), wrapped at spaces — and between any two Chinese characters, which need none — and
drawn line by line at a baseline.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, lru_cache

from fpdf import FPDF

from coo_lab.printing.fonts import FAMILY, FontFile, GlyphStore

PT = 25.4 / 72  # millimetres per point
LEADING = 1.22  # line height / font size


def line_height(size: float) -> float:
    return size * PT * LEADING


_UNACCENTED = {
    "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Ŀ": "L", "ŀ": "l",
    "Ŧ": "T", "ŧ": "t", "Ŋ": "N", "ŋ": "n", "ĸ": "k", "ſ": "s", "Ĳ": "IJ", "ĳ": "ij",
    "Œ": "OE", "œ": "oe", "ŉ": "n",
}  # fmt: skip
"""Letters with a stroke or ligatures, which have no Unicode decomposition."""


@cache
def _wide(char: str) -> bool:
    """East Asian wide characters: a line may break before or after any of them."""
    return unicodedata.east_asian_width(char) in ("W", "F")


@lru_cache(maxsize=1024)
def _qr_matrix(data: str) -> tuple[bytes, ...]:
    """The QR modules of ``data`` (computed once per URL: a reprint reuses them)."""
    import segno

    return tuple(bytes(row) for row in segno.make(data, error="m", micro=False).matrix)


class Sheet:
    """One PDF being drawn (A4 portrait, millimetres)."""

    def __init__(self, store: GlyphStore, font: FontFile, *, title: str = "") -> None:
        self.store = store
        self.chars = font.chars | {"\n"}
        self.pdf = FPDF(orientation="P", unit="mm", format="A4")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(0, 0, 0)
        self.pdf.set_creator("coo_lab")
        if title:
            self.pdf.set_title(title)
        self.pdf.add_font(FAMILY, "", str(font.path))
        # the glyphs' bounding boxes are right already (the store built the font):
        # recomputing them when fpdf2 writes the subset would decode every outline again
        self.pdf.fonts[FAMILY].ttfont.recalcBBoxes = False
        self.pdf.set_font(FAMILY, size=8)
        self._size = 8.0
        self.pdf.set_line_width(0.25)
        self.pdf.set_draw_color(0)
        self.pdf.set_text_color(0)

    def add_page(self) -> None:
        self.pdf.add_page()

    def output(self) -> bytes:
        return bytes(self.pdf.output())

    # --- text -------------------------------------------------------------------------------

    def printable(self, text: str) -> str:
        """Tabs as spaces, other control characters dropped; a letter the font lacks (Noto
        Sans CJK has few of Latin Extended-A: Ł, Ş, Č…) printed without its accent, and
        anything else it lacks as ``?`` (a hole in a certificate is worse than a mark)."""
        if self.chars.issuperset(text):
            return text
        out = []
        for c in text:
            if c in self.chars:
                out.append(c)
            elif c == "\t":
                out.append(" ")
            elif unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co"):
                out.append(self._plain(c))
        return "".join(out)

    def _plain(self, char: str) -> str:
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        base = _UNACCENTED.get(char, base)
        return base if base and self.chars.issuperset(base) else "?"

    def width(self, text: str, size: float) -> float:
        return self.store.measure(text) * size * PT / 1000

    def wrap(self, text: str, width: float, size: float) -> list[str]:
        """The lines of ``text`` within ``width`` mm at ``size`` pt (its own line breaks
        kept, trailing empty lines dropped)."""
        limit = width * 1000 / (size * PT)
        lines: list[str] = []
        for paragraph in self.printable(text).split("\n"):
            lines += self._wrap_paragraph(paragraph.rstrip(), limit)
        while lines and not lines[-1]:
            lines.pop()
        return lines

    def _wrap_paragraph(self, text: str, limit: float) -> list[str]:
        if not text:
            return [""]
        advance = self.store.advance
        out, start, used, brk, i = [], 0, 0.0, -1, 0
        while i < len(text):
            if i > start and (text[i - 1] in " -" or _wide(text[i - 1]) or _wide(text[i])):
                brk = i
            adv = advance(text[i])
            if used + adv > limit and i > start:
                cut = brk if brk > start else i
                out.append(text[start:cut].rstrip())
                start = cut
                while start < len(text) and text[start] == " ":
                    start += 1
                used = sum(advance(c) for c in text[start:i])
                brk = -1
                i = max(i, start)
                continue
            used += adv
            i += 1
        out.append(text[start:].rstrip())
        return out

    def text(
        self, x: float, baseline: float, text: str, size: float, *, align: str = "L", w: float = 0
    ) -> None:
        """One line at a baseline; ``align`` "C" or "R" within ``w`` mm from ``x``."""
        if not text:
            return
        if align != "L":
            free = w - self.width(text, size)
            x += free / 2 if align == "C" else free
        if size != self._size:
            self.pdf.set_font_size(size)
            self._size = size
        self.pdf.text(x, baseline, text)

    def lines(self, x: float, top: float, lines: list[str], size: float, **kw) -> float:
        """Lines from ``top`` down; returns the y under the last one."""
        step = line_height(size)
        y = top
        for line in lines:
            self.text(x, y + size * PT * 0.88, line, size, **kw)
            y += step
        return y

    # --- drawing ----------------------------------------------------------------------------

    def rect(self, x: float, y: float, w: float, h: float, fill: bool = False) -> None:
        self.pdf.rect(x, y, w, h, style="F" if fill else "D")

    def hline(self, x1: float, x2: float, y: float) -> None:
        self.pdf.line(x1, y, x2, y)

    def vline(self, x: float, y1: float, y2: float) -> None:
        self.pdf.line(x, y1, x, y2)

    def qr(self, x: float, y: float, size: float, data: str) -> None:
        """A QR code (error correction M) of ``size`` mm with its quiet zone, drawn as
        vector squares: it stays sharp at any printing resolution."""
        matrix = _qr_matrix(data)
        modules = len(matrix) + 8  # 4 modules of quiet zone on each side
        unit = size / modules
        self.pdf.set_fill_color(0)
        for row, cells in enumerate(matrix):
            col = 0
            while col < len(cells):
                if cells[col]:
                    start = col
                    while col < len(cells) and cells[col]:
                        col += 1
                    self.pdf.rect(
                        x + (start + 4) * unit,
                        y + (row + 4) * unit,
                        (col - start) * unit,
                        unit,
                        style="F",
                    )
                else:
                    col += 1

    @contextmanager
    def watermark_style(self, angle: float, cx: float, cy: float) -> Iterator[None]:
        with self.pdf.local_context(fill_opacity=0.28, text_color=(200, 30, 30)):
            with self.pdf.rotation(angle, cx, cy):
                yield
            self._size = 0.0  # the context restores fpdf2's font size: set it again next time
