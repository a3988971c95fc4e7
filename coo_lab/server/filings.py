"""Product filings (商品备案) in the store: create, edit, copy, delete, query, and the approved
areas that a preferential certificate's goods lines draw on.

Like certificates: everything runs in the route's transaction, takes the caller's company
and finds only its filings (a foreign id is "not found"); each write bumps the version,
checks the version the caller read, appends the filing to the change feed and writes a
receipt for every area whose status changes. The document is the ``ProductFiling`` JSON;
beside it the ``status`` column holds the filing's status as a whole (``filing_status``) and
``filing_areas`` one row per area, so queues, pickers and filing numbers are plain queries.
Submission and the authority's decisions live in ``filing_review.py``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from coo_lab.domain import codes
from coo_lab.domain.certificate import GoodsLine
from coo_lab.domain.filing import FilingArea, ProductFiling, filing_status, parse_filing_number
from coo_lab.domain.lifecycle import FILING_TRANSITIONS, FilingAction, filing_transition
from coo_lab.errors import Conflict, FieldError, NotFound, ValidationFailed
from coo_lab.server.clock import iso, now
from coo_lab.server.concurrency import check_version
from coo_lab.server.db import Row, Transaction
from coo_lab.server.deps import Scope
from coo_lab.server.feed import Encoded, record_change
from coo_lab.server.filters import contains, date_ranges
from coo_lab.server.receipts import issue_receipt

ENTITY = "product_filing"
_AREA_COLUMNS = "agreement, status, criterion, filing_number, submitted_at, reviewed_at"


def load(tx: Transaction, company_id: int, filing_id: int) -> tuple[Row, ProductFiling]:
    row = tx.one(
        "SELECT * FROM product_filings WHERE id = ? AND company_id = ?", (filing_id, company_id)
    )
    if row is None:
        raise NotFound(f"product filing {filing_id} not found", f"未找到商品备案 {filing_id}")
    return row, ProductFiling.model_validate_json(row["doc"])


def view(row: Row, filing: ProductFiling) -> dict[str, Any]:
    """The filing as the API shows it (``ProductFilingView``) and the feed carries it."""
    data = filing.model_dump(mode="json")
    data.update(status=row["status"], source=row["source"])
    return data


def document_number(filing_id: int, area: FilingArea) -> str:
    """What a receipt of an area names: its filing number once approved, else the filing and
    the agreement (``PF12-K``)."""
    return area.filing_number or f"PF{filing_id}-{area.agreement}"


def area_receipt(
    tx: Transaction,
    company_id: int,
    filing_id: int,
    area: FilingArea,
    before: str | None,
    actor: str,
    reason: str,
) -> None:
    issue_receipt(
        tx,
        company_id=company_id,
        kind=ENTITY,
        document_id=filing_id,
        document_number=document_number(filing_id, area),
        from_status=before,
        to_status=area.status.value,
        actor=actor,
        reason=reason,
    )


def _columns(filing: ProductFiling) -> dict[str, Any]:
    submitted = [a.submitted_at for a in filing.areas if a.submitted_at is not None]
    return {
        "hs_code": filing.hs_code,
        "name_en": filing.name_en,
        "name_cn": filing.name_cn,
        "status": filing_status(a.status for a in filing.areas).value,
        "version": filing.version,
        "submitted_at": iso(max(submitted)) if submitted else None,
        "doc": filing.model_dump_json(),
    }


def index_areas(tx: Transaction, filing_id: int, company_id: int, filing: ProductFiling) -> None:
    """The ``filing_areas`` rows of a filing, replaced by its areas as they are now."""
    tx.execute("DELETE FROM filing_areas WHERE filing_id = ?", (filing_id,))
    for a in filing.areas:
        tx.execute(
            f"INSERT INTO filing_areas (filing_id, company_id, {_AREA_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                filing_id,
                company_id,
                a.agreement,
                a.status.value,
                a.criterion,
                a.filing_number,
                iso(a.submitted_at) if a.submitted_at else None,
                iso(a.reviewed_at) if a.reviewed_at else None,
            ),
        )


def reserve_numbers(tx: Transaction, filing: ProductFiling) -> None:
    """Move the filing-number counters past numbers given elsewhere (at the authority's
    counter, in a seed), so the service never gives one of them again."""
    for area in filing.areas:
        parsed = parse_filing_number(area.filing_number or "")
        if parsed is not None:
            tx.execute(
                "INSERT INTO counters (series, value) VALUES (?, ?) ON CONFLICT (series) "
                "DO UPDATE SET value = CASE WHEN excluded.value > counters.value "
                "THEN excluded.value ELSE counters.value END",
                (parsed.series, parsed.serial),
            )


def save(tx: Transaction, row: Row, filing: ProductFiling) -> Encoded:
    """Write a changed filing: version + 1, columns, areas, document and a feed entry."""
    filing.version = row["version"] + 1
    values = {**_columns(filing), "updated_at": iso(now())}
    tx.update("product_filings", row["id"], values)
    index_areas(tx, row["id"], row["company_id"], filing)
    shown = Encoded(view({**row, **values}, filing))
    record_change(tx, row["company_id"], ENTITY, row["id"], "update", filing.version, shown)
    return shown


def write_new(
    tx: Transaction,
    company_id: int,
    filing: ProductFiling,
    *,
    source: str = "enterprise",
    moment: datetime | None = None,
) -> Row:
    """Store a new filing as it is (its areas' statuses included), without a feed entry
    (``insert`` adds it; the demo writes its own, at its own time)."""
    moment = moment or now()
    filing.version = 1
    filing.created_at = filing.created_at or moment
    row: dict[str, Any] = {
        "company_id": company_id,
        "source": source,
        "created_at": iso(filing.created_at),
        "updated_at": iso(moment),
        **_columns(filing),
    }
    row["id"] = filing.id = tx.insert("product_filings", row)
    row["doc"] = filing.model_dump_json()
    tx.update("product_filings", row["id"], {"doc": row["doc"]})
    index_areas(tx, row["id"], company_id, filing)
    reserve_numbers(tx, filing)
    return row


def insert(
    tx: Transaction,
    company_id: int,
    filing: ProductFiling,
    *,
    source: str = "enterprise",
    moment: datetime | None = None,
) -> Encoded:
    """Store a new filing as it is, with its feed entry."""
    row = write_new(tx, company_id, filing, source=source, moment=moment)
    shown = Encoded(view(row, filing))
    record_change(tx, company_id, ENTITY, row["id"], "create", 1, shown)
    return shown


def _check_codes(filing: ProductFiling) -> None:
    """What the model's formats cannot know: the HS codes exist, the countries are real."""
    errors: list[FieldError] = []
    if not codes.hs_exists(filing.hs_code[:6]):
        errors.append(_hs_error("hs_code", filing.hs_code))
    for i, m in enumerate(filing.materials):
        if not codes.hs_exists(m.hs_code[:6]):
            errors.append(_hs_error(f"materials.{i}.hs_code", m.hs_code))
        found = codes.country(m.origin_country)
        if found is None or found.iso3 != m.origin_country:
            errors.append(
                FieldError(
                    f"materials.{i}.origin_country",
                    m.origin_country,
                    "the ISO 3166 alpha-3 code of a country, such as KOR",
                    "国家（地区）三位字母代码，如 KOR",
                    "unknown_country",
                )
            )
    if errors:
        raise ValidationFailed(errors, model="ProductFiling")


def _hs_error(field: str, value: str) -> FieldError:
    return FieldError(
        field,
        value,
        f"an HS code in the HS 2022 nomenclature (subheading {value[:6]} does not exist)",
        f"HS 2022 目录中的编码（子目 {value[:6]} 不存在）",
        "unknown_hs_code",
    )


def from_input(data: dict[str, Any], keep: dict[str, FilingArea] | None = None) -> ProductFiling:
    """A filing from an input body (``ProductFilingInput``), its codes checked against the
    reference data; areas named again keep their state (``keep``), new ones are drafts."""
    keep = keep or {}
    areas = [
        keep.get(a["agreement"]) or FilingArea(agreement=a["agreement"]) for a in data["areas"]
    ]
    filing = ProductFiling.model_validate({**data, "areas": areas})
    _check_codes(filing)
    return filing


def create(tx: Transaction, scope: Scope, data: dict[str, Any]) -> Encoded:
    """Save a new filing as a draft (暂存): every area a draft."""
    return _insert_draft(tx, scope, from_input(data))


def _insert_draft(tx: Transaction, scope: Scope, filing: ProductFiling) -> Encoded:
    shown = insert(tx, scope.company_id, filing)
    for area in filing.areas:
        area_receipt(
            tx, scope.company_id, shown["id"], area, None, scope.user.username, "saved (暂存)"
        )
    return shown


def update(
    tx: Transaction,
    scope: Scope,
    filing_id: int,
    data: dict[str, Any],
    expected_version: int | None,
) -> Encoded:
    """Replace a filing while every area is a draft or returned; areas named again keep their
    status (and review remark), new ones start as drafts, areas left out are dropped."""
    row, filing = load(tx, scope.company_id, filing_id)
    check_version(row, expected_version, "product filing")
    locked = [a for a in filing.areas if FilingAction.SAVE not in FILING_TRANSITIONS[a.status]]
    if locked:
        shown = ", ".join(f"{a.agreement} {a.status.value}" for a in locked)
        raise Conflict(
            f"product filing {filing_id} cannot be edited: {shown}; a filing is edited only "
            "while every area is a draft or returned — copy it (复制) to file the product again",
            f"商品备案 {filing_id} 不能修改：{shown}；只有全部区域为暂存或退回时才能修改，"
            "如需重新备案请复制",
        )
    updated = from_input(data, keep={a.agreement: a for a in filing.areas})
    updated.id, updated.created_at = filing.id, filing.created_at
    for area in updated.areas:
        if filing.area(area.agreement) is None:
            area_receipt(
                tx, scope.company_id, filing_id, area, None, scope.user.username, "added (新增区域)"
            )
    return save(tx, row, updated)


def copy(tx: Transaction, scope: Scope, filing_id: int) -> Encoded:
    """复制: a new draft of the same product and areas (statuses, criteria, numbers left)."""
    _row, filing = load(tx, scope.company_id, filing_id)
    data = filing.model_dump(exclude={"id", "version", "created_at", "areas"})
    fresh = ProductFiling.model_validate(
        {**data, "areas": [FilingArea(agreement=a.agreement) for a in filing.areas]}
    )
    return _insert_draft(tx, scope, fresh)


def delete_draft(
    tx: Transaction, scope: Scope, filing_id: int, expected_version: int | None
) -> None:
    """Delete a filing none of whose areas was ever submitted."""
    row, filing = load(tx, scope.company_id, filing_id)
    check_version(row, expected_version, "product filing")
    for area in filing.areas:
        filing_transition(area.status, FilingAction.DELETE)
    tx.execute("DELETE FROM receipts WHERE kind = ? AND document_id = ?", (ENTITY, filing_id))
    tx.execute("DELETE FROM filing_areas WHERE filing_id = ?", (filing_id,))
    tx.execute("DELETE FROM product_filings WHERE id = ?", (filing_id,))
    record_change(tx, scope.company_id, ENTITY, filing_id, "delete", row["version"] + 1, None)


SORTABLE = {"created_at", "updated_at", "submitted_at", "hs_code", "name_en", "status", "id"}


def query(
    tx: Transaction,
    company_id: int,
    *,
    hs_code: str | None = None,
    name_en: str | None = None,
    name_cn: str | None = None,
    status: str | None = None,
    agreement: str | None = None,
    created_from: date | None = None,
    created_to: date | None = None,
    submitted_from: date | None = None,
    submitted_to: date | None = None,
    sort: str = "created_at",
    descending: bool = True,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[dict[str, Any]], int]:
    """商品备案查询: HS code (leading digits), names (part of), status, area, date ranges."""
    where, params = ["company_id = ?"], [company_id]
    if hs_code:
        where.append("hs_code LIKE ? ESCAPE '\\'")
        params.append(contains(codes.normalize_hs(hs_code))[1:])
    for column, text in (("name_en", name_en), ("name_cn", name_cn)):
        if text:
            where.append(f"{column} LIKE ? ESCAPE '\\'")
            params.append(contains(text.strip()))
    if status:
        where.append("status = ?")
        params.append(status)
    if agreement:
        where.append("id IN (SELECT filing_id FROM filing_areas WHERE agreement = ?)")
        params.append(agreement)
    date_ranges(
        where,
        params,
        [("created_at", created_from, created_to), ("submitted_at", submitted_from, submitted_to)],
    )
    clause = " AND ".join(where)
    total = tx.scalar(f"SELECT COUNT(*) FROM product_filings WHERE {clause}", params)
    order = "DESC" if descending else "ASC"
    rows = tx.all(
        f"SELECT id, version, hs_code, name_en, name_cn, status, source, created_at, "
        f"updated_at, submitted_at FROM product_filings WHERE {clause} "
        f"ORDER BY {sort} {order}, id {order} LIMIT ? OFFSET ?",
        (*params, page_size, (page - 1) * page_size),
    )
    return with_areas(tx, rows), total


def with_areas(tx: Transaction, rows: list[Row]) -> list[Row]:
    """List rows with their areas (agreement, status, criterion, number), in one query."""
    if not rows:
        return rows
    marks = ", ".join("?" for _ in rows)
    by_filing: dict[int, list[dict[str, Any]]] = {r["id"]: [] for r in rows}
    for a in tx.all(
        f"SELECT filing_id, agreement, status, criterion, filing_number FROM filing_areas "
        f"WHERE filing_id IN ({marks}) ORDER BY id",
        [r["id"] for r in rows],
    ):
        by_filing[a.pop("filing_id")].append(a)
    return [{**r, "areas": by_filing[r["id"]]} for r in rows]


def usable_areas(
    tx: Transaction,
    company_id: int,
    *,
    agreement: str | None,
    hs_code: str | None,
    q: str | None,
    page: int,
    page_size: int,
) -> tuple[list[Row], int]:
    """The approved areas a goods line may name (the certificate form's picker)."""
    where = ["a.company_id = ?", "a.status = 'approved'"]
    params: list[Any] = [company_id]
    if agreement:
        where.append("a.agreement = ?")
        params.append(agreement)
    if hs_code:
        where.append("p.hs_code LIKE ? ESCAPE '\\'")
        params.append(contains(codes.normalize_hs(hs_code))[1:])
    if q:
        where.append("(p.name_en LIKE ? ESCAPE '\\' OR p.name_cn LIKE ? ESCAPE '\\')")
        params += [contains(q.strip())] * 2
    clause = " AND ".join(where)
    source = f"FROM filing_areas a JOIN product_filings p ON p.id = a.filing_id WHERE {clause}"
    total = tx.scalar(f"SELECT COUNT(*) {source}", params)
    rows = tx.all(
        f"SELECT a.filing_id, a.filing_number, a.agreement, p.hs_code, p.name_en, p.name_cn, "
        f"a.criterion, a.reviewed_at {source} ORDER BY p.hs_code, a.agreement, a.id "
        f"LIMIT ? OFFSET ?",
        (*params, page_size, (page - 1) * page_size),
    )
    return rows, total


def fill_filed_criteria(
    tx: Transaction, company_id: int, cert_type: str, goods: list[GoodsLine]
) -> None:
    """Goods lines of a preferential certificate that name a filing number (备案号) of an
    area approved for this agreement and this product (HS, 6 digits) take the filed origin
    criterion when they have none. A draft may name anything: whether every line is backed
    by an approved filing is the review's to decide at submission (CO-ORIGIN-001/003)."""
    named = {line.product_filing_number for line in goods if line.product_filing_number}
    if cert_type == "C" or not named:
        return
    marks = ", ".join("?" for _ in named)
    filed = {
        r["filing_number"]: r
        for r in tx.all(
            f"SELECT a.filing_number, a.criterion, p.hs_code FROM filing_areas a "
            f"JOIN product_filings p ON p.id = a.filing_id WHERE a.company_id = ? "
            f"AND a.agreement = ? AND a.status = 'approved' AND a.filing_number IN ({marks})",
            (company_id, cert_type, *sorted(named)),
        )
    }
    for line in goods:
        area = filed.get(line.product_filing_number or "")
        if area and not line.origin_criterion and area["hs_code"][:6] == line.hs_code[:6]:
            line.origin_criterion = area["criterion"]
