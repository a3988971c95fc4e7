"""The change feed's paging and its three forms (JSON, NDJSON, TSV), and what a smart approval
leaves on the certificate."""

from __future__ import annotations

import json

import pytest

from coo_lab import samples
from coo_lab.server.feed import MAX_PAGE, record_change
from coo_lab.server.routes.feed import NDJSON, TSV, answer_form
from coo_lab.server.schemas import ChangePage

from .test_smoke import SERVER_OWNED

V1 = "/api/v1"


def _fill_feed(api, username: str, entries: int) -> None:
    """Feed entries written straight into the store (a clause each), in one transaction."""
    db = api.client.app.state.db
    with db.transaction() as tx:
        company = tx.scalar("SELECT company_id FROM users WHERE username = ?", (username,))
        for i in range(entries):
            clause = {"id": 900_000 + i, "kind": "special_clause", "code": f"SC{i:05d}"}
            record_change(tx, company, "base_record", 900_000 + i, "create", 1, clause)


def test_a_full_page_says_there_is_more(api) -> None:
    op = api.as_("hx_operator")
    total = len(op.get(f"{V1}/changes", params={"limit": MAX_PAGE}).json()["changes"])
    _fill_feed(api, "hx_operator", MAX_PAGE - total + 5)  # past one maximal page
    first = op.get(f"{V1}/changes", params={"limit": MAX_PAGE}).json()
    assert len(first["changes"]) == MAX_PAGE and first["has_more"] is True
    rest = op.get(f"{V1}/changes", params={"after": first["next_after"], "limit": MAX_PAGE})
    assert rest.json()["has_more"] is False and len(rest.json()["changes"]) == 5
    assert op.get(f"{V1}/changes", params={"limit": MAX_PAGE + 1}).status_code == 422


def test_ndjson_carries_the_same_changes_as_json(api) -> None:
    op = api.as_("hx_operator")
    created = op.post(
        f"{V1}/special-clauses", json={"code": "SCQ01", "text": '第三方发票 INVOICED BY "X"'}
    ).json()
    op.delete(f"{V1}/special-clauses/{created['id']}", headers={"If-Match": "1"})
    for after, limit in ((0, 3), (0, MAX_PAGE), (2, 4)):
        params = {"after": after, "limit": limit}
        as_json = op.get(f"{V1}/changes", params=params)
        as_ndjson = op.get(f"{V1}/changes", params=params, headers={"Accept": NDJSON})
        assert as_json.headers["content-type"] == "application/json"
        assert as_ndjson.headers["content-type"] == NDJSON
        page = ChangePage.model_validate_json(as_json.content)  # the documented schema
        body = as_json.json()
        assert body == page.model_dump(mode="json") | {"changes": body["changes"]}
        lines = as_ndjson.text.splitlines()
        assert as_ndjson.text.endswith("\n") or not lines
        assert [json.loads(line) for line in lines] == body["changes"]
        for answer in (as_json, as_ndjson):
            assert answer.headers["X-Next-After"] == str(body["next_after"])
            assert answer.headers["X-Has-More"] == str(body["has_more"]).lower()
    changes = op.get(f"{V1}/changes", params={"limit": MAX_PAGE}).json()["changes"]
    clause = [c for c in changes if (c["entity"], c["entity_id"]) == ("base_record", created["id"])]
    assert [c["op"] for c in clause] == ["create", "delete"]
    assert clause[0]["data"]["text"] == '第三方发票 INVOICED BY "X"' and clause[1]["data"] is None
    last = changes[-1]["seq"]
    empty = op.get(f"{V1}/changes", params={"after": last}, headers={"Accept": NDJSON})
    assert empty.content == b"" and empty.headers["X-Next-After"] == str(last)
    assert empty.headers["X-Has-More"] == "false"


def _tsv_change(line: str) -> dict:
    seq, entity, entity_id, op, version, at, data = line.split("\t")
    return {
        "seq": int(seq),
        "entity": entity,
        "entity_id": int(entity_id),
        "op": op,
        "version": int(version),
        "at": at,
        "data": json.loads(data),
    }


