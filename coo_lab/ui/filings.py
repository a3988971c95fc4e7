"""Product filing (商品备案): thin screen models over ``client.filings`` (a service part
built beside this app).

The filing form: the product, its raw materials and components (at least one), the
preferential areas asked for (ECFA alone — the domain model says so), and per area the
status, criterion, filing number and review remark the service gives. The query: HS code,
names, status and the application dates, with row actions on the ticked rows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from coo_lab.domain.filing import ProductFiling
from coo_lab.errors import ValidationFailed
from coo_lab.ui import messages
from coo_lab.ui.messages import Message
from coo_lab.ui.session import Session
from coo_lab.ui.state import Model, Notice, error_notice

V1 = "/api/v1"
PRODUCT_FIELDS = (
    "hs_code",
    "name_en",
    "name_cn",
    "process_description",
    "manufacturer",
    "ex_works_unit_price",
    "fob_unit_price",
)
MATERIAL_FIELDS = ("hs_code", "name", "origin_country", "value", "originating")


def blank_material() -> dict[str, Any]:
    return {"hs_code": "", "name": "", "origin_country": "", "value": "", "originating": False}


class FilingForm(Model):
    """One product filing being edited (备案资料, 商品信息, 原材料、零部件)."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.new()

    def new(self) -> None:
        self.values: dict[str, Any] = dict.fromkeys(PRODUCT_FIELDS, "")
        self.values["wholly_obtained"] = False
        self.materials: list[dict[str, Any]] = [blank_material()]
        self.areas: list[str] = []
        self.record: dict[str, Any] | None = None  # the service's view once saved
        self.errors: dict[str, list[Message]] = {}
        self.receipts: list[dict[str, Any]] = []
        self.notice = None
        self.changed("all")

    @property
    def saved(self) -> bool:
        return self.record is not None

    def reload(self) -> None:
        """Shown again: the saved filing as the service has it now (its areas move on)."""
        if self.record is not None:
            self.load(self.record["id"])

    def allowed(self) -> set[str]:
        """Save and delete while nothing is under review or approved; submit drafts and
        returned areas (the service enforces the same)."""
        if not self.session.can_write:
            return set()
        if self.record is None:
            return {"save"}
        statuses = {a["status"] for a in self.record.get("areas", [])}
        out = {"copy"}
        if statuses <= {"draft", "returned"}:
            out |= {"save", "submit"}
        if statuses <= {"draft"}:
            out.add("delete")
        return out

    # --- editing -------------------------------------------------------------------------

    def display(self, field: str) -> Any:
        return self.values.get(field, "")

    def set(self, field: str, value: Any) -> None:
        self.values[field] = "" if value is None else value
        self.errors.pop(field, None)
        self.changed(field)

    def set_material(self, row: int, field: str, value: Any) -> None:
        self.materials[row][field] = "" if value is None else value
        self.errors.pop(f"materials.{row}.{field}", None)
        self.changed("materials")

    def add_material(self) -> None:
        self.materials.append(blank_material())
        self.changed("materials")

    def remove_material(self, row: int) -> None:
        if 0 <= row < len(self.materials):
            del self.materials[row]
        if not self.materials:
            self.materials.append(blank_material())
        self.changed("materials")

    def set_areas(self, codes: list[str]) -> None:
        self.areas = list(codes)
        self.errors.pop("areas", None)
        self.changed("areas")

    def messages(self, field: str) -> list[Message]:
        return messages.under(self.errors, field)

    # --- actions -------------------------------------------------------------------------

    def load(self, filing_id: int) -> bool:
        def go() -> None:
            self._adopt(self.session.client.filings.get(filing_id))
            self.receipts = self.session.client.get(f"{V1}/product-filings/{filing_id}/receipts")

        self.notice = None
        ok = self.perform(go)
        self.changed("all")
        return ok

    def filing(self) -> ProductFiling:
        """The form as a ``ProductFiling`` (formats checked; the service's parts left out)."""
        data: dict[str, Any] = {k: self.values[k] for k in PRODUCT_FIELDS}
        data["wholly_obtained"] = bool(self.values["wholly_obtained"])
        data["materials"] = [m for m in self.materials if any(m[k] for k in MATERIAL_FIELDS[:4])]
        data["areas"] = [{"agreement": code} for code in self.areas]
        return ProductFiling.model_validate(data)

    def save(self) -> bool:
        """保存 (暂存): create or replace the filing."""
        try:
            filing = self.filing()
        except ValidationFailed as exc:
            self.errors = messages.from_validation(exc)
            self.tell(error_notice(exc))
            self.changed("all")
            return False
        filings = self.session.client.filings

        def go() -> None:
            if self.record is None:
                self._adopt(filings.create(filing))
            else:
                self._adopt(filings.update(self.record["id"], filing, self.record["version"]))

        ok = self._write(go, Notice.of("ok", "saved"))
        self.changed("all")
        return ok

    def submit(self) -> bool:
        """申报: the origin engine assesses each area; one the product does not qualify for
        comes back returned at once, with the reason."""
        if not self.save():
            return False
        client = self.session.client

        def go() -> None:
            self._adopt(client.filings.submit(self.record["id"]))
            self.receipts = client.get(f"{V1}/product-filings/{self.record['id']}/receipts")

        ok = self._write(go)
        if ok:
            lines = tuple(
                (
                    f"{a['agreement']}：{a['status']} {a.get('criterion') or ''} "
                    f"{a.get('review_remark') or ''}".strip(),
                    f"{a['agreement']}: {a['status']} {a.get('criterion') or ''} "
                    f"{a.get('review_remark') or ''}".strip(),
                )
                for a in self.record["areas"]
            )
            self.tell(Notice("ok", "已申报。", "Submitted.", lines))
        self.changed("all")
        return ok

    def delete(self) -> bool:
        record = self.record
        if record is None:
            return False
        ok = self._write(
            lambda: self.session.client.filings.delete(record["id"], record["version"])
        )
        if ok:
            self.new()
            self.tell(Notice.of("ok", "deleted"))
        return ok

    def copy(self) -> bool:
        record = self.record
        if record is None:
            return False
        made: dict[str, Any] = {}
        ok = self._write(lambda: made.update(self.session.client.filings.copy(record["id"])))
        if ok:
            self.load(made["id"])
            self.tell(Notice.of("ok", "copied"))
        return ok

    def _write(self, action: Callable[[], object], ok: Notice | None = None) -> bool:
        try:
            action()
        except ValidationFailed as exc:
            self.errors = messages.from_validation(exc)
            self.tell(error_notice(exc))
            return False
        except Exception as exc:  # a refusal of the service, shown as a message
            self.tell(error_notice(exc))
            return False
        if ok is not None:
            self.tell(ok)
        return True

    def _adopt(self, body: dict[str, Any]) -> None:
        self.record = body
        for field in PRODUCT_FIELDS:
            value = body.get(field)
            self.values[field] = "" if value is None else str(value)
        self.values["wholly_obtained"] = bool(body.get("wholly_obtained"))
        self.materials = [
            {k: ("" if m.get(k) is None else m[k]) for k in MATERIAL_FIELDS}
            for m in body.get("materials") or []
        ] or [blank_material()]
        for m in self.materials:
            m["value"] = str(m["value"])
        self.areas = [a["agreement"] for a in body.get("areas") or []]
        self.errors = {}


