"""The parties on a certificate (base data, 基础资料) and the enterprise's registration.

Base data is saved without review and picked when filling a certificate; the certificate then
keeps its own copy, so editing a base record later never changes an issued certificate.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from coo_lab.domain.formats import (
    BankAccount,
    CcpitCode,
    Code,
    DomainModel,
    Email,
    EnterpriseCode,
    Iso3,
    Name,
    Phone,
    Text,
)


class Exporter(DomainModel):
    """出口商: the beneficiary (受益人) printed in box 1."""

    code: Code  # 受益人编码
    name_en: Name
    name_cn: Name = ""
    address_en: Text = ""
    address_cn: Text = ""
    phone: Phone | None = None
    fax: Phone | None = None
    email: Email | None = None


class Importer(DomainModel):
    """进口商: the consignee printed in box 2 ("TO ORDER" is allowed as its name)."""

    code: Code  # 客户编码
    name_en: Name
    name_cn: Name = ""
    address_en: Text = ""
    address_cn: Text = ""
    country: Iso3 | None = None
    bank_account: BankAccount | None = None
    email: Email | None = None
    contact: Name = ""
    phone1: Phone | None = None
    phone2: Phone | None = None
    fax1: Phone | None = None
    fax2: Phone | None = None
    notes: Text = ""  # 公司资料


class Producer(DomainModel):
    """生产商."""

    code: Code
    name_en: Name
    name_cn: Name = ""
    address_en: Text = ""
    address_cn: Text = ""


class SpecialClause(DomainModel):
    """特殊条款: a reusable remark such as a third-party invoicing clause."""

    code: Code
    text: Text = Field(min_length=1)


class HandSignerStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"  # 已注销


class HandSigner(DomainModel):
    """手签员: a person registered with the CCPIT office to sign declarations."""

    name: Name = Field(min_length=1)
    status: HandSignerStatus = HandSignerStatus.ACTIVE
    registered_on: date | None = None

    @property
    def active(self) -> bool:
        return self.status == HandSignerStatus.ACTIVE


class EnterpriseFiling(DomainModel):
    """The enterprise as registered with the CCPIT office (企业备案), with its hand-signers."""

    enterprise_code: EnterpriseCode  # 企业编码 / 贸促会注册编号
    ccpit_code: CcpitCode  # 贸促会机构编码
    name_en: Name = Field(min_length=1)
    name_cn: Name = ""
    hand_signers: list[HandSigner] = Field(default_factory=list)
    filed: bool = False  # user filing (用户备案) completed

    def hand_signer(self, name: str) -> HandSigner | None:
        wanted = (name or "").strip()
        return next((h for h in self.hand_signers if h.name == wanted), None)

    def active_signer_names(self) -> frozenset[str]:
        return frozenset(h.name for h in self.hand_signers if h.active)


class UserFiling(DomainModel):
    """用户备案: what an enterprise types to link its account to its CCPIT registration."""

    ccpit_code: CcpitCode
    enterprise_code: EnterpriseCode
    hand_signer: Name = Field(min_length=1)
