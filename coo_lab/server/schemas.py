"""Request and response bodies of the API that are not domain models themselves.

Inputs never carry what the service owns (ids, versions, statuses, numbers, the
enterprise's codes): those fields are left out of the input models, so the OpenAPI document
says exactly what a client may send.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field, create_model

from coo_lab.domain.certificate import NOT_BASIC_INFO, Certificate, GoodsLine
from coo_lab.domain.formats import Code, DomainModel, Name, Text
from coo_lab.domain.parties import HandSignerStatus

T = TypeVar("T")


def _fields_of(model: type[BaseModel], leave_out: frozenset[str]) -> dict[str, Any]:
    return {
        name: (field.annotation, field)
        for name, field in model.model_fields.items()
        if name not in leave_out
    }


CertificateInput = create_model(
    "CertificateInput",
    __base__=DomainModel,
    __doc__="The basic info of a certificate as an enterprise fills it. Parties may be given "
    "whole or picked from base data by code (`exporter_code`…); the certificate keeps a copy.",
    exporter_code=(Code | None, None),
    importer_code=(Code | None, None),
    producer_code=(Code | None, None),
    special_clause_codes=(list[Code], Field(default_factory=list)),
    **_fields_of(Certificate, NOT_BASIC_INFO),
)


class FindingOut(BaseModel):
    code: str
    field: str
    severity: str
    message_zh: str
    message_en: str


class CertificateView(Certificate):
    """A certificate as the service shows it: the form plus its review state."""

    findings: list[FindingOut] = Field(default_factory=list)
    print_count: int = 0
    void_reason: str = ""
    original_id: int | None = None


class GoodsLines(DomainModel):
    goods: list[GoodsLine]


class CertificateSummary(BaseModel):
    id: int
    version: int
    cert_type: str
    cert_type_name: str
    category: str
    status: str
    internal_number: str
    certificate_number: str | None
    invoice_number: str
    invoice_date: date | None
    importer_name: str
    hand_signer: str
    destination_country: str | None
    fob_usd: str | None
    created_at: datetime
    submitted_at: datetime | None
    approved_at: datetime | None


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int


class Reason(DomainModel):
    reason: Text = Field(min_length=1)


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)


class LoginResponse(BaseModel):
    token: str
    token_type: str = "bearer"
    expires_at: datetime
    username: str
    role: str
    display_name: str


class Me(BaseModel):
    username: str
    role: str
    display_name: str
    company: str | None
    enterprise_code: str | None
    office_code: str | None
    user_filing_done: bool


class UserFilingState(BaseModel):
    filed: bool
    enterprise_code: str | None
    ccpit_code: str | None
    hand_signer: str | None
    name_en: str | None
    name_cn: str | None
    filed_at: datetime | None


class SignerIn(DomainModel):
    name: Name = Field(min_length=1)
    status: HandSignerStatus = HandSignerStatus.ACTIVE
    registered_on: date | None = None


class ErrorBody(BaseModel):
    error: str
    message_en: str
    message_zh: str
    errors: list[dict[str, Any]] = Field(default_factory=list)
    findings: list[FindingOut] = Field(default_factory=list)


class ReceiptOut(BaseModel):
    """A receipt (回执): one status change of a certificate or product filing."""

    id: int
    kind: str
    document_id: int
    document_number: str
    from_status: str | None
    to_status: str
    actor: str
    at: datetime
    reason: str
    findings: list[FindingOut]


class Health(BaseModel):
    status: str
    version: str


class Change(BaseModel):
    seq: int
    entity: str
    entity_id: int
    op: str
    version: int
    at: datetime
    data: dict[str, Any] | None


class ChangePage(BaseModel):
    changes: list[Change]
    next_after: int
    has_more: bool
