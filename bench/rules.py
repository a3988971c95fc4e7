"""How many realistic certificates per second go through ``check`` (target ≥ 20,000/s).

Realistic = one certificate of each of the 15 types from ``coo_lab.samples``, 3 goods lines
each, against the full context the service builds (registration, approved product filings,
10,000 invoice numbers already used). As a baseline measured in the same run, it also times
parsing the same certificates from JSON-ready dicts with pydantic: the ratio says what the
review costs next to reading the certificate at all.

    python bench/rules.py            # ~10 s
    python bench/rules.py --quick    # a smoke run (CI): same code paths, fewer rounds
"""

from __future__ import annotations

import argparse
import time
from datetime import date

from coo_lab import samples
from coo_lab.domain.agreements import CERTIFICATE_TYPES
from coo_lab.domain.certificate import Certificate
from coo_lab.domain.rules import check

TARGET = 20_000


def best_rate(func, items, seconds: float) -> float:
    """Items per second of the best of several rounds (the machine is shared and noisy)."""
    best = 0.0
    deadline = time.perf_counter() + seconds
    while True:
        start = time.perf_counter()
        for item in items:
            func(item)
        elapsed = time.perf_counter() - start
        best = max(best, len(items) / elapsed)
        if time.perf_counter() > deadline:
            return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    seconds = 0.3 if args.quick else 4.0

    today = date(2026, 11, 27)
    filings = samples.product_filings()
    used = {(t, f"OLD{i:06d}") for i in range(10_000) for t in ("C", "E")}
    ctx = samples.context(today=today, filings=filings, used_invoices=used)
    certs = [
        samples.certificate(t, today=today, lines=3, filings=filings) for t in CERTIFICATE_TYPES
    ] * 20
    assert all(check(c, ctx) == [] for c in certs), "sample certificates must be clean"
    dumped = [c.model_dump(mode="json") for c in certs]
    ctx.active_rules  # noqa: B018  (resolve once, as the service's context does)

    check_rate = best_rate(lambda c: check(c, ctx), certs, seconds)
    parse_rate = best_rate(Certificate.model_validate, dumped, seconds)

    print(
        f"check(): {check_rate:,.0f} certificates/s (3 goods lines, {len(ctx.active_rules)} "
        f"rules) — target ≥ {TARGET:,}/s: {'OK' if check_rate >= TARGET else 'BELOW TARGET'}"
    )
    print(f"baseline, pydantic parse of the same certificates: {parse_rate:,.0f}/s")
    print(
        f"ratio check/parse: {check_rate / parse_rate:.2f}× (above 1 = reviewing is cheaper "
        "than parsing)"
    )


if __name__ == "__main__":
    main()
