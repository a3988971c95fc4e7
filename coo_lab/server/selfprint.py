"""Self-print (证书自助打印): which certificates may be printed, and the print log.

A print is rendered outside any write transaction (rendering takes tens of milliseconds; the
write lock is for writes), then recorded in one short transaction: the log row (who, when,
copy number, the PDF's size and SHA-256), the certificate's print count and — on the first
print — its status ``approved`` → ``printed``, a receipt, and the change-feed entries. The
status is checked again there, so a certificate voided in between is not logged as printed.
"""

from __future__ import annotations

import hashlib
from typing import Any

from coo_lab.domain.certificate import Certificate
from coo_lab.domain.lifecycle import CertificateAction, CertificateStatus, certificate_transition
from coo_lab.errors import Conflict
from coo_lab.server import certificates
from coo_lab.server.clock import iso, now
from coo_lab.server.db import Row, Transaction
from coo_lab.server.deps import Scope
from coo_lab.server.feed import record_change
from coo_lab.server.receipts import issue_receipt

ENTITY = "print"
PRINTABLE = (CertificateStatus.APPROVED, CertificateStatus.PRINTED)


def printable(tx: Transaction, company_id: int, cert_id: int) -> tuple[Row, Certificate]:
    """The certificate, if it may be printed now: approved or printed, never void."""
    row, cert = certificates.load(tx, company_id, cert_id)
    if cert.status == CertificateStatus.VOID:
        reason = row["void_reason"] or "no reason given"
        raise Conflict(
            f"certificate {cert.certificate_number or cert_id} is void ({reason}) and cannot "
            "be printed; its preview stays available",
            f"证书 {cert.certificate_number or cert_id} 已作废（{reason}），不能打印；仍可预览",
        )
    if cert.status not in PRINTABLE:
        raise Conflict(
            f"certificate {cert_id} is `{cert.status.value}`: only an approved certificate can "
            "be printed (use the preview for a draft)",
            f"证书 {cert_id} 当前状态为“{cert.status.label_zh}”：只有审核通过的证书才能打印"
            "（草稿请使用预览）",
        )
    return row, cert


def issuer(tx: Transaction, cert: Certificate) -> str:
    """The certifying authority printed in the certification box: the enterprise's office."""
    return tx.scalar("SELECT name_en FROM offices WHERE ccpit_code = ?", (cert.ccpit_code,)) or ""


def record(tx: Transaction, scope: Scope, cert_id: int, pdf: bytes) -> dict[str, Any]:
    """Log one print of a certificate; returns the log entry (with ``copy_no``)."""
    row, cert = printable(tx, scope.company_id, cert_id)
    copy_no = row["print_count"] + 1
    entry = {
        "company_id": scope.company_id,
        "certificate_id": cert_id,
        "certificate_number": cert.certificate_number,
        "copy_no": copy_no,
        "printed_by": scope.user.username,
        "printed_at": iso(now()),
        "size": len(pdf),
        "sha256": hashlib.sha256(pdf).hexdigest(),
    }
    entry["id"] = tx.insert("print_log", entry)
    shown = _public(entry)
    record_change(tx, scope.company_id, ENTITY, entry["id"], "create", 1, shown)
    before = cert.status
    cert.status = certificate_transition(cert.status, CertificateAction.PRINT)
    certificates.save(tx, row, cert, print_count=copy_no)
    issue_receipt(
        tx,
        company_id=scope.company_id,
        kind=certificates.ENTITY,
        document_id=cert_id,
        document_number=cert.certificate_number or "",
        from_status=before.value,
        to_status=cert.status.value,
        actor=scope.user.username,
        reason="printed (打印)" if copy_no == 1 else f"reprinted, copy {copy_no} (重打)",
    )
    return shown


def log(tx: Transaction, company_id: int, cert_id: int) -> list[dict[str, Any]]:
    """Every print of a certificate, first copy first."""
    certificates.load(tx, company_id, cert_id)
    rows = tx.all(
        "SELECT * FROM print_log WHERE company_id = ? AND certificate_id = ? ORDER BY copy_no",
        (company_id, cert_id),
    )
    return [_public(r) for r in rows]


def _public(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k != "company_id"}
