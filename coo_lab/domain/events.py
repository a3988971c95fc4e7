"""What the system tells people: receipts (回执), subscriptions (状态推送), announcements."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import Field, model_validator

from coo_lab.domain.formats import DomainModel, Email, Name, Phone, Text, bilingual


class DocumentKind(StrEnum):
    CERTIFICATE = "certificate"
    PRODUCT_FILING = "product_filing"


class Receipt(DomainModel):
    """One status change of a certificate or filing: who, when, from, to, why, findings."""

    id: int | None = None
    kind: DocumentKind = DocumentKind.CERTIFICATE
    document_id: int
    document_number: Name = ""  # internal number, certificate number or filing number
    enterprise_code: Name = ""
    from_status: Name | None = None
    to_status: Name
    actor: Name
    at: datetime
    reason: Text = ""
    findings: list[dict[str, Any]] = Field(default_factory=list)


class SubscriptionMode(StrEnum):
    DOCUMENT = "document"  # 按业务单据号订阅
    ENTERPRISE = "enterprise"  # 按企业订阅
    PERSON = "person"  # 按个人订阅


class Channel(StrEnum):
    SMS = "sms"
    WECHAT = "wechat"
    WEBHOOK = "webhook"
    EMAIL = "email"


class Subscription(DomainModel):
    """A request to be told about status changes, by document, enterprise or person."""

    id: int | None = None
    mode: SubscriptionMode
    channel: Channel
    content: DocumentKind = DocumentKind.CERTIFICATE
    document_number: Name | None = None
    phone: Phone | None = None
    email: Email | None = None
    webhook_url: Name | None = None
    wechat_openid: Name | None = None
    active: bool = True
    created_at: datetime | None = None

    @model_validator(mode="after")
    def _target_matches_channel(self) -> Subscription:
        needed = {
            Channel.SMS: ("phone", "a phone number", "手机号码"),
            Channel.EMAIL: ("email", "an e-mail address", "电子邮箱"),
            Channel.WEBHOOK: ("webhook_url", "an http(s) URL", "http(s) 地址"),
            Channel.WECHAT: ("wechat_openid", "a bound WeChat account", "已绑定的微信账号"),
        }[self.channel]
        field, en, zh = needed
        if not getattr(self, field):
            raise bilingual(
                f"{field}: the {self.channel.value} channel needs {en}",
                f"{field}：推送方式 {self.channel.value} 需要填写{zh}",
            )
        if self.channel == Channel.WEBHOOK and not self.webhook_url.startswith(
            ("http://", "https://")
        ):
            raise bilingual(
                f"webhook_url: {self.webhook_url!r} is not an http(s) URL",
                f"webhook_url：{self.webhook_url!r} 不是 http(s) 地址",
            )
        if self.mode == SubscriptionMode.DOCUMENT and not self.document_number:
            raise bilingual(
                "document_number: subscribing by document needs the document number",
                "document_number：按业务单据号订阅须填写单据号",
            )
        return self


class Announcement(DomainModel):
    """系统公告: shown on the home page."""

    id: int | None = None
    title: Name = Field(min_length=1)
    published_on: date
    publisher: Name = Field(min_length=1)
    body: Text = ""
