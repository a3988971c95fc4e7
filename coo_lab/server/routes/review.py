"""The authority's side: the review queue, a certificate with its findings, approve, return."""

from __future__ import annotations

from fastapi import APIRouter

from coo_lab.server import review
from coo_lab.server.deps import DB, Reviewer
from coo_lab.server.routes.certificates import _summary
from coo_lab.server.routes.common import PageNo, PageSize, RecordId, page_of, with_etag
from coo_lab.server.schemas import CertificateSummary, CertificateView, Page, Reason

router = APIRouter(prefix="/api/v1/review", tags=["review"])


@router.get("/queue", response_model=Page[CertificateSummary])
def queue(user: Reviewer, db: DB, page: PageNo = 1, page_size: PageSize = 50) -> dict:
    """Submitted certificates of the office's enterprises, oldest first."""
    with db.read() as tx:
        rows, total = review.queue(tx, user, page, page_size)
    return page_of([_summary(r) for r in rows], total, page, page_size)


@router.get("/certificates/{cert_id}", response_model=CertificateView)
def show(cert_id: RecordId, user: Reviewer, db: DB):
    with db.read() as tx:
        return with_etag(review.reviewer_view(tx, user, cert_id))


@router.post("/certificates/{cert_id}/approve", response_model=CertificateView)
def approve(cert_id: RecordId, user: Reviewer, db: DB):
    """审核通过: assigns the certificate number and the signing date."""
    with db.transaction() as tx:
        return with_etag(review.approve(tx, user, cert_id))


@router.post("/certificates/{cert_id}/return", response_model=CertificateView)
def return_(cert_id: RecordId, body: Reason, user: Reviewer, db: DB):
    """退回 with a reason the enterprise sees in its receipt."""
    with db.transaction() as tx:
        return with_etag(review.return_(tx, user, cert_id, body.reason))
