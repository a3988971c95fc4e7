"""The three certificate queries (优惠 / 一般 / 作废原产地证查询): filters, pages, row actions.

Row actions work on the ticked rows, one service call per row, with progress; what each
action may do in which status is the service's business (a refusal shows as a message for
that row). Clicking an invoice number opens the certificate (``on_open``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from coo_lab.domain.agreements import agreements
from coo_lab.ui import service
from coo_lab.ui.session import Session
from coo_lab.ui.state import Model, Notice

VIEWS = ("preferential", "general", "void")
FILTERS = (
    "invoice_number",
    "cert_type",
    "status",
    "hand_signer",
    "created_from",
    "created_to",
    "submitted_from",
    "submitted_to",
)
ACTIONS = {
    "preferential": ("copy", "edit", "submit", "preview", "print", "amend", "void", "delete"),
    "general": ("copy", "edit", "submit", "preview", "print", "amend", "void", "delete"),
    "void": ("copy", "preview"),
}
COLUMNS = (
    "invoice_date",
    "certificate_number",
    "cert_type_name",
    "importer_name",
    "hand_signer",
    "fob_usd",
    "status",
    "created_at",
    "submitted_at",
)


class CertificateQuery(Model):
    def __init__(self, session: Session, view: str, *, page_size: int = 20) -> None:
        super().__init__()
        if view not in VIEWS:
            raise ValueError(f"unknown view {view!r}; one of {VIEWS}")
        self.session, self.view, self.page_size = session, view, page_size
        self.filters: dict[str, Any] = dict.fromkeys(FILTERS)
        self.page, self.total = 1, 0
        self.rows: list[dict[str, Any]] = []
        self.ticked: set[int] = set()
        self.on_open: Callable[[int], None] | None = None
        self.pdfs: dict[int, bytes] = {}

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def type_choices(self) -> list[str]:
        """The types this query may filter on."""
        codes = [a.code for a in agreements()]
        if self.view == "general":
            return ["C"]
        if self.view == "preferential":
            return [c for c in codes if c != "C"]
        return codes

    def actions(self) -> tuple[str, ...]:
        acts = ACTIONS[self.view]
        return acts if self.session.can_write else tuple(a for a in acts if a == "preview")

    # --- filters and pages -----------------------------------------------------------------

    def set(self, name: str, value: Any) -> None:
        if name not in self.filters:
            raise KeyError(name)
        self.filters[name] = value if value not in ("",) else None

    def reset(self) -> None:
        self.filters = dict.fromkeys(FILTERS)
        self.run()

    def run(self, page: int = 1) -> bool:
        """查询: the rows of one page with the current filters."""

        def go() -> None:
            filters = {k: v for k, v in self.filters.items() if v is not None}
            for key in ("created_from", "created_to", "submitted_from", "submitted_to"):
                if isinstance(filters.get(key), date):
                    filters[key] = filters[key].isoformat()
            rows, total = service.certificate_page(
                self.session.client,
                view=self.view,
                page=page,
                page_size=self.page_size,
                **filters,
            )
            self.rows, self.total, self.page = rows, total, page
            self.ticked &= {r["id"] for r in rows}

        ok = self.perform(go)
        self.changed("rows")
        return ok

    def reload(self) -> None:
        """Shown again: the same page, fresh."""
        self.refresh()

    def next_page(self) -> bool:
        return self.run(min(self.page + 1, self.pages))

    def previous_page(self) -> bool:
        return self.run(max(self.page - 1, 1))

    def refresh(self) -> bool:
        return self.run(self.page)

    # --- rows ------------------------------------------------------------------------------

    def tick(self, cert_id: int, on: bool = True) -> None:
        (self.ticked.add if on else self.ticked.discard)(cert_id)
        self.changed("ticks")

    def open(self, cert_id: int) -> None:
        """Clicking an invoice number (or 编辑): the certificate screen opens it."""
        if self.on_open is not None:
            self.on_open(cert_id)

    def act(self, action: str, reason: str = "") -> int:
        """A row action on every ticked row; returns how many succeeded."""
        rows = [r for r in self.rows if r["id"] in self.ticked]
        if not rows:
            self.tell(Notice.of("error", "selected_none"))
            return 0
        if action == "edit":
            self.open(rows[0]["id"])
            return 1
        if action == "void" and not reason.strip():
            self.tell(Notice.of("error", "reason_required"))
            return 0
        certs = self.session.client.certificates
        calls: dict[str, Callable[[dict[str, Any]], object]] = {
            "copy": lambda r: certs.copy(r["id"]),
            "submit": lambda r: certs.submit(r["id"]),
            "amend": lambda r: certs.amend_reissue(r["id"]),
            "delete": lambda r: certs.delete(r["id"], r["version"]),
            "void": lambda r: certs.void(r["id"], reason.strip(), r["version"]),
            "preview": lambda r: self.pdfs.__setitem__(r["id"], certs.preview(r["id"])),
            "print": lambda r: self.pdfs.__setitem__(r["id"], certs.pdf(r["id"])),
        }
        failures = self.each(rows, calls[action])
        done = len(rows) - len(failures)
        self.refresh()
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
