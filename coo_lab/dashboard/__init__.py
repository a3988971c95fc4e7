"""The manager dashboard (Voilà + plotly over the synced DuckDB file) and how it is served.

``ManagerDashboard`` holds KPIs, frames and figures for one set of ``Filters`` (testable
without a browser); ``coo_lab.dashboard.view`` puts widgets around it;
``coo_lab.dashboard.serving`` runs Voilà with the project's offline template.
"""

from coo_lab.dashboard.filters import Filters, Options
from coo_lab.dashboard.manager import CHARTS, Kpis, ManagerDashboard

__all__ = ["CHARTS", "Filters", "Kpis", "ManagerDashboard", "Options"]
