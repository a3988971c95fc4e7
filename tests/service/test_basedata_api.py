"""Base data (SPEC §3) through the API: exporters, importers, producers and special clauses —
create, read, update, delete, search and paging; the SPEC's formats answered 422 naming the
field in Chinese and English; duplicate codes and stale or missing versions answered 409; and
a certificate keeps its own copy of a record picked by code.
"""

from __future__ import annotations

from typing import Any

import pytest

from coo_lab import samples

V1 = "/api/v1"

KINDS = {
    "exporters": lambda code: {**samples.EXPORTER.model_dump(mode="json"), "code": code},
    "importers": lambda code: {
        **samples.importer("K").model_dump(mode="json"),
        "code": code,
        "bank_account": "6222021234567890123",
        "email": "buy@busan.example.kr",
        "phone1": "+82-51-1234-5678",
        "fax1": "+82-51-1234-5679",
        "notes": "KEY ACCOUNT",
    },
    "producers": lambda code: {**samples.PRODUCER.model_dump(mode="json"), "code": code},
    "special-clauses": lambda code: {"code": code, "text": f"THIRD PARTY INVOICING {code}"},
}
# a field each kind can change in an update, and its new value
CHANGE = {
    "exporters": ("address_en", "NO. 1 RENMIN ROAD, DALIAN, CHINA"),
    "importers": ("contact", "MR. KIM"),
    "producers": ("name_cn", "大连海兴制造二厂"),
    "special-clauses": ("text", "INVOICE ISSUED BY A THIRD PARTY"),
}


def create(client, kind: str, code: str, **change: Any) -> dict[str, Any]:
    r = client.post(f"{V1}/{kind}", json={**KINDS[kind](code), **change})
    assert r.status_code == 201, r.text
    assert r.headers["ETag"] == '"1"'
    return r.json()


def assert_field_error(r, field: str, value: Any = ...) -> dict[str, Any]:
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error"] == "validation_failed"
    errors = {e["field"]: e for e in body["errors"]}
    assert field in errors, body["errors"]
    error = errors[field]
    for key in ("expected_en", "expected_zh", "message_en", "message_zh"):
        assert error[key], error
    assert field in error["message_en"] and field in error["message_zh"]
    if value is not ...:
        assert error["value"] == value
    return error


