"""Product filing (商品备案): the form and the query — thin views over their models in
``coo_lab.ui.filings``."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from coo_lab.domain.agreements import agreements
from coo_lab.ui.filings import MATERIAL_FIELDS, FilingForm, FilingQuery
from coo_lab.ui.i18n import status_label
from coo_lab.ui.widgets.common import (
    Binding,
    NoticeBar,
    Table,
    Words,
    date_input,
    dropdown,
    esc,
    grid,
    messages_html,
    text_input,
)

PREFERENTIAL = [a for a in agreements() if a.preferential]


def areas_html(areas: list[dict[str, Any]], words: Words) -> str:
    rows = "".join(
        f"<tr><td>{i}</td><td>{esc(a.get('filing_number') or '-')}</td>"
        f"<td>{esc(a['agreement'])}</td><td>{esc(status_label(a['status'], words.lang))}</td>"
        f"<td>{esc(a.get('criterion') or '')}</td><td>{esc(a.get('review_remark') or '')}</td></tr>"
        for i, a in enumerate(areas, start=1)
    )
    return f"<table style='font-size:12px'>{rows}</table>" if rows else ""


class FilingPage(w.VBox):
    """商品备案信息: 保存 申报 删除 复制; 备案资料, 商品信息, 原材料、零部件."""

    def __init__(self, form: FilingForm, words: Words) -> None:
        super().__init__()
        self.form, self.words = form, words
        self._drawing = False
        self.buttons = {
            "new": words.button("btn_new"),
            "save": words.button("btn_save", style="primary"),
            "submit": words.button("btn_submit", style="success"),
            "delete": words.button("btn_delete"),
            "copy": words.button("btn_copy"),
        }
        actions = {
            "new": form.new,
            "save": form.save,
            "submit": form.submit,
            "delete": form.delete,
            "copy": form.copy,
        }
        for key, button in self.buttons.items():
            button.on_click(lambda b, key=key: self.words.busy(b, actions[key], self._enable))
        self.areas = w.SelectMultiple(
            options=[(f"{a.name_zh} ({a.code})", a.code) for a in PREFERENTIAL],
            rows=7,
            layout=w.Layout(width="420px"),
        )
        self.areas.observe(self._on_areas, "value")
        self.areas_messages = w.HTML()
        self.areas_state = w.HTML()
        self.bindings = {
            f: Binding(
                form, f, text_input(area=f in ("process_description", "manufacturer")), words
            )
            for f in (
                "hs_code",
                "name_en",
                "name_cn",
                "process_description",
                "manufacturer",
                "ex_works_unit_price",
                "fob_unit_price",
            )
        }
        self.wholly = words.label(w.Checkbox(indent=False), "wholly_obtained")
        self.wholly.observe(lambda ch: form.set("wholly_obtained", ch["new"]), "value")
        self.materials = w.VBox()
        self.add_material = words.button("btn_add")
        self.add_material.on_click(lambda _b: self.words.guard(lambda: form.add_material()))
        self.receipts = w.HTML()
        self.children = [
            words.label(w.HTML(), "menu_filing_form", "value"),
            w.HBox(list(self.buttons.values())),
            NoticeBar(form, words),
            words.label(w.HTML(), "filing_hint", "value"),
            words.label(w.HTML(), "filing_areas", "value"),
            w.HBox([self.areas, self.areas_state]),
            self.areas_messages,
            grid([b.box() for b in self.bindings.values()]),
            self.wholly,
            words.label(w.HTML(), "materials_title", "value"),
            self.materials,
            self.add_material,
            self.receipts,
        ]
        form.observe(self._on_form)
        words.bind(lambda _l: self.refresh())

    def _on_areas(self, change: dict[str, Any]) -> None:
        if not self._drawing:
            self.form.set_areas(list(change["new"]))

    def _on_form(self, what: str) -> None:
        if what in self.bindings:
            self.bindings[what].refresh()
        elif what not in ("notice", "progress", "materials"):
            self.refresh()
        elif what == "materials" and len(self.materials.children) != len(self.form.materials):
            self._draw_materials()

    def _material_row(self, row: int, m: dict[str, Any]) -> w.Widget:
        cells: list[w.Widget] = []
        widths = {"hs_code": "110px", "name": "220px", "origin_country": "90px", "value": "100px"}
        for field in MATERIAL_FIELDS[:4]:
            box = w.Text(
                value=str(m[field]),
                placeholder=self.words.field(
                    {
                        "name": "product_name",
                        "origin_country": "country",
                        "value": "cif_unit_price_usd",
                    }.get(field, field)
                ),
                layout=w.Layout(width=widths[field]),
            )
            box.observe(lambda ch, f=field: self.form.set_material(row, f, ch["new"]), "value")
            cells.append(box)
        origin = self.words.label(
            w.Checkbox(value=bool(m["originating"]), indent=False), "originating"
        )
        origin.observe(lambda ch: self.form.set_material(row, "originating", ch["new"]), "value")
        remove = w.Button(description="✕", layout=w.Layout(width="40px"))
        remove.on_click(lambda _b: self.words.guard(lambda: self.form.remove_material(row)))
        found = messages_html(self.form.messages(f"materials.{row}"), self.words.lang)
        return w.VBox([w.HBox([w.Label(str(row + 1)), *cells, origin, remove]), w.HTML(found)])

    def _draw_materials(self) -> None:
        for child in self.materials.children:
            child.close()
        self.materials.children = [
            self._material_row(i, m) for i, m in enumerate(self.form.materials)
        ]

    def refresh(self) -> None:
        self._drawing = True
        try:
            form = self.form
            for binding in self.bindings.values():
                binding.refresh()
            self.areas.value = tuple(form.areas)
            self.wholly.value = bool(form.values.get("wholly_obtained"))
            self.areas_messages.value = messages_html(form.messages("areas"), self.words.lang)
            record = form.record or {}
            self.areas_state.value = areas_html(record.get("areas", []), self.words)
            self._draw_materials()
            self.receipts.value = "".join(
                f"<div><small>{esc(r['at'][:16].replace('T', ' '))} "
                f"{esc(status_label(r['to_status'], self.words.lang))} "
                f"{esc(r['reason'])}</small></div>"
                for r in form.receipts
            )
            self._enable()
        finally:
            self._drawing = False

    def _enable(self) -> None:
        allowed = self.form.allowed() | {"new"}
        for key, button in self.buttons.items():
            button.disabled = key not in allowed


class FilingQueryPage(w.VBox):
    """商品备案查询: 商品HS编码, 名称, 单据状态, 申请时间; 删除 复制 申报 刷新."""

    COLUMNS = ("name_en", "name_cn", "areas", "status", "submitted_at")

    def __init__(self, query: FilingQuery, words: Words) -> None:
        super().__init__()
        self.query, self.words = query, words
        self.inputs = {
            "hs_code": text_input(width="300px"),
            "name_cn": text_input(width="300px"),
            "name_en": text_input(width="300px"),
            "status": dropdown(
                [("—", None)]
                + [
                    (status_label(s, words.lang), s)
                    for s in ("draft", "submitted", "approved", "returned")
                ],
                "300px",
            ),
            "created_from": date_input("300px"),
            "created_to": date_input("300px"),
        }
        for name, widget in self.inputs.items():
            widget.style.description_width = "110px"
            words.field_label(widget, {"created_from": "created_at"}.get(name, name), "description")
            widget.observe(lambda ch, name=name: query.set(name, ch["new"]), "value")
        self.inputs["created_to"].description = "→"
        self.search = words.button("btn_query", style="primary")
        self.search.on_click(lambda b: self.words.busy(b, query.run, self._enable))
        self.reset = words.button("btn_reset")
        self.reset.on_click(lambda b: self.words.busy(b, query.reset, self._enable))
        self.actions = {
            a: words.button(k)
            for a, k in (("delete", "btn_delete"), ("copy", "btn_copy"), ("submit", "btn_submit"))
        }
        for action, button in self.actions.items():
            button.on_click(
                lambda b, a=action: self.words.busy(b, lambda: query.act(a), self._enable)
            )
        self.refresh_button = words.button("btn_refresh")
        self.refresh_button.on_click(lambda b: self.words.busy(b, query.reload, self._enable))
        self.table = Table([(c, c) for c in self.COLUMNS], [220, 140, 150, 80, 100], link="hs_code")
        self.table.guard = self.words.guard
        self.table.on_link = lambda row: query.open(row["id"])
        self.table.on_tick = lambda row, on: query.tick(row["id"], on)
        self.pager = w.Label()
        self.children = [
            words.label(w.HTML(), "menu_filing_query", "value"),
            grid(list(self.inputs.values()), columns=2, width="320px"),
            w.HBox([self.search, self.reset]),
            w.HBox([*self.actions.values(), self.refresh_button]),
            NoticeBar(query, words),
            self.table,
            self.pager,
        ]
        query.observe(self._on_query)
        words.bind(lambda _l: self.refresh())

    def _on_query(self, what: str) -> None:
        if what == "ticks":
            self._enable()
        elif what not in ("notice", "progress"):
            self.refresh()

    def _cell(self, row: dict[str, Any], key: str) -> str:
        if key == "areas":
            return " ".join(
                f"{a['agreement']}:{status_label(a['status'], self.words.lang)}"
                for a in row["areas"]
            )
        if key == "status":
            return status_label(row["status"], self.words.lang)
        if key == "submitted_at":
            return (row.get(key) or "-")[:10]
        return str(row.get(key) or "-")

    def refresh(self) -> None:
        q = self.query
        self.table.show(
            q.rows,
            [self.words.field(c) if c != "areas" else "优惠区域 / areas" for c in self.COLUMNS],
            self._cell,
            link_heading=self.words.field("hs_code"),
            ticked=q.ticked,
            empty=self.words("no_rows"),
        )
        self.pager.value = self.words("total_rows", total=q.total, page=q.page, pages=q.pages)
        self._enable()

    def _enable(self) -> None:
        writer = self.query.session.can_write
        for button in self.actions.values():
            button.disabled = not writer or not self.query.ticked
