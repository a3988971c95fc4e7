"""The authority's review: submit (申报), approve (审核通过), return (退回).

On submit the same ``coo_lab.check`` the enterprise can run beforehand is run with the full
context (registration, hand-signers, approved filings, invoice numbers in use). Errors return
the certificate at once with the findings. Otherwise it waits for a reviewer — unless the
enterprise's review policy is "automatic" and there are no findings at all (the "smart
review"), when it is approved at once. Approval assigns the certificate number and signing
date; approving an amend-reissue voids the original.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from typing import Any

from coo_lab.domain.certificate import Certificate
from coo_lab.domain.filing import ProductFiling
from coo_lab.domain.lifecycle import CertificateAction, CertificateStatus, certificate_transition
from coo_lab.domain.numbers import certificate_number
from coo_lab.domain.parties import EnterpriseFiling, HandSigner
from coo_lab.domain.rules import CheckContext, Finding, check
from coo_lab.errors import NotFound
from coo_lab.server import certificates, profiles
from coo_lab.server.auth import Principal
from coo_lab.server.clock import china_date, china_today, now
from coo_lab.server.concurrency import check_version
from coo_lab.server.db import Row, Transaction
from coo_lab.server.feed import dumps
from coo_lab.server.receipts import issue_receipt

SYSTEM_ACTOR = "system (自动审核)"


@lru_cache(maxsize=1024)
def _filing(doc: str) -> ProductFiling:
    """A stored product filing, parsed once per distinct document (its JSON is the key, so an
    edited filing is a new entry). The rules only read filings; nothing may change these."""
    return ProductFiling.model_validate_json(doc)


_REGISTRATION_SQL = """
    SELECT r.enterprise_code, r.ccpit_code, r.name_en, r.name_cn, r.review_policy,
           c.filed_at IS NOT NULL AS filed, s.id AS signer_id, s.name, s.status, s.registered_on
    FROM companies c JOIN registry_enterprises r ON r.enterprise_code = c.enterprise_code
    LEFT JOIN registry_signers s ON s.enterprise_id = r.id
    WHERE c.id = ? ORDER BY s.id
"""


def registration(tx: Transaction, company_id: int) -> tuple[EnterpriseFiling | None, str | None]:
    """The company's registration as the authority holds it (``filed`` after user filing) and
    its review policy, in one read; ``(None, None)`` before the company names a registration."""
    rows = tx.all(_REGISTRATION_SQL, (company_id,))
    if not rows:
        return None, None
    reg = rows[0]
    signers = tuple(
        (r["name"], r["status"], r["registered_on"]) for r in rows if r["signer_id"] is not None
    )
    key = (
        reg["enterprise_code"],
        reg["ccpit_code"],
        reg["name_en"],
        reg["name_cn"],
        bool(reg["filed"]),
        signers,
    )
    return _enterprise(key), reg["review_policy"]


@lru_cache(maxsize=256)
def _enterprise(key: tuple) -> EnterpriseFiling:
    """A registration built once per distinct content (the key is all of it, so an edit is a
    new entry). Like ``_filing``: the rules only read it; nothing may change these."""
    enterprise_code, ccpit_code, name_en, name_cn, filed, signers = key
    return EnterpriseFiling(
        enterprise_code=enterprise_code,
        ccpit_code=ccpit_code,
        name_en=name_en,
        name_cn=name_cn,
        hand_signers=[
            HandSigner(name=name, status=status, registered_on=registered_on)
            for name, status, registered_on in signers
        ],
        filed=filed,
    )


def enterprise_filing(tx: Transaction, company_id: int) -> EnterpriseFiling | None:
    """The company's registration as the authority holds it, ``filed`` after user filing."""
    return registration(tx, company_id)[0]


def context_for(
    tx: Transaction, company_id: int, row: Row, cert: Certificate, today: date
) -> CheckContext:
    """What the rules need, narrowed to this certificate (its invoice, its HS codes)."""
    return _context(tx, company_id, row, cert, today)[0]


