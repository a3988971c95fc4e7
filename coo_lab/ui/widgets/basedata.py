"""A base-data screen (出口商 / 进口商 / 生产商 / 特殊条款管理)."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from coo_lab.ui import lookups
from coo_lab.ui.basedata import HINTS, TEXT_AREAS, BaseDataBook
from coo_lab.ui.i18n import CODE_LABELS, FIELD_LABELS, pick
from coo_lab.ui.widgets.common import (
    Binding,
    NoticeBar,
    Table,
    Words,
    dropdown,
    grid,
    hidden,
    text_input,
)

TITLES = {
    "exporters": "menu_exporters",
    "importers": "menu_importers",
    "producers": "menu_producers",
    "special-clauses": "menu_special_clauses",
}


class BaseDataPage(w.VBox):
    def __init__(self, book: BaseDataBook, words: Words) -> None:
        super().__init__()
        self.book, self.words = book, words
        self.title = words.label(w.HTML(), TITLES[book.kind], "value")
        self.search = text_input(width="200px")
        self.search_button = words.button("btn_search")
        self.search_button.on_click(
            lambda b: self.words.busy(b, lambda: book.load(self.search.value), self._enable)
        )
        self.buttons = {
            "new": words.button("btn_add"),
            "edit": words.button("btn_edit"),
            "delete": words.button("btn_delete"),
        }
        self.buttons["new"].on_click(lambda _b: self.words.guard(lambda: book.start_new()))
        self.buttons["edit"].on_click(lambda _b: self.words.guard(lambda: book.edit()))
        self.buttons["delete"].on_click(lambda b: self.words.busy(b, book.delete, self._enable))
        self.bindings: dict[str, Binding] = {}
        self.hints: dict[str, w.HTML] = {}
        self.save_button = words.button("btn_save", style="primary")
        self.save_new_button = words.button("btn_save_new")
        self.cancel_button = words.button("btn_cancel")
        self.save_button.on_click(lambda b: self.words.busy(b, book.save, self._enable))
        self.save_new_button.on_click(
            lambda b: self.words.busy(b, lambda: book.save(and_new=True), self._enable)
        )
        self.cancel_button.on_click(lambda _b: self.words.guard(lambda: book.cancel()))
        self.editor = w.VBox(
            [
                *self._fields(),
                w.HBox([self.save_button, self.save_new_button, self.cancel_button]),
            ],
            layout=w.Layout(border="1px solid #ccc", padding="6px"),
        )
        widths = [180 if c.startswith(("name", "address", "text")) else 110 for c in book.columns]
        self.table = Table([(c, c) for c in book.columns], widths, link="code")
        self.table.guard = self.words.guard
        self.table.on_link = lambda row: book.edit(row["id"])
        self.table.on_tick = lambda row, on: book.tick(row["id"], on)
        self.children = [
            self.title,
            w.HBox([*self.buttons.values(), self.search, self.search_button]),
            NoticeBar(book, words),
            self.editor,
            self.table,
        ]
        book.observe(self._on_book)
        words.bind(lambda _l: self.refresh())

    def _fields(self) -> list[w.Widget]:
        """The form's fields: the deck's label (the code's name differs per kind) and hint."""
        cells = []
        for name in self.book.fields:
            if name == "country":
                widget = dropdown(lookups.country_options(), "460px")
                binding = Binding(
                    self.book, name, widget, self.words, to_widget=lambda v: v or None
                )
            else:
                widget = text_input(area=name in TEXT_AREAS, width="460px")
                binding = Binding(self.book, name, widget, self.words)
            widget.style.description_width = "130px"
            self.words.bind(lambda lang, w_=widget, n=name: self._describe(w_, n, lang))
            self.bindings[name] = binding
            cells.append(w.VBox([widget, binding.messages]))
        return [grid(cells, width="480px")]

    def _describe(self, widget: w.Widget, name: str, lang) -> None:
        if name == "code":
            widget.description = pick(CODE_LABELS[self.book.kind], lang)
        else:
            widget.description = pick(FIELD_LABELS.get(name, (name, name)), lang)
        if name in HINTS and hasattr(widget, "placeholder"):
            widget.placeholder = pick(HINTS[name], lang)

    def _on_book(self, what: str) -> None:
        if what in self.bindings:
            self.bindings[what].refresh()
        elif what in ("rows", "editing", "all"):
            self.refresh()
        elif what == "ticks":
            self._enable()

    def _cell(self, row: dict[str, Any], key: str) -> str:
        value = row.get(key)
        if key == "created_at":
            return (value or "-")[:10]
        return "-" if value in (None, "") else str(value)

    def refresh(self) -> None:
        book = self.book
        hidden(self.editor, book.editing is None)
        for binding in self.bindings.values():
            binding.refresh()
        headings = [self.words.field(c) for c in book.columns]
        self.table.show(
            book.rows,
            headings,
            self._cell,
            link_heading=pick(CODE_LABELS[book.kind], self.words.lang),
            ticked=book.ticked,
            empty=self.words("no_rows"),
        )
        self._enable()

    def _enable(self) -> None:
        writer = self.book.session.can_write
        self.buttons["new"].disabled = not writer
        self.buttons["edit"].disabled = not writer or len(self.book.ticked) != 1
        self.buttons["delete"].disabled = not writer or not self.book.ticked
        self.save_button.disabled = self.save_new_button.disabled = not writer
