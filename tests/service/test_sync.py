"""coo_lab.sync (coo_lab.mirror) against the real service: the DuckDB mirror equals the
service after each kind of change, survives SIGKILL at random moments, and lets readers in
while it runs."""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
import requests

from coo_lab import samples
from coo_lab.client import Client
from coo_lab.errors import CooLabError
from coo_lab.mirror import SCHEMA_VERSION, _readers_waiting, connect_readonly, reading, sync
from coo_lab.rows import to_rows
from coo_lab.server.live import LiveServer

TODAY = date(2026, 11, 1)
TABLES = (
    "certificates",
    "goods_lines",
    "receipts",
    "product_filings",
    "filing_areas",
    "filing_materials",
    "base_records",
    "fob_monthly",
    "approval_histogram",
    "sync_state",
)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


CERT_COLUMNS = [
    "version",
    "status",
    "certificate_number",
    "print_count",
    "void_reason",
    "original_id",
    "cert_type",
    "category",
    "internal_number",
    "invoice_number",
    "enterprise_code",
    "ccpit_code",
    "destination_country",
    "transport_mode",
    "invoice_currency",
    "trade_mode",
    "hand_signer",
]
CERT_TYPED = ("invoice_date", "fob_usd", "invoice_amount", "created_at", "submitted_at")


def assert_mirrors(op: Client, path: Path, *, documents: bool = False) -> None:
    """The file holds exactly what the service shows this user (and each certificate's JSON
    when it keeps the documents)."""
    listing = op.certificates.list()
    views = {int(i): op.certificates.raw(int(i)) for i in listing["id"]} if len(listing) else {}
    receipts = op.receipts()
    base = {
        kind: getattr(op, attr).list()
        for kind, attr in (
            ("exporter", "exporters"),
            ("importer", "importers"),
            ("producer", "producers"),
            ("special_clause", "special_clauses"),
        )
    }
    with reading(path) as con:
        certs = _rows(
            con,
            f"SELECT id, {', '.join(CERT_COLUMNS)}, exporter_name, importer_name, "
            "importer_country, findings, goods_count, doc, "
            + ", ".join(f"CAST({c} AS VARCHAR)" for c in CERT_TYPED)
            + " FROM certificates ORDER BY id",
        )
        assert [c[0] for c in certs] == sorted(views)
        for cid, *values in certs:
            view = views[cid]
            plain = dict(zip(CERT_COLUMNS, values, strict=False))
            assert plain == {c: view[c] for c in CERT_COLUMNS}, cid
            exporter, importer, country, findings, n, doc, *typed = values[len(CERT_COLUMNS) :]
            assert (exporter, importer, country) == (
                view["exporter"]["name_en"],
                view["importer"]["name_en"],
                view["importer"]["country"],
            )
            assert json.loads(findings) == view["findings"] and n == len(view["goods"])
            invoice_date, fob, amount, created, submitted = typed
            assert (invoice_date, fob, amount) == (
                view["invoice_date"],
                view["fob_usd"],
                view["invoice_amount"],
            )
            assert datetime.fromisoformat(created) == datetime.fromisoformat(view["created_at"])
            assert (submitted is None) == (view["submitted_at"] is None)
            if documents:
                assert json.loads(doc) == view
            else:
                assert doc is None
        goods = _rows(
            con,
            "SELECT certificate_id, line_no, hs_code, hs6, description, unit, packages, "
            "origin_criterion, CAST(quantity AS DOUBLE), CAST(fob_usd AS VARCHAR) "
            "FROM goods_lines ORDER BY ALL",
        )
        assert goods == sorted(
            (
                cid,
                g["line_no"],
                g["hs_code"],
                g["hs_code"][:6],
                g["description"],
                g["unit"],
                g["packages"],
                g["origin_criterion"],
                float(g["quantity"]),
                g["fob_usd"],
            )
            for cid, view in views.items()
            for g in view["goods"]
        )
        assert _rows(con, "SELECT * FROM fob_monthly ORDER BY ALL") == _fob_monthly(views)
        histogram = _rows(con, "SELECT * FROM approval_histogram ORDER BY ALL")
        assert histogram == _approval_histogram(views)
        got = _rows(con, "SELECT id, document_id, to_status FROM receipts ORDER BY id")
        want = (
            sorted(zip(receipts["id"], receipts["document_id"], receipts["to_status"], strict=True))
            if len(receipts)
            else []
        )
        assert got == want
        for kind, frame in base.items():
            got = _rows(
                con, f"SELECT id, code, version FROM base_records WHERE kind = '{kind}' ORDER BY id"
            )
            want = (
                sorted(zip(frame["id"], frame["code"], frame["version"], strict=True))
                if len(frame)
                else []
            )
            assert got == want, kind
        cursor = _rows(con, "SELECT cursor FROM sync_state")[0][0]
    assert op.changes(after=cursor)["changes"] == []


