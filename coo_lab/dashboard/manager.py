"""The manager dashboard without the widgets: KPIs, frames and plotly figures over the synced
DuckDB file, for one set of filters.

    from coo_lab.dashboard import Filters, ManagerDashboard
    board = ManagerDashboard("data/coo.duckdb").refresh(Filters(agreement="K"))
    board.kpis.fob_usd, board.frames["fta"], board.figures["fob"]

Every figure comes from ``coo_lab.warehouse`` (the analyses are defined there once), all
read through one read-only connection (``coo_lab.mirror.reading``), so a refresh sees one
committed state of the file even while ``coo-lab sync`` writes to it, and waits out the
sync's short write windows instead of failing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from coo_lab import warehouse
from coo_lab.dashboard import charts
from coo_lab.dashboard.filters import Filters, Options
from coo_lab.mirror import DEFAULT_PATH, reading

CHARTS = ("fob", "fta", "approval_distribution", "approval_trend", "returns", "backlog")
MISSED_ROWS = 10


@dataclass(frozen=True)
class Kpis:
    """The headline figures for the current filters."""

    approved: int  # approved or printed certificates
    fob_usd: float
    fta_share: float | None  # preferential FOB / FOB to partner countries, 0–1
    missed_fob_usd: float  # general COs to partner countries
    missed_certificates: int
    median_hours: float | None
    p90_hours: float | None
    returns: int
    returned_certificates: int
    backlog: int
    backlog_oldest_days: int | None

    def cards(self) -> list[tuple[str, str, str]]:
        """(Chinese label, English label, formatted value) for each KPI card."""

        def hours(value: float | None) -> str:
            return "—" if value is None else f"{value:,.1f} h"

        share = "—" if self.fta_share is None else f"{self.fta_share:.0%}"
        oldest = (
            ""
            if self.backlog_oldest_days is None
            else f" · 最久 oldest {self.backlog_oldest_days} d"
        )
        return [
            ("已签证书", "approved certificates", f"{self.approved:,}"),
            ("FOB 总额", "FOB total", f"{self.fob_usd:,.0f} USD"),
            ("自贸协定利用率", "FTA usage", share),
            (
                "未享惠 FOB",
                "missed preference",
                f"{self.missed_fob_usd:,.0f} USD ({self.missed_certificates:,})",
            ),
            ("审批中位数", "median approval", hours(self.median_hours)),
            ("审批 P90", "p90 approval", hours(self.p90_hours)),
            ("退回", "returns", f"{self.returns:,} ({self.returned_certificates:,})"),
            ("待办积压", "backlog", f"{self.backlog:,}{oldest}"),
        ]


@dataclass(frozen=True)
class SyncState:
    """Where the synced file comes from and how far it has read the change feed."""

    source: str
    cursor: int
    updated_at: datetime | None

    def describe(self) -> str:
        when = self.updated_at.strftime("%Y-%m-%d %H:%M:%S UTC") if self.updated_at else "—"
        return f"数据来源 source {self.source} · 同步于 synced {when} · cursor {self.cursor:,}"


def _number(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


class ManagerDashboard:
    """KPIs, frames (``frames``: name → DataFrame) and figures (``figures``: name →
    ``go.Figure``, the names in ``CHARTS``) of the synced file at ``path``."""

    def __init__(
        self, path: str | Path = DEFAULT_PATH, *, as_of: date | None = None, timeout: float = 30.0
    ) -> None:
        self.path = Path(path)
        self.as_of = as_of  # the backlog's "today" (None: today in China)
        self.timeout = timeout
        self.filters = Filters()
        self.options = Options()
        self.sync_state: SyncState | None = None
        self.kpis: Kpis | None = None
        self.frames: dict[str, pd.DataFrame] = {}
        self.figures: dict[str, go.Figure] = {}

    def refresh(self, filters: Filters | None = None) -> ManagerDashboard:
        """Read the file again (with new ``filters``, or the current ones) and rebuild."""
        if filters is not None:
            self.filters = filters
        keywords = self.filters.keywords()
        with reading(self.path, timeout=self.timeout) as con:
            options = Options.read(con)
            state = con.execute("SELECT source, cursor, updated_at FROM sync_state").fetchall()
            frames = {
                "fob": warehouse.fob_by(con, by=("agreement", "month"), **keywords),
                "fob_total": warehouse.fob_by(con, by=(), **keywords),
                "fta": warehouse.fta_usage(con, **keywords),
                "missed": warehouse.missed_preference(con, **keywords),
                "approval_hours": warehouse.approval_hours(con, **keywords),
                "approval_total": warehouse.approval_times(con, by=(), **keywords),
                "approval_trend": warehouse.approval_times(con, by=("month",), **keywords),
                "returns": warehouse.return_reasons(con, **keywords),
                "backlog": warehouse.backlog(con, self.as_of, **keywords),
            }
        self.options = options
        self.sync_state = SyncState(*state[0]) if state else None
        self.frames = frames
        self.kpis = self._kpis(frames)
        self.figures = self._figures(frames)
        return self

    @staticmethod
    def _kpis(frames: dict[str, pd.DataFrame]) -> Kpis:
        total = frames["fob_total"].iloc[0]
        fta = frames["fta"]
        partner_fob = float(fta["fob_usd"].sum())
        times = frames["approval_total"].iloc[0]
        backlog = frames["backlog"]
        returns = frames["returns"]
        missed = frames["missed"]
        return Kpis(
            approved=int(total["certificates"]),
            fob_usd=float(total["fob_usd"]),
            fta_share=float(fta["fob_preferential"].sum()) / partner_fob if partner_fob else None,
            missed_fob_usd=float(missed["fob_usd"].sum()),
            missed_certificates=len(missed),
            median_hours=_number(times["median_hours"]),
            p90_hours=_number(times["p90_hours"]),
            returns=int(returns["returns"].sum()),
            returned_certificates=int(returns["certificates"].sum()) if len(returns) else 0,
            backlog=int(backlog["certificates"].sum()),
            backlog_oldest_days=int(backlog["oldest_days"].max()) if len(backlog) else None,
        )

    def _figures(self, frames: dict[str, pd.DataFrame]) -> dict[str, go.Figure]:
        subtitle = self.filters.describe()
        kpis = self.kpis
        assert kpis is not None
        return {
            "fob": charts.fob_by_agreement_month(frames["fob"], subtitle),
            "fta": charts.fta_usage(frames["fta"], subtitle),
            "approval_distribution": charts.approval_distribution(
                frames["approval_hours"]["hours"], kpis.median_hours, kpis.p90_hours, subtitle
            ),
            "approval_trend": charts.approval_trend(frames["approval_trend"], subtitle),
            "returns": charts.return_reasons(frames["returns"], subtitle),
            "backlog": charts.backlog(frames["backlog"], subtitle, warehouse.AGE_BUCKETS),
        }

    def missed_table(self, rows: int = MISSED_ROWS) -> pd.DataFrame:
        """The largest general COs to partner countries, ready to show."""
        missed = self.frames.get("missed", pd.DataFrame())
        if missed.empty:
            return missed
        table = missed.head(rows)[
            ["certificate_number", "invoice_number", "destination", "approved_on", "fob_usd"]
        ].copy()
        table["agreements"] = missed.head(rows)["agreements"]
        return table
