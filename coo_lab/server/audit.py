"""The audit trail (修改记录): who changed which field of which document, when, from what to what.

Corrections write one entry per changed field in the same transaction as the change itself,
so the trail and the documents never disagree. Values are kept as JSON (a party's address, a
goods line's HS code, ``null`` for a value that was not there). Entries are the company's own:
a query never shows another enterprise's, and an entry outlives the document it describes (a
deleted draft keeps its history).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from coo_lab.server.auth import Principal
from coo_lab.server.clock import CHINA, iso, now
from coo_lab.server.db import Transaction
from coo_lab.server.feed import dumps


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a document, before and after (JSON values; ``None`` when absent)."""

    field: str
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "before": self.before, "after": self.after}


def record(
    tx: Transaction,
    *,
    company_id: int,
    user: Principal,
    entity: str,
    entity_id: int,
    document_number: str,
    version: int,
    changes: Iterable[FieldChange],
    batch: str = "",
) -> int:
    """Write one audit entry per changed field; returns how many were written."""
    at = iso(now())
    written = 0
    for change in changes:
        tx.execute(
            "INSERT INTO audit_entries (company_id, entity, entity_id, document_number, version, "
            "field, before, after, user_id, actor, at, batch) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                company_id,
                entity,
                entity_id,
                document_number,
                version,
                change.field,
                dumps(change.before),
                dumps(change.after),
                user.user_id,
                user.username,
                at,
                batch,
            ),
        )
        written += 1
    return written


def day_start(day: date) -> str:
    """The UTC instant at which ``day`` begins in China (dates on the API are China's)."""
    return iso(datetime.combine(day, time(0), CHINA).astimezone(UTC))


def query(
    tx: Transaction,
    company_id: int,
    *,
    entity: str | None = None,
    entity_id: int | None = None,
    actor: str | None = None,
    field: str | None = None,
    batch: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[dict[str, Any]], int]:
    """The company's audit entries, newest first, filtered; ``date_to`` is inclusive."""
    where, params = ["company_id = ?"], [company_id]
    for column, value in (
        ("entity", entity),
        ("entity_id", entity_id),
        ("actor", actor),
        ("batch", batch),
    ):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if field:  # a field and everything under it: `importer` finds `importer.address_en`
        where.append("(field = ? OR substr(field, 1, ?) = ?)")
        params.extend([field, len(field) + 1, field + "."])
    if date_from:
        where.append("at >= ?")
        params.append(day_start(date_from))
    if date_to:
        where.append("at < ?")
        params.append(day_start(date.fromordinal(date_to.toordinal() + 1)))
    clause = " AND ".join(where)
    total = tx.scalar(f"SELECT COUNT(*) FROM audit_entries WHERE {clause}", params)
    rows = tx.all(
        f"SELECT id, entity, entity_id, document_number, version, field, before, after, actor, "
        f"at, batch FROM audit_entries WHERE {clause} ORDER BY id DESC LIMIT ? OFFSET ?",
        (*params, page_size, (page - 1) * page_size),
    )
    for row in rows:
        row["before"], row["after"] = json.loads(row["before"]), json.loads(row["after"])
    return rows, total