@pytest.mark.parametrize("kind", list(KINDS))
def test_create_read_update_delete(api, kind: str) -> None:
    op, manager = api.as_("hx_operator"), api.as_("hx_manager")
    created = create(op, kind, "T001")
    rid = created["id"]
    assert created["code"] == "T001" and created["version"] == 1
    assert created["kind"] == kind.rstrip("s").replace("-", "_")

    r = manager.get(f"{V1}/{kind}/{rid}")
    assert r.status_code == 200 and r.headers["ETag"] == '"1"'
    assert r.json() == created

    field, value = CHANGE[kind]
    body = {**KINDS[kind]("T001"), field: value}
    r = op.put(f"{V1}/{kind}/{rid}", json=body, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2 and r.json()[field] == value
    assert r.headers["ETag"] == '"2"'
    assert op.get(f"{V1}/{kind}/{rid}").json()[field] == value

    # the version read before the update is stale now
    r = op.put(f"{V1}/{kind}/{rid}", json=KINDS[kind]("T001"), headers={"If-Match": '"1"'})
    assert r.status_code == 409, r.text
    assert "version 1" in r.json()["message_en"] and "2" in r.json()["message_zh"]
    # …and without one at all the service asks for it
    r = op.put(f"{V1}/{kind}/{rid}", json=KINDS[kind]("T001"))
    assert r.status_code == 409, r.text
    assert "If-Match" in r.json()["message_en"] and "If-Match" in r.json()["message_zh"]
    r = op.delete(f"{V1}/{kind}/{rid}")
    assert r.status_code == 409 and "If-Match" in r.json()["message_en"]
    r = op.delete(f"{V1}/{kind}/{rid}", headers={"If-Match": "1"})
    assert r.status_code == 409
    r = op.put(f"{V1}/{kind}/{rid}", json=body, headers={"If-Match": "two"})
    assert_field_error(r, "If-Match", "two")
    assert op.get(f"{V1}/{kind}/{rid}").json()["version"] == 2

    r = op.delete(f"{V1}/{kind}/{rid}", headers={"If-Match": '"2"'})
    assert r.status_code == 204
    assert op.get(f"{V1}/{kind}/{rid}").status_code == 404
    r = op.put(f"{V1}/{kind}/{rid}", json=body, headers={"If-Match": "2"})
    assert r.status_code == 404
    assert op.delete(f"{V1}/{kind}/{rid}", headers={"If-Match": "3"}).status_code == 404
    assert op.get(f"{V1}/{kind}").json()["total"] == 0
    # the code is free again
    create(op, kind, "T001")


@pytest.mark.parametrize("kind", list(KINDS))
def test_duplicate_codes_are_409(api, kind: str) -> None:
    op = api.as_("hx_admin")
    create(op, kind, "DUP1")
    other = create(op, kind, "DUP2")
    r = op.post(f"{V1}/{kind}", json=KINDS[kind]("DUP1"))
    assert r.status_code == 409, r.text
    assert "DUP1" in r.json()["message_en"] and "DUP1" in r.json()["message_zh"]
    r = op.put(f"{V1}/{kind}/{other['id']}", json=KINDS[kind]("DUP1"), headers={"If-Match": "1"})
    assert r.status_code == 409, r.text
    assert op.get(f"{V1}/{kind}").json()["total"] == 2
    # codes are unique per kind, not across kinds
    other_kind = next(k for k in KINDS if k != kind)
    create(op, other_kind, "DUP1")


def test_search_and_paging(api) -> None:
    op = api.as_("hx_operator")
    names = ["ALPHA", "BRAVO", "CHARLIE", "DELTA", "ECHO", "FOXTROT", "GOLF"]
    for i, name in enumerate(names):
        create(op, "importers", f"IMP{i:02d}", name_en=f"{name} TRADING LTD.", contact=name)
    create(op, "exporters", "EXP99", name_en="ALPHA EXPORTS")  # another kind: never listed

    r = op.get(f"{V1}/importers", params={"page_size": 3})
    page1 = r.json()
    assert page1["total"] == 7 and page1["page"] == 1 and page1["page_size"] == 3
    assert [x["code"] for x in page1["items"]] == ["IMP00", "IMP01", "IMP02"]
    page3 = op.get(f"{V1}/importers", params={"page_size": 3, "page": 3}).json()
    assert [x["code"] for x in page3["items"]] == ["IMP06"] and page3["total"] == 7
    past = op.get(f"{V1}/importers", params={"page_size": 3, "page": 4}).json()
    assert past["items"] == [] and past["total"] == 7
    seen = [
        x["code"]
        for p in (1, 2, 3)
        for x in op.get(f"{V1}/importers", params={"page_size": 3, "page": p}).json()["items"]
    ]
    assert seen == [f"IMP{i:02d}" for i in range(7)]

    def search(q: str) -> list[str]:
        return [x["code"] for x in op.get(f"{V1}/importers", params={"q": q}).json()["items"]]

    assert search("IMP03") == ["IMP03"]  # by code
    assert search("FOXTROT") == ["IMP05"]  # by name
    assert search("alpha") == ["IMP00"]  # case does not matter
    assert search("TRADING") == [f"IMP{i:02d}" for i in range(7)]
    assert search("ZULU") == []
    assert search("釜山电子") == [f"IMP{i:02d}" for i in range(7)]  # Chinese name
    assert search("buy@busan") == [f"IMP{i:02d}" for i in range(7)]  # any field's value
    # the search looks at the values, not at how they are stored
    for stored_syntax in ("name_en", "bank_account", '"code"', "null", "{", ":"):
        assert search(stored_syntax) == [], stored_syntax
    # `%` and `_` are characters, not wildcards
    assert search("%") == [] and search("_") == [] and search("IMP_1") == []
    assert [
        x["code"] for x in op.get(f"{V1}/exporters", params={"q": "ALPHA"}).json()["items"]
    ] == ["EXP99"]
    for bad in ({"page": 0}, {"page_size": 0}, {"page_size": 501}, {"page": "x"}):
        r = op.get(f"{V1}/importers", params=bad)
        assert_field_error(r, f"query.{next(iter(bad))}")


BAD_FORMATS = [
    ("exporters", "code", "AB"),  # shorter than 3
    ("exporters", "code", "ABCDEFGHI"),  # longer than 8
    ("exporters", "code", "AB-12"),  # not letters or digits
    ("exporters", "code", "出口商1"),
    ("exporters", "phone", "0411-8273-2333-4444-55"),  # 22 characters
    ("exporters", "phone", "call me"),
    ("exporters", "fax", "fax:0411"),
    ("exporters", "email", "export.haixing.example.cn"),
    ("exporters", "email", "export@haixing"),
    ("importers", "code", "I1"),
    ("importers", "bank_account", "622202123456789012"),  # 18
    ("importers", "bank_account", "62220212345678901234"),  # 20
    ("importers", "bank_account", "6222-0212-3456-7890-1"),
    ("importers", "email", "@busan.example.kr"),
    ("importers", "phone2", "1" * 21),
    ("importers", "fax2", "fax"),
    ("importers", "country", "KOREA"),
    ("producers", "code", "P_01"),
    ("special-clauses", "code", "S"),
    ("special-clauses", "text", ""),
]


@pytest.mark.parametrize("kind", list(KINDS))
def test_formats_are_checked(api, kind: str) -> None:
    op = api.as_("hx_operator")
    saved = create(op, kind, "GOOD1")
    cases = [(f, v) for k, f, v in BAD_FORMATS if k == kind]
    assert cases
    for field, value in cases:
        body = {**KINDS[kind]("GOOD2"), field: value}
        error = assert_field_error(op.post(f"{V1}/{kind}", json=body), field)
        assert error["value"] == value
        # the same check on update
        r = op.put(f"{V1}/{kind}/{saved['id']}", json=body, headers={"If-Match": "1"})
        assert_field_error(r, field)
    listed = op.get(f"{V1}/{kind}").json()
    assert listed["total"] == 1 and listed["items"][0]["version"] == 1


def test_the_boundaries_of_the_formats_are_accepted(api) -> None:
    op = api.as_("hx_operator")
    create(op, "exporters", "ABC", phone="+86 (411) 8273-2333", email="a.b+c@dl.example.cn")
    create(op, "exporters", "A1B2C3D4", phone="1" * 20, fax="0411-82732334")
    create(op, "importers", "abc12", bank_account="ABCDEFGHIJ123456789")


def test_several_bad_fields_are_reported_at_once(api) -> None:
    op = api.as_("hx_operator")
    body = {**KINDS["importers"]("X"), "bank_account": "1", "email": "nope"}
    r = op.post(f"{V1}/importers", json=body)
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"code", "bank_account", "email"}
    r = op.post(f"{V1}/exporters", json={"code": "E01"})
    assert_field_error(r, "name_en", None)
    r = op.post(f"{V1}/exporters", json={**KINDS["exporters"]("E01"), "colour": "red"})
    assert_field_error(r, "colour", "red")


