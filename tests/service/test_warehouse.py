"""coo_lab.warehouse on a synced demo store: every analysis equals the same figure computed
independently in plain Python from the service's own SQLite store (certificate docs and
receipts), not through the warehouse SQL."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sqlite3
import statistics
from collections import Counter, defaultdict
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import coo_lab
from coo_lab import warehouse
from coo_lab.client import Client
from coo_lab.domain.agreements import agreements
from coo_lab.mirror import DERIVED_COLUMNS, SCHEMA_VERSION, SUMMARIES
from coo_lab.server.demo import build_demo
from coo_lab.server.live import LiveServer

TODAY = date(2026, 11, 1)
ENTERPRISE = "311120218"  # haixing, the enterprise of the login that syncs
CHINA = timezone(timedelta(hours=8))
APPROVED = {"approved", "printed"}


@dataclass
class Store:
    duckdb: Path
    sqlite: Path
    certs: list[dict]  # the docs of haixing's certificates, from SQLite
    returns: list[dict]  # haixing's receipts to 'returned', from SQLite


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def _china_date(text: str) -> date:
    return _when(text).astimezone(CHINA).date()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("warehouse")
    sqlite_path = folder / "demo.sqlite"
    build_demo(sqlite_path, scale=300, today=TODAY)
    path = folder / "coo.duckdb"
    with LiveServer(sqlite_path) as server:
        client = Client(server.url, username="haixing_operator", password="demo-haixing_operator")
        coo_lab.sync(client, path, progress=False)
    with closing(sqlite3.connect(sqlite_path)) as conn:
        docs = [json.loads(doc) for (doc,) in conn.execute("SELECT doc FROM certificates")]
        certs = [d for d in docs if d["enterprise_code"] == ENTERPRISE]
        ids = {d["id"] for d in certs}
        conn.row_factory = sqlite3.Row
        returns = [
            dict(r)
            for r in conn.execute(
                "SELECT * FROM receipts WHERE kind = 'certificate' AND to_status = 'returned'"
            )
            if r["document_id"] in ids
        ]
    assert certs and returns
    return Store(path, sqlite_path, certs, returns)


def _approved(store: Store) -> list[dict]:
    return [d for d in store.certs if d["status"] in APPROVED]


def test_fob_by_agreement_and_month(store: Store) -> None:
    want: dict[tuple, list] = defaultdict(lambda: [0, Decimal(0)])
    for d in _approved(store):
        key = (d["cert_type"], _china_date(d["approved_at"]).replace(day=1))
        want[key][0] += 1
        want[key][1] += Decimal(d["fob_usd"])
    got = warehouse.fob_by(store.duckdb)
    assert list(got.columns) == ["agreement", "month", "certificates", "fob_usd"]
    assert {
        (r.agreement, r.month.date(), r.certificates, round(Decimal(r.fob_usd), 2))
        for r in got.itertuples()
    } == {(*k, n, fob) for k, (n, fob) in want.items()}


def test_fob_by_other_keys_and_filters(store: Store) -> None:
    start, end = date(2026, 1, 1), date(2026, 6, 30)
    rows = [
        d
        for d in _approved(store)
        if start <= _china_date(d["approved_at"]) <= end and d["destination_country"] == "KOR"
    ]
    got = warehouse.fob_by(
        store.duckdb, by=("exporter", "destination"), start=start, end=end, destination="kor"
    )
    assert len(got) == 1 and got.exporter[0] == ENTERPRISE and got.destination[0] == "KOR"
    assert got.certificates[0] == len(rows)
    assert round(Decimal(got.fob_usd[0]), 2) == sum(Decimal(d["fob_usd"]) for d in rows)
    total = warehouse.fob_by(store.duckdb, by=(), agreement="C", exporter=ENTERPRISE)
    general = [d for d in _approved(store) if d["cert_type"] == "C"]
    assert total.certificates[0] == len(general)
    assert round(Decimal(total.fob_usd[0]), 2) == sum(Decimal(d["fob_usd"]) for d in general)
    name = store.certs[0]["exporter"]["name_en"].lower()
    assert warehouse.fob_by(store.duckdb, by=(), exporter=name).certificates[0] > 0
    assert warehouse.fob_by(store.duckdb, by=(), exporter="nobody").certificates[0] == 0
    with pytest.raises(ValueError):
        warehouse.fob_by(store.duckdb, by=("colour",))


def test_approval_times(store: Store) -> None:
    hours: dict[str, list[float]] = defaultdict(list)
    for d in store.certs:
        if d.get("submitted_at") and d.get("approved_at"):
            delta = _when(d["approved_at"]) - _when(d["submitted_at"])
            hours[d["cert_type"]].append(delta.total_seconds() / 3600)
    got = warehouse.approval_times(store.duckdb, by="cert_type").set_index("cert_type")
    assert set(got.index) == set(hours)
    for cert_type, values in hours.items():
        row = got.loc[cert_type]
        assert row.certificates == len(values)
        assert row.median_hours == pytest.approx(statistics.median(values), abs=1e-6)
        p90 = (
            values[0]
            if len(values) == 1
            else statistics.quantiles(values, n=10, method="inclusive")[8]
        )
        assert row.p90_hours == pytest.approx(p90, abs=1e-6)
    # by month: the counts add up to the total
    monthly = warehouse.approval_times(store.duckdb, by=("cert_type", "month"))
    assert monthly.certificates.sum() == sum(len(v) for v in hours.values())


def _codes(returns: list[dict]) -> tuple[Counter[str], Counter[str]]:
    """Occurrences per rule code (REVIEWER for a return without errors) and the reasons."""
    want: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for r in returns:
        codes = [f["code"] for f in json.loads(r["findings"]) if f["severity"] == "error"]
        if codes:
            want.update(codes)
        else:
            want["REVIEWER"] += 1
            reasons[r["reason"]] += 1
    return want, reasons


def test_return_reasons(store: Store) -> None:
    want, reasons = _codes(store.returns)
    got = warehouse.return_reasons(store.duckdb)
    assert dict(zip(got.code, got.returns, strict=True)) == dict(want)
    assert list(got.returns) == sorted(got.returns, reverse=True)
    if reasons:
        row = got.set_index("code").loc["REVIEWER"]
        assert set(row.reasons) == set(reasons)
        assert row.example == reasons.most_common(1)[0][0] or reasons[row.example] == max(
            reasons.values()
        )
    # filtered on the return date
    cut = date(2026, 1, 1)
    later, _ = _codes([r for r in store.returns if _china_date(r["at"]) >= cut])
    got = warehouse.return_reasons(store.duckdb, start=cut)
    assert dict(zip(got.code, got.returns, strict=True)) == dict(later)
    assert warehouse.return_reasons(store.duckdb, start=date(2030, 1, 1)).empty


def test_fta_usage_and_missed_preference(store: Store) -> None:
    covering: dict[str, set[str]] = defaultdict(set)
    for a in agreements():
        if a.preferential:
            for iso3 in a.partners:
                covering[iso3].add(a.code)
    total: dict[str, Decimal] = defaultdict(Decimal)
    preferential: dict[str, Decimal] = defaultdict(Decimal)
    general: dict[str, Decimal] = defaultdict(Decimal)
    missed = []
    for d in _approved(store):
        dest, fob = d["destination_country"], Decimal(d["fob_usd"])
        if dest not in covering:
            continue
        total[dest] += fob
        if d["cert_type"] in covering[dest]:
            preferential[dest] += fob
        if d["cert_type"] == "C":
            general[dest] += fob
            missed.append(d["id"])
    got = warehouse.fta_usage(store.duckdb).set_index("destination")
    assert set(got.index) == set(total)
    for dest, fob in total.items():
        row = got.loc[dest]
        assert round(Decimal(row.fob_usd), 2) == fob
        assert round(Decimal(row.fob_preferential), 2) == preferential[dest]
        assert round(Decimal(row.fob_general), 2) == general[dest]
        assert row.share == pytest.approx(float(preferential[dest] / fob))
        assert set(row.agreements.split(",")) == covering[dest]
    assert general, "the demo has general COs to FTA partners"

    listing = warehouse.missed_preference(store.duckdb)
    assert sorted(listing.id) == sorted(missed)
    assert round(Decimal(listing.fob_usd.sum()), 2) == sum(general.values())
    for row in listing.itertuples():
        assert set(row.agreements.split(",")) == covering[row.destination]
    assert warehouse.missed_preference(store.duckdb, agreement="K").empty
    top = warehouse.missed_preference(store.duckdb, limit=3)
    assert list(top.id) == list(listing.id[:3]) and len(top) == 3


def _bucket(days: int) -> str:
    return "0-1 d" if days <= 1 else "2-7 d" if days <= 7 else "8-30 d" if days <= 30 else "> 30 d"


def test_backlog(store: Store) -> None:
    last_return: dict[int, str] = {}
    for r in store.returns:
        if r["document_id"] not in last_return or _when(r["at"]) > _when(
            last_return[r["document_id"]]
        ):
            last_return[r["document_id"]] = r["at"]
    for as_of in (TODAY, TODAY + timedelta(days=20), TODAY + timedelta(days=400)):
        want: Counter[tuple[str, str]] = Counter()
        for d in store.certs:
            if d["status"] not in {"draft", "submitted", "returned"}:
                continue
            if _china_date(d["created_at"]) > as_of:
                continue
            since = {
                "draft": d["created_at"],
                "submitted": d.get("submitted_at") or d["created_at"],
                "returned": last_return.get(d["id"], d["created_at"]),
            }[d["status"]]
            want[(d["status"], _bucket((as_of - _china_date(since)).days))] += 1
        got = warehouse.backlog(store.duckdb, as_of=as_of)
        assert {(r.status, r.age): r.certificates for r in got.itertuples()} == dict(want), as_of
    assert warehouse.backlog(store.duckdb, as_of=TODAY, agreement="NONE").empty


def test_takes_an_open_connection(store: Store) -> None:
    by_path = warehouse.fob_by(store.duckdb, by="agreement")
    with closing(duckdb.connect(str(store.duckdb), read_only=True)) as con:
        by_con = warehouse.fob_by(con, by="agreement")
    assert by_path.equals(by_con)


# --- the derived columns the sync writes with each certificate (coo_lab.mirror) -------------


def _derived_wanted(approved_at: datetime | None, submitted_at: datetime | None) -> tuple:
    """approved_on, approved_month, approval_us computed in Python from the two instants."""
    if approved_at is None:
        return (None, None, None)
    day = approved_at.astimezone(CHINA).date()
    micros = None
    if submitted_at is not None:
        micros = (approved_at - submitted_at) // timedelta(microseconds=1)
    return (day, day.replace(day=1), micros)


def _derived_rows(path: Path) -> dict[int, tuple]:
    names = ", ".join(DERIVED_COLUMNS)
    with closing(duckdb.connect(str(path), read_only=True)) as con:
        rows = con.execute(f"SELECT id, {names} FROM certificates").fetchall()
    return {row[0]: row[1:] for row in rows}


def test_the_sync_writes_the_derived_columns(store: Store) -> None:
    assert list(DERIVED_COLUMNS) == ["approved_on", "approved_month", "approval_us"]
    got = _derived_rows(store.duckdb)
    assert set(got) == {d["id"] for d in store.certs}
    for d in store.certs:
        want = _derived_wanted(_when(d.get("approved_at")), _when(d.get("submitted_at")))
        assert got[d["id"]] == want, d["id"]
    assert any(v[2] is not None for v in got.values()), "the demo has approved certificates"


def test_a_schema_3_file_gets_the_derived_columns_at_its_next_sync(
    store: Store, tmp_path: Path
) -> None:
    old = tmp_path / "old.duckdb"
    shutil.copy(store.duckdb, old)
    with closing(duckdb.connect(str(old))) as con:  # as schema version 3 left it
        for name in DERIVED_COLUMNS:
            con.execute(f"ALTER TABLE certificates DROP COLUMN {name}")
        con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
        (source,) = con.execute("SELECT source FROM sync_state").fetchone()
    port = int(source.split("#")[0].rsplit(":", 1)[1])  # the file mirrors that service
    with LiveServer(store.sqlite, port=port) as server:
        client = Client(server.url, username="haixing_operator", password="demo-haixing_operator")
        coo_lab.sync(client, old, progress=False)
    with closing(duckdb.connect(str(old), read_only=True)) as con:
        version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    assert version == (str(SCHEMA_VERSION),)
    assert _derived_rows(old) == _derived_rows(store.duckdb)
    assert warehouse.approval_times(old).equals(warehouse.approval_times(store.duckdb))


def _bench_module():
    path = Path(__file__).parents[2] / "bench" / "warehouse.py"
    spec = importlib.util.spec_from_file_location("bench_warehouse", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bench_data_has_the_derived_columns_the_sync_would_write(tmp_path: Path) -> None:
    path = tmp_path / "bench.duckdb"
    _bench_module().build(path, 3000)
    names = ", ".join(DERIVED_COLUMNS)
    with closing(duckdb.connect(str(path), read_only=True)) as con:
        rows = con.execute(f"SELECT approved_at, submitted_at, {names} FROM certificates")
        rows = rows.fetchall()
    assert len(rows) == 3000
    for approved_at, submitted_at, *derived in rows:
        assert tuple(derived) == _derived_wanted(approved_at, submitted_at)
    assert sum(1 for r in rows if r[2] is not None) > 2000


# --- fob_monthly, the summary fob_by reads when its filters allow (coo_lab.mirror) ----------


def _without_summary(source: Path, target: Path) -> Path:
    shutil.copy(source, target)
    with closing(duckdb.connect(str(target))) as con:
        for summary in SUMMARIES:
            con.execute(f"DROP TABLE {summary.table}")
    return target


FOB_CASES = [
    {"by": ("agreement", "month")},
    {"by": ("destination", "exporter")},
    {"by": ()},
    {"by": "month", "agreement": "K", "start": date(2026, 1, 1), "end": date(2026, 6, 30)},
    {"by": ("exporter", "agreement"), "destination": "kor", "start": date(2026, 2, 1)},
    {"by": "destination", "end": date(2026, 2, 28)},
    {"by": "month", "start": date(2026, 1, 2)},  # not whole months: from the certificates
    {"by": "agreement", "exporter": ENTERPRISE},  # an exporter: from the certificates
    {"by": (), "agreement": "NONE"},
]


def test_fob_by_gives_the_same_from_the_summary_and_from_the_certificates(
    store: Store, tmp_path: Path
) -> None:
    bare = _without_summary(store.duckdb, tmp_path / "bare.duckdb")
    for case in FOB_CASES:
        from_summary = warehouse.fob_by(store.duckdb, **case)
        assert from_summary.equals(warehouse.fob_by(bare, **case)), case
    assert warehouse.fob_by(store.duckdb, by=(), agreement="NONE").certificates[0] == 0


APPROVAL_CASES = [
    {},
    {"by": "cert_type"},
    {"by": ("month", "agreement"), "agreement": "K", "start": date(2026, 1, 1)},
    {"by": "month", "end": date(2026, 3, 31)},
    {"by": "month", "start": date(2026, 1, 2)},  # not whole months: from the certificates
    {"by": "destination"},  # not a key of the histogram: from the certificates
    {"by": (), "agreement": "C"},
    {"by": "cert_type", "agreement": "NONE"},
]


def assert_same_approval_times(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Equal, the hours to the last bits: the interpolation done in SQL can differ from
    quantile_cont's compiled arithmetic (a fused multiply-add) by one unit in the last place,
    a ten-billionth of a microsecond."""
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-13, atol=0)


