"""The authority's side of product filing: the queue, a filing with the origin engine's
findings, approve or return each area; and filings recorded at the office's counter."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from coo_lab.domain.formats import EnterpriseCode
from coo_lab.server import authority_filings, filing_review
from coo_lab.server.deps import DB, Reviewer
from coo_lab.server.filing_schemas import (
    AreaDecision,
    AuthorityFilingView,
    FilingReviewView,
    ProductFilingInput,
    ProductFilingView,
    QueuedFiling,
)
from coo_lab.server.routes.common import PageNo, PageSize, RecordId, page_of, with_etag
from coo_lab.server.routes.filings import Agreement
from coo_lab.server.schemas import Page, Reason

router = APIRouter(prefix="/api/v1", tags=["review"])


@router.get("/review/filing-queue", response_model=Page[QueuedFiling])
def queue(user: Reviewer, db: DB, page: PageNo = 1, page_size: PageSize = 50) -> dict:
    """Product filings of the office's enterprises with an area waiting, oldest first."""
    with db.read() as tx:
        rows, total = filing_review.queue(tx, user, page, page_size)
    return page_of(rows, total, page, page_size)


@router.get("/review/filings/{filing_id}", response_model=FilingReviewView)
def show(filing_id: RecordId, user: Reviewer, db: DB):
    """A declared filing, the manufacturer included, with the engine's verdict per area."""
    with db.read() as tx:
        return with_etag(filing_review.reviewer_view(tx, user, filing_id))


@router.post(
    "/review/filings/{filing_id}/areas/{agreement}/approve", response_model=ProductFilingView
)
def approve(
    filing_id: RecordId,
    agreement: Agreement,
    user: Reviewer,
    db: DB,
    body: Annotated[AreaDecision | None, Body()] = None,
):
    """审核通过 one area: it gets its filing number (申请备案号) and keeps its criterion."""
    with db.transaction() as tx:
        return with_etag(
            filing_review.approve(tx, user, filing_id, agreement, body.remark if body else "")
        )


@router.post(
    "/review/filings/{filing_id}/areas/{agreement}/return", response_model=ProductFilingView
)
def return_(filing_id: RecordId, agreement: Agreement, body: Reason, user: Reviewer, db: DB):
    """退回 one area with the reason the enterprise sees in its receipt."""
    with db.transaction() as tx:
        return with_etag(filing_review.return_(tx, user, filing_id, agreement, body.reason))


@router.get(
    "/registry/enterprises/{enterprise_code}/product-filings",
    response_model=list[AuthorityFilingView],
    tags=["registry"],
)
def held(enterprise_code: EnterpriseCode, user: Reviewer, db: DB) -> list[dict]:
    """The filings the office holds for one of its enterprises (what data sync imports)."""
    with db.read() as tx:
        return authority_filings.held(tx, user.office_code, enterprise_code)


@router.post(
    "/registry/enterprises/{enterprise_code}/product-filings",
    status_code=201,
    response_model=AuthorityFilingView,
    tags=["registry"],
)
def record(enterprise_code: EnterpriseCode, body: ProductFilingInput, user: Reviewer, db: DB):
    """Record a filing approved at the counter: every area must qualify; each is numbered."""
    data = body.model_dump(mode="json")
    with db.transaction() as tx:
        return with_etag(authority_filings.record(tx, user, enterprise_code, data), 201)
