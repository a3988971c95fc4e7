"""Request and response bodies of product filing (商品备案) and data sync (数据同步).

As in ``schemas.py``: inputs never carry what the service owns (ids, versions, statuses,
criteria, filing numbers), so the OpenAPI document says exactly what a client may send.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from coo_lab.domain.certificate import CertType
from coo_lab.domain.filing import Material, ProductFiling, check_area_codes
from coo_lab.domain.formats import DomainModel, HSCode, Money, Name, Text
from coo_lab.domain.lifecycle import FilingStatus

FilingSource = Literal["enterprise", "authority"]


class FilingAreaInput(DomainModel):
    """A preferential area (优惠区域) asked for; its status and criterion are the service's."""

    agreement: CertType


class ProductFilingInput(DomainModel):
    """A product filing as an enterprise fills it (or a reviewer records one at the counter)."""

    hs_code: HSCode
    name_en: Name = Field(min_length=1)
    name_cn: Name = ""
    process_description: Text = ""  # 工序说明
    manufacturer: Text = ""  # 生产厂商 (Chinese name and address; for the reviewer only)
    ex_works_unit_price: Money | None = None  # USD
    fob_unit_price: Money | None = None  # USD; the FTA value tests need it at submission
    wholly_obtained: bool = False
    materials: list[Material] = Field(min_length=1)
    areas: list[FilingAreaInput] = Field(min_length=1)

    @model_validator(mode="after")
    def _areas_are_consistent(self) -> ProductFilingInput:
        check_area_codes([a.agreement for a in self.areas])
        return self


class ProductFilingView(ProductFiling):
    """A filing as the service shows it: the filing plus its status as a whole (derived from
    its areas) and where it came from."""

    status: FilingStatus
    source: FilingSource = "enterprise"


class AreaBrief(BaseModel):
    agreement: str
    status: str
    criterion: str
    filing_number: str | None


class FilingSummary(BaseModel):
    """A row of the filing query (商品备案查询)."""

    id: int
    version: int
    hs_code: str
    name_en: str
    name_cn: str
    status: str
    source: str
    areas: list[AreaBrief]
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None


class QueuedFiling(FilingSummary):
    """A row of the reviewer's filing queue: whose filing it is."""

    enterprise_code: str
    company_name: str


class UsableArea(BaseModel):
    """An approved filing area a preferential goods line may draw on (the form's picker)."""

    filing_id: int
    filing_number: str
    agreement: str
    hs_code: str
    name_en: str
    name_cn: str
    criterion: str
    reviewed_at: datetime | None


class OriginTest(BaseModel):
    name: str
    passed: bool
    detail_en: str
    detail_zh: str
    figures: dict[str, str]


class Assessment(BaseModel):
    """The origin engine's verdict for one area, with every test it ran."""

    agreement: str
    qualifies: bool
    criterion: str | None
    basis: str | None
    vnm: str | None
    rvc_pct: str | None
    non_originating_pct: str | None
    tests: list[OriginTest]
    problem: str = ""  # why the engine could not assess the product (the reviewer's view)


class FilingReviewView(ProductFilingView):
    """A filing as the reviewer sees it: whose it is and what the engine finds today."""

    enterprise_code: str
    company_name: str
    assessments: list[Assessment]


class AreaDecision(DomainModel):
    """An approval's optional remark."""

    remark: Text = ""


class AuthorityFilingView(ProductFiling):
    """A filing the authority holds for an enterprise (recorded at its counter)."""

    enterprise_code: str
    approved_at: datetime
    recorded_by: str


SyncType = Literal["enterprise_info", "product_filings"]


class SyncRun(BaseModel):
    """One data-sync run (同步列表): type, status, who asked, when, how many, remark."""

    id: int
    sync_type: SyncType
    sync_type_zh: str
    status: Literal["completed", "failed"]
    status_zh: str
    requested_by: str
    requested_at: datetime
    updated_at: datetime
    count: int
    remark: str


class SignerOut(BaseModel):
    name: str
    status: str
    registered_on: date | None


class EnterpriseProfile(BaseModel):
    """The enterprise's copy of its CCPIT registration ("sync enterprise info")."""

    synced: bool
    synced_at: datetime | None
    version: int
    enterprise_code: str | None
    ccpit_code: str | None
    name_en: str
    name_cn: str
    hand_signers: list[SignerOut]
