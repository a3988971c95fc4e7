"""The reviewer's pages: certificates (the queue, the certificate under review, approve or
return) and product filings (the queue, a filing with the origin engine's verdict per area,
approve or return an area)."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from coo_lab.domain.agreements import agreement
from coo_lab.ui.i18n import field_label, status_label
from coo_lab.ui.review import FilingReviewDesk, ReviewDesk
from coo_lab.ui.widgets.common import (
    NoticeBar,
    Table,
    Words,
    dropdown,
    esc,
    hidden,
    messages_html,
    text_input,
)
from coo_lab.ui.widgets.filings import areas_html

COLUMNS = ("cert_type_name", "invoice_number", "destination_country", "fob_usd", "submitted_at")
SHOWN = (
    "cert_type",
    "invoice_number",
    "invoice_date",
    "application_date",
    "hand_signer",
    "destination_country",
    "transport_route",
    "fob_usd",
    "status",
)


class ReviewPage(w.VBox):
    def __init__(self, desk: ReviewDesk, words: Words) -> None:
        super().__init__()
        self.desk, self.words = desk, words
        self.table = Table(
            [(c, c) for c in COLUMNS], [160, 150, 80, 100, 100], link="internal_number", ticks=False
        )
        self.table.guard = self.words.guard
        self.table.on_link = lambda row: desk.open(row["id"])
        self.prev_button = words.button("btn_prev")
        self.next_button = words.button("btn_next")
        self.refresh_button = words.button("btn_refresh")
        self.prev_button.on_click(
            lambda b: self.words.busy(b, lambda: desk.load(desk.page - 1), self._enable)
        )
        self.next_button.on_click(
            lambda b: self.words.busy(b, lambda: desk.load(desk.page + 1), self._enable)
        )
        self.refresh_button.on_click(
            lambda b: self.words.busy(b, lambda: desk.load(desk.page), self._enable)
        )
        self.pager = w.Label()
        self.detail = w.HTML()
        self.reason = words.label(
            text_input(area=True, width="520px"), "return_reason", "placeholder"
        )
        self.reason.observe(lambda ch: desk.set_reason(ch["new"]), names="value")
        self.approve_button = words.button("btn_approve", style="success")
        self.return_button = words.button("btn_return", style="danger")
        self.approve_button.on_click(lambda b: self.words.busy(b, desk.approve, self._enable))
        self.return_button.on_click(lambda b: self.words.busy(b, desk.return_, self._enable))
        self.decision = w.VBox(
            [self.detail, self.reason, w.HBox([self.approve_button, self.return_button])]
        )
        self.children = [
            words.label(w.HTML(), "queue_title", "value"),
            NoticeBar(desk, words),
            w.HBox([self.refresh_button]),
            self.table,
            w.HBox([self.prev_button, self.pager, self.next_button]),
            self.decision,
        ]
        desk.observe(self._on_desk)
        words.bind(lambda _l: self.refresh())

    def _on_desk(self, what: str) -> None:
        if what not in ("notice", "progress"):
            self.refresh()

    def _cell(self, row: dict[str, Any], key: str) -> str:
        value = row.get(key)
        if key == "submitted_at":
            return (value or "-")[:16].replace("T", " ")
        return "-" if value in (None, "") else str(value)

    def refresh(self) -> None:
        desk, words = self.desk, self.words
        self.table.show(
            desk.rows,
            [words.field(c) for c in COLUMNS],
            self._cell,
            link_heading=words.field("internal_number"),
            empty=words("no_rows"),
        )
        self.pager.value = words("total_rows", total=desk.total, page=desk.page, pages=desk.pages)
        self.detail.value = self._detail_html()
        if desk.current is None or desk.current.get("status") != "submitted":
            self.reason.value = ""
        self._enable()

    def _enable(self) -> None:
        desk = self.desk
        self.prev_button.disabled = desk.page <= 1
        self.next_button.disabled = desk.page >= desk.pages
        pending = desk.current is not None and desk.current.get("status") == "submitted"
        hidden(self.decision, desk.current is None)
        self.approve_button.disabled = self.return_button.disabled = not pending
        self.reason.disabled = not pending

    def _detail_html(self) -> str:
        cert, lang = self.desk.current, self.words.lang
        if cert is None:
            return ""
        head = (
            f"<h4>{esc(self.words('reviewing'))} {esc(cert.get('internal_number'))} · "
            f"{esc(agreement(cert['cert_type']).name_zh)} · "
            f"{esc(status_label(cert.get('status', ''), lang))}</h4>"
        )
        fields = "".join(
            f"<tr><td><b>{esc(self.words.field(f))}</b></td><td>{esc(cert.get(f))}</td></tr>"
            for f in SHOWN
        )
        parties = "".join(
            f"<tr><td><b>{esc(self.words.field(k))}</b></td>"
            f"<td>{esc((cert.get(k) or {}).get('name_en'))}</td></tr>"
            for k in ("exporter", "importer", "producer")
        )
        goods = "".join(
            f"<tr><td>{g.get('line_no')}</td><td>{esc(g.get('hs_code'))}</td>"
            f"<td>{esc(g.get('description'))}</td><td>{esc(g.get('quantity'))}</td>"
            f"<td>{esc(g.get('fob_usd'))}</td><td>{esc(g.get('origin_criterion'))}</td>"
            f"<td>{esc(g.get('product_filing_number'))}</td></tr>"
            for g in cert.get("goods") or []
        )
        found = "".join(
            f"<tr><td>{esc(field_label(path, lang))}</td><td>{messages_html(ms, lang)}</td></tr>"
            for path, ms in self.desk.findings.items()
        )
        number = cert.get("certificate_number")
        table = "<table style='font-size:12px'>{}</table>"
        parts = [head]
        if number:
            parts.append(
                f"<p><b>{esc(self.words.field('certificate_number'))}</b> {esc(number)}</p>"
            )
        parts.append(table.format(fields + parties))
        parts.append(f"<b>{esc(self.words.field('goods'))}</b>" + table.format(goods))
        if found:
            parts.append(f"<b>{esc(self.words('stored_findings'))}</b>" + table.format(found))
        else:
            parts.append(f"<p>{esc(self.words('no_findings'))}</p>")
        return "".join(parts)


class FilingReviewPage(w.VBox):
    """The reviewer's product filings: the queue, a filing with the engine's verdict per
    area, approve (with a remark) or return (with a reason) an area."""

    COLUMNS = ("company_name", "hs_code", "name_en", "areas", "submitted_at")

    def __init__(self, desk: FilingReviewDesk, words: Words) -> None:
        super().__init__()
        self.desk, self.words = desk, words
        self.table = Table(
            [(c, c) for c in self.COLUMNS], [200, 90, 220, 150, 100], link="id", ticks=False
        )
        self.table.guard = self.words.guard
        self.table.on_link = lambda row: desk.open(row["id"])
        self.detail = w.HTML()
        self.area = dropdown([], "300px")
        self.text = words.label(
            text_input(area=True, width="520px"), "return_reason", "placeholder"
        )
        self.approve = words.button("btn_approve", style="success")
        self.return_ = words.button("btn_return", style="danger")
        self.approve.on_click(
            lambda b: self.words.busy(b, lambda: self._decide(True), self._enable)
        )
        self.return_.on_click(
            lambda b: self.words.busy(b, lambda: self._decide(False), self._enable)
        )
        self.decision = w.VBox(
            [self.detail, self.area, self.text, w.HBox([self.approve, self.return_])]
        )
        self.children = [
            words.label(w.HTML(), "menu_review_filings", "value"),
            NoticeBar(desk, words),
            self.table,
            self.decision,
        ]
        desk.observe(lambda what: self.refresh() if what in ("rows", "current") else None)
        words.bind(lambda _l: self.refresh())

    def _decide(self, approve: bool) -> None:
        if self.area.value and self.desk.decide(self.area.value, approve, self.text.value):
            self.text.value = ""

    def _cell(self, row: dict[str, Any], key: str) -> str:
        if key == "areas":
            return " ".join(a["agreement"] for a in row["areas"] if a["status"] == "submitted")
        if key == "submitted_at":
            return (row.get(key) or "-")[:10]
        return str(row.get(key) or "-")

    def refresh(self) -> None:
        desk, words = self.desk, self.words
        self.table.show(
            desk.rows,
            [c for c in self.COLUMNS],
            self._cell,
            link_heading="#",
            empty=words("no_rows"),
        )
        cur = desk.current
        hidden(self.decision, cur is None)
        if cur is not None:
            waiting = [a["agreement"] for a in cur["areas"] if a["status"] == "submitted"]
            self.area.options = [(f"{agreement(c).name_zh} ({c})", c) for c in waiting]
            self.detail.value = self._detail_html(cur)
        self._enable()

    def _detail_html(self, cur: dict[str, Any]) -> str:
        words, table = self.words, "<table style='font-size:12px'>{}</table>"

        def tests(v: dict[str, Any]) -> str:
            key = "detail_zh" if words.lang == "zh" else "detail_en"
            return "".join(f"<div>{esc(t[key])}</div>" for t in v.get("tests", []))

        verdicts = "".join(
            f"<tr><td>{esc(v['agreement'])}</td><td>{'✔' if v['qualifies'] else '✖'}</td>"
            f"<td>{esc(v.get('criterion') or '')}</td>"
            f"<td>{esc(v.get('problem') or '')}{tests(v)}</td></tr>"
            for v in cur.get("assessments", [])
        )
        materials = "".join(
            f"<tr><td>{esc(m['hs_code'])}</td><td>{esc(m['name'])}</td>"
            f"<td>{esc(m['origin_country'])}</td><td>{esc(m['value'])}</td>"
            f"<td>{'✔' if m['originating'] else ''}</td></tr>"
            for m in cur.get("materials", [])
        )
        return (
            f"<h4>{esc(cur['company_name'])} · {esc(cur['hs_code'])} {esc(cur['name_en'])} "
            f"{esc(cur.get('name_cn'))}</h4><p>{esc(cur.get('manufacturer'))}</p>"
            f"<p>{esc(cur.get('process_description'))}</p>"
            + table.format(materials)
            + areas_html(cur["areas"], words)
            + f"<b>{esc(words('assessment'))}</b>"
            + table.format(verdicts)
        )

    def _enable(self) -> None:
        pending = bool(self.area.options)
        self.approve.disabled = self.return_.disabled = not pending
