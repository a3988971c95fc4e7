"""Data sync in the demo: each enterprise synced its registration and product filings once
after user filing (the profile, and the two history rows the deck shows), and the authority
holds filings made at its counter near the end that two enterprises have not synced yet —
"Sync product filings" imports them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from coo_lab.domain.filing import FilingArea, ProductFiling, filing_number
from coo_lab.domain.lifecycle import FilingStatus
from coo_lab.domain.origin import Product, assess
from coo_lab.server import authority_filings, data_sync, profiles
from coo_lab.server.certificates import next_serial
from coo_lab.server.clock import china_date
from coo_lab.server.demo.declarant import Firm
from coo_lab.server.demo.documents import dumps
from coo_lab.server.demo.offices import REVIEWERS
from coo_lab.server.demo.products import PRODUCTS
from coo_lab.server.demo.timeline import DAY, HOUR, MINUTE, iso, odd, to_datetime
from coo_lab.server.demo.writer import CHANGE_SQL

# filings the office approved at its counter: firm key → (product, areas)
COUNTER_FILINGS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "ronghua": (("cylinder", ("K", "E")),),
    "lanwan": (("kelp", ("K", "E", "A")),),
}


def first_syncs(tx: Any, firm: Firm, at_us: int) -> None:
    """The enterprise's first two runs, by its administrator right after user filing: its
    profile, the history rows and their feed entries (written now: they come before the
    base data in time and so in the feed)."""
    company = firm.company_id
    if tx.scalar("SELECT 1 FROM company_profiles WHERE company_id = ?", (company,)):
        return  # an existing store (--keep)
    registration = firm.enterprise
    assert registration is not None
    admin = f"{firm.spec.key}_admin"
    runs = (
        ("enterprise_info", 1, profiles.remark(None, registration, firm.spec.signers[0][0])),
        ("product_filings", 0, data_sync.filings_remark([])),
    )
    for i, (kind, count, remark) in enumerate(runs):
        requested = at_us + i * 5 * MINUTE
        updated = requested + 2_000_003  # about two seconds later
        if kind == "enterprise_info":
            synced = updated - 1_000
            shown = profiles.store(tx, company, 1, to_datetime(synced), registration)
            profile = (company, profiles.ENTITY, company, "create", 1, iso(synced))
            tx.execute(CHANGE_SQL, (*profile, dumps(shown), 0))
        run = data_sync.write_run(
            tx,
            company,
            kind,
            "completed",
            admin,
            to_datetime(requested),
            to_datetime(updated),
            count,
            remark,
        )
        change = (company, data_sync.ENTITY, run["id"], "create", 1, iso(updated))
        tx.execute(CHANGE_SQL, (*change, dumps(run), 0))


def hold_counter_filings(tx: Any, firm: Firm, end_us: int) -> int:
    """The office's counter filings for this enterprise (approved, not synced yet)."""
    spec = firm.spec
    plans = COUNTER_FILINGS.get(spec.key, ())
    held = tx.scalar(
        "SELECT COUNT(*) FROM authority_filings WHERE enterprise_code = ?", (spec.code,)
    )
    if not plans or held:
        return 0
    reviewer = next(r for r, office, _d, _s in REVIEWERS if office == spec.office)
    approved_us = odd(end_us - 12 * DAY + 3 * HOUR + 4 * MINUTE)
    moment = to_datetime(approved_us)
    year = china_date(moment).year
    for key, codes in plans:
        p = PRODUCTS[key]
        product = Product(p.hs, Decimal(p.fob), Decimal(p.exw), p.wholly_obtained)
        areas = []
        for code in codes:
            serial = next_serial(tx, f"filing:{spec.code}:{year}")
            areas.append(
                FilingArea(
                    agreement=code,
                    status=FilingStatus.APPROVED,
                    criterion=assess(product, p.materials, code).criterion or "",
                    filing_number=filing_number(year, code, spec.code, serial),
                    submitted_at=moment,
                    reviewed_at=moment,
                    review_remark=authority_filings.COUNTER_REMARK,
                )
            )
        producer = spec.producers[0] if spec.producers else None
        filing = ProductFiling(
            hs_code=p.hs,
            name_en=p.name_en,
            name_cn=p.name_cn,
            process_description=p.process,
            manufacturer=f"{producer[2]}，{producer[4]}" if producer else spec.name_cn,
            fob_unit_price=Decimal(p.fob),
            ex_works_unit_price=Decimal(p.exw),
            wholly_obtained=p.wholly_obtained,
            materials=list(p.materials),
            areas=areas,
            created_at=moment,
        )
        authority_filings.hold(tx, spec.office, spec.code, filing, reviewer, moment)
    return len(plans)
