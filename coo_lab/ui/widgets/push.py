"""状态推送: channel, subscription mode and content, 订阅 / 重置, and the records."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from coo_lab.ui.i18n import Language
from coo_lab.ui.push import CHANNELS, CONTENTS, MODES, PushDesk
from coo_lab.ui.widgets.common import NoticeBar, Table, Words, esc, hidden, text_input

NAMES: dict[str, tuple[str, str]] = {
    "sms": ("短信", "SMS"),
    "wechat": ("微信公众号", "WeChat"),
    "webhook": ("Webhook", "Webhook"),
    "email": ("电子邮件", "E-mail"),
    "document": ("按业务单据号订阅", "By document number"),
    "enterprise": ("按企业订阅", "By enterprise"),
    "person": ("按个人订阅", "By person"),
    "certificate": ("原产地证", "Certificates"),
    "product_filing": ("商品备案", "Product filings"),
    "pending": ("待验证", "Waiting for the code"),
    "bound": ("已绑定", "Bound"),
    "unbound": ("已解除", "Unbound"),
}
HEADINGS = {
    "channel": ("推送方式", "Channel"),
    "mode": ("订阅方式", "Mode"),
    "content": ("订阅内容", "Content"),
    "document_number": ("业务单据号", "Document number"),
    "target": ("接收地址", "Sent to"),
    "active": ("是否有效", "Active"),
}
TARGET_HINT = {
    "sms": ("手机号码", "phone number"),
    "wechat": ("微信 openid", "WeChat openid"),
    "webhook": ("https://…", "https://…"),
    "email": ("name@example.com", "name@example.com"),
}


def name(key: str, lang: Language) -> str:
    zh, en = NAMES.get(key, (key, key))
    return zh if lang == Language.ZH else en


class PushPage(w.VBox):
    def __init__(self, desk: PushDesk, words: Words) -> None:
        super().__init__()
        self.desk, self.words = desk, words
        self._drawing = False
        self.channel = w.ToggleButtons(options=[(c, c) for c in CHANNELS])
        self.mode = w.RadioButtons(options=[(m, m) for m in MODES])
        self.content = w.RadioButtons(options=[(c, c) for c in CONTENTS])
        self.target = text_input(width="300px")
        self.document_number = text_input(width="300px", placeholder="证书号 / 统一编号")
        for field in ("channel", "mode", "content", "target", "document_number"):
            getattr(self, field).observe(
                lambda ch, f=field: None if self._drawing else desk.set(f, ch["new"]), "value"
            )
        self.code = text_input(width="120px", placeholder="验证码")
        self.request_code = words.button("push_request_code")
        self.verify = words.button("push_verify")
        self.request_code.on_click(lambda b: words.busy(b, desk.request_code, self._enable))
        self.verify.on_click(
            lambda b: words.busy(b, lambda: desk.verify(self.code.value), self._enable)
        )
        self.binding_box = w.HBox([self.code, self.request_code, self.verify])
        self.bindings = w.VBox()
        self.subscribe = words.button("push_subscribe", style="primary")
        self.reset = words.button("btn_reset")
        self.subscribe.on_click(lambda b: words.busy(b, desk.subscribe, self._enable))
        self.reset.on_click(lambda _b: words.guard(desk.reset))
        self.secret = w.HTML()
        self.active_only = words.label(w.Checkbox(value=True, indent=False), "push_active_only")
        self.active_only.observe(lambda ch: words.guard(lambda: self._filter(ch["new"])), "value")
        self.cancel = words.button("push_cancel")
        self.cancel.on_click(lambda b: words.busy(b, desk.cancel, self._enable))
        self.table = Table([(k, k) for k in HEADINGS], [120, 130, 100, 160, 220, 70])
        self.table.guard = words.guard
        self.table.on_tick = lambda row, on: desk.tick(row["id"], on)
        self.children = [
            words.label(w.HTML(), "menu_push", "value"),
            words.label(w.HTML(), "push_channel", "value"),
            w.HBox([self.channel, self.target]),
            self.binding_box,
            self.bindings,
            words.label(w.HTML(), "push_mode", "value"),
            w.HBox([self.mode, self.document_number]),
            words.label(w.HTML(), "push_content", "value"),
            self.content,
            w.HBox([self.subscribe, self.reset]),
            self.secret,
            NoticeBar(desk, words),
            words.label(w.HTML(), "push_records", "value"),
            w.HBox([self.cancel, self.active_only]),
            self.table,
        ]
        desk.observe(self._on_desk)
        words.bind(lambda _l: self.refresh())

    def _filter(self, active_only: bool) -> None:
        self.desk.active_only = active_only
        self.desk.reload()

    def _on_desk(self, what: str) -> None:
        if what == "ticks":
            self._enable()
        elif what not in ("notice", "progress", "target", "document_number", "code"):
            self.refresh()

    def _cell(self, row: dict[str, Any], key: str) -> str:
        lang = self.words.lang
        if key in ("channel", "mode", "content"):
            return name(row[key], lang)
        if key == "target":
            return str(
                row.get("phone") or row.get("email") or row.get("webhook_url")
                or row.get("wechat_openid") or ""
            )  # fmt: skip
        if key == "active":
            return "✔" if row["active"] else "✖"
        return str(row.get(key) or "-")

    def refresh(self) -> None:
        desk, lang = self.desk, self.words.lang
        self._drawing = True
        try:
            self.channel.options = [(name(c, lang), c) for c in CHANNELS]
            self.mode.options = [(name(m, lang), m) for m in MODES]
            self.content.options = [(name(c, lang), c) for c in CONTENTS]
            self.channel.value, self.mode.value = desk.channel, desk.mode
            self.content.value = desk.content
            self.target.value, self.document_number.value = desk.target, desk.document_number
            zh, en = TARGET_HINT[desk.channel]
            self.target.placeholder = zh if lang == Language.ZH else en
        finally:
            self._drawing = False
        hidden(self.binding_box, desk.channel not in ("sms", "wechat"))
        hidden(self.document_number, desk.mode != "document")
        self._draw_bindings()
        self.secret.value = (
            f"<b>Webhook secret</b> (仅显示一次 / shown once): <code>{esc(desk.secret)}</code>"
            if desk.secret
            else ""
        )
        self.table.show(
            desk.rows,
            [h[0] if lang == Language.ZH else h[1] for h in HEADINGS.values()],
            self._cell,
            ticked=desk.ticked,
            empty=self.words("no_rows"),
        )
        self._enable()

    def _draw_bindings(self) -> None:
        for child in self.bindings.children:
            child.close()
        rows = []
        for b in self.desk.bindings:
            if b["status"] == "unbound":
                continue
            label = w.HTML(
                f"{esc(name(b['channel'], self.words.lang))} {esc(b['address'])} · "
                f"{esc(name(b['status'], self.words.lang))}"
            )
            unbind = self.words.button("push_unbind")
            unbind.on_click(lambda _b, i=b["id"]: self.words.guard(lambda: self.desk.unbind(i)))
            rows.append(w.HBox([label, unbind]))
        self.bindings.children = rows

    def _enable(self) -> None:
        writer = self.desk.session.can_write
        for button in (self.subscribe, self.request_code, self.verify):
            button.disabled = not writer
        self.cancel.disabled = not writer or not self.desk.ticked
