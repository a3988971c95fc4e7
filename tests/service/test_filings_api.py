"""Product filing (商品备案, SPEC §4) through the API: the lifecycle per area, the ECFA rule,
the origin engine on submit, the reviewer's per-area decisions and filing numbers, and the
goods lines of preferential certificates that draw on approved areas."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from decimal import Decimal
from typing import Any

from coo_lab import samples
from coo_lab.domain.filing import parse_filing_number
from coo_lab.server.clock import china_today
from coo_lab.server.db import Database
from coo_lab.server.migrations import MIGRATIONS

from .test_smoke import SERVER_OWNED

V1 = "/api/v1"
SYSTEM = "system (自动审核)"


def desk(*areas: str, **changes: Any) -> dict[str, Any]:
    """A steel office desk (HS 940310) that qualifies under every agreement."""
    body = {
        "hs_code": "940310",
        "name_en": "STEEL OFFICE DESKS, 1400 MM",
        "name_cn": "钢制办公桌",
        "process_description": "cutting, welding, powder coating, assembly",
        "manufacturer": "大连海兴制造有限公司，辽宁省大连市金州区金州路8号",
        "ex_works_unit_price": "72.00",
        "fob_unit_price": "80.00",
        "materials": [
            {
                "hs_code": "720916",
                "name": "cold-rolled steel sheet",
                "origin_country": "CHN",
                "value": "30.00",
                "originating": True,
            },
            {
                "hs_code": "830242",
                "name": "drawer slides",
                "origin_country": "DEU",
                "value": "6.00",
                "originating": False,
            },
        ],
        "areas": [{"agreement": a} for a in areas or ("K", "E")],
    }
    return {**body, **changes}


FRAMES = [  # imported desk frames: no change of heading, 75 % non-originating
    {
        "hs_code": "940399",
        "name": "desk frames",
        "origin_country": "VNM",
        "value": "60.00",
        "originating": False,
    }
]


def created(client, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post(f"{V1}/product-filings", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def submitted(client, filing: dict[str, Any], key: str | None = None) -> dict[str, Any]:
    headers = {"Idempotency-Key": key} if key else {}
    r = client.post(f"{V1}/product-filings/{filing['id']}/submit", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def area(filing: dict[str, Any], agreement: str) -> dict[str, Any]:
    return next(a for a in filing["areas"] if a["agreement"] == agreement)


def decide(reviewer, filing_id: int, agreement: str, action: str, reason: str = "") -> dict:
    body = {"reason": reason} if action == "return" else None
    r = reviewer.post(
        f"{V1}/review/filings/{filing_id}/areas/{agreement}/{action}",
        **({"json": body} if body else {}),
    )
    assert r.status_code == 200, r.text
    return r.json()


def trail(client, filing_id: int) -> list[tuple]:
    r = client.get(f"{V1}/product-filings/{filing_id}/receipts")
    assert r.status_code == 200, r.text
    return [
        (x["document_number"], x["from_status"], x["to_status"], x["actor"])
        for x in reversed(r.json())
    ]


def test_a_filing_from_draft_to_approved_area_by_area(api) -> None:
    op, reviewer = api.as_("hx_operator"), api.as_("dl_reviewer")
    draft = created(op, desk("K", "E"))
    assert draft["status"] == "draft" and draft["source"] == "enterprise"
    assert [(a["agreement"], a["status"], a["filing_number"]) for a in draft["areas"]] == [
        ("K", "draft", None),
        ("E", "draft", None),
    ]
    fid = draft["id"]
    # the reviewer never sees a filing that was not submitted
    assert reviewer.get(f"{V1}/review/filings/{fid}").status_code == 404

    # edit with the version read; a stale one is refused
    r = op.get(f"{V1}/product-filings/{fid}")
    assert r.headers["ETag"] == '"1"'
    changed = desk("K", "E", "A", name_en="STEEL OFFICE DESKS, 1600 MM")
    r = op.put(f"{V1}/product-filings/{fid}", json=changed, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2 and [a["agreement"] for a in r.json()["areas"]] == [
        "K",
        "E",
        "A",
    ]
    r = op.put(f"{V1}/product-filings/{fid}", json=desk(), headers={"If-Match": '"1"'})
    assert r.status_code == 409 and "changed since you read it" in r.json()["message_en"]

    # submit (申报): the engine supports each area; a retried submit answers once
    sent = submitted(op, {"id": fid}, key="desk-1")
    again = submitted(op, {"id": fid}, key="desk-1")
    assert again == sent
    assert sent["status"] == "submitted"
    assert {a["agreement"]: (a["status"], a["criterion"]) for a in sent["areas"]} == {
        "K": ("submitted", "PSR"),
        "E": ("submitted", "CTH"),
        "A": ("submitted", "PSR"),
    }
    r = op.post(f"{V1}/product-filings/{fid}/submit")
    assert r.status_code == 409 and "nothing to submit" in r.json()["message_en"]
    r = op.put(f"{V1}/product-filings/{fid}", json=desk(), headers={"If-Match": '"3"'})
    assert r.status_code == 409 and "cannot be edited" in r.json()["message_en"]
    r = op.delete(f"{V1}/product-filings/{fid}", headers={"If-Match": '"3"'})
    assert r.status_code == 409

    # the reviewer's queue and view: the manufacturer and the engine's findings per area
    queue = reviewer.get(f"{V1}/review/filing-queue").json()
    assert [(x["id"], x["enterprise_code"]) for x in queue["items"]] == [
        (fid, samples.ENTERPRISE_CODE)
    ]
    shown = reviewer.get(f"{V1}/review/filings/{fid}").json()
    assert shown["manufacturer"].startswith("大连海兴制造")
    verdicts = {a["agreement"]: a for a in shown["assessments"]}
    assert verdicts["E"]["qualifies"] and verdicts["E"]["criterion"] == "CTH"
    assert {t["name"] for t in verdicts["E"]["tests"]} >= {"VNM", "CTH"}
    assert verdicts["E"]["rvc_pct"] == "92.50"

    # each area decided on its own; approval numbers it from the enterprise's series
    after_k = decide(reviewer, fid, "K", "approve")
    assert after_k["status"] == "submitted"  # E and A still wait
    k_number = area(after_k, "K")["filing_number"]
    parsed = parse_filing_number(k_number)
    assert parsed is not None and parsed.agreement == "K"
    assert (parsed.year, parsed.enterprise_code) == (china_today().year, samples.ENTERPRISE_CODE)
    r = reviewer.post(f"{V1}/review/filings/{fid}/areas/K/approve")
    assert r.status_code == 409  # approved is final
    after_e = decide(reviewer, fid, "E", "return", "please add the slides' supplier invoice")
    assert area(after_e, "E")["review_remark"] == "please add the slides' supplier invoice"
    after_a = decide(reviewer, fid, "A", "approve")
    assert after_a["status"] == "returned"  # something to fix, though K and A are approved
    a_number = area(after_a, "A")["filing_number"]
    assert parse_filing_number(a_number).serial == parsed.serial + 1  # one series, no gaps
    assert reviewer.get(f"{V1}/review/filing-queue").json()["total"] == 0

    # the returned area is submitted again and approved
    again = submitted(op, {"id": fid})
    assert [(a["agreement"], a["status"]) for a in again["areas"]] == [
        ("K", "approved"),
        ("E", "submitted"),
        ("A", "approved"),
    ]
    final = decide(reviewer, fid, "E", "approve")
    assert final["status"] == "approved"
    numbers = [a["filing_number"] for a in final["areas"]]
    assert len(set(numbers)) == 3 and numbers[0] == k_number and numbers[2] == a_number

    # every status change is a receipt naming the area
    e_steps = [s for s in trail(op, fid) if s[0].endswith("-E") or s[0] == numbers[1]]
    assert [(s[1], s[2]) for s in e_steps] == [
        (None, "draft"),
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "approved"),
    ]
    assert e_steps[-1][0] == numbers[1] and e_steps[-1][3] == "dl_reviewer"

    # the authority's feed shows the filing once declared; the enterprise's shows all
    seen = reviewer.get(f"{V1}/changes", params={"after": 0, "limit": 1000}).json()["changes"]
    versions = [
        c["version"] for c in seen if c["entity"] == "product_filing" and c["entity_id"] == fid
    ]
    assert versions and min(versions) == 3  # not versions 1-2 (drafts)
    mine = op.get(f"{V1}/changes", params={"after": 0, "limit": 1000}).json()["changes"]
    assert [
        c["data"]["status"]
        for c in mine
        if c["entity_id"] == fid and c["entity"] == "product_filing"
    ][-1] == "approved"


def test_an_ecfa_product_is_filed_alone(api) -> None:
    op = api.as_("hx_operator")
    r = op.post(f"{V1}/product-filings", json=desk("H", "K"))
    assert r.status_code == 422
    error = r.json()["errors"][0]
    assert error["field"] == "areas"
    assert "ECFA (H) product must be filed alone" in error["expected_en"]
    assert "单独备案" in error["expected_zh"]
    alone = created(op, desk("H"))
    r = op.put(
        f"{V1}/product-filings/{alone['id']}",
        json=desk("H", "E"),
        headers={"If-Match": str(alone["version"])},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "areas"
    for bad, field in (
        ([{"agreement": "C"}], "areas"),
        ([{"agreement": "K"}, {"agreement": "K"}], "areas"),
        ([], "areas"),
    ):
        r = op.post(f"{V1}/product-filings", json={**desk(), "areas": bad})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, r.text
    assert submitted(op, alone)["areas"][0]["status"] == "submitted"


def test_bad_product_data_is_refused_naming_the_field(api, db_path) -> None:
    op = api.as_("hx_operator")
    r = op.post(f"{V1}/product-filings", json=desk(hs_code="990000"))
    assert r.status_code == 422
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("hs_code", "unknown_hs_code")]
    materials = desk()["materials"]
    materials[1] = {**materials[1], "origin_country": "XYZ"}
    r = op.post(f"{V1}/product-filings", json=desk(materials=materials))
    assert [e["field"] for e in r.json()["errors"]] == ["materials.1.origin_country"]
    r = op.post(f"{V1}/product-filings", json=desk(materials=[]))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "materials"
    # without a FOB price the engine cannot assess: submission refused, nothing changes
    draft = created(op, desk(fob_unit_price=None))
    r = op.post(f"{V1}/product-filings/{draft['id']}/submit")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "fob_unit_price"
    after = op.get(f"{V1}/product-filings/{draft['id']}").json()
    assert after == draft and len(trail(op, draft["id"])) == 2
    assert api.as_("hx_manager").post(f"{V1}/product-filings", json=desk()).status_code == 403


def test_an_area_the_product_does_not_qualify_for_is_returned_at_once(api) -> None:
    op, reviewer = api.as_("hx_operator"), api.as_("dl_reviewer")
    framed = created(op, desk("K", "B", materials=FRAMES + desk()["materials"][:1]))
    check = op.post(f"{V1}/product-filings/{framed['id']}/check").json()
    assert [(c["agreement"], c["qualifies"]) for c in check] == [("K", False), ("B", False)]
    sent = submitted(op, framed)
    assert sent["status"] == "returned"
    k = area(sent, "K")
    assert k["status"] == "returned" and k["criterion"] == ""
    assert "does not qualify under K" in k["review_remark"]
    assert "CTH" in k["review_remark"] and "不符合 K 协定原产地标准" in k["review_remark"]
    assert "55%" in area(sent, "B")["review_remark"]
    steps = trail(op, framed["id"])
    assert (f"PF{framed['id']}-K", "submitted", "returned", SYSTEM) in steps
    assert reviewer.get(f"{V1}/review/filing-queue").json()["total"] == 0
    # fixed (originating frames) and submitted again: now it waits for the reviewer
    fixed = desk("K", "B")
    r = op.put(
        f"{V1}/product-filings/{framed['id']}",
        json=fixed,
        headers={"If-Match": str(sent["version"])},
    )
    assert r.status_code == 200 and r.json()["status"] == "returned"
    again = submitted(op, framed)
    assert {a["agreement"]: a["criterion"] for a in again["areas"]} == {"K": "PSR", "B": '"B" 8%'}
    assert again["status"] == "submitted"


def test_copy_delete_and_query(api) -> None:
    op, ln = api.as_("hx_operator"), api.as_("ln_operator")
    first = created(op, desk("K"))
    submitted(op, first)
    copy = op.post(f"{V1}/product-filings/{first['id']}/copy")
    assert copy.status_code == 201
    copied = copy.json()
    assert copied["id"] != first["id"] and copied["status"] == "draft"
    assert [(a["agreement"], a["status"], a["criterion"]) for a in copied["areas"]] == [
        ("K", "draft", "")
    ]
    assert copied["materials"] == first["materials"]
    other = created(
        op, desk("E", hs_code="940320", name_en="STEEL FILING CABINETS", name_cn="钢制文件柜")
    )

    def found(**params: Any) -> list[int]:
        r = op.get(f"{V1}/product-filings", params=params)
        assert r.status_code == 200, r.text
        return [x["id"] for x in r.json()["items"]]

    seeded = len(samples.product_filings())
    assert len(found(page_size=500)) == seeded + 3
    assert set(found(hs_code="9403")) == {first["id"], copied["id"], other["id"]}
    assert found(hs_code="940320") == [other["id"]]
    assert set(found(name_en="office desk")) == {first["id"], copied["id"]}
    assert found(name_cn="文件柜") == [other["id"]]
    assert found(status="submitted") == [first["id"]]
    assert set(found(status="draft")) == {copied["id"], other["id"]}
    assert found(agreement="E", status="draft") == [other["id"]]
    today = china_today().isoformat()
    assert found(submitted_from=today) == [first["id"]]
    assert found(created_to="2000-01-01") == []
    assert found(hs_code="9403", sort="id", order="asc") == sorted(
        [first["id"], copied["id"], other["id"]]
    )
    row = op.get(f"{V1}/product-filings", params={"hs_code": "940320"}).json()["items"][0]
    assert row["areas"] == [
        {"agreement": "E", "status": "draft", "criterion": "", "filing_number": None}
    ]
    r = op.get(f"{V1}/product-filings", params={"hs_code": "94%"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "query.hs_code"
    # a draft can be deleted (with the version read), its receipts go with it
    r = op.delete(f"{V1}/product-filings/{copied['id']}")
    assert r.status_code == 409  # no If-Match
    r = op.delete(f"{V1}/product-filings/{copied['id']}", headers={"If-Match": '"1"'})
    assert r.status_code == 204
    assert op.get(f"{V1}/product-filings/{copied['id']}").status_code == 404
    assert op.get(f"{V1}/product-filings/{copied['id']}/receipts").status_code == 404
    # another enterprise finds none of it
    assert ln.get(f"{V1}/product-filings/{first['id']}").status_code == 404
    assert ln.get(f"{V1}/product-filings").json()["total"] == 0


def _k_certificate(op, goods: list[dict[str, Any]], invoice: str) -> dict[str, Any]:
    cert = samples.certificate("K", invoice_number=invoice)
    body = {**cert.model_dump(mode="json", exclude=SERVER_OWNED)}
    body["exporter"] = samples.EXPORTER.model_dump(mode="json")
    total = str(sum(Decimal(g["fob_usd"]) for g in goods))
    body.update(fob_usd=total, invoice_amount=total)
    r = op.post(f"{V1}/certificates", json=body)
    assert r.status_code == 201, r.text
    r = op.put(
        f"{V1}/certificates/{r.json()['id']}/goods",
        json={"goods": goods},
        headers={"If-Match": str(r.json()["version"])},
    )
    assert r.status_code == 200, r.text
    return r.json()


def _desk_line(number: str | None, criterion: str = "") -> dict[str, Any]:
    line = samples.certificate("K").model_dump(mode="json")["goods"][0]
    return {
        **line,
        "hs_code": "940310",
        "description": "STEEL OFFICE DESKS, 1400 MM***",
        "product_filing_number": number,
        "origin_criterion": criterion,
    }


def test_goods_lines_draw_on_approved_areas_only(api) -> None:
    op, reviewer = api.as_("hx_operator"), api.as_("dl_reviewer")
    filing = submitted(op, created(op, desk("K", "E")))
    # the picker offers approved areas only: the desk is not there yet
    usable = op.get(f"{V1}/filing-areas", params={"agreement": "K"}).json()
    assert usable["total"] > 0 and "940310" not in {x["hs_code"] for x in usable["items"]}
    # a certificate naming the submitted (not approved) desk: returned by the rules
    cert = _k_certificate(op, [_desk_line(None, "PSR")], "HX-DESK-1")
    r = op.post(f"{V1}/certificates/{cert['id']}/submit")
    assert r.json()["status"] == "returned"
    refused = [f for f in r.json()["findings"] if f["code"] == "CO-ORIGIN-001"]
    assert refused and refused[0]["field"] == "goods.0.product_filing_number"

    approved = decide(reviewer, filing["id"], "K", "approve")
    number = area(approved, "K")["filing_number"]
    usable = op.get(f"{V1}/filing-areas", params={"agreement": "K", "hs_code": "9403"}).json()
    assert usable["items"] == [
        {
            "filing_id": filing["id"],
            "filing_number": number,
            "agreement": "K",
            "hs_code": "940310",
            "name_en": "STEEL OFFICE DESKS, 1400 MM",
            "name_cn": "钢制办公桌",
            "criterion": "PSR",
            "reviewed_at": area(approved, "K")["reviewed_at"],
        }
    ]
    assert (
        op.get(f"{V1}/filing-areas", params={"agreement": "E", "hs_code": "9403"}).json()["total"]
        == 0
    )  # E still waits
    assert op.get(f"{V1}/filing-areas", params={"q": "办公桌"}).json()["total"] == 1

    # a line naming the approved number takes the filed criterion when blank
    cert = _k_certificate(op, [_desk_line(number)], "HX-DESK-2")
    assert cert["goods"][0]["origin_criterion"] == "PSR"
    r = op.post(f"{V1}/certificates/{cert['id']}/submit")
    assert r.json()["status"] == "submitted" and r.json()["findings"] == [], r.text
    # a criterion typed in is kept (and refused at submission when it is not the filed one)
    cert = _k_certificate(op, [_desk_line(number, "WO")], "HX-DESK-3")
    assert cert["goods"][0]["origin_criterion"] == "WO"
    r = op.post(f"{V1}/certificates/{cert['id']}/submit")
    assert {f["code"] for f in r.json()["findings"]} >= {"CO-ORIGIN-003"}
    # the K number for another product (HS 940320) fills nothing in
    line = {**_desk_line(number), "hs_code": "940320"}
    cert = _k_certificate(op, [line], "HX-DESK-4")
    assert cert["goods"][0]["origin_criterion"] == ""


def test_reviewers_see_only_their_office_s_filings(api) -> None:
    op, sy, dl = api.as_("hx_operator"), api.as_("sy_reviewer"), api.as_("dl_reviewer")
    filing = submitted(op, created(op, desk("K")))
    assert sy.get(f"{V1}/review/filing-queue").json()["total"] == 0
    assert sy.get(f"{V1}/review/filings/{filing['id']}").status_code == 404
    r = sy.post(f"{V1}/review/filings/{filing['id']}/areas/K/approve")
    assert r.status_code == 404
    assert dl.post(f"{V1}/review/filings/{filing['id']}/areas/E/approve").status_code == 404
    r = dl.post(f"{V1}/review/filings/{filing['id']}/areas/K/return", json={"reason": ""})
    assert r.status_code == 422
    assert op.get(f"{V1}/review/filing-queue").status_code == 403
    assert dl.get(f"{V1}/product-filings").status_code == 403


def test_filing_numbers_continue_past_every_number_given(api, db_path) -> None:
    """Numbers given outside the online review (the seed's, the counter's) are never given
    again: the series continues after the highest one."""
    op, reviewer = api.as_("hx_operator"), api.as_("dl_reviewer")
    seeded = [
        parse_filing_number(a.filing_number) for f in samples.product_filings() for a in f.areas
    ]
    year = china_today().year
    highest = max((n.serial for n in seeded if n.year == year), default=0)
    numbers = []
    for i in range(3):
        filing = submitted(op, created(op, desk("K", name_en=f"STEEL DESK MODEL {i}")))
        numbers.append(area(decide(reviewer, filing["id"], "K", "approve"), "K")["filing_number"])
    assert [parse_filing_number(n).serial for n in numbers] == [
        highest + 1,
        highest + 2,
        highest + 3,
    ]
    assert not {n for n in numbers} & {
        a.filing_number for f in samples.product_filings() for a in f.areas
    }


def test_the_reviewer_reads_a_filing_the_engine_cannot_assess(api) -> None:
    op, reviewer = api.as_("hx_operator"), api.as_("dl_reviewer")
    filing = submitted(op, created(op, desk("K")))
    back = decide(reviewer, filing["id"], "K", "return", "which steel grade?")
    r = op.put(
        f"{V1}/product-filings/{filing['id']}",
        json=desk("K", fob_unit_price=None),
        headers={"If-Match": str(back["version"])},
    )
    assert r.status_code == 200 and area(r.json(), "K")["review_remark"] == "which steel grade?"
    shown = reviewer.get(f"{V1}/review/filings/{filing['id']}").json()
    verdict = shown["assessments"][0]
    assert not verdict["qualifies"] and "fob_unit_price" in verdict["problem"]
    r = op.post(f"{V1}/product-filings/{filing['id']}/check")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "fob_unit_price"


def test_migration_4_indexes_the_areas_of_filings_stored_before(tmp_path) -> None:
    path = tmp_path / "before.sqlite"
    filing = samples.product_filings()[0]
    filing.id, filing.version = 1, 1
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        for version, statements in MIGRATIONS:
            if version > 2:
                break
            for sql in statements:
                conn.execute(sql)
            conn.execute("INSERT INTO schema_version VALUES (?)", (version,))
        conn.execute("INSERT INTO companies (id, name, created_at) VALUES (1, 'HX', '2025')")
        conn.execute(
            "INSERT INTO product_filings (id, company_id, hs_code, name_en, status, version, "
            "created_at, updated_at, doc) VALUES (1, 1, ?, ?, 'approved', 1, '2025', '2025', ?)",
            (filing.hs_code, filing.name_en, filing.model_dump_json()),
        )
        conn.commit()
    db = Database(path)
    with db.read() as tx:
        areas = tx.all(
            "SELECT filing_id, company_id, agreement, status, criterion, filing_number "
            "FROM filing_areas ORDER BY id"
        )
        assert tx.scalar("SELECT source FROM product_filings") == "enterprise"
    db.close()
    assert areas == [
        {
            "filing_id": 1,
            "company_id": 1,
            "agreement": a.agreement,
            "status": "approved",
            "criterion": a.criterion,
            "filing_number": a.filing_number,
        }
        for a in filing.areas
    ]
