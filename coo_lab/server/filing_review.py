"""The authority's review of product filings: submit (申报) through the origin engine, the
reviewer's queue, approve (审核通过) or return (退回) each area, and filing numbers.

On submit every draft or returned area runs the origin engine (``coo_lab.domain.origin``)
on the filing's product and materials. An area the product qualifies for keeps the
criterion the engine supports and waits for a reviewer. An area it does not qualify for is
returned at once by the system, the failed tests as the reason — as the certificate review
returns machine-checkable failures at once: a reviewer could only return it, and the
enterprise learns why now instead of after days in the queue. The reviewer decides each
area on its own; approval gives it a filing number (申请备案号) from the enterprise's series
for the year (``filing:<enterprise>:<year>``), which never repeats.

Value tests use the product's FOB unit price; APTA (B) is assessed with the thresholds for
members that are not least developed (the filing names no destination), the stricter ones.
"""

from __future__ import annotations

from typing import Any

from coo_lab.domain.filing import ProductFiling, filing_number
from coo_lab.domain.lifecycle import FilingAction, FilingStatus, filing_transition
from coo_lab.domain.origin import OriginResult, Product, assess
from coo_lab.errors import Conflict, NotFound, ValidationFailed
from coo_lab.server import filings
from coo_lab.server.auth import Principal
from coo_lab.server.certificates import next_serial
from coo_lab.server.clock import china_date, now
from coo_lab.server.concurrency import check_version
from coo_lab.server.db import Row, Transaction
from coo_lab.server.deps import Scope
from coo_lab.server.feed import Encoded
from coo_lab.server.review import SYSTEM_ACTOR

_INFORMATIONAL = {"VNM", "WO", "WP"}  # shown to the reviewer, but not why an area fails


def assess_filing(filing: ProductFiling, agreement: str) -> OriginResult:
    """The engine's verdict for one area (``ValidationFailed`` if the product lacks FOB)."""
    return assess(Product.from_filing(filing), filing.materials, agreement)


def assessment(result: OriginResult) -> dict[str, Any]:
    """A verdict as the API shows it (``Assessment``), figures as exact decimal strings."""

    def text(value: Any) -> str | None:
        return None if value is None else f"{value:f}"

    return {
        "agreement": result.agreement,
        "qualifies": result.qualifies,
        "criterion": result.criterion,
        "basis": result.basis,
        "vnm": text(result.vnm),
        "rvc_pct": text(result.rvc_pct),
        "non_originating_pct": text(result.non_originating_pct),
        "tests": [
            {
                "name": t.name,
                "passed": t.passed,
                "detail_en": t.detail_en,
                "detail_zh": t.detail_zh,
                "figures": {k: f"{v:f}" for k, v in t.figures.items()},
            }
            for t in result.tests
        ],
    }


def assessments(filing: ProductFiling, *, tolerant: bool = False) -> list[dict[str, Any]]:
    """The engine's verdict per area. ``tolerant``: a product the engine cannot assess (a
    returned filing edited to drop its FOB price) gives verdicts saying why, not an error —
    the reviewer cannot fix the enterprise's data, only read it."""
    out = []
    for area in filing.areas:
        try:
            out.append(assessment(assess_filing(filing, area.agreement)))
        except ValidationFailed as exc:
            if not tolerant:
                raise
            out.append(_unassessable(area.agreement, exc))
    return out


def _unassessable(agreement: str, exc: ValidationFailed) -> dict[str, Any]:
    return {
        "agreement": agreement,
        "qualifies": False,
        "criterion": None,
        "basis": None,
        "vnm": None,
        "rvc_pct": None,
        "non_originating_pct": None,
        "tests": [],
        "problem": f"{exc.message_en} / {exc.message_zh}",
    }


def refusal(result: OriginResult) -> str:
    """Why an area does not qualify, in both languages (the receipt's and the area's remark)."""
    failed = [t for t in result.tests if not t.passed and t.name not in _INFORMATIONAL]
    failed = failed or [t for t in result.tests if not t.passed]
    en = "; ".join(t.detail_en for t in failed)
    zh = "；".join(t.detail_zh for t in failed)
    return (
        f"returned by the origin engine: the product does not qualify under "
        f"{result.agreement} ({en}) / 原产地规则审核未通过：该商品不符合 {result.agreement} "
        f"协定原产地标准（{zh}）"
    )


def check(tx: Transaction, scope: Scope, filing_id: int) -> list[dict[str, Any]]:
    """What the engine says of each area now; nothing is saved (the enterprise's pre-check)."""
    _row, filing = filings.load(tx, scope.company_id, filing_id)
    return assessments(filing)


