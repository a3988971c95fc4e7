"""A certificate rendered to PDF in the box layout of its form.

``render(cert, verification_url=..., issuer=...)`` gives the PDF of an issued certificate:
its number in the header with a QR code to the public verification page, every box of its
form filled, the goods in the form's columns, continuation sheets when the goods do not fit
(each with the declaration and certification boxes again), and an attached sheet for a box
whose text does not fit even at the smallest type. ``render(cert, draft=True)`` is the
preview: the same layout watermarked "DRAFT / 草稿", without number, QR code or the
authority's part of the certification box.

Everything is laid out first (box texts fitted, goods paginated), then drawn, so every page
knows the page count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from coo_lab.domain.agreements import agreement
from coo_lab.domain.certificate import Certificate
from coo_lab.printing import content
from coo_lab.printing.fonts import GlyphStore, store
from coo_lab.printing.forms import Box, Form, Rect, form, forms
from coo_lab.printing.goods import paginate
from coo_lab.printing.sheet import Sheet, line_height

TITLE, BODY, BODY_MIN, SIGNED, CAPTION = 5.8, 8.5, 5.0, 8.0, 5.5
PAD = 1.2
STRIP = Rect(10, 10, 190, 26)  # the header of continuation and attached sheets
WATERMARK = "DRAFT / 草稿"

WORDS = {
    "en": {
        "number": "Certificate No.",
        "page": "Page {i} of {n}",
        "verify": "Verify this certificate at:",
        "continuation": "CONTINUATION SHEET",
        "attached": "ATTACHED SHEET",
        "continued": "(CONTINUED ON PAGE {n})",
        "box_continued": "Box {no}. {title} (continued)",
    },
    "zh": {
        "number": "证书编号",
        "page": "第 {i} 页 共 {n} 页",
        "verify": "扫码或访问以下网址验证本证书：",
        "continuation": "续页",
        "attached": "附页",
        "continued": "（下接第 {n} 页）",
        "box_continued": "第 {no} 栏 {title}（续）",
    },
}


@dataclass
class Fitted:
    """A box's text fitted to its space: the type size, the lines shown, what did not fit."""

    size: float
    lines: list[str]
    overflow: list[str] = field(default_factory=list)


def render(
    cert: Certificate,
    *,
    verification_url: str | None = None,
    issuer: str = "",
    draft: bool = False,
    glyphs: GlyphStore | None = None,
) -> bytes:
    """The PDF of ``cert`` (see the module docstring); ``draft=True`` for a preview."""
    glyphs = glyphs or store()
    the_form = form(cert.cert_type)
    issued = bool(cert.certificate_number) and not draft
    page = _Page(the_form, cert, issuer=issuer, issued=issued, url=verification_url)
    font = glyphs.font(page.all_text(), labels=_labels())
    try:
        sheet = Sheet(glyphs, font, title=f"{the_form.code} {cert.certificate_number or ''}")
        if issued and cert.approved_at is not None:
            sheet.pdf.set_creation_date(cert.approved_at)  # so a reprint is the same file
        page.draw(sheet, draft)
        return sheet.output()
    finally:
        glyphs.release(font)


def preview(cert: Certificate, *, glyphs: GlyphStore | None = None) -> bytes:
    return render(cert, draft=True, glyphs=glyphs)


@cache
def _labels() -> tuple[str, ...]:
    """Every fixed word of every form: these go into the base font once per process."""
    out: list[str] = [WATERMARK, *content.CONTINUED.values(), *content.REPLACES.values()]
    out += [w for words in WORDS.values() for w in words.values()]
    out += ["离港日期运输工具装货港卸货港：", "中国台澎金马关税区香港澳门"]
    for f in forms():
        out += [b.title for b in f.boxes] + [c.title for c in f.columns]
        out += [f.declaration, f.certification, f.signatory, f.authority, f.subtitle]
        out += [*f.checklist, agreement(f.code).form_title]
    return tuple(out)


