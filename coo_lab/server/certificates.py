"""Certificates in the store: create, edit, goods lines, copy, delete, void, amend-reissue.

Everything here runs inside a transaction handed in by the route, takes the caller's company
id, and finds only that company's certificates (a foreign id is "not found"). Each write
bumps the version, checks the version the caller read, and appends to the change feed.
Review (submit, approve, return) lives in ``review.py``.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from coo_lab.domain.certificate import (
    NOT_BASIC_INFO,
    RECORD_FIELDS,
    Certificate,
    CertificateCategory,
    GoodsLine,
)
from coo_lab.domain.lifecycle import CertificateAction, CertificateStatus, certificate_transition
from coo_lab.domain.numbers import internal_number
from coo_lab.domain.parties import Exporter, Importer, Producer
from coo_lab.errors import Conflict, FieldError, NotFound, ValidationFailed
from coo_lab.server import filings
from coo_lab.server.clock import iso, now
from coo_lab.server.concurrency import check_version
from coo_lab.server.db import Row, Transaction
from coo_lab.server.deps import Scope
from coo_lab.server.feed import Encoded, record_change
from coo_lab.server.filters import contains, date_ranges
from coo_lab.server.receipts import issue_receipt

ENTITY = "certificate"
_PARTIES = {
    "exporter": ("exporter_code", Exporter),
    "importer": ("importer_code", Importer),
    "producer": ("producer_code", Producer),
}


def next_serial(tx: Transaction, series: str) -> int:
    """The next number of a series, gap-free: taken inside the caller's transaction."""
    value = tx.scalar(
        "UPDATE counters SET value = value + 1 WHERE series = ? RETURNING value", (series,)
    )
    if value is None:
        tx.execute("INSERT INTO counters (series, value) VALUES (?, 1)", (series,))
        value = 1
    return int(value)


def load(tx: Transaction, company_id: int, cert_id: int) -> tuple[Row, Certificate]:
    row = tx.one(
        "SELECT * FROM certificates WHERE id = ? AND company_id = ?", (cert_id, company_id)
    )
    if row is None:
        raise NotFound(f"certificate {cert_id} not found", f"未找到证书 {cert_id}")
    return row, Certificate.model_validate_json(row["doc"])


def view(row: Row, cert: Certificate) -> dict[str, Any]:
    """The certificate as the API shows it (``CertificateView``)."""
    data = cert.model_dump(mode="json")
    data.update(
        findings=json.loads(row["findings"]),
        print_count=row["print_count"],
        void_reason=row["void_reason"],
        original_id=row["original_id"],
    )
    return data


def _columns(cert: Certificate) -> dict[str, Any]:
    return {
        "cert_type": cert.cert_type,
        "category": cert.category.value,
        "status": cert.status.value,
        "version": cert.version,
        "certificate_number": cert.certificate_number,
        "invoice_number": cert.invoice_number,
        "invoice_date": cert.invoice_date.isoformat() if cert.invoice_date else None,
        "hand_signer": cert.hand_signer,
        "importer_name": cert.importer.name_en if cert.importer else "",
        "destination_country": cert.destination_country,
        "fob_usd": str(cert.fob_usd) if cert.fob_usd is not None else None,
        "submitted_at": iso(cert.submitted_at) if cert.submitted_at else None,
        "approved_at": iso(cert.approved_at) if cert.approved_at else None,
        "doc": cert.model_dump_json(),
    }


def save(tx: Transaction, row: Row, cert: Certificate, **extra: Any) -> dict[str, Any]:
    """Write a changed certificate: version + 1, columns, document and a change-feed entry."""
    cert.version = row["version"] + 1
    values = {**_columns(cert), "updated_at": iso(now()), **extra}
    tx.update("certificates", row["id"], values)
    row = {**row, **values}
    shown = Encoded(view(row, cert))
    record_change(tx, row["company_id"], ENTITY, row["id"], "update", cert.version, shown)
    return shown


