"""The service's bulk endpoints: certificate batches, corrections with their audit trail."""

from __future__ import annotations

from typing import Any

import pytest

from coo_lab import samples
from coo_lab.domain.certificate import NOT_BASIC_INFO

from . import store
from .test_isolation import snapshot

V1 = "/api/v1"
BATCH = f"{V1}/certificates/batch"
CORRECT = f"{V1}/certificates/corrections"


def item(cert_type: str, invoice: str, key: str | None = None, **changes: Any) -> dict:
    cert = samples.certificate(cert_type)
    body = {**cert.model_dump(mode="json", exclude=NOT_BASIC_INFO), "invoice_number": invoice}
    body.update(changes)
    goods = cert.model_dump(mode="json")["goods"]
    return {"idempotency_key": key or f"key-{invoice}", "certificate": body, "goods": goods}


@pytest.fixture
def hx(api):
    return api.as_("hx_operator")


def certificate_count(db_path) -> int:
    return store.scalar(db_path, "SELECT COUNT(*) FROM certificates")


def test_a_dry_run_checks_every_item_and_writes_nothing(hx, db_path) -> None:
    items = [
        item("K", "B-1"),
        item("C", "B-2", hand_signer="张伟"),  # a cancelled hand-signer: the registry knows
        item("E", "B-1", key="e"),  # another type may share the invoice
        item("K", "B-1", key="again"),  # the same type may not: the batch's own K has it
    ]
    before = snapshot(db_path)
    r = hx.post(BATCH, json={"items": items, "dry_run": True})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["dry_run"], body["created"], body["existing"]) == (True, 0, 0)
    assert [i["outcome"] for i in body["items"]] == ["would_create"] * 4
    assert all(i["id"] is None for i in body["items"])
    codes = [{f["code"] for f in i["findings"]} for i in body["items"]]
    assert codes[0] == set() and codes[2] == set()
    assert codes[1] == {"CO-PARTY-003"}
    assert "CO-DUP-001" in codes[3]
    assert snapshot(db_path) == before


def test_a_batch_creates_whole_certificates_once(hx, db_path) -> None:
    items = [item(t, f"ONCE-{t}") for t in ("K", "C", "E")]
    r = hx.post(BATCH, json={"items": items})
    assert r.status_code == 200, r.text
    first = r.json()
    assert (first["created"], first["existing"]) == (3, 0)
    ids = [i["id"] for i in first["items"]]
    assert [i["outcome"] for i in first["items"]] == ["created"] * 3
    numbers = [i["internal_number"] for i in first["items"]]
    assert len(set(numbers)) == 3 and all(n.startswith(samples.ENTERPRISE_CODE) for n in numbers)
    for cert_id, sent in zip(ids, items, strict=True):
        got = hx.get(f"{V1}/certificates/{cert_id}").json()
        assert got["status"] == "draft" and got["version"] == 1
        assert len(got["goods"]) == len(sent["goods"])
        assert [g["line_no"] for g in got["goods"]] == list(range(1, len(sent["goods"]) + 1))
        assert got["invoice_number"] == sent["certificate"]["invoice_number"]
    again = hx.post(BATCH, json={"items": items}).json()
    assert (again["created"], again["existing"]) == (0, 3)
    assert [i["id"] for i in again["items"]] == ids
    assert [i["outcome"] for i in again["items"]] == ["exists"] * 3
    assert certificate_count(db_path) == 3


def test_a_batch_certificate_is_stored_as_a_single_create_stores_it(hx, db_path) -> None:
    """Row, receipt and change-feed entries: the same as POST /certificates + PUT goods."""
    single = item("K", "SAME-1")
    r = hx.post(f"{V1}/certificates", json=single["certificate"])
    one = r.json()
    r = hx.put(
        f"{V1}/certificates/{one['id']}/goods",
        json={"goods": single["goods"]},
        headers={"If-Match": str(one["version"])},
    )
    assert r.status_code == 200, r.text
    r = hx.post(BATCH, json={"items": [item("K", "SAME-2")]})
    batch_id = r.json()["items"][0]["id"]

    def stored(cert_id: int) -> dict[str, Any]:
        view = hx.get(f"{V1}/certificates/{cert_id}").json()
        receipts = hx.get(f"{V1}/certificates/{cert_id}/receipts").json()
        feed = hx.get(f"{V1}/changes", params={"after": 0}).json()["changes"]
        return {
            "view": view,
            "receipts": receipts,
            "changes": [
                c for c in feed if c["entity"] == "certificate" and c["entity_id"] == cert_id
            ],
        }

    a, b = stored(one["id"]), stored(batch_id)
    volatile = {"id", "version", "internal_number", "invoice_number", "created_at"}
    assert {k: v for k, v in a["view"].items() if k not in volatile} == {
        k: v for k, v in b["view"].items() if k not in volatile
    }
    assert b["view"]["version"] == 1  # one write: basic info and goods together
    assert [r["reason"] for r in b["receipts"]] == [r["reason"] for r in a["receipts"]]
    assert b["receipts"][0]["to_status"] == "draft" and b["receipts"][0]["actor"] == "hx_operator"
    assert b["changes"][-1]["data"] == hx.get(f"{V1}/certificates/{batch_id}").json()
    flags = store.rows(
        db_path,
        "SELECT entity, authority FROM changes WHERE entity_id = ? OR "
        "entity_id IN (SELECT id FROM receipts WHERE document_id = ?)",
        (batch_id, batch_id),
    )
    assert ("certificate", 0) in flags and ("receipt", 0) in flags  # drafts: not the authority's


