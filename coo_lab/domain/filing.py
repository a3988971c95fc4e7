"""Product filing (商品备案): the product, its materials, and one area per agreement.

A preferential certificate may only carry goods that an approved filing covers for that
agreement; the goods line takes the criterion the filing supports.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, model_validator

from coo_lab.domain.agreements import CERTIFICATE_TYPES
from coo_lab.domain.certificate import CertType
from coo_lab.domain.formats import (
    DomainModel,
    HSCode,
    Iso3,
    MaterialHS,
    Money,
    Name,
    Text,
    bilingual,
)
from coo_lab.domain.lifecycle import FilingStatus


class Material(DomainModel):
    """A raw material or component (原材料、零部件) per unit of product."""

    hs_code: MaterialHS
    name: Name = Field(min_length=1)
    origin_country: Iso3
    value: Money  # USD per unit of product (CIF at import, or first price paid in China)
    originating: bool

    @property
    def non_originating(self) -> bool:
        return not self.originating


class FilingArea(DomainModel):
    """One preferential area (优惠区域) of a filing, with its own status and review."""

    agreement: CertType
    status: FilingStatus = FilingStatus.DRAFT
    criterion: Name = ""  # what the origin engine supports, kept at submission
    filing_number: Name | None = None  # 申请备案号, given on approval
    submitted_at: datetime | None = None
    reviewed_at: datetime | None = None
    review_remark: Text = ""


class ProductFiling(DomainModel):
    """A product filed with the authority before any preferential certificate."""

    id: int | None = None
    version: int = 0
    hs_code: HSCode
    name_en: Name = Field(min_length=1)
    name_cn: Name = ""
    process_description: Text = ""  # 工序说明
    manufacturer: Text = ""  # 生产厂商 (name and address in Chinese; never printed)
    ex_works_unit_price: Money | None = None  # USD
    fob_unit_price: Money | None = None  # USD
    wholly_obtained: bool = False
    materials: list[Material] = Field(min_length=1)
    areas: list[FilingArea] = Field(min_length=1)
    created_at: datetime | None = None

    @model_validator(mode="after")
    def _areas_are_consistent(self) -> ProductFiling:
        codes = [a.agreement for a in self.areas]
        if "C" in codes:
            raise bilingual(
                "areas: the general CO (C) needs no product filing; choose preferential "
                "agreements (" + ", ".join(CERTIFICATE_TYPES[1:]) + ")",
                "优惠区域：一般原产地证（C）无需商品备案，请选择优惠协定",
            )
        if len(set(codes)) != len(codes):
            raise bilingual(
                f"areas: each agreement may be named once, got {codes}",
                f"优惠区域：每个协定只能出现一次，当前为 {codes}",
            )
        if "H" in codes and len(codes) > 1:
            raise bilingual(
                f"areas: an ECFA (H) product must be filed alone, with no other area; got {codes}",
                f"优惠区域：《海峡两岸经济合作框架协议》(H) 商品须单独备案，不能与其它区域合并，"
                f"当前为 {codes}",
            )
        return self

    def area(self, agreement_code: str) -> FilingArea | None:
        return next((a for a in self.areas if a.agreement == agreement_code), None)

    def approved_for(self, agreement_code: str) -> bool:
        found = self.area(agreement_code)
        return found is not None and found.status == FilingStatus.APPROVED
