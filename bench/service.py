"""The service over real sockets: declarations per second and the automatic review's latency.

A store is seeded in a temporary directory (one CCPIT office; an enterprise with the manual
review policy and one with "automatic", both with approved product filings for every
agreement), the real server (``LiveServer``: uvicorn on a loopback port) is started in a child
process, and several client threads with ``requests`` sessions drive it:

1. declarations with the full review: create the draft, save its goods, submit (the review
   rules run with the full context), for a mix of the 15 types under the manual policy —
   submit calls/s (target ≥ 300/s) and whole create+goods+submit cycles/s;
2. the automatic review ("smart review"): the time from sending ``POST /submit`` to having
   the approved receipt from ``GET /certificates/{id}/receipts`` — p50 < 50 ms, p99 < 200 ms
   with all client threads at work (and, for reference, with one client alone);
3. a baseline measured on the same server with the same clients: ``GET /api/v1/health``
   requests/s, and each figure's ratio to it.

The server runs in its own process so that the clients' Python does not share its GIL: on a
small machine the two would otherwise slow each other down and the figures would say more
about the clients than about the service. On Linux the server's CPU time per request is
printed too: unlike the rates, it hardly depends on what else the machine is doing. Nothing
is asserted; each figure is printed beside its target with OK or BELOW.

    python bench/service.py               # ~45 s
    python bench/service.py --quick       # a smoke run (CI): same code paths, a few seconds
    python bench/service.py --clients 8   # more client threads (default 4)
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import requests

from coo_lab import samples
from coo_lab.domain.agreements import CERTIFICATE_TYPES
from coo_lab.domain.certificate import NOT_BASIC_INFO
from coo_lab.domain.parties import UserFiling
from coo_lab.server import registry, setup
from coo_lab.server.auth import Role
from coo_lab.server.db import open_database
from coo_lab.server.live import free_port

TARGET_SUBMITS = 300  # submit calls per second
TARGET_P50_MS = 50
TARGET_P99_MS = 200

API = "/api/v1"
MANUAL, AUTOMATIC = "manual", "auto"
COMPANIES = {
    # user prefix: (enterprise code, review policy, registered English name)
    MANUAL: (samples.ENTERPRISE_CODE, "manual", samples.ENTERPRISE.name_en),
    AUTOMATIC: ("210200777", "automatic", "LIAONING NORTHERN MACHINERY CO., LTD."),
}


# -- the store and the server ------------------------------------------------------------


def seed(path: Path | str) -> None:
    """One office, two filed enterprises (manual and automatic review), their operators."""
    db = open_database(path)
    signers = [h.model_dump(mode="json") for h in samples.ENTERPRISE.hand_signers]
    filings = samples.product_filings()
    with db.transaction() as tx:
        office = setup.create_office(
            tx, samples.CCPIT_CODE, "CCPIT DALIAN", "大连市贸促会", "DALIAN, CHINA"
        )
        setup.add_users(tx, None, [("reviewer", "pw-reviewer", Role.REVIEWER)], office)
        for prefix, (code, policy, name_en) in COMPANIES.items():
            setup.register_enterprise(
                tx, samples.CCPIT_CODE, code, name_en, "", signers, review_policy=policy
            )
            company = setup.create_company(tx, name_en)
            user = f"{prefix}_operator"
            setup.add_users(tx, company, [(user, f"pw-{user}", Role.OPERATOR)])
            signer = samples.ENTERPRISE.hand_signers[0].name
            registry.file_user(
                tx,
                company,
                UserFiling(ccpit_code=samples.CCPIT_CODE, enterprise_code=code, hand_signer=signer),
            )
            for filing in filings:
                setup.add_product_filing(tx, company, filing.model_copy(deep=True))
    db.close()


def _serve(db_path: str, urls: Any, stop: Any) -> None:
    from coo_lab.server.live import LiveServer

    with LiveServer(db_path) as server:
        urls.put(server.url)
        stop.wait()


class Server:
    """``LiveServer`` in a child process (its own GIL); ``url`` once it listens."""

    def __init__(self, db_path: Path) -> None:
        context = multiprocessing.get_context("spawn")
        self._urls = context.Queue()
        self._stop = context.Event()
        self._process = context.Process(
            target=_serve, args=(str(db_path), self._urls, self._stop), daemon=True
        )
        self.url = ""

    def cpu_seconds(self) -> float | None:
        """CPU time the server process has used so far (Linux; None elsewhere)."""
        try:
            fields = Path(f"/proc/{self._process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __enter__(self) -> Server:
        self._process.start()
        deadline = time.monotonic() + 60
        while not self.url:
            try:
                self.url = self._urls.get(timeout=0.1)
            except queue.Empty:
                if not self._process.is_alive() or time.monotonic() > deadline:
                    raise RuntimeError("the server process did not start") from None
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._process.join(timeout=15)
        if self._process.is_alive():
            self._process.terminate()


def _tree_cpu(root: int) -> float | None:
    """CPU seconds used by a process and all its descendants (Linux; None elsewhere)."""
    stats: dict[int, tuple[int, float]] = {}
    try:
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                ticks = int(fields[11]) + int(fields[12])
                stats[int(entry.name)] = (int(fields[1]), ticks / os.sysconf("SC_CLK_TCK"))
    except OSError:
        return None
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += stats.get(pid, (0, 0.0))[1]
        todo.extend(child for child, (parent, _) in stats.items() if parent == pid)
    return total


class ServeProcess:
    """``coo-lab serve --workers N`` as a child process: the deployment of many processes."""

    def __init__(self, store: str, workers: int) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._command = [sys.executable, "-m", "coo_lab.cli", "serve", "--db", store]
        self._command += ["--port", str(self.port), "--workers", str(workers)]
        self._process: subprocess.Popen[bytes] | None = None

    def cpu_seconds(self) -> float | None:
        return _tree_cpu(self._process.pid) if self._process else None

    def __enter__(self) -> ServeProcess:
        self._process = subprocess.Popen(self._command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(f"{self.url}{API}/health", timeout=2).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"coo-lab serve did not start: {self._command}")
            time.sleep(0.2)

    def __exit__(self, *exc: object) -> None:
        assert self._process is not None
        self._process.terminate()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


# -- clients -------------------------------------------------------------------------------


class Client:
    """A keep-alive session of one user."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body: bytes | None = None, **headers: str) -> Any:
        if body is not None:
            headers["Content-Type"] = "application/json"
        r = self.session.request(method, self.url + path, data=body, headers=headers, timeout=30)
        if r.status_code >= 400:
            raise RuntimeError(f"{method} {path}: {r.status_code} {r.text[:300]}")
        return r


