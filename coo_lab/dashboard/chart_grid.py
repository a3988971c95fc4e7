"""The manager dashboard's charts as one widget: plotly figures in a CSS grid, drawn in the
page by plotly.js's basic bundle (bar, pie and scatter traces).

Why not plotly's own renderer. An ``Output`` holding plotly's MIME bundle makes the page
load the full plotly.js of jupyterlab-plotly: 4.8 MB that Chromium spends about 1.9 s
evaluating on this machine, in one piece, before the first chart — and since the page does
not paint meanwhile, the filters and KPIs waited for it too. ``ChartGrid`` sends the 1.2 MB
basic bundle (``static/plotly-basic.min.js``, fetched by ``scripts/vendor_plotly_basic.py``)
once with the widget; the page paints the other widgets first, then evaluates the bundle
(about 0.35 s) and draws (``static/chart_grid.js``). Being an anywidget, it shows in
JupyterLab's notebooks as well (``notebooks/analysis.ipynb`` displays the whole dashboard).

    grid = ChartGrid()
    grid.figures = {"fob": figure_spec(fig), ...}    # drawn in this order; a change redraws
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import anywidget
import plotly.graph_objects as go
import traitlets

STATIC = Path(__file__).with_name("static")
LIBRARY = "plotly-basic.min.js"
TRACE_TYPES = frozenset({"bar", "pie", "scatter"})  # what the basic bundle draws
CSS = """
.coo-charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); }
.coo-chart { min-height: 380px; }
.coo-pending { color: #6c757d; padding: 12px; }
"""


@cache
def library() -> str:
    """The plotly.js basic bundle's source (read once per process)."""
    return (STATIC / LIBRARY).read_text(encoding="utf-8")


def library_version() -> str:
    """The version the bundle's header names (``plotly.js (basic - minified) v4.1.1``)."""
    header = library()[:200]
    return header.split(" v", 1)[1].split()[0]


def figure_spec(fig: go.Figure) -> dict[str, Any]:
    """A figure as the plain ``data``/``layout`` dict plotly.js takes; a trace type the
    basic bundle cannot draw is an error here rather than a blank chart in the page."""
    spec = json.loads(fig.to_json())
    unknown = {t.get("type", "scatter") for t in spec["data"]} - TRACE_TYPES
    if unknown:
        raise ValueError(
            f"figure {fig.layout.title.text!r}: trace types {sorted(unknown)} are not in "
            f"plotly.js's basic bundle (expected one of {sorted(TRACE_TYPES)})"
        )
    return spec


class ChartGrid(anywidget.AnyWidget):
    """Plotly figures by name, drawn in a grid of cells (``coo-chart coo-chart-NAME``)."""

    _esm = STATIC / "chart_grid.js"
    _css = CSS
    _library = traitlets.Unicode("").tag(sync=True)
    figures = traitlets.Dict(traitlets.Dict(), default_value={}).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(_library=library(), **kwargs)
