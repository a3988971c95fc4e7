"""Status push under load: does the dispatcher slow the submit path, and how fast does news
reach a webhook?

Each round seeds a store and starts the real server (``LiveServer``) in a child process
three times on it: with status push off (``COO_LAB_PUSH=off``, the baseline), with push on
and no subscription (what ``bench/service.py`` sees), and with push on and two webhook
subscriptions of the enterprise (by enterprise and by person), so that every submit queues
two deliveries that the dispatcher sends to a receiver (http.server) in this process while
the clients keep submitting. The phases alternate round after round, so the machine's other
load hits them alike; the figures are medians, and the server's CPU time per submit is
printed too (it hardly depends on that other load).

1. the submit path with push on and no subscription against push off: the server's CPU per
   submit at most 1/0.90 of the baseline's (the rates are printed too, but on a shared
   machine they move with the other tenants' load); with two subscriptions, what one
   delivery costs the server (the dispatcher sends in the same process);
2. submit → webhook received, one certificate at a time: p50 < 1 s, p99 < 2 s (the
   dispatcher looks at the feed every 0.2 s by default);
3. deliveries/s: the feed filled while push was off, then a server with push on catches
   up (queues and sends every delivery owed) — target ≥ 100/s.

    python bench/push.py            # ~1 min
    python bench/push.py --quick    # a smoke run (CI)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import service as svc  # the service bench's store, server and clients

TARGET_RATIO = 0.90
TARGET_P50_S, TARGET_P99_S = 1.0, 2.0
TARGET_DELIVERIES = 100


class Receiver:
    """A webhook endpoint: the arrival time of each delivery, by certificate id."""

    def __init__(self) -> None:
        self.arrivals: dict[int, float] = {}  # the first delivery of each certificate
        self.times: list[float] = []  # every arrival
        self.count = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                arrived = time.perf_counter()
                doc = int(body.split(b'"document_id":', 1)[1].split(b",", 1)[0])
                with receiver.lock:
                    receiver.count += 1
                    receiver.times.append(arrived)
                    receiver.arrivals.setdefault(doc, arrived)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, count: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while self.count < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {self.count} of {count} deliveries arrived")
            time.sleep(0.01)


def subscribe(client: svc.Client, url: str) -> None:
    for mode in ("enterprise", "person"):
        body = {"mode": mode, "channel": "webhook", "webhook_url": f"{url}/{mode}"}
        client.call("POST", f"{svc.API}/push/subscriptions", svc.json.dumps(body).encode())


def timed_submits(
    server: svc.Server, clients: list[svc.Client], per_client: int, tag: str
) -> tuple[svc.Run, dict[int, float]]:
    """Drafts first (untimed), then their submits timed; the send time of each submit."""
    batches = [svc.declarations(svc.MANUAL, f"{tag}{i}", per_client) for i in range(len(clients))]
    drafts = svc.in_threads(
        server, clients, lambda i, c: [svc.create_draft(c, *pair) for pair in batches[i]]
    )
    sent: dict[int, float] = {}

    def work(i: int, client: svc.Client) -> list[str]:
        out = []
        for cert_id in drafts.results[i]:
            sent[cert_id] = time.perf_counter()
            out.append(svc.submit(client, cert_id))
        return out

    return svc.in_threads(server, clients, work), sent


PHASES = ("idle", "off", "subscribed")


def one_round(
    n: int, per_client: int, latency_count: int, receiver: Receiver, tag: str
) -> dict[str, dict]:
    """One store, the server started once per phase:

    - ``idle``: push on, no subscription (what ``bench/service.py`` sees);
    - ``off``: push off (the baseline); the two subscriptions are made first, so this
      phase's submits leave a backlog of deliveries owed;
    - ``subscribed``: push on; the dispatcher first catches up on that backlog (timed from
      first to last arrival), then sends while the clients submit.

    Submits/s and server CPU per submit in each phase; in the last, the backlog's
    deliveries/s and, once the burst is delivered, the submit → webhook latency.
    """
    out: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="coo-bench-push-") as tmp:
        db_path = Path(tmp) / "bench.sqlite"
        svc.seed(db_path)
        owed = 0
        for phase in PHASES:
            os.environ["COO_LAB_PUSH"] = "off" if phase == "off" else "on"
            with receiver.lock:
                receiver.arrivals.clear()
                before = len(receiver.times)
            with svc.Server(db_path) as server:
                token = svc.login(server.url, f"{svc.MANUAL}_operator")
                clients = [svc.Client(server.url, token) for _ in range(n)]
                if phase == "off":
                    subscribe(clients[0], receiver.url)
                if phase == "subscribed":
                    receiver.wait(before + owed)
                    with receiver.lock:
                        times = receiver.times[before:]
                        receiver.arrivals.clear()
                        before = len(receiver.times)
                    out["backlog"] = {"owed": owed, "rate": owed / (times[-1] - times[0])}
                for basic, goods in svc.declarations(svc.MANUAL, f"W{tag}{phase}", 5):
                    svc.submit(clients[0], svc.create_draft(clients[0], basic, goods))
                run, sent = timed_submits(server, clients, per_client, f"{tag}{phase}")
                burst_end = server.cpu_seconds()
                out[phase] = {"rate": run.rate, "cpu": run.server_cpu, "count": run.count}
                if phase == "off":
                    owed = 2 * (len(sent) + 5)  # the warm-up's submits are owed too
                if phase == "subscribed":
                    receiver.wait(before + 2 * (len(sent) + 5))
                    drained = server.cpu_seconds()
                    if run.server_cpu is not None and burst_end and drained:
                        # the deliveries still owed when the burst ended are its cost too
                        out[phase]["cpu"] = run.server_cpu + drained - burst_end
                    out[phase]["latency"] = latency(clients[0], receiver, latency_count, tag)
    return out


def latency(client: svc.Client, receiver: Receiver, count: int, tag: str) -> list[float]:
    """Seconds from sending a submit to its first webhook arriving, one certificate at a
    time (nothing else queued: the dispatcher's own reaction, not a backlog's length)."""
    out = []
    for basic, goods in svc.declarations(svc.MANUAL, f"L{tag}", count):
        cert_id = svc.create_draft(client, basic, goods)
        start = time.perf_counter()
        svc.submit(client, cert_id)
        deadline = start + 60
        while cert_id not in receiver.arrivals:
            if time.perf_counter() > deadline:
                raise RuntimeError(f"no delivery for certificate {cert_id}")
            time.sleep(0.002)
        out.append(receiver.arrivals[cert_id] - start)
    return out


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    per_client = 6 if args.quick else 100
    rounds = 1 if args.quick else 3
    receiver = Receiver()
    latency_count = 5 if args.quick else 40
    results = [
        one_round(args.clients, per_client, latency_count, receiver, f"R{r}") for r in range(rounds)
    ]

    def median(phase: str, key: str) -> float:
        return statistics.median(r[phase][key] for r in results)

    def cpu_ms(phase: str) -> float | None:
        cpu = [r[phase]["cpu"] / r[phase]["count"] for r in results if r[phase]["cpu"]]
        return 1000 * statistics.median(cpu) if cpu else None

    rate = {phase: median(phase, "rate") for phase in PHASES}
    cpu = {phase: cpu_ms(phase) for phase in PHASES}
    latency_s = [s for r in results for s in r["subscribed"]["latency"]]
    p50, p99 = percentile(latency_s, 50), percentile(latency_s, 99)
    owed = results[0]["backlog"]["owed"]
    drained = statistics.median(r["backlog"]["rate"] for r in results)

    def verdict(ok: bool) -> str:
        return "OK" if ok else "BELOW"

    print(
        f"status push: {args.clients} client threads, the server in its own process; "
        f"{rounds} round(s) of the three phases (medians)"
    )
    for phase, label in (
        ("off", "push off (baseline)"),
        ("idle", "push on, no subscription"),
        ("subscribed", "push on, two webhook subscriptions (CPU: a submit and its 2 deliveries)"),
    ):
        line = f"  {label}: submit {rate[phase]:,.0f} calls/s ({rate[phase] / rate['off']:.2f}×)"
        if cpu[phase] is not None:
            line += f", server CPU {cpu[phase]:.2f} ms each ({cpu[phase] / cpu['off']:.2f}×)"
        print(line)
    if cpu["idle"] is not None:
        # CPU time per submit hardly depends on the machine's other load; the rates do
        print(
            f"the submit path with push on: {cpu['idle'] / cpu['off']:.2f}× the server CPU per "
            f"submit of push off — target ≤ {1 / TARGET_RATIO:.2f}×: "
            f"{verdict(cpu['idle'] / cpu['off'] <= 1 / TARGET_RATIO)}; one delivery costs "
            f"{(cpu['subscribed'] - cpu['off']) / 2:.2f} ms of server CPU"
        )
    else:
        ratio = rate["idle"] / rate["off"]
        print(f"the submit path with push on: {ratio:.2f}× the submits/s of push off")
    print(
        f"submit → webhook received, one at a time ({len(latency_s)} certificates): p50 "
        f"{p50 * 1000:.0f} ms — target < {TARGET_P50_S * 1000:.0f} ms: "
        f"{verdict(p50 < TARGET_P50_S)}; p99 {p99 * 1000:.0f} ms — target < "
        f"{TARGET_P99_S * 1000:.0f} ms: {verdict(p99 < TARGET_P99_S)}"
    )
    print(
        f"a backlog of {owed} deliveries caught up after a restart: {drained:,.0f}/s — target "
        f"≥ {TARGET_DELIVERIES}/s: {verdict(drained >= TARGET_DELIVERIES)}"
    )
    receiver.server.shutdown()


if __name__ == "__main__":
    main()
