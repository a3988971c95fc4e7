"""The processing declaration dialog (加工工序编辑) of a general-CO goods line.

The product, its processing steps and up to five imported materials (4-digit heading and
CIF unit price in USD); the ad-valorem percentage is the domain model's
(``ProcessingDeclaration.ad_valorem_percentage``), shown live while the prices are typed.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from coo_lab.domain.certificate import ImportedMaterial, ProcessingDeclaration
from coo_lab.errors import ValidationFailed
from coo_lab.ui import messages
from coo_lab.ui.i18n import LABELS
from coo_lab.ui.messages import Message
from coo_lab.ui.state import Model, Notice

if TYPE_CHECKING:
    from coo_lab.ui.goods import GoodsEditor

MAX_MATERIALS = 5


class ProcessingDialog(Model):
    """加工工序编辑: the product, its steps and up to five imported materials (4-digit heading
    and CIF unit price); the ad-valorem percentage is computed by the domain model."""

    FIELDS = ("hs_heading", "product_name", "delivery_unit_price", "processing_steps")

    def __init__(self, editor: GoodsEditor) -> None:
        super().__init__()
        self.editor = editor
        self.last: ProcessingDeclaration | None = None  # 内容和上次一样
        self.close()

    def close(self) -> None:
        self.is_open = False
        self.values: dict[str, str] = dict.fromkeys(self.FIELDS, "")
        self.values["declared_percentage"] = ""
        self.materials: list[list[str]] = [["", ""] for _ in range(MAX_MATERIALS)]
        self.errors: dict[str, list[Message]] = {}
        self.changed("all")

    def show(self) -> None:
        """需要申报，重新填写: open with the line's declaration, or the line's heading."""
        current = self.editor.buffer.get("processing")
        self.close()
        if current is not None:
            self._load(current)
        else:
            self.values["hs_heading"] = str(self.editor.buffer.get("hs_code") or "")[:4]
        self.is_open = True
        self.changed("all")

    def same_as_last(self) -> bool:
        """需要申报，内容和上次一样."""
        if self.last is None:
            return False
        self._load(self.last)
        self.is_open = True
        self.changed("all")
        return True

    def set(self, field: str, value: str) -> None:
        self.values[field] = value
        self.changed(field)

    def set_material(self, row: int, column: int, value: str) -> None:
        self.materials[row][column] = value
        self.changed("materials")

    @property
    def computed_percentage(self) -> Any:
        """``sum(CIF) ÷ delivery unit price`` of the rows that are filled in well, or None."""
        try:
            materials = [
                ImportedMaterial.model_construct(hs_heading=h, cif_unit_price_usd=_decimal(c))
                for h, c in self.materials
                if c.strip()
            ]
            draft = ProcessingDeclaration.model_construct(
                delivery_unit_price=_decimal(self.values["delivery_unit_price"], positive=True),
                imported_materials=materials,
            )
            return draft.ad_valorem_percentage
        except ValueError:
            return None

    def declaration(self) -> ProcessingDeclaration:
        data: dict[str, Any] = {k: self.values[k] for k in self.FIELDS}
        data["imported_materials"] = [
            {"hs_heading": h, "cif_unit_price_usd": c}
            for h, c in self.materials
            if h.strip() or c.strip()
        ]
        declared = self.values["declared_percentage"].strip().rstrip("%").strip()
        data["declared_percentage"] = declared or self.computed_percentage
        return ProcessingDeclaration.model_validate(data)

    def confirm(self) -> bool:
        """确定: the declaration goes onto the edited line (saved with the line)."""
        try:
            declaration = self.declaration()
        except ValidationFailed as exc:
            self.errors = messages.from_validation(exc)
            zh, en = LABELS["fix_fields"]
            self.tell(Notice("error", zh, en))
            self.changed("all")
            return False
        self.editor.set_processing(declaration)
        self.last = declaration
        self.close()
        return True

    def remove(self) -> None:
        self.editor.set_processing(None)
        self.close()

    def messages(self, field: str) -> list[Message]:
        return messages.under(self.errors, field)

    def _load(self, d: ProcessingDeclaration) -> None:
        self.values = {
            "hs_heading": d.hs_heading,
            "product_name": d.product_name,
            "delivery_unit_price": str(d.delivery_unit_price),
            "processing_steps": d.processing_steps,
            "declared_percentage": ""
            if d.declared_percentage is None
            else str(d.declared_percentage),
        }
        self.materials = [["", ""] for _ in range(MAX_MATERIALS)]
        for i, m in enumerate(d.imported_materials[:MAX_MATERIALS]):
            self.materials[i] = [m.hs_heading, str(m.cif_unit_price_usd)]


def _decimal(text: str, *, positive: bool = False) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not value.is_finite() or value < 0 or (positive and value == 0):
        raise ValueError(text)
    return value
