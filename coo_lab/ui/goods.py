"""The goods tab's state (商品信息): the line being edited, the grid, the processing dialog.

As in the deck: goods come after the basic info has been saved once; the editor's 新增 starts
a line, 保存 puts it into the list and saves the list on the service, 删除 and 复制 act on the
selected line. A general-CO line may carry a processing declaration (加工工序, see
``ProcessingDialog``); a preferential line takes its HS code, criterion and filing number
from an approved product filing.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from coo_lab.domain import codes
from coo_lab.domain.certificate import (
    Attachment,
    GoodsLine,
    ProcessingDeclaration,
)
from coo_lab.errors import ValidationFailed
from coo_lab.ui import messages
from coo_lab.ui.messages import Message
from coo_lab.ui.processing import ProcessingDialog
from coo_lab.ui.state import Model, Notice

if TYPE_CHECKING:
    from coo_lab.ui.form import CertificateForm

LINE_FIELDS = (
    "hs_code",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "amount",
    "net_weight",
    "net_weight_unit",
    "gross_weight",
    "packages",
    "package_kind",
    "fob_usd",
    "marks",
    "origin_criterion",
    "product_filing_number",
)


def blank_line() -> dict[str, Any]:
    return {
        **dict.fromkeys(LINE_FIELDS, ""),
        "net_weight_unit": "035",
        "marks": "N/M",
        "mark_images": [],
        "processing": None,
    }


def line_buffer(line: GoodsLine) -> dict[str, Any]:
    """A saved line as the editor's text fields."""
    buffer = blank_line()
    for field in LINE_FIELDS:
        value = getattr(line, field)
        buffer[field] = "" if value is None else str(value)
    buffer["mark_images"] = list(line.mark_images)
    buffer["processing"] = line.processing
    return buffer


def _line_of(buffer: dict[str, Any]) -> GoodsLine:
    return GoodsLine.model_validate(buffer)


