"""Receipts per enterprise and the change feed the workbench's sync reads."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from coo_lab.server.deps import DB, EnterpriseScope, User
from coo_lab.server.feed import MAX_PAGE, changes_after
from coo_lab.server.receipts import list_receipts
from coo_lab.server.routes.common import PageNo, PageSize, page_of
from coo_lab.server.schemas import ChangePage, Page, ReceiptOut

router = APIRouter(prefix="/api/v1")


@router.get("/receipts", response_model=Page[ReceiptOut], tags=["receipts"])
def receipts(
    scope: EnterpriseScope,
    db: DB,
    kind: Literal["certificate", "product_filing"] | None = None,
    page: PageNo = 1,
    page_size: PageSize = 100,
) -> dict:
    """The enterprise's receipts (回执), newest first."""
    with db.read() as tx:
        items, total = list_receipts(
            tx, scope.company_id, kind=kind, limit=page_size, offset=(page - 1) * page_size
        )
    return page_of(items, total, page, page_size)


@router.get("/changes", response_model=ChangePage, tags=["sync"])
def changes(
    user: User,
    db: DB,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 500,
) -> dict:
    """Every change visible to the caller after sequence ``after``, in commit order."""
    with db.read() as tx:
        rows = changes_after(tx, user, after, limit + 1)
    has_more = len(rows) > limit
    rows = rows[:limit]
    return {"changes": rows, "next_after": rows[-1]["seq"] if rows else after, "has_more": has_more}
