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
import http.client
import json
import smtplib
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

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
        self._tls = ssl.create_default_context()

    def close(self) -> None:
        """Nothing is held between sends (each post has its own connection)."""

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
        """One POST on a connection of its own (http.client: a fraction of the CPU that a
        full HTTP library spends, and no proxy settings of the machine in the way)."""
        body = delivery["payload"].encode()
        url = urlsplit(delivery["target"])
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"coo-lab-push/{__version__}",
            SIGNATURE_HEADER: signature(secret, body),
            DELIVERY_HEADER: delivery["delivery_id"],
            EVENT_HEADER: json.loads(body)["event"],
            ATTEMPT_HEADER: str(delivery["attempts"] + 1),
        }
        timeout = self.settings.timeout_seconds
        try:
            if url.scheme == "https":
                conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                    url.hostname or "", url.port, timeout=timeout, context=self._tls
                )
            else:
                conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=timeout)
            try:
                path = (url.path or "/") + (f"?{url.query}" if url.query else "")
                conn.request("POST", path, body, headers)
                response = conn.getresponse()
                text = response.read(200).decode("utf-8", "replace")
            finally:
                conn.close()
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise SendFailed(f"{type(exc).__name__}: {exc}"[:ERROR_CHARS]) from exc
        if not 200 <= response.status < 300:
            raise SendFailed(f"HTTP {response.status}: {text}", response.status)
        return Sent(status_code=response.status)

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
