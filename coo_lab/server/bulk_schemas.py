"""Request and response bodies of bulk work: certificate batches, corrections, the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from coo_lab.domain.certificate import GoodsLine
from coo_lab.domain.formats import DomainModel
from coo_lab.server.batch import MAX_ITEMS
from coo_lab.server.schemas import CertificateInput, FindingOut

Key = Annotated[str, Field(min_length=1, max_length=200)]
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class BatchItemIn(DomainModel):
    """One certificate: its basic info (parties whole or by base-data code) and goods lines."""

    idempotency_key: Key = Field(
        description="unique per intended certificate; sent again, the item creates nothing"
    )
    certificate: CertificateInput
    goods: list[GoodsLine] = Field(default_factory=list)


class CertificateBatch(DomainModel):
    """Up to 1,000 certificates saved as drafts in one transaction (all or nothing)."""

    items: list[BatchItemIn] = Field(min_length=1, max_length=MAX_ITEMS)
    dry_run: bool = Field(default=False, description="validate and check only: nothing is written")


class BatchItemOut(BaseModel):
    index: int
    idempotency_key: str
    outcome: Literal["created", "exists", "would_create"]
    id: int | None
    version: int | None
    internal_number: str | None
    findings: list[FindingOut]


class BatchResult(BaseModel):
    dry_run: bool
    created: int
    existing: int
    items: list[BatchItemOut]


class CorrectionIn(DomainModel):
    """Changes to one certificate: dotted field paths and their new values."""

    id: Id
    version: Id | None = Field(
        default=None, description="the version you read; a certificate changed since is stale"
    )
    changes: dict[Key, Any] = Field(
        min_length=1,
        description="e.g. {'importer.address_en': '…', 'goods.0.hs_code': '851660', "
        "'importer_code': 'IMP02'}",
    )


class Corrections(DomainModel):
    rows: list[CorrectionIn] = Field(min_length=1, max_length=2000)
    dry_run: bool = Field(default=False, description="plan only: diffs and findings, no writes")
    all_or_nothing: bool = Field(
        default=False,
        description="one failed row and no row is applied (default: each row on its own)",
    )


class FieldChangeOut(BaseModel):
    field: str
    before: Any
    after: Any


class CorrectionRowOut(BaseModel):
    index: int
    id: int
    outcome: Literal[
        "applied",
        "would_apply",
        "unchanged",
        "not_applied",
        "not_found",
        "stale",
        "not_editable",
        "invalid",
        "refused",
    ]
    status_code: int
    version: int | None
    message_en: str
    message_zh: str
    changes: list[FieldChangeOut]
    findings: list[FindingOut]
    errors: list[dict[str, Any]]


class CorrectionResult(BaseModel):
    dry_run: bool
    all_or_nothing: bool
    batch: str
    applied: int
    failed: int
    rows: list[CorrectionRowOut]


class AuditEntryOut(BaseModel):
    """One changed field of a document: who, when, before and after."""

    id: int
    entity: str
    entity_id: int
    document_number: str
    version: int
    field: str
    before: Any
    after: Any
    actor: str
    at: datetime
    batch: str
