"""Binding a phone (SMS) or WeChat account to a user with a 6-digit verification code.

As in the original system's 状态推送 screen: the user gives a phone number, gets a code by
SMS (获取验证码) and types it back. The code is good for a few minutes
(``code_ttl_seconds``), allows a few wrong tries (``code_max_tries``), and a new one can be
asked for once a minute per address (``code_resend_seconds``). Only a hash of the code is
stored. A WeChat account (openid) is bound the same way, the code going to the account
through the WeChat provider. Unbinding (解除绑定) cancels the subscriptions that used it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from coo_lab.errors import Conflict, CooLabError, FieldError, NotFound, ValidationFailed
from coo_lab.server import clock
from coo_lab.server.auth import TooManyAttempts
from coo_lab.server.db import Transaction
from coo_lab.server.deps import Scope
from coo_lab.server.feed import record_change
from coo_lab.server.push import subscriptions
from coo_lab.server.push.providers import OutgoingMessage
from coo_lab.server.push.settings import PushSettings

ENTITY = "push_binding"
ADDRESS = {  # channel → (pattern, expected en, expected zh)
    "sms": (
        re.compile(r"\+?[0-9]{6,15}"),
        "a mobile number of 6 to 15 digits, optionally starting with +",
        "6～15 位数字的手机号码，可以 + 开头",
    ),
    "wechat": (
        re.compile(r"[A-Za-z0-9_-]{6,64}"),
        "a WeChat openid (6 to 64 letters, digits, _ or -)",
        "微信 openid（6～64 位字母、数字、_ 或 -）",
    ),
}


def _hash(user_id: int, channel: str, address: str, code: str) -> str:
    return hashlib.sha256(f"{user_id}:{channel}:{address}:{code}".encode()).hexdigest()


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def view(row: dict[str, Any], settings: PushSettings) -> dict[str, Any]:
    pending = row["status"] == "pending" and row["code_hash"] is not None
    return {
        "id": row["id"],
        "version": row["version"],
        "channel": row["channel"],
        "address": row["address"],
        "status": row["status"],
        "code_expires_at": row["code_expires_at"] if pending else None,
        "tries_left": max(settings.code_max_tries - row["tries"], 0) if pending else None,
        "created_at": row["created_at"],
        "bound_at": row["bound_at"],
    }


def _feed(tx: Transaction, row: dict[str, Any], settings: PushSettings, op: str) -> None:
    record_change(tx, row["company_id"], ENTITY, row["id"], op, row["version"], view(row, settings))


def load(tx: Transaction, scope: Scope, binding_id: int) -> dict[str, Any]:
    """One of the caller's own bindings (another user's is not found)."""
    row = tx.one(
        "SELECT * FROM push_bindings WHERE id = ? AND company_id = ? AND user_id = ?",
        (binding_id, scope.company_id, scope.user.user_id),
    )
    if row is None:
        raise NotFound(f"binding {binding_id} not found", f"未找到绑定 {binding_id}")
    return row


def mine(tx: Transaction, scope: Scope, settings: PushSettings) -> list[dict[str, Any]]:
    rows = tx.all(
        "SELECT * FROM push_bindings WHERE company_id = ? AND user_id = ? ORDER BY id",
        (scope.company_id, scope.user.user_id),
    )
    return [view(r, settings) for r in rows]


def issue_code(
    tx: Transaction, scope: Scope, channel: str, address: str, settings: PushSettings
) -> tuple[dict[str, Any], OutgoingMessage]:
    """A new code for (caller, channel, address), stored as a hash; the message to send."""
    pattern, en, zh = ADDRESS[channel]
    address = address.strip()
    if not pattern.fullmatch(address):
        raise ValidationFailed([FieldError("address", address, en, zh, "address")], model="binding")
    moment = clock.now()
    row = tx.one(
        "SELECT * FROM push_bindings WHERE user_id = ? AND channel = ? AND address = ?",
        (scope.user.user_id, channel, address),
    )
    if row is not None and row["status"] == "bound":
        raise Conflict(
            f"{address} is already bound (binding {row['id']})",
            f"{address} 已绑定（绑定 {row['id']}）",
        )
    if row is not None and row["code_sent_at"]:
        wait = settings.code_resend_seconds - (moment - _at(row["code_sent_at"])).total_seconds()
        if wait > 0:
            raise TooManyAttempts(
                f"a code was sent to {address} moments ago; ask for another in {wait:.0f} s",
                f"验证码刚刚已发送至 {address}，请 {wait:.0f} 秒后再获取",
            )
    code = f"{secrets.randbelow(10**6):06d}"
    values = {
        "status": "pending",
        "code_hash": _hash(scope.user.user_id, channel, address, code),
        "code_sent_at": clock.iso(moment),
        "code_expires_at": clock.iso(moment + timedelta(seconds=settings.code_ttl_seconds)),
        "tries": 0,
    }
    if row is None:
        values.update(
            company_id=scope.company_id,
            user_id=scope.user.user_id,
            channel=channel,
            address=address,
            version=1,
            created_at=clock.iso(moment),
        )
        values["id"] = tx.insert("push_bindings", values)
        op = "create"
    else:
        values["version"] = row["version"] + 1
        tx.update("push_bindings", row["id"], values)
        values = {**row, **values}
        op = "update"
    values.setdefault("bound_at", None)
    _feed(tx, values, settings, op)
    minutes = max(round(settings.code_ttl_seconds / 60), 1)
    message = OutgoingMessage(
        channel=channel,
        address=address,
        text=f"【贸促会原产地证】验证码 {code}，{minutes} 分钟内有效，用于绑定状态推送，"
        f"请勿告诉他人。 Your coo_lab verification code is {code} (valid {minutes} min).",
        company_id=scope.company_id,
        purpose="verification",
    )
    return view(values, settings), message


def withdraw_code(tx: Transaction, binding_id: int) -> None:
    """The code could not be sent: forget it, so the user may ask again at once."""
    tx.execute(
        "UPDATE push_bindings SET code_hash = NULL, code_sent_at = NULL, code_expires_at = NULL "
        "WHERE id = ?",
        (binding_id,),
    )


def verify(
    tx: Transaction, scope: Scope, binding_id: int, code: str, settings: PushSettings
) -> tuple[dict[str, Any], CooLabError | None]:
    """Check a code. A wrong one is counted: the caller commits, then raises the error."""
    row = load(tx, scope, binding_id)
    if row["status"] == "bound":
        return view(row, settings), None
    if row["code_hash"] is None:
        return view(row, settings), _code_error(
            code,
            "a code you asked for first: POST /api/v1/push/bindings sends one",
            "请先获取验证码（POST /api/v1/push/bindings）",
            "code_missing",
        )
    if row["tries"] >= settings.code_max_tries:
        return view(row, settings), TooManyAttempts(
            f"{row['tries']} wrong codes for {row['address']}: this code is spent; ask for a "
            "new one",
            f"{row['address']} 的验证码已输错 {row['tries']} 次，该验证码已失效，请重新获取",
        )
    moment = clock.now()
    if moment > _at(row["code_expires_at"]):
        expired = _at(row["code_expires_at"]).astimezone(clock.CHINA).strftime("%H:%M:%S")
        return view(row, settings), _code_error(
            code,
            f"a code still valid; the one sent to {row['address']} expired at {expired} "
            "(UTC+8): ask for a new one",
            f"有效的验证码；发送至 {row['address']} 的验证码已于 {expired} 过期，请重新获取",
            "code_expired",
        )
    given = _hash(scope.user.user_id, row["channel"], row["address"], code.strip())
    if not hmac.compare_digest(given, row["code_hash"]):
        tries = row["tries"] + 1
        tx.execute("UPDATE push_bindings SET tries = ? WHERE id = ?", (tries, row["id"]))
        left = settings.code_max_tries - tries
        return view({**row, "tries": tries}, settings), _code_error(
            code,
            f"the 6-digit code sent to {row['address']} ({left} tries left)",
            f"发送至 {row['address']} 的 6 位验证码（还可尝试 {left} 次）",
            "code_wrong",
        )
    values = {
        "status": "bound",
        "code_hash": None,
        "code_expires_at": None,
        "tries": 0,
        "bound_at": clock.iso(moment),
        "version": row["version"] + 1,
    }
    tx.update("push_bindings", row["id"], values)
    row = {**row, **values}
    _feed(tx, row, settings, "update")
    return view(row, settings), None


def _code_error(code: str, en: str, zh: str, kind: str) -> ValidationFailed:
    return ValidationFailed([FieldError("code", code, en, zh, kind)], model="binding")


def unbind(
    tx: Transaction, scope: Scope, binding_id: int, settings: PushSettings
) -> dict[str, Any]:
    """解除绑定; the subscriptions of this user that push to it are cancelled."""
    row = load(tx, scope, binding_id)
    using = tx.all(
        "SELECT id FROM push_subscriptions WHERE owner_id = ? AND channel = ? AND target = ? "
        "AND active = 1",
        (scope.user.user_id, row["channel"], row["address"]),
    )
    subscriptions.cancel_rows(tx, scope.company_id, [u["id"] for u in using], scope.user.username)
    values = {
        "status": "unbound",
        "code_hash": None,
        "code_sent_at": None,
        "code_expires_at": None,
        "tries": 0,
        "bound_at": None,
        "version": row["version"] + 1,
    }
    tx.update("push_bindings", row["id"], values)
    row = {**row, **values}
    _feed(tx, row, settings, "update")
    return {**view(row, settings), "cancelled_subscriptions": [u["id"] for u in using]}
