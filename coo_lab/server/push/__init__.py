"""Status push (状态推送): subscriptions, bindings, and the dispatcher that delivers.

    settings       PushSettings: SMTP, providers, retry timing (arguments, then COO_LAB_*)
    subscriptions  by document number, by enterprise, by person; list; cancel
    bindings       a phone (SMS) or WeChat account bound with a 6-digit code
    documents      what push needs to know of certificates and product filings
    matching       change feed → deliveries, unique per (subscription, change)
    deliveries     claim, send, mark; back-off; the delivery log
    messages       the webhook JSON, the e-mail, the SMS/WeChat text
    channels       webhook (HMAC-signed POST), e-mail (SMTP), SMS and WeChat (providers)
    providers      the provider interface and the default outbox
    dispatcher     the background thread started and stopped with the app

``PushService`` ties them together for one app: ``app.state.push``.
"""

from __future__ import annotations

from typing import Any

from coo_lab.server.db import Database
from coo_lab.server.feed import last_seq
from coo_lab.server.push import deliveries, matching
from coo_lab.server.push.channels import Channels
from coo_lab.server.push.dispatcher import Dispatcher, wait_until
from coo_lab.server.push.settings import PushSettings

__all__ = ["PushService", "PushSettings"]


class PushService:
    """The push side of one service process: its settings, senders and dispatcher."""

    def __init__(self, db: Database, settings: PushSettings) -> None:
        self.db = db
        self.settings = settings
        self.channels = Channels(db, settings)
        self.dispatcher = Dispatcher(db, settings, self.channels)

    def start(self) -> None:
        if self.settings.enabled:
            self.dispatcher.start()

    def stop(self) -> None:
        self.dispatcher.stop()
        self.channels.close()

    def status(self, company_id: int) -> dict[str, Any]:
        with self.db.read() as tx:
            cursor, latest = matching.cursor(tx), last_seq(tx)
            counts = deliveries.counts(tx, company_id)
        return {
            "running": self.dispatcher.running,
            "cursor": cursor,
            "latest_seq": latest,
            "caught_up": cursor >= latest,
            "deliveries": counts,
            "email_enabled": self.settings.email_enabled,
        }

    def caught_up(self) -> bool:
        """The feed is read to its end, nothing is being sent, nothing is due now."""
        with self.db.read() as tx:
            if matching.cursor(tx) < last_seq(tx):
                return False
            return not deliveries.busy(tx)

    def wait_caught_up(self, timeout: float = 30.0) -> bool:
        self.dispatcher.wake()
        return wait_until(self.caught_up, timeout)