def _resolve_parties(tx: Transaction, company_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """Replace ``exporter_code`` & co. by a copy of the base record they name."""
    out = dict(data)
    for field, (code_field, _model) in _PARTIES.items():
        code = out.pop(code_field, None)
        if code:
            out[field] = _base_doc(tx, company_id, field, code, code_field)
    codes = out.pop("special_clause_codes", None) or []
    if codes:
        out["special_clauses"] = [
            _base_doc(tx, company_id, "special_clause", c, f"special_clause_codes.{i}")
            for i, c in enumerate(codes)
        ]
    return out


def _base_doc(tx: Transaction, company_id: int, kind: str, code: str, field: str) -> dict:
    row = tx.one(
        "SELECT doc FROM base_records WHERE company_id = ? AND kind = ? AND code = ?",
        (company_id, kind, code),
    )
    if row is None:
        raise ValidationFailed(
            [
                FieldError(
                    field,
                    code,
                    f"the code of a saved {kind.replace('_', ' ')} (base data)",
                    f"基础资料中已保存的{_KIND_ZH[kind]}编码",
                    "unknown_base_record",
                )
            ]
        )
    return json.loads(row["doc"])


_KIND_ZH = {
    "exporter": "出口商",
    "importer": "进口商",
    "producer": "生产商",
    "special_clause": "特殊条款",
}


def create(tx: Transaction, scope: Scope, data: dict[str, Any]) -> dict[str, Any]:
    """Save the basic info of a new certificate as a draft; goods lines come after."""
    data = _resolve_parties(tx, scope.company_id, data)
    moment = now()
    cert = Certificate.model_validate(
        {
            **data,
            "enterprise_code": scope.enterprise_code,
            "ccpit_code": scope.ccpit_code,
            "company_name_cn": _company_name(tx, scope.enterprise_code),
            "created_at": moment,
        }
    )
    return insert(tx, scope, cert)


def insert(
    tx: Transaction, scope: Scope, cert: Certificate, *, original_id: int | None = None
) -> dict[str, Any]:
    moment = now()
    year = moment.year
    serial = next_serial(tx, f"internal:{scope.enterprise_code}:{year}")
    cert.internal_number = internal_number(scope.enterprise_code, year, serial)
    cert.status = CertificateStatus.DRAFT
    cert.version = 1
    cert.created_at = moment
    cols = _columns(cert)
    row: dict[str, Any] = {
        "company_id": scope.company_id,
        "internal_number": cert.internal_number,
        "original_id": original_id,
        "created_by": scope.user.user_id,
        "created_at": iso(moment),
        "updated_at": iso(moment),
        "print_count": 0,
        "void_reason": "",
        "findings": "[]",
        **cols,
    }
    row["id"] = tx.insert("certificates", row)
    cert.id = row["id"]
    row["doc"] = cert.model_dump_json()
    tx.update("certificates", row["id"], {"doc": row["doc"]})
    shown = Encoded(view(row, cert))
    record_change(tx, scope.company_id, ENTITY, row["id"], "create", 1, shown)
    issue_receipt(
        tx,
        company_id=scope.company_id,
        kind=ENTITY,
        document_id=row["id"],
        document_number=cert.internal_number,
        from_status=None,
        to_status="draft",
        actor=scope.user.username,
        reason="saved (暂存)",
    )
    return shown


def _company_name(tx: Transaction, enterprise_code: str) -> str:
    return (
        tx.scalar(
            "SELECT name_cn FROM registry_enterprises WHERE enterprise_code = ?", (enterprise_code,)
        )
        or ""
    )


def update_basic(
    tx: Transaction, scope: Scope, cert_id: int, data: dict[str, Any], expected_version: int | None
) -> dict[str, Any]:
    row, cert = load(tx, scope.company_id, cert_id)
    check_version(row, expected_version, ENTITY)
    certificate_transition(cert.status, CertificateAction.SAVE)
    data = _resolve_parties(tx, scope.company_id, data)
    keep = cert.model_dump(include=NOT_BASIC_INFO)  # what the body may not change
    updated = Certificate.model_validate({**data, **keep})
    return save(tx, row, updated)


def replace_goods(
    tx: Transaction,
    scope: Scope,
    cert_id: int,
    goods: list[GoodsLine],
    expected_version: int | None,
) -> dict[str, Any]:
    """Save the goods lines (the deck's 保存 on the goods tab): the list replaces the old one.
    A preferential line naming a filing number takes the filed criterion when it has none."""
    row, cert = load(tx, scope.company_id, cert_id)
    check_version(row, expected_version, ENTITY)
    certificate_transition(cert.status, CertificateAction.SAVE)
    for i, line in enumerate(goods, start=1):
        line.line_no = i
    filings.fill_filed_criteria(tx, scope.company_id, cert.cert_type, goods)
    cert.goods = goods
    return save(tx, row, cert)


def delete_draft(tx: Transaction, scope: Scope, cert_id: int, expected_version: int | None) -> None:
    row, cert = load(tx, scope.company_id, cert_id)
    check_version(row, expected_version, ENTITY)
    certificate_transition(cert.status, CertificateAction.DELETE)
    tx.execute("DELETE FROM receipts WHERE kind = ? AND document_id = ?", (ENTITY, cert_id))
    tx.execute("DELETE FROM certificates WHERE id = ?", (cert_id,))
    record_change(tx, scope.company_id, ENTITY, cert_id, "delete", row["version"] + 1, None)


def copy(tx: Transaction, scope: Scope, cert_id: int) -> dict[str, Any]:
    """A new draft with the same basic info and goods (复制)."""
    _row, cert = load(tx, scope.company_id, cert_id)
    fresh = Certificate.model_validate(cert.model_dump(exclude=RECORD_FIELDS))
    return insert(tx, scope, fresh)


def amend_reissue(tx: Transaction, scope: Scope, cert_id: int) -> dict[str, Any]:
    """改证重发: a new draft citing an approved certificate; approval voids the original."""
    row, cert = load(tx, scope.company_id, cert_id)
    certificate_transition(cert.status, CertificateAction.AMEND_REISSUE)
    if cert.cert_type == "E":
        raise Conflict(
            "ASEAN (Form E) certificates are not reissued: ACFTA has changes made by hand on "
            "the original (CO-REISSUE-002)",
            "中国-东盟（E）证书不办理改证重发，须在原证上更正（CO-REISSUE-002）",
        )
    pending = tx.scalar(
        "SELECT id FROM certificates WHERE original_id = ? AND status NOT IN ('void')", (cert_id,)
    )
    if pending is not None:
        raise Conflict(
            f"certificate {cert_id} already has an amend-reissue in progress (id {pending})",
            f"证书 {cert_id} 已有进行中的改证重发（编号 {pending}）",
        )
    fresh = Certificate.model_validate(
        {
            **cert.model_dump(exclude=RECORD_FIELDS),
            "category": CertificateCategory.AMEND_REISSUE,
            "original_certificate_number": cert.certificate_number,
        }
    )
    return insert(tx, scope, fresh, original_id=row["id"])


def void(
    tx: Transaction,
    company_id: int,
    cert_id: int,
    reason: str,
    actor: str,
    expected_version: int | None = None,
) -> dict[str, Any]:
    row, cert = load(tx, company_id, cert_id)
    if expected_version is not None:
        check_version(row, expected_version, ENTITY)
    before = cert.status
    cert.status = certificate_transition(cert.status, CertificateAction.VOID)
    shown = save(tx, row, cert, void_reason=reason)
    issue_receipt(
        tx,
        company_id=company_id,
        kind=ENTITY,
        document_id=cert_id,
        document_number=cert.certificate_number or cert.internal_number,
        from_status=before.value,
        to_status=cert.status.value,
        actor=actor,
        reason=reason,
    )
    return shown


SORTABLE = {
    "created_at",
    "submitted_at",
    "approved_at",
    "invoice_number",
    "invoice_date",
    "fob_usd",
    "status",
    "cert_type",
    "id",
}


def query(
    tx: Transaction,
    company_id: int,
    *,
    view_name: str | None,
    invoice_number: str | None,
    cert_type: str | None,
    status: str | None,
    hand_signer: str | None,
    created_from: date | None,
    created_to: date | None,
    submitted_from: date | None,
    submitted_to: date | None,
    sort: str,
    descending: bool,
    page: int,
    page_size: int,
) -> tuple[list[Row], int]:
    where, params = ["company_id = ?"], [company_id]
    if view_name == "general":
        where.append("cert_type = 'C' AND status <> 'void'")
    elif view_name == "preferential":
        where.append("cert_type <> 'C' AND status <> 'void'")
    elif view_name == "void":
        where.append("status = 'void'")
    for column, value in (
        ("cert_type", cert_type),
        ("status", status),
        ("hand_signer", hand_signer),
    ):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    if invoice_number:
        where.append("invoice_number LIKE ? ESCAPE '\\'")
        params.append(contains(invoice_number))
    date_ranges(
        where,
        params,
        [("created_at", created_from, created_to), ("submitted_at", submitted_from, submitted_to)],
    )
    clause = " AND ".join(where)
    total = tx.scalar(f"SELECT COUNT(*) FROM certificates WHERE {clause}", params)
    order = "DESC" if descending else "ASC"
    sort = "CAST(fob_usd AS REAL)" if sort == "fob_usd" else sort
    rows = tx.all(
        f"SELECT id, version, cert_type, category, status, internal_number, certificate_number, "
        f"invoice_number, invoice_date, importer_name, hand_signer, destination_country, "
        f"fob_usd, created_at, submitted_at, approved_at FROM certificates WHERE {clause} "
        f"ORDER BY {sort} {order}, id {order} LIMIT ? OFFSET ?",
        (*params, page_size, (page - 1) * page_size),
    )
    return rows, total
