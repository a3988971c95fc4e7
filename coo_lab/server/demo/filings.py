"""Product filings: each product approved under the agreements its enterprise exports under,
before the first certificate, and a few still under review (or returned) at the end."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from coo_lab.domain.filing import FilingArea, ProductFiling
from coo_lab.domain.lifecycle import FilingStatus
from coo_lab.domain.origin import Product, assess
from coo_lab.server import filings as store
from coo_lab.server.demo.declarant import Firm
from coo_lab.server.demo.destinations import PARTNER
from coo_lab.server.demo.documents import dumps
from coo_lab.server.demo.firms import FirmSpec
from coo_lab.server.demo.offices import REVIEWERS
from coo_lab.server.demo.products import PRODUCTS, ProductSpec
from coo_lab.server.demo.timeline import DAY, HOUR, iso, odd, to_datetime
from coo_lab.server.feed import authority_sees
from coo_lab.server.filings import ENTITY

# Filings still under review (or returned) at the end of the demo: firm key → product,
# areas, status, the reviewer's remark.
PENDING_FILINGS: dict[str, tuple[str, tuple[str, ...], str, str]] = {
    "ronghua": ("excavator", ("K", "E"), "submitted", ""),
    "lanwan": (
        "cucumber",
        ("K", "HM"),
        "returned",
        "原料来源证明不足，请上传养殖证明后重新申报 / proof of the raw material's origin is "
        "missing: upload the farming certificate and file again",
    ),
    "huamei": ("coat", ("A", "K"), "submitted", ""),
}


def _approved_filings(spec: FirmSpec, approved_us: int) -> list[ProductFiling]:
    """Approved filings: each product under every agreement the firm uses (ECFA alone)."""
    yy = to_datetime(approved_us).year % 100
    used = [t for t in spec.types if t != "C"]
    groups = [[t for t in used if t != "H"], ["H"] if "H" in used else []]
    filings: list[ProductFiling] = []
    serial = 0
    created = to_datetime(approved_us - 3 * DAY)
    reviewed = to_datetime(approved_us)
    for key in spec.products:
        p = PRODUCTS[key]
        product = Product(p.hs, Decimal(p.fob), Decimal(p.exw), p.wholly_obtained)
        for group in groups:
            areas = []
            for code in group:
                partners = [d for d, _w in spec.destinations.get(code, ((PARTNER[code], 1),))]
                result = assess(product, p.materials, code, destination=partners[0])
                if not result.qualifies:
                    continue
                serial += 1
                areas.append(
                    FilingArea(
                        agreement=code,
                        status=FilingStatus.APPROVED,
                        criterion=result.criterion,
                        filing_number=f"{yy:02d}{code}{spec.code}/{serial:05d}",
                        submitted_at=created,
                        reviewed_at=reviewed,
                    )
                )
            if areas:
                filings.append(_filing(spec, p, areas, created))
    return filings


def _filing(
    spec: FirmSpec, p: ProductSpec, areas: list[FilingArea], created: datetime
) -> ProductFiling:
    producer = spec.producers[0] if spec.producers else ("", "", spec.name_cn, "", spec.address_cn)
    return ProductFiling(
        hs_code=p.hs,
        name_en=p.name_en,
        name_cn=p.name_cn,
        process_description=p.process,
        manufacturer=f"{producer[2]}，{producer[4] or spec.address_cn}",
        fob_unit_price=Decimal(p.fob),
        ex_works_unit_price=Decimal(p.exw),
        wholly_obtained=p.wholly_obtained,
        materials=list(p.materials),
        areas=areas,
        created_at=created,
    )


def file_products(tx: Any, firm: Firm, start_us: int, end_us: int) -> list[tuple[int, list]]:
    """The firm's product filings; their receipts and feed entries come back as events."""
    spec = firm.spec
    kept = tx.all(
        "SELECT doc FROM product_filings WHERE company_id = ? ORDER BY id", (firm.company_id,)
    )
    if kept:  # an existing store (--keep): use the filings it has
        firm.filings = [ProductFiling.model_validate_json(r["doc"]) for r in kept]
        return []
    approved_us = odd(start_us - 45 * DAY + 5 * HOUR + 999)
    filings = _approved_filings(spec, approved_us)
    plans = [(f, "approved", approved_us - 3 * DAY, approved_us, "") for f in filings]
    pending = PENDING_FILINGS.get(spec.key)
    if pending is not None:
        key, areas_for, status, remark = pending
        p = PRODUCTS[key]
        submitted = odd(end_us - 3 * DAY - 5 * HOUR + 777)
        reviewed = odd(submitted + 20 * HOUR)
        areas = [
            FilingArea(
                agreement=code,
                status=FilingStatus(status),
                criterion=assess(
                    Product(p.hs, Decimal(p.fob), Decimal(p.exw), p.wholly_obtained),
                    p.materials,
                    code,
                    destination=PARTNER[code],
                ).criterion
                or "",
                submitted_at=to_datetime(submitted),
                reviewed_at=to_datetime(reviewed) if status == "returned" else None,
                review_remark=remark,
            )
            for code in areas_for
        ]
        filing = _filing(spec, p, areas, to_datetime(submitted - 2 * HOUR))
        plans.append(
            (filing, status, submitted, reviewed if status == "returned" else None, remark)
        )
    events: list[tuple[int, list]] = []
    reviewer = next(r for r, office, _d, _s in REVIEWERS if office == spec.office)
    for filing, status, submitted, reviewed, remark in plans:
        created = submitted - 2 * HOUR
        last = reviewed if reviewed is not None else submitted
        filing.created_at = to_datetime(created)
        filing_id = store.write_new(tx, firm.company_id, filing, moment=to_datetime(last))["id"]
        steps = [(created, None, "draft", firm.operator, "saved (暂存)")]
        steps.append((submitted, "draft", "submitted", firm.operator, "submitted (申报)"))
        if reviewed is not None:
            reason = "approved (审核通过)" if status == "approved" else remark
            steps.append((reviewed, "submitted", status, reviewer, reason))
        for at_us, before, after, actor, reason in steps:
            items = []
            for area in filing.areas:
                number = f"PF{filing_id}-{area.agreement}"
                if after == "approved":
                    number = area.filing_number or number
                receipt = (firm.company_id, ENTITY, filing_id, number, before, after, actor)
                items.append(("receipt", (*receipt, iso(at_us), reason)))
            events.append((at_us, items))
        doc = store.view({"status": status, "source": "enterprise"}, filing)
        seen = int(authority_sees(ENTITY, doc))
        change = (firm.company_id, ENTITY, filing_id, "create", 1, iso(last), dumps(doc), seen)
        events[-1][1].append(("change", change))
    firm.filings = filings
    return events
