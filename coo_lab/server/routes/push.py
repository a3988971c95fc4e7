"""Status push (状态推送): subscriptions, phone/WeChat bindings, the delivery log, the outbox.

Subscribing, cancelling and binding are writes: the enterprise's administrator and operators
may do them, a manager (read only) sees the lists.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from coo_lab.errors import ServiceUnavailable
from coo_lab.server.deps import DB, EnterpriseScope, WriterScope
from coo_lab.server.push import PushService, bindings, deliveries, providers, subscriptions
from coo_lab.server.push.providers import SendFailed
from coo_lab.server.push.schemas import (
    BindingRequest,
    BindingView,
    DeliveryView,
    OutboxMessage,
    PushStatus,
    SubscriptionInput,
    SubscriptionView,
    Unbound,
    VerificationCode,
)
from coo_lab.server.routes.common import (
    IdempotencyKey,
    IfMatch,
    PageNo,
    PageSize,
    RecordId,
    idempotent_write,
    page_of,
    with_etag,
)
from coo_lab.server.schemas import ErrorBody, Page

router = APIRouter(prefix="/api/v1/push", tags=["status push"])
Mode = Literal["document", "enterprise", "person"]
ChannelName = Literal["sms", "wechat", "webhook", "email"]
Content = Literal["certificate", "product_filing"]
DeliveryStatus = Literal["pending", "delivered", "failed", "cancelled"]


async def get_push(request: Request) -> PushService:
    return request.app.state.push


Push = Annotated[PushService, Depends(get_push)]


@router.post("/subscriptions", status_code=201, response_model=SubscriptionView)
def subscribe(
    body: SubscriptionInput,
    scope: WriterScope,
    db: DB,
    push: Push,
    request: Request,
    key: IdempotencyKey = None,
):
    """订阅: by document number, by enterprise or by person; one channel each."""
    data = body.model_dump(mode="json", exclude_unset=True)
    return idempotent_write(
        db,
        scope.user,
        request,
        key,
        data,
        lambda tx: subscriptions.create(tx, scope, data, push.settings),
        201,
    )


@router.get("/subscriptions", response_model=Page[SubscriptionView])
def list_subscriptions(
    scope: EnterpriseScope,
    db: DB,
    active: bool | None = None,
    mode: Mode | None = None,
    channel: ChannelName | None = None,
    content: Content | None = None,
    page: PageNo = 1,
    page_size: PageSize = 50,
) -> dict:
    """订阅信息记录: the enterprise's subscriptions, newest first."""
    with db.read() as tx:
        items, total = subscriptions.query(
            tx,
            scope.company_id,
            active=active,
            mode=mode,
            channel=channel,
            content=content,
            page=page,
            page_size=page_size,
        )
    return page_of(items, total, page, page_size)


@router.get("/subscriptions/{subscription_id}", response_model=SubscriptionView)
def get_subscription(subscription_id: RecordId, scope: EnterpriseScope, db: DB):
    with db.read() as tx:
        return with_etag(
            subscriptions.view(subscriptions.load(tx, scope.company_id, subscription_id))
        )


@router.post("/subscriptions/{subscription_id}/cancel", response_model=SubscriptionView)
def cancel_subscription(
    subscription_id: RecordId, scope: WriterScope, db: DB, version: IfMatch = None
):
    """取消订阅 (the subscriber or the enterprise administrator); unsent deliveries are dropped."""
    with db.transaction() as tx:
        return with_etag(subscriptions.cancel(tx, scope, subscription_id, version))


@router.get("/subscriptions/{subscription_id}/deliveries", response_model=Page[DeliveryView])
def subscription_deliveries(
    subscription_id: RecordId,
    scope: EnterpriseScope,
    db: DB,
    status: DeliveryStatus | None = None,
    page: PageNo = 1,
    page_size: PageSize = 50,
) -> dict:
    with db.read() as tx:
        subscriptions.load(tx, scope.company_id, subscription_id)
        items, total = deliveries.query(
            tx,
            scope.company_id,
            subscription_id=subscription_id,
            status=status,
            page=page,
            page_size=page_size,
        )
    return page_of(items, total, page, page_size)


@router.get("/deliveries", response_model=Page[DeliveryView])
def list_deliveries(
    scope: EnterpriseScope,
    db: DB,
    subscription_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    status: DeliveryStatus | None = None,
    channel: ChannelName | None = None,
    page: PageNo = 1,
    page_size: PageSize = 50,
) -> dict:
    """The delivery log: every notification with each attempt (time, outcome, error)."""
    with db.read() as tx:
        items, total = deliveries.query(
            tx,
            scope.company_id,
            subscription_id=subscription_id,
            status=status,
            channel=channel,
            page=page,
            page_size=page_size,
        )
    return page_of(items, total, page, page_size)


@router.get("/outbox", response_model=Page[OutboxMessage])
def outbox(
    scope: EnterpriseScope,
    db: DB,
    channel: Literal["sms", "wechat"] | None = None,
    address: Annotated[str | None, Query(max_length=64)] = None,
    page: PageNo = 1,
    page_size: PageSize = 50,
) -> dict:
    """What the default SMS/WeChat provider kept for the enterprise's numbers, newest first."""
    with db.read() as tx:
        items, total = providers.outbox(
            tx, scope.company_id, channel=channel, address=address, page=page, page_size=page_size
        )
    return page_of(items, total, page, page_size)


@router.get("/bindings", response_model=list[BindingView])
def my_bindings(scope: EnterpriseScope, db: DB, push: Push) -> list[dict]:
    """Your phone numbers and WeChat accounts: bound, waiting for a code, or unbound."""
    with db.read() as tx:
        return bindings.mine(tx, scope, push.settings)


@router.post(
    "/bindings",
    status_code=201,
    response_model=BindingView,
    responses={503: {"model": ErrorBody, "description": "the provider could not send the code"}},
)
def request_code(body: BindingRequest, scope: WriterScope, db: DB, push: Push) -> dict:
    """获取验证码: a 6-digit code goes to the number (SMS) or account (WeChat)."""
    with db.transaction() as tx:
        shown, message = bindings.issue_code(tx, scope, body.channel, body.address, push.settings)
    try:
        push.channels.providers[body.channel].send(message)
    except SendFailed as exc:
        with db.transaction() as tx:
            bindings.withdraw_code(tx, shown["id"])
        raise ServiceUnavailable(
            f"the verification code could not be sent to {body.address}: {exc}; try again",
            f"验证码未能发送至 {body.address}：{exc}；请重试",
        ) from exc
    return shown


@router.post("/bindings/{binding_id}/verify", response_model=BindingView)
def verify_code(
    binding_id: RecordId, body: VerificationCode, scope: WriterScope, db: DB, push: Push
) -> dict:
    """绑定: the code received; wrong, expired or too many tries are told apart."""
    # a wrong code must stay counted: the refusal is raised after the commit
    with db.transaction() as tx:
        shown, refusal = bindings.verify(tx, scope, binding_id, body.code, push.settings)
    if refusal is not None:
        raise refusal
    return shown


@router.delete("/bindings/{binding_id}", response_model=Unbound)
def unbind(binding_id: RecordId, scope: WriterScope, db: DB, push: Push) -> dict:
    """解除绑定: your subscriptions that push to this number or account are cancelled."""
    with db.transaction() as tx:
        return bindings.unbind(tx, scope, binding_id, push.settings)


@router.get("/status", response_model=PushStatus)
def status(scope: EnterpriseScope, push: Push) -> dict:
    """The dispatcher: running or not, how far it read the feed, the enterprise's deliveries."""
    return push.status(scope.company_id)
