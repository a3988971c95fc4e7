"""数据同步: the two sync buttons, 刷新, and the history of runs."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from coo_lab.ui.datasync import DataSyncDesk
from coo_lab.ui.widgets.common import NoticeBar, Table, Words


class DataSyncPage(w.VBox):
    """数据同步: the two sync buttons, 刷新, and the history (同步列表)."""

    COLUMNS = (
        "sync_type",
        "sync_status",
        "requested_by",
        "requested_at",
        "updated_at",
        "sync_count",
        "remark",
    )
    KEYS = (
        "sync_type_zh",
        "status_zh",
        "requested_by",
        "requested_at",
        "updated_at",
        "count",
        "remark",
    )

    def __init__(self, desk: DataSyncDesk, words: Words) -> None:
        super().__init__()
        self.desk, self.words = desk, words
        self.enterprise = words.button("sync_enterprise", style="primary")
        self.filings = words.button("sync_filings", style="primary")
        self.refresh_button = words.button("btn_refresh")
        self.enterprise.on_click(
            lambda b: self.words.busy(b, lambda: desk.sync("enterprise_info"), self._enable)
        )
        self.filings.on_click(
            lambda b: self.words.busy(b, lambda: desk.sync("product_filings"), self._enable)
        )
        self.refresh_button.on_click(lambda b: self.words.busy(b, desk.reload, self._enable))
        self.table = Table(
            list(zip(self.KEYS, self.KEYS, strict=True)),
            [110, 90, 110, 140, 140, 70, 260],
            ticks=False,
        )
        self.children = [
            words.label(w.HTML(), "menu_sync", "value"),
            words.label(w.HTML(), "sync_enterprise_hint", "value"),
            words.label(w.HTML(), "sync_filings_hint", "value"),
            w.HBox([self.enterprise, self.filings, self.refresh_button]),
            NoticeBar(desk, words),
            self.table,
        ]
        desk.observe(lambda what: self.refresh() if what == "rows" else None)
        words.bind(lambda _l: self.refresh())

    def _cell(self, row: dict[str, Any], key: str) -> str:
        value = row.get(key)
        if key in ("requested_at", "updated_at"):
            return (value or "")[:16].replace("T", " ")
        if self.words.lang == "en" and key in ("sync_type_zh", "status_zh"):
            return str(row.get(key.removesuffix("_zh")) or "")
        return "" if value is None else str(value)

    def refresh(self) -> None:
        self.table.show(
            self.desk.rows,
            [self.words(c) for c in self.COLUMNS],
            self._cell,
            empty=self.words("no_rows"),
        )
        self._enable()

    def _enable(self) -> None:
        writer = self.desk.session.can_write
        self.enterprise.disabled = self.filings.disabled = not writer