def login(url: str, username: str) -> str:
    r = requests.post(
        f"{url}{API}/auth/login",
        json={"username": username, "password": f"pw-{username}"},
        timeout=30,
    )
    r.raise_for_status()
    return r.json()["token"]


@cache
def templates() -> list[tuple[dict[str, Any], bytes]]:
    """A certificate of each of the 15 types: its basic info, its goods (JSON)."""
    out = []
    for cert_type in CERTIFICATE_TYPES:
        cert = samples.certificate(cert_type)
        basic = cert.model_dump(mode="json", exclude=NOT_BASIC_INFO)
        out.append((basic, json.dumps({"goods": cert.model_dump(mode="json")["goods"]}).encode()))
    return out


def declarations(prefix: str, tag: str, count: int) -> list[tuple[bytes, bytes]]:
    """``count`` (create body, goods body) pairs, JSON-encoded ahead of time, the 15 types in
    turn, each with an invoice number of its own (a repeated one is a review finding)."""
    # the exporter under the enterprise's registered English name (a review rule checks it)
    exporter = {**samples.EXPORTER.model_dump(mode="json"), "name_en": COMPANIES[prefix][2]}
    out = []
    for i in range(count):
        basic, goods = templates()[i % len(CERTIFICATE_TYPES)]
        body = {**basic, "exporter": exporter, "invoice_number": f"BENCH-{tag}-{i:06d}"}
        out.append((json.dumps(body, ensure_ascii=False).encode(), goods))
    return out


