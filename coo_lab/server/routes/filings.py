"""Product filings (商品备案): create, edit, copy, delete, check, submit, query; and the
approved areas a certificate's goods lines may draw on."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from coo_lab.domain.agreements import CERTIFICATE_TYPES
from coo_lab.domain.lifecycle import FilingStatus
from coo_lab.server import filing_review, filings
from coo_lab.server.deps import DB, EnterpriseScope, WriterScope
from coo_lab.server.filing_schemas import (
    Assessment,
    FilingSummary,
    ProductFilingInput,
    ProductFilingView,
    UsableArea,
)
from coo_lab.server.receipts import list_receipts
from coo_lab.server.routes.common import (
    IdempotencyKey,
    IfMatch,
    PageNo,
    PageSize,
    RecordId,
    idempotent_write,
    page_of,
    with_etag,
)
from coo_lab.server.schemas import Page, ReceiptOut

router = APIRouter(prefix="/api/v1", tags=["product filings"])
Agreement = Literal[tuple(t for t in CERTIFICATE_TYPES if t != "C")]  # type: ignore[misc]
Search = Annotated[str | None, Query(max_length=100)]
PATH = "/product-filings"


@router.get(PATH, response_model=Page[FilingSummary])
def query(
    scope: EnterpriseScope,
    db: DB,
    hs_code: Annotated[str | None, Query(max_length=12, pattern=r"^[0-9. ]*$")] = None,
    name_en: Search = None,
    name_cn: Search = None,
    status: FilingStatus | None = None,
    agreement: Agreement | None = None,
    created_from: date | None = None,
    created_to: date | None = None,
    submitted_from: date | None = None,
    submitted_to: date | None = None,
    sort: Literal[tuple(sorted(filings.SORTABLE))] = "created_at",  # type: ignore[valid-type]
    order: Literal["asc", "desc"] = "desc",
    page: PageNo = 1,
    page_size: PageSize = 50,
) -> dict:
    """商品备案查询: by HS code (leading digits), names (any part), status, area and the
    created / submitted date ranges."""
    with db.read() as tx:
        rows, total = filings.query(
            tx,
            scope.company_id,
            hs_code=hs_code,
            name_en=name_en,
            name_cn=name_cn,
            status=status.value if status else None,
            agreement=agreement,
            created_from=created_from,
            created_to=created_to,
            submitted_from=submitted_from,
            submitted_to=submitted_to,
            sort=sort,
            descending=order == "desc",
            page=page,
            page_size=page_size,
        )
    return page_of(rows, total, page, page_size)


@router.post(PATH, status_code=201, response_model=ProductFilingView)
def create(
    body: ProductFilingInput,
    scope: WriterScope,
    db: DB,
    request: Request,
    key: IdempotencyKey = None,
):
    """Save a filing as a draft (暂存): the product, its materials, one or more areas (ECFA
    alone)."""
    data = body.model_dump(mode="json")
    return idempotent_write(
        db, scope.user, request, key, data, lambda tx: filings.create(tx, scope, data), 201
    )


@router.get(PATH + "/{filing_id}", response_model=ProductFilingView)
def get(filing_id: RecordId, scope: EnterpriseScope, db: DB):
    with db.read() as tx:
        return with_etag(filings.view(*filings.load(tx, scope.company_id, filing_id)))


@router.put(PATH + "/{filing_id}", response_model=ProductFilingView)
def update(
    filing_id: RecordId,
    body: ProductFilingInput,
    scope: WriterScope,
    db: DB,
    version: IfMatch = None,
):
    """Replace a filing whose areas are all drafts or returned (areas kept keep their state)."""
    data = body.model_dump(mode="json")
    with db.transaction() as tx:
        return with_etag(filings.update(tx, scope, filing_id, data, version))


@router.delete(PATH + "/{filing_id}", status_code=204)
def delete(filing_id: RecordId, scope: WriterScope, db: DB, version: IfMatch = None) -> None:
    """Delete a filing that was never submitted."""
    with db.transaction() as tx:
        filings.delete_draft(tx, scope, filing_id, version)


@router.post(PATH + "/{filing_id}/copy", status_code=201, response_model=ProductFilingView)
def copy(
    filing_id: RecordId, scope: WriterScope, db: DB, request: Request, key: IdempotencyKey = None
):
    """复制: a new draft with the same product, materials and areas."""
    return idempotent_write(
        db, scope.user, request, key, None, lambda tx: filings.copy(tx, scope, filing_id), 201
    )


@router.post(PATH + "/{filing_id}/check", response_model=list[Assessment])
def check(filing_id: RecordId, scope: EnterpriseScope, db: DB) -> list[dict]:
    """What the origin engine finds for each area now (nothing is saved)."""
    with db.read() as tx:
        return filing_review.check(tx, scope, filing_id)


@router.post(PATH + "/{filing_id}/submit", response_model=ProductFilingView)
def submit(
    filing_id: RecordId,
    scope: WriterScope,
    db: DB,
    request: Request,
    key: IdempotencyKey = None,
    version: IfMatch = None,
):
    """申报 the draft and returned areas: each runs the origin engine; one the product does
    not qualify for is returned at once with the reason, the others wait for a reviewer."""
    return idempotent_write(
        db,
        scope.user,
        request,
        key,
        {"version": version},
        lambda tx: filing_review.submit(tx, scope, filing_id, version),
    )


@router.get(PATH + "/{filing_id}/receipts", response_model=list[ReceiptOut])
def receipts(filing_id: RecordId, scope: EnterpriseScope, db: DB) -> list[dict]:
    """Every status change of this filing's areas (回执), newest first."""
    with db.read() as tx:
        filings.load(tx, scope.company_id, filing_id)
        items, _total = list_receipts(
            tx, scope.company_id, kind=filings.ENTITY, document_id=filing_id, limit=1000
        )
    return items


@router.get("/filing-areas", response_model=Page[UsableArea])
def usable_areas(
    scope: EnterpriseScope,
    db: DB,
    agreement: Agreement | None = None,
    hs_code: Annotated[str | None, Query(max_length=12, pattern=r"^[0-9. ]*$")] = None,
    q: Search = None,
    page: PageNo = 1,
    page_size: PageSize = 100,
) -> dict:
    """Approved filing areas (申请备案号, HS code, names, criterion) a preferential goods line
    may name — the certificate form's picker; a goods line naming one takes its criterion."""
    with db.read() as tx:
        rows, total = filings.usable_areas(
            tx,
            scope.company_id,
            agreement=agreement,
            hs_code=hs_code,
            q=q,
            page=page,
            page_size=page_size,
        )
    return page_of(rows, total, page, page_size)
