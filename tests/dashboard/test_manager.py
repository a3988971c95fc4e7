"""The manager dashboard's model on the synced demo: KPIs and every chart against figures
computed here from the file's certificate rows (plain Python, not the warehouse SQL), the
filters, bad filters, empty results, and reading while a sync process writes."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from coo_lab import warehouse
from coo_lab.dashboard import CHARTS, Filters, ManagerDashboard
from coo_lab.dashboard.charts import HOUR_BUCKETS, hour_buckets
from coo_lab.domain.agreements import agreements
from coo_lab.errors import CooLabError, ValidationFailed

CHINA = timezone(timedelta(hours=8))
APPROVED = {"approved", "printed"}


def _rows(path: Path) -> list[dict]:
    """The certificates of the synced file, as plain dicts with China dates."""
    with duckdb.connect(str(path), read_only=True) as con:
        cursor = con.execute(
            "SELECT id, cert_type, status, destination_country, enterprise_code, "
            "CAST(fob_usd AS DOUBLE), epoch_us(created_at), epoch_us(submitted_at), "
            "epoch_us(approved_at) FROM certificates"
        )
        names = [
            "id",
            "type",
            "status",
            "dest",
            "exporter",
            "fob",
            "created",
            "submitted",
            "approved",
        ]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    for r in rows:
        for key in ("created", "submitted", "approved"):
            r[key] = None if r[key] is None else datetime.fromtimestamp(r[key] / 1e6, CHINA)
    return rows


@pytest.fixture(scope="module")
def rows(demo_site) -> list[dict]:
    return _rows(demo_site.warehouse)


@pytest.fixture(scope="module")
def board(demo_site) -> ManagerDashboard:
    return ManagerDashboard(demo_site.warehouse).refresh()


def _partners() -> dict[str, set[str]]:
    covering: dict[str, set[str]] = defaultdict(set)
    for a in agreements():
        if a.preferential:
            for iso3 in a.partners:
                covering[iso3].add(a.code)
    return covering


def test_kpis_match_the_certificates(board: ManagerDashboard, rows: list[dict]) -> None:
    approved = [r for r in rows if r["status"] in APPROVED]
    covering = _partners()
    to_partners = [r for r in approved if r["dest"] in covering]
    preferential = sum(r["fob"] for r in to_partners if r["type"] in covering[r["dest"]])
    general = [r for r in to_partners if r["type"] == "C"]
    hours = [
        (r["approved"] - r["submitted"]).total_seconds() / 3600
        for r in rows
        if r["submitted"] and r["approved"]
    ]
    open_items = [r for r in rows if r["status"] in {"draft", "submitted", "returned"}]
    k = board.kpis
    assert k is not None
    assert k.approved == len(approved) > 0
    assert k.fob_usd == pytest.approx(sum(r["fob"] for r in approved))
    assert k.fta_share == pytest.approx(preferential / sum(r["fob"] for r in to_partners))
    assert k.missed_certificates == len(general) > 0
    assert k.missed_fob_usd == pytest.approx(sum(r["fob"] for r in general))
    assert k.median_hours == pytest.approx(statistics.median(hours))
    assert k.p90_hours == pytest.approx(statistics.quantiles(hours, n=10, method="inclusive")[8])
    assert k.backlog == len(open_items) > 0
    assert k.returns == board.frames["returns"]["returns"].sum() > 0
    labels = [en for _, en, _ in k.cards()]
    assert len(labels) == 8 and "FTA usage" in labels
    assert dict((en, v) for _, en, v in k.cards())["approved certificates"] == f"{len(approved):,}"


def test_every_chart_holds_the_data(board: ManagerDashboard, rows: list[dict]) -> None:
    assert set(board.figures) == set(CHARTS)
    approved = [r for r in rows if r["status"] in APPROVED]

    fob = board.figures["fob"]
    by_type: dict[str, float] = defaultdict(float)
    for r in approved:
        by_type[r["type"]] += r["fob"]
    assert {t.name for t in fob.data} == set(by_type)
    for trace in fob.data:
        assert sum(trace.y) == pytest.approx(by_type[trace.name])

    fta = board.figures["fta"]
    preferential, missed = fta.data
    covering = _partners()
    general = defaultdict(float)
    for r in approved:
        if r["dest"] in covering and r["type"] == "C":
            general[r["dest"]] += r["fob"]
    got = {label.split()[0]: x for label, x in zip(missed.y, missed.x, strict=True)}
    assert got == pytest.approx({d: general.get(d, 0.0) for d in got})
    assert sum(preferential.x) == pytest.approx(board.frames["fta"]["fob_preferential"].sum())

    (histogram,) = board.figures["approval_distribution"].data
    timed = [r for r in rows if r["submitted"] and r["approved"]]
    assert sum(histogram.y) == len(timed)
    assert list(histogram.x) == [label for _, _, label in HOUR_BUCKETS]
    notes = [a.text for a in board.figures["approval_distribution"].layout.annotations]
    assert any("median" in n and f"{board.kpis.median_hours:.1f}" in n for n in notes)

    median, p90 = board.figures["approval_trend"].data
    months = {r["approved"].date().replace(day=1) for r in timed}
    assert len(median.x) == len(months)
    assert all(p >= m for m, p in zip(median.y, p90.y, strict=True))

    (returns,) = board.figures["returns"].data
    top = board.frames["returns"].iloc[0]
    assert returns.x[-1] == top["returns"]  # drawn bottom-up: the most frequent on top

    backlog = board.figures["backlog"]
    by_status = Counter(
        r["status"] for r in rows if r["status"] in {"draft", "submitted", "returned"}
    )
    drawn = {t.name.split()[-1]: sum(t.y) for t in backlog.data}
    assert drawn == dict(by_status)
    assert all(list(t.x) == list(warehouse.AGE_BUCKETS) for t in backlog.data)


def test_filters_narrow_every_figure(demo_site, rows: list[dict]) -> None:
    start, end = date(2026, 1, 1), date(2026, 6, 30)
    board = ManagerDashboard(demo_site.warehouse).refresh(
        Filters(start=start, end=end, agreement="K")
    )
    assert [t.name for t in board.figures["fob"].data] == ["K"]
    want = [
        r
        for r in rows
        if r["status"] in APPROVED and r["type"] == "K" and start <= r["approved"].date() <= end
    ]
    assert board.kpis.approved == len(want) > 0
    assert board.kpis.fob_usd == pytest.approx(sum(r["fob"] for r in want))
    assert board.kpis.missed_certificates == 0  # a K certificate is no general CO
    assert "2026-01-01 – 2026-06-30 · K" in board.figures["fob"].layout.title.text

    board.refresh(Filters(destination="kor", exporter="311120218"))
    to_korea = [r for r in rows if r["status"] in APPROVED and r["dest"] == "KOR"]
    assert board.kpis.approved == len(to_korea) > 0
    assert list(board.frames["fta"]["destination"]) == ["KOR"]
    assert board.filters.destination == "kor"
    assert board.frames["missed"]["destination"].eq("KOR").all()

    table = board.missed_table(rows=3)
    assert len(table) == min(3, board.kpis.missed_certificates)
    assert list(table.columns) == [
        "certificate_number",
        "invoice_number",
        "destination",
        "approved_on",
        "fob_usd",
        "agreements",
    ]


def test_options_list_what_the_file_holds(board: ManagerDashboard, rows: list[dict]) -> None:
    options = board.options
    assert [v for _, v in options.agreements] == [a.code for a in agreements()]
    assert any("中国-韩国自贸协定" in label for label, _ in options.agreements)
    assert [v for _, v in options.destinations] == sorted({r["dest"] for r in rows})
    assert [v for _, v in options.exporters] == sorted({r["exporter"] for r in rows})
    assert options.first_day == min(r["created"] for r in rows).date()
    assert options.last_day == max(r["created"] for r in rows).date()
    assert board.sync_state.cursor > 0 and "haixing_manager" in board.sync_state.source


def test_nothing_matches(demo_site) -> None:
    board = ManagerDashboard(demo_site.warehouse).refresh(
        Filters(start=date(2030, 1, 1), agreement="GE", destination="ISL")
    )
    assert board.kpis.approved == 0 and board.kpis.fob_usd == 0
    assert board.kpis.median_hours is None and board.kpis.fta_share is None
    assert board.kpis.backlog == 0 and board.kpis.backlog_oldest_days is None
    for name in CHARTS:
        texts = [a.text for a in board.figures[name].layout.annotations]
        assert any("no data for these filters" in t for t in texts), name
    assert board.missed_table().empty
    assert dict((en, v) for _, en, v in board.kpis.cards())["median approval"] == "—"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"start": date(2026, 5, 1), "end": date(2026, 4, 1)}, "end"),
        ({"agreement": "ZZ"}, "agreement"),
        ({"destination": "XXX"}, "destination"),
        ({"exporter": "  "}, "exporter"),
        ({"start": "2026-01-01"}, "start"),
    ],
)
def test_bad_filters_name_the_field(kwargs: dict, field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        Filters(**kwargs)
    (error,) = caught.value.errors
    assert error.field == field
    assert error.expected_en and error.expected_zh
    assert field in str(caught.value)


def test_a_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(CooLabError) as caught:
        ManagerDashboard(tmp_path / "none.duckdb").refresh()
    assert "coo-lab sync" in caught.value.message_en and "同步" in caught.value.message_zh


def test_approval_hours_are_the_distribution(demo_site, rows: list[dict]) -> None:
    frame = warehouse.approval_hours(demo_site.warehouse, agreement="C")
    want = {
        r["id"]: (r["approved"] - r["submitted"]).total_seconds() / 3600
        for r in rows
        if r["submitted"] and r["approved"] and r["type"] == "C"
    }
    assert dict(zip(frame["id"], frame["hours"], strict=True)) == pytest.approx(want)
    assert list(frame["approved_on"]) == sorted(frame["approved_on"])
    counts = hour_buckets(frame["hours"])
    assert counts["certificates"].sum() == len(want)
    assert counts["certificates"].iloc[0] == sum(h < 1 for h in want.values())


SYNC_LOOP = """
import sys
from coo_lab.client import Client
from coo_lab.mirror import sync
url, path = sys.argv[1], sys.argv[2]
client = Client(url, username="haixing_operator", password="demo-haixing_operator")
print("started", flush=True)
result = sync(client, path, progress=False, page_size=1000, pages_per_commit=1, hold=0.05)
print(result.certificates, flush=True)
"""


def test_refreshes_while_a_sync_process_writes(demo_site, tmp_path: Path) -> None:
    """A sync in another process holds the file in short windows: every refresh gets in."""
    path = tmp_path / "live.duckdb"
    writer = subprocess.Popen(
        [sys.executable, "-c", SYNC_LOOP, demo_site.url, str(path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout.readline().strip() == "started"
    board = ManagerDashboard(path)
    seen = []
    deadline = time.monotonic() + 300  # a writer that died early must fail the test, not hang it
    while (writer.poll() is None or not seen) and time.monotonic() < deadline:
        if writer.poll() not in (None, 0):
            break
        if not path.exists():
            time.sleep(0.01)
            continue
        if path.exists():
            try:
                board.refresh()
            except CooLabError as error:  # only "no synced data" before the first commit
                assert "no synced data" in error.message_en
                continue
            seen.append(board.sync_state.cursor)
    out, _ = writer.communicate(timeout=60)
    assert writer.returncode == 0 and int(out.strip()) > 0
    board.refresh()
    assert seen == sorted(seen) and board.sync_state.cursor >= seen[-1]
    assert board.kpis.approved > 0
