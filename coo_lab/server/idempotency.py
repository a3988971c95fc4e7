"""Idempotency keys: a retried create or submit returns the first answer, never a second copy.

The key is remembered in the same transaction as the write it guards, so either both are
committed or neither; a retry that arrives while the first request is still writing waits
for the write lock and then finds the stored answer.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from coo_lab.errors import Conflict
from coo_lab.server.clock import iso, now
from coo_lab.server.db import Transaction
from coo_lab.server.feed import dumps, encode


def request_hash(method: str, path: str, body: Any) -> str:
    payload = dumps({"m": method, "p": path, "b": body})
    return hashlib.sha256(payload.encode()).hexdigest()


def replay(tx: Transaction, user_id: int, key: str, fingerprint: str) -> tuple[int, Any] | None:
    """The stored (status, body) for this key, or None when the key is new."""
    row = tx.one(
        "SELECT request_hash, status_code, body FROM idempotency_keys "
        "WHERE user_id = ? AND key = ?",
        (user_id, key),
    )
    if row is None:
        return None
    if row["request_hash"] != fingerprint:
        raise Conflict(
            f"Idempotency-Key {key!r} was already used for a different request",
            f"幂等键 {key!r} 已用于另一个请求",
        )
    return row["status_code"], json.loads(row["body"])


def remember(
    tx: Transaction, user_id: int, key: str, fingerprint: str, status: int, body: Any
) -> None:
    tx.execute(
        "INSERT INTO idempotency_keys (user_id, key, request_hash, status_code, body, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (user_id, key, fingerprint, status, encode(body), iso(now())),
    )
