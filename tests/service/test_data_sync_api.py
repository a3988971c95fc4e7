"""Data sync (数据同步, SPEC §8): filings the authority holds are imported once, the
registration and hand-signers land in the enterprise's profile (a cancelled hand-signer can
no longer submit), and every run is a history row."""

from __future__ import annotations

from datetime import datetime

from coo_lab import samples
from coo_lab.domain.certificate import NOT_BASIC_INFO
from coo_lab.domain.filing import parse_filing_number

from . import store
from .test_filings_api import FRAMES, V1, _desk_line, _k_certificate, desk, trail

HX = samples.ENTERPRISE_CODE
HELD = f"{V1}/registry/enterprises/{HX}/product-filings"
HX_SIGNERS = [h.model_dump(mode="json") for h in samples.ENTERPRISE.hand_signers]


def counter_filing(reviewer, *areas: str, **changes) -> dict:
    r = reviewer.post(HELD, json=desk(*areas, **changes))
    assert r.status_code == 201, r.text
    return r.json()


def run(client, kind: str, status: int = 201) -> dict:
    r = client.post(f"{V1}/data-sync/{kind}")
    assert r.status_code == status, r.text
    return r.json()


def test_sync_product_filings_imports_what_the_authority_approved_once(api) -> None:
    op, reviewer, manager = api.as_("hx_operator"), api.as_("dl_reviewer"), api.as_("hx_manager")
    held = counter_filing(reviewer, "K", "E")
    assert [(a["status"], a["criterion"]) for a in held["areas"]] == [
        ("approved", "PSR"),
        ("approved", "CTH"),
    ]
    numbers = [a["filing_number"] for a in held["areas"]]
    assert all(parse_filing_number(n).enterprise_code == HX for n in numbers)
    assert [h["id"] for h in reviewer.get(HELD).json()] == [held["id"]]
    assert op.get(f"{V1}/filing-areas", params={"hs_code": "940310"}).json()["total"] == 0

    first = run(op, "product-filings")
    assert (first["sync_type"], first["status"], first["count"]) == (
        "product_filings",
        "completed",
        1,
    )
    assert first["requested_by"] == "hx_operator" and first["sync_type_zh"] == "商品备案"
    assert "商品备案同步成功" in first["remark"] and "E 1, K 1" in first["remark"]
    imported = op.get(f"{V1}/product-filings", params={"hs_code": "940310"}).json()["items"]
    assert len(imported) == 1
    row = imported[0]
    assert (row["status"], row["source"]) == ("approved", "authority")
    assert [a["filing_number"] for a in row["areas"]] == numbers
    assert [s[1:3] for s in trail(op, row["id"])] == [(None, "approved"), (None, "approved")]
    usable = op.get(f"{V1}/filing-areas", params={"hs_code": "940310"}).json()
    assert {(x["agreement"], x["filing_number"]) for x in usable["items"]} == set(
        zip(("K", "E"), numbers, strict=True)
    )
    # the imported area backs a goods line like one filed online
    cert = _k_certificate(op, [_desk_line(numbers[0])], "HX-SYNC-1")
    assert cert["goods"][0]["origin_criterion"] == "PSR"
    assert op.post(f"{V1}/certificates/{cert['id']}/submit").json()["findings"] == []

    again = run(op, "product-filings")
    assert again["count"] == 0 and "0 imported" in again["remark"]
    assert op.get(f"{V1}/product-filings", params={"hs_code": "940310"}).json()["total"] == 1
    # an imported filing is approved: it cannot be edited or deleted, only copied
    r = op.delete(f"{V1}/product-filings/{row['id']}", headers={"If-Match": "1"})
    assert r.status_code == 409

    # the history: newest first, for readers too; only writers run a sync
    history = manager.get(f"{V1}/data-sync/runs").json()
    assert [(h["id"], h["count"]) for h in history["items"]] == [
        (again["id"], 0),
        (first["id"], 1),
    ]
    for h in history["items"]:
        assert h["status_zh"] == "同步完成"
        assert datetime.fromisoformat(h["updated_at"]) >= datetime.fromisoformat(h["requested_at"])
    assert manager.post(f"{V1}/data-sync/product-filings").status_code == 403
    assert api.as_("ln_operator").get(f"{V1}/data-sync/runs").json()["total"] == 0
    assert run(api.as_("ln_operator"), "product-filings")["count"] == 0  # none held for ln


def test_the_counter_records_only_what_qualifies_for_its_own_enterprises(api) -> None:
    reviewer, sy = api.as_("dl_reviewer"), api.as_("sy_reviewer")
    r = reviewer.post(HELD, json=desk("K", "E", materials=FRAMES))
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["areas.0.agreement", "areas.1.agreement"]
    assert "does not qualify under K" in r.json()["errors"][0]["expected_en"]
    assert sy.post(HELD, json=desk("K")).status_code == 404  # registered with Dalian
    assert sy.get(HELD).status_code == 404
    assert reviewer.post(HELD, json=desk("H", "K")).status_code == 422
    assert reviewer.get(HELD).json() == []
    assert api.as_("hx_operator").post(HELD, json=desk("K")).status_code == 403


