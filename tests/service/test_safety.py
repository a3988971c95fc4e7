"""Safe writes: idempotency keys (a retried create, submit, copy or amend-reissue happens
once), optimistic versions (a stale ``If-Match`` is 409, and of several concurrent writers
with the same version exactly one wins), gap-free numbering under concurrency, and bad input
answered 422 with one bilingual item per field — never a 500. Concurrency runs against the
real server (``live``) with threads.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from coo_lab import samples
from coo_lab.domain.certificate import NOT_BASIC_INFO

V1 = "/api/v1"
THREADS = 8
CERT_OWNED = NOT_BASIC_INFO
ERROR_ITEM_KEYS = {"field", "value", "expected_en", "expected_zh", "message_en", "message_zh"}


# --------------------------------------------------------------------------- helpers


def basic(cert_type: str = "C", **change: Any) -> dict[str, Any]:
    cert = samples.certificate(cert_type, invoice_number=change.pop("invoice_number", None))
    return {**cert.model_dump(mode="json", exclude=CERT_OWNED), **change}


def goods(cert_type: str = "C") -> list[dict[str, Any]]:
    return samples.certificate(cert_type).model_dump(mode="json")["goods"]


def draft(client, cert_type: str = "C", **change: Any) -> dict[str, Any]:
    """A rule-clean draft with its goods saved (version 2)."""
    r = client.post(f"{V1}/certificates", json=basic(cert_type, **change))
    assert r.status_code == 201, r.text
    r = client.put(
        f"{V1}/certificates/{r.json()['id']}/goods",
        json={"goods": goods(cert_type)},
        headers={"If-Match": r.headers["ETag"]},
    )
    assert r.status_code == 200, r.text
    return r.json()


def approved(client, reviewer, cert_type: str = "C", **change: Any) -> dict[str, Any]:
    cert = draft(client, cert_type, **change)
    assert client.post(f"{V1}/certificates/{cert['id']}/submit").json()["status"] == "submitted"
    r = reviewer.post(f"{V1}/review/certificates/{cert['id']}/approve")
    assert r.status_code == 200, r.text
    return r.json()


def total(client, **params: Any) -> int:
    return client.get(f"{V1}/certificates", params=params).json()["total"]


def assert_error_items(r, *fields: str) -> list[dict[str, Any]]:
    """A 422 with ``errors[]``, each item complete and bilingual; ``fields`` among them."""
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error"] == "validation_failed"
    assert body["message_en"] and body["message_zh"]
    errors = body["errors"]
    assert errors, body
    for item in errors:
        assert set(item) >= ERROR_ITEM_KEYS, item
        for key in ERROR_ITEM_KEYS - {"value"}:
            assert isinstance(item[key], str) and item[key], (key, item)
        assert item["field"] in item["message_en"] and item["field"] in item["message_zh"]
    named = {e["field"] for e in errors}
    for field in fields:
        assert field in named, (field, errors)
    return errors


def login(url: str, username: str) -> dict[str, str]:
    r = requests.post(
        f"{url}{V1}/auth/login",
        json={"username": username, "password": f"pw-{username}"},
        timeout=10,
    )
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def together(n: int, work: Callable[[int], requests.Response]) -> list[requests.Response]:
    """Run ``work(i)`` in ``n`` threads released at the same moment."""
    start = threading.Barrier(n)

    def run(i: int) -> requests.Response:
        start.wait(timeout=10)
        return work(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


# --------------------------------------------------------------------------- idempotency


def test_a_retried_create_happens_once(api) -> None:
    op = api.as_("hx_operator")
    key = {"Idempotency-Key": "create-0001"}
    first = op.post(f"{V1}/certificates", json=basic(), headers=key)
    second = op.post(f"{V1}/certificates", json=basic(), headers=key)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert first.headers["ETag"] == second.headers["ETag"]
    assert total(op) == 1
    # the same key with another body is a mistake, not a retry
    other = op.post(f"{V1}/certificates", json=basic(invoice_number="OTHER-1"), headers=key)
    assert other.status_code == 409, other.text
    assert "Idempotency-Key" in other.json()["message_en"]
    assert total(op) == 1
    # a new key is a new certificate; keys belong to their user
    assert (
        op.post(f"{V1}/certificates", json=basic(), headers={"Idempotency-Key": "k2"}).json()["id"]
        != first.json()["id"]
    )
    admin = api.as_("hx_admin")
    r = admin.post(f"{V1}/certificates", json=basic(), headers=key)
    assert r.status_code == 201 and r.json()["id"] != first.json()["id"]
    assert total(op) == 3
    # a refused request is not remembered: fixing the body and retrying with the key works
    bad_key = {"Idempotency-Key": "create-bad"}
    r = op.post(f"{V1}/certificates", json={**basic(), "exporter_code": "NOPE1"}, headers=bad_key)
    assert r.status_code == 422
    r = op.post(f"{V1}/certificates", json=basic(), headers=bad_key)
    assert r.status_code == 201, r.text


def test_a_retried_submit_happens_once(api) -> None:
    op = api.as_("hx_operator")
    cert = draft(op)
    headers = {"Idempotency-Key": "submit-1", "If-Match": '"2"'}
    first = op.post(f"{V1}/certificates/{cert['id']}/submit", headers=headers)
    second = op.post(f"{V1}/certificates/{cert['id']}/submit", headers=headers)
    assert first.status_code == second.status_code == 200, second.text
    assert first.json() == second.json() and first.json()["status"] == "submitted"
    trail = op.get(f"{V1}/certificates/{cert['id']}/receipts").json()
    assert [x["to_status"] for x in trail] == ["submitted", "draft"]
    # without the key a second submit is refused by the lifecycle
    assert op.post(f"{V1}/certificates/{cert['id']}/submit").status_code == 409
    # the same key for another version or another certificate is a conflict
    stale = {"Idempotency-Key": "submit-1", "If-Match": '"3"'}
    assert op.post(f"{V1}/certificates/{cert['id']}/submit", headers=stale).status_code == 409
    other = draft(op, invoice_number="OTHER-2")
    r = op.post(f"{V1}/certificates/{other['id']}/submit", headers=headers)
    assert r.status_code == 409
    assert op.get(f"{V1}/certificates/{other['id']}").json()["status"] == "draft"


def test_a_retried_copy_and_amend_reissue_happen_once(api) -> None:
    op, reviewer = api.as_("hx_operator"), api.as_("dl_reviewer")
    original = approved(op, reviewer, "K")
    oid = original["id"]

    key = {"Idempotency-Key": "copy-1"}
    first = op.post(f"{V1}/certificates/{oid}/copy", headers=key)
    second = op.post(f"{V1}/certificates/{oid}/copy", headers=key)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert total(op) == 2
    other = draft(op, "C")
    assert op.post(f"{V1}/certificates/{other['id']}/copy", headers=key).status_code == 409
    assert total(op) == 3

    key = {"Idempotency-Key": "reissue-1"}
    first = op.post(f"{V1}/certificates/{oid}/amend-reissue", headers=key)
    second = op.post(f"{V1}/certificates/{oid}/amend-reissue", headers=key)
    assert first.status_code == second.status_code == 201, second.text
    assert first.json() == second.json()
    assert first.json()["category"] == "amend_reissue"
    assert total(op) == 4
    # a new key is a new request: one reissue at a time
    r = op.post(f"{V1}/certificates/{oid}/amend-reissue", headers={"Idempotency-Key": "r2"})
    assert r.status_code == 409
    assert total(op) == 4


def test_a_retried_base_record_create_happens_once(api) -> None:
    op = api.as_("hx_operator")
    body = {"code": "IDEM1", "text": "THIRD PARTY INVOICING"}
    key = {"Idempotency-Key": "clause-1"}
    first = op.post(f"{V1}/special-clauses", json=body, headers=key)
    second = op.post(f"{V1}/special-clauses", json=body, headers=key)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert op.get(f"{V1}/special-clauses").json()["total"] == 1


def test_concurrent_retries_with_one_key_create_one_certificate(live) -> None:
    url, op = live.url, login(live.url, "hx_operator")
    body = basic("E")
    headers = {**op, "Idempotency-Key": "burst-0001"}

    def post(_i: int) -> requests.Response:
        return requests.post(f"{url}{V1}/certificates", json=body, headers=headers, timeout=30)

    answers = together(THREADS, post)
    assert [r.status_code for r in answers] == [201] * THREADS, [r.text for r in answers]
    assert len({r.json()["id"] for r in answers}) == 1
    assert len({r.text for r in answers}) == 1
    r = requests.get(f"{url}{V1}/certificates", headers=op, timeout=10)
    assert r.json()["total"] == 1
    # and the same for submits of that one certificate
    cid = answers[0].json()["id"]
    r = requests.put(
        f"{url}{V1}/certificates/{cid}/goods",
        json={"goods": goods("E")},
        headers={**op, "If-Match": '"1"'},
        timeout=10,
    )
    assert r.status_code == 200, r.text

    def submit(_i: int) -> requests.Response:
        return requests.post(
            f"{url}{V1}/certificates/{cid}/submit",
            headers={**op, "Idempotency-Key": "burst-submit"},
            timeout=30,
        )

    answers = together(THREADS, submit)
    assert [r.status_code for r in answers] == [200] * THREADS, [r.text for r in answers]
    assert {r.json()["status"] for r in answers} == {"submitted"}
    r = requests.get(f"{url}{V1}/certificates/{cid}/receipts", headers=op, timeout=10)
    assert [x["to_status"] for x in r.json()] == ["submitted", "draft"]


# --------------------------------------------------------------------------- versions


def test_stale_or_missing_versions_are_409(api) -> None:
    op = api.as_("hx_operator")
    cert = draft(op)  # version 2
    cid = cert["id"]
    for method, path, body in (
        ("PUT", f"{V1}/certificates/{cid}", basic()),
        ("PUT", f"{V1}/certificates/{cid}/goods", {"goods": goods()}),
        ("DELETE", f"{V1}/certificates/{cid}", None),
    ):
        stale = op.request(method, path, json=body, headers={"If-Match": '"1"'})
        assert stale.status_code == 409, (method, path, stale.text)
        message = stale.json()["message_en"]
        assert "version 1" in message and "now 2" in message, message
        missing = op.request(method, path, json=body)
        assert missing.status_code == 409, (method, path, missing.text)
        assert "If-Match" in missing.json()["message_en"]
        assert "If-Match" in missing.json()["message_zh"]
        bad = op.request(method, path, json=body, headers={"If-Match": "latest"})
        assert_error_items(bad, "If-Match")
    assert op.get(f"{V1}/certificates/{cid}").json()["version"] == 2
    # a stale submit or void is refused as well
    r = op.post(f"{V1}/certificates/{cid}/submit", headers={"If-Match": "1"})
    assert r.status_code == 409
    # the current version, strong or weak, is accepted
    r = op.put(f"{V1}/certificates/{cid}", json=basic(), headers={"If-Match": 'W/"2"'})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 3 and r.headers["ETag"] == '"3"'


@pytest.mark.parametrize("target", ["basic", "goods", "exporter"])
def test_concurrent_writers_with_one_version_exactly_one_wins(live, target: str) -> None:
    url, op = live.url, login(live.url, "hx_operator")
    if target == "exporter":
        body = {**samples.EXPORTER.model_dump(mode="json"), "code": "RACE1"}
        r = requests.post(f"{url}{V1}/exporters", json=body, headers=op, timeout=10)
        assert r.status_code == 201, r.text
        path = f"{url}{V1}/exporters/{r.json()['id']}"
        version = 1

        def body_of(i: int) -> dict[str, Any]:
            return {**body, "address_en": f"WRITER {i}"}
    else:
        r = requests.post(f"{url}{V1}/certificates", json=basic(), headers=op, timeout=10)
        assert r.status_code == 201, r.text
        cid, version = r.json()["id"], 1
        path = f"{url}{V1}/certificates/{cid}" + ("/goods" if target == "goods" else "")

        def body_of(i: int) -> dict[str, Any]:
            if target == "goods":
                lines = goods()
                lines[0]["marks"] = f"WRITER {i}"
                return {"goods": lines}
            return {**basic(), "remarks": f"WRITER {i}"}

    def put(i: int) -> requests.Response:
        headers = {**op, "If-Match": f'"{version}"'}
        return requests.put(path, json=body_of(i), headers=headers, timeout=30)

    answers = together(THREADS, put)
    codes = Counter(r.status_code for r in answers)
    assert codes == {200: 1, 409: THREADS - 1}, [r.text for r in answers]
    winner = next(r.json() for r in answers if r.status_code == 200)
    assert winner["version"] == version + 1
    now = requests.get(path.removesuffix("/goods"), headers=op, timeout=10).json()
    assert now["version"] == version + 1
    written = {
        "basic": lambda d: d["remarks"],
        "goods": lambda d: d["goods"][0]["marks"],
        "exporter": lambda d: d["address_en"],
    }[target]
    assert written(now) == written(winner)


def test_concurrent_approvals_number_without_gaps_or_twins(live) -> None:
    url = live.url
    op, reviewer = login(url, "hx_operator"), login(url, "dl_reviewer")
    ids = []
    for i in range(THREADS):
        body = basic("C", invoice_number=f"RACE-{i}")
        r = requests.post(f"{url}{V1}/certificates", json=body, headers=op, timeout=10)
        cid = r.json()["id"]
        r = requests.put(
            f"{url}{V1}/certificates/{cid}/goods",
            json={"goods": goods()},
            headers={**op, "If-Match": '"1"'},
            timeout=10,
        )
        r = requests.post(f"{url}{V1}/certificates/{cid}/submit", headers=op, timeout=10)
        assert r.json()["status"] == "submitted", r.text
        ids.append(cid)

    def approve(i: int) -> requests.Response:
        path = f"{url}{V1}/review/certificates/{ids[i]}/approve"
        return requests.post(path, headers=reviewer, timeout=30)

    answers = together(THREADS, approve)
    assert [r.status_code for r in answers] == [200] * THREADS, [r.text for r in answers]
    serials = sorted(int(r.json()["certificate_number"].rsplit("/", 1)[1]) for r in answers)
    assert serials == list(range(1, THREADS + 1))

    # one certificate approved by several reviewers' clicks at once: one number, one receipt
    cid = ids[0]
    r = requests.post(f"{url}{V1}/certificates/{cid}/amend-reissue", headers=op, timeout=10)
    rid = r.json()["id"]
    r = requests.post(f"{url}{V1}/certificates/{rid}/submit", headers=op, timeout=10)
    assert r.json()["status"] == "submitted", r.text

    def approve_one(_i: int) -> requests.Response:
        path = f"{url}{V1}/review/certificates/{rid}/approve"
        return requests.post(path, headers=reviewer, timeout=30)

    answers = together(THREADS, approve_one)
    assert Counter(r.status_code for r in answers) == {200: 1, 409: THREADS - 1}
    r = requests.get(f"{url}{V1}/certificates/{rid}/receipts", headers=op, timeout=10)
    assert [x["to_status"] for x in r.json()].count("approved") == 1
    assert r.json()[0]["document_number"].endswith(f"/{THREADS + 1:05d}")


# --------------------------------------------------------------------------- bad input


BAD_CERTIFICATES = [
    ({"cert_type": "Q"}, ["cert_type"]),
    ({}, ["cert_type"]),
    ({"cert_type": "C", "invoice_date": "2025-02-30"}, ["invoice_date"]),
    ({"cert_type": "C", "fob_usd": "-1"}, ["fob_usd"]),
    ({"cert_type": "C", "fob_usd": "twelve"}, ["fob_usd"]),
    ({"cert_type": "C", "fob_usd": "NaN"}, ["fob_usd"]),
    ({"cert_type": "C", "fob_usd": "1e400"}, ["fob_usd"]),
    ({"cert_type": "C", "invoice_currency": "DOLLARS"}, ["invoice_currency"]),
    ({"cert_type": "C", "destination_country": "U"}, ["destination_country"]),
    ({"cert_type": "C", "transport_mode": "ROCKET"}, ["transport_mode"]),
    ({"cert_type": "C", "exit_customs": "09"}, ["exit_customs"]),
    ({"cert_type": "C", "customs_declaration_number": "12345"}, ["customs_declaration_number"]),
    ({"cert_type": "C", "invoice_number": "X" * 401}, ["invoice_number"]),
    ({"cert_type": "C", "exporter": {"code": "E1", "name_en": "X"}}, ["exporter.code"]),
    ({"cert_type": "C", "importer": {"code": "IMP01"}}, ["importer.name_en"]),
    ({"cert_type": "C", "status": "approved"}, ["status"]),
    ({"cert_type": "C", "certificate_number": "26C311120218/00001"}, ["certificate_number"]),
    ({"cert_type": "C", "colour": "red"}, ["colour"]),
    ({"cert_type": "C", "special_clause_codes": "SC1"}, ["special_clause_codes"]),
    ({"cert_type": ["C"]}, ["cert_type"]),
    (
        {"cert_type": "C", "fob_usd": "-1", "invoice_date": "soon", "exit_customs": "x"},
        ["fob_usd", "invoice_date", "exit_customs"],
    ),
]

BAD_GOODS = [
    ({"hs_code": "8516"}, "goods.0.hs_code"),
    ({"hs_code": "85166O"}, "goods.0.hs_code"),
    ({"quantity": "-5"}, "goods.0.quantity"),
    ({"unit": "KG"}, "goods.0.unit"),
    ({"packages": 1.5}, "goods.0.packages"),
    ({"line_no": 0}, "goods.0.line_no"),
    ({"fob_usd": "1.23456"}, "goods.0.fob_usd"),
    (
        {
            "processing": {
                "hs_heading": "3926",
                "product_name": "X",
                "delivery_unit_price": "1",
                "processing_steps": "cut",
                "imported_materials": [{"hs_heading": "3926", "cif_unit_price_usd": "1"}] * 6,
            }
        },
        "goods.0.processing.imported_materials",
    ),
]


def test_bad_input_is_422_with_one_bilingual_item_per_field(api) -> None:
    op = api.as_("hx_operator")
    for body, fields in BAD_CERTIFICATES:
        errors = assert_error_items(op.post(f"{V1}/certificates", json=body), *fields)
        assert len(errors) == len(fields), (body, errors)
    assert total(op) == 0

    cert = draft(op)
    for change, field in BAD_GOODS:
        lines = goods()
        lines[0].update(change)
        r = op.put(
            f"{V1}/certificates/{cert['id']}/goods",
            json={"goods": lines},
            headers={"If-Match": '"2"'},
        )
        assert_error_items(r, field)
    r = op.put(f"{V1}/certificates/{cert['id']}/goods", json={}, headers={"If-Match": "2"})
    assert_error_items(r, "goods")
    r = op.put(
        f"{V1}/certificates/{cert['id']}", json={"cert_type": "Z"}, headers={"If-Match": "2"}
    )
    assert_error_items(r, "cert_type")
    r = op.post(f"{V1}/certificates/{cert['id']}/void", json={"reason": "x" * 4001})
    assert_error_items(r, "reason")
    assert op.get(f"{V1}/certificates/{cert['id']}").json()["version"] == 2

    for params, field in (
        ({"page": "one"}, "query.page"),
        ({"created_from": "2025-02-30"}, "query.created_from"),
        ({"sort": "password_hash"}, "query.sort"),
    ):
        assert_error_items(op.get(f"{V1}/certificates", params=params), field)
    assert_error_items(op.get(f"{V1}/certificates/abc"), "path.cert_id")
    assert_error_items(op.get(f"{V1}/certificates/0"), "path.cert_id")
    assert_error_items(op.get(f"{V1}/certificates/{2**64}"), "path.cert_id")
    r = api.client.post(f"{V1}/auth/login", json={"username": "hx_operator"})
    assert_error_items(r, "password")


def test_unknown_ids_are_404(api) -> None:
    op, reviewer = api.as_("hx_operator"), api.as_("dl_reviewer")
    missing = 987654321
    for method, path, body in (
        ("GET", f"{V1}/certificates/{missing}", None),
        ("PUT", f"{V1}/certificates/{missing}", basic()),
        ("PUT", f"{V1}/certificates/{missing}/goods", {"goods": goods()}),
        ("DELETE", f"{V1}/certificates/{missing}", None),
        ("POST", f"{V1}/certificates/{missing}/check", None),
        ("POST", f"{V1}/certificates/{missing}/submit", None),
        ("POST", f"{V1}/certificates/{missing}/copy", None),
        ("POST", f"{V1}/certificates/{missing}/amend-reissue", None),
        ("POST", f"{V1}/certificates/{missing}/void", {"reason": "x"}),
        ("GET", f"{V1}/certificates/{missing}/receipts", None),
        ("GET", f"{V1}/exporters/{missing}", None),
        ("PUT", f"{V1}/importers/{missing}", {"code": "IMP1", "name_en": "X"}),
        ("DELETE", f"{V1}/producers/{missing}", None),
        ("GET", f"{V1}/special-clauses/{missing}", None),
    ):
        r = op.request(method, path, json=body, headers={"If-Match": "1"})
        assert r.status_code == 404, (method, path, r.text)
        assert r.json()["error"] == "not_found"
        assert str(missing) in r.json()["message_en"] and r.json()["message_zh"]
    for method, path, body in (
        ("GET", f"{V1}/review/certificates/{missing}", None),
        ("POST", f"{V1}/review/certificates/{missing}/approve", None),
        ("POST", f"{V1}/review/certificates/{missing}/return", {"reason": "x"}),
    ):
        r = reviewer.request(method, path, json=body)
        assert r.status_code == 404, (method, path, r.text)
    assert op.get(f"{V1}/no-such-endpoint").status_code == 404


MALFORMED = [
    b"{bad json",
    b'{"cert_type": "C",}',
    b'{"cert_type": "C"',
    b"",
    b"[]",
    b"null",
    b'"C"',
    b"\xff\xfe\x00",
    b'{"cert_type": "C", "fob_usd": 1e999999}',
    b"[" * 5000 + b"]" * 5000,
    b'{"cert_type": "C", "fob_usd": NaN}',  # not JSON, though Python's parser takes it
    b'{"cert_type": "C", "fob_usd": -Infinity}',
]


def test_malformed_json_is_422_never_500(api) -> None:
    op = api.as_("hx_operator")
    cert = draft(op)
    json_type = {"Content-Type": "application/json", "If-Match": '"2"'}
    for method, path in (
        ("POST", f"{V1}/certificates"),
        ("PUT", f"{V1}/certificates/{cert['id']}"),
        ("PUT", f"{V1}/certificates/{cert['id']}/goods"),
        ("POST", f"{V1}/exporters"),
        ("POST", f"{V1}/auth/login"),
    ):
        for content in MALFORMED:
            r = op.request(method, path, content=content, headers=json_type)
            assert r.status_code == 422, (method, path, content[:40], r.status_code, r.text)
            assert_error_items(r)
        # a JSON body sent as text is not guessed at
        r = op.request(method, path, content=b'{"cert_type": "C"}', headers={"If-Match": "2"})
        assert r.status_code == 422, (method, path, r.text)
    assert total(op) == 1
    assert op.get(f"{V1}/certificates/{cert['id']}").json()["version"] == 2


def test_malformed_json_names_the_body(api) -> None:
    op = api.as_("hx_operator")
    r = op.post(
        f"{V1}/certificates", content=b"{bad json", headers={"Content-Type": "application/json"}
    )
    (error,) = assert_error_items(r)
    assert error["field"] == "body", error
    assert error["expected_zh"] != error["expected_en"], error  # said in Chinese too


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "field"),
    [
        (
            "post",
            "/api/v1/auth/login",
            {"json": {"username": "a\x00b", "password": "x"}},
            "username",
        ),
        ("get", "/api/v1/exporters", {"params": {"q": "x\x00"}}, "query.q"),
        ("post", "/api/v1/exporters", {"json": {"code": "E1", "name_en": "A\x00"}}, "name_en"),
    ],
)
def test_a_nul_character_is_refused_naming_the_field(api, method, path, kwargs, field) -> None:
    """NUL (U+0000) is never text on a certificate, and PostgreSQL cannot store it."""
    client = api.as_("hx_operator")
    r = getattr(client, method)(path, **kwargs)
    assert r.status_code == 422, r.text
    error = r.json()["errors"][0]
    assert error["field"] == field and error["code"] == "nul_character"
    assert "NUL" in error["expected_en"] and error["expected_zh"]
