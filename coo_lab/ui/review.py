"""The reviewer's desk (签证机构): the queue, one certificate with its findings, and the
decision — approve (the service gives the number) or return with a reason."""

from __future__ import annotations

from typing import Any

from coo_lab.domain.rules import CheckContext, check
from coo_lab.ui import messages, service
from coo_lab.ui.form import certificate_of
from coo_lab.ui.messages import Message
from coo_lab.ui.session import Session
from coo_lab.ui.state import Model, Notice


class ReviewDesk(Model):
    def __init__(self, session: Session, *, page_size: int = 20) -> None:
        super().__init__()
        self.session, self.page_size = session, page_size
        self.rows: list[dict[str, Any]] = []
        self.page, self.total = 1, 0
        self.current: dict[str, Any] | None = None  # the service's view of the certificate
        self.findings: dict[str, list[Message]] = {}
        self.reason = ""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def load(self, page: int = 1) -> bool:
        """The queue: submitted certificates of this office's enterprises, oldest first."""

        def go() -> None:
            rows, total = service.review_queue_page(
                self.session.client, page=page, page_size=self.page_size
            )
            self.rows, self.total, self.page = rows, total, page

        ok = self.perform(go)
        self.changed("rows")
        return ok

    def reload(self) -> None:
        self.load(self.page)

    def open(self, cert_id: int) -> bool:
        """The certificate with the findings stored at submission and the rules run now."""

        def go() -> None:
            body = self.session.client.review.get(cert_id)
            stored = body.get("findings") or []
            now = check(certificate_of(body), CheckContext())
            self.current = body
            self.findings = messages.from_findings([*stored, *now])
            self.reason = ""

        ok = self.perform(go)
        self.changed("current")
        return ok

    def set_reason(self, reason: str) -> None:
        self.reason = reason

    def approve(self) -> bool:
        """审核通过: the certificate gets its number and signing date."""
        if self.current is None:
            return False

        def go() -> None:
            body = self.session.client.review.approve(self.current["id"])
            number = body.get("certificate_number") or ""
            self.current = body
            self.tell(Notice.of("ok", "approved_ok", number=number))

        if not self.perform(go):
            return False
        self.load(self.page)
        self.changed("current")
        return True

    def return_(self, reason: str | None = None) -> bool:
        """退回 with a reason the enterprise reads in its receipt."""
        if self.current is None:
            return False
        reason = (self.reason if reason is None else reason).strip()
        if not reason:
            self.tell(Notice.of("error", "reason_required"))
            return False

        def go() -> None:
            self.current = self.session.client.review.return_(self.current["id"], reason)
            self.reason = ""

        if not self.perform(go, ok=Notice.of("ok", "returned_ok")):
            return False
        self.load(self.page)
        self.changed("current")
        return True


class FilingReviewDesk(Model):
    """The reviewer's product filings (thin, over the filing review of ``client.review``):
    the queue, a filing with the origin engine's verdict per area, approve or return an
    area."""

    def __init__(self, session: Session, *, page_size: int = 20) -> None:
        super().__init__()
        self.session, self.page_size = session, page_size
        self.rows: list[dict[str, Any]] = []
        self.page, self.total = 1, 0
        self.current: dict[str, Any] | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def reload(self) -> None:
        self.load(self.page)

    def load(self, page: int = 1) -> bool:
        def go() -> None:
            body = self.session.client.get(
                "/api/v1/review/filing-queue", page=page, page_size=self.page_size
            )
            self.rows, self.total, self.page = body["items"], body["total"], page

        ok = self.perform(go)
        self.changed("rows")
        return ok

    def open(self, filing_id: int) -> bool:
        def go() -> None:
            self.current = self.session.client.review.filing(filing_id)

        ok = self.perform(go)
        self.changed("current")
        return ok

    def decide(self, agreement: str, approve: bool, text: str = "") -> bool:
        """审核通过 (with an optional remark) or 退回 (with a reason) one area."""
        if self.current is None:
            return False
        if not approve and not text.strip():
            self.tell(Notice.of("error", "reason_required"))
            return False
        review, filing_id = self.session.client.review, self.current["id"]

        def go() -> None:
            if approve:
                review.approve_area(filing_id, agreement, text.strip())
            else:
                review.return_area(filing_id, agreement, text.strip())
            self.current = review.filing(filing_id)

        key = "approved_area" if approve else "returned_ok"
        if not self.perform(go, ok=Notice.of("ok", key)):
            return False
        self.load(self.page)
        self.changed("current")
        return True
