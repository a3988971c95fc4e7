"""``client.push`` against the real service on a loopback port: bind a phone with the code
from the outbox, subscribe, see the notifications in the outbox and at a webhook receiver,
check the signature as a receiver would, read the delivery log, cancel, unbind."""

from __future__ import annotations

import re

import pytest

from coo_lab import samples
from coo_lab.client import Client, Push
from coo_lab.errors import Conflict, PermissionDenied, ValidationFailed

from .push_helpers import WebhookReceiver, wait_for

PHONE = "13800138000"


def test_the_push_screen_from_python(live) -> None:
    op = Client(live.url, username="hx_operator", password="pw-hx_operator")
    binding = op.push.request_code(PHONE)
    assert binding["status"] == "pending" and binding["tries_left"] == 5
    (text,) = op.push.outbox(address=PHONE)["text"]
    code = re.search(r"\d{6}", text).group()
    with pytest.raises(ValidationFailed) as wrong:
        op.push.verify(binding["id"], "000000" if code != "000000" else "111111")
    assert wrong.value.errors[0].field == "code" and "4" in wrong.value.errors[0].expected_en
    assert op.push.verify(binding["id"], code)["status"] == "bound"
    assert list(op.push.bindings()["status"]) == ["bound"]

    with WebhookReceiver() as receiver:
        sms = op.push.subscribe("enterprise", "sms", phone=PHONE)
        hook = op.push.subscribe("person", "webhook", webhook_url=receiver.url)
        with pytest.raises(Conflict):
            op.push.subscribe("person", "webhook", webhook_url=receiver.url)
        assert list(op.push.subscriptions(active=True)["id"]) == [hook["id"], sms["id"]]
        created = op.certificates.create(samples.certificate("C"))
        op.certificates.submit(created.id)
        wait_for(lambda: len(receiver.received()) == 1, "the webhook post")
        post = receiver.received()[0]
        assert Push.signature_ok(
            hook["webhook_secret"], post.body, post.headers["X-CooLab-Signature"]
        )
        assert not Push.signature_ok(
            "another secret of length", post.body, post.headers["X-CooLab-Signature"]
        )
        wait_for(lambda: op.push.status()["deliveries"]["delivered"] == 2, "both delivered")

    log = op.push.deliveries()
    assert set(log["channel"]) == {"sms", "webhook"} and set(log["status"]) == {"delivered"}
    assert set(log["to_status"]) == {"submitted"} and set(log["document_id"]) == {created.id}
    notes = op.push.outbox(channel="sms")
    assert len(notes) == 2 and "已申报" in notes["text"].iloc[0]  # the code, then the news
    cancelled = op.push.cancel(hook["id"], version=hook["version"])
    assert cancelled["active"] is False
    unbound = op.push.unbind(binding["id"])
    assert unbound["cancelled_subscriptions"] == [sms["id"]]
    assert op.push.subscriptions(active=True).empty
    manager = Client(live.url, username="hx_manager", password="pw-hx_manager")
    assert len(manager.push.subscriptions()) == 2  # a manager reads…
    with pytest.raises(PermissionDenied):  # …and does not subscribe
        manager.push.subscribe("enterprise", "webhook", webhook_url=receiver.url)
