"""Deliveries: claimed one at a time, sent, and marked — with every attempt logged.

A delivery is claimed (a lease of a few timeouts) in one short transaction, sent outside
any transaction, and marked in the next one (which also claims the following delivery):
delivered, or failed with the next attempt set by exponential back-off
(``PushSettings.backoff``), or given up after ``max_attempts``. The
lease keeps two dispatchers (two processes on one store) from sending the same delivery at
once. If the process dies after sending and before marking, the lease runs out and that one
delivery is sent again — with the same delivery id, which receivers use to drop the repeat.
That is the only way a notification can arrive twice; none is ever lost.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from coo_lab.server import clock
from coo_lab.server.db import Transaction
from coo_lab.server.push.providers import SendFailed
from coo_lab.server.push.settings import PushSettings

STATUSES = ("pending", "delivered", "failed", "cancelled")


def lease_seconds(settings: PushSettings) -> float:
    return 2 * settings.timeout_seconds + 30


def claim_next(tx: Transaction, settings: PushSettings) -> dict[str, Any] | None:
    """The next due delivery, leased to the caller; None when nothing is due."""
    moment = clock.now()
    at = clock.iso(moment)
    row = tx.one(
        "SELECT d.*, s.secret FROM push_deliveries d "
        "JOIN push_subscriptions s ON s.id = d.subscription_id "
        "WHERE d.status = 'pending' AND d.next_attempt_at <= ? "
        "AND (d.claimed_until IS NULL OR d.claimed_until < ?) "
        "ORDER BY d.next_attempt_at, d.id LIMIT 1",
        (at, at),
    )
    if row is None:
        return None
    until = clock.iso(moment + timedelta(seconds=lease_seconds(settings)))
    tx.execute("UPDATE push_deliveries SET claimed_until = ? WHERE id = ?", (until, row["id"]))
    return row


def next_due(tx: Transaction) -> str | None:
    """When the next pending delivery falls due (ISO time), if any is waiting."""
    return tx.scalar(
        "SELECT MIN(CASE WHEN claimed_until > next_attempt_at THEN claimed_until "
        "ELSE next_attempt_at END) FROM push_deliveries WHERE status = 'pending'"
    )


def busy(tx: Transaction) -> bool:
    """A delivery is being sent (claimed) or is due now."""
    at = clock.iso(clock.now())
    found = tx.scalar(
        "SELECT 1 FROM push_deliveries WHERE status = 'pending' "
        "AND (claimed_until > ? OR next_attempt_at <= ?) LIMIT 1",
        (at, at),
    )
    return found is not None


def mark_sent(tx: Transaction, row: dict[str, Any], status_code: int | None) -> None:
    moment = clock.iso(clock.now())
    attempt = row["attempts"] + 1
    tx.execute(
        "UPDATE push_deliveries SET status = CASE WHEN status = 'pending' THEN 'delivered' "
        "ELSE status END, attempts = ?, delivered_at = ?, claimed_until = NULL, last_error = '' "
        "WHERE id = ?",
        (attempt, moment, row["id"]),
    )
    _log(tx, row["id"], attempt, moment, True, status_code, "")


def mark_failed(
    tx: Transaction, row: dict[str, Any], failure: SendFailed, settings: PushSettings
) -> None:
    moment = clock.now()
    attempt = row["attempts"] + 1
    error = str(failure)[:500]
    given_up = attempt >= settings.max_attempts
    later = moment + timedelta(seconds=settings.backoff(attempt))
    tx.execute(
        "UPDATE push_deliveries SET status = CASE WHEN status = 'pending' THEN ? "
        "ELSE status END, attempts = ?, next_attempt_at = ?, claimed_until = NULL, "
        "last_error = ? WHERE id = ?",
        ("failed" if given_up else "pending", attempt, clock.iso(later), error, row["id"]),
    )
    _log(tx, row["id"], attempt, clock.iso(moment), False, failure.status_code, error)


def _log(
    tx: Transaction,
    delivery_row: int,
    attempt: int,
    at: str,
    ok: bool,
    status_code: int | None,
    error: str,
) -> None:
    tx.execute(
        "INSERT INTO push_attempts (delivery_row, attempt, at, ok, status_code, error) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (delivery_row, attempt, at, int(ok), status_code, error),
    )


def view(row: dict[str, Any], attempts: list[dict[str, Any]]) -> dict[str, Any]:
    receipt = json.loads(row["payload"])["receipt"]
    return {
        "id": row["id"],
        "delivery_id": row["delivery_id"],
        "subscription_id": row["subscription_id"],
        "channel": row["channel"],
        "target": row["target"],
        "seq": row["change_seq"],
        "receipt_id": row["receipt_id"],
        "document_kind": receipt["kind"],
        "document_id": receipt["document_id"],
        "document_number": receipt["document_number"],
        "from_status": receipt["from_status"],
        "to_status": receipt["to_status"],
        "status": row["status"],
        "attempts": row["attempts"],
        "next_attempt_at": row["next_attempt_at"] if row["status"] == "pending" else None,
        "last_error": row["last_error"],
        "created_at": row["created_at"],
        "delivered_at": row["delivered_at"],
        "log": [
            {k: a[k] for k in ("attempt", "at", "status_code", "error")} | {"ok": bool(a["ok"])}
            for a in attempts
        ],
    }


def query(
    tx: Transaction,
    company_id: int,
    *,
    subscription_id: int | None = None,
    status: str | None = None,
    channel: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[dict[str, Any]], int]:
    """The delivery log of a company, newest first, each with its attempts."""
    where, params = ["company_id = ?"], [company_id]
    for column, value in (
        ("subscription_id", subscription_id),
        ("status", status),
        ("channel", channel),
    ):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    clause = " AND ".join(where)
    total = tx.scalar(f"SELECT COUNT(*) FROM push_deliveries WHERE {clause}", params)
    rows = tx.all(
        f"SELECT * FROM push_deliveries WHERE {clause} ORDER BY id DESC LIMIT ? OFFSET ?",
        (*params, page_size, (page - 1) * page_size),
    )
    logs: dict[int, list[dict[str, Any]]] = {r["id"]: [] for r in rows}
    if rows:
        marks = ", ".join("?" for _ in rows)
        for a in tx.all(
            f"SELECT * FROM push_attempts WHERE delivery_row IN ({marks}) ORDER BY attempt",
            list(logs),
        ):
            logs[a["delivery_row"]].append(a)
    return [view(r, logs[r["id"]]) for r in rows], total


def counts(tx: Transaction, company_id: int) -> dict[str, int]:
    found = {
        r["status"]: r["n"]
        for r in tx.all(
            "SELECT status, COUNT(*) AS n FROM push_deliveries WHERE company_id = ? "
            "GROUP BY status",
            (company_id,),
        )
    }
    return {s: int(found.get(s, 0)) for s in STATUSES}