def _fob_monthly(views: dict[int, dict]) -> list[tuple]:
    """The rows fob_monthly should hold, from the service's views: the approved/printed
    certificates counted and their FOB summed per destination, exporter, type and China month
    of the approval."""
    groups: dict[tuple, list] = defaultdict(lambda: [0, Decimal(0)])
    for view in views.values():
        if view["status"] not in ("approved", "printed"):
            continue
        approved = datetime.fromisoformat(view["approved_at"].replace("Z", "+00:00"))
        month = approved.astimezone(timezone(timedelta(hours=8))).date().replace(day=1)
        key = (view["destination_country"], view["enterprise_code"], view["cert_type"], month)
        groups[key][0] += 1
        groups[key][1] += Decimal(str(view["fob_usd"] or 0))
    return sorted((*key, n, fob) for key, (n, fob) in groups.items())


def _approval_histogram(views: dict[int, dict]) -> list[tuple]:
    """The rows approval_histogram should hold: the certificates with both timestamps per
    type, China month of the approval and microseconds to approval >> 30, with their sum."""
    groups: dict[tuple, list] = defaultdict(lambda: [0, 0])
    for view in views.values():
        if not (view.get("submitted_at") and view.get("approved_at")):
            continue
        submitted, approved = (
            datetime.fromisoformat(view[k].replace("Z", "+00:00"))
            for k in ("submitted_at", "approved_at")
        )
        micros = (approved - submitted) // timedelta(microseconds=1)
        month = approved.astimezone(timezone(timedelta(hours=8))).date().replace(day=1)
        key = (view["cert_type"], month, micros >> 30)
        groups[key][0] += 1
        groups[key][1] += micros
    return sorted((*key, n, total) for key, (n, total) in groups.items())


@pytest.fixture
def op(live) -> Client:
    return Client(live.url, username="hx_operator", password="pw-hx_operator")


