"""The four ways a notification leaves the service: webhook, e-mail, SMS and WeChat.

A webhook is an HTTP POST of the delivery's JSON, signed: ``X-CooLab-Signature:
sha256=<hex>`` is the HMAC-SHA256 of the exact body bytes with the subscription's secret, and
``X-CooLab-Delivery`` carries the delivery id, the same on every retry, for the receiver to
drop a repeat. Any 2xx answer counts as received; anything else, a refused connection or a
timeout is retried later. E-mail goes through the configured SMTP server; SMS and WeChat
through their providers (``providers.py``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
from dataclasses import dataclass
from typing import Any

import requests

from coo_lab import __version__
from coo_lab.server.db import Database
from coo_lab.server.push import messages
from coo_lab.server.push.providers import (
    MessageProvider,
    OutgoingMessage,
    SendFailed,
    load_provider,
)
from coo_lab.server.push.settings import PushSettings

SIGNATURE_HEADER = "X-CooLab-Signature"
DELIVERY_HEADER = "X-CooLab-Delivery"
EVENT_HEADER = "X-CooLab-Event"
ATTEMPT_HEADER = "X-CooLab-Attempt"
ERROR_CHARS = 300


def signature(secret: str, body: bytes) -> str:
    """The value of ``X-CooLab-Signature`` for a body: what a receiver recomputes."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Sent:
    """A channel took the message: its status code (HTTP, SMTP) or the provider's id."""

    status_code: int | None = None
    reference: str = ""


class Channels:
    """The senders of one service process, built from its settings."""

    def __init__(self, db: Database, settings: PushSettings) -> None:
        self.settings = settings
        self.providers: dict[str, MessageProvider] = {
            "sms": load_provider(settings.sms_provider, db, "COO_LAB_SMS_PROVIDER"),
            "wechat": load_provider(settings.wechat_provider, db, "COO_LAB_WECHAT_PROVIDER"),
        }
        self._http = requests.Session()
        self._http.trust_env = False  # a proxy set for the machine must not see the posts

    def close(self) -> None:
        self._http.close()

    def send(self, delivery: dict[str, Any], secret: str | None) -> Sent:
        """Send one queued delivery; raise ``SendFailed`` when it did not go."""
        channel = delivery["channel"]
        if channel == "webhook":
            return self._post(delivery, secret or "")
        data = json.loads(delivery["payload"])
        if channel == "email":
            return self._mail(data, delivery["target"])
        message = OutgoingMessage(
            channel=channel,
            address=delivery["target"],
            text=messages.short_text(data),
            company_id=delivery["company_id"],
            purpose="notification",
            delivery_id=delivery["delivery_id"],
        )
        return Sent(reference=self.providers[channel].send(message))

    def _post(self, delivery: dict[str, Any], secret: str) -> Sent:
        body = delivery["payload"].encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"coo-lab-push/{__version__}",
            SIGNATURE_HEADER: signature(secret, body),
            DELIVERY_HEADER: delivery["delivery_id"],
            EVENT_HEADER: json.loads(body)["event"],
            ATTEMPT_HEADER: str(delivery["attempts"] + 1),
        }
        try:
            response = self._http.post(
                delivery["target"],
                data=body,
                headers=headers,
                timeout=self.settings.timeout_seconds,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise SendFailed(f"{type(exc).__name__}: {exc}"[:ERROR_CHARS]) from exc
        with response:
            if not 200 <= response.status_code < 300:
                text = response.text[:200]
                raise SendFailed(f"HTTP {response.status_code}: {text}", response.status_code)
            return Sent(status_code=response.status_code)

    def _mail(self, data: dict[str, Any], recipient: str) -> Sent:
        s = self.settings
        if not s.smtp_host:
            raise SendFailed("e-mail is not configured on this service (COO_LAB_SMTP_HOST)")
        mail = messages.email(data, s.smtp_from, recipient)
        try:
            with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.timeout_seconds) as smtp:
                if s.smtp_starttls:
                    smtp.starttls()
                if s.smtp_user:
                    smtp.login(s.smtp_user, s.smtp_password or "")
                refused = smtp.send_message(mail)
        except smtplib.SMTPResponseException as exc:
            raise SendFailed(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", exc.smtp_code) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise SendFailed(f"{type(exc).__name__}: {exc}"[:ERROR_CHARS]) from exc
        if refused:
            raise SendFailed(f"the SMTP server refused {', '.join(refused)}")
        return Sent(status_code=250)
