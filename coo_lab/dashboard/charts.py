"""The manager dashboard's charts: one function per chart, warehouse frame in, plotly figure
out. Titles and axes are bilingual; an empty frame gives a figure that says so.

Nothing here reads data or knows about widgets: ``coo_lab.dashboard.manager`` feeds the
frames, ``coo_lab.dashboard.view`` shows the figures.
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from coo_lab.domain.agreements import agreements

FONT = "Noto Sans CJK SC, Noto Sans, Arial, sans-serif"
PREFERENTIAL, GENERAL = "#2a9d8f", "#e76f51"
STATUS_COLOURS = {"draft": "#8d99ae", "submitted": "#457b9d", "returned": "#e63946"}
STATUS_LABELS = {
    "draft": "草稿 draft",
    "submitted": "已申报 submitted",
    "returned": "退回 returned",
}
# hours from submission to approval, the buckets a reviewer's day falls into
HOUR_BUCKETS = (
    (0, 1, "< 1 h"),
    (1, 4, "1–4 h"),
    (4, 8, "4–8 h"),
    (8, 24, "8–24 h"),
    (24, 48, "1–2 d"),
    (48, 72, "2–3 d"),
    (72, 168, "3–7 d"),
    (168, float("inf"), "> 7 d"),
)


@cache
def template() -> go.layout.Template:
    """A small white template made once: plotly's stock templates are large, and copying
    one into every figure was most of the time a refresh took."""
    axis = {"gridcolor": "#e5ecf6", "linecolor": "#c8d4e3", "zerolinecolor": "#c8d4e3"}
    return go.layout.Template(
        layout={
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "font": {"family": FONT, "size": 12, "color": "#2a3f5f"},
            "colorway": qualitative.Dark24,
            "xaxis": {**axis, "automargin": True},
            "yaxis": {**axis, "automargin": True},
            "hoverlabel": {"align": "left"},
        }
    )


def new_figure() -> go.Figure:
    """An empty figure on ``template()`` (set at construction, so plotly does not first
    copy its default template in)."""
    return go.Figure(layout={"template": template()})


def agreement_colours() -> dict[str, str]:
    """A fixed colour per certificate type, so a type keeps its colour whatever is shown."""
    palette = qualitative.Dark24
    return {a.code: palette[i % len(palette)] for i, a in enumerate(agreements())}


def _layout(fig: go.Figure, title_zh: str, title_en: str, subtitle: str, **extra) -> go.Figure:
    layout = {
        "title": {"text": f"{title_zh} · {title_en}<br><sup>{subtitle}</sup>", "x": 0.01},
        "font": {"family": FONT, "size": 12},
        "height": 380,
        "margin": {"l": 60, "r": 20, "t": 70, "b": 50},
    }
    fig.update_layout(**{**layout, **extra})
    return fig


def _empty(fig: go.Figure) -> go.Figure:
    fig.add_annotation(
        text="所选范围内没有数据 / no data for these filters",
        showarrow=False,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        font={"size": 14, "color": "#6c757d"},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def fob_by_agreement_month(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Stacked monthly FOB (USD) of approved certificates, one colour per agreement."""
    fig = new_figure()
    colours = agreement_colours()
    for code, rows in frame.groupby("agreement", sort=False):
        fig.add_bar(
            name=str(code),
            x=rows["month"],
            y=rows["fob_usd"],
            marker_color=colours.get(str(code)),
            customdata=rows["certificates"],
            hovertemplate=f"{code} %{{x|%Y-%m}}<br>FOB %{{y:,.0f}} USD"
            "<br>%{customdata} 份 certificates<extra></extra>",
        )
    _layout(
        fig,
        "按协定和月份的FOB",
        "FOB by agreement and month (USD)",
        subtitle,
        barmode="stack",
        xaxis={"title": "月份 month", "tickformat": "%Y-%m"},
        yaxis={"title": "FOB (USD)"},
    )
    return _empty(fig) if frame.empty else fig


