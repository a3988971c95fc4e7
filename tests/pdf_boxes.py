"""Read a printed certificate back: each line of text with where it sits (pypdf), and what
a box of the form holds — the text whose baseline lies inside the box's rectangle.

Shared by the printing tests and the service's print tests.
"""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pypdf

from coo_lab.printing.forms import Form, Rect

PT_TO_MM = 25.4 / 72
PAGE_H = 297.0


@dataclass(frozen=True)
class Line:
    x: float  # mm from the left
    y: float  # baseline, mm from the top
    text: str


def pages(pdf: bytes) -> list[list[Line]]:
    """Every page's lines of text, top to bottom (text drawn rotated is left out)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    out = []
    for page in reader.pages:
        lines: list[Line] = []

        def visit(text, cm, tm, _font, _size, lines=lines) -> None:
            if text.strip() and cm[1] == 0 and tm[1] == 0:
                x = tm[4] * cm[0] + cm[4]
                y = tm[5] * cm[3] + cm[5]
                lines.append(Line(x * PT_TO_MM, PAGE_H - y * PT_TO_MM, text.strip()))

        page.extract_text(visitor_text=visit)
        out.append(sorted(lines, key=lambda line: (round(line.y, 1), line.x)))
    return out


def within(lines: list[Line], rect: Rect) -> str:
    """The text inside a rectangle, one line per line."""
    return "\n".join(line.text for line in lines if rect.contains(line.x, line.y))


def box(lines: list[Line], form: Form, number: str, band: Rect | None = None) -> str:
    """What box ``number`` of ``form`` holds on a page, its title left out; for a column of
    the goods band, what the column holds (in ``band``, by default the first page's)."""
    for b in form.boxes:
        if b.no == number:
            return _untitled(within(lines, b.rect), f"{b.no}. {b.title}")
    column = next(c for c in form.columns if c.no == number)
    band = band or form.goods
    text = within(lines, Rect(column.x, band.y, column.w, band.h))
    return _untitled(text, f"{column.no}. {column.title}")


def _untitled(text: str, title: str) -> str:
    rows = text.split("\n")
    squeezed = "".join(title.split())
    for k in range(1, len(rows) + 1):
        if "".join("".join(rows[:k]).split()) == squeezed:
            return "\n".join(rows[k:])
    return text


def flat(text: str) -> str:
    """Text with its line breaks as spaces (a wrapped value reads as one)."""
    return " ".join(text.split())


def text(pdf: bytes) -> str:
    """All the text of the PDF as pypdf reads it (rotated text too, e.g. a watermark)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def png(pdf: bytes, folder: Path, *, dpi: int = 100, page: int = 1) -> Path:
    """One page rendered by poppler's pdftoppm: proof that the document is valid."""
    source = folder / "doc.pdf"
    source.write_bytes(pdf)
    target = folder / f"page{page}"
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
         str(source), str(target)],
        check=True,
        capture_output=True,
        timeout=120,
    )  # fmt: skip
    return target.with_suffix(".png")