class _Page:
    """The certificate's content for its form, laid out, then drawn page by page."""

    def __init__(
        self, the_form: Form, cert: Certificate, *, issuer: str, issued: bool, url: str | None
    ) -> None:
        self.form, self.cert, self.issued = the_form, cert, issued
        self.words = WORDS[the_form.language]
        self.number = cert.certificate_number if issued else ""
        self.url = url if issued else None
        self.title = agreement(the_form.code).form_title
        self.texts = {
            b.no: content.box_text(cert, the_form, b.content, b.no)
            for b in the_form.boxes
            if b.content not in ("declaration", "certification", "checklist")
        }
        self.declaration = content.declaration(cert, the_form)
        self.certification = content.certification(cert, the_form, issuer, issued)
        self.ticks = content.checklist(cert, the_form)
        self.cells = [
            [content.cell(line, c, i) for c in the_form.columns]
            for i, line in enumerate(cert.goods, start=1)
        ]
        self.invoice = content.invoice(cert, the_form)

    def all_text(self) -> list[str]:
        signed = [self.declaration, self.certification]
        return [
            *self.texts.values(),
            *(x for s in signed for x in (s.statement, s.place_date, s.signer)),
            *(c for row in self.cells for c in row),
            self.invoice,
            self.number,
            self.url or "",
        ]

    # --- layout -----------------------------------------------------------------------------

    def draw(self, sheet: Sheet, draft: bool) -> None:
        fitted = {
            b.no: self._fit(sheet, self.texts[b.no], self._inner(sheet, b))
            for b in self.form.boxes
            if b.no in self.texts
        }
        goods = paginate(sheet, self.form, self.cells, first=self.form.goods, next_=self._band())
        annex = self._annex(sheet, fitted)
        total = len(goods.pages) + len(annex)
        for i in range(len(goods.pages)):
            sheet.add_page()
            if i == 0:
                self._header(sheet, total)
                for b in self.form.boxes:
                    if b not in self.form.bottom_boxes:
                        self._box(sheet, b, fitted.get(b.no))
            else:
                self._strip(sheet, self.words["continuation"], i + 1, total)
            goods.draw(sheet, i, self.invoice, self.words["continued"].format(n=i + 2))
            for b in self.form.bottom_boxes:
                self._box(sheet, b, fitted.get(b.no))
        for j, lines in enumerate(annex):
            sheet.add_page()
            self._strip(sheet, self.words["attached"], len(goods.pages) + j + 1, total)
            sheet.lines(STRIP.x + PAD, STRIP.bottom + 4, lines, BODY_MIN + 1)
        if draft:
            for n in range(1, total + 1):
                sheet.pdf.page = n
                with sheet.watermark_style(35, 105, 148.5):
                    sheet.text(0, 156.5, WATERMARK, 64, align="C", w=210)

    def _band(self) -> Rect:
        """The goods band of a continuation sheet: under the strip, above the bottom boxes."""
        top = STRIP.bottom + 2
        bottom = min((b.rect.y for b in self.form.bottom_boxes), default=287)
        return Rect(self.form.goods.x, top, self.form.goods.w, bottom - top)

    def _inner(self, sheet: Sheet, box: Box) -> Rect:
        title = sheet.wrap(f"{box.no}. {box.title}", box.rect.w - 2 * PAD, TITLE)
        top = box.rect.y + PAD * 0.6 + len(title) * line_height(TITLE) + 0.8
        return Rect(box.rect.x + PAD, top, box.rect.w - 2 * PAD, box.rect.bottom - PAD - top)

    def _fit(self, sheet: Sheet, text: str, area: Rect) -> Fitted:
        size = BODY
        while True:
            lines = sheet.wrap(text, area.w, size)
            if len(lines) * line_height(size) <= area.h or size <= BODY_MIN:
                break
            size = round(size - 0.5, 1)
        room = int(area.h // line_height(size))
        if len(lines) <= room:
            return Fitted(size, lines)
        keep = max(room - 1, 0)
        return Fitted(size, [*lines[:keep], content.CONTINUED[self.form.language]], lines[keep:])

    def _annex(self, sheet: Sheet, fitted: dict[str, Fitted]) -> list[list[str]]:
        """The attached sheets' lines: what did not fit in a box, under the box's name."""
        lines: list[str] = []
        for b in self.form.boxes:
            rest = fitted.get(b.no)
            if rest and rest.overflow:
                head = self.words["box_continued"].format(no=b.no, title=b.title)
                lines += [*sheet.wrap(head, STRIP.w - 2 * PAD, BODY_MIN + 1), ""]
                lines += sheet.wrap("\n".join(rest.overflow), STRIP.w - 2 * PAD, BODY_MIN + 1)
                lines.append("")
        room = int((287 - STRIP.bottom - 4) // line_height(BODY_MIN + 1))
        return [lines[i : i + room] for i in range(0, len(lines), room)]

    # --- drawing ----------------------------------------------------------------------------

    def _box(self, sheet: Sheet, box: Box, fitted: Fitted | None) -> None:
        r = box.rect
        sheet.rect(r.x, r.y, r.w, r.h)
        inner = self._inner(sheet, box)
        title = sheet.wrap(f"{box.no}. {box.title}", r.w - 2 * PAD, TITLE)
        sheet.lines(r.x + PAD, r.y + PAD * 0.6, title, TITLE)
        if box.content == "declaration":
            self._signed(sheet, inner, self.declaration)
        elif box.content == "certification":
            self._signed(sheet, inner, self.certification)
        elif box.content == "checklist":
            self._checklist(sheet, inner)
        elif fitted is not None:
            sheet.lines(inner.x, inner.y, fitted.lines, fitted.size)

    def _signed(self, sheet: Sheet, area: Rect, signed: content.Signed) -> None:
        """Statement at the top; place and date, then the signer, over a dotted rule and
        its caption at the bottom."""
        caption = sheet.wrap(signed.caption, area.w, CAPTION)
        caption_top = area.bottom - len(caption) * line_height(CAPTION)
        sheet.lines(area.x, caption_top, caption, CAPTION)
        rule = caption_top - 0.6
        with sheet.pdf.local_context(dash_pattern={"dash": 0.6, "gap": 0.6}):
            sheet.hline(area.x, area.right, rule)
        filled = [x for x in (signed.place_date, signed.signer) if x]
        filled_top = rule - 0.8 - len(filled) * line_height(SIGNED)
        sheet.lines(area.x, filled_top, filled, SIGNED)
        room = Rect(area.x, area.y, area.w, filled_top - area.y - 1)
        statement = self._fit(sheet, signed.statement, room)
        sheet.lines(area.x, area.y, statement.lines, min(statement.size, 6.8))

    def _checklist(self, sheet: Sheet, area: Rect) -> None:
        items = list(self.ticks.items())
        if not items:
            return
        step = area.w / len(items)
        square = 3.0
        for i, (label, ticked) in enumerate(items):
            x = area.x + i * step
            sheet.rect(x, area.y + 0.5, square, square)
            if ticked:
                sheet.text(x, area.y + 0.5 + square - 0.6, "X", 7, align="C", w=square)
            lines = sheet.wrap(label, step - square - 2, 6)
            sheet.lines(x + square + 1, area.y + 0.3, lines, 6)

    def _header(self, sheet: Sheet, total: int) -> None:
        r = self.form.header
        sheet.rect(r.x, r.y, r.w, r.h)
        self._number_line(sheet, r, 1, total)
        qr = min(22.0, r.h * 0.45)
        qr_top = r.bottom - PAD - qr
        if self.url:
            sheet.qr(r.right - PAD - qr, qr_top, qr, self.url)
            text_w = r.w - qr - 3 * PAD
            lines = [self.words["verify"], *sheet.wrap(self.url, text_w, CAPTION)]
            top = r.bottom - PAD - len(lines) * line_height(CAPTION)
            sheet.lines(r.x + PAD, top, lines, CAPTION)
        title_area = Rect(r.x + PAD, r.y + 8, r.w - 2 * PAD, qr_top - r.y - 9)
        text = self.title + ("\n" + self.form.subtitle if self.form.subtitle else "")
        fitted = self._fit_title(sheet, text, title_area)
        sheet.lines(
            title_area.x, title_area.y, fitted.lines, fitted.size, align="C", w=title_area.w
        )

    def _fit_title(self, sheet: Sheet, text: str, area: Rect) -> Fitted:
        size = 10.0
        while size > 5:
            lines = sheet.wrap(text, area.w, size)
            if len(lines) * line_height(size) <= area.h:
                break
            size -= 0.5
        return Fitted(size, sheet.wrap(text, area.w, size))

    def _number_line(self, sheet: Sheet, r: Rect, page: int, total: int) -> None:
        baseline = r.y + 5.2
        label = self.words["number"]
        sheet.text(r.x + PAD, baseline, label, 7)
        sheet.text(r.x + PAD + sheet.width(label, 7) + 2, baseline, self.number, 10)
        page_text = self.words["page"].format(i=page, n=total)
        sheet.text(r.x, baseline, page_text, 6, align="R", w=r.w - PAD)

    def _strip(self, sheet: Sheet, kind: str, page: int, total: int) -> None:
        r = STRIP
        sheet.rect(r.x, r.y, r.w, r.h)
        qr = r.h - 2 * PAD
        if self.url:
            sheet.qr(r.right - PAD - qr, r.y + PAD, qr, self.url)
        self._number_line(sheet, Rect(r.x, r.y, r.w - qr - 2 * PAD, r.h), page, total)
        area = Rect(r.x + PAD, r.y + 8, r.w - qr - 4 * PAD, r.h - 9)
        fitted = self._fit_title(sheet, f"{kind}\n{self.title}", area)
        sheet.lines(area.x, area.y, fitted.lines, fitted.size, align="C", w=area.w)


__all__ = ["preview", "render"]
