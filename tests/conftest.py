"""The demo, shared by the dashboard, notebook and browser tests (built once per session):
a small demo store (``coo-lab demo``), the real service over it on a loopback port, and its
change feed synced into a DuckDB file as ``haixing_manager`` (what ``make run`` does).

Tests that write to the service (the notebooks declare certificates) leave the synced file
alone: it is the state of the demo when the session started. A test that syncs again copies
it first (``demo_warehouse_copy``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from coo_lab.dashboard.jupyter import defer_rfc3987_syntax

defer_rfc3987_syntax()  # nbformat (nbclient) imports in seconds, not 2–12 s: see that module

DEMO_TODAY = date(2026, 11, 1)
DEMO_SCALE = 3000
DEMO_MANAGER = "haixing_manager"
DEMO_OPERATOR = "haixing_operator"


@dataclass(frozen=True)
class DemoSite:
    """The running demo: the service's address, its store and the synced DuckDB file."""

    url: str
    store: Path
    warehouse: Path

    @staticmethod
    def password(username: str) -> str:
        return f"demo-{username}"


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    from coo_lab.client import Client
    from coo_lab.mirror import sync
    from coo_lab.server.demo import build_demo
    from coo_lab.server.live import LiveServer

    folder = tmp_path_factory.mktemp("demo")
    store = folder / "coo_lab.sqlite"
    build_demo(store, scale=DEMO_SCALE, today=DEMO_TODAY)
    warehouse = folder / "coo.duckdb"
    with LiveServer(store) as server:
        manager = Client(
            server.url, username=DEMO_MANAGER, password=DemoSite.password(DEMO_MANAGER)
        )
        sync(manager, warehouse, progress=False)
        yield DemoSite(server.url, store, warehouse)


@pytest.fixture
def demo_warehouse_copy(demo_site: DemoSite, tmp_path: Path) -> Path:
    """A copy of the synced file for a test that syncs or writes."""
    target = tmp_path / "coo.duckdb"
    shutil.copyfile(demo_site.warehouse, target)
    return target