@pytest.mark.parametrize("documents", [False, True], ids=["columns", "documents"])
def test_sync_after_each_kind_of_change(live, op: Client, tmp_path: Path, documents) -> None:
    path = tmp_path / "coo.duckdb"
    reviewer = Client(live.url, username="dl_reviewer", password="pw-dl_reviewer")

    def step() -> None:
        sync(op, path, progress=False)  # the file's own choice of documents
        assert_mirrors(op, path, documents=documents)

    first = sync(op, path, progress=False, documents=documents)  # the seed's product filings
    assert first.changes > 0 and first.pages >= 1
    filings = samples.product_filings()
    with reading(path) as con:
        assert _rows(con, "SELECT value FROM meta")[0][0] == str(SCHEMA_VERSION)
        assert _rows(con, "SELECT count(*) FROM product_filings")[0][0] == len(filings)
        assert _rows(con, "SELECT count(*) FROM filing_areas")[0][0] == sum(
            len(f.areas) for f in filings
        )
        assert _rows(con, "SELECT count(*) FROM filing_materials")[0][0] == sum(
            len(f.materials) for f in filings
        )
        assert _rows(con, "SELECT hs_code, name_en FROM product_filings ORDER BY id LIMIT 1") == [
            (filings[0].hs_code, filings[0].name_en)
        ]
    assert_mirrors(op, path, documents=documents)
    with pytest.raises(CooLabError, match=f"documents={documents}"):
        sync(op, path, progress=False, documents=not documents)

    exporter = op.exporters.create(samples.EXPORTER)  # base data: create, update, delete
    step()
    op.exporters.update(exporter["id"], {**exporter, "phone": "+86-411-1"}, exporter["version"])
    clause = op.special_clauses.create({"code": "SC001", "text": "clause"})
    step()
    op.special_clauses.delete(clause["id"], clause["version"])
    step()

    cert = op.certificates.create(samples.certificate("K"))  # a draft with its goods
    step()
    cert = op.certificates.save_goods(cert.id, cert.goods, cert.version)  # goods saved again
    step()
    assert op.certificates.submit(cert.id)["status"] == "submitted"
    step()
    reviewer.review.approve(cert.id)
    step()
    second = op.certificates.create(samples.certificate("K", invoice_number="HXSECOND"))
    op.certificates.submit(second.id)  # fob_monthly: its group grows
    reviewer.review.approve(second.id)
    step()

    other = op.certificates.create(samples.certificate("C"))
    op.certificates.submit(other.id)
    reviewer.review.return_(other.id, "wrong importer")
    step()
    op.certificates.submit(other.id)
    reviewer.review.approve(other.id)
    step()
    op.certificates.void(other.id, "not needed")  # fob_monthly: its group goes
    step()

    reissue = op.certificates.amend_reissue(cert.id)
    step()
    op.certificates.submit(reissue.id)
    reviewer.review.approve(reissue.id)  # voids the original
    step()
    with reading(path) as con:
        assert _rows(con, f"SELECT status FROM certificates WHERE id = {cert.id}") == [("void",)]

    draft = op.certificates.create(samples.certificate("C"))
    step()
    op.certificates.delete(draft.id, draft.version)  # its goods and receipts go with it
    step()

    with reading(path) as con:
        for sql in (
            f"SELECT count(*) FROM goods_lines WHERE certificate_id = {draft.id}",
            f"SELECT count(*) FROM receipts WHERE kind = 'certificate' "
            f"AND document_id = {draft.id}",
        ):
            assert _rows(con, sql) == [(0,)]

    sheet = pd.DataFrame(  # bulk work: drafts made many per transaction, then corrected
        [
            row | {"invoice_number": f"HXBULK{i}"}
            for i in (1, 2)
            for row in to_rows(samples.certificate("K"))
        ]
    )
    made = op.bulk_create(sheet, dry_run=False).ids
    step()
    versions = op.certificates.list().set_index("id").loc[made, ["version"]].reset_index()
    op.bulk_update(versions.assign(remarks="CHECKED"), dry_run=False)
    step()
    again = sync(op, path, progress=False)
    assert (again.changes, again.pages) == (0, 0)


def test_a_file_mirrors_one_source(live, op: Client, tmp_path: Path) -> None:
    path = tmp_path / "coo.duckdb"
    sync(op, path, progress=False)
    other = Client(live.url, username="ln_operator", password="pw-ln_operator")
    with pytest.raises(CooLabError, match="mirrors"):
        sync(other, path, progress=False)
    with pytest.raises(CooLabError, match="no synced data"):
        connect_readonly(tmp_path / "missing.duckdb")