def test_one_bad_item_refuses_the_whole_batch_naming_it(hx, db_path) -> None:
    good, bad = item("K", "BAD-1"), item("C", "BAD-2")
    bad["goods"][1]["hs_code"] = "12"
    unknown = item("C", "BAD-3", importer_code="NOSUCH1")
    before = snapshot(db_path)
    r = hx.post(BATCH, json={"items": [good, bad]})
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["items.1.goods.1.hs_code"]
    r = hx.post(BATCH, json={"items": [good, unknown, {**unknown, "idempotency_key": "u2"}]})
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert [e["field"] for e in errors] == [
        "items.1.certificate.importer_code",
        "items.2.certificate.importer_code",
    ]
    assert errors[0]["value"] == "NOSUCH1" and errors[0]["expected_zh"]
    r = hx.post(BATCH, json={"items": [good, {**good, "certificate": bad["certificate"]}]})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "items.1.idempotency_key"
    assert snapshot(db_path) == before


def test_a_key_reused_for_other_content_is_a_conflict(hx, db_path) -> None:
    assert hx.post(BATCH, json={"items": [item("K", "KEY-1", key="k")]}).status_code == 200
    before = snapshot(db_path)
    r = hx.post(BATCH, json={"items": [item("C", "KEY-2"), item("K", "KEY-9", key="k")]})
    assert r.status_code == 409 and "item 1" in r.json()["message_en"]
    assert snapshot(db_path) == before


def test_a_manager_may_look_but_not_write(api) -> None:
    manager = api.as_("hx_manager")
    body = {"items": [item("K", "M-1")]}
    assert manager.post(BATCH, json={**body, "dry_run": True}).status_code == 200
    assert manager.post(BATCH, json=body).status_code == 403
    fix = {"rows": [{"id": 1, "changes": {"remarks": "x"}}]}
    assert manager.post(CORRECT, json={**fix, "dry_run": True}).status_code == 200
    assert manager.post(CORRECT, json=fix).status_code == 403


# --- corrections and the audit trail ---------------------------------------------------------


def drafts(hx, count: int) -> list[dict]:
    r = hx.post(BATCH, json={"items": [item("K", f"FIX-{i}") for i in range(count)]})
    return [{"id": i["id"], "version": i["version"]} for i in r.json()["items"]]


def test_a_correction_dry_run_shows_the_diff_and_writes_nothing(hx, db_path) -> None:
    (a, b) = drafts(hx, 2)
    rows = [
        {
            "id": a["id"],
            "changes": {"importer.address_en": "NEW ROAD 1", "goods.0.description": "PARTS"},
        },
        {"id": b["id"], "version": b["version"], "changes": {"remarks": "备注 1"}},
    ]
    before = snapshot(db_path)
    r = hx.post(CORRECT, json={"rows": rows, "dry_run": True})
    assert r.status_code == 200, r.text
    body = r.json()
    assert snapshot(db_path) == before
    assert body["applied"] == 0 and body["batch"] == ""
    first, second = body["rows"]
    assert first["outcome"] == "would_apply" and first["version"] == 1
    assert first["changes"] == [
        {"field": "importer.address_en", "before": "BUSAN ELECTRONICS CO., LTD. WAREHOUSE 1",
         "after": "NEW ROAD 1"},
        {"field": "goods.0.description", "before": samples.certificate("K").goods[0].description,
         "after": "PARTS"},
    ]  # fmt: skip
    assert {f["code"] for f in first["findings"]} == {"CO-GOODS-004"}  # "PARTS" is too generic
    assert second["changes"] == [{"field": "remarks", "before": "", "after": "备注 1"}]