def submit(
    tx: Transaction, scope: Scope, filing_id: int, expected_version: int | None = None
) -> Encoded:
    """申报 every draft or returned area; areas under review or approved stay as they are."""
    row, filing = filings.load(tx, scope.company_id, filing_id)
    if expected_version is not None:
        check_version(row, expected_version, "product filing")
    due = [a for a in filing.areas if a.status in (FilingStatus.DRAFT, FilingStatus.RETURNED)]
    if not due:
        shown = ", ".join(f"{a.agreement} {a.status.value}" for a in filing.areas)
        raise Conflict(
            f"product filing {filing_id} has nothing to submit ({shown}): only draft or "
            "returned areas are submitted",
            f"商品备案 {filing_id} 没有可申报的区域（{shown}）：只能申报暂存或退回的区域",
        )
    product = Product.from_filing(filing)  # a filing without FOB cannot be assessed: 422
    moment = now()
    for area in due:
        before = area.status
        area.status = filing_transition(area.status, FilingAction.SUBMIT)
        area.submitted_at, area.reviewed_at, area.review_remark = moment, None, ""
        result = assess(product, filing.materials, area.agreement)
        area.criterion = result.criterion or ""
        filings.area_receipt(
            tx, scope.company_id, filing_id, area, before, scope.user.username, "submitted (申报)"
        )
        if not result.qualifies:
            area.status = filing_transition(area.status, FilingAction.RETURN)
            area.reviewed_at, area.review_remark = moment, refusal(result)
            filings.area_receipt(
                tx,
                scope.company_id,
                filing_id,
                area,
                FilingStatus.SUBMITTED,
                SYSTEM_ACTOR,
                area.review_remark,
            )
    return filings.save(tx, row, filing)


_OFFICE_SQL = """
    SELECT p.company_id, c.enterprise_code, c.name AS company_name
    FROM product_filings p JOIN companies c ON c.id = p.company_id
    WHERE p.id = ? AND c.ccpit_code = ? AND p.status <> 'draft'
"""


def _office_load(
    tx: Transaction, reviewer: Principal, filing_id: int
) -> tuple[Row, ProductFiling, Row]:
    """A declared filing of an enterprise registered with the reviewer's office (the
    authority never sees a filing that was never submitted)."""
    owner = tx.one(_OFFICE_SQL, (filing_id, reviewer.office_code))
    if owner is None:
        raise NotFound(f"product filing {filing_id} not found", f"未找到商品备案 {filing_id}")
    row, filing = filings.load(tx, owner["company_id"], filing_id)
    return row, filing, owner


def reviewer_view(tx: Transaction, reviewer: Principal, filing_id: int) -> dict[str, Any]:
    """The filing with whose it is and the engine's findings for every area, run now."""
    row, filing, owner = _office_load(tx, reviewer, filing_id)
    return {
        **filings.view(row, filing),
        "enterprise_code": owner["enterprise_code"],
        "company_name": owner["company_name"],
        "assessments": assessments(filing, tolerant=True),
    }


def _area(filing: ProductFiling, filing_id: int, agreement: str):
    area = filing.area(agreement)
    if area is None:
        named = ", ".join(a.agreement for a in filing.areas)
        raise NotFound(
            f"product filing {filing_id} has no area {agreement} (its areas: {named})",
            f"商品备案 {filing_id} 没有 {agreement} 区域（现有：{named}）",
        )
    return area


def approve(
    tx: Transaction, reviewer: Principal, filing_id: int, agreement: str, remark: str = ""
) -> Encoded:
    """审核通过 one area: it gets its filing number and keeps the criterion filed."""
    row, filing, owner = _office_load(tx, reviewer, filing_id)
    area = _area(filing, filing_id, agreement)
    before = area.status
    area.status = filing_transition(area.status, FilingAction.APPROVE)
    moment = now()
    year = china_date(moment).year
    enterprise = owner["enterprise_code"]
    serial = next_serial(tx, f"filing:{enterprise}:{year}")
    area.filing_number = filing_number(year, agreement, enterprise, serial)
    area.reviewed_at, area.review_remark = moment, remark
    reason = remark or "approved (审核通过)"
    filings.area_receipt(tx, row["company_id"], filing_id, area, before, reviewer.username, reason)
    return filings.save(tx, row, filing)


def return_(
    tx: Transaction, reviewer: Principal, filing_id: int, agreement: str, reason: str
) -> Encoded:
    """退回 one area with the reason the enterprise sees in its receipt."""
    row, filing, _owner = _office_load(tx, reviewer, filing_id)
    area = _area(filing, filing_id, agreement)
    before = area.status
    area.status = filing_transition(area.status, FilingAction.RETURN)
    area.reviewed_at, area.review_remark = now(), reason
    filings.area_receipt(tx, row["company_id"], filing_id, area, before, reviewer.username, reason)
    return filings.save(tx, row, filing)


def queue(tx: Transaction, reviewer: Principal, page: int, page_size: int) -> tuple[list[Row], int]:
    """Filings of the office's enterprises with an area waiting for review, oldest first."""
    clause = "p.status = 'submitted' AND c.ccpit_code = ?"  # 'submitted': some area is waiting
    source = f"FROM product_filings p JOIN companies c ON c.id = p.company_id WHERE {clause}"
    total = tx.scalar(f"SELECT COUNT(*) {source}", (reviewer.office_code,))
    rows = tx.all(
        f"SELECT p.id, p.version, p.hs_code, p.name_en, p.name_cn, p.status, p.source, "
        f"p.created_at, p.updated_at, p.submitted_at, c.enterprise_code, "
        f"c.name AS company_name {source} ORDER BY p.submitted_at, p.id LIMIT ? OFFSET ?",
        (reviewer.office_code, page_size, (page - 1) * page_size),
    )
    return filings.with_areas(tx, rows), total
