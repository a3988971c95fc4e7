"""Bulk creation: 10,000 certificates from a DataFrame into the service (target ≤ 10 s).

A store is seeded in a temporary directory (``bench/service.py``'s: one CCPIT office, an
enterprise with approved product filings for every agreement), the real server runs in a
child process on a loopback port, and ``coo_lab.Client.bulk_create`` imports a sheet of
10,000 certificates of the 15 types (one row per goods line, about 27,000 rows): grouped by
invoice, validated by the models, checked by the service with the review rules in the full
context and saved in batches of 500 per transaction. Timed:

1. the dry run (everything but the writes);
2. the import itself, ``--runs`` times (3; each a sheet of new invoices) — the median is the
   figure against the target;
3. the same import again: every certificate is found by its idempotency key, none is made;
4. the baseline, in the same run: certificates created one by one with
   ``client.certificates.create`` (basic info, then goods: two requests each), as a rate and
   the time 10,000 would take at it — printed as a ratio.

Beside the wall time, the CPU time of the client and of the server process are printed:
unlike the wall time they hardly depend on what else the machine is doing.

    python bench/bulk.py            # ~1–2 min
    python bench/bulk.py --quick    # a smoke run (CI)
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from service import COMPANIES, MANUAL, Server, seed

from coo_lab import samples
from coo_lab.client import Client
from coo_lab.domain.agreements import CERTIFICATE_TYPES
from coo_lab.rows import to_rows

TARGET_SECONDS = 10.0
CERTIFICATES = 10_000


def sheet(count: int, tag: str) -> pd.DataFrame:
    """``count`` certificates of the 15 types in turn, each with an invoice of its own."""
    exporter_name = COMPANIES[MANUAL][2]
    templates = []
    for cert_type in CERTIFICATE_TYPES:
        cert = samples.certificate(cert_type)
        rows = to_rows(cert)
        for row in rows:
            row["exporter.name_en"] = exporter_name
        templates.append(rows)
    out = []
    for i in range(count):
        for row in templates[i % len(templates)]:
            out.append({**row, "invoice_number": f"BULK-{tag}-{i:06d}"})
    return pd.DataFrame(out)


def one_by_one(client: Client, count: int) -> float:
    """Certificates per second created with two requests each (the baseline)."""
    certs = []
    for i in range(count):
        cert = samples.certificate(CERTIFICATE_TYPES[i % len(CERTIFICATE_TYPES)])
        cert.exporter.name_en = COMPANIES[MANUAL][2]
        cert.invoice_number = f"ONE-{i:06d}"
        certs.append(cert)
    started = time.perf_counter()
    for cert in certs:
        client.certificates.create(cert)
    return count / (time.perf_counter() - started)


def verdict(ok: bool) -> str:
    return "OK" if ok else "BELOW"


@dataclass
class Run:
    """One timed import: wall seconds, CPU seconds of the server and of the client, load."""

    seconds: float
    server_cpu: float | None
    client_cpu: float
    load: float


def timed_import(client: Client, server: Server, frame: pd.DataFrame) -> tuple[Run, Any]:
    cpu_before, client_before = server.cpu_seconds(), time.process_time()
    started = time.perf_counter()
    done = client.bulk_create(frame, dry_run=False)
    seconds = time.perf_counter() - started
    cpu_after, client_cpu = server.cpu_seconds(), time.process_time() - client_before
    server_cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after else None
    return Run(seconds, server_cpu, client_cpu, os.getloadavg()[0]), done


def median(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    return f"{statistics.median(known):.1f} s" if known else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    parser.add_argument("--count", type=int, default=CERTIFICATES, help="certificates")
    parser.add_argument("--runs", type=int, default=3, help="imports timed; the median counts")
    args = parser.parse_args()
    count = 150 if args.quick else args.count
    runs = 1 if args.quick else max(1, args.runs)
    baseline_count = 15 if args.quick else 300

    with tempfile.TemporaryDirectory(prefix="coo-bench-") as tmp:
        db_path = Path(tmp) / "bench.sqlite"
        seed(db_path)
        with Server(db_path) as server:
            user = f"{MANUAL}_operator"
            client = Client(server.url, username=user, password=f"pw-{user}")
            client.bulk_create(sheet(15, "WARM"), dry_run=False)  # warm up: imports, tables
            frames = [sheet(count, f"B{n}") for n in range(runs)]

            started = time.perf_counter()
            dry = client.bulk_create(frames[0])
            dry_seconds = time.perf_counter() - started
            timed = []
            for frame in frames:  # each run imports a sheet of its own (new invoices)
                run, done = timed_import(client, server, frame)
                outcomes = done.certificates["outcome"].value_counts().to_dict()
                assert outcomes == {"created": count}, outcomes
                timed.append(run)
            started = time.perf_counter()
            again = client.bulk_create(frames[-1], dry_run=False)
            again_seconds = time.perf_counter() - started
            base_rate = one_by_one(client, baseline_count)
        with sqlite3.connect(db_path) as conn:
            stored = conn.execute(
                "SELECT COUNT(*) FROM certificates WHERE invoice_number LIKE 'BULK-B%'"
            ).fetchone()[0]

    assert dry.certificates["outcome"].eq("would_create").all()
    assert again.certificates["outcome"].eq("exists").all() and stored == count * runs
    errors = int((done.findings["severity"] == "error").sum())
    seconds = statistics.median(r.seconds for r in timed)
    rate = count / seconds
    baseline_seconds = count / base_rate
    print(
        f"bulk_create of {count:,} certificates ({len(frames[0]):,} sheet rows); "
        f"the server in its own process; {runs} import(s), medians"
    )
    print(
        f"import: {seconds:.1f} s ({rate:,.0f} certificates/s) — target ≤ {TARGET_SECONDS:.0f} s "
        f"for {CERTIFICATES:,}: {verdict(seconds * CERTIFICATES / count <= TARGET_SECONDS)}"
    )
    print(
        f"  CPU: server {median([r.server_cpu for r in timed])}, client "
        f"{median([r.client_cpu for r in timed])} (they overlap: two batches in flight); "
        f"load average {statistics.median(r.load for r in timed):.1f} on {os.cpu_count()} "
        "cores during the runs"
    )
    if runs > 1:
        each = ", ".join(
            f"{r.seconds:.1f} s (server {median([r.server_cpu])}, client {r.client_cpu:.1f} s, "
            f"load {r.load:.1f})"
            for r in timed
        )
        print(f"  each import: {each}")
    print(
        f"  dry run: {dry_seconds:.1f} s; the same import again (all exist): {again_seconds:.1f} s"
    )
    print(
        f"  baseline, one by one with client.certificates.create: {base_rate:,.0f} certificates/s "
        f"({baseline_seconds:.1f} s for {count:,}): bulk is "
        f"{baseline_seconds / seconds:.1f}× faster"
    )
    if errors:
        print(f"  warning: {errors} review error(s) among the findings")


if __name__ == "__main__":
    main()