def test_applied_corrections_are_audited_and_stale_rows_refused_alone(hx, api, db_path) -> None:
    a, b, c = drafts(hx, 3)
    hx.post(CORRECT, json={"rows": [{**c, "changes": {"remarks": "someone else"}}]})
    rows = [
        {**a, "changes": {"importer.address_en": "NEW ROAD 2"}},
        {**b, "changes": {"importer.address_en": "NEW ROAD 2"}},
        {**c, "changes": {"importer.address_en": "NEW ROAD 2"}},  # version 1: now stale
        {"id": a["id"] + 1000, "version": 1, "changes": {"remarks": "x"}},
    ]
    body = hx.post(CORRECT, json={"rows": rows}).json()
    outcomes = [(r["outcome"], r["status_code"]) for r in body["rows"]]
    assert outcomes == [("applied", 200), ("applied", 200), ("stale", 409), ("not_found", 404)]
    assert body["applied"] == 2 and body["failed"] == 2 and body["batch"]
    assert [r["version"] for r in body["rows"][:2]] == [2, 2]
    assert "changed since you read it" in body["rows"][2]["message_en"]
    assert hx.get(f"{V1}/certificates/{c['id']}").json()["importer"]["address_en"] != "NEW ROAD 2"
    trail = hx.get(f"{V1}/audit", params={"batch": body["batch"]}).json()
    assert trail["total"] == 2
    entry = trail["items"][-1]
    assert entry["entity_id"] == a["id"] and entry["field"] == "importer.address_en"
    assert (entry["before"], entry["after"]) == (
        "BUSAN ELECTRONICS CO., LTD. WAREHOUSE 1",
        "NEW ROAD 2",
    )
    assert entry["actor"] == "hx_operator" and entry["version"] == 2 and entry["at"]
    assert entry["document_number"].startswith(samples.ENTERPRISE_CODE)
    feed = hx.get(f"{V1}/changes", params={"after": 0}).json()["changes"]
    last = [x for x in feed if x["entity"] == "certificate" and x["entity_id"] == a["id"]][-1]
    assert last["version"] == 2 and last["data"]["importer"]["address_en"] == "NEW ROAD 2"
    # the audit trail is the company's own
    ln = api.as_("ln_operator")
    assert ln.get(f"{V1}/audit").json()["total"] == 0
    r = ln.post(CORRECT, json={"rows": [{**a, "version": 2, "changes": {"remarks": "x"}}]})
    assert r.json()["rows"][0]["outcome"] == "not_found"


def test_all_or_nothing_applies_none_when_one_row_fails(hx, db_path) -> None:
    a, b = drafts(hx, 2)
    rows = [
        {**a, "changes": {"remarks": "ok"}},
        {**b, "changes": {"goods.7.hs_code": "851660"}},  # no eighth line
    ]
    before = snapshot(db_path)
    body = hx.post(CORRECT, json={"rows": rows, "all_or_nothing": True}).json()
    assert [r["outcome"] for r in body["rows"]] == ["not_applied", "invalid"]
    assert body["applied"] == 0 and snapshot(db_path) == before
    error = body["rows"][1]["errors"][0]
    assert error["field"] == "goods.7.hs_code" and "goods has 3" in error["expected_en"]


def test_bad_corrections_are_named_field_by_field(hx) -> None:
    (a,) = drafts(hx, 1)
    cases = [
        ({"status": "approved"}, "invalid", "read_only"),
        ({"importer.adress_en": "x"}, "invalid", "extra_forbidden"),
        ({"invoice_date": "31/02/2026"}, "invalid", "date_from_datetime_parsing"),
        ({"importer_code": "NOSUCH1"}, "invalid", "unknown_base_record"),
        ({"importer_code": ["A"]}, "invalid", "string_type"),
        ({"goods.x.hs_code": "851660"}, "invalid", "bad_path"),
        ({"remarks": samples.certificate("K").remarks}, "unchanged", None),
    ]
    for changes, outcome, code in cases:
        r = hx.post(CORRECT, json={"rows": [{**a, "changes": changes}]})
        row = r.json()["rows"][0]
        assert row["outcome"] == outcome, (changes, row)
        if code:
            assert [e["code"] for e in row["errors"]][:1] == [code], (changes, row["errors"])
            assert row["status_code"] == 422 and row["message_zh"]
    assert hx.get(f"{V1}/certificates/{a['id']}").json()["version"] == 1


def test_only_drafts_and_returned_certificates_are_corrected(hx) -> None:
    (a,) = drafts(hx, 1)
    assert hx.post(f"{V1}/certificates/{a['id']}/submit").json()["status"] == "submitted"
    row = hx.post(CORRECT, json={"rows": [{**a, "version": 2, "changes": {"remarks": "x"}}]}).json()
    assert row["rows"][0]["outcome"] == "not_editable" and row["rows"][0]["status_code"] == 409


def test_the_same_certificate_twice_in_one_request_is_refused(hx) -> None:
    (a,) = drafts(hx, 1)
    rows = [{**a, "changes": {"remarks": "1"}}, {**a, "changes": {"remarks": "2"}}]
    body = hx.post(CORRECT, json={"rows": rows}).json()
    assert [r["outcome"] for r in body["rows"]] == ["applied", "invalid"]
    assert body["rows"][1]["errors"][0]["code"] == "duplicate_row"


