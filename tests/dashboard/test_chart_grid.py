"""The chart grid's side in the kernel: the plotly.js bundle it ships, and figures as plain
specs (the drawing itself is tested in Chromium: tests/browser/test_manager_dashboard.py)."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs_version

from coo_lab.dashboard.chart_grid import ChartGrid, figure_spec, library, library_version


def test_the_bundle_is_the_plotly_js_the_figures_are_made_for() -> None:
    # plotly (Python) serializes figures for the plotly.js it was built with: the vendored
    # bundle must be that version (scripts/vendor_plotly_basic.py VERSION fetches another)
    assert library_version() == get_plotlyjs_version()
    assert library().rstrip().endswith("}));")  # the whole UMD bundle, not a truncated file
    assert "window.Plotly = Plotly" in library()[-2000:]


def test_the_widget_carries_the_bundle_and_the_figures_by_name() -> None:
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]), layout={"title": {"text": "一 one"}})
    grid = ChartGrid()
    grid.figures = {"one": figure_spec(fig), "two": figure_spec(go.Figure(go.Scatter()))}
    state = grid.get_state()
    assert state["_library"] == library()
    assert list(state["figures"]) == ["one", "two"]
    assert state["figures"]["one"]["data"][0]["type"] == "bar"
    assert state["figures"]["one"]["layout"]["title"]["text"] == "一 one"
    json.dumps(state["figures"])  # JSON as it is sent to the page


def test_a_trace_the_bundle_cannot_draw_is_refused_by_name() -> None:
    fig = go.Figure(go.Box(y=[1, 2, 3]), layout={"title": {"text": "spread"}})
    with pytest.raises(ValueError, match=r"'spread'.*\['box'\].*basic bundle"):
        figure_spec(fig)


def test_a_notebook_figure_may_use_any_trace() -> None:
    # show()/figure_output go to JupyterLab's full plotly.js: the basic-bundle check is the
    # chart grid's alone
    from coo_lab.dashboard.view import PLOTLY_MIME, figure_output

    fig = go.Figure(go.Box(y=[1, 2, 3]), layout={"title": {"text": "spread"}})
    assert figure_output(fig)["data"][PLOTLY_MIME]["data"][0]["type"] == "box"
