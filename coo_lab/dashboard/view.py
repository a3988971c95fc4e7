"""The manager dashboard's widgets: filters, KPI cards, the charts and the missed-preference
table, around a ``ManagerDashboard`` that holds all the state.

    from coo_lab.dashboard.view import ManagerDashboardView
    ManagerDashboardView.open("data/coo.duckdb").widget     # the last line of a notebook cell
    show(board.figures["fob"])                              # one figure, in a notebook

Changing a filter re-reads the file with the new filters; "刷新 Refresh" re-reads it with
the same ones (after a sync). A bad choice or a missing file shows as a message, never as a
traceback. The charts are one ``ChartGrid`` (``coo_lab.dashboard.chart_grid``), which the
page draws after it has painted everything else. ``show`` displays a single figure as
plotly's own MIME bundle for JupyterLab's plotly renderer (unlike ``fig.show()``, it does not
import nbformat into the kernel).
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import ipywidgets as w
import plotly.graph_objects as go

from coo_lab.dashboard.chart_grid import ChartGrid, figure_spec
from coo_lab.dashboard.filters import Filters
from coo_lab.dashboard.manager import CHARTS, ManagerDashboard
from coo_lab.errors import CooLabError, ValidationFailed

PLOTLY_MIME = "application/vnd.plotly.v1+json"
PLOT_CONFIG = {"displaylogo": False}
ALL = ("全部 all", "")  # the "everything" choice ("": a Dropdown shows None as no choice)

CARD_STYLE = (
    "display:inline-block;min-width:150px;margin:4px;padding:8px 12px;border-radius:6px;"
    "background:#f1f5f9;border-left:4px solid #457b9d;font-family:'Noto Sans CJK SC',sans-serif"
)


def figure_output(fig: go.Figure) -> dict[str, Any]:
    """A display_data output holding the figure as plotly's MIME bundle (JupyterLab's full
    plotly.js draws any trace: no basic-bundle check here, unlike ``figure_spec``)."""
    spec = json.loads(fig.to_json())
    spec["config"] = PLOT_CONFIG
    title = fig.layout.title.text or "figure"
    return {
        "output_type": "display_data",
        "data": {PLOTLY_MIME: spec, "text/plain": f"<plotly figure: {title}>"},
        "metadata": {},
    }


def show(fig: go.Figure) -> None:
    """Display a figure in a notebook as plotly's MIME bundle (``fig.show()`` would import
    nbformat, about 2 s here, and the "notebook" renderer embeds all of plotly.js)."""
    from IPython.display import display

    display(figure_output(fig)["data"], raw=True)


def message_html(error: BaseException) -> str:
    """A readable, bilingual error message (field by field for bad input)."""
    if isinstance(error, ValidationFailed):
        items = "".join(
            f"<li><b>{html.escape(e.field)}</b>: {html.escape(e.message_zh)}<br>"
            f"{html.escape(e.message_en)}</li>"
            for e in error.errors
        )
        body = f"<ul style='margin:2px 0'>{items}</ul>"
    elif isinstance(error, CooLabError):
        body = f"{html.escape(error.message_zh)}<br>{html.escape(error.message_en)}"
    else:
        body = html.escape(f"{type(error).__name__}: {error}")
    return f"<div class='coo-message' style='color:#b00020'>{body}</div>"


def _cards(board: ManagerDashboard) -> str:
    if board.kpis is None:
        return ""
    cards = "".join(
        f"<div class='coo-kpi' style=\"{CARD_STYLE}\"><div style='font-size:12px;color:#555'>"
        f"{html.escape(zh)} · {html.escape(en)}</div>"
        f"<div style='font-size:20px;font-weight:600'>{html.escape(value)}</div></div>"
        for zh, en, value in board.kpis.cards()
    )
    return f"<div class='coo-kpis'>{cards}</div>"


def _missed_html(board: ManagerDashboard) -> str:
    table = board.missed_table()
    title = (
        "<h4 style='margin:8px 0 4px'>未享惠的一般原产地证（FOB 最大的）· "
        "General COs to partner countries: preference possibly missed (largest FOB)</h4>"
    )
    if table.empty:
        return title + "<p>无 / none</p>"
    shown = table.rename(
        columns={
            "certificate_number": "证书号 certificate",
            "invoice_number": "发票号 invoice",
            "destination": "目的国 destination",
            "approved_on": "签证日期 approved",
            "fob_usd": "FOB (USD)",
            "agreements": "可用协定 agreements",
        }
    )
    return title + shown.to_html(
        index=False, classes="coo-missed", float_format=lambda v: f"{v:,.2f}", border=0
    )


class ManagerDashboardView:
    """Widgets bound to a ``ManagerDashboard``; ``widget`` is what a notebook displays."""

    def __init__(self, board: ManagerDashboard) -> None:
        self.board = board
        layout = w.Layout(width="auto")
        self.start = w.DatePicker(description="开始 from", layout=layout)
        self.end = w.DatePicker(description="结束 to", layout=layout)
        self.agreement = w.Dropdown(description="协定 agreement", options=[ALL])
        self.destination = w.Dropdown(description="目的国 destination", options=[ALL])
        self.exporter = w.Dropdown(description="出口商 exporter", options=[ALL])
        for dropdown in (self.agreement, self.destination, self.exporter):
            dropdown.style.description_width = "initial"
            dropdown.layout.width = "auto"
        self.refresh_button = w.Button(description="刷新 Refresh", button_style="primary")
        self.reset_button = w.Button(description="重置 Reset")
        self.message = w.HTML()
        self.source = w.HTML()
        self.kpis = w.HTML()
        self.charts = ChartGrid()
        self.missed = w.HTML()
        self._quiet = False
        for control in (self.start, self.end, self.agreement, self.destination, self.exporter):
            control.observe(self._changed, names="value")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.reset_button.on_click(lambda _: self.reset())
        self.widget = w.VBox(
            [
                self.source,
                w.HBox(
                    [self.start, self.end, self.agreement],
                    layout=w.Layout(flex_flow="row wrap"),
                ),
                w.HBox(
                    [self.destination, self.exporter, self.refresh_button, self.reset_button],
                    layout=w.Layout(flex_flow="row wrap"),
                ),
                self.message,
                self.kpis,
                self.charts,
                self.missed,
            ]
        )

    @classmethod
    def open(cls, path: str | Path, **kwargs: Any) -> ManagerDashboardView:
        """A view of the synced file at ``path``, drawn (or showing why it cannot be)."""
        view = cls(ManagerDashboard(path, **kwargs))
        view.refresh()
        return view

    # --- from the widgets to the model --------------------------------------------------------

    def filters(self) -> Filters:
        """The filters the widgets show (raises ``ValidationFailed`` for a bad range)."""
        return Filters(
            start=self.start.value,
            end=self.end.value,
            agreement=self.agreement.value or None,
            destination=self.destination.value or None,
            exporter=self.exporter.value or None,
        )

    def _changed(self, _change: dict[str, Any]) -> None:
        if not self._quiet:
            self.refresh()

    def refresh(self) -> bool:
        """Re-read the file with the widgets' filters; False (and a message) if it failed."""
        try:
            self.board.refresh(self.filters())
        except (CooLabError, OSError) as error:
            self.message.value = message_html(error)
            return False
        self.message.value = ""
        self.render()
        return True

    def reset(self) -> None:
        """All filters back to everything, then one refresh."""
        self._quiet = True
        try:
            self.start.value = self.end.value = None
            for dropdown in (self.agreement, self.destination, self.exporter):
                dropdown.value = ALL[1]
        finally:
            self._quiet = False
        self.refresh()

    # --- from the model to the widgets --------------------------------------------------------

    def _options(self) -> None:
        options = self.board.options
        self._quiet = True
        try:
            for dropdown, choices in (
                (self.agreement, options.agreements),
                (self.destination, options.destinations),
                (self.exporter, options.exporters),
            ):
                value = dropdown.value
                dropdown.options = [ALL, *choices]
                dropdown.value = value if value in {v for _, v in choices} else ALL[1]
        finally:
            self._quiet = False

    def render(self) -> None:
        """Show the model's current KPIs, figures and table."""
        self._options()
        state = self.board.sync_state
        span = self.board.options
        days = (
            f" · 数据范围 data {span.first_day} – {span.last_day}"
            if span.first_day
            else " · 无数据 no data"
        )
        self.source.value = (
            f"<small style='color:#555'>{html.escape(state.describe() + days)}</small>"
            if state
            else ""
        )
        self.kpis.value = _cards(self.board)
        self.missed.value = _missed_html(self.board)
        figures = self.board.figures
        if figures:
            self.charts.figures = {name: figure_spec(figures[name]) for name in CHARTS}