def _context(
    tx: Transaction, company_id: int, row: Row, cert: Certificate, today: date
) -> tuple[CheckContext, str | None]:
    """``context_for`` and the enterprise's review policy (read with its registration)."""
    others = [row["id"]] + ([row["original_id"]] if row["original_id"] else [])
    marks = ", ".join("?" for _ in others)
    used = {
        (r["cert_type"], r["invoice_number"])
        for r in tx.all(
            f"SELECT cert_type, invoice_number FROM certificates WHERE company_id = ? "
            f"AND invoice_number = ? AND status <> 'void' AND id NOT IN ({marks})",
            (company_id, cert.invoice_number, *others),
        )
    }
    hs6 = sorted({line.hs_code[:6] for line in cert.goods})
    filings: list[ProductFiling] = []
    if hs6:
        marks = ", ".join("?" for _ in hs6)
        filings = [
            _filing(r["doc"])
            for r in tx.all(
                f"SELECT doc FROM product_filings WHERE company_id = ? "
                f"AND substr(hs_code, 1, 6) IN ({marks})",
                (company_id, *hs6),
            )
        ]
    enterprise, policy = registration(tx, company_id)
    context = CheckContext(
        today=today,
        enterprise=enterprise
        or EnterpriseFiling(
            enterprise_code=cert.enterprise_code or "000000000",
            ccpit_code=cert.ccpit_code or "000000",
            name_en="?",
            filed=False,
        ),
        approved_filings=filings,
        used_invoices=used,
    )
    return context, policy


def run_check(tx: Transaction, company_id: int, row: Row, cert: Certificate) -> list[Finding]:
    return check(cert, context_for(tx, company_id, row, cert, china_today()))


def _receipt(
    tx: Transaction,
    row: Row,
    cert: Certificate,
    before: CertificateStatus,
    actor: str,
    reason: str = "",
    findings: list[dict] | None = None,
) -> None:
    issue_receipt(
        tx,
        company_id=row["company_id"],
        kind=certificates.ENTITY,
        document_id=row["id"],
        document_number=cert.certificate_number or cert.internal_number or "",
        from_status=before.value,
        to_status=cert.status.value,
        actor=actor,
        reason=reason,
        findings=findings or [],
    )


def submit(
    tx: Transaction, company_id: int, cert_id: int, actor: str, expected_version: int | None = None
) -> dict[str, Any]:
    row, cert = certificates.load(tx, company_id, cert_id)
    if expected_version is not None:
        check_version(row, expected_version, certificates.ENTITY)
    before = cert.status
    cert.status = certificate_transition(cert.status, CertificateAction.SUBMIT)
    profiles.check_hand_signer(tx, company_id, cert.hand_signer)  # as last synced
    cert.submitted_at = now()
    context, policy = _context(tx, company_id, row, cert, china_today())
    findings = check(cert, context)
    found = [f.to_dict() for f in findings]
    _receipt(tx, row, cert, before, actor, "submitted (申报)", found)
    if any(f.is_error for f in findings):
        before, cert.status = cert.status, CertificateStatus.RETURNED
        _receipt(
            tx,
            row,
            cert,
            before,
            SYSTEM_ACTOR,
            f"returned by the review rules: {len([f for f in findings if f.is_error])} "
            "error(s) (规则审核未通过)",
            found,
        )
        return certificates.save(tx, row, cert, findings=dumps(found))
    if policy == "automatic" and not findings:
        return _approve(
            tx, row, cert, SYSTEM_ACTOR, "approved by smart review (智能审核通过)", findings=[]
        )
    return certificates.save(tx, row, cert, findings=dumps(found))


