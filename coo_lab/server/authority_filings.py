"""Product filings the authority holds for an enterprise: filed at the CCPIT office's counter
(or through the old channel) and approved there, so the Single Window has never seen them.

A reviewer records one for an enterprise registered with their office; the origin engine
must support every area (an area it refuses cannot be approved at the counter either), and
each area takes a number from the enterprise's filing series — the same series the online
review uses, so a number never repeats. "Sync product filings" (``data_sync``) imports the
approved areas an enterprise does not hold yet.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from coo_lab.domain.filing import FilingArea, ProductFiling, filing_number
from coo_lab.domain.lifecycle import FilingStatus
from coo_lab.domain.origin import Product, assess
from coo_lab.errors import FieldError, ValidationFailed
from coo_lab.server import filings, registry
from coo_lab.server.auth import Principal
from coo_lab.server.certificates import next_serial
from coo_lab.server.clock import china_date, iso, now
from coo_lab.server.db import Transaction
from coo_lab.server.filing_review import refusal

COUNTER_REMARK = "approved at the office's counter (窗口备案审核通过)"


def view(row: dict[str, Any]) -> dict[str, Any]:
    """An authority-held filing as the API shows it (``AuthorityFilingView``)."""
    return {
        **json.loads(row["doc"]),
        "id": row["id"],
        "enterprise_code": row["enterprise_code"],
        "approved_at": row["approved_at"],
        "recorded_by": row["recorded_by"],
    }


def record(
    tx: Transaction, reviewer: Principal, enterprise_code: str, data: dict[str, Any]
) -> dict[str, Any]:
    """Record a filing approved at the counter for an enterprise of the reviewer's office."""
    registry.office_enterprise(tx, reviewer.office_code, enterprise_code)  # 404 otherwise
    filing = filings.from_input(data)
    product = Product.from_filing(filing)
    results = [assess(product, filing.materials, a.agreement) for a in filing.areas]
    refused = [
        FieldError(
            f"areas.{i}.agreement",
            area.agreement,
            f"an agreement the product qualifies under — {refusal(result)}",
            f"商品符合原产地标准的协定——{refusal(result)}",
            "not_qualified",
        )
        for i, (area, result) in enumerate(zip(filing.areas, results, strict=True))
        if not result.qualifies
    ]
    if refused:
        raise ValidationFailed(refused, model="ProductFiling")
    moment = now()
    year = china_date(moment).year
    filing.areas = [
        FilingArea(
            agreement=area.agreement,
            status=FilingStatus.APPROVED,
            criterion=result.criterion or "",
            filing_number=filing_number(
                year,
                area.agreement,
                enterprise_code,
                next_serial(tx, f"filing:{enterprise_code}:{year}"),
            ),
            submitted_at=moment,
            reviewed_at=moment,
            review_remark=COUNTER_REMARK,
        )
        for area, result in zip(filing.areas, results, strict=True)
    ]
    filing.created_at = moment
    return view(hold(tx, reviewer.office_code, enterprise_code, filing, reviewer.username, moment))


def hold(
    tx: Transaction,
    office_code: str,
    enterprise_code: str,
    filing: ProductFiling,
    recorded_by: str,
    approved_at: datetime,
) -> dict[str, Any]:
    """Store an approved filing on the authority's side (also the demo's and tests' way)."""
    row = {
        "enterprise_code": enterprise_code,
        "ccpit_code": office_code,
        "hs_code": filing.hs_code,
        "name_en": filing.name_en,
        "approved_at": iso(approved_at),
        "recorded_by": recorded_by,
        "doc": filing.model_dump_json(exclude={"id", "version"}),
    }
    row["id"] = tx.insert("authority_filings", row)
    filings.reserve_numbers(tx, filing)
    return row


def held(tx: Transaction, office_code: str, enterprise_code: str) -> list[dict[str, Any]]:
    """What the office holds for one of its enterprises, oldest first."""
    registry.office_enterprise(tx, office_code, enterprise_code)
    rows = tx.all(
        "SELECT * FROM authority_filings WHERE enterprise_code = ? ORDER BY id", (enterprise_code,)
    )
    return [view(r) for r in rows]


def missing(tx: Transaction, company_id: int, enterprise_code: str) -> list[ProductFiling]:
    """The authority's approved filings for the enterprise, narrowed to the areas whose
    numbers the company does not hold yet (filings with none left out)."""
    held_numbers = {
        r["filing_number"]
        for r in tx.all(
            "SELECT filing_number FROM filing_areas WHERE company_id = ? "
            "AND filing_number IS NOT NULL",
            (company_id,),
        )
    }
    out = []
    for row in tx.all(
        "SELECT doc FROM authority_filings WHERE enterprise_code = ? ORDER BY id",
        (enterprise_code,),
    ):
        filing = ProductFiling.model_validate_json(row["doc"])
        areas = [
            a
            for a in filing.areas
            if a.status == FilingStatus.APPROVED and a.filing_number not in held_numbers
        ]
        if areas:
            filing.areas = areas
            out.append(filing)
    return out
