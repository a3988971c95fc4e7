"""The whole path once, over real sockets: login, user filing state, create, goods, submit,
approve, receipts, change feed."""

from __future__ import annotations

import requests

from coo_lab import samples
from coo_lab.domain.certificate import NOT_BASIC_INFO

SERVER_OWNED = NOT_BASIC_INFO | {"exporter"}


def login(url: str, username: str) -> dict[str, str]:
    r = requests.post(
        f"{url}/api/v1/auth/login",
        json={"username": username, "password": f"pw-{username}"},
        timeout=10,
    )
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_declare_review_and_follow_the_feed(live) -> None:
    url, op, rev = live.url, login(live.url, "hx_operator"), login(live.url, "dl_reviewer")
    r = requests.post(
        f"{url}/api/v1/exporters",
        headers=op,
        json=samples.EXPORTER.model_dump(mode="json"),
        timeout=10,
    )
    assert r.status_code == 201, r.text

    cert = samples.certificate("E")
    body = {**cert.model_dump(mode="json", exclude=SERVER_OWNED), "exporter_code": "010001"}
    r = requests.post(f"{url}/api/v1/certificates", headers=op, json=body, timeout=10)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["status"] == "draft" and created["exporter"]["code"] == "010001"
    assert r.headers["ETag"] == '"1"'

    goods = {"goods": cert.model_dump(mode="json")["goods"]}
    r = requests.put(
        f"{url}/api/v1/certificates/{created['id']}/goods",
        json=goods,
        headers={**op, "If-Match": r.headers["ETag"]},
        timeout=10,
    )
    assert r.status_code == 200, r.text

    r = requests.post(f"{url}/api/v1/certificates/{created['id']}/submit", headers=op, timeout=10)
    assert r.json()["status"] == "submitted" and r.json()["findings"] == []

    r = requests.post(
        f"{url}/api/v1/review/certificates/{created['id']}/approve", headers=rev, timeout=10
    )
    approved = r.json()
    assert approved["status"] == "approved"
    assert approved["certificate_number"].endswith(f"E{samples.ENTERPRISE_CODE}/00001")

    r = requests.get(f"{url}/api/v1/certificates/{created['id']}/receipts", headers=op, timeout=10)
    assert [x["to_status"] for x in r.json()] == ["approved", "submitted", "draft"]

    r = requests.get(
        f"{url}/api/v1/changes", params={"after": 0, "limit": 1000}, headers=op, timeout=10
    )
    feed = r.json()["changes"]
    assert [c["seq"] for c in feed] == sorted(c["seq"] for c in feed)
    last = [c for c in feed if c["entity"] == "certificate"][-1]
    assert last["data"]["certificate_number"] == approved["certificate_number"]