def test_numbers_of_the_counter_and_the_online_review_share_one_series(api) -> None:
    op, reviewer = api.as_("hx_operator"), api.as_("dl_reviewer")
    at_counter = counter_filing(reviewer, "K")["areas"][0]["filing_number"]
    online = op.post(f"{V1}/product-filings", json=desk("A")).json()
    op.post(f"{V1}/product-filings/{online['id']}/submit")
    r = reviewer.post(f"{V1}/review/filings/{online['id']}/areas/A/approve")
    online_number = r.json()["areas"][0]["filing_number"]
    assert parse_filing_number(online_number).serial == parse_filing_number(at_counter).serial + 1


def test_sync_enterprise_info_fills_the_profile_and_a_cancelled_signer_stops(api) -> None:
    op, reviewer = api.as_("hx_operator"), api.as_("dl_reviewer")
    before = op.get(f"{V1}/enterprise-profile").json()
    assert before["synced"] is False and before["hand_signers"] == []
    assert before["enterprise_code"] == HX

    first = run(op, "enterprise-info")
    assert (first["sync_type"], first["status"], first["count"]) == (
        "enterprise_info",
        "completed",
        1,
    )
    assert first["remark"].startswith("企业备案信息同步成功")
    profile = op.get(f"{V1}/enterprise-profile").json()
    assert profile["synced"] and profile["version"] == 1
    assert profile["name_en"] == samples.ENTERPRISE.name_en
    assert [(h["name"], h["status"]) for h in profile["hand_signers"]] == [
        ("王丹", "active"),
        ("李明", "active"),
        ("张伟", "cancelled"),
    ]

    # the office cancels 王丹; until the enterprise syncs, the authority's rule still
    # returns a certificate signed by 王丹 (its registry is live)
    signers = [{**s, "status": "cancelled"} if s["name"] == "王丹" else s for s in HX_SIGNERS]
    r = reviewer.put(
        f"{V1}/registry/enterprises/{HX}",
        json={
            "name_en": samples.ENTERPRISE.name_en,
            "name_cn": samples.ENTERPRISE.name_cn,
            "hand_signers": signers,
        },
    )
    assert r.status_code == 200, r.text
    stale = _k_certificate(op, samples.certificate("K").model_dump(mode="json")["goods"], "HX-S-1")
    r = op.post(f"{V1}/certificates/{stale['id']}/submit")
    assert r.json()["status"] == "returned"
    assert "CO-PARTY-003" in {f["code"] for f in r.json()["findings"]}

    second = run(op, "enterprise-info")
    assert "王丹 now cancelled" in second["remark"] and "王丹变更为已注销" in second["remark"]
    assert "hand-signer of the user filing, 王丹, is not usable" in second["remark"]
    assert op.get(f"{V1}/enterprise-profile").json()["version"] == 2

    # now the Single Window refuses it before it leaves: 422, the certificate unchanged
    cert = _k_certificate(op, samples.certificate("K").model_dump(mode="json")["goods"], "HX-S-2")
    r = op.post(f"{V1}/certificates/{cert['id']}/submit")
    assert r.status_code == 422
    error = r.json()["errors"][0]
    assert (error["field"], error["value"], error["code"]) == (
        "hand_signer",
        "王丹",
        "hand_signer_unusable",
    )
    assert "active hand-signer of the enterprise (李明)" in error["expected_en"]
    assert "已注销" in error["expected_zh"]
    after = op.get(f"{V1}/certificates/{cert['id']}").json()
    assert (after["status"], after["version"]) == ("draft", cert["version"])
    assert len(op.get(f"{V1}/certificates/{cert['id']}/receipts").json()) == 1
    # an unknown name is refused the same way; an active one goes through
    for name, expected in (("无名", 422), ("李明", 200)):
        body = {k: v for k, v in after.items() if k not in SERVER_VIEW}
        r = op.put(
            f"{V1}/certificates/{cert['id']}",
            json={**body, "hand_signer": name},
            headers={"If-Match": str(op.get(f"{V1}/certificates/{cert['id']}").json()["version"])},
        )
        assert r.status_code == 200, r.text
        r = op.post(f"{V1}/certificates/{cert['id']}/submit")
        assert r.status_code == expected, r.text
    assert r.json()["status"] == "submitted" and r.json()["findings"] == []
    history = op.get(f"{V1}/data-sync/runs", params={"sync_type": "enterprise_info"}).json()
    assert [h["id"] for h in history["items"]] == [second["id"], first["id"]]


# what a certificate's view holds beyond its basic info
SERVER_VIEW = NOT_BASIC_INFO | {"findings", "print_count", "void_reason", "original_id"}


def test_a_run_the_authority_cannot_serve_is_a_failed_row(api, db_path) -> None:
    op = api.as_("hx_admin")
    store.run(  # the office struck the registration off
        db_path,
        (
            "DELETE FROM registry_signers WHERE enterprise_id IN "
            "(SELECT id FROM registry_enterprises WHERE enterprise_code = ?)",
            (HX,),
        ),
        ("DELETE FROM registry_enterprises WHERE enterprise_code = ?", (HX,)),
    )
    for kind in ("enterprise-info", "product-filings"):
        r = op.post(f"{V1}/data-sync/{kind}")
        assert r.status_code == 409, r.text
        assert f"no registration for enterprise {HX}" in r.json()["message_en"]
    history = op.get(f"{V1}/data-sync/runs").json()["items"]
    assert [(h["sync_type"], h["status"], h["count"]) for h in history] == [
        ("product_filings", "failed", 0),
        ("enterprise_info", "failed", 0),
    ]
    assert history[0]["status_zh"] == "同步失败" and "贸促会未登记企业" in history[0]["remark"]
    assert op.get(f"{V1}/enterprise-profile").json()["synced"] is False