def test_tsv_carries_the_same_changes_as_json(api) -> None:
    op = api.as_("hx_operator")
    text = '第三方发票\tINVOICED BY "X"\nline two \\ end'  # a tab, a newline, a backslash
    created = op.post(f"{V1}/special-clauses", json={"code": "SCT01", "text": text}).json()
    op.delete(f"{V1}/special-clauses/{created['id']}", headers={"If-Match": "1"})
    for after, limit in ((0, 3), (0, MAX_PAGE), (2, 4)):
        params = {"after": after, "limit": limit}
        body = op.get(f"{V1}/changes", params=params).json()
        as_tsv = op.get(f"{V1}/changes", params=params, headers={"Accept": TSV})
        assert as_tsv.headers["content-type"].split(";")[0] == TSV
        assert as_tsv.text.endswith("\n") or not as_tsv.text
        assert [_tsv_change(line) for line in as_tsv.text.splitlines()] == body["changes"]
        assert as_tsv.headers["X-Next-After"] == str(body["next_after"])
        assert as_tsv.headers["X-Has-More"] == str(body["has_more"]).lower()
    lines = op.get(f"{V1}/changes", params={"limit": MAX_PAGE}, headers={"Accept": TSV}).text
    clause = [
        c
        for c in map(_tsv_change, lines.splitlines())
        if (c["entity"], c["entity_id"]) == ("base_record", created["id"])
    ]
    assert [c["op"] for c in clause] == ["create", "delete"]
    assert clause[0]["data"]["text"] == text and clause[1]["data"] is None


@pytest.mark.parametrize(
    ("accept", "form"),
    [
        (None, "application/json"),
        (TSV, TSV),
        (f"{TSV}, application/json;q=0.5", TSV),
        (f"application/json, {TSV};q=0.9", "application/json"),
        (f"{TSV};q=0", "application/json"),
        (f"{NDJSON}, {TSV}", NDJSON),
        (f"{NDJSON};q=0.5, {TSV}", TSV),
    ],
)
def test_the_feed_answers_in_the_form_the_accept_header_prefers(
    accept: str | None, form: str
) -> None:
    assert answer_form(accept) == form


@pytest.mark.parametrize(
    ("accept", "ndjson"),
    [
        (None, False),
        ("*/*", False),
        ("application/json", False),
        (NDJSON, True),
        (f"{NDJSON}, application/json;q=0.5", True),
        (f"application/json, {NDJSON};q=0.9", False),
        (f"{NDJSON};q=0", False),
        (f"{NDJSON};q=oops", False),
        (f"text/html, {NDJSON}", True),
    ],
)
def test_ndjson_is_what_the_accept_header_prefers(accept: str | None, ndjson: bool) -> None:
    assert (answer_form(accept) == NDJSON) is ndjson


def test_smart_approval_clears_the_findings_of_an_earlier_return(api) -> None:
    op = api.as_("ln_operator")
    cert = samples.certificate("C")
    body = cert.model_dump(mode="json", exclude=SERVER_OWNED - {"exporter"})
    body |= {
        "hand_signer": "赵云",
        "exporter": {**body["exporter"], "name_en": "LIAONING NORTHERN MACHINERY CO., LTD."},
    }
    created = op.post(f"{V1}/certificates", json=body).json()
    goods = cert.model_dump(mode="json")["goods"]
    bad = [{**goods[0], "description": "PARTS"}, *goods[1:]]
    saved = op.put(
        f"{V1}/certificates/{created['id']}/goods", json={"goods": bad}, headers={"If-Match": "1"}
    ).json()
    returned = op.post(f"{V1}/certificates/{created['id']}/submit").json()
    assert returned["status"] == "returned" and returned["findings"]
    fixed = op.put(
        f"{V1}/certificates/{created['id']}/goods",
        json={"goods": goods},
        headers={"If-Match": str(returned["version"])},
    )
    assert fixed.status_code == 200, (saved["version"], fixed.text)
    approved = op.post(f"{V1}/certificates/{created['id']}/submit").json()
    assert approved["status"] == "approved" and approved["findings"] == []
    assert op.get(f"{V1}/certificates/{created['id']}").json()["findings"] == []