def _office_row(tx: Transaction, reviewer: Principal, cert_id: int) -> tuple[Row, Certificate]:
    """A declared certificate of an enterprise registered with the reviewer's office (the
    authority never sees an enterprise's drafts)."""
    company_id = tx.scalar(
        "SELECT c.company_id FROM certificates c JOIN companies co ON co.id = c.company_id "
        "WHERE c.id = ? AND co.ccpit_code = ? AND c.status <> 'draft'",
        (cert_id, reviewer.office_code),
    )
    if company_id is None:
        raise NotFound(f"certificate {cert_id} not found", f"未找到证书 {cert_id}")
    return certificates.load(tx, company_id, cert_id)


def approve(tx: Transaction, reviewer: Principal, cert_id: int, remark: str = "") -> dict:
    row, cert = _office_row(tx, reviewer, cert_id)
    return _approve(tx, row, cert, reviewer.username, remark or "approved (审核通过)")


def _approve(
    tx: Transaction,
    row: Row,
    cert: Certificate,
    actor: str,
    reason: str,
    findings: list[dict] | None = None,
) -> dict:
    """Approve: number (series per enterprise, type and China's calendar year), signing date
    and place; ``findings`` replaces the stored ones (smart review: none)."""
    before = cert.status
    cert.status = certificate_transition(cert.status, CertificateAction.APPROVE)
    moment = now()
    year = china_date(moment).year
    serial = certificates.next_serial(
        tx, f"certificate:{cert.enterprise_code}:{cert.cert_type}:{year}"
    )
    cert.certificate_number = certificate_number(year, cert.cert_type, cert.enterprise_code, serial)
    cert.approved_at = moment
    cert.signing_date = china_date(moment)
    place = tx.scalar("SELECT place FROM offices WHERE ccpit_code = ?", (cert.ccpit_code,))
    if place:
        cert.signing_place = place
    _receipt(tx, row, cert, before, actor, reason)
    extra = {} if findings is None else {"findings": dumps(findings)}
    shown = certificates.save(tx, row, cert, **extra)
    if row["original_id"]:
        certificates.void(
            tx,
            row["company_id"],
            row["original_id"],
            f"replaced by amend-reissue {cert.certificate_number} (改证重发)",
            actor,
        )
    return shown


def return_(tx: Transaction, reviewer: Principal, cert_id: int, reason: str) -> dict:
    row, cert = _office_row(tx, reviewer, cert_id)
    before = cert.status
    cert.status = certificate_transition(cert.status, CertificateAction.RETURN)
    findings = json.loads(row["findings"])
    _receipt(tx, row, cert, before, reviewer.username, reason, findings)
    return certificates.save(tx, row, cert)


def reviewer_view(tx: Transaction, reviewer: Principal, cert_id: int) -> dict[str, Any]:
    """A certificate with its findings re-run now (a reviewer sees today's verdict)."""
    row, cert = _office_row(tx, reviewer, cert_id)
    shown = certificates.view(row, cert)
    shown["findings"] = [f.to_dict() for f in run_check(tx, row["company_id"], row, cert)]
    return shown


def queue(tx: Transaction, reviewer: Principal, page: int, page_size: int) -> tuple[list, int]:
    clause = (
        "c.status = 'submitted' AND c.company_id IN (SELECT id FROM companies WHERE ccpit_code = ?)"
    )
    total = tx.scalar(
        f"SELECT COUNT(*) FROM certificates c WHERE {clause}", (reviewer.office_code,)
    )
    rows = tx.all(
        f"SELECT c.id, c.version, c.cert_type, c.category, c.status, c.internal_number, "
        f"c.certificate_number, c.invoice_number, c.invoice_date, c.importer_name, "
        f"c.hand_signer, c.destination_country, c.fob_usd, c.created_at, c.submitted_at, "
        f"c.approved_at FROM certificates c WHERE {clause} ORDER BY c.submitted_at, c.id "
        f"LIMIT ? OFFSET ?",
        (reviewer.office_code, page_size, (page - 1) * page_size),
    )
    return rows, total
