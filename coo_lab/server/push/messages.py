"""What a notification says: the webhook's JSON, the e-mail and the SMS/WeChat text.

The payload is made once, when a delivery is queued, and stored with it: every retry sends
the same bytes (and the same signature), and the delivery log shows exactly what was sent.
"""

from __future__ import annotations

import json
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from coo_lab.domain.lifecycle import CertificateStatus, FilingStatus
from coo_lab.server.clock import CHINA

KIND_NAMES = {  # document kind → (English, Chinese)
    "certificate": ("Certificate of origin", "原产地证"),
    "product_filing": ("Product filing", "商品备案"),
}
_LABELS_ZH = {s.value: s.label_zh for s in (*CertificateStatus, *FilingStatus)}
SMS_REASON_CHARS = 60


def payload(
    delivery_id: str, subscription_id: int, seq: int, enterprise_code: str, receipt: dict
) -> dict[str, Any]:
    """The JSON body of a webhook post (and the source of the other channels' texts)."""
    return {
        "delivery_id": delivery_id,
        "event": f"{receipt['kind']}.status_changed",
        "subscription_id": subscription_id,
        "seq": seq,
        "enterprise_code": enterprise_code,
        "receipt": receipt,
        "from_status_zh": status_zh(receipt.get("from_status")),
        "to_status_zh": status_zh(receipt["to_status"]),
    }


def body_bytes(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def status_zh(status: str | None) -> str:
    if status is None:
        return "新建"
    return _LABELS_ZH.get(status, status)


def _kind(data: dict[str, Any]) -> tuple[str, str]:
    kind = data["receipt"]["kind"]
    return KIND_NAMES.get(kind, (kind, kind))


def _china_time(at: str) -> str:
    return datetime.fromisoformat(at).astimezone(CHINA).strftime("%Y-%m-%d %H:%M (UTC+8)")


def _number(receipt: dict[str, Any]) -> str:
    return receipt.get("document_number") or f"#{receipt['document_id']}"


def short_text(data: dict[str, Any]) -> str:
    """The SMS / WeChat text: Chinese first, English after, the reason shortened."""
    receipt = data["receipt"]
    en, zh = _kind(data)
    number = _number(receipt)
    reason = receipt.get("reason") or ""
    if len(reason) > SMS_REASON_CHARS:
        reason = reason[: SMS_REASON_CHARS - 1] + "…"
    why = f"（{reason}）" if reason else ""
    return (
        f"【贸促会原产地证】{zh} {number} 状态：{data['from_status_zh']}→{data['to_status_zh']}"
        f"{why} / {en} {number}: {receipt.get('from_status') or 'new'} → {receipt['to_status']}"
    )


def email(data: dict[str, Any], sender: str, recipient: str) -> EmailMessage:
    """A plain-text mail; its Message-ID comes from the delivery id, so a resend is known."""
    receipt = data["receipt"]
    en, zh = _kind(data)
    number = _number(receipt)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = (
        f"{zh} {number} {data['to_status_zh']} / {en} {number} {receipt['to_status']}"
    )
    message["Message-ID"] = f"<{data['delivery_id']}@coo-lab.push>"
    message["X-CooLab-Delivery"] = data["delivery_id"]
    lines = [
        f"{zh} {number} 的状态已变更 / The status of {en.lower()} {number} changed:",
        "",
        f"  状态 / status:  {data['from_status_zh']} → {data['to_status_zh']}"
        f"  ({receipt.get('from_status') or 'new'} → {receipt['to_status']})",
        f"  时间 / at:      {_china_time(receipt['at'])}",
        f"  操作人 / by:    {receipt['actor']}",
        f"  企业 / enterprise: {data['enterprise_code']}",
    ]
    if receipt.get("reason"):
        lines.append(f"  原因 / reason:  {receipt['reason']}")
    findings = receipt.get("findings") or []
    if findings:
        lines += ["", "审核发现 / review findings:"]
        lines += [
            f"  - {f.get('code')} {f.get('field')}: {f.get('message_zh')} / {f.get('message_en')}"
            for f in findings
        ]
    lines += [
        "",
        f"订阅 / subscription #{data['subscription_id']} · "
        f"推送编号 / delivery {data['delivery_id']}",
    ]
    message.set_content("\n".join(lines))
    return message
