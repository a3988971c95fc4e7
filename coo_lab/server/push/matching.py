"""From the change feed to deliveries: which subscriptions hear of which receipts.

The dispatcher reads the feed after its cursor, a page at a time, and for every receipt
(a status change of a certificate or product filing) queues one delivery per matching
subscription. The deliveries and the moved cursor are written in one transaction, and a
delivery is unique per (subscription, change): a page read twice — after a crash, or by two
processes — queues nothing twice, and a page never read is never skipped.

A document's first receipt (its creation as a draft) is not pushed: the news is what
happens to it from then on — submitted, returned, approved, printed, voided.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from coo_lab.server import clock
from coo_lab.server.db import Transaction
from coo_lab.server.feed import last_seq
from coo_lab.server.push import messages
from coo_lab.server.push.documents import actors, creator

PAGE = 500


def cursor(tx: Transaction) -> int:
    return int(tx.scalar("SELECT seq FROM push_cursor WHERE id = 1") or 0)


def queue_new(tx: Transaction, page: int = PAGE) -> tuple[int, int]:
    """Queue the deliveries of the next page of the feed; (changes passed, deliveries queued)."""
    start = cursor(tx)
    rows = tx.all(
        "SELECT seq, company_id, data FROM changes WHERE seq > ? AND entity = 'receipt' "
        "ORDER BY seq LIMIT ?",
        (start, page),
    )
    end = rows[-1]["seq"] if len(rows) == page else last_seq(tx)
    if end <= start:
        return 0, 0
    queued = 0
    if rows:
        by_company = _subscriptions(tx, {r["company_id"] for r in rows}, end)
        enterprise_codes: dict[int, str] = {}
        for row in rows:
            subs = by_company.get(row["company_id"])
            if not subs:
                continue
            receipt = json.loads(row["data"])
            if receipt.get("from_status") is None:
                continue  # a document's creation as a draft is no news to push
            people = _People(tx, receipt)
            for sub in subs:
                if sub["from_seq"] < row["seq"] and _matches(sub, receipt, people):
                    code = enterprise_codes.get(row["company_id"])
                    if code is None:
                        code = enterprise_codes[row["company_id"]] = _enterprise_code(
                            tx, row["company_id"]
                        )
                    queued += _queue(tx, sub, row["seq"], code, receipt)
    tx.execute("UPDATE push_cursor SET seq = ? WHERE id = 1", (end,))
    return end - start, queued


def _subscriptions(
    tx: Transaction, companies: set[int], before: int
) -> dict[int, list[dict[str, Any]]]:
    marks = ", ".join("?" for _ in companies)
    rows = tx.all(
        "SELECT s.id, s.company_id, s.mode, s.channel, s.content, s.document_id, s.person_id, "
        "s.target, s.from_seq, p.username AS person FROM push_subscriptions s "
        "LEFT JOIN users p ON p.id = s.person_id "
        f"WHERE s.active = 1 AND s.from_seq < ? AND s.company_id IN ({marks}) ORDER BY s.id",
        (before, *sorted(companies)),
    )
    out: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row["company_id"], []).append(row)
    return out


class _People:
    """Who created and who acted on a receipt's document, looked up once if needed."""

    def __init__(self, tx: Transaction, receipt: dict[str, Any]) -> None:
        self._tx, self._receipt = tx, receipt
        self._creator: int | None = None
        self._actors: set[str] | None = None

    def include(self, user_id: int, username: str) -> bool:
        r = self._receipt
        if self._actors is None:
            self._actors = actors(self._tx, r["kind"], r["document_id"], r["id"])
            self._creator = creator(self._tx, r["kind"], r["document_id"])
        return user_id == self._creator or username in self._actors


def _matches(sub: dict[str, Any], receipt: dict[str, Any], people: _People) -> bool:
    if sub["content"] != receipt["kind"]:
        return False
    if sub["mode"] == "enterprise":
        return True
    if sub["mode"] == "document":
        return sub["document_id"] == receipt["document_id"]
    return people.include(sub["person_id"], sub["person"])


def _enterprise_code(tx: Transaction, company_id: int) -> str:
    return tx.scalar("SELECT enterprise_code FROM companies WHERE id = ?", (company_id,)) or ""


def _queue(
    tx: Transaction, sub: dict[str, Any], seq: int, enterprise_code: str, receipt: dict
) -> int:
    delivery_id = uuid.uuid4().hex
    data = messages.payload(delivery_id, sub["id"], seq, enterprise_code, receipt)
    moment = clock.iso(clock.now())
    cur = tx.execute(
        "INSERT INTO push_deliveries (delivery_id, subscription_id, company_id, change_seq, "
        "receipt_id, channel, target, payload, status, attempts, next_attempt_at, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?) "
        "ON CONFLICT (subscription_id, change_seq) DO NOTHING",
        (
            delivery_id,
            sub["id"],
            sub["company_id"],
            seq,
            receipt["id"],
            sub["channel"],
            sub["target"],
            messages.body_bytes(data).decode(),
            moment,
            moment,
        ),
    )
    return cur.rowcount
