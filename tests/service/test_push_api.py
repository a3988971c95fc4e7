"""Status push (SPEC §9) through the API: subscriptions by document, enterprise and person,
their validation and cancelling; binding a phone or WeChat account with a verification code
(wrong, expired, too many tries, resend); SMS and WeChat notifications in the outbox; a
provider plugged in by configuration.

The dispatcher runs in the app's lifespan (TestClient), with fast retry settings; tests wait
for what it does with a deadline (``wait_for``), never for a fixed time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from coo_lab import samples
from coo_lab.errors import ValidationFailed
from coo_lab.server import clock
from coo_lab.server.app import create_app
from coo_lab.server.push import PushSettings
from coo_lab.server.push.providers import OutgoingMessage
from coo_lab.server.receipts import issue_receipt

from .conftest import Api, TestClient
from .push_helpers import wait_for
from .test_certificates_api import approve, draft, submit

V1 = "/api/v1"
PUSH = f"{V1}/push"
PHONE = "13800138000"
FAST = PushSettings(poll_seconds=0.05, retry_seconds=0.05, retry_max_seconds=0.2, max_attempts=3)


class RecordingProvider:
    """A provider plugged in by dotted path: keeps what it was given (a stand-in for a
    real SMS gateway, which lives outside the machine)."""

    sent: list[OutgoingMessage] = []  # noqa: RUF012 — shared by the instances of one test

    def __init__(self, db: Any) -> None:
        self.db = db

    def send(self, message: OutgoingMessage) -> str:
        RecordingProvider.sent.append(message)
        return f"rec-{len(RecordingProvider.sent)}"


@contextmanager
def running(db_path: Path, settings: PushSettings) -> Iterator[Api]:
    """The app with these push settings, its lifespan (and so its dispatcher) running."""
    app = create_app(db_path, push_settings=settings)
    try:
        with TestClient(app) as client:
            yield Api(client)
    finally:
        app.state.db.close()


@pytest.fixture
def push_api(db_path: Path) -> Iterator[Api]:
    with running(db_path, FAST) as api:
        yield api


@pytest.fixture
def hx(push_api: Api) -> TestClient:
    return push_api.as_("hx_operator")


@pytest.fixture
def reviewer(push_api: Api) -> TestClient:
    return push_api.as_("dl_reviewer")


def subscribe(client: TestClient, expected: int = 201, **body: Any) -> dict[str, Any]:
    r = client.post(f"{PUSH}/subscriptions", json=body)
    assert r.status_code == expected, r.text
    return r.json()


def errors_of(r) -> dict[str, dict[str, Any]]:
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["message_en"] and body["message_zh"]
    return {e["field"]: e for e in body["errors"]}


def outbox(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    r = client.get(f"{PUSH}/outbox", params={"page_size": 500, **params})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def code_sent_to(client: TestClient, address: str) -> str:
    """The latest verification code in the outbox for an address."""
    texts = [m["text"] for m in outbox(client, address=address) if m["purpose"] == "verification"]
    return re.search(r"\d{6}", texts[0]).group()


def bind(client: TestClient, address: str = PHONE, channel: str = "sms") -> dict[str, Any]:
    r = client.post(f"{PUSH}/bindings", json={"channel": channel, "address": address})
    assert r.status_code == 201, r.text
    binding = r.json()
    code = code_sent_to(client, address)
    r = client.post(f"{PUSH}/bindings/{binding['id']}/verify", json={"code": code})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "bound"
    return r.json()


def deliveries(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    r = client.get(f"{PUSH}/deliveries", params={"page_size": 500, **params})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def settled(client: TestClient) -> bool:
    status = client.get(f"{PUSH}/status").json()
    return status["caught_up"] and status["deliveries"]["pending"] == 0


def wait_settled(client: TestClient) -> list[dict[str, Any]]:
    wait_for(lambda: settled(client), "the dispatcher to send everything due")
    return deliveries(client)


# --------------------------------------------------------------------------- subscriptions


def test_subscribe_list_get_and_cancel(push_api: Api, hx: TestClient) -> None:
    sub = subscribe(hx, mode="enterprise", channel="webhook", webhook_url="http://127.0.0.1:9/h")
    assert sub["active"] and sub["owner"] == "hx_operator" and sub["content"] == "certificate"
    assert len(sub["webhook_secret"]) >= 32, "the service makes a secret, shown once"
    r = hx.get(f"{PUSH}/subscriptions/{sub['id']}")
    assert r.status_code == 200 and r.headers["ETag"] == '"1"'
    assert r.json()["webhook_secret"] is None and r.json()["webhook_url"] == "http://127.0.0.1:9/h"
    listed = hx.get(f"{PUSH}/subscriptions").json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == sub["id"]

    r = hx.post(f"{PUSH}/subscriptions/{sub['id']}/cancel", headers={"If-Match": '"7"'})
    assert r.status_code == 409, "a stale version"
    r = hx.post(f"{PUSH}/subscriptions/{sub['id']}/cancel", headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    cancelled = r.json()
    assert not cancelled["active"] and cancelled["cancelled_by"] == "hx_operator"
    assert cancelled["version"] == 2
    assert hx.get(f"{PUSH}/subscriptions", params={"active": True}).json()["total"] == 0
    assert hx.get(f"{PUSH}/subscriptions", params={"active": False}).json()["total"] == 1
    # the feed has the subscription, never its secret
    feed = hx.get(f"{V1}/changes", params={"after": 0, "limit": 1000}).json()["changes"]
    mine = [c for c in feed if c["entity"] == "push_subscription"]
    assert [c["op"] for c in mine] == ["create", "update"]
    assert sub["webhook_secret"] not in str(feed)


def test_a_given_secret_is_kept_and_a_retried_create_answers_once(hx: TestClient) -> None:
    body = {
        "mode": "enterprise",
        "channel": "webhook",
        "webhook_url": "https://erp.example.com/coo-hook",
        "webhook_secret": "s" * 20,
    }
    headers = {"Idempotency-Key": "sub-1"}
    first = hx.post(f"{PUSH}/subscriptions", json=body, headers=headers)
    again = hx.post(f"{PUSH}/subscriptions", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and first.json()["webhook_secret"] == "s" * 20
    assert hx.get(f"{PUSH}/subscriptions").json()["total"] == 1
    r = hx.post(f"{PUSH}/subscriptions", json=body)
    assert r.status_code == 409 and "already" in r.json()["message_en"]


def test_only_the_subscriber_or_the_administrator_cancels(push_api: Api, hx: TestClient) -> None:
    admin, manager = push_api.as_("hx_admin"), push_api.as_("hx_manager")
    url = "http://127.0.0.1:9/h"
    theirs = subscribe(admin, mode="enterprise", channel="webhook", webhook_url=url)
    r = hx.post(f"{PUSH}/subscriptions/{theirs['id']}/cancel")
    assert r.status_code == 403 and "administrator" in r.json()["message_en"]
    assert r.json()["message_zh"]
    mine = subscribe(hx, mode="enterprise", channel="webhook", webhook_url=url + "/op")
    r = admin.post(f"{PUSH}/subscriptions/{mine['id']}/cancel")
    assert r.status_code == 200 and r.json()["cancelled_by"] == "hx_admin"
    # a manager reads, and writes nothing
    assert manager.get(f"{PUSH}/subscriptions").json()["total"] == 2
    r = manager.post(f"{PUSH}/subscriptions", json={"mode": "enterprise", "channel": "webhook",
                                                    "webhook_url": url + "/m"})  # fmt: skip
    assert r.status_code == 403 and "manager" in r.json()["message_en"]


BAD_SUBSCRIPTIONS = [
    ({"mode": "document", "channel": "webhook", "webhook_url": "http://x.test/h",
      "document_number": "26C999999999/00001"}, "document_number", "unknown_document"),
    ({"mode": "document", "channel": "webhook", "webhook_url": "http://x.test/h"},
     "document_number", None),
    ({"mode": "enterprise", "channel": "webhook", "webhook_url": "http://x.test/h",
      "document_number": "X1"}, "document_number", "not_for_mode"),
    ({"mode": "person", "channel": "webhook", "webhook_url": "http://x.test/h",
      "person": "ln_operator"}, "person", "unknown_user"),
    ({"mode": "enterprise", "channel": "webhook", "webhook_url": "http://x.test/h",
      "person": "hx_admin"}, "person", "not_for_mode"),
    ({"mode": "enterprise", "channel": "webhook", "webhook_url": "ftp://x.test/h"},
     "webhook_url", None),
    ({"mode": "enterprise", "channel": "webhook", "webhook_url": "http:///nohost"},
     "webhook_url", "url"),
    ({"mode": "enterprise", "channel": "webhook", "webhook_url": "http://x.test:port/h"},
     "webhook_url", "url"),
    ({"mode": "enterprise", "channel": "webhook", "webhook_url": "http://x.test/h",
      "webhook_secret": "short"}, "webhook_secret", "secret_length"),
    ({"mode": "enterprise", "channel": "sms", "phone": PHONE, "webhook_secret": "s" * 20},
     "webhook_secret", "not_for_channel"),
    ({"mode": "enterprise", "channel": "sms", "phone": PHONE}, "phone", "not_bound"),
    ({"mode": "enterprise", "channel": "wechat", "wechat_openid": "oAbC123xyz"},
     "wechat_openid", "not_bound"),
    ({"mode": "enterprise", "channel": "email", "email": "ops@haixing.example.cn"},
     "channel", "channel_not_configured"),
    ({"mode": "enterprise", "channel": "sms"}, "phone", None),
    ({"mode": "weekly", "channel": "pigeon"}, "mode", None),
    ({"mode": "enterprise", "channel": "webhook", "webhook_url": "http://x.test/h",
      "content": "licence"}, "content", None),
]  # fmt: skip


def test_bad_subscriptions_are_422_naming_the_field(hx: TestClient) -> None:
    for body, field, code in BAD_SUBSCRIPTIONS:
        errors = errors_of(hx.post(f"{PUSH}/subscriptions", json=body))
        assert field in errors, (body, errors)
        error = errors[field]
        assert error["expected_en"] and re.search(r"[\u4e00-\u9fff]", error["expected_zh"])
        if code:
            assert error["code"] == code, (body, error)
    assert hx.get(f"{PUSH}/subscriptions").json()["total"] == 0, "nothing half-written"


# --------------------------------------------------------------------------- bindings


def test_binding_a_phone_with_the_code_it_received(hx: TestClient) -> None:
    r = hx.post(f"{PUSH}/bindings", json={"channel": "sms", "address": PHONE})
    assert r.status_code == 201, r.text
    binding = r.json()
    assert binding["status"] == "pending" and binding["tries_left"] == 5
    (message,) = outbox(hx)
    assert message["purpose"] == "verification" and message["address"] == PHONE
    assert "验证码" in message["text"] and "verification code" in message["text"]
    code = code_sent_to(hx, PHONE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    r = hx.post(f"{PUSH}/bindings/{binding['id']}/verify", json={"code": wrong})
    error = errors_of(r)["code"]
    assert error["code"] == "code_wrong" and "4 tries left" in error["expected_en"]
    assert "4 次" in error["expected_zh"]
    assert hx.get(f"{PUSH}/bindings").json()[0]["tries_left"] == 4, "a wrong try is counted"

    r = hx.post(f"{PUSH}/bindings/{binding['id']}/verify", json={"code": code})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "bound" and r.json()["bound_at"]
    r = hx.post(f"{PUSH}/bindings", json={"channel": "sms", "address": PHONE})
    assert r.status_code == 409, "already bound"
    sub = subscribe(hx, mode="enterprise", channel="sms", phone=PHONE)
    assert sub["phone"] == PHONE


def test_a_code_expires(hx: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    binding = hx.post(f"{PUSH}/bindings", json={"channel": "sms", "address": PHONE}).json()
    code = code_sent_to(hx, PHONE)
    later = clock.now() + timedelta(minutes=5, seconds=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    error = errors_of(hx.post(f"{PUSH}/bindings/{binding['id']}/verify", json={"code": code}))
    assert error["code"]["code"] == "code_expired"
    assert "expired" in error["code"]["expected_en"] and "过期" in error["code"]["expected_zh"]
    # a new code (the resend wait is over) works
    r = hx.post(f"{PUSH}/bindings", json={"channel": "sms", "address": PHONE})
    assert r.status_code == 201, r.text
    fresh = code_sent_to(hx, PHONE)
    r = hx.post(f"{PUSH}/bindings/{binding['id']}/verify", json={"code": fresh})
    assert r.status_code == 200 and r.json()["status"] == "bound"


def test_too_many_wrong_codes_spend_the_code(hx: TestClient) -> None:
    binding = hx.post(f"{PUSH}/bindings", json={"channel": "sms", "address": PHONE}).json()
    code = code_sent_to(hx, PHONE)
    wrong = f"{(int(code) + 7) % 1_000_000:06d}"
    for left in (4, 3, 2, 1, 0):
        error = errors_of(hx.post(f"{PUSH}/bindings/{binding['id']}/verify", json={"code": wrong}))[
            "code"
        ]
        assert f"{left} tries left" in error["expected_en"]
    r = hx.post(f"{PUSH}/bindings/{binding['id']}/verify", json={"code": code})
    assert r.status_code == 429, "even the right code is refused now"
    assert "new one" in r.json()["message_en"] and "重新获取" in r.json()["message_zh"]
    r = hx.post(f"{PUSH}/bindings", json={"channel": "sms", "address": PHONE})
    assert r.status_code == 429, "and a new one is sent once a minute at most"
    assert "验证码" in r.json()["message_zh"]


def test_verifying_without_a_code_and_bad_addresses(push_api: Api, hx: TestClient) -> None:
    for body in (
        {"channel": "sms", "address": "call me"},
        {"channel": "sms", "address": "123"},
        {"channel": "wechat", "address": "a b"},
    ):
        error = errors_of(hx.post(f"{PUSH}/bindings", json=body))["address"]
        assert error["value"] == body["address"]
    assert errors_of(hx.post(f"{PUSH}/bindings", json={"channel": "fax", "address": PHONE}))
    binding = hx.post(f"{PUSH}/bindings", json={"channel": "sms", "address": PHONE}).json()
    other = push_api.as_("hx_admin")  # a binding is its user's own
    r = other.post(f"{PUSH}/bindings/{binding['id']}/verify", json={"code": "123456"})
    assert r.status_code == 404
    assert other.get(f"{PUSH}/bindings").json() == []


def test_unbinding_cancels_the_subscriptions_that_used_it(hx: TestClient) -> None:
    binding = bind(hx)
    sub = subscribe(hx, mode="enterprise", channel="sms", phone=PHONE)
    r = hx.delete(f"{PUSH}/bindings/{binding['id']}")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "unbound" and r.json()["cancelled_subscriptions"] == [sub["id"]]
    assert not hx.get(f"{PUSH}/subscriptions/{sub['id']}").json()["active"]
    errors_of(hx.post(f"{PUSH}/subscriptions", json={"mode": "enterprise", "channel": "sms",
                                                      "phone": PHONE}))  # fmt: skip
    bind(hx)  # and it can be bound again


# --------------------------------------------------------------------------- notifications


def test_sms_and_wechat_notifications_land_in_the_outbox(
    push_api: Api, hx: TestClient, reviewer: TestClient
) -> None:
    bind(hx, PHONE)
    bind(hx, "oWx_hx_operator01", "wechat")
    subscribe(hx, mode="enterprise", channel="sms", phone=PHONE)
    subscribe(hx, mode="enterprise", channel="wechat", wechat_openid="oWx_hx_operator01")
    cert = draft(hx, "K")
    submit(hx, cert["id"])
    approved = approve(reviewer, cert["id"])
    done = wait_settled(hx)
    assert {(d["channel"], d["to_status"], d["status"]) for d in done} == {
        (channel, status, "delivered")
        for channel in ("sms", "wechat")
        for status in ("submitted", "approved")
    }
    notes = [m for m in outbox(hx) if m["purpose"] == "notification"]
    assert len(notes) == 4
    assert {m["delivery_id"] for m in notes} == {d["delivery_id"] for d in done}
    sms = [m for m in notes if m["channel"] == "sms"]
    assert all(m["address"] == PHONE for m in sms)
    approved_text = next(m["text"] for m in sms if "审核通过" in m["text"])
    assert approved["certificate_number"] in approved_text
    assert "已申报→审核通过" in approved_text and "submitted → approved" in approved_text
    assert outbox(hx, channel="wechat")[0]["address"] == "oWx_hx_operator01"


def test_by_document_by_person_and_by_enterprise(
    push_api: Api, hx: TestClient, reviewer: TestClient
) -> None:
    admin = push_api.as_("hx_admin")
    url = "http://127.0.0.1:9/never"  # nobody listens: deliveries stay in the log as failures
    mine = draft(hx, "C", invoice_number="HXPUSH-1")
    theirs = draft(admin, "C", invoice_number="HXPUSH-2")
    by_number = subscribe(
        hx, mode="document", channel="webhook", webhook_url=url,
        document_number=mine["internal_number"],
    )  # fmt: skip
    by_me = subscribe(hx, mode="person", channel="webhook", webhook_url=url + "/me")
    by_admin = subscribe(
        hx, mode="person", channel="webhook", webhook_url=url + "/admin", person="hx_admin"
    )
    everything = subscribe(hx, mode="enterprise", channel="webhook", webhook_url=url + "/all")
    filings = subscribe(
        hx, mode="enterprise", channel="webhook", webhook_url=url, content="product_filing"
    )
    assert by_number["document_id"] == mine["id"] and by_admin["person"] == "hx_admin"
    for cert in (mine, theirs):
        submit(hx if cert is mine else admin, cert["id"])
        approve(reviewer, cert["id"])

    def heard(sub: dict[str, Any]) -> set[tuple[int, str]]:
        return {
            (d["document_id"], d["to_status"]) for d in deliveries(hx, subscription_id=sub["id"])
        }

    both = {(c["id"], s) for c in (mine, theirs) for s in ("submitted", "approved")}
    wait_for(lambda: heard(everything) == both, "the enterprise subscription's deliveries")
    wait_for(lambda: hx.get(f"{PUSH}/status").json()["caught_up"], "the cursor at the end")
    assert heard(by_number) == {(mine["id"], "submitted"), (mine["id"], "approved")}
    assert heard(by_me) == {(mine["id"], "submitted"), (mine["id"], "approved")}
    assert heard(by_admin) == {(theirs["id"], "submitted"), (theirs["id"], "approved")}
    assert heard(filings) == set(), "certificates are not filings"
    # a subscription by the issued number hears the later void
    number = hx.get(f"{V1}/certificates/{mine['id']}").json()["certificate_number"]
    by_issued = subscribe(hx, mode="document", channel="webhook", webhook_url=url + "/issued",
                          document_number=number)  # fmt: skip
    assert by_issued["document_id"] == mine["id"]
    r = hx.post(f"{V1}/certificates/{mine['id']}/void", json={"reason": "wrong buyer"})
    assert r.status_code == 200, r.text
    wait_for(lambda: heard(by_issued) == {(mine["id"], "void")}, "the void notification")


def test_cancelling_drops_unsent_deliveries(db_path: Path) -> None:
    slow = FAST.with_(retry_seconds=3600)  # the retry is far away: the delivery stays pending
    with running(db_path, slow) as api:
        hx = api.as_("hx_operator")
        url = "http://127.0.0.1:9/h"  # nobody listens there
        sub = subscribe(hx, mode="enterprise", channel="webhook", webhook_url=url)
        submit(hx, draft(hx, "C")["id"])
        pending = wait_for(
            lambda: [d for d in deliveries(hx) if d["attempts"] == 1], "a failed first attempt"
        )
        assert pending[0]["status"] == "pending" and pending[0]["next_attempt_at"]
        assert "Connection refused" in pending[0]["last_error"]
        hx.post(f"{PUSH}/subscriptions/{sub['id']}/cancel")
        assert [d["status"] for d in deliveries(hx)] == ["cancelled"]


# --------------------------------------------------------------------------- configuration


def test_a_provider_plugs_in_by_dotted_path(db_path: Path) -> None:
    RecordingProvider.sent.clear()
    path = f"{__name__}:RecordingProvider"
    settings = FAST.with_(sms_provider=path)
    with running(db_path, settings) as api:
        hx = api.as_("hx_operator")
        r = hx.post(f"{PUSH}/bindings", json={"channel": "sms", "address": PHONE})
        assert r.status_code == 201
        (message,) = RecordingProvider.sent
        assert message.purpose == "verification" and message.address == PHONE
        assert outbox(hx) == [], "the outbox is only the default"
        code = re.search(r"\d{6}", message.text).group()
        binding = r.json()
        assert hx.post(f"{PUSH}/bindings/{binding['id']}/verify", json={"code": code}).is_success
        subscribe(hx, mode="enterprise", channel="sms", phone=PHONE)
        submit(hx, draft(hx, "C")["id"])
        wait_for(lambda: len(RecordingProvider.sent) == 2, "the notification at the provider")
        assert RecordingProvider.sent[1].delivery_id == wait_settled(hx)[0]["delivery_id"]


def test_configuration_errors_name_the_setting(db_path: Path) -> None:
    with pytest.raises(ValidationFailed) as info:
        create_app(db_path, push_settings=FAST.with_(sms_provider="no.such.module:Sms"))
    assert info.value.errors[0].field == "COO_LAB_SMS_PROVIDER"
    with pytest.raises(ValidationFailed) as info:
        PushSettings.from_env({"COO_LAB_SMTP_PORT": "twenty-five"})
    assert info.value.errors[0].field == "COO_LAB_SMTP_PORT"
    env = {
        "COO_LAB_SMTP_HOST": "mail.example.cn",
        "COO_LAB_SMTP_PORT": "2525",
        "COO_LAB_PUSH": "off",
        "COO_LAB_PUSH_RETRY_SECONDS": "1.5",
    }
    settings = PushSettings.from_env(env, smtp_from="coo@example.cn")
    assert (settings.smtp_host, settings.smtp_port, settings.enabled) == (
        "mail.example.cn",
        2525,
        False,
    )
    assert settings.smtp_from == "coo@example.cn" and settings.backoff(3) == 6.0


def test_product_filing_status_changes_are_pushed_too(push_api: Api, hx: TestClient) -> None:
    """Filings write their receipts like certificates do; push hears them by kind."""
    url = "http://127.0.0.1:9/filings"
    everything = subscribe(hx, mode="enterprise", channel="webhook", webhook_url=url,
                           content="product_filing")  # fmt: skip
    db = push_api.client.app.state.db
    with db.transaction() as tx:
        filing = tx.one(
            "SELECT f.id, f.company_id FROM product_filings f JOIN companies c "
            "ON c.id = f.company_id WHERE c.enterprise_code = ? ORDER BY f.id LIMIT 1",
            (samples.ENTERPRISE_CODE,),
        )
        for before, after in (("draft", "submitted"), ("submitted", "approved")):
            issue_receipt(
                tx,
                company_id=filing["company_id"],
                kind="product_filing",
                document_id=filing["id"],
                document_number="PF210200555-0001",
                from_status=before,
                to_status=after,
                actor="hx_operator" if after == "submitted" else "dl_reviewer",
            )
    by_number = subscribe(hx, mode="document", channel="webhook", webhook_url=url + "/one",
                          content="product_filing", document_number="PF210200555-0001")  # fmt: skip
    assert by_number["document_id"] == filing["id"]
    heard = wait_for(
        lambda: len(found := deliveries(hx, subscription_id=everything["id"])) == 2 and found,
        "the filing's two notifications",
    )
    assert {(d["document_kind"], d["to_status"]) for d in heard} == {
        ("product_filing", "submitted"),
        ("product_filing", "approved"),
    }
    assert deliveries(hx, subscription_id=by_number["id"]) == [], "made after those changes"