def test_approval_times_gives_the_same_from_the_histogram_and_from_the_certificates(
    store: Store, tmp_path: Path
) -> None:
    bare = _without_summary(store.duckdb, tmp_path / "bare.duckdb")
    for case in APPROVAL_CASES:
        want = warehouse.approval_times(bare, **case)
        assert_same_approval_times(warehouse.approval_times(store.duckdb, **case), want)
    assert len(warehouse.approval_times(store.duckdb)) > 5


def test_a_schema_4_file_gets_the_summaries_at_its_next_sync(store: Store, tmp_path: Path) -> None:
    old = _without_summary(store.duckdb, tmp_path / "old.duckdb")
    with closing(duckdb.connect(str(old))) as con:
        con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
        (source,) = con.execute("SELECT source FROM sync_state").fetchone()
    port = int(source.split("#")[0].rsplit(":", 1)[1])
    with LiveServer(store.sqlite, port=port) as server:
        client = Client(server.url, username="haixing_operator", password="demo-haixing_operator")
        coo_lab.sync(client, old, progress=False)
    with closing(duckdb.connect(str(old), read_only=True)) as con:
        version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        got = [con.execute(f"FROM {s.table} ORDER BY ALL").fetchall() for s in SUMMARIES]
    with closing(duckdb.connect(str(store.duckdb), read_only=True)) as con:
        want = [con.execute(f"FROM {s.table} ORDER BY ALL").fetchall() for s in SUMMARIES]
    assert version == (str(SCHEMA_VERSION),) and got == want and all(got)


def test_the_bench_data_has_the_summary_the_sync_would_write(tmp_path: Path) -> None:
    path = tmp_path / "bench.duckdb"
    _bench_module().build(path, 3000)
    bare = _without_summary(path, tmp_path / "bare.duckdb")
    for case in FOB_CASES:
        assert warehouse.fob_by(path, **case).equals(warehouse.fob_by(bare, **case)), case
    for case in APPROVAL_CASES:
        want = warehouse.approval_times(bare, **case)
        assert_same_approval_times(warehouse.approval_times(path, **case), want)
