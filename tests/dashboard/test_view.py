"""The manager dashboard's widgets without a browser: set values, click buttons, and assert on
the model behind them and on the figures the chart grid holds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from coo_lab import samples
from coo_lab.client import Client
from coo_lab.dashboard import CHARTS
from coo_lab.dashboard.view import ManagerDashboardView
from coo_lab.mirror import sync


def _traces(view: ManagerDashboardView, chart: str) -> list[dict]:
    return view.charts.figures[chart]["data"]


def test_opens_with_every_chart_and_kpi(demo_site) -> None:
    view = ManagerDashboardView.open(demo_site.warehouse)
    assert view.message.value == ""
    assert list(view.charts.figures) == list(CHARTS)  # drawn in this order
    for chart in CHARTS:
        spec = view.charts.figures[chart]
        assert spec["data"], chart
        assert spec["layout"]["title"]["text"] == view.board.figures[chart].layout.title.text
    assert view.kpis.value.count("class='coo-kpi'") == 8
    assert f"{view.board.kpis.approved:,}" in view.kpis.value
    assert "haixing_manager" in view.source.value and "2026" in view.source.value
    assert "coo-missed" in view.missed.value
    labels = [label for label, _ in view.agreement.options]
    assert labels[0] == "全部 all" and len(labels) == 16


def test_filters_from_the_widgets(demo_site) -> None:
    view = ManagerDashboardView.open(demo_site.warehouse)
    everything = view.board.kpis.approved
    view.agreement.value = "K"  # a change re-reads the file at once
    assert view.board.filters.agreement == "K"
    assert [t["name"] for t in _traces(view, "fob")] == ["K"]
    assert 0 < view.board.kpis.approved < everything
    view.start.value = date(2026, 1, 1)
    view.end.value = date(2026, 3, 31)
    assert view.board.filters.start == date(2026, 1, 1)
    months = {x[:7] for t in _traces(view, "fob") for x in t["x"]}
    assert months <= {"2026-01", "2026-02", "2026-03"}
    view.destination.value = "KOR"
    view.exporter.value = view.exporter.options[1][1]
    assert view.board.filters.destination == "KOR" and view.board.filters.exporter == "311120218"
    view.reset_button.click()
    assert view.board.filters.agreement is None and view.start.value is None
    assert view.agreement.label == "全部 all"
    assert view.board.kpis.approved == everything


def test_a_bad_range_is_a_message_and_changes_nothing(demo_site) -> None:
    view = ManagerDashboardView.open(demo_site.warehouse)
    view.start.value = date(2026, 6, 1)
    before = view.board.kpis
    view.end.value = date(2026, 5, 1)  # before the start
    assert "end" in view.message.value and "2026-05-01" in view.message.value
    assert "不早于开始日期" in view.message.value
    assert "Traceback" not in view.message.value
    assert view.board.filters.end is None and view.board.kpis == before
    view.end.value = date(2026, 7, 1)
    assert view.message.value == "" and view.board.filters.end == date(2026, 7, 1)


def test_a_missing_file_is_a_message_until_synced(demo_site, tmp_path: Path) -> None:
    path = tmp_path / "later.duckdb"
    view = ManagerDashboardView.open(path)
    assert "coo-lab sync" in view.message.value and "同步" in view.message.value
    assert view.charts.figures == {}
    manager = Client(demo_site.url, username="haixing_manager", password="demo-haixing_manager")
    sync(manager, path, progress=False)
    view.refresh_button.click()
    assert view.message.value == ""
    assert list(view.charts.figures) == list(CHARTS)


def test_refresh_shows_what_a_new_sync_brought(demo_site, demo_warehouse_copy: Path) -> None:
    view = ManagerDashboardView.open(demo_warehouse_copy)
    drafts = view.board.kpis.backlog
    cursor = view.board.sync_state.cursor
    operator = Client(demo_site.url, username="haixing_operator", password="demo-haixing_operator")
    created = operator.certificates.create(samples.certificate("K", today=date.today()))
    try:
        manager = Client(demo_site.url, username="haixing_manager", password="demo-haixing_manager")
        sync(manager, demo_warehouse_copy, progress=False)
        view.refresh_button.click()
        assert view.board.sync_state.cursor > cursor
        assert view.board.kpis.backlog == drafts + 1
        assert f"cursor {view.board.sync_state.cursor:,}" in view.source.value
    finally:
        current = operator.certificates.raw(created.id)
        operator.certificates.delete(created.id, current["version"])