@dataclass
class Run:
    """One timed phase: requests done, wall time, the server's CPU time, the results."""

    count: int
    seconds: float
    server_cpu: float | None
    results: list[Any]

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    def cpu_ms(self) -> str:
        if self.server_cpu is None:
            return ""
        return f", server CPU {1000 * self.server_cpu / self.count:.2f} ms each"


def in_threads(
    server: Server | ServeProcess, clients: list[Client], work: Callable[[int, Client], list[Any]]
) -> Run:
    """Run ``work(i, client)`` in one thread per client, all started together, and time them
    from the start to the last one done; each returns a list, one item per unit of work."""
    results: list[Any] = [[] for _ in clients]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(clients) + 1)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i, clients[i])
        except BaseException as exc:  # raised after the others are done
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    cpu = server.cpu_seconds()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    after = server.cpu_seconds()
    if errors:
        raise errors[0]
    used = after - cpu if cpu is not None and after is not None else None
    return Run(sum(len(r) for r in results), seconds, used, results)


def create_draft(client: Client, basic: bytes, goods: bytes) -> int:
    r = client.call("POST", f"{API}/certificates", basic)
    cert_id = r.json()["id"]
    client.call(
        "PUT", f"{API}/certificates/{cert_id}/goods", goods, **{"If-Match": r.headers["ETag"]}
    )
    return cert_id


def submit(client: Client, cert_id: int) -> str:
    return client.call("POST", f"{API}/certificates/{cert_id}/submit").json()["status"]


# -- the measurements ---------------------------------------------------------------------


def health(server: Server | ServeProcess, clients: list[Client], seconds: float) -> Run:
    def work(_i: int, client: Client) -> list[None]:
        done, deadline = [], time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            client.call("GET", f"{API}/health")
            done.append(None)
        return done

    return in_threads(server, clients, work)


def full_review(
    server: Server | ServeProcess, clients: list[Client], per_client: int
) -> dict[str, Run]:
    """Drafts (create + goods), then their submits, timed apart; then whole cycles."""
    batches = [declarations(MANUAL, f"S{i}", per_client) for i in range(len(clients))]
    drafts = in_threads(
        server, clients, lambda i, c: [create_draft(c, *pair) for pair in batches[i]]
    )
    submits = in_threads(server, clients, lambda i, c: [submit(c, n) for n in drafts.results[i]])
    batches = [declarations(MANUAL, f"C{i}", per_client) for i in range(len(clients))]
    cycles = in_threads(
        server, clients, lambda i, c: [submit(c, create_draft(c, *pair)) for pair in batches[i]]
    )
    return {"drafts": drafts, "submits": submits, "cycles": cycles}


def automatic_latency(server: Server, clients: list[Client], per_client: int, tag: str) -> Run:
    """Milliseconds from sending the submit to holding the approved receipt, per certificate."""
    batches = [declarations(AUTOMATIC, f"{tag}{i}", per_client) for i in range(len(clients))]
    drafts = in_threads(
        server, clients, lambda i, c: [create_draft(c, *pair) for pair in batches[i]]
    )

    def work(i: int, client: Client) -> list[float]:
        latencies = []
        for cert_id in drafts.results[i]:
            start = time.perf_counter()
            client.call("POST", f"{API}/certificates/{cert_id}/submit")
            while True:
                receipts = client.call("GET", f"{API}/certificates/{cert_id}/receipts").json()
                statuses = {r["to_status"] for r in receipts}
                if "approved" in statuses:
                    break
                if "returned" in statuses:
                    raise RuntimeError(f"certificate {cert_id} was returned: {receipts[0]}")
                time.sleep(0.001)
            latencies.append((time.perf_counter() - start) * 1000)
        return latencies

    return in_threads(server, clients, work)


