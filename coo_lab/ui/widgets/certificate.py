"""The certificate screen: toolbar, basic-info tab, goods tab, findings and receipts."""

from __future__ import annotations

import base64
from typing import Any

import ipywidgets as w

from coo_lab.ui import lookups
from coo_lab.ui.form import CertificateForm
from coo_lab.ui.i18n import category_label, field_label, status_label
from coo_lab.ui.widgets.common import (
    Binding,
    NoticeBar,
    Words,
    as_date,
    date_input,
    dropdown,
    esc,
    grid,
    labelled,
    messages_html,
    tag,
    text_input,
)
from coo_lab.ui.widgets.goods import GoodsTab
from coo_lab.ui.widgets.pickers import SearchPicker

TEXT = "text"
AREA = "area"
DATE = "date"
TOOLBAR = (
    ("new", "btn_new", ""),
    ("save", "btn_save", "primary"),
    ("delete", "btn_delete", ""),
    ("preview", "btn_preview", ""),
    ("print", "btn_print", ""),
    ("check", "btn_check", "info"),
    ("submit", "btn_submit", "success"),
    ("copy", "btn_copy", ""),
    ("amend", "btn_amend", "warning"),
    ("void", "btn_void", "danger"),
)


class CertificatePage(w.VBox):
    def __init__(self, form: CertificateForm, words: Words) -> None:
        super().__init__()
        tag(self, "certificate")
        self.form, self.words = form, words
        self._drawing = False
        self.bindings: dict[str, Binding] = {}
        self.heading = tag(w.HTML(), "cert", "heading")
        self.record = tag(w.HTML(), "cert", "record")
        self.buttons = {
            key: tag(words.button(label, style=style), "action", key)
            for key, label, style in TOOLBAR
        }
        self.void_reason = words.label(text_input(width="220px"), "void_reason", "placeholder")
        self.notice = tag(NoticeBar(form, words), "cert", "notice")
        self.pdf_view = w.HTML()
        self._goods_tab: GoodsTab | None = None  # built when first shown
        self.tabs = tag(w.Tab(children=[self._basic_info(), w.VBox()]), "cert", "tabs")
        self.tabs.observe(lambda ch: ch["new"] == 1 and self.goods_tab, names="selected_index")
        words.bind(
            lambda _l: setattr(self.tabs, "titles", (words("tab_basic"), words("tab_goods")))
        )
        self.findings = tag(w.HTML(), "findings")
        self.receipts = tag(w.HTML(), "receipts")
        for key, button in self.buttons.items():
            button.on_click(
                lambda b, key=key: self.words.busy(b, lambda: self._act(key), self._enable)
            )
        self.children = [
            self.heading,
            w.HBox([*self.buttons.values(), self.void_reason]),
            self.notice,
            self.record,
            self.tabs,
            self.findings,
            self.receipts,
            self.pdf_view,
        ]
        form.observe(self._on_form)
        words.bind(lambda _l: self.refresh())

    @property
    def goods_tab(self) -> GoodsTab:
        """The goods tab, built the first time it is shown (a screen's widgets cost time)."""
        if self._goods_tab is None:
            self._goods_tab = GoodsTab(self.form, self.words)
            self.tabs.children = [self.tabs.children[0], self._goods_tab]
            self._goods_tab.refresh()
        return self._goods_tab

    # --- layout --------------------------------------------------------------------------

    def _bind(self, field: str, kind: str = TEXT, *, options=None, width="380px") -> w.Box:
        if kind == DATE:
            binding = Binding(self.form, field, date_input(), self.words, to_widget=as_date)
        elif options is not None:
            binding = Binding(
                self.form, field, dropdown(options, width), self.words, to_widget=lambda v: v
            )
        else:
            binding = Binding(
                self.form, field, text_input(area=kind == AREA, width=width), self.words
            )
        self.bindings[field] = binding.tag("cert")
        return binding.box()

    def _fob_field(self) -> w.Box:
        """FOB with its "= Σ FOB" button on the input's line and the messages under both (a
        long message would otherwise widen the field's column and squeeze the input)."""
        field, messages = self._bind("fob_usd", width="300px").children
        return w.VBox([w.HBox([field, self.fob_button]), messages])

    def _party(self, kind: str) -> w.Box:
        picker = tag(dropdown([("—", None)], "500px"), "party", kind)
        picker.observe(lambda ch: self._on_party(kind, ch["new"]), names="value")
        shown = tag(w.HTML(), "party", kind, "messages")
        self._parties[kind] = (picker, shown)
        return labelled(self.words, kind, picker, shown)

    def _port(self, field: str, country_field: str) -> w.Box:
        box = self._bind(field, width="300px")
        picker = SearchPicker(
            lambda q: lookups.port_options(q, getattr(self.form.draft, country_field)),
            lambda locode: self.form.pick_port(field, locode),
            placeholder="UN/LOCODE 搜索",
            width="250px",
        )
        self.port_pickers[field] = tag(picker, "picker", field)
        return w.VBox([box, picker])

    def _basic_info(self) -> w.Widget:
        lang = self.words.lang
        self._parties: dict[str, tuple[w.Dropdown, w.HTML]] = {}
        self.port_pickers: dict[str, SearchPicker] = {}
        self.route_button = tag(self.words.button("btn_generate", style="info"), "route")
        self.route_button.on_click(lambda _b: self.words.guard(lambda: self.form.generate_route()))
        self.fob_button = tag(
            w.Button(description="= Σ FOB", layout=w.Layout(width="auto")), "fob-from-goods"
        )
        self.fob_button.on_click(lambda _b: self.words.guard(lambda: self.form.fob_from_goods()))
        self.clauses = w.SelectMultiple(options=[], layout=w.Layout(width="640px", height="70px"))
        tag(self.clauses, "cert", "special_clauses")
        self.clauses.observe(self._on_clauses, names="value")
        self.uploads = w.FileUpload(multiple=True, accept="")
        self.uploads.observe(self._on_upload, names="value")
        self.documents = w.HTML()
        self.clear_documents = self.words.button("btn_delete")
        self.clear_documents.on_click(
            lambda _b: self.words.guard(lambda: self.form.remove_documents())
        )
        countries = lookups.country_options(self.form.draft.cert_type)
        route = self._bind("transport_route", AREA, width="900px")
        return w.VBox(
            [
                grid(
                    [
                        self._bind("invoice_number"),
                        self._bind("invoice_date", DATE),
                        self._bind("application_place"),
                        self._bind("application_date", DATE),
                        self._bind("signing_place"),
                        self._bind("signing_date", DATE),
                    ]
                ),
                grid([self._party("exporter"), self._party("importer"), self._party("producer")]),
                grid(
                    [
                        self._bind("departure_country", options=lookups.country_options()),
                        self._bind("destination_country", options=countries),
                        self._port("departure_port", "departure_country"),
                        self._port("destination_port", "destination_country"),
                        self._port("transshipment_port", "destination_country"),
                        self._bind("transport_mode", options=lookups.transport_mode_options(lang)),
                        self._bind("shipment_date", DATE),
                        w.HTML(),
                        self._bind("first_leg_vessel"),
                        self._bind("second_leg_vessel"),
                    ]
                ),
                w.HBox([route, self.route_button]),
                self.words.label(w.HTML(), "route_hint", "value"),
                grid(
                    [
                        self._bind("weight_flag", options=lookups.weight_flag_options()),
                        self._bind("weight_quantity"),
                        self._bind("contract_number"),
                        self._fob_field(),
                        self._bind("invoice_amount"),
                        self._bind("invoice_currency", options=lookups.currency_options()),
                        self._bind("price_term", options=lookups.price_term_options()),
                        self._bind("price_term_details"),
                        self._bind("trade_mode", options=lookups.trade_mode_options(lang)),
                        self._bind("lc_number"),
                        self._bind("payment_method", options=lookups.payment_options()),
                        self._bind("lc_date", DATE),
                        self._hand_signer(),
                        self._bind("exit_customs"),
                        self._bind("enterprise_customs_code"),
                        self._bind("customs_declaration_number"),
                    ]
                ),
                labelled(self.words, "special_clauses", self.clauses, w.HTML()),
                self._bind("remarks", AREA, width="900px"),
                w.HBox(
                    [
                        labelled(self.words, "supporting_documents", self.uploads),
                        self.documents,
                        self.clear_documents,
                    ]
                ),
            ]
        )

    def _hand_signer(self) -> w.Box:
        combo = w.Combobox(
            options=[], continuous_update=False, ensure_option=False, layout=w.Layout(width="380px")
        )
        binding = Binding(self.form, "hand_signer", combo, self.words)
        self.bindings["hand_signer"] = binding.tag("cert")
        return binding.box()

    # --- actions -------------------------------------------------------------------------

    def _act(self, key: str) -> None:
        form = self.form
        if key == "new":
            form.new()
        elif key == "void":
            if form.void(self.void_reason.value):
                self.void_reason.value = ""
        else:
            {
                "save": form.save,
                "delete": form.delete,
                "preview": form.preview,
                "print": form.print_,
                "check": form.check,
                "submit": form.submit,
                "copy": form.copy,
                "amend": form.amend_reissue,
            }[key]()

    def _on_party(self, kind: str, code: str | None) -> None:
        if not self._drawing and code != self.form.party_code(kind):
            self.form.pick_party(kind, code)

    def _on_clauses(self, change: dict[str, Any]) -> None:
        if not self._drawing:
            self.form.set_special_clauses(list(change["new"]))

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = [(f["name"], f.get("type", ""), bytes(f["content"])) for f in change["new"]]
        if files:
            self.form.add_documents(files)

    # --- drawing -------------------------------------------------------------------------

    def _on_form(self, what: str) -> None:
        if what in ("notice", "progress"):
            return
        if what in self.bindings:
            self.bindings[what].refresh()
            self._enable()
            if what not in ("destination_country", "fob_usd"):
                return
        self.refresh()

    def refresh(self) -> None:
        self._drawing = True
        try:
            self._draw()
        finally:
            self._drawing = False

    def _draw(self) -> None:
        form, lang = self.form, self.words.lang
        d = form.draft
        self.heading.value = (
            f"<h3>{esc(form.title if lang == 'zh' else d.agreement.name_en)} ({d.cert_type})</h3>"
        )
        self.record.value = self._record_html()
        self._refresh_choices()
        for binding in self.bindings.values():
            binding.refresh()
        for kind, (picker, shown) in self._parties.items():
            self._refresh_party(kind, picker, shown)
        docs = form.documents.names()
        self.documents.value = "<br>".join(
            f"{esc(name)} ({size} B)" + ("" if kept else " ⏳") for name, size, kept in docs
        ) + (f" <small>{esc(self.words('attachments_note'))}</small>" if docs else "")
        self.fob_button.tooltip = f"Σ {d.goods_fob_total()}"
        self.findings.value = self._findings_html()
        self.receipts.value = self._receipts_html()
        self.pdf_view.value = self._pdf_html()
        self._enable()
        if self._goods_tab is not None:
            self._goods_tab.refresh()

    def _refresh_choices(self) -> None:
        d = self.form.draft
        clause_rows = self.form.base["special-clauses"]
        options = [(f"{r['code']} {r['text'][:50]}", r["code"]) for r in clause_rows]
        chosen = tuple(c.code for c in d.special_clauses if c.code in {o[1] for o in options})
        if list(self.clauses.options) != options:
            self.clauses.options = options
        if self.clauses.value != chosen:
            self.clauses.value = chosen
        lang = self.words.lang
        self.bindings["destination_country"].set_options(lookups.country_options(d.cert_type))
        self.bindings["transport_mode"].set_options(lookups.transport_mode_options(lang))
        self.bindings["trade_mode"].set_options(lookups.trade_mode_options(lang))
        signer = (self.form.session.filing or {}).get("hand_signer")
        names = list(dict.fromkeys([*([signer] if signer else []), *self.form.signers]))
        self.bindings["hand_signer"].widget.options = names

    def _refresh_party(self, kind: str, picker: w.Dropdown, shown: w.HTML) -> None:
        base_kind = {"exporter": "exporters", "importer": "importers", "producer": "producers"}
        rows = self.form.base[base_kind[kind]]
        options = [("—", None)] + [(f"{r['code']} {r['name_en'][:40]}", r["code"]) for r in rows]
        code = self.form.party_code(kind)
        if code is not None and code not in {o[1] for o in options}:
            options.append((f"{code} (证书副本 / copy on the certificate)", code))
        picker.options = options
        picker.value = code
        party = getattr(self.form.draft, kind)
        info = f"<small>{esc(party.name_en)}<br>{esc(party.address_en)}</small>" if party else ""
        shown.value = info + messages_html(self.form.messages(kind), self.words.lang)

    def _enable(self) -> None:
        allowed = self.form.allowed()
        for key, button in self.buttons.items():
            button.disabled = key not in allowed
        self.void_reason.disabled = "void" not in allowed
        editable = "save" in allowed
        self.route_button.disabled = not editable
        self.fob_button.disabled = not editable

    def _record_html(self) -> str:
        d, lang = self.form.draft, self.words.lang
        cells = [
            ("enterprise_code", d.enterprise_code),
            ("ccpit_code", d.ccpit_code),
            ("company_name_cn", d.company_name_cn),
            ("internal_number", d.internal_number),
            ("certificate_number", d.certificate_number),
            ("original_certificate_number", d.original_certificate_number),
            ("category", category_label(d.category, lang)),
            ("status", status_label(d.status, lang)),
        ]
        extra = self.form.extras
        if extra.get("void_reason"):
            cells.append(("reason", extra["void_reason"]))
        parts = [
            f"<span style='margin-right:14px'><b>{esc(self.words.field(name))}</b> "
            f"{esc(value) if value else '-'}</span>"
            for name, value in cells
        ]
        dirty = " <i>*</i>" if self.form.dirty else ""
        return f"<div style='background:#f5f7fa;padding:4px'>{''.join(parts)}{dirty}</div>"

    def _findings_html(self) -> str:
        grouped = self.form.all_messages()
        if not grouped:
            return ""
        lang = self.words.lang
        rows = "".join(
            f"<tr><td>{esc(field_label(path, lang))}</td><td>{messages_html(ms, lang)}</td></tr>"
            for path, ms in grouped.items()
        )
        note = self.words("local_check_note") if self.form.checked_locally_only else ""
        return (
            f"<b>{esc(self.words('findings_title'))}</b> <small>{esc(note)}</small>"
            f"<table style='font-size:12px'>{rows}</table>"
        )

    def _receipts_html(self) -> str:
        if not self.form.receipts:
            return ""
        lang = self.words.lang
        rows = "".join(
            f"<tr><td>{esc(r['at'][:19].replace('T', ' '))}</td>"
            f"<td>{esc(status_label(r['from_status'] or '', lang))} → "
            f"{esc(status_label(r['to_status'], lang))}</td>"
            f"<td>{esc(r['actor'])}</td><td>{esc(r['reason'])}</td></tr>"
            for r in self.form.receipts
        )
        return (
            f"<b>{esc(self.words('receipts_title'))}</b>"
            f"<table style='font-size:12px'>{rows}</table>"
        )

    def _pdf_html(self) -> str:
        if not self.form.pdf:
            return ""
        data = base64.b64encode(self.form.pdf).decode()
        name = f"{self.form.draft.internal_number or 'certificate'}.pdf"
        return (
            f'<a download="{esc(name)}" href="data:application/pdf;base64,{data}">{esc(name)}</a>'
            f'<iframe src="data:application/pdf;base64,{data}" width="100%" height="600"></iframe>'
        )
