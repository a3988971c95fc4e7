"""The change feed's paging and its forms (JSON, NDJSON, TSV, the row form), and what a smart
approval leaves on the certificate."""

from __future__ import annotations

import csv
import io
import json

import pytest

from coo_lab import samples
from coo_lab.domain.feed_rows import BY_ENTITY, FIELD, KINDS, NULL, QUOTE, SEPARATOR, flatten
from coo_lab.server.db import open_database
from coo_lab.server.feed import MAX_PAGE, record_change
from coo_lab.server.routes.feed import NDJSON, TSV, answer_form
from coo_lab.server.schemas import ChangePage

from .test_certificates_api import draft, submit
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


# --- the row form (coo_lab.domain.feed_rows): what coo_lab.sync reads -------------------------


def _rows_of(text: str) -> list[tuple[int, str, int, str, int, list[str] | None]]:
    """The row form's lines as (seq, kind, key, op, version, payload fields): a payload
    quoted with the unit separator may hold tabs and newlines."""
    found = []
    for seq, kind, key, op, version, payload in csv.reader(
        io.StringIO(text, newline=""), delimiter="\t", quotechar=QUOTE
    ):
        fields = payload.split(FIELD) if payload else None
        found.append((int(seq), kind, int(key), op, int(version), fields))
    return found


def _expected_rows(changes: list[dict], documents: bool = False) -> str:
    """The row form of changes as the JSON form has them."""
    text = ""
    for c in changes:
        flat = flatten(c["entity"], c["entity_id"], c["op"], c["version"], c["data"])
        text += "".join(f"{c['seq']}\t{row}\n" for row in flat.split(SEPARATOR) if flat)
        if documents and c["entity"] == "certificate" and c["data"] is not None:
            doc = json.dumps(c["data"], ensure_ascii=False, separators=(",", ":"))
            text += f"{c['seq']}\tdocument\t{c['entity_id']}\t{c['op']}\t{c['version']}\t{doc}\n"
    return text


def test_the_row_form_carries_what_the_mirror_keeps(api) -> None:
    op = api.as_("hx_operator")
    text = '第三方发票\tINVOICED BY "X"\nline two \\ end\x1d'  # a tab, a newline, a separator
    created = op.post(f"{V1}/special-clauses", json={"code": "SCR01", "text": text}).json()
    op.delete(f"{V1}/special-clauses/{created['id']}", headers={"If-Match": "1"})
    body = draft(op)  # created, then its goods saved: two changes of one certificate
    with api.client.app.state.db.transaction() as tx:  # an entity the mirror does not keep
        record_change(tx, 1, "data_sync_run", 1, "create", 1, {"kind": "enterprise_info"})
    changes = op.get(f"{V1}/changes", params={"limit": MAX_PAGE}).json()["changes"]
    kept = [c for c in changes if c["entity"] in BY_ENTITY]
    assert len(kept) == len(changes) - 1  # the data-sync run has no rows
    for documents in (False, True):
        params = {"limit": MAX_PAGE, "form": "rows", "documents": str(documents).lower()}
        answer = op.get(f"{V1}/changes", params=params, headers={"Accept": "application/json"})
        assert answer.headers["content-type"].split(";")[0] == TSV
        assert answer.text == _expected_rows(kept, documents)
        assert answer.headers["X-Changes"] == str(len(kept))
        assert answer.headers["X-Next-After"] == str(kept[-1]["seq"])
        assert answer.headers["X-Has-More"] == "false"
    rows = _rows_of(answer.text)
    clause = [r for r in rows if (r[1], r[2]) == ("base_record", created["id"])]
    assert [r[3] for r in clause] == ["create", "delete"] and clause[1][5] is None
    assert clause[0][5][:4] == ["special_clause", "1", "SCR01", text.replace("\x1d", "\ufffd")]
    mine = [r for r in rows if r[2] == body["id"] and r[1] in ("certificate", "goods_line")]
    assert [r[1] for r in mine] == ["certificate"] + ["certificate"] + ["goods_line"] * 3
    mine = mine[1:]  # the last change's rows
    columns = [c.name for c in KINDS["certificate"].columns]
    values = dict(zip(columns, mine[0][5], strict=True))
    assert values["status"] == "draft" and values["goods_count"] == str(len(body["goods"]))
    assert values["submitted_at"] == NULL and values["void_reason"] == ""  # NULL is not ""
    document = [r for r in rows if r[1] == "document" and r[2] == body["id"]]
    assert json.loads(document[-1][5][0]) == body

    walked, after = "", 0  # small pages walk the same rows
    while True:
        page = op.get(f"{V1}/changes", params={"after": after, "limit": 3, "form": "rows"})
        walked += page.text
        after = int(page.headers["X-Next-After"])
        if page.headers["X-Has-More"] == "false":
            break
    assert walked == _expected_rows(kept)


def test_a_reviewer_rows_hold_what_was_declared_to_the_office(api) -> None:
    op = api.as_("hx_operator")
    kept = draft(op, invoice_number="HXROWS1")
    declared = submit(op, draft(op, invoice_number="HXROWS2")["id"])
    reviewer = api.as_("dl_reviewer")
    changes = reviewer.get(f"{V1}/changes", params={"limit": MAX_PAGE}).json()["changes"]
    answer = reviewer.get(f"{V1}/changes", params={"limit": MAX_PAGE, "form": "rows"})
    assert answer.text == _expected_rows([c for c in changes if c["entity"] in BY_ENTITY])
    keys = {(r[1], r[2]) for r in _rows_of(answer.text)}
    assert ("certificate", declared["id"]) in keys
    assert ("certificate", kept["id"]) not in keys
    assert not any(kind == "base_record" for kind, _ in keys)
    outsider = api.as_("sy_reviewer")  # another office
    assert outsider.get(f"{V1}/changes", params={"form": "rows"}).text == ""


def test_a_store_made_before_the_row_form_gets_the_rows_of_its_feed(api, db_path) -> None:
    op = api.as_("hx_operator")
    clause = {"code": "SCM01", "text": "line one\nline two"}
    assert op.post(f"{V1}/special-clauses", json=clause).status_code == 201
    submit(op, draft(op, invoice_number="HXMIG8")["id"])
    db = api.client.app.state.db
    rows_sql = "SELECT seq, company_id, authority, rows FROM feed_rows ORDER BY seq"
    with db.transaction() as tx:
        written = [tuple(r) for r in tx.execute(rows_sql).fetchall()]
        total = tx.scalar("SELECT COUNT(*) FROM changes")
        tx.execute("DROP TABLE feed_rows")  # as a store of schema version 7 was
        tx.execute("DELETE FROM schema_version WHERE version >= 8")
    assert 0 < len(written) <= total
    upgraded = open_database(db_path)  # migration 8 flattens the recorded feed
    try:
        with upgraded.read() as tx:
            assert [tuple(r) for r in tx.execute(rows_sql).fetchall()] == written
    finally:
        upgraded.close()
