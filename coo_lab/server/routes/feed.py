"""Receipts per enterprise and the change feed the workbench's sync reads."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from coo_lab.server.deps import DB, EnterpriseScope, User
from coo_lab.server.feed import MAX_PAGE, page_after, rows_after
from coo_lab.server.receipts import list_receipts
from coo_lab.server.routes.common import PageNo, PageSize, page_of
from coo_lab.server.schemas import ChangePage, Page, ReceiptOut

router = APIRouter(prefix="/api/v1")

NDJSON = "application/x-ndjson"
TSV = "text/tab-separated-values"
_PAGING_HEADERS = {
    "X-Changes": {
        "description": "with form=rows: how many changes the page holds (a change has rows)",
        "schema": {"type": "integer"},
    },
    "X-Next-After": {
        "description": "the cursor to ask after next (as next_after in the JSON answer)",
        "schema": {"type": "integer"},
    },
    "X-Has-More": {
        "description": "true when more changes follow at once (as has_more)",
        "schema": {"type": "string", "enum": ["true", "false"]},
    },
}


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


def _qualities(accept: str | None) -> dict[str, float]:
    """The media types of an Accept header with their quality values."""
    quality: dict[str, float] = {}
    for part in (accept or "").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        quality[media.lower()] = max(q, quality.get(media.lower(), 0.0))
    return quality


def answer_form(accept: str | None) -> str:
    """The form of the feed an Accept header prefers: JSON unless NDJSON or TSV has a
    quality above zero and at least JSON's (NDJSON before TSV on a tie)."""
    quality = _qualities(accept)
    best, best_q = "application/json", quality.get("application/json", 0.0)
    for media in (NDJSON, TSV):
        q = quality.get(media, 0.0)
        if q > 0 and q >= best_q and (best == "application/json" or q > best_q):
            best, best_q = media, q
    return best


@router.get(
    "/changes",
    response_model=ChangePage,
    tags=["sync"],
    responses={
        200: {
            "description": "the changes: JSON (a ChangePage), or NDJSON when asked for with "
            f"`Accept: {NDJSON}` (one change object per line), or TSV with `Accept: {TSV}` "
            "(one change per line: seq, entity, entity_id, op, version, at and the document's "
            "JSON text, tab-separated); the paging in the headers",
            "headers": _PAGING_HEADERS,
            "content": {
                NDJSON: {"schema": {"type": "string"}},
                TSV: {"schema": {"type": "string"}},
            },
        }
    },
)
def changes(
    user: User,
    db: DB,
    request: Request,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 500,
    form: Literal["changes", "rows"] = "changes",
    documents: bool = False,
) -> Response:
    """Every change visible to the caller after sequence ``after``, in commit order.

    Each change carries the whole document as it was after the write (``null`` for a
    delete). With ``Accept: application/x-ndjson`` the same changes come one per line, for
    bulk loaders (DuckDB's ``read_json``); with ``Accept: text/tab-separated-values`` one per
    line as tab-separated fields, the document last (what ``coo_lab.sync`` reads);
    ``X-Next-After`` and ``X-Has-More`` carry the paging in every form.

    ``form=rows`` answers the row form (TSV, whatever the Accept header): the changes of the
    documents the workbench's mirror keeps, flattened into its rows when they were recorded
    (``coo_lab.domain.feed_rows``), with ``X-Changes`` their number; ``documents=true`` adds
    each certificate's JSON as a ``document`` row.
    """
    if form == "rows":
        with db.read() as tx:
            rows = rows_after(tx, user, after, limit, documents=documents)
        return Response(
            rows.tsv(),
            media_type=TSV,
            headers={
                "X-Next-After": str(rows.next_after),
                "X-Has-More": str(rows.has_more).lower(),
                "X-Changes": str(len(rows.rows)),
            },
        )
    form = answer_form(request.headers.get("accept"))
    with db.read() as tx:
        page = page_after(tx, user, after, limit, "tsv" if form == TSV else "json")
    headers = {"X-Next-After": str(page.next_after), "X-Has-More": str(page.has_more).lower()}
    if form == TSV:
        return Response(page.tsv(), media_type=TSV, headers=headers)
    if form == NDJSON:
        return Response(page.ndjson(), media_type=NDJSON, headers=headers)
    return Response(page.json(), media_type="application/json", headers=headers)
