"""The certificate of origin (原产地证): basic info, goods lines and processing declaration.

The model holds what the form holds and checks formats only. Whether a certificate would be
approved is the business of ``coo_lab.domain.rules``; a draft may be incomplete.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field

from coo_lab.domain.agreements import CERTIFICATE_TYPES, Agreement, agreement
from coo_lab.domain.formats import (
    CcpitCode,
    CurrencyCode,
    CustomsCode,
    CustomsDeclarationNumber,
    DomainModel,
    EnterpriseCode,
    EnterpriseCustomsCode,
    HSCode,
    HSHeading,
    Iso3,
    Money,
    Name,
    Percent,
    Quantity,
    Text,
    UnitCode,
    bilingual,
)
from coo_lab.domain.lifecycle import CertificateStatus
from coo_lab.domain.parties import Exporter, Importer, Producer, SpecialClause
from coo_lab.domain.route import TRANSPORT_MODES


def _cert_type(value: str) -> str:
    code = value.strip().upper()
    if code not in CERTIFICATE_TYPES:
        raise bilingual(
            "a certificate type code: " + ", ".join(CERTIFICATE_TYPES),
            "证书类型代码之一：" + "、".join(CERTIFICATE_TYPES),
        )
    return code


def _transport_mode(value: str) -> str:
    code = value.strip().upper()
    if code not in TRANSPORT_MODES:
        raise bilingual(
            "a transport mode: " + ", ".join(TRANSPORT_MODES),
            "运输方式之一：" + "、".join(TRANSPORT_MODES),
        )
    return code


CertType = Annotated[str, AfterValidator(_cert_type)]
TransportMode = Annotated[str, AfterValidator(_transport_mode)]


class CertificateCategory(StrEnum):
    NEW = "new"  # 新建证书
    AMEND_REISSUE = "amend_reissue"  # 改证重发


class WeightFlag(StrEnum):
    GROSS = "G"  # 毛重
    NET = "N"  # 净重


class PriceTerm(StrEnum):
    EXW = "EXW"
    FCA = "FCA"
    FAS = "FAS"
    FOB = "FOB"
    CFR = "CFR"
    CIF = "CIF"
    CPT = "CPT"
    CIP = "CIP"
    DAP = "DAP"
    DPU = "DPU"
    DDP = "DDP"


class TradeMode(StrEnum):
    GENERAL = "general"  # 一般贸易
    PROCESSING_SUPPLIED = "processing_supplied"  # 来料加工
    PROCESSING_IMPORTED = "processing_imported"  # 进料加工
    BORDER = "border"  # 边境贸易
    OTHER = "other"  # 其他


class PaymentMethod(StrEnum):
    MT = "M/T"
    TT = "T/T"
    DD = "D/D"
    LC = "L/C"
    DP = "D/P"
    DA = "D/A"
    OA = "O/A"


class Attachment(DomainModel):
    """A supporting document (佐证材料) or a shipping-mark image, stored by the service."""

    name: Name = Field(min_length=1)
    content_type: str = "application/octet-stream"
    size: int = Field(default=0, ge=0)
    sha256: str = ""


class ImportedMaterial(DomainModel):
    """One imported material of a processing declaration: 4-digit heading and CIF unit price."""

    hs_heading: HSHeading
    cif_unit_price_usd: Money


class ProcessingDeclaration(DomainModel):
    """加工工序: how a general-CO product was made from imported materials (up to five)."""

    hs_heading: HSHeading
    product_name: Name = Field(min_length=1)
    delivery_unit_price: Money  # 交货单价 (USD)
    processing_steps: Text = Field(min_length=1)
    imported_materials: list[ImportedMaterial] = Field(default_factory=list, max_length=5)
    declared_percentage: Percent | None = None  # 从价百分比 as the user typed it

    @property
    def imported_share(self) -> Decimal | None:
        """``sum(CIF) / delivery unit price × 100`` to 0.01, rounded up: the exact figure the
        substantial-transformation test uses (a printed 70 % may really be 70.4 %)."""
        if not self.delivery_unit_price:
            return None
        cif = sum((m.cif_unit_price_usd for m in self.imported_materials), Decimal(0))
        return (cif / self.delivery_unit_price * 100).quantize(Decimal("0.01"), ROUND_CEILING)

    @property
    def ad_valorem_percentage(self) -> Decimal | None:
        """``sum(CIF) / delivery unit price × 100`` rounded to a whole percent (e.g. 17)."""
        if not self.delivery_unit_price:
            return None
        cif = sum((m.cif_unit_price_usd for m in self.imported_materials), Decimal(0))
        pct = cif / self.delivery_unit_price * 100
        return pct.quantize(Decimal(1), rounding=ROUND_HALF_UP)


class GoodsLine(DomainModel):
    """One line of goods (商品信息), boxes 6–9 of the general form."""

    line_no: int | None = Field(default=None, ge=1)
    hs_code: HSCode
    description: Text = ""
    quantity: Quantity | None = None
    unit: UnitCode | None = None
    unit_price: Money | None = None
    amount: Money | None = None
    net_weight: Quantity | None = None
    net_weight_unit: UnitCode = "035"
    gross_weight: Quantity | None = None
    packages: int | None = Field(default=None, ge=0)
    package_kind: Name = ""
    fob_usd: Money | None = None
    marks: Text = "N/M"
    mark_images: list[Attachment] = Field(default_factory=list)
    origin_criterion: Name = ""
    product_filing_number: Name | None = None  # 备案号 of the approved product filing
    processing: ProcessingDeclaration | None = None


RECORD_FIELDS = frozenset({
    "id", "version", "status", "category", "internal_number", "certificate_number",
    "original_certificate_number", "created_at", "submitted_at", "approved_at",
})  # fmt: skip
"""What the record of a certificate owns: its identity and place in the lifecycle. A copy or
an amend-reissue starts without them."""

NOT_BASIC_INFO = RECORD_FIELDS | {
    "enterprise_code",
    "ccpit_code",
    "company_name_cn",
    "goods",
    "supporting_documents",
}
"""Fields a basic-info body (create / update) never carries: the record's own, the
enterprise's codes (taken from the caller), the goods (saved separately, after) and the
supporting documents (uploaded as files; the service lists them)."""


class Certificate(DomainModel):
    """A certificate of origin of any of the 15 types, as the enterprise fills it."""

    id: int | None = None
    version: int = 0
    cert_type: CertType
    category: CertificateCategory = CertificateCategory.NEW
    status: CertificateStatus = CertificateStatus.DRAFT
    internal_number: Name | None = None  # 统一编号, given on first save
    certificate_number: Name | None = None  # given on approval
    original_certificate_number: Name | None = None  # the one an amend-reissue replaces

    enterprise_code: EnterpriseCode | None = None
    ccpit_code: CcpitCode | None = None
    company_name_cn: Name = ""

    invoice_number: Name = ""
    invoice_date: date | None = None
    application_place: Name = ""  # box 11 place
    application_date: date | None = None  # box 11 date (the exporter's declaration)
    signing_place: Name = ""  # box 12 place
    signing_date: date | None = None  # box 12 date

    exporter: Exporter | None = None
    importer: Importer | None = None
    producer: Producer | None = None

    departure_country: Iso3 = "CHN"
    departure_port: Name = ""  # UN/LOCODE, or a place typed by hand
    destination_country: Iso3 | None = None
    destination_port: Name = ""
    transshipment_port: Name = ""
    transport_mode: TransportMode = "SEA"
    shipment_date: date | None = None  # 提单/运输日期
    first_leg_vessel: Name = ""  # 一程
    second_leg_vessel: Name = ""  # 二程
    transport_route: Text = ""

    weight_flag: WeightFlag | None = None
    weight_quantity: Quantity | None = None
    contract_number: Name = ""
    fob_usd: Money | None = None
    invoice_amount: Money | None = None
    invoice_currency: CurrencyCode = "USD"
    price_term: PriceTerm = PriceTerm.FOB
    price_term_details: Name = ""
    trade_mode: TradeMode = TradeMode.GENERAL
    lc_number: Name = ""
    lc_date: date | None = None
    payment_method: PaymentMethod | None = None
    hand_signer: Name = ""
    exit_customs: CustomsCode | None = None
    enterprise_customs_code: EnterpriseCustomsCode | None = None
    customs_declaration_number: CustomsDeclarationNumber | None = None
    special_clauses: list[SpecialClause] = Field(default_factory=list)
    remarks: Text = ""
    supporting_documents: list[Attachment] = Field(default_factory=list)

    goods: list[GoodsLine] = Field(default_factory=list)

    created_at: datetime | None = None
    submitted_at: datetime | None = None
    approved_at: datetime | None = None

    @property
    def agreement(self) -> Agreement:
        return agreement(self.cert_type)

    @property
    def preferential(self) -> bool:
        return self.cert_type != "C"

    def goods_fob_total(self) -> Decimal:
        return sum((g.fob_usd or Decimal(0) for g in self.goods), Decimal(0))
