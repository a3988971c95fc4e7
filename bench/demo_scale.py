"""How fast ``coo-lab demo`` fills a store at scale: certificates per second and file size.

Each certificate is a document written twice (its row and its change-feed entry) with about
4.6 receipts and 5.6 feed entries: ~11 rows and ~11 KB. Builds of ``BULK_SCALE`` certificates
and more write from a second process while the simulation runs.

    python bench/demo_scale.py                  # 200,000 certificates (about a minute)
    python bench/demo_scale.py --scale 1000000  # ~11 GB
    python bench/demo_scale.py --quick          # 20,000 (CI)
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

from coo_lab.server.demo import build_demo

TARGET = 20_000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=200_000)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", help="build here and keep the file (default: a temp dir)")
    args = parser.parse_args()
    scale = 20_000 if args.quick else args.scale
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep or Path(tmp) / "demo.sqlite")
        wall, cpu = time.perf_counter(), time.process_time()
        lines = build_demo(path, scale=scale, today=date(2026, 11, 28))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        writer = children.ru_utime + children.ru_stime
        size = sum(
            os.path.getsize(f"{path}{s}") for s in ("", "-wal") if os.path.exists(f"{path}{s}")
        )
    print(lines[1].strip())
    rate = scale / wall
    print(
        f"{scale:,} certificates in {wall:.1f} s: {rate:,.0f}/s wall, CPU "
        f"{cpu / scale * 1e6:.0f} µs/certificate simulating + {writer / scale * 1e6:.0f} µs "
        f"writing (second process); {size / 1e9:.2f} GB ({size / scale / 1e3:.1f} KB each) — "
        f"target ≥ {TARGET:,}/s: {'OK' if rate >= TARGET else 'BELOW TARGET'}"
    )


if __name__ == "__main__":
    main()
