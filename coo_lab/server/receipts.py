"""Receipts (回执): every status change of a certificate or filing, as the authority reports it.

A receipt says who, when, from which status to which, why, and with which findings. It is
stored, listed per document and per enterprise, and appended to the change feed (so sync
and status push see it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from coo_lab.server.clock import iso, now
from coo_lab.server.db import Transaction
from coo_lab.server.feed import dumps, record_change


def issue_receipt(
    tx: Transaction,
    *,
    company_id: int,
    kind: str,
    document_id: int,
    document_number: str,
    from_status: str | None,
    to_status: str,
    actor: str,
    reason: str = "",
    findings: Iterable[dict[str, Any]] = (),
) -> dict[str, Any]:
    row = {
        "company_id": company_id,
        "kind": kind,
        "document_id": document_id,
        "document_number": document_number,
        "from_status": from_status,
        "to_status": to_status,
        "actor": actor,
        "at": iso(now()),
        "reason": reason,
        "findings": dumps(list(findings)),
    }
    row["id"] = tx.insert("receipts", row)
    receipt = _public(row)
    record_change(tx, company_id, "receipt", row["id"], "create", 1, receipt)
    return receipt


def _public(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k != "company_id"}
    if isinstance(out["findings"], str):
        out["findings"] = json.loads(out["findings"])
    return out


def list_receipts(
    tx: Transaction,
    company_id: int,
    *,
    kind: str | None = None,
    document_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    where, params = ["company_id = ?"], [company_id]
    if kind is not None:
        where.append("kind = ?")
        params.append(kind)
    if document_id is not None:
        where.append("document_id = ?")
        params.append(document_id)
    clause = " AND ".join(where)
    total = tx.scalar(f"SELECT COUNT(*) FROM receipts WHERE {clause}", params)
    rows = tx.all(
        f"SELECT * FROM receipts WHERE {clause} ORDER BY id DESC LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )
    return [_public(r) for r in rows], total
