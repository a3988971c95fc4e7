"""The declaration app against the real service on a loopback port (no browser).

The seed comes from the service tests (one office, the companies hx, ln and new, their
users); each test gets a fresh SQLite copy of it and the real service on a loopback port.
The app does not care which store the service runs on (the service tests cover each), so
these tests use one. The app is driven the way a user drives it: values set on its widgets,
buttons clicked; assertions look at the screen models and at the service (through a
``coo_lab.Client`` of its own).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ipywidgets.widgets.widget import CallbackDispatcher
from service.conftest import seeded_db  # noqa: F401  (the seeded store, once a session)

from coo_lab import samples
from coo_lab.client import Client
from coo_lab.server.live import LiveServer
from coo_lab.ui import DeclarationApp
from coo_lab.ui.widgets.common import Words


@pytest.fixture
def db_path(seeded_db: Path, tmp_path: Path) -> Path:  # noqa: F811
    """A fresh copy of the seeded store for one test."""
    target = tmp_path / "coo.sqlite"
    with sqlite3.connect(seeded_db) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


@pytest.fixture
def live(db_path: Path) -> Iterator[LiveServer]:
    """The real service on a loopback port."""
    with LiveServer(db_path) as server:
        yield server


def login(app: DeclarationApp, username: str, password: str | None = None) -> DeclarationApp:
    app.login_view.username.value = username
    app.login_view.password.value = password if password is not None else f"pw-{username}"
    app.login_view.button.click()
    return app


SHOWN_AS_MESSAGE = Words.unexpected  # what a real screen does with a defect


@pytest.fixture(autouse=True)
def defects_fail_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a screen, a defect in a click handler becomes a one-line message (and ipywidgets
    only logs an exception in a callback); here it fails the test instead."""

    def raise_it(self, exc: BaseException) -> None:
        raise exc

    def dispatch(self, *args, **kwargs):
        value = None
        for callback in self.callbacks:
            local = callback(*args, **kwargs)
            value = local if local is not None else value
        return value

    monkeypatch.setattr(Words, "unexpected", raise_it)
    monkeypatch.setattr(CallbackDispatcher, "__call__", dispatch)


@pytest.fixture
def open_app(live: LiveServer) -> Callable[[str], DeclarationApp]:
    """A fresh app logged in as ``username``."""
    return lambda username: login(DeclarationApp(live.url), username)


@pytest.fixture
def hx(live: LiveServer) -> Client:
    """The service as hx_operator sees it, with hx's base data in place."""
    client = Client(live.url, username="hx_operator", password="pw-hx_operator")
    client.exporters.create(samples.EXPORTER)
    client.producers.create(samples.PRODUCER)
    for cert_type in ("C", "K"):
        client.importers.create(samples.importer(cert_type))
    client.special_clauses.create({"code": "TPI01", "text": "THIRD PARTY INVOICING: HK TRADING"})
    return client
