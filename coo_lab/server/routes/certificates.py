"""Certificates (原产地证): create, edit, goods, copy, delete, submit, reissue, void, query."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from coo_lab.domain.agreements import CERTIFICATE_TYPES, agreement
from coo_lab.domain.lifecycle import CertificateStatus
from coo_lab.server import certificates, review
from coo_lab.server.deps import DB, EnterpriseScope, WriterScope
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
from coo_lab.server.schemas import (
    CertificateInput,
    CertificateSummary,
    CertificateView,
    FindingOut,
    GoodsLines,
    Page,
    Reason,
    ReceiptOut,
)

router = APIRouter(prefix="/api/v1/certificates", tags=["certificates"])
CertType = Literal[CERTIFICATE_TYPES]  # type: ignore[valid-type]


def _summary(row: dict) -> dict:
    return {**row, "cert_type_name": agreement(row["cert_type"]).name_zh}


@router.get("", response_model=Page[CertificateSummary])
def query(
    scope: EnterpriseScope,
    db: DB,
    view: Literal["general", "preferential", "void"] | None = None,
    invoice_number: Annotated[str | None, Query(max_length=100)] = None,
    cert_type: CertType | None = None,
    status: CertificateStatus | None = None,
    hand_signer: Annotated[str | None, Query(max_length=100)] = None,
    created_from: date | None = None,
    created_to: date | None = None,
    submitted_from: date | None = None,
    submitted_to: date | None = None,
    sort: Literal[tuple(sorted(certificates.SORTABLE))] = "created_at",  # type: ignore[valid-type]
    order: Literal["asc", "desc"] = "desc",
    page: PageNo = 1,
    page_size: PageSize = 50,
) -> dict:
    """The deck's three queries: general, preferential and voided certificates, filtered."""
    with db.read() as tx:
        rows, total = certificates.query(
            tx,
            scope.company_id,
            view_name=view,
            invoice_number=invoice_number,
            cert_type=cert_type,
            status=status.value if status else None,
            hand_signer=hand_signer,
            created_from=created_from,
            created_to=created_to,
            submitted_from=submitted_from,
            submitted_to=submitted_to,
            sort=sort,
            descending=order == "desc",
            page=page,
            page_size=page_size,
        )
    return page_of([_summary(r) for r in rows], total, page, page_size)


@router.post("", status_code=201, response_model=CertificateView)
def create(
    body: CertificateInput, scope: WriterScope, db: DB, request: Request, key: IdempotencyKey = None
):
    """Save the basic info as a draft (暂存); add goods lines after this first save."""
    data = body.model_dump(mode="json", exclude_unset=True)
    return idempotent_write(
        db, scope.user, request, key, data, lambda tx: certificates.create(tx, scope, data), 201
    )


@router.get("/{cert_id}", response_model=CertificateView)
def get(cert_id: RecordId, scope: EnterpriseScope, db: DB):
    with db.read() as tx:
        return with_etag(certificates.view(*certificates.load(tx, scope.company_id, cert_id)))


@router.put("/{cert_id}", response_model=CertificateView)
def update(
    cert_id: RecordId, body: CertificateInput, scope: WriterScope, db: DB, version: IfMatch = None
):
    """Replace the basic info of a draft or returned certificate (goods stay as they are)."""
    data = body.model_dump(mode="json", exclude_unset=True)
    with db.transaction() as tx:
        return with_etag(certificates.update_basic(tx, scope, cert_id, data, version))


@router.put("/{cert_id}/goods", response_model=CertificateView)
def save_goods(
    cert_id: RecordId, body: GoodsLines, scope: WriterScope, db: DB, version: IfMatch = None
):
    """Save the goods lines (保存 on the goods tab): the list replaces the previous one."""
    with db.transaction() as tx:
        return with_etag(certificates.replace_goods(tx, scope, cert_id, body.goods, version))


@router.delete("/{cert_id}", status_code=204)
def delete(cert_id: RecordId, scope: WriterScope, db: DB, version: IfMatch = None) -> None:
    """Delete a draft (only drafts can be deleted)."""
    with db.transaction() as tx:
        certificates.delete_draft(tx, scope, cert_id, version)


@router.post("/{cert_id}/copy", status_code=201, response_model=CertificateView)
def copy(
    cert_id: RecordId, scope: WriterScope, db: DB, request: Request, key: IdempotencyKey = None
):
    return idempotent_write(
        db, scope.user, request, key, None, lambda tx: certificates.copy(tx, scope, cert_id), 201
    )


@router.post("/{cert_id}/check", response_model=list[FindingOut])
def check(cert_id: RecordId, scope: EnterpriseScope, db: DB) -> list[dict]:
    """What the review would find now, with the service's full context; nothing is saved."""
    with db.read() as tx:
        row, cert = certificates.load(tx, scope.company_id, cert_id)
        return [f.to_dict() for f in review.run_check(tx, scope.company_id, row, cert)]


@router.post("/{cert_id}/submit", response_model=CertificateView)
def submit(
    cert_id: RecordId,
    scope: WriterScope,
    db: DB,
    request: Request,
    key: IdempotencyKey = None,
    version: IfMatch = None,
):
    """申报: run the review rules; errors return it at once, else it waits for review."""
    return idempotent_write(
        db,
        scope.user,
        request,
        key,
        {"version": version},
        lambda tx: review.submit(tx, scope.company_id, cert_id, scope.user.username, version),
    )


@router.post("/{cert_id}/amend-reissue", status_code=201, response_model=CertificateView)
def amend_reissue(
    cert_id: RecordId, scope: WriterScope, db: DB, request: Request, key: IdempotencyKey = None
):
    """改证重发: a new draft citing this approved certificate; approving it voids this one."""
    return idempotent_write(
        db,
        scope.user,
        request,
        key,
        None,
        lambda tx: certificates.amend_reissue(tx, scope, cert_id),
        201,
    )


@router.post("/{cert_id}/void", response_model=CertificateView)
def void(cert_id: RecordId, body: Reason, scope: WriterScope, db: DB, version: IfMatch = None):
    """作废 an approved or printed certificate, with a reason."""
    with db.transaction() as tx:
        return with_etag(
            certificates.void(
                tx, scope.company_id, cert_id, body.reason, scope.user.username, version
            )
        )


@router.get("/{cert_id}/receipts", response_model=list[ReceiptOut])
def receipts(cert_id: RecordId, scope: EnterpriseScope, db: DB) -> list[dict]:
    """Every status change of this certificate (审核回执), newest first."""
    with db.read() as tx:
        certificates.load(tx, scope.company_id, cert_id)
        items, _total = list_receipts(
            tx, scope.company_id, kind=certificates.ENTITY, document_id=cert_id, limit=1000
        )
    return items
