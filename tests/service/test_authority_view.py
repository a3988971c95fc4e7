"""What the authority sees of an enterprise, and the dates it signs with."""

from __future__ import annotations

from datetime import UTC, datetime

from coo_lab import samples
from coo_lab.server.clock import china_date

from .conftest import NEW_CODE
from .test_smoke import SERVER_OWNED

V1 = "/api/v1"


def _draft(op) -> dict:
    cert = samples.certificate("K")
    body = cert.model_dump(mode="json", exclude=SERVER_OWNED - {"exporter"})
    r = op.post(f"{V1}/certificates", json=body)
    assert r.status_code == 201, r.text
    r = op.put(
        f"{V1}/certificates/{r.json()['id']}/goods",
        headers={"If-Match": "1"},
        json={"goods": cert.model_dump(mode="json")["goods"]},
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_the_authority_never_sees_drafts_or_base_data(api) -> None:
    op, reviewer = api.as_("hx_operator"), api.as_("dl_reviewer")
    op.post(f"{V1}/exporters", json=samples.EXPORTER.model_dump(mode="json"))
    draft = _draft(op)
    assert reviewer.get(f"{V1}/review/certificates/{draft['id']}").status_code == 404
    assert reviewer.post(f"{V1}/review/certificates/{draft['id']}/approve").status_code == 404
    feed = reviewer.get(f"{V1}/changes", params={"limit": 1000}).json()["changes"]
    assert not [c for c in feed if c["entity"] == "base_record"]
    assert not [c for c in feed if c["entity"] == "certificate" and c["entity_id"] == draft["id"]]

    r = op.post(f"{V1}/certificates/{draft['id']}/submit")
    assert r.json()["status"] == "submitted", r.json()["findings"]
    assert reviewer.get(f"{V1}/review/certificates/{draft['id']}").status_code == 200
    feed = reviewer.get(f"{V1}/changes", params={"limit": 1000}).json()["changes"]
    mine = [c for c in feed if c["entity"] == "certificate" and c["entity_id"] == draft["id"]]
    assert [c["data"]["status"] for c in mine] == ["submitted"]
    statuses = [
        c["data"]["to_status"]
        for c in feed
        if c["entity"] == "receipt" and c["data"]["document_id"] == draft["id"]
    ]
    assert statuses == ["submitted"]  # the draft's own receipt stays the enterprise's


def test_the_signing_date_is_chinas_calendar_date(api) -> None:
    op, reviewer = api.as_("hx_operator"), api.as_("dl_reviewer")
    draft = _draft(op)
    op.post(f"{V1}/certificates/{draft['id']}/submit")
    approved = reviewer.post(f"{V1}/review/certificates/{draft['id']}/approve").json()
    approved_at = datetime.fromisoformat(approved["approved_at"]).astimezone(UTC)
    assert approved["signing_date"] == china_date(approved_at).isoformat()


def test_china_date_is_utc_plus_eight() -> None:
    assert china_date(datetime(2026, 11, 27, 15, 59, tzinfo=UTC)).isoformat() == "2026-11-27"
    assert china_date(datetime(2026, 11, 27, 16, 0, tzinfo=UTC)).isoformat() == "2026-11-28"


def test_a_filed_account_cannot_be_refiled_for_another_enterprise(api) -> None:
    admin = api.as_("hx_admin")
    r = admin.post(
        f"{V1}/user-filing",
        json={"ccpit_code": samples.CCPIT_CODE, "enterprise_code": NEW_CODE, "hand_signer": "孙悟"},
    )
    assert r.status_code == 409 and samples.ENTERPRISE_CODE in r.json()["message_en"]
    assert admin.get(f"{V1}/user-filing").json()["enterprise_code"] == samples.ENTERPRISE_CODE