def fta_usage(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Per partner country: FOB under an agreement covering it vs. on a general CO (the
    preference missed), with the preferential share."""
    fig = new_figure()
    rows = frame.sort_values("fob_usd", ascending=True)
    labels = [f"{d} ({a})" for d, a in zip(rows["destination"], rows["agreements"], strict=True)]
    fig.add_bar(
        name="享惠 preferential",
        y=labels,
        x=rows["fob_preferential"],
        orientation="h",
        marker_color=PREFERENTIAL,
        customdata=rows["share"] * 100,
        hovertemplate="%{y}<br>享惠 preferential %{x:,.0f} USD (%{customdata:.0f} %)"
        "<extra></extra>",
    )
    fig.add_bar(
        name="未享惠（一般原产地证） missed (general CO)",
        y=labels,
        x=rows["fob_general"],
        orientation="h",
        marker_color=GENERAL,
        customdata=rows["general_certificates"],
        hovertemplate="%{y}<br>未享惠 missed %{x:,.0f} USD<br>%{customdata} 份一般原产地证 "
        "general COs<extra></extra>",
    )
    _layout(
        fig,
        "自贸协定利用率（按伙伴国）",
        "FTA usage by partner country (FOB USD)",  # the legend names the missed part
        subtitle,
        barmode="stack",
        legend={"orientation": "h", "y": -0.12, "yanchor": "top"},
        margin={"l": 60, "r": 20, "t": 70, "b": 90},
        height=max(380, 90 + 26 * len(rows)),
    )
    return _empty(fig) if frame.empty else fig


def hour_buckets(hours: pd.Series) -> pd.DataFrame:
    """Counts of approval times per ``HOUR_BUCKETS`` bucket (every bucket, zeros kept)."""
    labels = [label for _, _, label in HOUR_BUCKETS]
    edges = [low for low, _, _ in HOUR_BUCKETS] + [float("inf")]
    cut = pd.cut(hours, bins=edges, labels=labels, right=False)
    counts = cut.value_counts().reindex(labels, fill_value=0)
    return pd.DataFrame({"bucket": labels, "certificates": counts.to_numpy()})


def approval_distribution(
    hours: pd.Series, median: float | None, p90: float | None, subtitle: str
) -> go.Figure:
    """How long approval took: certificates per time bucket, median and p90 named."""
    buckets = hour_buckets(hours)
    fig = new_figure()
    fig.add_bar(
        x=buckets["bucket"],
        y=buckets["certificates"],
        marker_color="#457b9d",
        name="证书 certificates",
        hovertemplate="%{x}: %{y} 份 certificates<extra></extra>",
    )
    if median is not None and p90 is not None and len(hours):
        fig.add_annotation(
            text=f"中位数 median {median:.1f} h · P90 {p90:.1f} h",
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0.99,
            y=0.98,
            xanchor="right",
            font={"size": 13},
        )
    _layout(
        fig,
        "审批时长分布",
        "Approval time, submission → approval",
        subtitle,
        xaxis={"title": "时长 hours", "type": "category"},
        yaxis={"title": "证书数 certificates"},
        showlegend=False,
    )
    return _empty(fig) if not len(hours) else fig


def approval_trend(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Monthly median and p90 approval hours."""
    fig = new_figure()
    for column, name, colour in (
        ("median_hours", "中位数 median", "#457b9d"),
        ("p90_hours", "P90", "#e63946"),
    ):
        fig.add_scatter(
            x=frame["month"],
            y=frame[column],
            mode="lines+markers",
            name=name,
            line={"color": colour},
            hovertemplate=f"{name} %{{x|%Y-%m}}: %{{y:.1f}} h<extra></extra>",
        )
    _layout(
        fig,
        "审批时长趋势",
        "Approval time trend (hours)",
        subtitle,
        xaxis={"title": "月份 month", "tickformat": "%Y-%m"},
        yaxis={"title": "小时 hours", "rangemode": "tozero"},
    )
    return _empty(fig) if frame.empty else fig


def return_reasons(frame: pd.DataFrame, subtitle: str, top: int = 12) -> go.Figure:
    """The most frequent reasons for returns: rule codes, and reviewers' manual returns."""
    rows = frame.head(top).iloc[::-1]
    labels = ["审核员退回 reviewer" if code == "REVIEWER" else str(code) for code in rows["code"]]
    examples = [str(e)[:120] if isinstance(e, str) else "" for e in rows["example"]]
    fig = new_figure()
    fig.add_bar(
        y=labels,
        x=rows["returns"],
        orientation="h",
        marker_color="#e63946",
        customdata=examples,
        hovertemplate="%{y}: %{x} 次 returns<br>%{customdata}<extra></extra>",
    )
    _layout(
        fig,
        "退回原因",
        "Rejection reasons (returns)",
        subtitle,
        xaxis={"title": "退回次数 returns"},
        showlegend=False,
        height=max(380, 60 + 28 * len(rows)),
    )
    return _empty(fig) if frame.empty else fig


def backlog(frame: pd.DataFrame, subtitle: str, age_buckets: tuple[str, ...]) -> go.Figure:
    """Open work (draft, submitted, returned) by age, stacked by status."""
    fig = new_figure()
    for status, rows in frame.groupby("status", sort=False):
        counts = rows.set_index("age")["certificates"].reindex(age_buckets, fill_value=0)
        fob = rows.set_index("age")["fob_usd"].reindex(age_buckets, fill_value=0.0)
        fig.add_bar(
            name=STATUS_LABELS.get(str(status), str(status)),
            x=list(age_buckets),
            y=counts.to_numpy(),
            marker_color=STATUS_COLOURS.get(str(status)),
            customdata=fob.to_numpy(),
            hovertemplate="%{x}: %{y} 份 certificates<br>FOB %{customdata:,.0f} USD<extra></extra>",
        )
    _layout(
        fig,
        "待办积压（按状态和时长）",
        "Backlog by status and age",
        subtitle,
        barmode="stack",
        xaxis={"title": "停留时长 age", "type": "category"},
        yaxis={"title": "证书数 certificates"},
    )
    return _empty(fig) if frame.empty else fig
