"""The dispatcher: a background thread of the service process that turns the change feed into
notifications.

Each round it (1) queues the deliveries of the feed's new receipts (``matching``), then (2)
sends the due deliveries one at a time (``deliveries``: claim, send, mark). When there is
nothing to do it sleeps until the next delivery falls due or ``poll_seconds`` pass, whichever
is sooner; ``wake()`` cuts the sleep short. Work happens in short transactions on the
service's own ``Database``: the submit path waits for one of them at most, and never for a
network call. ``stop()`` lets the delivery in hand finish and be marked, then returns.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

from coo_lab.server import clock
from coo_lab.server.db import Database, Transaction
from coo_lab.server.push import deliveries, matching
from coo_lab.server.push.channels import Channels, Sent
from coo_lab.server.push.providers import SendFailed
from coo_lab.server.push.settings import PushSettings

log = logging.getLogger("coo_lab.push")
SENDS_PER_ROUND = 50


class Dispatcher:
    def __init__(self, db: Database, settings: PushSettings, channels: Channels) -> None:
        self.db, self.settings, self.channels = db, settings, channels
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.rounds = 0  # completed rounds, for status and tests

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="coo-lab-push", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Stop after the delivery in hand; waits at most ``timeout`` (default: one send)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout if timeout is not None else self.settings.timeout_seconds + 5)
            if self._thread.is_alive():
                log.warning("the push dispatcher did not stop in time")
            self._thread = None

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_once()
                pause = 0.0 if busy else self._sleep_seconds()
            except Exception:  # a bad round must not end push for the process
                log.exception("push dispatcher round failed")
                pause = self.settings.poll_seconds
            self.rounds += 1
            if pause:
                self._wake.wait(pause)
                self._wake.clear()

    def run_once(self) -> bool:
        """One round: queue what the feed brought, send what is due. True if it did anything."""
        queued = self.queue()
        sent = self.send_due(SENDS_PER_ROUND)
        return queued or sent == SENDS_PER_ROUND

    def queue(self) -> bool:
        """Queue deliveries for the changes after the cursor; True if the cursor moved."""
        with self.db.read() as tx:
            row = tx.one(
                "SELECT (SELECT seq FROM push_cursor WHERE id = 1) AS at, "
                "(SELECT MAX(seq) FROM changes) AS top"
            )
        if row is None or row["top"] is None or row["top"] <= row["at"]:
            return False
        with self.db.transaction() as tx:
            passed, _queued = matching.queue_new(tx)
        return passed > 0

    def send_due(self, limit: int) -> int:
        """Send up to ``limit`` due deliveries, one at a time; returns how many were sent.

        Marking one delivery and claiming the next share a transaction (half the writes);
        the mark is committed before the next send starts, so at any moment at most one
        delivery is sent and not yet marked.
        """
        sent, done = 0, None
        while True:
            with self.db.transaction() as tx:
                if done is not None:
                    self._mark(tx, *done)
                    done = None
                stop = sent >= limit or self._stop.is_set()
                row = None if stop else deliveries.claim_next(tx, self.settings)
            if row is None:
                return sent
            done = (row, self._send(row))
            sent += 1

    def send_next(self) -> bool:
        """Claim, send and mark one due delivery; False when none is due."""
        return self.send_due(1) == 1

    def _send(self, row: dict) -> Sent | SendFailed:
        try:
            return self.channels.send(row, row["secret"])
        except SendFailed as failure:
            return failure
        except Exception as exc:  # a provider's own bug counts as a failed attempt
            log.exception("push channel %s failed", row["channel"])
            return SendFailed(f"{type(exc).__name__}: {exc}")

    def _mark(self, tx: Transaction, row: dict, outcome: Sent | SendFailed) -> None:
        if isinstance(outcome, SendFailed):
            deliveries.mark_failed(tx, row, outcome, self.settings)
        else:
            deliveries.mark_sent(tx, row, outcome.status_code)

    def _sleep_seconds(self) -> float:
        with self.db.read() as tx:
            due = deliveries.next_due(tx)
        if due is None:
            return self.settings.poll_seconds
        wait = (datetime.fromisoformat(due) - clock.now()).total_seconds()
        return min(max(wait, 0.01), self.settings.poll_seconds)


def wait_until(condition, timeout: float, step: float = 0.02) -> bool:
    """Poll ``condition()`` until it is true or ``timeout`` seconds pass (tests, scripts)."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(step)
