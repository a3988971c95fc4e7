"""The demo store (``coo-lab demo``): what it claims in its summary, and that every row is
what the service itself would have written — documents, numbers, receipts, feed, counters."""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime
from itertools import pairwise
from pathlib import Path

import pytest

from coo_lab import samples
from coo_lab.domain.agreements import CERTIFICATE_TYPES
from coo_lab.domain.certificate import NOT_BASIC_INFO, Certificate
from coo_lab.domain.feed_rows import flatten
from coo_lab.domain.filing import ProductFiling
from coo_lab.domain.numbers import internal_number, parse_certificate_number
from coo_lab.domain.rules import check
from coo_lab.server import certificates as store
from coo_lab.server import verification
from coo_lab.server.app import create_app
from coo_lab.server.clock import china_date, china_today
from coo_lab.server.db import open_database
from coo_lab.server.demo import build_demo, password_for
from coo_lab.server.demo.announcements import NOTICES, PUBLISHER
from coo_lab.server.demo.destinations import PARTNER_COUNTRIES
from coo_lab.server.feed import dumps
from coo_lab.server.review import SYSTEM_ACTOR, context_for
from coo_lab.server.transfer import copy_store

from .conftest import STORES

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

SCALE = 600
LOGIN = re.compile(r"^\s+login (\S+)\s+password (\S+)\s+(\w+)")
SERVER_OWNED = NOT_BASIC_INFO | {"exporter"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A small demo store (today's date, so the live counters continue its series)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    return path, build_demo(path, scale=SCALE, seed=7)


@pytest.fixture(scope="module")
def rows(demo: tuple[Path, list[str]]) -> list[dict]:
    with closing(sqlite3.connect(demo[0])) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM certificates ORDER BY id")]


@pytest.fixture(params=STORES)
def client(
    request: pytest.FixtureRequest, demo: tuple[Path, list[str]], tmp_path: Path
) -> Iterator[TestClient]:
    """The service on a copy of the demo store (tests that write leave the original alone):
    a SQLite file, or a PostgreSQL database filled by ``coo-lab copy-store``."""
    if request.param == "sqlite":
        target: str | Path = tmp_path / "copy.sqlite"
        with closing(sqlite3.connect(demo[0])) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
    else:
        cluster = request.getfixturevalue("pg_cluster")
        name = f"demo_{uuid.uuid4().hex[:12]}"
        target = cluster.create_database(name)
        copied = copy_store(demo[0], target)
        assert copied["certificates"] > 0 and copied["changes"] > 0
    app = create_app(target)
    with TestClient(app) as c:
        yield c
    app.state.db.close()
    if request.param != "sqlite":
        cluster.drop_database(name)


def login(client: TestClient, username: str, password: str | None = None) -> dict[str, str]:
    r = client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": password or password_for(username)},
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_the_summary_lists_logins_that_work_for_every_role(demo, client) -> None:
    _path, lines = demo
    logins = [m.groups() for line in lines if (m := LOGIN.match(line))]
    assert {role for _u, _p, role in logins} == {"admin", "operator", "manager", "reviewer"}
    assert any("demo-<username>" in line for line in lines)
    for username, password, role in logins:
        assert password == f"demo-{username}"
        headers = login(client, username, password)
        me = client.get("/api/v1/auth/me", headers=headers).json()
        assert me["role"] == role
        if role != "reviewer":
            filed = client.get("/api/v1/user-filing", headers=headers).json()["filed"]
            assert filed is not username.startswith("xinghai_"), username  # one has not filed


def test_every_document_is_the_models_json_and_the_columns_match(rows) -> None:
    assert len(rows) >= SCALE
    for row in rows:
        cert = Certificate.model_validate_json(row["doc"])
        assert cert.model_dump_json() == row["doc"], row["id"]
        assert (cert.id, cert.version) == (row["id"], row["version"])
        for column, value in store._columns(cert).items():
            assert row[column] == value, (row["id"], column)
        assert cert.created_at is not None
        assert cert.created_at.isoformat(timespec="microseconds") == row["created_at"]
        if row["status"] in ("approved", "printed") or row["certificate_number"]:
            assert cert.certificate_number and cert.approved_at and cert.signing_date
            assert cert.signing_date == china_date(cert.approved_at)  # as ``review._approve``
            assert cert.application_date <= cert.signing_date


def test_numbers_are_unique_contiguous_per_series_and_the_counters_continue_them(
    demo, rows
) -> None:
    series: dict[tuple, list[tuple[str, int]]] = defaultdict(list)
    for row in rows:
        if row["certificate_number"]:
            n = parse_certificate_number(row["certificate_number"])
            approved = datetime.fromisoformat(row["approved_at"])
            assert n.year == china_date(approved).year  # China's calendar year, as the service
            series[n.series].append((row["approved_at"], n.serial))
    assert sum(len(v) for v in series.values()) == len(
        {r["certificate_number"] for r in rows if r["certificate_number"]}
    )
    with closing(sqlite3.connect(demo[0])) as conn:
        counters = dict(conn.execute("SELECT series, value FROM counters"))
    for (enterprise, cert_type, year), numbered in series.items():
        numbered.sort()
        assert [s for _at, s in numbered] == list(range(1, len(numbered) + 1))  # approval order
        assert counters[f"certificate:{enterprise}:{cert_type}:{year}"] == len(numbered)
    internal: dict[str, list[int]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: r["id"]):
        number = row["internal_number"]
        internal[f"internal:{number[:9]}:{number[9:13]}"].append(int(number[13:]))
    for name, serials in internal.items():
        assert serials == list(range(1, len(serials) + 1))  # taken in creation order
        assert counters[name] == len(serials)


def test_approved_certificates_pass_the_review_and_returned_ones_failed_it(client, rows) -> None:
    db = client.app.state.db
    today = china_today()
    returned = 0
    with db.transaction(write=False) as tx:
        for row in rows:
            cert = Certificate.model_validate_json(row["doc"])
            findings = json.loads(row["findings"])
            if row["status"] in ("approved", "printed"):
                errors = [
                    f
                    for f in check(cert, context_for(tx, row["company_id"], row, cert, today))
                    if f.is_error
                ]
                assert errors == [], (row["id"], errors)
            elif row["status"] == "returned":
                returned += 1
                assert any(f["severity"] == "error" for f in findings), row["id"]
                if row["version"] == 3:  # created, goods saved, submitted and refused
                    again = check(cert, context_for(tx, row["company_id"], row, cert, today))
                    assert {f.code for f in again if f.is_error} == {
                        f["code"] for f in findings if f["severity"] == "error"
                    }
    assert returned


def test_the_smart_review_leaves_no_findings(demo, rows) -> None:
    """Approved on submission (review policy "automatic"), a certificate keeps no findings,
    not even those of an earlier refusal by the rules (``review.submit``)."""
    with closing(sqlite3.connect(demo[0])) as conn:
        smart = {
            i
            for (i,) in conn.execute(
                "SELECT document_id FROM receipts WHERE kind = 'certificate' "
                "AND to_status = 'approved' AND actor = ?",
                (SYSTEM_ACTOR,),
            )
        }
    assert smart
    for row in rows:
        if row["id"] in smart:
            assert json.loads(row["findings"]) == [], row["id"]


def test_types_destinations_and_statuses_look_like_two_years_of_trade(rows) -> None:
    types = Counter(r["cert_type"] for r in rows)
    assert set(types) == set(CERTIFICATE_TYPES)
    assert 0.45 < types["C"] / len(rows) < 0.7
    assert types["C"] > types["E"] > types["F"]
    general = [r for r in rows if r["cert_type"] == "C"]
    assert sum(r["destination_country"] in PARTNER_COUNTRIES for r in general) > 10
    assert {"USA", "JPN", "DEU"} <= {r["destination_country"] for r in general}
    statuses = Counter(r["status"] for r in rows)
    assert statuses["approved"] + statuses["printed"] > 0.9 * len(rows)
    assert statuses["printed"] > statuses["approved"]
    assert statuses["void"] and statuses["returned"]
    fob = sorted(float(r["fob_usd"]) for r in rows)
    assert fob[0] < 2_000 and fob[-1] > 100_000
    first = min(r["created_at"] for r in rows)
    assert (date.today() - date.fromisoformat(first[:10])).days >= 700


def test_amend_reissues_cite_the_original_they_voided(rows) -> None:
    by_id = {r["id"]: r for r in rows}
    reissues = [r for r in rows if r["original_id"]]
    assert reissues
    for row in reissues:
        original = by_id[row["original_id"]]
        cert = Certificate.model_validate_json(row["doc"])
        assert row["category"] == "amend_reissue" and row["cert_type"] != "E"
        assert cert.original_certificate_number == original["certificate_number"]
        assert original["status"] == "void"
        assert original["void_reason"] == (
            f"replaced by amend-reissue {row['certificate_number']} (改证重发)"
        )
        assert original["updated_at"] == row["approved_at"]


def test_receipts_tell_each_certificates_story(demo, rows) -> None:
    with closing(sqlite3.connect(demo[0])) as conn:
        conn.row_factory = sqlite3.Row
        receipts = [dict(r) for r in conn.execute("SELECT * FROM receipts ORDER BY id")]
    assert [r["at"] for r in receipts] == sorted(r["at"] for r in receipts)
    story = defaultdict(list)
    for r in receipts:
        if r["kind"] == "certificate":
            story[r["document_id"]].append(r)
    for row in rows:
        told = story[row["id"]]
        assert told[0]["from_status"] is None and told[0]["to_status"] == "draft"
        assert told[0]["at"] == row["created_at"]
        for before, after in pairwise(told):
            assert after["from_status"] == before["to_status"] or (
                after["from_status"] == "submitted" and before["to_status"] == "submitted"
            )
        assert told[-1]["to_status"] == row["status"], row["id"]
        if row["approved_at"]:
            assert any(r["to_status"] == "approved" and r["at"] == row["approved_at"] for r in told)
            approved = next(r["at"] for r in told if r["to_status"] == "approved")
            hours = (
                datetime.fromisoformat(approved) - datetime.fromisoformat(row["submitted_at"])
            ).total_seconds() / 3600
            assert 0 <= hours < 24 * 20
        if row["submitted_at"]:
            assert [r for r in told if r["to_status"] == "submitted"][-1]["at"] == row[
                "submitted_at"
            ]


def _feed(client: TestClient, username: str) -> list[dict]:
    headers = login(client, username)
    changes: list[dict] = []
    after = 0
    while True:
        # limit 1000 (the maximum) would end after one page: the route asks the feed for
        # limit + 1 rows to see whether more follow, and the feed caps a page at 1000
        page = client.get(
            "/api/v1/changes", params={"after": after, "limit": 999}, headers=headers
        ).json()
        changes += page["changes"]
        after = page["next_after"]
        if not page["has_more"]:
            return changes


def test_the_feed_from_zero_reproduces_the_store(client, demo, rows) -> None:
    seen: dict[tuple[str, int], dict] = {}
    seqs: list[int] = []
    for firm in ("haixing", "ronghua", "lanwan", "huamei"):
        changes = _feed(client, f"{firm}_manager")
        assert [c["at"] for c in changes] == sorted(c["at"] for c in changes)
        for change in changes:
            seen[(change["entity"], change["entity_id"])] = change
            seqs.append(change["seq"])
    assert len(seqs) == len(set(seqs))
    for row in rows:
        change = seen[("certificate", row["id"])]
        cert = Certificate.model_validate_json(row["doc"])
        assert change["data"] == json.loads(dumps(store.view(row, cert)))
        assert change["version"] == row["version"]
        assert datetime.fromisoformat(change["at"]) == datetime.fromisoformat(row["updated_at"])
    with closing(sqlite3.connect(demo[0])) as conn:
        for table, entity in (
            ("receipts", "receipt"),
            ("base_records", "base_record"),
            ("product_filings", "product_filing"),
        ):
            ids = {i for (i,) in conn.execute(f"SELECT id FROM {table}")}
            assert ids and ids == {i for e, i in seen if e == entity}, table
    # the authority sees what was declared, never drafts or base data
    declared = {("certificate", r["id"]) for r in rows if r["status"] != "draft"}
    shown = {
        (c["entity"], c["entity_id"])
        for reviewer in ("reviewer_dalian", "reviewer_shenyang")
        for c in _feed(client, reviewer)
    }
    assert {k for k in shown if k[0] == "certificate"} == declared
    assert not {k for k in shown if k[0] == "base_record"}


def test_each_change_has_its_rows_in_the_row_form(demo) -> None:
    """The builder writes the feed's row form beside each change, as the service does."""
    with closing(sqlite3.connect(demo[0])) as conn:
        stored = {
            seq: (company, authority, text)
            for seq, company, authority, text in conn.execute("SELECT * FROM feed_rows")
        }
        expected = {}
        for seq, company, authority, entity, entity_id, op, version, data in conn.execute(
            "SELECT seq, company_id, authority, entity, entity_id, op, version, data FROM changes"
        ):
            text = flatten(entity, entity_id, op, version, data and json.loads(data))
            if text:
                expected[seq] = (company, authority, text)
    assert stored == expected
    kinds = {text.split("\t", 1)[0] for _, _, text in stored.values()}
    assert {"certificate", "receipt", "base_record", "product_filing"} <= kinds


def test_the_live_service_continues_the_series(client, rows) -> None:
    """A certificate declared and approved through the API takes the next numbers."""
    db = client.app.state.db
    year = datetime.now(UTC).year
    with db.transaction(write=False) as tx:
        company = tx.scalar(
            "SELECT id FROM companies WHERE enterprise_code = ?", (samples.ENTERPRISE_CODE,)
        )
        filings = [
            ProductFiling.model_validate_json(r["doc"])
            for r in tx.all("SELECT doc FROM product_filings WHERE company_id = ?", (company,))
        ]
        internal = tx.scalar(
            "SELECT value FROM counters WHERE series = ?",
            (f"internal:{samples.ENTERPRISE_CODE}:{year}",),
        )
    numbered = [
        parse_certificate_number(r["certificate_number"]).serial
        for r in rows
        if r["certificate_number"]
        and r["certificate_number"].startswith(f"{year % 100:02d}K{samples.ENTERPRISE_CODE}/")
    ]
    operator = login(client, "haixing_operator")
    cert = samples.certificate("K", filings=filings, invoice_number="HX-API-0001")
    body = {**cert.model_dump(mode="json", exclude=SERVER_OWNED), "exporter_code": "010001"}
    r = client.post("/api/v1/certificates", json=body, headers=operator)
    assert r.status_code == 201, r.text
    created, etag = r.json(), r.headers["ETag"]
    assert created["internal_number"] == internal_number(
        samples.ENTERPRISE_CODE, year, (internal or 0) + 1
    )
    goods = {"goods": cert.model_dump(mode="json")["goods"]}
    r = client.put(
        f"/api/v1/certificates/{created['id']}/goods",
        json=goods,
        headers={**operator, "If-Match": etag},
    )
    assert r.status_code == 200, r.text
    r = client.post(f"/api/v1/certificates/{created['id']}/submit", headers=operator)
    assert r.json()["status"] == "submitted" and r.json()["findings"] == [], r.text
    reviewer = login(client, "reviewer_dalian")
    queue = client.get("/api/v1/review/queue", headers=reviewer).json()
    assert created["id"] in {item["id"] for item in queue["items"]}
    r = client.post(f"/api/v1/review/certificates/{created['id']}/approve", headers=reviewer)
    assert r.status_code == 200, r.text
    number = parse_certificate_number(r.json()["certificate_number"])
    assert number.serial == max(numbered, default=0) + 1


def test_the_same_seed_and_day_build_the_same_store(tmp_path: Path) -> None:
    tables = ("certificates", "receipts", "changes", "counters", "product_filings", "base_records")
    tables += ("announcements",)
    dumps_: list[dict[str, list[tuple]]] = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.sqlite"
        build_demo(path, scale=300, seed=11, today=date(2026, 3, 15))
        with closing(sqlite3.connect(path)) as conn:
            dumps_.append(
                {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}
            )
    assert dumps_[0] == dumps_[1]
    other = tmp_path / "c.sqlite"
    build_demo(other, scale=300, seed=12, today=date(2026, 3, 15))
    with closing(sqlite3.connect(other)) as conn:
        assert (
            conn.execute("SELECT * FROM certificates ORDER BY 1").fetchall()
            != dumps_[0]["certificates"]
        )


def test_an_enterprise_user_finds_the_offices_announcements(client) -> None:
    headers = login(client, "haixing_operator")
    notices = client.get("/api/v1/announcements", headers=headers).json()
    assert [n["title"] for n in notices] == [title for _days, title, _body in NOTICES]
    days = [date.fromisoformat(n["published_on"]) for n in notices]
    assert days == sorted(days, reverse=True) and days[0] < date.today()
    assert all("\n" in n["body"] and n["publisher"] == PUBLISHER for n in notices)


def test_adding_to_a_store_does_not_repeat_the_announcements(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    build_demo(path, scale=50, seed=3)
    build_demo(path, scale=50, seed=4, fresh=False)
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT count(*) FROM announcements").fetchone()[0] == len(NOTICES)


def test_printed_certificates_verify_with_their_code_in_a_copy_too(client, demo, rows) -> None:
    # a store moved with copy-store keeps its key: the QR codes already printed still work
    number = next(r["certificate_number"] for r in rows if r["status"] == "printed")
    source = open_database(demo[0])
    try:
        with source.read() as tx:
            code = verification.check_code(tx, number)
    finally:
        source.close()
    answer = client.get(f"/verify/{number}", params={"code": code, "format": "json"}).json()
    assert answer["genuine"] is True and answer["status"] == "printed"


def test_filings_and_data_sync_in_the_demo(client) -> None:
    """Filings under review and returned, a first sync per enterprise, and filings the office
    approved at its counter that "Sync product filings" imports (SPEC §4, §8)."""
    operator = login(client, "ronghua_operator")
    history = client.get("/api/v1/data-sync/runs", headers=operator).json()["items"]
    assert [(h["sync_type"], h["status"], h["count"]) for h in history] == [
        ("product_filings", "completed", 0),
        ("enterprise_info", "completed", 1),
    ]
    profile = client.get("/api/v1/enterprise-profile", headers=operator).json()
    assert profile["synced"] and ("周强", "cancelled") in {
        (h["name"], h["status"]) for h in profile["hand_signers"]
    }
    statuses = {
        row["status"]
        for user in ("ronghua_operator", "lanwan_operator")
        for row in client.get(
            "/api/v1/product-filings", params={"page_size": 500}, headers=login(client, user)
        ).json()["items"]
    }
    assert statuses == {"approved", "submitted", "returned"}
    queue = client.get("/api/v1/review/filing-queue", headers=login(client, "reviewer_dalian"))
    assert queue.json()["total"] == 1  # ronghua's excavator (huamei's coat is Shenyang's)
    run = client.post("/api/v1/data-sync/product-filings", headers=operator).json()
    assert (run["status"], run["count"]) == ("completed", 1)
    imported = client.get(
        "/api/v1/product-filings", params={"hs_code": "841221"}, headers=operator
    ).json()["items"]
    assert [(r["source"], r["status"], len(r["areas"])) for r in imported] == [
        ("authority", "approved", 2)
    ]
    again = client.post("/api/v1/data-sync/product-filings", headers=operator).json()
    assert again["count"] == 0
