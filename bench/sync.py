"""The DuckDB sync: a full sync of a large demo store, and an incremental sync of 1,000 changes.

A demo store is built (``build_demo``; default 100,000 certificates — the issue's figure is
for 1,000,000: pass ``--scale 1000000``, whose build alone takes about 8 minutes), the real
server (``LiveServer``) runs in a child process, and as ``haixing_operator``:

1. baseline: the raw change feed paged through with ``requests`` (the same pages, nothing
   parsed or written) — what the network and the service allow;
2. a full sync into a fresh DuckDB file: certificates/s (target ≥ 20,000/s, counted over the
   certificates actually synced: only that enterprise's part of the feed) and changes/s,
   each with its ratio to the baseline; peak memory (ru_maxrss) of this process;
3. 1,000 changes made through the API (drafts created, their goods saved), then the
   incremental sync's time.

Nothing is asserted; figures are printed beside their targets with OK or BELOW.

    python bench/sync.py                 # 100,000 certificates
    python bench/sync.py --scale 1000000 # the issue's figure (~8 min to build)
    python bench/sync.py --quick         # a smoke run
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import requests

from coo_lab import samples
from coo_lab.client import Client
from coo_lab.mirror import reading, sync
from coo_lab.server.demo import build_demo

TARGET_CERTS = 20_000  # certificates per second, with their goods lines
USER, PASSWORD = "haixing_operator", "demo-haixing_operator"
SERVER = """
import sys
from coo_lab.server.live import LiveServer
with LiveServer(sys.argv[1]) as server:
    print(server.url, flush=True)
    sys.stdin.read()
"""
TAIL = re.compile(rb'"next_after":(\d+),"has_more":(true|false)\}\s*\Z')


def verdict(value: float, target: float) -> str:
    return "OK" if value >= target else "BELOW"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def raw_feed(url: str, token: str, page_size: int) -> tuple[int, float]:
    """Page through /changes without parsing or writing: (changes, seconds)."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    after, changes, started = 0, 0, time.perf_counter()
    while True:
        r = session.get(f"{url}/api/v1/changes", params={"after": after, "limit": page_size})
        r.raise_for_status()
        tail = TAIL.search(r.content[-200:])
        assert tail, "unexpected page ending"
        changes += r.content.count(b'"seq":')
        next_after, more = int(tail.group(1)), tail.group(2) == b"true"
        if next_after == after or not more:
            return changes, time.perf_counter() - started
        after = next_after


def make_changes(client: Client, wanted: int) -> int:
    """Drafts created and their goods saved through the API until ``wanted`` changes."""
    cursor, page = 0, {"has_more": True}
    while page["has_more"]:  # the end of the feed
        page = client.changes(after=cursor, limit=1000)
        cursor = page["next_after"]
    base, made = cursor, 0
    while made < wanted:
        cert = client.certificates.create(samples.certificate("C"))
        client.certificates.save_goods(cert.id, cert.goods, cert.version)
        made = 0
        after = base
        while True:
            page = client.changes(after=after, limit=1000)
            made += len(page["changes"])
            after = page["next_after"]
            if not page["has_more"]:
                break
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="a smoke run (2,000 certificates)")
    args = parser.parse_args()
    scale = 2_000 if args.quick else args.scale
    incremental = 100 if args.quick else 1_000

    with tempfile.TemporaryDirectory(prefix="coo-sync-bench-") as tmp:
        store, target = Path(tmp) / "demo.sqlite", Path(tmp) / "coo.duckdb"
        print(f"building a demo store of {scale:,} certificates", flush=True)
        if scale < 1_000_000:
            print("  (the issue's figure is for 1,000,000: --scale 1000000, ~8 min to build)")
        t = time.perf_counter()
        build_demo(store, scale=scale, today=date(2026, 11, 1))
        print(f"  built in {time.perf_counter() - t:.0f} s")
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(store)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            url = server.stdout.readline().strip()
            client = Client(url, username=USER, password=PASSWORD)
            token = client.session.headers["Authorization"].split()[1]

            raw_changes, raw_s = raw_feed(url, token, 1000)
            raw_rate = raw_changes / raw_s
            print(f"\nbaseline: raw feed download ({USER}'s part of the feed, no parsing)")
            print(f"  {raw_changes:,} changes in {raw_s:.1f} s = {raw_rate:,.0f} changes/s")

            result = sync(client, target, progress=False)
            cps = result.certificates / result.seconds
            chs = result.changes / result.seconds
            with reading(target) as con:
                certs, lines = con.execute(
                    "SELECT (SELECT count(*) FROM certificates), (SELECT count(*) FROM goods_lines)"
                ).fetchall()[0]
            size = target.stat().st_size / 2**20
            print(f"\nfull sync as {USER}: {result}")
            print(f"  file: {certs:,} certificates, {lines:,} goods lines, {size:,.0f} MB")
            print(
                f"  certificates/s: {cps:,.0f}  (target >= {TARGET_CERTS:,}: "
                f"{verdict(cps, TARGET_CERTS)})"
            )
            print(f"  changes/s:      {chs:,.0f}  ({chs / raw_rate:.0%} of the raw download rate)")
            print(f"  peak memory (ru_maxrss, this process): {peak_mb():,.0f} MB")

            made = make_changes(client, incremental)
            result = sync(client, target, progress=False)
            print(f"\nincremental sync after {made:,} changes made through the API: {result}")
            print(f"  {result.seconds * 1000:,.0f} ms")
        finally:
            server.stdin.close()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