class GoodsEditor(Model):
    def __init__(self, form: CertificateForm) -> None:
        super().__init__()
        self.form = form
        self.processing = ProcessingDialog(self)  # 加工工序编辑
        self.filing_areas: list[dict[str, Any]] = []  # approved areas a line may name
        self.reset()

    # --- state ---------------------------------------------------------------------------

    @property
    def lines(self) -> list[GoodsLine]:
        return self.form.draft.goods

    @property
    def processing_allowed(self) -> bool:
        """Only a general CO's line carries a processing declaration."""
        return not self.form.preferential

    def reset(self) -> None:
        self.selected: int | None = None
        self.buffer = blank_line()
        self.touched: set[str] = set()
        self.errors: dict[str, list[Message]] = {}
        self.processing.close()

    def sync(self) -> None:
        """After the certificate was (re)loaded: keep the selected line if it still exists."""
        if self.selected is not None and self.selected < len(self.lines):
            self.select(self.selected)
        else:
            self.reset()
        self.changed("all")

    def select(self, index: int | None) -> None:
        """Show a line of the grid in the editor."""
        if index is None or not 0 <= index < len(self.lines):
            self.reset()
        else:
            self.selected = index
            self.buffer = line_buffer(self.lines[index])
            self.touched, self.errors = set(), {}
        self.changed("all")

    def row_label(self, index: int) -> str:
        line = self.lines[index]
        unit = codes.unit(line.unit) if line.unit else None
        qty = f"{line.quantity} {unit.name_cn if unit else ''}".strip() if line.quantity else ""
        fob = f"FOB {line.fob_usd}" if line.fob_usd is not None else ""
        flag = " ⚠" if self.row_messages(index) else ""
        desc = line.description if len(line.description) <= 40 else line.description[:39] + "…"
        return f"{index + 1}. {line.hs_code} | {desc} | {qty} | {fob}{flag}"

    # --- editing -------------------------------------------------------------------------

    def add(self) -> None:
        """新增: an empty line in the editor (saved into the list by 保存)."""
        self.reset()
        self.changed("all")

    def display(self, field: str) -> Any:
        return self.buffer.get(field, "")

    def set(self, field: str, value: Any) -> None:
        self.buffer[field] = "" if value is None else value
        self.touched.add(field)
        self._validate()
        self.changed(field)

    def set_processing(self, declaration: ProcessingDeclaration | None) -> None:
        self.buffer["processing"] = declaration
        self.touched.add("processing")
        self._validate()
        self.changed("processing")

    def add_mark_images(self, files: list[tuple[str, str, bytes]]) -> None:
        """图片唛头: each image recorded by name, type, size and SHA-256."""
        images = list(self.buffer["mark_images"])
        images += [
            Attachment(
                name=name,
                content_type=ctype or "image/png",
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
            )
            for name, ctype, content in files
        ]
        self.set("mark_images", images)

    def load_filing_areas(self, q: str = "") -> bool:
        """The filing areas approved for this agreement that a line may name (the service's
        picker; a preferential line must come from one)."""
        session = self.form.session
        if not self.form.preferential or session.client is None:
            self.filing_areas = []
            return False

        def go() -> None:
            body = session.client.get(
                "/api/v1/filing-areas",
                agreement=self.form.draft.cert_type,
                q=q.strip() or None,
                page=1,
                page_size=100,
            )
            self.filing_areas = body["items"]

        ok = self.perform(go)
        self.changed("filing_areas")
        return ok

    def pick_area(self, filing_number: str) -> bool:
        """备案商品 picked: the line takes its HS code, name, criterion and filing number."""
        area = next((a for a in self.filing_areas if a["filing_number"] == filing_number), None)
        if area is None:
            return False
        self.pick_filing(area["hs_code"], area["name_en"], area["criterion"], filing_number)
        return True

    def pick_filing(self, hs_code: str, name_en: str, criterion: str, number: str) -> None:
        """A product filing approved for this agreement fills the line's origin fields."""
        self.buffer.update(
            hs_code=hs_code,
            description=self.buffer["description"] or f"{name_en}***",
            origin_criterion=criterion,
            product_filing_number=number,
        )
        self.touched |= {"hs_code", "description", "origin_criterion", "product_filing_number"}
        self._validate()
        self.changed("all")

    # --- messages ------------------------------------------------------------------------

    def messages(self, field: str) -> list[Message]:
        """The editor's input errors for a field, and the rule findings of the selected line."""
        own = messages.under(self.errors, field) if field in self.touched else []
        if self.selected is None:
            return own
        return own + messages.under(self.form.findings, f"goods.{self.selected}.{field}")

    def row_messages(self, index: int) -> list[Message]:
        return messages.under(self.form.all_messages(), f"goods.{index}")

    # --- actions -------------------------------------------------------------------------

    def save(self) -> bool:
        """保存: the edited line into the list, and the list onto the service."""
        if not self._may_edit():
            return False
        self.touched |= set(LINE_FIELDS)
        if not self._validate():
            self.tell(messages.fix_first(self.errors))
            self.changed("all")
            return False
        line = _line_of(self.buffer)
        lines = list(self.lines)
        if self.selected is None:
            lines.append(line)
            index = len(lines) - 1
        else:
            lines[self.selected] = line
            index = self.selected
        return self._persist(lines, index)

    def delete(self) -> bool:
        """删除 the selected line."""
        if not self._may_edit() or not self._has_selection():
            return False
        lines = [line for i, line in enumerate(self.lines) if i != self.selected]
        return self._persist(lines, None)

    def copy(self) -> bool:
        """复制 the selected line as a new line at the end."""
        if not self._may_edit() or not self._has_selection():
            return False
        lines = [*self.lines, self.lines[self.selected].model_copy()]
        return self._persist(lines, len(lines) - 1)

    # --- internals -----------------------------------------------------------------------

    def _may_edit(self) -> bool:
        if not self.form.saved:
            self.tell(Notice.of("error", "goods_need_save"))
            return False
        return True

    def _has_selection(self) -> bool:
        if self.selected is None:
            self.tell(Notice.of("error", "line_pick_first"))
            return False
        return True

    def _validate(self) -> bool:
        try:
            _line_of(self.buffer)
        except ValidationFailed as exc:
            self.errors = messages.from_validation(exc)
            return False
        self.errors = {}
        return True

    def _persist(self, lines: list[GoodsLine], select: int | None) -> bool:
        form = self.form
        saved = form._write(
            lambda: form.session.client.certificates.save_goods(
                form.draft.id, lines, form.draft.version
            )
        )
        if saved is None:
            self.tell(form.notice)
            return False
        form.adopt_goods(saved)
        self.select(select)
        self.tell(Notice.of("ok", "line_saved"))
        form.changed("goods")
        return True
