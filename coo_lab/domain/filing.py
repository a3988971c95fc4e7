"""Product filing (商品备案): the product, its materials, and one area per agreement.

A preferential certificate may only carry goods that an approved filing covers for that
agreement; the goods line takes the criterion the filing supports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

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
        check_area_codes([a.agreement for a in self.areas])
        return self

    def area(self, agreement_code: str) -> FilingArea | None:
        return next((a for a in self.areas if a.agreement == agreement_code), None)

    def approved_for(self, agreement_code: str) -> bool:
        found = self.area(agreement_code)
        return found is not None and found.status == FilingStatus.APPROVED


def check_area_codes(codes: Sequence[str]) -> None:
    """The areas a filing may name: preferential agreements, each once, ECFA (H) alone.

    Raises a bilingual ``ValueError`` naming the ``areas`` field (for a model validator)."""
    codes = list(codes)
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


def filing_status(statuses: Iterable[str]) -> FilingStatus:
    """A filing's status as a whole, from its areas' (the list shows it; queries filter on it).

    Under review while any area is submitted; else returned while any area is returned (the
    enterprise has something to fix, even if other areas were approved); else draft while
    any area is a draft; approved only when every area is.
    """
    seen = {FilingStatus(s) for s in statuses}
    for status in (FilingStatus.SUBMITTED, FilingStatus.RETURNED, FilingStatus.DRAFT):
        if status in seen:
            return status
    return FilingStatus.APPROVED


class FilingNumber(NamedTuple):
    year: int
    agreement: str
    enterprise_code: str
    serial: int

    @property
    def series(self) -> str:
        """The counter the serial comes from: one per enterprise and (China's) year."""
        return f"filing:{self.enterprise_code}:{self.year}"


_FILING_NUMBER = re.compile(r"(\d{2})([A-Z]{1,2})([0-9A-Z]{9})/(\d{5})")


def filing_number(year: int, agreement: str, enterprise_code: str, serial: int) -> str:
    """申请备案号, given to an area on approval: ``YY`` + agreement + enterprise code + ``/`` +
    5-digit serial, e.g. ``26K311120218/00007`` (the deck shows ``18S2102M9997/00054``). The
    serial counts per enterprise and year across agreements, so a number never repeats."""
    if not 1 <= serial <= 99_999:
        raise ValueError(f"filing serial {serial} is outside 1–99999")
    return f"{year % 100:02d}{agreement}{enterprise_code}/{serial:05d}"


def parse_filing_number(number: str) -> FilingNumber | None:
    """The parts of a filing number, or ``None`` when it is not one of that shape."""
    found = _FILING_NUMBER.fullmatch(number or "")
    if found is None:
        return None
    yy, agreement, enterprise, serial = found.groups()
    return FilingNumber(2000 + int(yy), agreement, enterprise, int(serial))
