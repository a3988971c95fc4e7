"""Real receivers for status-push tests: an HTTP webhook endpoint and an SMTP server, each on
a loopback port in a thread of the test process, recording what they get.

``wait_for(condition)`` polls a condition until a deadline: no test sleeps and then asserts.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from coo_lab.server.live import free_port

DEADLINE = 30.0


def wait_for(condition: Callable[[], Any], what: str, timeout: float = DEADLINE) -> Any:
    """The first truthy value of ``condition()``; fails the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@dataclass
class Post:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)

    @property
    def delivery_id(self) -> str:
        return self.headers["X-CooLab-Delivery"]


@dataclass
class WebhookReceiver:
    """``POST`` anything to ``url``; answers the next status of ``plan`` (then 200)."""

    plan: list[int] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)  # every request, failed answers included

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                with receiver._lock:
                    receiver.posts.append(Post(self.path, dict(self.headers.items()), body))
                    status = receiver.plan.pop(0) if receiver.plan else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hooks/coo"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def fail_next(self, *statuses: int) -> None:
        with self._lock:
            self.plan.extend(statuses)

    def received(self) -> list[Post]:
        """The posts answered 2xx would be those after the failures; all are kept here."""
        with self._lock:
            return list(self.posts)

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


class _Collect:
    def __init__(self) -> None:
        self.mails: list[tuple[str, list[str], Message]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.mails.append(
                (
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    message_from_bytes(envelope.content, policy=policy.default),
                )
            )
        return "250 OK"


class SmtpSink:
    """A real SMTP server (aiosmtpd) on a loopback port; ``mails`` are (from, to, message)."""

    def __init__(self) -> None:
        self.port = free_port()
        self._handler = _Collect()
        self._controller = Controller(self._handler, hostname="127.0.0.1", port=self.port)

    @property
    def mails(self) -> list[tuple[str, list[str], Message]]:
        with self._handler.lock:
            return list(self._handler.mails)

    def __enter__(self) -> SmtpSink:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()
