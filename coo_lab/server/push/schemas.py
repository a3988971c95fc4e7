"""Request and response bodies of the status-push API (``/api/v1/push``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, create_model

from coo_lab.domain.events import Subscription
from coo_lab.domain.formats import DomainModel, Name
from coo_lab.server.schemas import _fields_of

SubscriptionInput = create_model(
    "SubscriptionInput",
    __base__=DomainModel,
    __doc__="A subscription as a user asks for it: the mode (`document` with its number, "
    "`enterprise`, or `person` with a username — yourself if left out), the content "
    "(`certificate` or `product_filing`), and one channel with its target. A webhook's "
    "secret is made by the service unless given; it is shown once, in the answer.",
    person=(Name | None, None),
    webhook_secret=(str | None, Field(default=None, max_length=200)),
    **_fields_of(Subscription, frozenset({"id", "active", "created_at"})),
)


class SubscriptionView(BaseModel):
    id: int
    version: int
    mode: str
    channel: str
    content: str
    document_number: str | None
    document_id: int | None
    person: str | None
    phone: str | None
    email: str | None
    webhook_url: str | None
    wechat_openid: str | None
    active: bool
    owner: str
    created_at: datetime
    cancelled_at: datetime | None
    cancelled_by: str | None
    webhook_secret: str | None = Field(
        default=None, description="only in the answer that created a webhook subscription"
    )


class Attempt(BaseModel):
    attempt: int
    at: datetime
    ok: bool
    status_code: int | None
    error: str


class DeliveryView(BaseModel):
    """One notification of one subscription about one status change, and its attempts."""

    id: int
    delivery_id: str
    subscription_id: int
    channel: str
    target: str
    seq: int
    receipt_id: int
    document_kind: str
    document_id: int
    document_number: str
    from_status: str | None
    to_status: str
    status: Literal["pending", "delivered", "failed", "cancelled"]
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None
    log: list[Attempt]


class OutboxMessage(BaseModel):
    """A message the default SMS/WeChat provider kept instead of sending."""

    id: int
    channel: str
    address: str
    purpose: Literal["verification", "notification"]
    text: str
    delivery_id: str | None
    created_at: datetime


class BindingRequest(DomainModel):
    """获取验证码: a code is sent to this phone number (SMS) or WeChat account (openid)."""

    channel: Literal["sms", "wechat"]
    address: str = Field(min_length=1, max_length=64)


class VerificationCode(DomainModel):
    code: str = Field(min_length=1, max_length=12)


class BindingView(BaseModel):
    id: int
    version: int
    channel: str
    address: str
    status: Literal["pending", "bound", "unbound"]
    code_expires_at: datetime | None
    tries_left: int | None
    created_at: datetime
    bound_at: datetime | None


class Unbound(BindingView):
    cancelled_subscriptions: list[int]


class DeliveryCounts(BaseModel):
    pending: int
    delivered: int
    failed: int
    cancelled: int


class PushStatus(BaseModel):
    running: bool
    cursor: int
    latest_seq: int
    caught_up: bool
    deliveries: DeliveryCounts
    email_enabled: bool