def test_the_audit_trail_filters(hx, api) -> None:
    a, b = drafts(hx, 2)
    hx.post(CORRECT, json={"rows": [{**a, "changes": {"remarks": "1", "importer.country": "JPN"}}]})
    admin = api.as_("hx_admin")
    admin.post(CORRECT, json={"rows": [{**b, "changes": {"remarks": "2"}}]})

    def fields(**params: Any) -> list[tuple[int, str]]:
        items = hx.get(f"{V1}/audit", params=params).json()["items"]
        return [(x["entity_id"], x["field"]) for x in items]

    assert fields() == [(b["id"], "remarks"), (a["id"], "remarks"), (a["id"], "importer.country")]
    assert fields(certificate_id=a["id"]) == [(a["id"], "remarks"), (a["id"], "importer.country")]
    assert fields(user="hx_admin") == [(b["id"], "remarks")]
    assert fields(field="importer") == [(a["id"], "importer.country")]
    today = hx.get(f"{V1}/audit").json()["items"][0]["at"][:10]
    assert len(fields(date_from="2000-01-01", date_to="2100-01-01")) == 3
    assert fields(date_to="2000-01-01") == [] and fields(date_from="2100-01-01") == []
    assert today
    r = hx.get(f"{V1}/audit", params={"date_from": "yesterday"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "query.date_from"


def test_audit_dates_are_china_s_calendar_days(hx, monkeypatch) -> None:
    """17:00 UTC on 1 March is already 2 March in China: the trail files it under the 2nd."""
    from datetime import UTC, datetime

    from coo_lab.server import audit

    (a,) = drafts(hx, 1)
    monkeypatch.setattr(audit, "now", lambda: datetime(2026, 3, 1, 17, 0, tzinfo=UTC))
    hx.post(CORRECT, json={"rows": [{**a, "changes": {"remarks": "late"}}]})

    def total(**params: str) -> int:
        return hx.get(f"{V1}/audit", params=params).json()["total"]

    assert total(date_from="2026-03-02", date_to="2026-03-02") == 1
    assert total(date_to="2026-03-01") == 0 and total(date_from="2026-03-03") == 0


def test_batch_keys_are_each_user_s_own(api, hx) -> None:
    """Another enterprise sending the same key gets a certificate of its own, never the first
    one's id."""
    (made,) = hx.post(BATCH, json={"items": [item("C", "SHARED-1", key="same")]}).json()["items"]
    ln = api.as_("ln_operator")
    body = item("C", "SHARED-1", key="same")
    body["certificate"].update(hand_signer="赵云", exporter=None, producer=None)
    (theirs,) = ln.post(BATCH, json={"items": [body]}).json()["items"]
    assert theirs["outcome"] == "created" and theirs["id"] != made["id"]
    assert ln.get(f"{V1}/certificates/{made['id']}").status_code == 404


def test_the_diff_names_every_changed_leaf() -> None:
    from coo_lab.server.corrections import diff

    before = {"remarks": "", "producer": None, "goods": [{"hs_code": "851660"}], "clauses": []}
    after = {
        "remarks": "x",
        "producer": {"code": "P1", "name_en": "MAKER"},
        "goods": [{"hs_code": "851660"}, {"hs_code": "610910"}],
        "clauses": [],
    }
    assert [(c.field, c.before, c.after) for c in diff(before, after)] == [
        ("remarks", "", "x"),
        ("producer.code", None, "P1"),
        ("producer.name_en", None, "MAKER"),
        ("goods.1.hs_code", None, "610910"),
    ]
    assert [(c.field, c.before, c.after) for c in diff(after, before)][1:3] == [
        ("producer.code", "P1", None),
        ("producer.name_en", "MAKER", None),
    ]
    assert diff(before, before) == []


def test_a_party_from_base_data_then_one_of_its_fields(hx) -> None:
    importer = {**samples.importer("K").model_dump(mode="json"), "code": "IMP02"}
    importer["name_en"] = "SEOUL TRADING CO., LTD."
    assert hx.post(f"{V1}/importers", json=importer).status_code == 201
    (a,) = drafts(hx, 1)
    changes = {"importer.address_en": "GATE 3, SEOUL", "importer_code": "IMP02"}
    row = hx.post(CORRECT, json={"rows": [{**a, "changes": changes}]}).json()["rows"][0]
    assert row["outcome"] == "applied", row
    got = hx.get(f"{V1}/certificates/{a['id']}").json()["importer"]
    assert (got["code"], got["name_en"], got["address_en"]) == (
        "IMP02",
        "SEOUL TRADING CO., LTD.",
        "GATE 3, SEOUL",
    )
    fields = {c["field"] for c in row["changes"]}
    assert {"importer.code", "importer.name_en", "importer.address_en"} <= fields
