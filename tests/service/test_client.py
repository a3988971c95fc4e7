"""coo_lab.Client against the real service on a loopback port."""

from __future__ import annotations

import pytest

from coo_lab import samples
from coo_lab.client import Client
from coo_lab.domain.certificate import Certificate
from coo_lab.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ServiceUnavailable,
    ValidationFailed,
)


@pytest.fixture
def op(live) -> Client:
    return Client(live.url, username="hx_operator", password="pw-hx_operator")


def test_declare_check_submit_and_follow_receipts(live, op: Client) -> None:
    op.exporters.create(samples.EXPORTER)
    exporters = op.exporters.list()
    assert list(exporters["code"]) == ["010001"]

    cert = samples.certificate("K")
    assert op.check(cert) == []  # the rules, locally
    created = op.certificates.create(cert)
    assert isinstance(created, Certificate) and created.status == "draft"
    assert len(created.goods) == 3 and created.internal_number
    assert op.certificates.check(created.id) == []  # the service's verdict, full context

    submitted = op.certificates.submit(created.id)
    assert submitted["status"] == "submitted"
    reviewer = Client(live.url, username="dl_reviewer", password="pw-dl_reviewer")
    queue = reviewer.review.queue()
    assert list(queue["id"]) == [created.id]
    approved = reviewer.review.approve(created.id)
    assert approved["certificate_number"].startswith(f"{created.created_at:%y}K")

    receipts = op.certificates.receipts(created.id)
    assert list(receipts["to_status"]) == ["approved", "submitted", "draft"]
    listing = op.certificates.list(view="preferential")
    assert list(listing["status"]) == ["approved"]
    assert op.receipts(kind="certificate")["document_id"].eq(created.id).all()


def test_errors_come_back_as_the_coo_lab_tree(live, op: Client) -> None:
    with pytest.raises(NotFound):
        op.certificates.get(999_999)
    with pytest.raises(ValidationFailed) as bad:
        op.exporters.create({"code": "x", "name_en": "A"})
    assert bad.value.errors[0].field == "code" and bad.value.errors[0].expected_zh
    created = op.certificates.create(samples.certificate("C"))
    op.certificates.update(created.id, created, version=created.version)
    with pytest.raises(Conflict):
        op.certificates.update(created.id, created, version=created.version)  # stale
    with pytest.raises(PermissionDenied):
        Client(live.url, username="hx_operator", password="wrong")
    with pytest.raises(ServiceUnavailable):
        Client("http://127.0.0.1:9", token="t", retries=1, timeout=2).me()


def test_a_retried_create_makes_one_certificate(op: Client) -> None:
    cert = samples.certificate("C")
    first = op.certificates.create(cert, idempotency_key="same-key")
    again = op.certificates.create(cert, idempotency_key="same-key")
    assert first.id == again.id
    assert len(op.certificates.list()) == 1


def test_lists_page_through_everything(op: Client) -> None:
    for i in range(7):
        op.special_clauses.create({"code": f"SC{i:03d}", "text": f"clause {i}"})
    import coo_lab.client as module

    module.PAGE_SIZE, old = 3, module.PAGE_SIZE
    try:
        assert len(op.special_clauses.list()) == 7
    finally:
        module.PAGE_SIZE = old