class _CutOnce(BaseHTTPRequestHandler):
    """A loopback proxy to the service that cuts the first feed page off halfway."""

    def do_GET(self) -> None:
        server = self.server
        headers = {k: self.headers[k] for k in ("Authorization", "Accept") if self.headers[k]}
        answer = requests.get(server.upstream + self.path, headers=headers, timeout=30)
        body = answer.content
        self.send_response(answer.status_code)
        for name in ("Content-Type", "X-Next-After", "X-Has-More", "X-Changes"):
            if name in answer.headers:
                self.send_header(name, answer.headers[name])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.path.startswith("/api/v1/changes") and not server.cut:
            server.cut = True
            body = body[: len(body) // 2]  # and the connection closes (HTTP/1.0)
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _sync_via(
    handler: type[_CutOnce], live, op: Client, path: Path, **options: Any
) -> tuple[Any, ThreadingHTTPServer]:
    """A sync of ``op``'s feed through a loopback proxy (``handler``) to the service; the
    sync's result and the proxy."""
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    proxy.upstream, proxy.cut = live.url, False
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        token = op.session.headers["Authorization"].split()[1]
        via_proxy = Client(f"http://127.0.0.1:{proxy.server_port}", token=token)
        return sync(via_proxy, path, progress=False, **options), proxy
    finally:
        proxy.shutdown()
        proxy.server_close()


def test_a_page_cut_off_is_fetched_again(live, op: Client, tmp_path: Path) -> None:
    result, proxy = _sync_via(_CutOnce, live, op, tmp_path / "coo.duckdb")
    assert proxy.cut and result.changes > 0
    assert_mirrors(op, tmp_path / "coo.duckdb")


class _WithoutRowForm(_CutOnce):
    """A loopback proxy that passes the feed on as a service without the row form would:
    the ``form`` and ``documents`` parameters dropped, so the answer is the JSON form."""

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = [
            (k, v) for k, v in urllib.parse.parse_qsl(url.query) if k not in ("form", "documents")
        ]
        self.path = urllib.parse.urlunsplit(url._replace(query=urllib.parse.urlencode(query)))
        self.server.cut = True  # nothing cut here
        super().do_GET()


@pytest.mark.parametrize("documents", [False, True], ids=["columns", "documents"])
def test_a_service_without_the_row_form_is_synced_from_its_json(
    live, op: Client, tmp_path: Path, documents: bool
) -> None:
    op.certificates.create(samples.certificate("C"))
    path = tmp_path / "coo.duckdb"
    result, _ = _sync_via(_WithoutRowForm, live, op, path, documents=documents)
    assert result.certificates == 1
    assert_mirrors(op, tmp_path / "coo.duckdb", documents=documents)


# --- kills and readers: another process on a demo store ----------------------------------------

CHILD_SYNC = """
import sys
import coo_lab
url, path, page_size, hold = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
client = coo_lab.Client(url, username="haixing_operator", password="demo-haixing_operator")
print("started", flush=True)
coo_lab.sync(client, path, progress=False, page_size=page_size, pages_per_commit=1, hold=hold,
             reader_pause=0.02)
print("done", flush=True)
"""

CHILD_READER = """
import json, sys, time
from datetime import date
from pathlib import Path
from coo_lab import warehouse
from coo_lab.mirror import reading
path, stop = Path(sys.argv[1]), Path(sys.argv[2])
errors, counts, reads, analyses = [], [], 0, 0
while not path.exists():
    time.sleep(0.005)
while not stop.exists():
    try:
        with reading(path, timeout=30) as con:  # one committed state for all of these
            n = con.execute("SELECT count(*) FROM certificates").fetchall()[0][0]
            r = con.execute("SELECT count(*) FROM receipts").fetchall()[0][0]
            fob = warehouse.fob_by(con, by="agreement")
            assert fob.certificates.sum() <= n
            warehouse.approval_times(con)
            warehouse.return_reasons(con)
            warehouse.fta_usage(con)
            warehouse.missed_preference(con, limit=10)
            backlog = warehouse.backlog(con, as_of=date(2026, 11, 1))
            assert backlog.certificates.sum() <= n
            counts.append((n, r))
        warehouse.fob_by(path, by="month")  # a call by path opens (and waits) on its own
        reads += 1
        analyses += 7
    except Exception as exc:
        errors.append(repr(exc))
    time.sleep(0.002)
print(json.dumps({"errors": errors, "counts": counts, "reads": reads, "analyses": analyses}))
"""


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from coo_lab.server.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    build_demo(path, scale=300, today=TODAY)
    return path


@pytest.fixture
def demo(demo_store: Path, tmp_path: Path):
    store = tmp_path / "demo.sqlite"
    shutil.copy(demo_store, store)
    with LiveServer(store) as server:
        yield server


def _child(script: str, *args: object, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
        **kwargs,
    )


def _reap(child: subprocess.Popen) -> None:
    """Kill a child still running and close its pipes."""
    if child.poll() is None:
        child.kill()
    child.communicate()


def _table(con: duckdb.DuckDBPyConnection, db: str, table: str) -> list[tuple]:
    cols = "* EXCLUDE (updated_at)" if table == "sync_state" else "*"
    return con.execute(f"SELECT {cols} FROM {db}.{table} ORDER BY ALL").fetchall()


def test_resume_after_kills_at_random_moments(demo, tmp_path: Path) -> None:
    op = Client(demo.url, username="haixing_operator", password="demo-haixing_operator")
    reference = tmp_path / "reference.duckdb"
    sync(op, reference, progress=False)
    assert_mirrors(op, reference)
    with reading(reference) as con:
        for table, key in KEYS.items():
            assert _repeated(con, table, key) == [], table
    rng = random.Random(2026)
    mid_sync = 0
    for i in range(20):
        path = tmp_path / f"killed{i}.duckdb"
        child = _child(CHILD_SYNC, demo.url, path, 20, 0.05, stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "started"
        if i % 4 == 0:  # every fourth kill waits for a first commit: mid-sync for sure
            _wait_for_a_commit(path)
        else:
            time.sleep(rng.uniform(0.0, 0.6))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        if path.exists():
            with reading(path) as con:
                cursor = con.execute("SELECT cursor FROM sync_state").fetchall()[0][0]
            mid_sync += 0 < cursor < sync_cursor(reference)
        sync(op, path, progress=False)  # the resume
        assert not path.with_name(f".{path.name}.spool").exists()  # the killed run's pages too
        con = duckdb.connect()
        con.execute(f"ATTACH '{reference}' AS ref (READ_ONLY)")
        con.execute(f"ATTACH '{path}' AS got (READ_ONLY)")
        for table in TABLES:  # 0 lost, 0 duplicated: equal to an uninterrupted sync
            assert _table(con, "got", table) == _table(con, "ref", table), (i, table)
        for table, key in KEYS.items():  # the bulk tables have no key index: check them
            assert _repeated(con, f"got.{table}", key) == [], (i, table)
        con.close()
    assert mid_sync >= 4, f"only {mid_sync} of 20 kills landed mid-sync"


KEYS = {"certificates": "id", "goods_lines": "certificate_id, line_no", "receipts": "id"}


def _repeated(con: duckdb.DuckDBPyConnection, table: str, key: str) -> list[tuple]:
    return con.execute(f"SELECT {key} FROM {table} GROUP BY ALL HAVING count(*) > 1").fetchall()


def _wait_for_a_commit(path: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            with reading(path, timeout=timeout) as con:
                if con.execute("SELECT cursor FROM sync_state").fetchall()[0][0] > 0:
                    return
        time.sleep(0.01)
    raise AssertionError(f"no commit in {path} within {timeout} s")


def sync_cursor(path: Path) -> int:
    with reading(path) as con:
        return con.execute("SELECT cursor FROM sync_state").fetchall()[0][0]


def test_a_reader_process_runs_the_analyses_while_a_sync_runs(demo, tmp_path: Path) -> None:
    path, stop = tmp_path / "coo.duckdb", tmp_path / "stop"
    with contextlib.ExitStack() as children:  # a failed test leaves no process behind
        reader = _child(CHILD_READER, path, stop, stdout=subprocess.PIPE, text=True)
        children.callback(_reap, reader)
        writer = _child(CHILD_SYNC, demo.url, path, 20, 0, stdout=subprocess.PIPE, text=True)
        children.callback(_reap, writer)
        out, _ = writer.communicate(timeout=240)  # a hang guard: the machine may be loaded
        assert writer.returncode == 0 and out.split() == ["started", "done"]
        time.sleep(0.1)
        stop.touch()
        report = json.loads(reader.communicate(timeout=60)[0])
    assert report["errors"] == []
    counts = [tuple(c) for c in report["counts"]]
    assert len(counts) >= 5, "the reader never got in while the sync ran"
    assert report["analyses"] == 7 * report["reads"]  # every warehouse analysis, every round
    for column in zip(*counts, strict=True):  # it grew and never shrank
        assert list(column) == sorted(column)
    assert len(set(counts)) > 2
    op = Client(demo.url, username="haixing_operator", password="demo-haixing_operator")
    assert_mirrors(op, path)


HOLDER = """
import sys
import duckdb
con = duckdb.connect(sys.argv[1])
con.execute("CREATE TABLE IF NOT EXISTS t (i INTEGER)")
print("open", flush=True)
sys.stdin.read()
con.close()
"""


def test_a_waiting_reader_says_so_and_a_dead_ones_marker_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "coo.duckdb"
    folder = tmp_path / ".coo.duckdb.readers"
    holder = _child(HOLDER, path, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "open"
    got: list[object] = []
    reader = threading.Thread(target=lambda: got.append(connect_readonly(path, timeout=60)))
    reader.start()
    deadline = time.monotonic() + 60
    while not _readers_waiting(path):  # the reader is locked out and has said so
        assert time.monotonic() < deadline and reader.is_alive()
        time.sleep(0.01)
    holder.stdin.close()  # the writer lets go: the reader gets in and takes its marker away
    holder.wait(timeout=60)
    holder.stdout.close()
    reader.join(timeout=60)
    got[0].close()
    assert not folder.exists() and not _readers_waiting(path)
    folder.mkdir()
    (folder / "999999999.1").touch()  # a reader killed while it waited
    assert not _readers_waiting(path) and list(folder.iterdir()) == []


def test_a_json_answer_is_spooled_in_the_row_form_duckdb_reads(tmp_path: Path) -> None:
    from coo_lab.mirror import LOAD_PAGES, _spool

    text = '第三方发票\tINVOICED BY "X"\nline two \\ end'
    clause = {"kind": "special_clause", "code": "SC1", "text": text, "version": 1}
    changes = [
        {"seq": 7, "entity": "base_record", "entity_id": 3, "op": "create", "version": 1,
         "at": "2026-11-01T08:00:00+00:00", "data": clause},
        {"seq": 8, "entity": "enterprise_profile", "entity_id": 1, "op": "create",
         "version": 1, "at": "2026-11-01T08:30:00+00:00", "data": {"name": "kept elsewhere"}},
        {"seq": 9, "entity": "base_record", "entity_id": 3, "op": "delete", "version": 2,
         "at": "2026-11-01T09:00:00+00:00", "data": None},
    ]  # fmt: skip
    page = _spool(
        tmp_path / "7.tsv", {"changes": changes, "next_after": 9, "has_more": False}, 6, False
    )
    assert (page.changes, page.next_after, page.has_more) == (3, 9, False)
    con = duckdb.connect()
    con.execute(LOAD_PAGES, [[str(page.path)]])
    rows = con.execute(
        "SELECT seq, kind, key, op, version, string_split(payload, chr(29)) "
        "FROM page_rows ORDER BY seq"
    ).fetchall()
    assert [row[:5] for row in rows] == [
        (7, "base_record", 3, "create", 1),
        (9, "base_record", 3, "delete", 2),
    ]
    fields = rows[0][5]  # kind, version, code, name (the text: no name_en), …, the document
    assert fields[:4] == ["special_clause", "1", "SC1", text]
    assert json.loads(fields[-1]) == clause
    assert rows[1][5] is None  # a delete: no payload


def test_coo_lab_sync_on_the_command_line(live, tmp_path: Path, capsys) -> None:
    from coo_lab.cli import main

    path = tmp_path / "coo.duckdb"
    login = ["--url", live.url, "--username", "hx_operator", "--password", "pw-hx_operator"]
    assert main(["sync", *login, "--db", str(path), "--no-progress", "--documents"]) == 0
    assert "changes" in capsys.readouterr().out
    op = Client(live.url, username="hx_operator", password="pw-hx_operator")
    op.certificates.create(samples.certificate("C"))
    assert main(["sync", *login, "--db", str(path), "--no-progress"]) == 0  # the file's choice
    assert_mirrors(op, path, documents=True)
    assert main(["sync", *login, "--db", str(path), "--no-progress", "--no-documents"]) == 2
    assert "documents=True" in capsys.readouterr().err
