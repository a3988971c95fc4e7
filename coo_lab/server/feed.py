"""The change feed: every write appends what changed, with a monotonic sequence number.

Sync, receipts and status push all read the feed. A change carries the whole document as it
was after the write (``None`` for a delete), so a reader needs nothing else to mirror it. The
sequence is assigned inside the writing transaction; writers are serialised (BEGIN
IMMEDIATE), so sequence order is commit order and a reader never skips a change.
"""

from __future__ import annotations

import json
from typing import Any

from coo_lab.server.auth import Principal
from coo_lab.server.clock import iso, now
from coo_lab.server.db import Transaction

MAX_PAGE = 1000


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


class Encoded(dict[str, Any]):
    """A document with its JSON text (``dumps``), made once: a write's feed entry, its
    idempotency record and its HTTP response are the same text. Do not change one: the
    text would no longer match."""

    __slots__ = ("json",)

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.json = dumps(self)


def encode(data: Any) -> str:
    """``dumps``, or the text an ``Encoded`` document already has."""
    return data.json if isinstance(data, Encoded) else dumps(data)


def record_change(
    tx: Transaction,
    company_id: int,
    entity: str,
    entity_id: int,
    op: str,
    version: int,
    data: dict[str, Any] | None,
) -> int:
    """Append one change; returns its sequence number."""
    cur = tx.execute(
        "INSERT INTO changes (company_id, entity, entity_id, op, version, at, data, authority) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
        (
            company_id,
            entity,
            entity_id,
            op,
            version,
            iso(now()),
            None if data is None else encode(data),
            int(authority_sees(entity, data)),
        ),
    )
    return int(cur.fetchone()[0])


AUTHORITY_ENTITIES = frozenset({"certificate", "receipt", "product_filing"})


def authority_sees(entity: str, data: dict[str, Any] | None) -> bool:
    """The authority sees what was declared to it: not drafts, not base data."""
    if entity not in AUTHORITY_ENTITIES or data is None:
        return False
    return data.get("status", data.get("to_status")) not in (None, "draft")


def changes_after(tx: Transaction, user: Principal, after: int, limit: int) -> list[dict[str, Any]]:
    """The changes visible to a user after a sequence number, in sequence order.

    Enterprise users see all of their company's changes; reviewers see what the enterprises
    registered with their office declared (``authority_sees``), never drafts or base data.
    """
    limit = max(1, min(limit, MAX_PAGE + 1))  # +1: the route asks one more to see if more
    if user.company_id is not None:
        where, param = "company_id = ?", user.company_id
    else:
        where = "authority = 1 AND company_id IN (SELECT id FROM companies WHERE ccpit_code = ?)"
        param = user.office_code
    rows = tx.all(
        f"SELECT seq, entity, entity_id, op, version, at, data FROM changes "
        f"WHERE seq > ? AND {where} ORDER BY seq LIMIT ?",
        (after, param, limit),
    )
    for row in rows:
        row["data"] = json.loads(row["data"]) if row["data"] is not None else None
    return rows


def last_seq(tx: Transaction) -> int:
    return int(tx.scalar("SELECT COALESCE(MAX(seq), 0) FROM changes"))
