"""Status push (状态推送): a thin screen model over ``client.push`` (built beside this app).

As in the deck: choose the channel (SMS with a phone bound by a verification code, WeChat,
and beyond the original a webhook or e-mail), the subscription mode (by document number, by
enterprise, by person) and the content (certificates, product filings); 订阅 / 重置; the
records (订阅信息记录) with 取消订阅 on the ticked rows.
"""

from __future__ import annotations

from typing import Any

from coo_lab.ui.session import Session
from coo_lab.ui.state import Model, Notice

V1 = "/api/v1/push"
CHANNELS = ("sms", "wechat", "webhook", "email")
MODES = ("document", "enterprise", "person")
CONTENTS = ("certificate", "product_filing")
TARGET = {"sms": "phone", "wechat": "wechat_openid", "webhook": "webhook_url", "email": "email"}


class PushDesk(Model):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.reset()
        self.rows: list[dict[str, Any]] = []
        self.bindings: list[dict[str, Any]] = []
        self.active_only = True
        self.ticked: set[int] = set()
        self.secret: str | None = None  # a webhook's signing secret, shown once

    def reset(self) -> None:
        """重置: the subscription form back to its defaults."""
        self.channel, self.mode, self.content = "sms", "enterprise", "certificate"
        self.target = ""  # the phone, WeChat openid, webhook URL or e-mail
        self.document_number = ""
        self.changed("form")

    def set(self, name: str, value: Any) -> None:
        setattr(self, name, "" if value is None else value)
        self.changed(name)

    # --- lists ---------------------------------------------------------------------------

    def reload(self) -> None:
        client = self.session.client

        def go() -> None:
            params = {"active": True} if self.active_only else {}
            body = client.get(f"{V1}/subscriptions", page=1, page_size=100, **params)
            self.rows = body["items"]
            self.bindings = client.get(f"{V1}/bindings")
            self.ticked &= {r["id"] for r in self.rows}

        self.perform(go)
        self.changed("rows")

    def tick(self, subscription_id: int, on: bool = True) -> None:
        (self.ticked.add if on else self.ticked.discard)(subscription_id)
        self.changed("ticks")

    # --- binding a phone or WeChat account -------------------------------------------------

    def request_code(self) -> bool:
        """获取验证码: a code goes to the phone (or WeChat account) typed as the target."""
        push = self.session.client.push
        ok = self.perform(
            lambda: push.request_code(self.target.strip(), self.channel),
            ok=Notice("ok", "验证码已发送。", "Verification code sent."),
        )
        self.reload()
        return ok

    def verify(self, code: str) -> bool:
        """The code received: the pending binding of the target is bound."""
        pending = next(
            (
                b
                for b in self.bindings
                if b["address"] == self.target.strip()
                and b["channel"] == self.channel
                and b["status"] == "pending"
            ),
            None,
        )
        if pending is None:
            self.tell(Notice("error", "请先获取验证码。", "Ask for a verification code first."))
            return False
        push = self.session.client.push
        ok = self.perform(
            lambda: push.verify(pending["id"], code.strip()),
            ok=Notice("ok", "绑定成功。", "Bound."),
        )
        self.reload()
        return ok

    def unbind(self, binding_id: int) -> bool:
        """解除绑定 (its subscriptions are cancelled)."""
        push = self.session.client.push
        ok = self.perform(
            lambda: push.unbind(binding_id), ok=Notice("ok", "已解除绑定。", "Unbound.")
        )
        self.reload()
        return ok

    # --- subscriptions -------------------------------------------------------------------

    def subscribe(self) -> bool:
        """订阅."""
        fields: dict[str, Any] = {TARGET[self.channel]: self.target.strip() or None}
        if self.mode == "document":
            fields["document_number"] = self.document_number.strip() or None
        push, made = self.session.client.push, {}

        def go() -> None:
            made.update(push.subscribe(self.mode, self.channel, content=self.content, **fields))

        if not self.perform(go, ok=Notice("ok", "订阅成功。", "Subscribed.")):
            return False
        self.secret = made.get("webhook_secret")
        self.reload()
        return True

    def cancel(self) -> int:
        """取消订阅 of the ticked rows, with progress."""
        rows = [r for r in self.rows if r["id"] in self.ticked]
        if not rows:
            self.tell(Notice.of("error", "selected_none"))
            return 0
        push = self.session.client.push
        failures = self.each(rows, lambda r: push.cancel(r["id"], r["version"]))
        self.reload()
        done = len(rows) - len(failures)
        self.tell(
            failures[0] if failures else Notice("ok", f"{done} 条已取消。", f"{done} cancelled.")
        )
        return done
