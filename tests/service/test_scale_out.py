"""Scale-out: several service processes (``coo-lab serve --workers 3``) on one PostgreSQL, and
several client processes declaring, reviewing and editing at once, while a DuckDB sync runs.

Afterwards: certificate numbers are unique and contiguous in every series, every declaration
is there once, stale versions got 409 and exactly one edit won, one Idempotency-Key made one
certificate across processes, the change feed has no gaps, and the synced DuckDB file equals
the service's state.
"""

from __future__ import annotations

import copy
import multiprocessing
import re
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import requests

from coo_lab import samples
from coo_lab.client import Client
from coo_lab.domain.certificate import NOT_BASIC_INFO
from coo_lab.mirror import sync
from coo_lab.server.live import free_port

from . import store
from .conftest import STORES
from .push_helpers import WebhookReceiver, wait_for
from .test_sync import assert_mirrors

V1 = "/api/v1"
pytestmark = pytest.mark.alone  # 3 service workers, 8 client processes and a sync at once
WORKERS = 3
LN_EXPORTER = {
    "code": "LN001",
    "name_en": "LIAONING NORTHERN MACHINERY CO., LTD.",
    "address_en": "NO. 8 MACHINERY RD., DALIAN, CHINA",
}
HX_TYPES = ("C", "A", "K", "E")


# -- what the client processes run (module-level: they are pickled into spawned children) --


def _session(url: str, username: str) -> requests.Session:
    s = requests.Session()
    r = s.post(f"{url}{V1}/auth/login", json={"username": username, "password": f"pw-{username}"})
    r.raise_for_status()
    s.headers["Authorization"] = f"Bearer {r.json()['token']}"
    return s


@cache
def _template(cert_type: str) -> tuple[dict, dict]:
    """A sample certificate's basic info and goods (built once per process: it is costly)."""
    cert = samples.certificate(cert_type)
    goods = {"goods": cert.model_dump(mode="json")["goods"]}
    return cert.model_dump(mode="json", exclude=NOT_BASIC_INFO), goods


def _body(username: str, cert_type: str, invoice: str) -> tuple[dict, dict]:
    basic, goods = copy.deepcopy(_template(cert_type))
    basic["invoice_number"] = invoice
    if username.startswith("ln_"):
        basic.update(exporter=LN_EXPORTER, producer=None, hand_signer="赵云")
    return basic, goods


def declare(url: str, username: str, tag: str, count: int) -> list[int]:
    """Create, fill, edit once (If-Match) and submit ``count`` certificates."""
    s = _session(url, username)
    ids = []
    for i in range(count):
        cert_type = "C" if username.startswith("ln_") else HX_TYPES[i % len(HX_TYPES)]
        basic, goods = _body(username, cert_type, f"{tag}-{i:04d}")
        r = s.post(f"{url}{V1}/certificates", json=basic)
        r.raise_for_status()
        cert = r.json()
        r = s.put(
            f"{url}{V1}/certificates/{cert['id']}/goods",
            json=goods,
            headers={"If-Match": str(cert["version"])},
        )
        r.raise_for_status()
        edited = {**basic, "remarks": f"edited by {tag}"}
        r = s.put(
            f"{url}{V1}/certificates/{cert['id']}",
            json=edited,
            headers={"If-Match": str(r.json()["version"])},
        )
        r.raise_for_status()
        r = s.post(f"{url}{V1}/certificates/{cert['id']}/submit")
        r.raise_for_status()
        ids.append(cert["id"])
    return ids


def review_until_done(url: str, username: str, declared: Any, deadline_s: float) -> int:
    """Approve what waits in the queue until the declarers are done (``declared``, an Event)
    and the queue is empty, or the deadline; the approvals this process made.

    (Each reviewer waiting for its own share instead sat out the deadline whenever the other
    one had taken more than half.)"""
    s = _session(url, username)
    approved = 0
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        finished = declared.is_set()  # read before the queue: an empty queue after it is final
        items = s.get(f"{url}{V1}/review/queue", params={"page_size": 200}).json()["items"]
        for item in items:
            r = s.post(f"{url}{V1}/review/certificates/{item['id']}/approve", json={})
            if r.status_code == 200:
                approved += 1
            elif r.status_code != 409:  # another reviewer process took it first
                r.raise_for_status()
        if not items:
            if finished:
                break
            time.sleep(0.05)
    return approved


def edit_with(url: str, username: str, cert_id: int, version: int, text: str) -> int:
    """One update carrying the version read earlier: 200 for the winner, 409 for the rest."""
    s = _session(url, username)
    body = copy.deepcopy(_template("C")[0])
    body["remarks"] = text
    r = s.put(f"{url}{V1}/certificates/{cert_id}", json=body, headers={"If-Match": str(version)})
    return r.status_code


def create_with_key(url: str, username: str, key: str, invoice: str) -> int:
    s = _session(url, username)
    basic, _goods = _body(username, "C", invoice)
    r = s.post(f"{url}{V1}/certificates", json=basic, headers={"Idempotency-Key": key})
    r.raise_for_status()
    return int(r.json()["id"])


# -- the service ---------------------------------------------------------------------------


@pytest.fixture
def pg_url(pg_cluster, seeded_pg):
    name = f"scale_{uuid.uuid4().hex[:12]}"
    yield pg_cluster.create_database(name, template=seeded_pg)
    pg_cluster.drop_database(name)


@pytest.fixture
def service(pg_url: str, tmp_path: Path):
    """``coo-lab serve --workers 3`` on the test's PostgreSQL database."""
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    command = [sys.executable, "-m", "coo_lab.cli", "serve", "--db", pg_url]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--workers", str(WORKERS)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if requests.get(f"{url}{V1}/health", timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            log.close()
            pytest.fail("the service did not start: " + (tmp_path / "serve.log").read_text())
        time.sleep(0.2)
    yield url
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