def test_a_certificate_keeps_its_own_copy_of_picked_records(api) -> None:
    op = api.as_("hx_operator")
    exporter = create(op, "exporters", "EXP01")
    importer = create(op, "importers", "IMP01")
    producer = create(op, "producers", "PRO01")
    create(op, "special-clauses", "SC01")
    create(op, "special-clauses", "SC02")
    body = {
        "cert_type": "K",
        "hand_signer": "王丹",
        "exporter_code": "EXP01",
        "importer_code": "IMP01",
        "producer_code": "PRO01",
        "special_clause_codes": ["SC02", "SC01"],
    }
    r = op.post(f"{V1}/certificates", json=body)
    assert r.status_code == 201, r.text
    cert = r.json()
    assert cert["exporter"]["name_en"] == samples.EXPORTER.name_en
    assert cert["importer"]["code"] == "IMP01" and cert["producer"]["code"] == "PRO01"
    assert [c["code"] for c in cert["special_clauses"]] == ["SC02", "SC01"]

    changed = {**KINDS["exporters"]("EXP01"), "name_en": "RENAMED CO., LTD."}
    r = op.put(f"{V1}/exporters/{exporter['id']}", json=changed, headers={"If-Match": "1"})
    assert r.status_code == 200
    assert (
        op.delete(f"{V1}/importers/{importer['id']}", headers={"If-Match": "1"}).status_code == 204
    )
    again = op.get(f"{V1}/certificates/{cert['id']}").json()
    assert again["exporter"]["name_en"] == samples.EXPORTER.name_en
    assert again["importer"]["code"] == "IMP01"
    assert again["producer"] == cert["producer"]
    assert producer["code"] == "PRO01"

    # a code that names no saved record is a field error, not a silent blank
    for field, code in (("exporter_code", "NOPE1"), ("importer_code", "IMP01")):
        r = op.post(f"{V1}/certificates", json={**body, field: code})
        assert_field_error(r, field, code)
    body.pop("importer_code")
    r = op.post(f"{V1}/certificates", json={**body, "special_clause_codes": ["SC01", "SC09"]})
    assert_field_error(r, "special_clause_codes.1", "SC09")


def test_a_search_takes_backslash_percent_and_underscore_literally(api) -> None:
    op = api.as_("hx_operator")
    for code, name in (("EXP1", "A\\B 100% C_D"), ("EXP2", "AXB 100 CXD")):
        r = op.post(
            "/api/v1/exporters", json={"code": code, "name_en": name, "address_en": "X RD."}
        )
        assert r.status_code == 201, r.text
    for q in ("A\\B", "100%", "C_D"):
        found = op.get("/api/v1/exporters", params={"q": q}).json()["items"]
        assert [e["code"] for e in found] == ["EXP1"], q
