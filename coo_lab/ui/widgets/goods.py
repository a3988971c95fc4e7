"""The goods tab (商品信息): the line editor, the grid of lines, the processing dialog."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from coo_lab.ui import lookups
from coo_lab.ui.form import CertificateForm
from coo_lab.ui.processing import MAX_MATERIALS, ProcessingDialog
from coo_lab.ui.widgets.common import (
    Binding,
    NoticeBar,
    Words,
    dropdown,
    esc,
    grid,
    hidden,
    labelled,
    messages_html,
    tag,
    text_input,
)
from coo_lab.ui.widgets.pickers import SearchPicker


def _blank_first(options) -> list[tuple[str, str]]:
    return [("—", ""), *options]


class GoodsTab(w.VBox):
    def __init__(self, form: CertificateForm, words: Words) -> None:
        super().__init__()
        tag(self, "goods")
        self.form, self.editor, self.words = form, form.goods, words
        self.bindings: dict[str, Binding] = {}
        self._drawing = False
        self.note = w.HTML()
        self.filings_note = w.HTML()
        self.notice = tag(NoticeBar(self.editor, words), "goods", "notice")
        self.buttons = {
            "add": words.button("btn_add"),
            "save": words.button("btn_save", style="primary"),
            "delete": words.button("btn_delete"),
            "copy": words.button("btn_copy"),
        }
        actions = {
            "add": self.editor.add,
            "save": self.editor.save,
            "delete": self.editor.delete,
            "copy": self.editor.copy,
        }
        for key, button in self.buttons.items():
            tag(button, "line", "action", key)
            button.on_click(lambda b, key=key: self.words.busy(b, actions[key], self.refresh))
        self.grid = tag(w.Select(options=[], rows=6, layout=w.Layout(width="760px")), "goods-grid")
        self.grid.observe(self._on_grid, names="value")
        self.hs_text = tag(w.HTML(), "hs-text")
        self.hs_picker = SearchPicker(
            lookups.hs_options,
            lambda code: self.editor.set("hs_code", code),
            placeholder="HS / 品名",
            width="420px",
        )
        tag(self.hs_picker, "picker", "hs_code")
        self.processing_button = words.button("btn_processing", style="info")
        self.processing_button.on_click(
            lambda _b: self.words.guard(lambda: self._show_processing())
        )
        self.processing_text = w.HTML()
        self.images = w.FileUpload(multiple=True, accept="image/*")
        self.images.observe(self._on_images, names="value")
        self.images_text = w.HTML()
        self.area_search = text_input(width="260px", placeholder="HS / 品名 / 备案号")
        self.area_search.observe(lambda ch: self.editor.load_filing_areas(ch["new"]), names="value")
        self.area_list = w.Select(options=[], rows=4, layout=w.Layout(width="900px"))
        self.area_list.observe(self._on_area, names="value")
        self.area_box = w.VBox([self.area_search, self.area_list])
        self._dialog: ProcessingBox | None = None  # built when first opened
        self.dialog_slot = w.VBox()
        self.children = [
            self.note,
            self.filings_note,
            self.area_box,
            w.HBox(list(self.buttons.values())),
            self.notice,
            self.grid,
            self._editor(),
            self.dialog_slot,
        ]
        self.editor.observe(self._on_editor)
        words.bind(lambda _l: self.refresh())

    def _bind(self, field: str, *, area=False, options=None, width="380px") -> w.Box:
        if options is not None:
            widget = dropdown(options, width)
            binding = Binding(self.editor, field, widget, self.words, to_widget=lambda v: v)
        elif field == "origin_criterion":
            widget = w.Combobox(
                options=[], ensure_option=False, continuous_update=False,
                layout=w.Layout(width=width),
            )  # fmt: skip
            binding = Binding(self.editor, field, widget, self.words)
        else:
            widget = text_input(area=area, width=width)
            binding = Binding(self.editor, field, widget, self.words)
        self.bindings[field] = binding.tag("line")
        return binding.box()

    def _editor(self) -> w.Widget:
        units = _blank_first(lookups.unit_options())
        return w.VBox(
            [
                w.HBox([self._bind("hs_code", width="300px"), self.hs_picker]),
                self.hs_text,
                self._bind("description", area=True, width="900px"),
                grid(
                    [
                        self._bind("quantity"),
                        self._bind("unit", options=units),
                        self._bind("unit_price"),
                        self._bind("amount"),
                        self._bind("net_weight"),
                        self._bind("net_weight_unit", options=units),
                        self._bind("gross_weight"),
                        self._bind("fob_usd"),
                        self._bind("packages"),
                        self._bind("package_kind"),
                        self._bind("origin_criterion"),
                        self._bind("product_filing_number"),
                    ]
                ),
                self._bind("marks", area=True, width="640px"),
                w.HBox([labelled(self.words, "mark_images", self.images), self.images_text]),
                w.HBox([self.processing_button, self.processing_text]),
            ]
        )

    @property
    def dialog(self) -> ProcessingBox:
        if self._dialog is None:
            self._dialog = ProcessingBox(self.editor.processing, self.words)
            self.dialog_slot.children = [self._dialog]
        return self._dialog

    def _show_processing(self) -> None:
        self.dialog  # noqa: B018  (built before it opens, so it sees the change)
        self.editor.processing.show()

    # --- events --------------------------------------------------------------------------

    def _on_grid(self, change: dict[str, Any]) -> None:
        if not self._drawing:
            self.editor.select(change["new"])

    def _on_area(self, change: dict[str, Any]) -> None:
        if not self._drawing and change["new"]:
            self.editor.pick_area(change["new"])

    def _on_images(self, change: dict[str, Any]) -> None:
        files = [(f["name"], f.get("type", ""), bytes(f["content"])) for f in change["new"]]
        if files:
            self.editor.add_mark_images(files)

    def _on_editor(self, what: str) -> None:
        if what in ("notice", "progress"):
            return
        if what in self.bindings and what != "hs_code":
            self.bindings[what].refresh()
            return
        self.refresh()

    # --- drawing -------------------------------------------------------------------------

    def refresh(self) -> None:
        self._drawing = True
        try:
            self._draw()
        finally:
            self._drawing = False

    def _draw(self) -> None:
        form, editor, words = self.form, self.editor, self.words
        saved, editable = form.saved, "save" in form.allowed()
        self.note.value = (
            f"<small>{esc(words('goods_need_save' if not saved else 'goods_save_hint'))}</small>"
        )
        picker = form.preferential
        hint = f"<small>{esc(words('filings_pick_hint'))}</small>" if picker else ""
        self.filings_note.value = hint
        hidden(self.area_box, not picker)
        if picker:
            self.area_list.options = [
                (
                    f"{a['filing_number']} | {a['hs_code']} | {a['name_en'][:50]} | "
                    f"{a['criterion']}",
                    a["filing_number"],
                )
                for a in editor.filing_areas
            ]
            self.area_list.value = None
        self.grid.options = [(editor.row_label(i), i) for i in range(len(editor.lines))]
        self.grid.value = editor.selected
        criteria = [c for _, c in lookups.criterion_options(form.draft.cert_type) if c]
        self.bindings["origin_criterion"].widget.options = criteria
        for binding in self.bindings.values():
            binding.refresh()
        hs = str(editor.buffer.get("hs_code") or "")
        self.hs_text.value = f"<small>{esc(lookups.hs_text(hs))}</small>"
        images = editor.buffer.get("mark_images") or []
        self.images_text.value = "<br>".join(f"{esc(a.name)} ({a.size} B)" for a in images)
        decl = editor.buffer.get("processing")
        self.processing_text.value = (
            f"<small>{esc(decl.product_name)} · {esc(decl.hs_heading)} · "
            f"{esc(decl.ad_valorem_percentage)}%</small>"
            if decl is not None
            else f"<small>{esc(words('processing_none'))}</small>"
        ) + messages_html(editor.messages("processing"), words.lang)
        hidden(self.processing_button, not editor.processing_allowed)
        hidden(self.processing_text, not editor.processing_allowed)
        for key, button in self.buttons.items():
            needs_line = key in ("delete", "copy") and editor.selected is None
            button.disabled = not (saved and editable) or needs_line
        self.processing_button.disabled = not editable
        if self._dialog is not None:
            self._dialog.refresh()


class ProcessingBox(w.VBox):
    """加工工序编辑, shown under the goods editor while open."""

    def __init__(self, dialog: ProcessingDialog, words: Words) -> None:
        super().__init__(layout=w.Layout(border="1px solid #999", padding="6px"))
        self.dialog, self.words = dialog, words
        self._drawing = False
        self.title = words.label(w.HTML(), "processing_title", "value")
        self.mode = w.ToggleButtons(options=[("", "new"), ("", "same")], value="new")
        words.bind(lambda _l: self._label_modes())
        self.mode.observe(self._on_mode, names="value")
        self.fields: dict[str, w.Text] = {}
        self.field_messages: dict[str, w.HTML] = {}
        rows = []
        for name in ("hs_heading", "product_name", "delivery_unit_price", "processing_steps"):
            widget = text_input(area=name == "processing_steps", width="520px")
            widget.observe(lambda ch, name=name: self._set(name, ch["new"]), names="value")
            self.fields[name], self.field_messages[name] = widget, w.HTML()
            rows.append(labelled(words, name, widget, self.field_messages[name]))
        self.hint = words.label(w.HTML(), "processing_hint", "value")
        self.materials: list[tuple[w.Text, w.Text]] = []
        table = []
        for i in range(MAX_MATERIALS):
            heading = text_input(width="120px", placeholder="4位 HS")
            cif = text_input(width="160px", placeholder="USD")
            heading.observe(lambda ch, i=i: self._set_material(i, 0, ch["new"]), names="value")
            cif.observe(lambda ch, i=i: self._set_material(i, 1, ch["new"]), names="value")
            self.materials.append((heading, cif))
            table.append(w.HBox([w.Label(str(i + 1), layout=w.Layout(width="30px")), heading, cif]))
        self.material_messages = w.HTML()
        self.computed = w.HTML()
        self.declared = text_input(width="260px", placeholder="%")
        self.declared.observe(lambda ch: self._set("declared_percentage", ch["new"]), names="value")
        self.ok = words.button("btn_ok", style="primary")
        self.cancel = words.button("btn_cancel")
        self.remove = words.button("processing_remove")
        self.ok.on_click(lambda _b: self.words.guard(lambda: dialog.confirm()))
        self.cancel.on_click(lambda _b: self.words.guard(lambda: dialog.close()))
        self.remove.on_click(lambda _b: self.words.guard(lambda: dialog.remove()))
        self.notice = NoticeBar(dialog, words)
        self.children = [
            self.title,
            self.mode,
            *rows,
            self.hint,
            *table,
            self.material_messages,
            w.HBox([self.computed, labelled(words, "declared_percentage", self.declared)]),
            self.words.label(w.HTML(), "processing_pct_hint", "value"),
            self.notice,
            w.HBox([self.ok, self.cancel, self.remove]),
        ]
        dialog.observe(lambda _what: self.refresh())

    def _set(self, name: str, value: str) -> None:
        if not self._drawing:
            self.dialog.set(name, value)

    def _set_material(self, row: int, column: int, value: str) -> None:
        if not self._drawing:
            self.dialog.set_material(row, column, value)

    def _label_modes(self) -> None:
        value, self._drawing = self.mode.value, True
        try:
            self.mode.options = [
                (self.words("processing_new"), "new"),
                (self.words("processing_same"), "same"),
            ]
            self.mode.value = value
        finally:
            self._drawing = False

    def _on_mode(self, change: dict[str, Any]) -> None:
        if not self._drawing and change["new"] == "same" and not self.dialog.same_as_last():
            self.mode.value = "new"

    def refresh(self) -> None:
        self._drawing = True
        try:
            d, lang = self.dialog, self.words.lang
            hidden(self, not d.is_open)
            for name, widget in self.fields.items():
                widget.value = d.values[name]
                self.field_messages[name].value = messages_html(d.messages(name), lang)
            for (heading, cif), (h, c) in zip(self.materials, d.materials, strict=True):
                heading.value, cif.value = h, c
            self.material_messages.value = messages_html(d.messages("imported_materials"), lang)
            self.declared.value = d.values["declared_percentage"]
            pct = d.computed_percentage
            shown = "—" if pct is None else f"{pct}%"
            self.computed.value = f"<b>{esc(self.words.field('declared_percentage'))}: {shown}</b>"
            self.mode.disabled = d.last is None
        finally:
            self._drawing = False
