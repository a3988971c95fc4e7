"""The manager dashboard in real Chromium, served by Voilà over the synced demo: every chart
drawn, the KPIs shown, a filter applied from the page, no console error, and no request
leaving the machine."""

from __future__ import annotations

from coo_lab.dashboard import CHARTS

from .conftest import BrowserLog, open_dashboard, screenshot

CHART_TITLES = (
    "FOB by agreement and month",
    "FTA usage by partner country",
    "Approval time, submission",
    "Approval time trend",
    "Rejection reasons",
    "Backlog by status and age",
)
ALL_DRAWN = """n => {
    const plots = [...document.querySelectorAll('.js-plotly-plot')];
    return plots.length === n && plots.every(p => {
        const box = p.getBoundingClientRect();
        return box.height > 100 && p.querySelector('.main-svg .trace') !== null;
    });
}"""
FOB_TRACES = """() => {
    const plot = [...document.querySelectorAll('.js-plotly-plot')]
        .find(p => (p.querySelector('.gtitle') || {}).textContent?.includes('FOB by agreement'));
    return plot && plot.data ? plot.data.map(trace => trace.name) : null;
}"""


def test_every_chart_drawn_offline(page, browser_log: BrowserLog, voila_url: str) -> None:
    open_dashboard(page, voila_url, "manager.ipynb")
    page.wait_for_function(ALL_DRAWN, arg=len(CHARTS), timeout=120_000)
    titles = page.locator(".js-plotly-plot .gtitle").all_text_contents()
    for title in CHART_TITLES:
        assert any(title in t for t in titles), (title, titles)
    assert page.locator(".coo-kpi").count() == 8
    assert "approved certificates" in page.locator(".coo-kpis").inner_text()
    assert page.locator("table.coo-missed tbody tr").count() > 0
    page.wait_for_timeout(500)  # late requests and messages, if any
    screenshot(page, "manager-dashboard")
    assert browser_log.outside() == []
    assert browser_log.errors() == []
    fonts = [u for u in browser_log.requests if "fontawesome/css/all.min.css" in u]
    assert fonts and all(u.startswith(voila_url) for u in fonts)


def test_a_filter_chosen_on_the_page(page, browser_log: BrowserLog, voila_url: str) -> None:
    open_dashboard(page, voila_url, "manager.ipynb")
    page.wait_for_function(ALL_DRAWN, arg=len(CHARTS), timeout=120_000)
    assert len(page.evaluate(FOB_TRACES)) > 1
    agreement = page.locator(".widget-dropdown", has_text="协定 agreement").locator("select")
    agreement.select_option(label="K 中国-韩国自贸协定 China–Korea FTA")
    page.wait_for_function(f"() => JSON.stringify(({FOB_TRACES})()) === '[\"K\"]'")
    page.wait_for_function(ALL_DRAWN, arg=len(CHARTS))
    assert page.locator(".js-plotly-plot .gtitle").first.text_content().endswith("\u200bK\u200b")
    screenshot(page, "manager-dashboard-korea")
    assert browser_log.outside() == []
    assert browser_log.errors() == []
