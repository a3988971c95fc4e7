"""Base data screens (基础资料): exporters, importers, producers, special clauses.

As in the deck: a list with tick boxes, 新增 / 编辑 / 删除, and an edit form with 保存,
保存并新增 and 取消; saved without review. The fields and their hints come from the deck;
their formats from the domain models (``Exporter``, ``Importer``…), checked as typed.
"""

from __future__ import annotations

from typing import Any

from coo_lab.domain.parties import Exporter, Importer, Producer, SpecialClause
from coo_lab.errors import ValidationFailed
from coo_lab.ui import messages, service
from coo_lab.ui.messages import Message
from coo_lab.ui.session import Session
from coo_lab.ui.state import Model, Notice, error_notice

# kind -> (model, form fields in the deck's order, list columns)
KINDS: dict[str, tuple[type, tuple[str, ...], tuple[str, ...]]] = {
    "exporters": (
        Exporter,
        ("code", "phone", "fax", "email", "name_en", "name_cn", "address_en", "address_cn"),
        ("name_cn", "name_en", "phone", "created_at"),
    ),
    "importers": (
        Importer,
        (
            "code",
            "bank_account",
            "email",
            "contact",
            "name_en",
            "name_cn",
            "address_en",
            "address_cn",
            "country",
            "fax1",
            "fax2",
            "phone1",
            "phone2",
            "notes",
        ),
        ("name_cn", "name_en", "bank_account", "phone1", "email", "contact"),
    ),
    "producers": (
        Producer,
        ("code", "name_cn", "name_en", "address_cn", "address_en"),
        ("name_cn", "name_en", "address_cn", "address_en", "created_at"),
    ),
    "special-clauses": (SpecialClause, ("code", "text"), ("text", "created_at")),
}
HINTS: dict[str, tuple[str, str]] = {
    "code": ("由数字字母组合，长度3-8位", "3-8 letters or digits"),
    "phone": ("请输入20位内数字、符号组合", "up to 20 digits and symbols"),
    "fax": ("数字、符号组合", "digits and symbols"),
    "bank_account": ("由数字字母组合，长度19位", "19 letters or digits"),
    "email": ("如 123@163.com", "e.g. name@example.com"),
}
TEXT_AREAS = frozenset({"address_en", "address_cn", "notes", "text"})


class BaseDataBook(Model):
    """One kind of base data: its list, the ticked rows, and the record being edited."""

    def __init__(self, session: Session, kind: str) -> None:
        super().__init__()
        if kind not in KINDS:
            raise ValueError(f"unknown base-data kind {kind!r}")
        self.session, self.kind = session, kind
        self.model, self.fields, self.columns = KINDS[kind]
        self.rows: list[dict[str, Any]] = []
        self.q = ""
        self.ticked: set[int] = set()
        self.editing: dict[str, Any] | None = None  # the form's text, field by field
        self.editing_id: int | None = None
        self.editing_version: int | None = None
        self.errors: dict[str, list[Message]] = {}

    # --- list --------------------------------------------------------------------------

    def load(self, q: str | None = None) -> bool:
        if q is not None:
            self.q = q

        def go() -> None:
            self.rows = service.base_records(self.session.client, self.kind, self.q)
            self.ticked &= {r["id"] for r in self.rows}

        ok = self.perform(go)
        self.changed("rows")
        return ok

    def reload(self) -> None:
        self.load()

    def tick(self, record_id: int, on: bool = True) -> None:
        (self.ticked.add if on else self.ticked.discard)(record_id)
        self.changed("ticks")

    # --- the edit form -----------------------------------------------------------------

    def start_new(self) -> None:
        """新增."""
        self.editing = dict.fromkeys(self.fields, "")
        self.editing_id = self.editing_version = None
        self.errors = {}
        self.changed("editing")

    def edit(self, record_id: int | None = None) -> bool:
        """编辑 the given record, or the one ticked."""
        if record_id is None:
            if len(self.ticked) != 1:
                self.tell(Notice.of("error", "selected_none"))
                return False
            record_id = next(iter(self.ticked))
        row = next((r for r in self.rows if r["id"] == record_id), None)
        if row is None:
            self.tell(Notice.of("error", "selected_none"))
            return False
        self.editing = {f: "" if row.get(f) is None else str(row[f]) for f in self.fields}
        self.editing_id, self.editing_version = row["id"], row["version"]
        self.errors = {}
        self.changed("editing")
        return True

    def cancel(self) -> None:
        """取消."""
        self.editing, self.editing_id, self.editing_version, self.errors = None, None, None, {}
        self.changed("editing")

    def display(self, field: str) -> Any:
        return (self.editing or {}).get(field, "")

    def set(self, field: str, value: Any) -> None:
        if self.editing is None:
            return
        self.editing[field] = "" if value is None else value
        self._validate(only=field)
        self.changed(field)

    def messages(self, field: str) -> list[Message]:
        return messages.under(self.errors, field)

    def save(self, and_new: bool = False) -> bool:
        """保存 (or 保存并新增): create or update on the service."""
        if self.editing is None:
            return False
        record = self._validate()
        if record is None:
            self.tell(Notice.of("error", "fix_fields"))
            self.changed("editing")
            return False
        book = getattr(self.session.client, self.kind.replace("-", "_"))

        def go() -> None:
            if self.editing_id is None:
                book.create(record)
            else:
                book.update(self.editing_id, record, self.editing_version)

        try:
            go()
        except ValidationFailed as exc:
            self.errors = messages.from_validation(exc)
            self.tell(Notice.of("error", "fix_fields"))
            self.changed("editing")
            return False
        except Exception as exc:  # a refusal of the service, shown as a message
            self.tell(error_notice(exc))
            return False
        self.load()
        if and_new:
            self.start_new()
        else:
            self.cancel()
        self.tell(Notice.of("ok", "saved"))
        return True

    def delete(self) -> int:
        """删除 the ticked records (a long list shows progress)."""
        rows = [r for r in self.rows if r["id"] in self.ticked]
        if not rows:
            self.tell(Notice.of("error", "selected_none"))
            return 0
        book = getattr(self.session.client, self.kind.replace("-", "_"))
        failures = self.each(rows, lambda r: book.delete(r["id"], r["version"]))
        self.ticked.clear()
        self.load()
        if failures:
            self.tell(failures[0])
        else:
            self.tell(Notice.of("ok", "deleted"))
        return len(rows) - len(failures)

    def _validate(self, only: str | None = None) -> Any:
        try:
            record = self.model.model_validate(dict(self.editing or {}))
        except ValidationFailed as exc:
            found = messages.from_validation(exc)
            if only is None:
                self.errors = found
            else:
                self.errors = {k: v for k, v in self.errors.items() if k != only}
                if only in found:
                    self.errors[only] = found[only]
            return None
        self.errors = {}
        return record
