"""Subscriptions (订阅): who is told of which documents' status changes, and how.

Three ways to subscribe, as in the original system: by document number (按业务单据号订阅: one
certificate or filing), by enterprise (按企业订阅: every document of the company) or by person
(按个人订阅: the documents a given user of the company created or acted on — submitted,
voided…). Each names its content (certificates or product filings) and one channel with its
target: a webhook URL, an e-mail address, or a phone number / WeChat account that the
subscriber has bound with a verification code (``bindings.py``).

A subscription hears of changes committed after it was made (``from_seq``); cancelling it
stops its pending deliveries too. Everything is scoped to the caller's company.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from coo_lab.domain.events import Channel, Subscription, SubscriptionMode
from coo_lab.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from coo_lab.server.auth import Role
from coo_lab.server.clock import iso, now
from coo_lab.server.concurrency import check_version
from coo_lab.server.db import Transaction
from coo_lab.server.deps import Scope
from coo_lab.server.feed import Encoded, last_seq, record_change
from coo_lab.server.push.documents import DOCUMENTS, resolve_number
from coo_lab.server.push.settings import PushSettings

ENTITY = "push_subscription"
TARGET_FIELDS = {
    Channel.SMS: "phone",
    Channel.EMAIL: "email",
    Channel.WEBHOOK: "webhook_url",
    Channel.WECHAT: "wechat_openid",
}
MAX_ACTIVE = 200  # per enterprise
SECRET_MIN = 16

_SELECT = """
    SELECT s.*, o.username AS owner, p.username AS person
    FROM push_subscriptions s JOIN users o ON o.id = s.owner_id
    LEFT JOIN users p ON p.id = s.person_id
