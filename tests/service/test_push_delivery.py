"""Status push delivered for real: a webhook receiver (http.server on a loopback port) gets
signed posts and is retried after failing answers; an SMTP server (aiosmtpd) gets the mails;
a service restarted mid-stream loses none and sends none twice; the one documented repeat —
a crash between sending and marking — carries the same delivery id.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from coo_lab.server import clock
from coo_lab.server.app import create_app
from coo_lab.server.live import LiveServer, free_port
from coo_lab.server.push import PushSettings, deliveries

from .conftest import Api, TestClient
from .push_helpers import SmtpSink, WebhookReceiver, wait_for
from .test_certificates_api import approve, basic, draft, goods_of, submit
from .test_push_api import FAST, PUSH, V1, running, subscribe, wait_settled


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as r:
        yield r


def check_signed(post, secret: str) -> None:
    expected = "sha256=" + hmac.new(secret.encode(), post.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(post.headers["X-CooLab-Signature"], expected)


def test_webhooks_are_signed_and_retried_after_failing_answers(
    db_path: Path, receiver: WebhookReceiver
) -> None:
    with running(db_path, FAST.with_(max_attempts=4)) as api:
        hx, reviewer = api.as_("hx_operator"), api.as_("dl_reviewer")
        sub = subscribe(hx, mode="enterprise", channel="webhook", webhook_url=receiver.url)
        receiver.fail_next(500, 503)  # the first delivery fails twice, then gets through
        cert = draft(hx, "K")
        submit(hx, cert["id"])
        wait_settled(hx)  # the answers are planned in order: one delivery at a time
        approved = approve(reviewer, cert["id"])
        done = wait_settled(hx)

    assert [(d["to_status"], d["status"], d["attempts"]) for d in done] == [
        ("approved", "delivered", 1),
        ("submitted", "delivered", 3),
    ]
    first = done[1]
    assert [(a["ok"], a["status_code"]) for a in first["log"]] == [
        (False, 500),
        (False, 503),
        (True, 200),
    ]
    assert "HTTP 500" in first["log"][0]["error"]
    posts = receiver.received()
    assert len(posts) == 4
    retried = [p for p in posts if p.delivery_id == first["delivery_id"]]
    assert [p.headers["X-CooLab-Attempt"] for p in retried] == ["1", "2", "3"]
    assert len({p.body for p in retried}) == 1, "a retry sends the same bytes"
    for post in posts:
        check_signed(post, sub["webhook_secret"])
        assert post.path == "/hooks/coo"
        assert post.headers["Content-Type"].startswith("application/json")
        assert post.headers["X-CooLab-Event"] == "certificate.status_changed"
        assert post.json["delivery_id"] == post.delivery_id
        assert post.json["subscription_id"] == sub["id"]
        assert post.json["enterprise_code"] == approved["enterprise_code"]
    (issued,) = [p for p in posts if p.json["receipt"]["to_status"] == "approved"]
    receipt = issued.json["receipt"]
    assert receipt["document_id"] == cert["id"] and issued.json["to_status_zh"] == "审核通过"
    assert receipt["document_number"] == approved["certificate_number"]
    assert receipt["actor"] == "dl_reviewer" and receipt["from_status"] == "submitted"
    # a forged body does not match the signature
    forged = issued.body.replace(b"approved", b"returned")
    expected = "sha256=" + hmac.new(sub["webhook_secret"].encode(), forged, "sha256").hexdigest()
    assert expected != issued.headers["X-CooLab-Signature"]


def test_a_delivery_is_given_up_after_the_last_attempt(
    db_path: Path, receiver: WebhookReceiver
) -> None:
    with running(db_path, FAST.with_(max_attempts=3)) as api:
        hx = api.as_("hx_operator")
        subscribe(hx, mode="enterprise", channel="webhook", webhook_url=receiver.url)
        receiver.fail_next(500, 500, 500)
        submit(hx, draft(hx, "C", invoice_number="HXGIVEUP-1")["id"])
        failed = wait_for(
            lambda: [d for d in wait_settled(hx) if d["status"] == "failed"], "a failed delivery"
        )
        assert failed[0]["attempts"] == 3 and len(failed[0]["log"]) == 3
        assert failed[0]["next_attempt_at"] is None
        assert hx.get(f"{PUSH}/status").json()["deliveries"]["failed"] == 1
        # the dispatcher goes on: a later change is delivered, the failed one is not retried
        submit(hx, draft(hx, "C", invoice_number="HXGIVEUP-2")["id"])
        wait_for(lambda: any(d["status"] == "delivered" for d in wait_settled(hx)), "the next one")
        ids = Counter(p.delivery_id for p in receiver.received())
        assert ids[failed[0]["delivery_id"]] == 3 and len(ids) == 2


def test_mails_reach_a_real_smtp_server(db_path: Path) -> None:
    sink = SmtpSink()  # its port is known, but it is not listening yet
    settings = FAST.with_(smtp_host="127.0.0.1", smtp_port=sink.port, smtp_from="coo@ccpit.test")
    with running(db_path, settings) as api:
        hx, reviewer = api.as_("hx_operator"), api.as_("dl_reviewer")
        assert hx.get(f"{PUSH}/status").json()["email_enabled"]
        subscribe(hx, mode="enterprise", channel="email", email="ops@haixing.example.cn")
        cert = draft(hx, "A")
        submit(hx, cert["id"])
        first = wait_for(
            lambda: [d for d in api_deliveries(hx) if d["attempts"] >= 1], "a refused attempt"
        )[0]
        assert first["status"] == "pending" and first["log"][0]["ok"] is False
        with sink:  # the mail server comes up: the retry gets through
            wait_for(lambda: len(sink.mails) == 1, "the first mail")
            approved = approve(reviewer, cert["id"])
            wait_for(lambda: len(sink.mails) == 2, "the second mail")
            done = wait_settled(hx)
    (sender, to, submitted), (_, _, issued) = sink.mails
    assert sender == "coo@ccpit.test" and to == ["ops@haixing.example.cn"]
    assert issued["Subject"].endswith(f"{approved['certificate_number']} approved")
    assert issued["Subject"].startswith(f"原产地证 {approved['certificate_number']} 审核通过")
    by_id = {d["delivery_id"]: d for d in done}
    assert issued["X-CooLab-Delivery"] in by_id
    assert issued["Message-ID"] == f"<{issued['X-CooLab-Delivery']}@coo-lab.push>"
    text = issued.get_content()
    assert "已申报 → 审核通过" in text and "submitted → approved" in text
    assert "dl_reviewer" in text and approved["enterprise_code"] in text
    assert "已申报" in submitted["Subject"]


def api_deliveries(client: TestClient) -> list[dict[str, Any]]:
    return client.get(f"{PUSH}/deliveries", params={"page_size": 500}).json()["items"]


# --------------------------------------------------------------------------- restarts


class Session:
    """A requests session of one user against a live server."""

    def __init__(self, url: str, username: str) -> None:
        self.url, self.http = url, requests.Session()
        self.http.trust_env = False
        body = {"username": username, "password": f"pw-{username}"}
        token = self.http.post(f"{url}{V1}/auth/login", json=body, timeout=10).json()["token"]
        self.http.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, **kw: Any) -> Any:
        r = self.http.request(method, self.url + path, timeout=10, **kw)
        assert r.status_code < 300, r.text
        return r.json()

    def declare(self, invoice: str) -> int:
        cert = self.call("POST", f"{V1}/certificates", json=basic("C", invoice_number=invoice))
        self.http.headers["If-Match"] = str(cert["version"])
        self.call("PUT", f"{V1}/certificates/{cert['id']}/goods", json={"goods": goods_of("C")})
        del self.http.headers["If-Match"]
        assert self.call("POST", f"{V1}/certificates/{cert['id']}/submit")["status"] == "submitted"
        return cert["id"]

    def deliveries(self) -> list[dict[str, Any]]:
        return self.call("GET", f"{PUSH}/deliveries", params={"page_size": 500})["items"]

    def settled(self) -> bool:
        status = self.call("GET", f"{PUSH}/status")
        return status["caught_up"] and status["deliveries"]["pending"] == 0


class FlakyReceiver(WebhookReceiver):
    """A receiver that can be taken down (answers 503) and brought back."""

    down = False

    def __post_init__(self) -> None:
        super().__post_init__()
        self.plan = _Plan(self)


class _Plan(list):
    def __init__(self, receiver: FlakyReceiver) -> None:
        super().__init__()
        self._receiver = receiver

    def __bool__(self) -> bool:
        return self._receiver.down or super().__len__() > 0

    def pop(self, index: int = -1) -> int:
        return 503 if self._receiver.down else super().pop(index)


def test_a_restart_mid_stream_loses_none_and_sends_none_twice(db_path: Path) -> None:
    with FlakyReceiver() as receiver:
        with LiveServer(db_path, push_settings=FAST.with_(max_attempts=50)) as first:
            hx = Session(first.url, "hx_operator")
            sub = hx.call(
                "POST",
                f"{PUSH}/subscriptions",
                json={"mode": "enterprise", "channel": "webhook", "webhook_url": receiver.url},
            )
            declared = [hx.declare(f"HXRS-A{i}") for i in range(4)]
            wait_for(lambda: len(receiver.received()) == 4, "the first four delivered")
            receiver.down = True
            declared += [hx.declare(f"HXRS-B{i}") for i in range(4)]
            wait_for(
                lambda: sum(d["attempts"] >= 1 for d in hx.deliveries()) == 8,
                "every delivery tried while the receiver is down",
            )
        # the first service is gone, with deliveries still owed; a new one takes over
        receiver.down = False
        with LiveServer(db_path, push_settings=FAST.with_(max_attempts=50)) as second:
            hx = Session(second.url, "hx_operator")
            declared += [hx.declare(f"HXRS-C{i}") for i in range(4)]
            wait_for(hx.settled, "everything delivered after the restart")
            log = hx.deliveries()

    delivered = [p for p in receiver.received() if p.headers.get("X-CooLab-Attempt")]
    answered_ok = [p for p in delivered if not _was_refused(p, log)]
    assert len(log) == 12 and all(d["status"] == "delivered" for d in log)
    assert {d["document_id"] for d in log} == set(declared)
    assert Counter(p.delivery_id for p in answered_ok) == Counter(d["delivery_id"] for d in log)
    assert all(p.json["subscription_id"] == sub["id"] for p in delivered)
    assert sorted(p.json["seq"] for p in answered_ok) == sorted(d["seq"] for d in log)


def _was_refused(post, log: list[dict[str, Any]]) -> bool:
    """Whether the post was one the receiver answered 503 (its attempt failed in the log)."""
    delivery = next(d for d in log if d["delivery_id"] == post.delivery_id)
    attempt = int(post.headers["X-CooLab-Attempt"])
    return not delivery["log"][attempt - 1]["ok"]


def test_a_crash_between_sending_and_marking_resends_that_one_with_its_id(
    db_path: Path, receiver: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = FAST.with_(enabled=False)  # no thread: the test plays the dispatcher
    app = create_app(db_path, push_settings=settings)
    push = app.state.push
    with TestClient(app) as client:
        hx = Api(client).as_("hx_operator")
        subscribe(hx, mode="enterprise", channel="webhook", webhook_url=receiver.url)
        submit(hx, draft(hx, "C")["id"])
        assert push.dispatcher.queue()
        with app.state.db.transaction() as tx:
            claimed = deliveries.claim_next(tx, settings)
        push.channels.send(claimed, claimed["secret"])  # sent … and the process dies here
        assert len(receiver.received()) == 1
        assert not push.dispatcher.run_once(), "the claim still holds: nothing is sent"
        assert len(receiver.received()) == 1
        later = clock.now() + timedelta(seconds=deliveries.lease_seconds(settings) + 1)
        monkeypatch.setattr(clock, "now", lambda: later)
        push.dispatcher.run_once()  # the claim ran out: sent again, then marked
        (log,) = api_deliveries(hx)
    first, again = receiver.received()
    assert first.delivery_id == again.delivery_id == log["delivery_id"]
    assert first.body == again.body
    assert log["status"] == "delivered" and log["attempts"] == 1
    app.state.db.close()


def test_the_dispatcher_starts_and_stops_with_the_app(db_path: Path) -> None:
    app = create_app(db_path, push_settings=FAST)
    with TestClient(app):
        assert app.state.push.dispatcher.running
        wait_for(lambda: app.state.push.dispatcher.rounds >= 2, "a few idle rounds")
    assert not app.state.push.dispatcher.running
    app.state.db.close()
    off = create_app(db_path, push_settings=PushSettings(enabled=False))
    with TestClient(off) as client:
        assert not off.state.push.dispatcher.running
        hx = Api(client).as_("hx_operator")
        assert hx.get(f"{PUSH}/status").json()["running"] is False
    off.state.db.close()


def test_coo_lab_serve_takes_the_smtp_server_as_options(db_path: Path) -> None:
    """The real command in its own process: ``--smtp-host/--smtp-port/--smtp-from`` reach the
    dispatcher, and SIGTERM stops the server and its dispatcher cleanly."""
    port = free_port()
    with SmtpSink() as sink:
        server = subprocess.Popen(
            [
                sys.executable, "-m", "coo_lab.cli", "serve", "--db", str(db_path),
                "--port", str(port), "--smtp-host", "127.0.0.1",
                "--smtp-port", str(sink.port), "--smtp-from", "push@ccpit.test",
            ],
            env={**os.environ, "COO_LAB_PUSH_POLL_SECONDS": "0.05"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for(lambda: _up(url) or server.poll() is not None, "the server to listen")
            hx = Session(url, "hx_operator")
            hx.call(
                "POST",
                f"{PUSH}/subscriptions",
                json={"mode": "enterprise", "channel": "email", "email": "ops@hx.example.cn"},
            )
            hx.declare("HXCLI-1")
            wait_for(lambda: sink.mails, "the mail")
        finally:
            server.send_signal(signal.SIGTERM)
            out, err = server.communicate(timeout=30)
    # uvicorn shuts down gracefully (lifespan included), then re-raises the signal it caught
    assert server.returncode in (0, -signal.SIGTERM), err
    assert "Traceback" not in err and "did not stop" not in err, err
    assert "status push: on; e-mail 127.0.0.1" in out
    ((sender, to, mail),) = sink.mails
    assert sender == "push@ccpit.test" and to == ["ops@hx.example.cn"]
    assert "已申报" in mail["Subject"]


def _up(url: str) -> bool:
    try:
        return requests.get(f"{url}{V1}/health", timeout=1).ok
    except requests.ConnectionError:
        return False
