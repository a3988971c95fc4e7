"""Building the demo store: register, then simulate and write two years of certificates, then
set the counters so the live service continues every series; and the summary of it."""

from __future__ import annotations

import math
import multiprocessing
import os
import sqlite3
import time
from contextlib import closing
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from coo_lab.domain.agreements import CERTIFICATE_TYPES
from coo_lab.server.db import Database
from coo_lab.server.demo.declarant import Firm
from coo_lab.server.demo.draws import QuickRandom
from coo_lab.server.demo.firms import NAMED_FIRMS, XINGHAI, extra_firm
from coo_lab.server.demo.history import Stats
from coo_lab.server.demo.offices import OFFICES
from coo_lab.server.demo.registration import PASSWORD_SCHEME, password_for, register
from coo_lab.server.demo.simulation import Simulation
from coo_lab.server.demo.syncs import COUNTER_FILINGS
from coo_lab.server.demo.timeline import DAY, to_us
from coo_lab.server.demo.writer import Sink

DEFAULT_SCALE = 6_000
"""Certificates of the default demo (``make run``): about two years of four enterprises."""
DAYS = 730
BULK_SCALE = 50_000
"""From this many certificates on, a build writes from a second process, and a fresh one
without journal and with the secondary indexes built at the end."""
PER_FIRM = 40_000
"""Certificates per enterprise at most, so no (enterprise, type, year) series overflows."""


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        target = Path(f"{path}{suffix}")
        if target.exists():
            target.unlink()


def build_demo(
    db_path: str | os.PathLike[str],
    *,
    scale: int | None = None,
    seed: int = 2026,
    fresh: bool = True,
    today: date | None = None,
) -> list[str]:
    """Fill a store with the demo data set; returns summary lines (what, logins, figures).

    ``scale`` is the number of certificates (default ``DEFAULT_SCALE``), spread over the two
    years before ``today`` (default: the current date); the last day is the one before
    ``today``. ``fresh`` deletes the file first; otherwise the data is added (numbers and
    internal numbers continue their series). The same ``seed`` and ``today`` build the same
    certificates.
    """
    began = time.perf_counter()
    path = Path(db_path)
    scale = DEFAULT_SCALE if scale is None else int(scale)
    if scale < 0:
        raise ValueError("scale is a number of certificates, at least 0")
    today = today or date.today()
    end_us = to_us(datetime(today.year, today.month, today.day, tzinfo=UTC))
    start_us = end_us - DAYS * DAY
    if fresh:
        _remove(path)
    rng = QuickRandom(seed)

    specs = list(NAMED_FIRMS)
    extra = max(0, math.ceil(scale / PER_FIRM) - len(specs))
    specs += [extra_firm(n + 1, NAMED_FIRMS[n % 4]) for n in range(extra)]
    if extra:
        specs = [s if s.key.startswith("firm") else replace(s, share=1.0) for s in specs]
    firms = [Firm(spec) for spec in specs]

    db = Database(path)
    try:
        logins, filing_events = register(db, firms, XINGHAI, start_us, end_us)
    finally:
        db.close()

    with closing(sqlite3.connect(path)) as conn:
        ids = {
            table: conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").fetchone()[0]
            for table in ("certificates", "receipts")
        }
        counters = dict(conn.execute("SELECT series, value FROM counters").fetchall())
    bulk = fresh and scale >= BULK_SCALE
    forked = scale >= BULK_SCALE and "fork" in multiprocessing.get_all_start_methods()
    bulk_began = time.perf_counter()
    sink = Sink(path, bulk=bulk, forked=forked)
    simulation = Simulation(
        rng, firms, start_us, end_us, scale, ids, counters, sink, progress=scale >= 100_000
    )
    for at_us, items in sorted(filing_events, key=lambda e: e[0]):
        simulation.at(at_us, items)
    try:
        simulation.run()
    except BaseException:
        sink.close(ok=False)
        raise
    sink.close()
    bulk_seconds = time.perf_counter() - bulk_began
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO counters (series, value) VALUES (?, ?) "
            "ON CONFLICT (series) DO UPDATE SET value = excluded.value",
            sorted(counters.items()),
        )
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    seconds = time.perf_counter() - began
    return _summary(path, simulation.stats, sink, firms, logins, seconds, bulk_seconds, today)


def _summary(
    path: Path,
    stats: Stats,
    sink: Sink,
    firms: list[Firm],
    logins: list[tuple[str, str, str]],
    seconds: float,
    bulk_seconds: float,
    today: date,
) -> list[str]:
    total = sum(stats.statuses.values())
    size = sum(
        Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists()
    )
    first = (today - timedelta(days=DAYS)).isoformat()
    lines = [
        f"coo_lab demo store: {path}",
        f"  {total:,} certificates ({stats.reissues:,} of them amend-reissues) from {first} to "
        f"{today - timedelta(days=1)}; built in {seconds:.1f} s, the certificates in "
        f"{bulk_seconds:.1f} s ({total / max(bulk_seconds, 1e-9):,.0f}/s); {size / 1e6:,.1f} MB",
        "  offices: " + ", ".join(f"{place} ({code})" for code, _e, _c, place in OFFICES),
        f"  enterprises with certificates: {len(firms)}"
        + (f" (the 4 below + {len(firms) - 4} more)" if len(firms) > 4 else ""),
    ]
    for firm in firms[:4]:
        s = firm.spec
        lines.append(
            f"    {s.code} {s.name_en} ({s.name_cn}), office {s.office}, review "
            f"{s.policy}, {len(firm.filings)} approved product filings"
        )
    lines.append(
        f"    {XINGHAI.code} {XINGHAI.name_en} ({XINGHAI.name_cn}): registered, user filing "
        "NOT done"
    )
    held = [
        (f.spec.key, len(COUNTER_FILINGS[f.spec.key]))
        for f in firms
        if f.spec.key in COUNTER_FILINGS
    ]
    lines.append(
        "  product filings held by the authority, not synced yet ("
        + ", ".join(f"{key} {n}" for key, n in held)
        + "): Sync product filings (POST /api/v1/data-sync/product-filings) imports them"
    )
    lines.append(
        "  certificates by status: "
        + ", ".join(f"{k} {v:,}" for k, v in stats.statuses.most_common())
    )
    lines.append("  by type: " + ", ".join(f"{t} {stats.types[t]:,}" for t in CERTIFICATE_TYPES))
    lines.append(
        f"  returned by the review rules {stats.returned_by_rules:,} and by reviewers "
        f"{stats.returned_by_reviewer:,} times; {stats.partner_general:,} general COs to "
        "partners of an FTA (missed preferences?)"
    )
    lines.append(
        f"  {sink.receipt_count:,} receipts and {sink.change_count:,} feed "
        "entries written in time order; counters continue every series"
    )
    lines.append(f"Demo logins (password = {PASSWORD_SCHEME}):")
    for username, role, what in logins:
        lines.append(
            f"  login {username:<20} password {password_for(username):<26} {role:<9} {what}"
        )
    if len(firms) > 4:
        lines.append(
            f"  and firm01_operator … firm{len(firms) - 4:02d}_operator for the further enterprises"
        )
    return lines
