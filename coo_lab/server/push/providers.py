"""SMS and WeChat providers: the adapter interface and the default, an outbox in the service.

A real SMS gateway or WeChat official account needs credentials and a contract; the
service talks to one through a ``MessageProvider`` named by a dotted path in the settings
(``COO_LAB_SMS_PROVIDER=mycompany.sms:AliyunSms``). The path names a class (or factory)
called with the service's ``Database``; its ``send`` either returns the provider's message
id or raises ``SendFailed`` (the dispatcher retries later). The default, ``OutboxProvider``,
keeps every message in the ``push_outbox`` table, listed by ``GET /api/v1/push/outbox``:
what a phone would have received, for development, demos and tests.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from coo_lab.errors import FieldError, ValidationFailed
from coo_lab.server import clock
from coo_lab.server.db import Database, Transaction


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """A short text for one phone number (SMS) or WeChat account (openid)."""

    channel: str  # "sms" | "wechat"
    address: str
    text: str
    company_id: int
    purpose: str  # "verification" | "notification"
    delivery_id: str | None = None  # the same on every retry of one notification


class SendFailed(Exception):
    """A channel could not deliver now; ``status_code`` is the HTTP or SMTP code, if any."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


@runtime_checkable
class MessageProvider(Protocol):
    def send(self, message: OutgoingMessage) -> str:
        """Hand the message over; return the provider's id for it, or raise ``SendFailed``."""
        ...


class OutboxProvider:
    """Keeps messages in the service's outbox table instead of sending them."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def send(self, message: OutgoingMessage) -> str:
        with self._db.transaction() as tx:
            row_id = tx.insert(
                "push_outbox",
                {
                    "company_id": message.company_id,
                    "channel": message.channel,
                    "address": message.address,
                    "purpose": message.purpose,
                    "text": message.text,
                    "delivery_id": message.delivery_id,
                    "created_at": clock.iso(clock.now()),
                },
            )
        return f"outbox-{row_id}"


def outbox(
    tx: Transaction,
    company_id: int,
    *,
    channel: str | None = None,
    address: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[dict[str, Any]], int]:
    """The outbox of a company, newest first."""
    where, params = ["company_id = ?"], [company_id]
    for column, value in (("channel", channel), ("address", address)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    clause = " AND ".join(where)
    total = tx.scalar(f"SELECT COUNT(*) FROM push_outbox WHERE {clause}", params)
    rows = tx.all(
        f"SELECT * FROM push_outbox WHERE {clause} ORDER BY id DESC LIMIT ? OFFSET ?",
        (*params, page_size, (page - 1) * page_size),
    )
    return rows, total


def load_provider(path: str, db: Database, setting: str) -> MessageProvider:
    """The provider a dotted path names (``package.module:Class`` or ``package.module.Class``)."""
    module_name, _, attr = path.partition(":") if ":" in path else path.rpartition(".")
    try:
        factory = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError, ValueError) as exc:
        raise _bad(setting, path, f"cannot be imported ({exc})") from exc
    provider = factory(db)
    if not isinstance(provider, MessageProvider):
        raise _bad(setting, path, "has no send(message) method")
    return provider


def _bad(setting: str, path: str, why: str) -> ValidationFailed:
    return ValidationFailed(
        [
            FieldError(
                setting,
                path,
                f"the dotted path of an importable provider class; this one {why}",
                f"可导入的推送服务商类的路径（模块.类）；该路径无效：{why}",
                "provider",
            )
        ],
        model="settings",
    )