"""


def _bad(field: str, value: Any, en: str, zh: str, code: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, value, en, zh, code)], model="subscription")


def view(row: dict[str, Any]) -> dict[str, Any]:
    target_field = TARGET_FIELDS[Channel(row["channel"])]
    out = {
        "id": row["id"],
        "version": row["version"],
        "mode": row["mode"],
        "channel": row["channel"],
        "content": row["content"],
        "document_number": row["document_number"],
        "document_id": row["document_id"],
        "person": row["person"],
        "active": bool(row["active"]),
        "owner": row["owner"],
        "created_at": row["created_at"],
        "cancelled_at": row["cancelled_at"],
        "cancelled_by": row["cancelled_by"],
        "webhook_secret": None,  # shown once, in the answer that created the subscription
    }
    out.update({f: None for f in TARGET_FIELDS.values()})
    out[target_field] = row["target"]
    return out


def load(tx: Transaction, company_id: int, subscription_id: int) -> dict[str, Any]:
    row = tx.one(_SELECT + " WHERE s.id = ? AND s.company_id = ?", (subscription_id, company_id))
    if row is None:
        raise NotFound(f"subscription {subscription_id} not found", f"未找到订阅 {subscription_id}")
    return row


def create(
    tx: Transaction, scope: Scope, data: dict[str, Any], settings: PushSettings
) -> dict[str, Any]:
    """Validate, check the target and the document or person, and store the subscription."""
    data = dict(data)
    person_name = data.pop("person", None)
    secret = data.pop("webhook_secret", None)
    sub = Subscription.model_validate(data)
    target = getattr(sub, TARGET_FIELDS[sub.channel])
    _check_fields(sub, person_name, secret)
    _check_channel(tx, scope, sub, target, settings)
    document_id = _document(tx, scope.company_id, sub)
    person_id = _person(tx, scope, person_name) if sub.mode == SubscriptionMode.PERSON else None
    _not_twice(tx, scope.company_id, sub, target, document_id, person_id)
    if sub.channel == Channel.WEBHOOK and secret is None:
        secret = secrets.token_urlsafe(32)
    row_id = tx.insert(
        "push_subscriptions",
        {
            "company_id": scope.company_id,
            "owner_id": scope.user.user_id,
            "mode": sub.mode.value,
            "channel": sub.channel.value,
            "content": sub.content.value,
            "document_number": sub.document_number if document_id else None,
            "document_id": document_id,
            "person_id": person_id,
            "target": target,
            "secret": secret,
            "active": 1,
            "version": 1,
            "from_seq": last_seq(tx),
            "created_at": iso(now()),
        },
    )
    shown = view(load(tx, scope.company_id, row_id))
    record_change(tx, scope.company_id, ENTITY, row_id, "create", 1, shown)
    return Encoded({**shown, "webhook_secret": secret})


def _check_fields(sub: Subscription, person: str | None, secret: str | None) -> None:
    if sub.document_number and sub.mode != SubscriptionMode.DOCUMENT:
        raise _bad(
            "document_number",
            sub.document_number,
            "no document number: it is only for subscriptions by document (mode `document`)",
            "不填：单据号仅用于按业务单据号订阅（mode 为 document）",
            "not_for_mode",
        )
    if person is not None and sub.mode != SubscriptionMode.PERSON:
        raise _bad(
            "person",
            person,
            "no person: it is only for subscriptions by person (mode `person`)",
            "不填：人员仅用于按个人订阅（mode 为 person）",
            "not_for_mode",
        )
    if secret is not None and sub.channel != Channel.WEBHOOK:
        raise _bad(
            "webhook_secret",
            "***",
            "no secret: only webhooks are signed",
            "不填：只有 webhook 推送需要签名密钥",
            "not_for_channel",
        )
    if secret is not None and not SECRET_MIN <= len(secret) <= 200:
        raise _bad(
            "webhook_secret",
            "***",
            f"a secret of {SECRET_MIN} to 200 characters (or none: the service makes one)",
            f"{SECRET_MIN}～200 个字符的密钥（不填则由系统生成）",
            "secret_length",
        )


def _check_channel(
    tx: Transaction, scope: Scope, sub: Subscription, target: str, settings: PushSettings
) -> None:
    field = TARGET_FIELDS[sub.channel]
    if sub.channel == Channel.EMAIL and not settings.email_enabled:
        raise _bad(
            "channel",
            sub.channel.value,
            "another channel: e-mail is not configured on this service (no SMTP server)",
            "其他推送方式：本服务未配置电子邮件（无 SMTP 服务器）",
            "channel_not_configured",
        )
    if sub.channel == Channel.WEBHOOK:
        _check_url(target)
    if sub.channel in (Channel.SMS, Channel.WECHAT):
        bound = tx.scalar(
            "SELECT 1 FROM push_bindings WHERE user_id = ? AND channel = ? AND address = ? "
            "AND status = 'bound'",
            (scope.user.user_id, sub.channel.value, target),
        )
        if not bound:
            what = "phone number" if sub.channel == Channel.SMS else "WeChat account"
            what_zh = "手机号码" if sub.channel == Channel.SMS else "微信账号"
            raise _bad(
                field,
                target,
                f"a {what} you have bound with a verification code "
                "(POST /api/v1/push/bindings, then .../verify)",
                f"您已通过验证码绑定的{what_zh}（先 POST /api/v1/push/bindings 获取验证码并验证）",
                "not_bound",
            )


def _check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 — raises on a port that is not a number
    except ValueError:
        parts = None
    if parts is None or not parts.hostname or any(c.isspace() for c in url):
        raise _bad(
            "webhook_url",
            url,
            "an http(s) URL with a host, such as https://erp.example.com/coo-hook",
            "带主机名的 http(s) 地址，如 https://erp.example.com/coo-hook",
            "url",
        )


def _document(tx: Transaction, company_id: int, sub: Subscription) -> int | None:
    if sub.mode != SubscriptionMode.DOCUMENT:
        return None
    kind = DOCUMENTS[sub.content.value]
    found = resolve_number(tx, company_id, sub.content.value, sub.document_number or "")
    if found is None:
        raise _bad(
            "document_number",
            sub.document_number,
            f"the internal or issued number of one of your enterprise's {kind.name_en}s",
            f"本企业{kind.name_zh}的统一编号或证书号",
            "unknown_document",
        )
    return found


def _person(tx: Transaction, scope: Scope, username: str | None) -> int:
    if username is None:
        return scope.user.user_id
    found = tx.scalar(
        "SELECT id FROM users WHERE username = ? AND company_id = ?", (username, scope.company_id)
    )
    if found is None:
        raise _bad(
            "person",
            username,
            "the username of a user of your enterprise (or none: yourself)",
            "本企业用户的用户名（不填则为本人）",
            "unknown_user",
        )
    return int(found)


def _not_twice(
    tx: Transaction,
    company_id: int,
    sub: Subscription,
    target: str,
    document_id: int | None,
    person_id: int | None,
) -> None:
    same = tx.scalar(
        "SELECT id FROM push_subscriptions WHERE company_id = ? AND active = 1 AND mode = ? "
        "AND channel = ? AND content = ? AND target = ? AND document_id IS ? AND person_id IS ?",
        (
            company_id,
            sub.mode.value,
            sub.channel.value,
            sub.content.value,
            target,
            document_id,
            person_id,
        ),
    )
    if same is not None:
        raise Conflict(
            f"the same subscription already exists (subscription {same})",
            f"已存在相同的有效订阅（订阅 {same}）",
        )
    active = tx.scalar(
        "SELECT COUNT(*) FROM push_subscriptions WHERE company_id = ? AND active = 1",
        (company_id,),
    )
    if active >= MAX_ACTIVE:
        raise Conflict(
            f"your enterprise has {active} active subscriptions, the most allowed; cancel some",
            f"本企业已有 {active} 个有效订阅，已达上限，请先取消部分订阅",
        )


def cancel(
    tx: Transaction, scope: Scope, subscription_id: int, version: int | None
) -> dict[str, Any]:
    """取消订阅: the subscription stops; its deliveries not yet sent are dropped."""
    row = load(tx, scope.company_id, subscription_id)
    if version is not None:
        check_version(row, version, "subscription")
    if row["owner_id"] != scope.user.user_id and scope.user.role != Role.ADMIN:
        raise PermissionDenied(
            "only the subscriber or the enterprise administrator may cancel a subscription",
            "只有订阅人或企业管理员可以取消订阅",
        )
    if not row["active"]:
        return view(row)
    return cancel_rows(tx, scope.company_id, [row["id"]], scope.user.username)[0]


def cancel_rows(tx: Transaction, company_id: int, ids: list[int], by: str) -> list[dict]:
    """Cancel active subscriptions of a company and drop their unsent deliveries."""
    shown = []
    for subscription_id in ids:
        tx.execute(
            "UPDATE push_subscriptions SET active = 0, version = version + 1, cancelled_at = ?, "
            "cancelled_by = ? WHERE id = ? AND company_id = ? AND active = 1",
            (iso(now()), by, subscription_id, company_id),
        )
        tx.execute(
            "UPDATE push_deliveries SET status = 'cancelled', claimed_until = NULL "
            "WHERE subscription_id = ? AND status = 'pending'",
            (subscription_id,),
        )
        data = view(load(tx, company_id, subscription_id))
        record_change(tx, company_id, ENTITY, subscription_id, "update", data["version"], data)
        shown.append(data)
    return shown


def query(
    tx: Transaction,
    company_id: int,
    *,
    active: bool | None,
    mode: str | None,
    channel: str | None,
    content: str | None,
    page: int,
    page_size: int,
) -> tuple[list[dict[str, Any]], int]:
    where, params = ["s.company_id = ?"], [company_id]
    for column, value in (("s.mode", mode), ("s.channel", channel), ("s.content", content)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if active is not None:
        where.append("s.active = ?")
        params.append(int(active))
    clause = " AND ".join(where)
    total = tx.scalar(f"SELECT COUNT(*) FROM push_subscriptions s WHERE {clause}", params)
    rows = tx.all(
        f"{_SELECT} WHERE {clause} ORDER BY s.id DESC LIMIT ? OFFSET ?",
        (*params, page_size, (page - 1) * page_size),
    )
    return [view(r) for r in rows], total
