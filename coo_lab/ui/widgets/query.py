"""A certificate query screen: the search box, the row actions and the table."""

from __future__ import annotations

import base64
from typing import Any

import ipywidgets as w

from coo_lab.domain.agreements import agreement
from coo_lab.ui.i18n import status_label
from coo_lab.ui.queries import COLUMNS, CertificateQuery
from coo_lab.ui.widgets.common import (
    NoticeBar,
    Table,
    Words,
    date_input,
    dropdown,
    hidden,
    tag,
    text_input,
)

ACTION_LABELS = {
    "copy": "btn_copy",
    "edit": "btn_edit",
    "submit": "btn_submit",
    "preview": "btn_preview",
    "print": "btn_print",
    "amend": "btn_amend",
    "void": "btn_void",
    "delete": "btn_delete",
}
WIDTHS = (90, 150, 150, 170, 70, 90, 70, 90, 90)
TITLES = {"preferential": "menu_preferential", "general": "menu_general", "void": "menu_void"}


class QueryPage(w.VBox):
    def __init__(self, query: CertificateQuery, words: Words) -> None:
        super().__init__()
        tag(self, "query", query.view)
        self.query, self.words = query, words
        self.title = words.label(w.HTML(), TITLES[query.view], "value")
        self.inputs: dict[str, w.Widget] = {
            "invoice_number": text_input(width="160px"),
            "cert_type": dropdown([("—", None)], "220px"),
            "status": dropdown([("—", None)], "140px"),
            "hand_signer": text_input(width="120px"),
            "created_from": date_input(),
            "created_to": date_input(),
            "submitted_from": date_input(),
            "submitted_to": date_input(),
        }
        for name, widget in self.inputs.items():
            tag(widget, "query", name)
            widget.observe(lambda ch, name=name: query.set(name, ch["new"]), names="value")
        self.search_button = tag(words.button("btn_query", style="primary"), "query", "search")
        self.search_button.on_click(lambda b: self.words.busy(b, query.run, self._enable))
        self.reset_button = words.button("btn_reset")
        self.reset_button.on_click(lambda _b: self.words.guard(lambda: self._reset()))
        self.toggle = w.ToggleButton(value=True)
        self.toggle.observe(lambda _ch: self._toggle_search(), names="value")
        self.search_box = self._search_box()
        self.reason = words.label(text_input(width="200px"), "void_reason", "placeholder")
        self.action_buttons = {a: words.button(ACTION_LABELS[a]) for a in query.actions()}
        for action, button in self.action_buttons.items():
            button.on_click(
                lambda b, a=action: self.words.busy(b, lambda: self._act(a), self._enable)
            )
        self.refresh_button = words.button("btn_refresh")
        self.refresh_button.on_click(lambda b: self.words.busy(b, query.refresh, self._enable))
        self.table = Table([(c, c) for c in COLUMNS], WIDTHS, link="invoice_number")
        self.table.guard = self.words.guard
        self.table.on_link = lambda row: query.open(row["id"])
        self.table.on_tick = lambda row, on: query.tick(row["id"], on)
        self.prev_button = words.button("btn_prev")
        self.next_button = words.button("btn_next")
        self.prev_button.on_click(lambda b: self.words.busy(b, query.previous_page, self._enable))
        self.next_button.on_click(lambda b: self.words.busy(b, query.next_page, self._enable))
        self.pager = w.Label()
        self.pdf_links = w.HTML()
        toolbar = [*self.action_buttons.values(), self.refresh_button, self.toggle]
        if "void" in self.action_buttons:
            toolbar.insert(list(self.action_buttons).index("void") + 1, self.reason)
        self.children = [
            self.title,
            self.search_box,
            w.HBox(toolbar),
            NoticeBar(query, words),
            self.table,
            w.HBox([self.prev_button, self.pager, self.next_button]),
            self.pdf_links,
        ]
        query.observe(self._on_query)
        words.bind(lambda _l: self._relabel())

    def _search_box(self) -> w.Widget:
        def field(name: str, key: str | None = None) -> w.Widget:
            label = w.HTML(layout=w.Layout(width="80px"))
            if key:
                self.words.label(label, key, "value")
            else:
                self.words.field_label(label, name)
            return w.HBox([label, self.inputs[name]])

        to = [self.words.label(w.HTML(), "to", "value") for _ in range(2)]
        return w.VBox(
            [
                self.words.label(w.HTML(), "search_box", "value"),
                w.HBox([field("invoice_number"), field("cert_type"), field("status")]),
                w.HBox([field("hand_signer")]),
                w.HBox([field("created_from", "created_range"), to[0], self.inputs["created_to"]]),
                w.HBox(
                    [field("submitted_from", "submitted_range"), to[1], self.inputs["submitted_to"]]
                ),
                w.HBox([self.search_button, self.reset_button]),
            ]
        )

    def _toggle_search(self) -> None:
        hidden(self.search_box, not self.toggle.value)
        self.toggle.description = self.words("hide_search" if self.toggle.value else "show_search")

    def _reset(self) -> None:
        for name, widget in self.inputs.items():
            widget.value = None if name != "invoice_number" and name != "hand_signer" else ""
        self.query.reset()

    def _act(self, action: str) -> None:
        if self.query.act(action, self.reason.value) and action == "void":
            self.reason.value = ""

    def _relabel(self) -> None:
        lang = self.words.lang
        self._toggle_search()
        types = self.inputs["cert_type"]
        value = types.value
        types.options = [("—", None)] + [
            (f"{agreement(c).name_zh if lang == 'zh' else agreement(c).name_en} ({c})", c)
            for c in self.query.type_choices()
        ]
        types.value = value
        statuses = self.inputs["status"]
        value = statuses.value
        choices = ("void",) if self.query.view == "void" else (
            "draft", "submitted", "approved", "returned", "printed"
        )  # fmt: skip
        statuses.options = [("—", None)] + [(status_label(s, lang), s) for s in choices]
        statuses.value = value
        self._draw_rows()

    def _on_query(self, what: str) -> None:
        if what in ("rows", "all", "ticks"):
            self._draw_rows() if what != "ticks" else self._enable()

    def _cell(self, row: dict[str, Any], key: str) -> str:
        value = row.get(key)
        if key == "status":
            return status_label(value or "", self.words.lang)
        if key in ("created_at", "submitted_at"):
            return (value or "-")[:10]
        return "-" if value in (None, "") else str(value)

    def _draw_rows(self) -> None:
        q = self.query
        headings = [self.words.field(c) for c in COLUMNS]
        self.table.show(
            q.rows,
            headings,
            self._cell,
            link_heading=self.words.field("invoice_number"),
            ticked=q.ticked,
            empty=self.words("no_rows"),
        )
        self.pager.value = self.words("total_rows", total=q.total, page=q.page, pages=q.pages)
        self.pdf_links.value = " ".join(
            f'<a download="{cert_id}.pdf" href="data:application/pdf;base64,'
            f'{base64.b64encode(pdf).decode()}">{cert_id}.pdf</a>'
            for cert_id, pdf in q.pdfs.items()
        )
        self._enable()

    def _enable(self) -> None:
        q = self.query
        self.prev_button.disabled = q.page <= 1
        self.next_button.disabled = q.page >= q.pages
        for button in self.action_buttons.values():
            button.disabled = not q.ticked
