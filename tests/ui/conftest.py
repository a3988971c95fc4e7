"""The declaration app against the real service on a loopback port (no browser).

The service fixtures (a seeded store copied per test, uvicorn on a free port) come from the
service tests; the app is driven the way a user drives it: values set on its widgets,
buttons clicked. Assertions look at the screen models and at the service (through a
``coo_lab.Client`` of its own).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from service.conftest import db_path, live, seeded_db  # noqa: F401  (shared fixtures)

from coo_lab import samples
from coo_lab.client import Client
from coo_lab.ui import DeclarationApp


def login(app: DeclarationApp, username: str, password: str | None = None) -> DeclarationApp:
    app.login_view.username.value = username
    app.login_view.password.value = password if password is not None else f"pw-{username}"
    app.login_view.button.click()
    return app


@pytest.fixture
def open_app(live) -> Callable[[str], DeclarationApp]:  # noqa: F811
    """A fresh app logged in as ``username``."""
    return lambda username: login(DeclarationApp(live.url), username)


@pytest.fixture
def hx(live) -> Client:  # noqa: F811
    """The service as hx_operator sees it, with hx's base data in place."""
    client = Client(live.url, username="hx_operator", password="pw-hx_operator")
    client.exporters.create(samples.EXPORTER)
    client.producers.create(samples.PRODUCER)
    for cert_type in ("C", "K"):
        client.importers.create(samples.importer(cert_type))
    client.special_clauses.create({"code": "TPI01", "text": "THIRD PARTY INVOICING: HK TRADING"})
    return client
