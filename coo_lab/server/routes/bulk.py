"""Bulk work: many certificates in one request, corrections to many drafts, the audit trail.

Dry runs are open to every enterprise user (a manager may look); writing needs an
administrator or operator, as everywhere else.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from coo_lab.server import audit, batch, certificates, corrections
from coo_lab.server.bulk_schemas import (
    AuditEntryOut,
    BatchResult,
    CertificateBatch,
    CorrectionResult,
    Corrections,
)
from coo_lab.server.deps import DB, EnterpriseScope
from coo_lab.server.routes.common import PageNo, PageSize, page_of
from coo_lab.server.schemas import Page

router = APIRouter(prefix="/api/v1")


@router.post("/certificates/batch", response_model=BatchResult, tags=["bulk"])
def create_batch(body: CertificateBatch, scope: EnterpriseScope, db: DB) -> dict:
    """Save many certificates as drafts (basic info and goods) in one transaction.

    Each item has its own Idempotency key: an item sent again answers `exists` with the
    certificate made the first time. Any bad item refuses the whole batch (422 naming
    `items.N.…`). Each certificate is checked with the review rules; the findings come back
    with it. With `dry_run` nothing is written."""
    if not body.dry_run:
        scope.user.require_writer()
    items = [
        batch.BatchItem(
            item.idempotency_key,
            hashlib.sha256(item.__pydantic_serializer__.to_json(item)).hexdigest(),
            item.certificate,
            item.goods,
        )
        for item in body.items
    ]
    with db.read() if body.dry_run else db.transaction() as tx:
        return batch.create_batch(tx, scope, items, dry_run=body.dry_run)


@router.post("/certificates/corrections", response_model=CorrectionResult, tags=["bulk"])
def correct(body: Corrections, scope: EnterpriseScope, db: DB) -> dict:
    """批量修改: change fields of many drafts; each row answers with its diff, findings and
    outcome (stale versions 409, unknown ids 404, bad values 422, per row). Applied rows
    write an audit entry per changed field. With `dry_run` nothing is written."""
    if not body.dry_run:
        scope.user.require_writer()
    rows = [row.model_dump() for row in body.rows]
    with db.read() if body.dry_run else db.transaction() as tx:
        return corrections.correct(
            tx, scope, rows, dry_run=body.dry_run, all_or_nothing=body.all_or_nothing
        )


@router.get("/audit", response_model=Page[AuditEntryOut], tags=["bulk"])
def audit_trail(
    scope: EnterpriseScope,
    db: DB,
    certificate_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    user: Annotated[str | None, Query(max_length=100, description="username")] = None,
    field: Annotated[str | None, Query(max_length=200, description="a field and below")] = None,
    batch_id: Annotated[str | None, Query(alias="batch", max_length=100)] = None,
    date_from: Annotated[date | None, Query(description="China's calendar date")] = None,
    date_to: Annotated[date | None, Query(description="inclusive")] = None,
    page: PageNo = 1,
    page_size: PageSize = 50,
) -> dict:
    """The audit trail (修改记录) of the enterprise's documents, newest first."""
    with db.read() as tx:
        items, total = audit.query(
            tx,
            scope.company_id,
            entity=certificates.ENTITY if certificate_id is not None else None,
            entity_id=certificate_id,
            actor=user,
            field=field,
            batch=batch_id,
            date_from=date_from,
            date_to=date_to,
            page=page,
            page_size=page_size,
        )
    return page_of(items, total, page, page_size)
