"""The manager dashboard (Voilà + plotly over the synced DuckDB file) and how it is served.

``ManagerDashboard`` holds KPIs, frames and figures for one set of ``Filters`` (testable
without a browser); ``coo_lab.dashboard.view`` puts widgets around it;
``coo_lab.dashboard.serving`` runs Voilà with the project's offline template and
``coo_lab.dashboard.jupyter`` starts Jupyter's servers without their slowest import.

The names below load on first use, so ``coo_lab.dashboard.jupyter`` (imported by the
servers and the tests) does not pay for pandas, plotly and DuckDB.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "CHARTS": "coo_lab.dashboard.manager",
    "Kpis": "coo_lab.dashboard.manager",
    "ManagerDashboard": "coo_lab.dashboard.manager",
    "Filters": "coo_lab.dashboard.filters",
    "Options": "coo_lab.dashboard.filters",
}

__all__ = ["CHARTS", "Filters", "Kpis", "ManagerDashboard", "Options"]

if TYPE_CHECKING:
    from coo_lab.dashboard.filters import Filters, Options
    from coo_lab.dashboard.manager import CHARTS, Kpis, ManagerDashboard


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
