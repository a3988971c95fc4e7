"""Certificates (SPEC §5) and their review (SPEC §6) through the API, for each of the 15
types: draft, goods, check, submit, approve (number, signing date, receipts), amend-reissue
(approval voids the original), void, copy, delete; a submission the rules refuse comes back
``returned`` with findings; a reviewer's return; the ``automatic`` review policy; and the
query filters, paging and sorting of the three certificate lists.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from coo_lab import samples
from coo_lab.domain.agreements import CERTIFICATE_TYPES
from coo_lab.domain.certificate import NOT_BASIC_INFO
from coo_lab.server.certificates import SORTABLE
from coo_lab.server.clock import china_today

from . import store

V1 = "/api/v1"
LN_CODE = "210200777"
LN_NAME = "LIAONING NORTHERN MACHINERY CO., LTD."
SYSTEM = "system (自动审核)"
CERT_OWNED = NOT_BASIC_INFO


# --------------------------------------------------------------------------- helpers


def today() -> date:
    """The service's today: China's calendar date (after 16:00 UTC, tomorrow's)."""
    return china_today()


def basic(cert_type: str, lines: int = 3, **change: Any) -> dict[str, Any]:
    """The basic info of a rule-clean sample certificate of hx, as a create body."""
    invoice = change.pop("invoice_number", None)
    cert = samples.certificate(cert_type, lines=lines, invoice_number=invoice)
    return {**cert.model_dump(mode="json", exclude=CERT_OWNED), **change}


def goods_of(cert_type: str, lines: int = 3) -> list[dict[str, Any]]:
    return samples.certificate(cert_type, lines=lines).model_dump(mode="json")["goods"]


def put_goods(client, cert: dict[str, Any], goods: list[dict[str, Any]]) -> dict[str, Any]:
    r = client.put(
        f"{V1}/certificates/{cert['id']}/goods",
        json={"goods": goods},
        headers={"If-Match": f'"{cert["version"]}"'},
    )
    assert r.status_code == 200, r.text
    return r.json()


def draft(client, cert_type: str = "C", *, goods: bool = True, **change: Any) -> dict[str, Any]:
    """A draft with its basic info (and, unless told otherwise, its goods) saved."""
    lines = change.pop("lines", 3)
    r = client.post(f"{V1}/certificates", json=basic(cert_type, lines, **change))
    assert r.status_code == 201, r.text
    cert = r.json()
    return put_goods(client, cert, goods_of(cert_type, lines)) if goods else cert


def submit(client, cert_id: int, expected: str = "submitted") -> dict[str, Any]:
    r = client.post(f"{V1}/certificates/{cert_id}/submit")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == expected, r.json()["findings"]
    return r.json()


def approve(reviewer, cert_id: int) -> dict[str, Any]:
    r = reviewer.post(f"{V1}/review/certificates/{cert_id}/approve")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "approved"
    return r.json()


def receipts(client, cert_id: int) -> list[dict[str, Any]]:
    r = client.get(f"{V1}/certificates/{cert_id}/receipts")
    assert r.status_code == 200, r.text
    return r.json()


def transitions(client, cert_id: int) -> list[tuple[str | None, str]]:
    """The receipts of a certificate, oldest first, as (from, to)."""
    return [(x["from_status"], x["to_status"]) for x in reversed(receipts(client, cert_id))]


def number_pattern(cert_type: str, enterprise: str = samples.ENTERPRISE_CODE) -> re.Pattern:
    return re.compile(rf"{today():%y}{cert_type}{enterprise}/\d{{5}}")


def ln_basic(**change: Any) -> dict[str, Any]:
    """A general certificate of ln: its registered exporter name and its hand-signer."""
    exporter = {
        "code": "LN001",
        "name_en": LN_NAME,
        "name_cn": "辽宁北方机械有限公司",
        "address_en": "NO. 9 BEIHAI STREET, SHENYANG, CHINA",
    }
    return basic("C", **{"exporter": exporter, "hand_signer": "赵云", **change})


# --------------------------------------------------------------------------- lifecycle


@pytest.mark.parametrize("cert_type", CERTIFICATE_TYPES)
def test_the_whole_lifecycle_of_each_type(api, cert_type: str) -> None:
    op, reviewer = api.as_("hx_operator"), api.as_("dl_reviewer")

    # goods come only after the basic info is saved once
    with_goods = {**basic(cert_type), "goods": goods_of(cert_type)}
    r = op.post(f"{V1}/certificates", json=with_goods)
    assert r.status_code == 422, r.text
    assert [e["field"] for e in r.json()["errors"]] == ["goods"]
    assert op.get(f"{V1}/certificates").json()["total"] == 0

    # 暂存: the basic info as a draft
    r = op.post(f"{V1}/certificates", json=basic(cert_type))
    assert r.status_code == 201, r.text
    assert r.headers["ETag"] == '"1"'
    created = r.json()
    assert created["status"] == "draft" and created["category"] == "new"
    assert created["cert_type"] == cert_type and created["goods"] == []
    assert created["enterprise_code"] == samples.ENTERPRISE_CODE
    assert created["ccpit_code"] == samples.CCPIT_CODE
    assert created["company_name_cn"] == samples.ENTERPRISE.name_cn
    assert created["internal_number"].startswith(f"{samples.ENTERPRISE_CODE}{today():%Y}")
    assert created["certificate_number"] is None
    cid = created["id"]
    assert transitions(op, cid) == [(None, "draft")]

    # a draft without goods would be refused; check says so and saves nothing
    findings = op.post(f"{V1}/certificates/{cid}/check").json()
    assert any(f["field"] == "goods" and f["severity"] == "error" for f in findings), findings
    assert op.get(f"{V1}/certificates/{cid}").json()["version"] == 1

    # the goods lines, with the version read
    saved = put_goods(op, created, goods_of(cert_type))
    assert saved["version"] == 2 and len(saved["goods"]) == 3
    assert [g["line_no"] for g in saved["goods"]] == [1, 2, 3]
    assert op.get(f"{V1}/certificates/{cid}").headers["ETag"] == '"2"'
    assert op.post(f"{V1}/certificates/{cid}/check").json() == []

    # 申报
    submitted = submit(op, cid)
    assert submitted["findings"] == [] and submitted["submitted_at"]
    queue = reviewer.get(f"{V1}/review/queue").json()
    assert [x["id"] for x in queue["items"]] == [cid] and queue["total"] == 1
    shown = reviewer.get(f"{V1}/review/certificates/{cid}")
    assert shown.status_code == 200 and shown.json()["findings"] == []
    # a submitted certificate can be neither edited nor deleted
    r = op.put(f"{V1}/certificates/{cid}", json=basic(cert_type), headers={"If-Match": "3"})
    assert r.status_code == 409 and "submitted" in r.json()["message_en"]

    # 审核通过: number and signing date
    approved = approve(reviewer, cid)
    number = approved["certificate_number"]
    assert number_pattern(cert_type).fullmatch(number), number
    assert number == f"{today():%y}{cert_type}{samples.ENTERPRISE_CODE}/00001"
    assert approved["signing_date"] == today().isoformat()
    assert approved["signing_place"] == "DALIAN, CHINA"
    assert approved["approved_at"]
    assert reviewer.get(f"{V1}/review/queue").json()["total"] == 0
    assert transitions(op, cid) == [
        (None, "draft"),
        ("draft", "submitted"),
        ("submitted", "approved"),
    ]
    latest = receipts(op, cid)[0]
    assert latest["document_number"] == number and latest["actor"] == "dl_reviewer"
    # approving twice is refused
    r = reviewer.post(f"{V1}/review/certificates/{cid}/approve")
    assert r.status_code == 409 and "approved" in r.json()["message_en"]

    if cert_type == "E":
        # ACFTA certificates are corrected on the original, never reissued (CO-REISSUE-002)
        r = op.post(f"{V1}/certificates/{cid}/amend-reissue")
        assert r.status_code == 409 and "CO-REISSUE-002" in r.json()["message_en"]
        r = op.post(f"{V1}/certificates/{cid}/void", json={"reason": "wrong consignee"})
        assert r.status_code == 200, r.text
        voided = r.json()
        assert voided["status"] == "void" and voided["void_reason"] == "wrong consignee"
        last = receipts(op, cid)[0]
        assert (last["from_status"], last["to_status"]) == ("approved", "void")
        assert last["reason"] == "wrong consignee"
    else:
        # 改证重发: a new draft citing the original; only one at a time
        r = op.post(f"{V1}/certificates/{cid}/amend-reissue")
        assert r.status_code == 201, r.text
        reissue = r.json()
        rid = reissue["id"]
        assert reissue["status"] == "draft" and reissue["category"] == "amend_reissue"
        assert reissue["original_certificate_number"] == number
        assert reissue["original_id"] == cid
        assert reissue["certificate_number"] is None and reissue["id"] != cid
        assert len(reissue["goods"]) == 3
        assert op.post(f"{V1}/certificates/{cid}/amend-reissue").status_code == 409
        assert op.get(f"{V1}/certificates/{cid}").json()["status"] == "approved"

        submit(op, rid)
        reissued = approve(reviewer, rid)
        new_number = reissued["certificate_number"]
        assert new_number == f"{today():%y}{cert_type}{samples.ENTERPRISE_CODE}/00002"
        assert reissued["original_certificate_number"] == number
        original = op.get(f"{V1}/certificates/{cid}").json()
        assert original["status"] == "void"
        assert new_number in original["void_reason"]
        last = receipts(op, cid)[0]
        assert (last["from_status"], last["to_status"]) == ("approved", "void")
        assert new_number in last["reason"] and last["actor"] == "dl_reviewer"
        # the void original can be neither reissued nor voided again
        assert op.post(f"{V1}/certificates/{cid}/amend-reissue").status_code == 409
        r = op.post(f"{V1}/certificates/{cid}/void", json={"reason": "again"})
        assert r.status_code == 409 and "void" in r.json()["message_en"]

        # 作废 with a reason
        r = op.post(f"{V1}/certificates/{rid}/void", json={"reason": "shipment cancelled"})
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "void" and r.json()["void_reason"] == "shipment cancelled"
        last = receipts(op, rid)[0]
        assert (last["from_status"], last["to_status"], last["reason"]) == (
            "approved",
            "void",
            "shipment cancelled",
        )
        assert last["document_number"] == new_number and last["actor"] == "hx_operator"

    # 复制: a new draft with the same basic info and goods, nothing of the original's state
    r = op.post(f"{V1}/certificates/{cid}/copy")
    assert r.status_code == 201, r.text
    copied = r.json()
    assert copied["status"] == "draft" and copied["category"] == "new"
    assert copied["certificate_number"] is None and copied["submitted_at"] is None
    assert copied["internal_number"] != created["internal_number"]
    assert copied["invoice_number"] == created["invoice_number"]
    assert [g["hs_code"] for g in copied["goods"]] == [g["hs_code"] for g in saved["goods"]]
    assert transitions(op, copied["id"]) == [(None, "draft")]

    # 删除: drafts only, with the version read
    r = op.delete(f"{V1}/certificates/{copied['id']}", headers={"If-Match": "1"})
    assert r.status_code == 204
    assert op.get(f"{V1}/certificates/{copied['id']}").status_code == 404
    assert op.get(f"{V1}/certificates/{copied['id']}/receipts").status_code == 404
    r = op.delete(f"{V1}/certificates/{cid}", headers={"If-Match": "99"})
    assert r.status_code == 409
    original = op.get(f"{V1}/certificates/{cid}")
    r = op.delete(f"{V1}/certificates/{cid}", headers={"If-Match": original.headers["ETag"]})
    assert r.status_code == 409 and "void" in r.json()["message_en"]


def test_deleting_a_submitted_certificate_is_409_naming_the_status(api) -> None:
    op = api.as_("hx_operator")
    cert = draft(op, "K")
    submitted = submit(op, cert["id"])
    r = op.delete(
        f"{V1}/certificates/{cert['id']}", headers={"If-Match": f'"{submitted["version"]}"'}
    )
    assert r.status_code == 409, r.text
    body = r.json()
    assert "`submitted`" in body["message_en"] and "`submitted`" in body["message_zh"]
    assert op.get(f"{V1}/certificates/{cert['id']}").json()["status"] == "submitted"
    # nor can a draft be voided, or a draft reissued
    other = draft(op, "C", goods=False)
    r = op.post(f"{V1}/certificates/{other['id']}/void", json={"reason": "x"})
    assert r.status_code == 409 and "`draft`" in r.json()["message_en"]
    r = op.post(f"{V1}/certificates/{other['id']}/amend-reissue")
    assert r.status_code == 409 and "`draft`" in r.json()["message_en"]


def test_void_needs_a_reason(api) -> None:
    op, reviewer = api.as_("hx_operator"), api.as_("dl_reviewer")
    cert = draft(op, "A")
    submit(op, cert["id"])
    approve(reviewer, cert["id"])
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        r = op.post(f"{V1}/certificates/{cert['id']}/void", json=body)
        assert r.status_code == 422, (body, r.text)
        assert [e["field"] for e in r.json()["errors"]] == ["reason"]
    assert op.get(f"{V1}/certificates/{cert['id']}").json()["status"] == "approved"


def test_rule_errors_return_the_submission_with_findings(api) -> None:
    op, reviewer = api.as_("hx_operator"), api.as_("dl_reviewer")
    cert = draft(op, "C", goods=False)
    goods = goods_of("C")
    goods[1]["description"] = "PARTS"
    cert = put_goods(op, cert, goods)
    # the pre-check says what the review will say
    precheck = op.post(f"{V1}/certificates/{cert['id']}/check").json()
    assert precheck and all(f["message_zh"] and f["message_en"] for f in precheck)

    back = submit(op, cert["id"], "returned")
    errors = [f for f in back["findings"] if f["severity"] == "error"]
    assert any(
        f["code"] == "CO-GOODS-004" and "description" in f["field"] and "PARTS" in f["message_en"]
        for f in errors
    ), back["findings"]
    assert {f["code"] for f in back["findings"]} == {f["code"] for f in precheck}
    assert reviewer.get(f"{V1}/review/queue").json()["total"] == 0

    trail = receipts(op, cert["id"])
    assert [(x["from_status"], x["to_status"]) for x in reversed(trail)] == [
        (None, "draft"),
        ("draft", "submitted"),
        ("submitted", "returned"),
    ]
    assert trail[0]["actor"] == SYSTEM and trail[0]["findings"] == back["findings"]
    assert trail[1]["actor"] == "hx_operator"

    # fix it on the returned certificate and submit again
    fixed = put_goods(op, back, goods_of("C"))
    assert fixed["status"] == "returned"
    r = op.put(
        f"{V1}/certificates/{cert['id']}",
        json=basic("C", remarks="CORRECTED DESCRIPTION"),
        headers={"If-Match": f'"{fixed["version"]}"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["remarks"] == "CORRECTED DESCRIPTION" and len(r.json()["goods"]) == 3
    assert op.post(f"{V1}/certificates/{cert['id']}/check").json() == []
    again = submit(op, cert["id"])
    assert again["findings"] == []
    approved = approve(reviewer, cert["id"])
    assert approved["certificate_number"].endswith("/00001")
    assert transitions(op, cert["id"])[-2:] == [
        ("returned", "submitted"),
        ("submitted", "approved"),
    ]


def test_a_reviewer_returns_with_a_reason(api) -> None:
    op, reviewer = api.as_("hx_operator"), api.as_("dl_reviewer")
    cert = draft(op, "N")
    submit(op, cert["id"])
    r = reviewer.post(f"{V1}/review/certificates/{cert['id']}/return", json={})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    reason = "box 7: state the number of packages in words / 第7栏请用英文大写注明包装件数"
    r = reviewer.post(f"{V1}/review/certificates/{cert['id']}/return", json={"reason": reason})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "returned" and r.json()["certificate_number"] is None
    last = receipts(op, cert["id"])[0]
    assert (last["from_status"], last["to_status"]) == ("submitted", "returned")
    assert last["reason"] == reason and last["actor"] == "dl_reviewer"
    # returning again, or approving a returned one, is not allowed
    r = reviewer.post(f"{V1}/review/certificates/{cert['id']}/return", json={"reason": reason})
    assert r.status_code == 409
    assert reviewer.post(f"{V1}/review/certificates/{cert['id']}/approve").status_code == 409
    # the enterprise edits and resubmits; the reviewer approves
    current = op.get(f"{V1}/certificates/{cert['id']}").json()
    goods = goods_of("N")
    goods[0]["marks"] = "HX-N\nNO.1-10\nMADE IN CHINA\nIN WORDS: TEN CARTONS"
    put_goods(op, current, goods)
    submit(op, cert["id"])
    approved = approve(reviewer, cert["id"])
    assert approved["certificate_number"] == f"{today():%y}N{samples.ENTERPRISE_CODE}/00001"
    # the enterprise-wide receipt list has them all, newest first
    all_receipts = op.get(f"{V1}/receipts", params={"kind": "certificate"}).json()
    assert all_receipts["total"] == 5
    assert all_receipts["items"][0]["to_status"] == "approved"


def test_serials_count_per_type(api) -> None:
    op, reviewer = api.as_("hx_operator"), api.as_("dl_reviewer")
    numbers = []
    for cert_type, invoice in (("C", "S-1"), ("K", "S-2"), ("C", "S-3"), ("C", "S-4")):
        cert = draft(op, cert_type, invoice_number=invoice)
        submit(op, cert["id"])
        numbers.append(approve(reviewer, cert["id"])["certificate_number"])
    yy, ent = f"{today():%y}", samples.ENTERPRISE_CODE
    assert numbers == [
        f"{yy}C{ent}/00001",
        f"{yy}K{ent}/00001",
        f"{yy}C{ent}/00002",
        f"{yy}C{ent}/00003",
    ]


def test_the_automatic_policy_approves_a_clean_submission_at_once(api) -> None:
    ln, reviewer = api.as_("ln_operator"), api.as_("dl_reviewer")
    r = ln.post(f"{V1}/certificates", json=ln_basic())
    assert r.status_code == 201, r.text
    cert = put_goods(ln, r.json(), goods_of("C"))
    assert cert["enterprise_code"] == LN_CODE
    assert ln.post(f"{V1}/certificates/{cert['id']}/check").json() == []
    approved = submit(ln, cert["id"], "approved")
    assert approved["certificate_number"] == f"{today():%y}C{LN_CODE}/00001"
    assert approved["signing_date"] == today().isoformat()
    trail = receipts(ln, cert["id"])
    assert [(x["from_status"], x["to_status"], x["actor"]) for x in reversed(trail)] == [
        (None, "draft", "ln_operator"),
        ("draft", "submitted", "ln_operator"),
        ("submitted", "approved", SYSTEM),
    ]
    assert reviewer.get(f"{V1}/review/queue").json()["total"] == 0

    # with an error it is returned, not approved
    r = ln.post(f"{V1}/certificates", json=ln_basic(invoice_number="LN-2", hand_signer="王丹"))
    bad = put_goods(ln, r.json(), goods_of("C"))
    back = submit(ln, bad["id"], "returned")
    assert {f["field"] for f in back["findings"]} >= {"hand_signer"}
    # a preferential certificate of ln has no approved product filings behind it
    r = ln.post(
        f"{V1}/certificates",
        json={**basic("K"), "exporter": ln_basic()["exporter"], "hand_signer": "赵云"},
    )
    pref = put_goods(ln, r.json(), goods_of("K"))
    back = submit(ln, pref["id"], "returned")
    assert any(
        f["severity"] == "error" and f["field"].startswith("goods") for f in back["findings"]
    )


def test_editing_basic_info_keeps_goods_and_needs_the_version(api) -> None:
    op = api.as_("hx_operator")
    cert = draft(op, "X")
    body = basic("X", invoice_number="HX-EDITED-1", contract_number="C-2")
    r = op.put(f"{V1}/certificates/{cert['id']}", json=body, headers={"If-Match": "2"})
    assert r.status_code == 200, r.text
    edited = r.json()
    assert edited["invoice_number"] == "HX-EDITED-1" and edited["version"] == 3
    assert edited["goods"] == cert["goods"]
    assert edited["internal_number"] == cert["internal_number"]
    assert edited["status"] == "draft" and edited["enterprise_code"] == samples.ENTERPRISE_CODE
    # what the service owns cannot be sent
    for owned in ("status", "certificate_number", "enterprise_code", "id", "version"):
        r = op.put(
            f"{V1}/certificates/{cert['id']}",
            json={**body, owned: "approved" if owned == "status" else "1"},
            headers={"If-Match": "3"},
        )
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == owned, r.text
    assert op.get(f"{V1}/certificates/{cert['id']}").json()["version"] == 3


# --------------------------------------------------------------------------- queries


@pytest.fixture
def listed(api, db_path) -> dict[str, Any]:
    """Six certificates of hx in every state, with known dates and FOB values."""
    op, reviewer = api.as_("hx_operator"), api.as_("dl_reviewer")
    made: dict[str, dict[str, Any]] = {}
    made["draft_c"] = draft(op, "C", goods=False, invoice_number="INV-A-001", fob_usd="9")
    made["submitted_c"] = draft(op, "C", invoice_number="INV-A-002", hand_signer="李明", lines=1)
    submit(op, made["submitted_c"]["id"])
    made["approved_e"] = draft(op, "E", invoice_number="INV-B-003", lines=2)
    submit(op, made["approved_e"]["id"])
    approve(reviewer, made["approved_e"]["id"])
    made["draft_k"] = draft(
        op, "K", goods=False, invoice_number="INV-B-004", hand_signer="李明", fob_usd="1000.5"
    )
    made["void_a"] = draft(op, "A", invoice_number="XYZ-005")
    submit(op, made["void_a"]["id"])
    approve(reviewer, made["void_a"]["id"])
    r = op.post(f"{V1}/certificates/{made['void_a']['id']}/void", json={"reason": "cancelled"})
    assert r.status_code == 200
    made["returned_c"] = draft(op, "C", goods=False, invoice_number="XYZ-006", fob_usd="120")
    goods = goods_of("C", lines=1)
    goods[0]["description"] = "PARTS"
    put_goods(op, made["returned_c"], goods)
    submit(op, made["returned_c"]["id"], "returned")

    created = {
        "draft_c": "2025-01-10T08:00:00.000000+00:00",
        "submitted_c": "2025-02-15T15:59:59.999999+00:00",  # China: 02-15 23:59:59.999999
        "approved_e": "2025-02-15T16:00:00.000000+00:00",  # China: 02-16 00:00
        "draft_k": "2025-03-01T12:00:00.000000+00:00",
        "void_a": "2025-03-31T12:00:00.000000+00:00",
        "returned_c": "2025-04-02T12:00:00.000000+00:00",
    }
    submitted = {
        "submitted_c": "2025-02-20T09:00:00.000000+00:00",
        "approved_e": "2025-02-28T15:00:00.000000+00:00",  # China: 02-28 23:00
        "void_a": "2025-04-01T00:00:00.000000+00:00",
        "returned_c": "2025-04-03T10:00:00.000000+00:00",
    }
    store.run(
        db_path,
        *[
            ("UPDATE certificates SET created_at = ? WHERE id = ?", (at, made[name]["id"]))
            for name, at in created.items()
        ],
        *[
            ("UPDATE certificates SET submitted_at = ? WHERE id = ?", (at, made[name]["id"]))
            for name, at in submitted.items()
        ],
    )
    ids = {name: cert["id"] for name, cert in made.items()}
    return {"op": op, "ids": ids, "names": {v: k for k, v in ids.items()}}


def names(listed, **params: Any) -> set[str]:
    r = listed["op"].get(f"{V1}/certificates", params={"page_size": 500, **params})
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["total"] == len(page["items"])
    return {listed["names"][x["id"]] for x in page["items"]}


def test_views_and_filters(listed) -> None:
    everything = set(listed["ids"])
    assert names(listed) == everything
    assert names(listed, view="general") == {"draft_c", "submitted_c", "returned_c"}
    assert names(listed, view="preferential") == {"approved_e", "draft_k"}
    assert names(listed, view="void") == {"void_a"}

    assert names(listed, invoice_number="INV-A") == {"draft_c", "submitted_c"}
    assert names(listed, invoice_number="B-00") == {"approved_e", "draft_k"}
    assert names(listed, invoice_number="006") == {"returned_c"}
    assert names(listed, invoice_number="INV-B-004") == {"draft_k"}
    assert names(listed, invoice_number="A_0") == set()  # `_` is a character, not a wildcard
    assert names(listed, invoice_number="%") == set()
    assert names(listed, invoice_number="\\") == set()
    assert names(listed, invoice_number="INV-A\\") == set()
    assert names(listed, invoice_number="NOPE") == set()

    assert names(listed, cert_type="C") == {"draft_c", "submitted_c", "returned_c"}
    assert names(listed, cert_type="E") == {"approved_e"}
    assert names(listed, cert_type="HM") == set()
    assert names(listed, status="draft") == {"draft_c", "draft_k"}
    assert names(listed, status="submitted") == {"submitted_c"}
    assert names(listed, status="approved") == {"approved_e"}
    assert names(listed, status="returned") == {"returned_c"}
    assert names(listed, status="void") == {"void_a"}
    assert names(listed, hand_signer="李明") == {"submitted_c", "draft_k"}
    assert names(listed, hand_signer="王丹") == everything - {"submitted_c", "draft_k"}

    # date ranges include both ends, by China's calendar day
    assert names(listed, created_from="2025-02-15", created_to="2025-02-15") == {"submitted_c"}
    assert names(listed, created_from="2025-02-16", created_to="2025-03-31") == {
        "approved_e",
        "draft_k",
        "void_a",
    }
    assert names(listed, created_to="2025-01-10") == {"draft_c"}
    assert names(listed, created_from="2025-04-01") == {"returned_c"}
    assert names(listed, submitted_from="2025-02-20", submitted_to="2025-02-28") == {
        "submitted_c",
        "approved_e",
    }
    assert names(listed, submitted_from="2025-04-01") == {"void_a", "returned_c"}
    assert names(listed, submitted_to="2025-02-19") == set()

    # filters combine
    assert names(listed, view="general", hand_signer="王丹") == {"draft_c", "returned_c"}
    assert names(listed, cert_type="C", created_from="2025-02-01", status="submitted") == {
        "submitted_c"
    }


def test_summary_rows_link_to_their_certificates(listed) -> None:
    op = listed["op"]
    rows = op.get(f"{V1}/certificates", params={"view": "preferential"}).json()["items"]
    for row in rows:
        full = op.get(f"{V1}/certificates/{row['id']}").json()
        for key in ("cert_type", "status", "invoice_number", "hand_signer", "internal_number"):
            assert row[key] == full[key], key
        assert row["cert_type_name"]
    approved = next(r for r in rows if r["status"] == "approved")
    assert approved["certificate_number"] and approved["approved_at"]


def test_paging(listed) -> None:
    op = listed["op"]
    seen = []
    for page in (1, 2, 3):
        r = op.get(f"{V1}/certificates", params={"page": page, "page_size": 2, "sort": "id"})
        body = r.json()
        assert body["total"] == 6 and body["page"] == page and body["page_size"] == 2
        assert len(body["items"]) == 2
        seen += [x["id"] for x in body["items"]]
    assert len(set(seen)) == 6
    past = op.get(f"{V1}/certificates", params={"page": 4, "page_size": 2}).json()
    assert past["items"] == [] and past["total"] == 6
    filtered = op.get(f"{V1}/certificates", params={"status": "draft", "page_size": 1}).json()
    assert filtered["total"] == 2 and len(filtered["items"]) == 1


BAD_QUERIES = [
    {"page": 0},
    {"page_size": 0},
    {"page_size": 501},
    {"view": "all"},
    {"cert_type": "Z"},
    {"status": "lost"},
    {"created_from": "2025-13-01"},
    {"submitted_to": "yesterday"},
    {"sort": "doc"},
    {"sort": "id; DROP TABLE certificates"},
    {"order": "sideways"},
]


def test_bad_query_parameters_are_422(listed) -> None:
    for params in BAD_QUERIES:
        r = listed["op"].get(f"{V1}/certificates", params=params)
        assert r.status_code == 422, r.text
        (name,) = params
        error = r.json()["errors"][0]
        assert error["field"] == f"query.{name}", error
        assert error["expected_en"] and error["expected_zh"]
    assert listed["op"].get(f"{V1}/certificates").json()["total"] == 6


def _key(field: str, value: Any) -> Any:
    if field == "fob_usd":
        return Decimal(value)
    if field.endswith("_at"):
        return datetime.fromisoformat(value)
    if field == "invoice_date":
        return date.fromisoformat(value)
    return value


def test_sorting_by_each_field_both_ways(listed) -> None:
    op = listed["op"]
    fields = sorted(SORTABLE)
    assert {"fob_usd", "created_at", "submitted_at", "invoice_number"} <= set(fields)
    for field in fields:
        for order in ("asc", "desc"):
            r = op.get(f"{V1}/certificates", params={"sort": field, "order": order})
            assert r.status_code == 200, r.text
            rows = r.json()["items"]
            assert len(rows) == 6
            present = [(_key(field, x[field]), x["id"]) for x in rows if x[field] is not None]
            assert present == sorted(present, reverse=order == "desc"), (field, order, present)
            # rows without the value come together, at one end
            blanks = [i for i, x in enumerate(rows) if x[field] is None]
            assert blanks in ([], list(range(len(blanks))), list(range(6 - len(blanks), 6)))
    # FOB is ordered as a number, not as text ("9" < "120" < "1000.5")
    rows = op.get(f"{V1}/certificates", params={"sort": "fob_usd", "order": "asc"}).json()["items"]
    fobs = [Decimal(x["fob_usd"]) for x in rows if x["fob_usd"] is not None]
    assert fobs[:3] == [Decimal("9"), Decimal("120"), Decimal("1000.5")]
    default = op.get(f"{V1}/certificates").json()["items"]
    assert default[0]["id"] == listed["ids"]["returned_c"]  # newest first