@pytest.fixture
def receiver():
    """A webhook endpoint on a loopback port, recording every post."""
    with WebhookReceiver() as hook:
        yield hook


def _serials(pg_url: str) -> dict[tuple, list[int]]:
    series: dict[tuple, list[int]] = defaultdict(list)
    for (number,) in store.rows(
        pg_url, "SELECT certificate_number FROM certificates WHERE certificate_number IS NOT NULL"
    ):
        prefix, serial = re.fullmatch(r"(.+)/(\d{5})", number).groups()
        series[prefix].append(int(serial))
    return series


# -- the test --------------------------------------------------------------------------------


@pytest.mark.skipif("postgresql" not in STORES, reason="PostgreSQL is not among the stores")
def test_several_processes_on_one_postgresql(
    service: str, pg_url: str, tmp_path: Path, receiver: WebhookReceiver
) -> None:
    url = service
    per_process, hx_processes, ln_processes = 12, 3, 2
    hx_total = per_process * hx_processes
    duck = tmp_path / "coo.duckdb"
    op = Client(url, username="hx_operator", password="pw-hx_operator")
    # status push to a webhook: every worker process runs a dispatcher
    admin = _session(url, "hx_admin")
    r = admin.post(
        f"{url}{V1}/push/subscriptions",
        json={"mode": "enterprise", "channel": "webhook", "webhook_url": receiver.url},
    )
    assert r.status_code == 201, r.text
    receipts_before = store.scalar(pg_url, "SELECT COALESCE(MAX(id), 0) FROM receipts")

    stop = threading.Event()
    sync_errors: list[BaseException] = []

    def keep_syncing() -> None:
        while not stop.is_set():
            try:
                sync(op, duck, progress=False)
            except BaseException as exc:  # the test reports it
                sync_errors.append(exc)
                return

    syncer = threading.Thread(target=keep_syncing)
    syncer.start()
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, ProcessPoolExecutor(8, mp_context=context) as pool:
        declared_all = manager.Event()
        reviewers = [
            pool.submit(review_until_done, url, "dl_reviewer", declared_all, 240) for _ in range(2)
        ]
        declared = [
            pool.submit(declare, url, "hx_operator", f"HX{p}", per_process)
            for p in range(hx_processes)
        ] + [
            pool.submit(declare, url, "ln_operator", f"LN{p}", per_process)
            for p in range(ln_processes)
        ]
        ids = [cid for f in declared for cid in f.result()]
        declared_all.set()
        approved = sum(f.result() for f in reviewers)
        # one draft, five processes editing it with the same version: one wins
        target = Client(url, username="hx_operator", password="pw-hx_operator")
        draft = target.certificates.create(samples.certificate("C"))
        raw = target.certificates.raw(draft.id)
        codes = [
            f.result()
            for f in [
                pool.submit(edit_with, url, "hx_operator", draft.id, raw["version"], f"edit {i}")
                for i in range(5)
            ]
        ]
        # one Idempotency-Key sent by four processes at once: one certificate
        key = uuid.uuid4().hex
        made = {
            f.result()
            for f in [
                pool.submit(create_with_key, url, "hx_operator", key, "IDEMPOTENT-1")
                for _ in range(4)
            ]
        }
    stop.set()
    syncer.join(timeout=120)
    assert not sync_errors, sync_errors

    # every declaration is there once, and all went through
    assert len(ids) == len(set(ids)) == per_process * (hx_processes + ln_processes)
    assert approved == hx_total
    statuses = store.rows(
        pg_url, f"SELECT status FROM certificates WHERE id IN ({','.join(map(str, ids))})"
    )
    assert {s for (s,) in statuses} == {"approved"}
    # numbers never repeat and never skip within a series
    series = _serials(pg_url)
    assert sum(len(v) for v in series.values()) == len(ids)
    for prefix, serials in series.items():
        assert sorted(serials) == list(range(1, len(serials) + 1)), prefix
    # stale versions
    assert sorted(codes) == [200, 409, 409, 409, 409]
    # idempotency across processes
    assert len(made) == 1
    assert (
        store.scalar(
            pg_url, "SELECT COUNT(*) FROM certificates WHERE invoice_number = 'IDEMPOTENT-1'"
        )
        == 1
    )
    # the change feed: 1..n with no gap
    seqs = [s for (s,) in store.rows(pg_url, "SELECT seq FROM changes ORDER BY seq")]
    assert seqs == list(range(1, len(seqs) + 1))
    # the sync that ran throughout, once more at the end, equals the service
    sync(op, duck, progress=False)
    assert_mirrors(op, duck)
    # status push with a dispatcher in every worker: each of hx's status changes posted once
    hx_receipts = store.scalar(
        pg_url,
        "SELECT COUNT(*) FROM receipts r JOIN companies c ON c.id = r.company_id "
        "WHERE c.enterprise_code = ? AND r.id > ? AND r.from_status IS NOT NULL",
        (samples.ENTERPRISE_CODE, receipts_before),
    )
    # (a document's creation as a draft is not news: its first receipt is not pushed)
    assert hx_receipts >= hx_total * 2  # submitted and approved, for each declaration
    posts = wait_for(
        lambda: len(receiver.received()) >= hx_receipts and receiver.received(),
        "every status change pushed",
        timeout=240,
    )
    ids = [p.delivery_id for p in posts]
    assert len(ids) == len(set(ids)) == hx_receipts
