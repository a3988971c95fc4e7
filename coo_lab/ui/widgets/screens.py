"""The smaller screens: user filing, create by type, announcements, not-yet-available."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from coo_lab.domain.agreements import agreements
from coo_lab.ui.accounts import FILING_FIELDS, Announcements, UserFilingForm
from coo_lab.ui.i18n import FIELD_LABELS, pick
from coo_lab.ui.widgets.common import Binding, NoticeBar, Table, Words, esc, tag, text_input

FILING_LABELS = {
    "ccpit_code": FIELD_LABELS["ccpit_code"],
    "enterprise_code": FIELD_LABELS["enterprise_code"],
    "hand_signer": FIELD_LABELS["hand_signer_name"],
}


class UserFilingPage(w.VBox):
    """用户备案: the current state, and the three fields to file (admin)."""

    def __init__(self, form: UserFilingForm, words: Words) -> None:
        super().__init__()
        self.form, self.words = form, words
        self.state = w.HTML()
        self.bindings = {f: Binding(form, f, text_input(), words) for f in FILING_FIELDS}
        self.button = words.button("btn_file", style="primary")
        self.button.on_click(lambda b: self.words.busy(b, form.file, self._enable))
        rows = []
        for field, binding in self.bindings.items():
            binding.widget.style.description_width = "130px"
            words.bind(
                lambda lang, widget=binding.widget, field=field: setattr(
                    widget, "description", pick(FILING_LABELS[field], lang)
                )
            )
            rows.append(w.VBox([binding.widget, binding.messages]))
        self.children = [
            words.label(w.HTML(), "menu_user_filing", "value"),
            self.state,
            *rows,
            words.label(w.HTML(), "filing_help", "value"),
            self.button,
            NoticeBar(form, words),
        ]
        form.observe(lambda _what: self.refresh())
        words.bind(lambda _l: self.refresh())

    def refresh(self) -> None:
        state, words = self.form.state, self.words
        filed = words("filed_yes") if state.get("filed") else words("filed_no")
        parts = [f"<b>{esc(words('filing_state'))}</b>: {esc(filed)}"]
        if state.get("filed"):
            parts.append(f"{esc(state.get('name_en'))} {esc(state.get('name_cn'))}")
        self.state.value = " · ".join(parts)
        for binding in self.bindings.values():
            binding.refresh()
        self._enable()

    def _enable(self) -> None:
        self.button.disabled = self.form.session.role != "admin"


class CreatePage(w.VBox):
    """创建原产地证: the 15 types as the deck lists them."""

    def __init__(self, words: Words, on_choose: Callable[[str], None]) -> None:
        super().__init__()
        self.words = words
        self.type_buttons: dict[str, w.Button] = {}
        for a in agreements():
            button = w.Button(layout=w.Layout(width="420px"))
            button.on_click(lambda _b, code=a.code: self.words.guard(lambda: on_choose(code)))
            words.bind(
                lambda lang, b=button, a=a: setattr(
                    b, "description", f"{a.name_zh if lang == 'zh' else a.name_en} ({a.code})"
                )
            )
            self.type_buttons[a.code] = tag(button, "type", a.code)
        self.children = [
            words.label(w.HTML(), "menu_create", "value"),
            words.label(w.HTML(), "choose_type", "value"),
            words.label(w.HTML(), "choose_type_hint", "value"),
            *self.type_buttons.values(),
        ]


class AnnouncementsPage(w.VBox):
    """系统公告: title, date, publisher; clicking a title shows its text."""

    def __init__(self, board: Announcements, words: Words) -> None:
        super().__init__()
        self.board, self.words = board, words
        self.table = Table(
            [("published_on", "published_on"), ("publisher", "publisher")],
            [110, 220],
            link="title",
            ticks=False,
        )
        self.table.guard = self.words.guard
        self.table.on_link = lambda row: board.open(row["id"])
        self.body = w.HTML()
        self.children = [
            words.label(w.HTML(), "menu_announcements", "value"),
            NoticeBar(board, words),
            self.table,
            self.body,
        ]
        board.observe(lambda _what: self.refresh())
        words.bind(lambda _l: self.refresh())

    def refresh(self) -> None:
        words = self.words
        self.table.show(
            self.board.rows,
            [words("published_on"), words("publisher")],
            lambda row, key: str(row.get(key) or ""),
            link_heading=words("title"),
            empty=words("no_rows"),
        )
        opened = self.board.opened
        self.body.value = (
            f"<h4>{esc(opened['title'])}</h4><div style='white-space:pre-wrap'>"
            f"{esc(opened['body'])}</div>"
            if opened
            else ""
        )
        for button in self.table.link_buttons:
            button.layout.width = "420px"