def percentile(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def verdict(ok: bool) -> str:
    return "OK" if ok else "BELOW"


def postgres_runs(clients: int, per_client: int, workers: tuple[int, ...]) -> list[tuple[int, Run]]:
    """The submit phase against ``coo-lab serve --workers N`` on a throwaway PostgreSQL."""
    from coo_lab.server.pgcluster import Cluster

    runs = []
    with Cluster() as pg:
        for count in workers:
            store = pg.create_database(f"bench_{count}")
            seed(store)
            with ServeProcess(store, count) as server:
                token = login(server.url, f"{MANUAL}_operator")
                sessions = [Client(server.url, token) for _ in range(clients)]
                health(server, sessions, 0.5)  # every worker warm
                runs.append((count, full_review(server, sessions, per_client)["submits"]))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    parser.add_argument("--clients", type=int, default=4, help="client threads (default 4)")
    parser.add_argument(
        "--no-postgres", dest="postgres", action="store_false", help="skip the PostgreSQL runs"
    )
    args = parser.parse_args()
    n = args.clients
    per_client = 8 if args.quick else 150  # certificates per client and phase
    latency_per_client = 6 if args.quick else 100
    health_seconds = 0.3 if args.quick else 3.0

    with tempfile.TemporaryDirectory(prefix="coo-bench-") as tmp:
        db_path = Path(tmp) / "bench.sqlite"
        seed(db_path)
        with Server(db_path) as server:
            manual = login(server.url, f"{MANUAL}_operator")
            automatic = login(server.url, f"{AUTOMATIC}_operator")
            clients = [Client(server.url, manual) for _ in range(n)]
            auto_clients = [Client(server.url, automatic) for _ in range(n)]

            # warm up: connections, lazy imports and tables, a declaration of each type
            health(server, clients, 0.2)
            for basic, goods in declarations(MANUAL, "W", len(CERTIFICATE_TYPES)):
                submit(clients[0], create_draft(clients[0], basic, goods))
            base = health(server, clients, health_seconds)
            review = full_review(server, clients, per_client)
            loaded = automatic_latency(server, auto_clients, latency_per_client, "L")
            alone = automatic_latency(server, auto_clients[:1], latency_per_client, "A")
    scale_out = []
    if args.postgres:
        scale_out = postgres_runs(n, per_client, (2,) if args.quick else (1, 2, 4))

    submits, cycles = review["submits"], review["cycles"]
    statuses = [s for batch in submits.results + cycles.results for s in batch]
    returned = sum(s != "submitted" for s in statuses)
    latencies = [ms for batch in loaded.results for ms in batch]
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    alone_ms = [ms for batch in alone.results for ms in batch]

    print(f"coo_lab service over loopback: {n} client threads, the server in its own process")
    print(f"baseline: GET /api/v1/health {base.rate:,.0f} requests/s{base.cpu_ms()}")
    print(
        f"submit with the full review (manual policy, 15 types): {submits.rate:,.0f} calls/s "
        f"— target ≥ {TARGET_SUBMITS}/s: {verdict(submits.rate >= TARGET_SUBMITS)} "
        f"({submits.rate / base.rate:.2f}× health){submits.cpu_ms()}"
    )
    print(
        f"create + goods + submit: {cycles.rate:,.0f} cycles/s "
        f"({3 * cycles.rate:,.0f} requests/s, {3 * cycles.rate / base.rate:.2f}× health)"
        f"{cycles.cpu_ms()}"
    )
    drafts = review["drafts"]
    print(f"  create + goods alone: {drafts.rate:,.0f} drafts/s{drafts.cpu_ms()}")
    if returned:
        print(f"  warning: {returned} of {len(statuses)} submits were returned by the rules")
    print(
        f"automatic review, submit → approved receipt ({len(latencies)} certificates, "
        f"{n} clients at once): p50 {p50:.1f} ms — target < {TARGET_P50_MS} ms: "
        f"{verdict(p50 < TARGET_P50_MS)}; p99 {p99:.1f} ms — target < {TARGET_P99_MS} ms: "
        f"{verdict(p99 < TARGET_P99_MS)}"
    )
    print(
        f"  one client alone: p50 {percentile(alone_ms, 50):.1f} ms, "
        f"p99 {percentile(alone_ms, 99):.1f} ms; baseline health round trip with {n} clients: "
        f"{1000 * n / base.rate:.1f} ms"
    )
    if args.postgres:
        figures = ", ".join(f"{w} worker(s) {run.rate:,.0f}/s" for w, run in scale_out)
        print(
            f"submit with the full review on PostgreSQL (coo-lab serve --workers N, {n} "
            f"clients): {figures}; SQLite, one process: {submits.rate:,.0f}/s"
        )


if __name__ == "__main__":
    main()