class FilingQuery(Model):
    """商品备案查询: filters, one page of rows, row actions on the ticked rows."""

    FILTERS = ("hs_code", "name_cn", "name_en", "status", "created_from", "created_to")

    def __init__(self, session: Session, *, page_size: int = 20) -> None:
        super().__init__()
        self.session, self.page_size = session, page_size
        self.filters: dict[str, Any] = dict.fromkeys(self.FILTERS)
        self.rows: list[dict[str, Any]] = []
        self.page, self.total = 1, 0
        self.ticked: set[int] = set()
        self.on_open: Callable[[int], None] | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def set(self, name: str, value: Any) -> None:
        self.filters[name] = None if value in ("", None) else value

    def run(self, page: int = 1) -> bool:
        def go() -> None:
            params = {
                k: (v.isoformat() if isinstance(v, date) else v)
                for k, v in self.filters.items()
                if v is not None
            }
            body = self.session.client.get(
                f"{V1}/product-filings", page=page, page_size=self.page_size, **params
            )
            self.rows, self.total, self.page = body["items"], body["total"], page
            self.ticked &= {r["id"] for r in self.rows}

        ok = self.perform(go)
        self.changed("rows")
        return ok

    def reload(self) -> None:
        self.run(self.page)

    def reset(self) -> None:
        self.filters = dict.fromkeys(self.FILTERS)
        self.run()

    def tick(self, filing_id: int, on: bool = True) -> None:
        (self.ticked.add if on else self.ticked.discard)(filing_id)
        self.changed("ticks")

    def open(self, filing_id: int) -> None:
        if self.on_open is not None:
            self.on_open(filing_id)

    def act(self, action: str) -> int:
        """删除 / 复制 / 申报 on every ticked row, with progress."""
        rows = [r for r in self.rows if r["id"] in self.ticked]
        if not rows:
            self.tell(Notice.of("error", "selected_none"))
            return 0
        filings = self.session.client.filings
        calls: dict[str, Callable[[dict[str, Any]], object]] = {
            "delete": lambda r: filings.delete(r["id"], r["version"]),
            "copy": lambda r: filings.copy(r["id"]),
            "submit": lambda r: filings.submit(r["id"]),
        }
        failures = self.each(rows, calls[action])
        self.reload()
        done = len(rows) - len(failures)
        if failures:
            self.tell(
                Notice(
                    "error",
                    f"{done}/{len(rows)} 条成功；失败原因：",
                    f"{done} of {len(rows)} done; failures:",
                    tuple((f.zh, f.en) for f in failures),
                )
            )
        else:
            self.tell(Notice("ok", f"{done} 条已处理。", f"{done} done."))
        return done
