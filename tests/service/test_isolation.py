"""Every enterprise sees only its own data (SPEC §1), and a reviewer only the enterprises of
their own office (SPEC §6).

For EVERY enterprise endpoint of the app's OpenAPI document (so an endpoint added later is
covered without touching this file), a record of company hx asked for by a user of company ln
answers 404 — never 200, never 403 that would confirm it exists — and changes nothing. Lists
and the change feed of ln never show an hx row.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from coo_lab import samples
from coo_lab.domain.certificate import NOT_BASIC_INFO

from . import store

V1 = "/api/v1"
LN_NAME = "LIAONING NORTHERN MACHINERY CO., LTD."
# Paths that are not enterprise endpoints, by prefix, and why.
NOT_ENTERPRISE = {
    f"{V1}/health": "public",
    f"{V1}/announcements": "public list; reviewers publish",
    f"{V1}/auth/": "login, logout, who am I",
    f"{V1}/user-filing": "the caller's own company only; no record id",
    f"{V1}/review/": "reviewer (checked below with the other office's reviewer)",
    f"{V1}/registry/": "reviewer",
    f"{V1}/changes": "checked on its own below",
    "/verify/": "public: what a certificate's QR code may tell anyone (test_print_api.py)",
}
# strings found in hx's records and never in ln's
HX_MARKERS = (samples.ENTERPRISE_CODE, "HAIXING", "海兴", "HXSECRET")
CERT_OWNED = NOT_BASIC_INFO
BASE_KINDS = {
    "exporters": lambda code, name: {"code": code, "name_en": name, "address_en": f"{name} RD."},
    "importers": lambda code, name: {"code": code, "name_en": name, "country": "USA"},
    "producers": lambda code, name: {"code": code, "name_en": name, "address_en": f"{name} RD."},
    "special-clauses": lambda code, name: {"code": code, "text": name},
}


# --------------------------------------------------------------------------- helpers


def operations(app) -> list[tuple[str, str, str | None]]:
    out = []
    for path, item in app.openapi()["paths"].items():
        for method, op in item.items():
            schema = (
                op.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema", {})
            )
            out.append((method.upper(), path, schema.get("$ref", "").rsplit("/", 1)[-1] or None))
    return out


def enterprise_operations(app) -> list[tuple[str, str, str | None]]:
    ops = [op for op in operations(app) if not any(op[1].startswith(p) for p in NOT_ENTERPRISE)]
    assert len(ops) >= 30, ops
    return ops


def cert_body(cert_type: str = "C") -> dict[str, Any]:
    return samples.certificate(cert_type).model_dump(mode="json", exclude=CERT_OWNED)


def goods(cert_type: str = "C") -> list[dict[str, Any]]:
    return samples.certificate(cert_type).model_dump(mode="json")["goods"]


def filing_body() -> dict[str, Any]:
    filing = samples.product_filings()[0]
    data = filing.model_dump(mode="json", exclude={"id", "version", "created_at", "areas"})
    return {**data, "areas": [{"agreement": a.agreement} for a in filing.areas]}


def body_for(schema: str | None, path: str) -> Any:
    """A valid body of that schema, so the answer is about the record, not the input."""
    if schema is None:
        return None
    if schema == "CertificateInput":
        return cert_body()
    if schema == "GoodsLines":
        return {"goods": goods()}
    if schema == "Reason":
        return {"reason": "isolation probe"}
    if schema == "ProductFilingInput":
        return filing_body()
    if schema == "VerificationCode":
        return {"code": "123456"}
    for kind, make in BASE_KINDS.items():
        if f"/{kind}" in path:
            return make("PROBE1", "PROBE NAME")
    pytest.fail(f"no sample body for request schema {schema!r} of {path}: add one to body_for()")


def snapshot(db_path) -> dict[str, Any]:
    """Every row of every table that a request could change."""
    # logins, and the status-push dispatcher's cursor (it moves in the background, after
    # earlier changes, whatever the request under test does)
    skip = {"tokens", "login_attempts", "schema_version", "sqlite_sequence", "push_cursor"}
    return {
        t: sorted(store.rows(db_path, f"SELECT * FROM {t}"), key=repr)
        for t in store.tables(db_path)
        if t not in skip
    }


def leaks(text: str) -> list[str]:
    return [m for m in HX_MARKERS if m in text]


@pytest.fixture
def world(api) -> dict[str, Any]:
    """hx: base records of each kind and certificates in each state; ln: its own few rows."""
    hx, ln, reviewer = api.as_("hx_operator"), api.as_("ln_operator"), api.as_("dl_reviewer")

    hx_ids: dict[str, list[tuple[int, int]]] = {}  # collection → [(id, version)]
    ln_ids: dict[str, set[int]] = {}
    for kind, make in BASE_KINDS.items():
        r = hx.post(f"{V1}/{kind}", json=make("HXS01", "HXSECRET HAIXING RECORD"))
        assert r.status_code == 201, r.text
        hx_ids[kind] = [(r.json()["id"], 1)]
        r = ln.post(f"{V1}/{kind}", json=make("LNS01", LN_NAME))
        assert r.status_code == 201, r.text
        ln_ids[kind] = {r.json()["id"]}

    def made(client, body, goods_for: str | None = "C") -> dict[str, Any]:
        r = client.post(f"{V1}/certificates", json=body)
        assert r.status_code == 201, r.text
        cert = r.json()
        if goods_for is None:
            return cert
        r = client.put(
            f"{V1}/certificates/{cert['id']}/goods",
            json={"goods": goods(goods_for)},
            headers={"If-Match": str(cert["version"])},
        )
        assert r.status_code == 200, r.text
        return r.json()

    certs = {
        "draft": made(hx, cert_body("C")),
        "bare": made(hx, {"cert_type": "K", "invoice_number": "HXSECRET-1"}, None),
        "submitted": made(hx, cert_body("K"), "K"),
        "approved": made(hx, cert_body("A"), "A"),
        "returned": made(hx, cert_body("X"), "X"),
    }
    for name in ("submitted", "approved", "returned"):
        r = hx.post(f"{V1}/certificates/{certs[name]['id']}/submit")
        assert r.json()["status"] == "submitted", r.text
    r = reviewer.post(f"{V1}/review/certificates/{certs['approved']['id']}/approve")
    assert r.json()["status"] == "approved", r.text
    r = reviewer.post(
        f"{V1}/review/certificates/{certs['returned']['id']}/return", json={"reason": "x"}
    )
    assert r.json()["status"] == "returned", r.text
    r = hx.post(
        f"{V1}/certificates/{certs['draft']['id']}/documents",
        files={"file": ("HXSECRET.pdf", b"%PDF-1.4 HAIXING", "application/pdf")},
    )
    assert r.status_code == 201, r.text
    hx_ids["documents"] = [(r.json()["id"], 1)]
    for name, cert in certs.items():
        certs[name] = hx.get(f"{V1}/certificates/{cert['id']}").json()
    hx_ids["certificates"] = [(c["id"], c["version"]) for c in certs.values()]

    ln_exporter = BASE_KINDS["exporters"]("LN001", LN_NAME)
    ln_cert_body = {**cert_body("C"), "exporter": ln_exporter, "producer": None}
    ln_cert_body.update(hand_signer="赵云", invoice_number="LN-0001")
    ln_cert = made(ln, ln_cert_body)
    assert ln.post(f"{V1}/certificates/{ln_cert['id']}/submit").json()["status"] == "approved"
    ln_ids["certificates"] = {ln_cert["id"]}

    target = api.client.app.state.db.path
    hx_company = store.scalar(
        target, "SELECT id FROM companies WHERE enterprise_code = ?", (samples.ENTERPRISE_CODE,)
    )
    filings = store.rows(
        target, "SELECT id, version FROM product_filings WHERE company_id = ?", (hx_company,)
    )
    assert filings
    for name in ("product-filings", "filings"):  # however a product-filing API names them
        hx_ids[name] = filings

    # status push: a subscription of each company and a phone binding of hx, made last (they
    # hear of later changes only); then the dispatcher has read the feed to its end and the
    # store stays still while the probes run
    hook = {"mode": "enterprise", "channel": "webhook", "webhook_url": "http://127.0.0.1:9/h"}
    for client, ids in ((hx, hx_ids), (ln, ln_ids)):
        r = client.post(f"{V1}/push/subscriptions", json=hook)
        assert r.status_code == 201, r.text
        ids["subscriptions"] = [(r.json()["id"], 1)] if client is hx else {r.json()["id"]}
    r = hx.post(f"{V1}/push/bindings", json={"channel": "sms", "address": "13800138000"})
    assert r.status_code == 201, r.text
    hx_ids["bindings"] = [(r.json()["id"], 1)]
    assert api.client.app.state.push.wait_caught_up(), "the push dispatcher did not catch up"

    for text in (json.dumps(c, ensure_ascii=False) for c in certs.values()):
        assert leaks(text), "every hx certificate must carry a marker"
    return {"hx": hx, "ln": ln, "hx_ids": hx_ids, "ln_ids": ln_ids, "certs": certs}


# --------------------------------------------------------------------------- tests


def test_another_enterprise_s_records_are_not_found_on_every_endpoint(api, db_path, world) -> None:
    ln = world["ln"]
    before = snapshot(db_path)
    probed = set()
    for method, path, schema in enterprise_operations(api.client.app):
        params = re.findall(r"\{(\w+)\}", path)
        if not params:
            continue
        assert len(params) == 1, f"{path}: teach this test about nested ids"
        collection = path.split("/{", 1)[0].rsplit("/", 1)[-1]
        if collection not in world["hx_ids"]:
            pytest.fail(
                f"{method} {path}: no hx record of `{collection}` to probe with; "
                "add some to the `world` fixture"
            )
        for record_id, version in world["hx_ids"][collection]:
            url = path.replace(f"{{{params[0]}}}", str(record_id))
            headers = {"If-Match": f'"{version}"', "Idempotency-Key": f"probe-{method}-{url}"}
            body = body_for(schema, path)
            if body is None:
                r = ln.request(method, url, headers=headers)
            else:
                r = ln.request(method, url, json=body, headers=headers)
            assert r.status_code == 404, (method, url, r.status_code, r.text)
            assert r.json()["message_en"] and r.json()["message_zh"]
            assert not leaks(r.text), (method, url, r.text)
        probed.add((method, path))
    assert len(probed) >= 20
    assert snapshot(db_path) == before, "a foreign request changed something"
    # the same ids are real: their owner reaches them
    for record_id, _ in world["hx_ids"]["certificates"]:
        assert world["hx"].get(f"{V1}/certificates/{record_id}").status_code == 200


def test_lists_never_show_another_enterprise_s_rows(api, world) -> None:
    ln = world["ln"]
    listed = 0
    for method, path, _schema in enterprise_operations(api.client.app):
        if method != "GET" or "{" in path:
            continue
        r = ln.get(path)
        assert r.status_code == 200, (path, r.text)
        assert not leaks(r.text), (path, leaks(r.text), r.text[:500])
        listed += 1
        collection = path.rsplit("/", 1)[-1]
        if collection in world["ln_ids"]:
            items = r.json()["items"]
            assert {x["id"] for x in items} == world["ln_ids"][collection], path
            assert r.json()["total"] == len(world["ln_ids"][collection])
    assert listed >= 6
    # with every filter and search the answer stays ln's own
    for params in (
        {"invoice_number": "HXSECRET"},
        {"cert_type": "K"},
        {"status": "submitted"},
        {"view": "preferential"},
        {"hand_signer": "王丹"},
    ):
        assert ln.get(f"{V1}/certificates", params=params).json()["total"] == 0, params
    assert ln.get(f"{V1}/exporters", params={"q": "HXS"}).json()["total"] == 0
    assert ln.get(f"{V1}/receipts", params={"kind": "certificate"}).json()["total"] == 3
    # and hx sees its own, none of ln's
    hx_list = world["hx"].get(f"{V1}/certificates").json()
    assert {x["id"] for x in hx_list["items"]} == {i for i, _ in world["hx_ids"]["certificates"]}
    assert "LN-0001" not in json.dumps(world["hx"].get(f"{V1}/receipts").json())


def test_the_change_feed_of_one_enterprise_has_none_of_another(world) -> None:
    ln, hx = world["ln"], world["hx"]
    feed = ln.get(f"{V1}/changes", params={"after": 0, "limit": 1000}).json()
    assert not feed["has_more"]
    changes = feed["changes"]
    assert changes, "ln's own writes are in its feed"
    assert not leaks(json.dumps(changes, ensure_ascii=False))
    ids: dict[str, set[int]] = {}
    for change in changes:
        ids.setdefault(change["entity"], set()).add(change["entity_id"])
    assert ids["certificate"] == world["ln_ids"]["certificates"]
    assert ids["base_record"] == set().union(*(world["ln_ids"][k] for k in BASE_KINDS))
    hx_feed = hx.get(f"{V1}/changes", params={"after": 0, "limit": 1000}).json()["changes"]
    hx_seqs = {c["seq"] for c in hx_feed}
    assert hx_seqs.isdisjoint(c["seq"] for c in changes)
    hx_cert_ids = {c["entity_id"] for c in hx_feed if c["entity"] == "certificate"}
    assert hx_cert_ids.isdisjoint(world["ln_ids"]["certificates"])
    # paging through the feed from any point never crosses over either
    after, seen = 0, []
    while True:
        page = ln.get(f"{V1}/changes", params={"after": after, "limit": 2}).json()
        seen += [c["seq"] for c in page["changes"]]
        if not page["has_more"]:
            break
        after = page["next_after"]
    assert seen == [c["seq"] for c in changes]


def test_a_reviewer_of_another_office_sees_nothing(api, db_path, world) -> None:
    sy, dl = api.as_("sy_reviewer"), api.as_("dl_reviewer")
    certs = world["certs"]
    queue = sy.get(f"{V1}/review/queue").json()
    assert queue == {"items": [], "total": 0, "page": 1, "page_size": 50}
    assert [x["id"] for x in dl.get(f"{V1}/review/queue").json()["items"]] == [
        certs["submitted"]["id"]
    ]
    before = snapshot(db_path)
    for cert in certs.values():
        cid = cert["id"]
        for method, url, body in (
            ("GET", f"{V1}/review/certificates/{cid}", None),
            ("POST", f"{V1}/review/certificates/{cid}/approve", None),
            ("POST", f"{V1}/review/certificates/{cid}/return", {"reason": "not yours"}),
        ):
            r = sy.request(method, url, json=body) if body else sy.request(method, url)
            assert r.status_code == 404, (method, url, r.status_code, r.text)
            assert not leaks(r.text)
    assert snapshot(db_path) == before
    assert sy.get(f"{V1}/changes", params={"after": 0}).json()["changes"] == []
    assert sy.get(f"{V1}/registry/enterprises").json() == []
    # the office's own reviewer does reach them
    assert dl.get(f"{V1}/review/certificates/{certs['submitted']['id']}").status_code == 200
    assert (
        world["hx"].get(f"{V1}/certificates/{certs['submitted']['id']}").json()["status"]
        == "submitted"
    )


def test_user_filing_and_me_speak_only_of_one_s_own_company(world) -> None:
    ln = world["ln"]
    state = ln.get(f"{V1}/user-filing").json()
    assert state["enterprise_code"] == "210200777" and state["name_en"] == LN_NAME
    assert not leaks(json.dumps(ln.get(f"{V1}/auth/me").json(), ensure_ascii=False))
