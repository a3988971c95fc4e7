"""Data sync (数据同步): pull from the authority what the enterprise's side should hold.

Two kinds of run, each one history row (同步列表: type, status, user, requested, updated,
count, remark):

- ``enterprise_info`` (同步企业信息): the registration and hand-signers into the profile
  (``profiles.py``);
- ``product_filings`` (同步商品备案信息): the approved areas of the filings the authority
  holds (``authority_filings.py``) that the enterprise does not have yet, imported as
  approved filings of source ``authority`` with a receipt per area.

A run is one transaction with its history row, so it imports everything or nothing; running
it again imports nothing twice (areas are matched by filing number). A run the authority's
side cannot serve (the registration is gone) rolls back, is recorded as ``failed`` with the
reason, and answers 409.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from coo_lab.domain.filing import ProductFiling
from coo_lab.server import authority_filings, filings, profiles
from coo_lab.server.clock import iso, now
from coo_lab.server.db import Database, Row, Transaction
from coo_lab.server.deps import Scope
from coo_lab.server.feed import record_change
from coo_lab.server.profiles import SyncFailed

ENTITY = "data_sync_run"
TYPES_ZH = {"enterprise_info": "企业信息", "product_filings": "商品备案"}
STATUS_ZH = {"completed": "同步完成", "failed": "同步失败"}
IMPORTED = "imported from the authority by data sync (同步商品备案)"


def pull_filings(
    tx: Transaction, company_id: int, actor: str, moment: datetime | None = None
) -> tuple[int, str]:
    """同步商品备案信息: import what the authority approved and the enterprise lacks."""
    moment = moment or now()
    company, _registration = profiles.registration(tx, company_id)  # SyncFailed if gone
    imported = authority_filings.missing(tx, company_id, company["enterprise_code"])
    for filing in imported:
        shown = filings.insert(tx, company_id, filing, source="authority", moment=moment)
        for area in filing.areas:
            filings.area_receipt(tx, company_id, shown["id"], area, None, actor, IMPORTED)
    return len(imported), filings_remark(imported)


def filings_remark(imported: list[ProductFiling]) -> str:
    areas = Counter(a.agreement for f in imported for a in f.areas)
    detail = ", ".join(f"{code} {n}" for code, n in sorted(areas.items())) or "none new"
    return (
        f"商品备案同步成功：新增 {len(imported)} 条（区域 {sum(areas.values())} 个） / "
        f"product filings synced: {len(imported)} imported ({detail})"
    )


def pull_enterprise(
    tx: Transaction, company_id: int, actor: str, moment: datetime | None = None
) -> tuple[int, str]:
    return profiles.pull(tx, company_id, moment)


PULLS: dict[str, Callable[..., tuple[int, str]]] = {
    "enterprise_info": pull_enterprise,
    "product_filings": pull_filings,
}


def run(db: Database, scope: Scope, sync_type: str) -> dict[str, Any]:
    """One run: its work and its history row in one transaction, or a failed row."""
    requested = now()
    actor = scope.user.username
    try:
        with db.transaction() as tx:
            count, remark = PULLS[sync_type](tx, scope.company_id, actor)
            return record(
                tx, scope.company_id, sync_type, "completed", actor, requested, count, remark
            )
    except SyncFailed as exc:
        with db.transaction() as tx:
            failed = f"{exc.message_zh} / {exc.message_en}"
            record(tx, scope.company_id, sync_type, "failed", actor, requested, 0, failed)
        raise


def record(
    tx: Transaction,
    company_id: int,
    sync_type: str,
    status: str,
    actor: str,
    requested: datetime,
    count: int,
    remark: str,
) -> dict[str, Any]:
    """A history row, with its feed entry."""
    shown = write_run(tx, company_id, sync_type, status, actor, requested, now(), count, remark)
    record_change(tx, company_id, ENTITY, shown["id"], "create", 1, shown)
    return shown


def write_run(
    tx: Transaction,
    company_id: int,
    sync_type: str,
    status: str,
    actor: str,
    requested: datetime,
    updated: datetime,
    count: int,
    remark: str,
) -> dict[str, Any]:
    """A history row without a feed entry (``record`` adds it; the demo writes its own)."""
    row: dict[str, Any] = {
        "company_id": company_id,
        "sync_type": sync_type,
        "status": status,
        "requested_by": actor,
        "requested_at": iso(requested),
        "updated_at": iso(updated),
        "count": count,
        "remark": remark,
    }
    row["id"] = tx.insert("data_sync_runs", row)
    return view(row)


def view(row: Row) -> dict[str, Any]:
    """A history row as the API shows it (``SyncRun``)."""
    out = {k: v for k, v in row.items() if k != "company_id"}
    out.update(sync_type_zh=TYPES_ZH[row["sync_type"]], status_zh=STATUS_ZH[row["status"]])
    return out


def history(
    tx: Transaction, company_id: int, sync_type: str | None, page: int, page_size: int
) -> tuple[list[dict[str, Any]], int]:
    """The company's runs, newest first."""
    where, params = "company_id = ?", [company_id]
    if sync_type:
        where += " AND sync_type = ?"
        params.append(sync_type)
    total = tx.scalar(f"SELECT COUNT(*) FROM data_sync_runs WHERE {where}", params)
    rows = tx.all(
        f"SELECT * FROM data_sync_runs WHERE {where} ORDER BY id DESC LIMIT ? OFFSET ?",
        (*params, page_size, (page - 1) * page_size),
    )
    return [view(r) for r in rows], total
