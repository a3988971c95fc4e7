"""Data sync (数据同步): sync enterprise info, sync product filings, the runs' history; and
the enterprise's profile the first one fills."""

from __future__ import annotations

from fastapi import APIRouter

from coo_lab.server import data_sync, profiles
from coo_lab.server.deps import DB, EnterpriseScope, WriterScope
from coo_lab.server.filing_schemas import EnterpriseProfile, SyncRun, SyncType
from coo_lab.server.routes.common import PageNo, PageSize, page_of
from coo_lab.server.schemas import Page

router = APIRouter(prefix="/api/v1", tags=["data sync"])


@router.post("/data-sync/enterprise-info", status_code=201, response_model=SyncRun)
def sync_enterprise_info(scope: WriterScope, db: DB) -> dict:
    """同步企业信息: the registration and hand-signers from the authority into the profile
    (a hand-signer it shows as cancelled can no longer submit)."""
    return data_sync.run(db, scope, "enterprise_info")


@router.post("/data-sync/product-filings", status_code=201, response_model=SyncRun)
def sync_product_filings(scope: WriterScope, db: DB) -> dict:
    """同步商品备案信息: import the filings the authority approved that are not here yet."""
    return data_sync.run(db, scope, "product_filings")


@router.get("/data-sync/runs", response_model=Page[SyncRun])
def runs(
    scope: EnterpriseScope,
    db: DB,
    sync_type: SyncType | None = None,
    page: PageNo = 1,
    page_size: PageSize = 50,
) -> dict:
    """同步列表: every run, newest first."""
    with db.read() as tx:
        items, total = data_sync.history(tx, scope.company_id, sync_type, page, page_size)
    return page_of(items, total, page, page_size)


@router.get("/enterprise-profile", response_model=EnterpriseProfile, tags=["data sync"])
def profile(scope: EnterpriseScope, db: DB) -> dict:
    """The enterprise's copy of its registration and hand-signers, as last synced."""
    with db.read() as tx:
        return profiles.view(tx, scope.company_id)
