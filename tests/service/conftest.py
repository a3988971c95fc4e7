"""A seeded service for the service tests: FastAPI's TestClient for speed, and a real uvicorn
server on a loopback port where real sockets matter.

The seed: one CCPIT office (Dalian, 210200) with a reviewer, and three companies —
``hx`` (the sample enterprise of ``coo_lab.samples``, user filing done, approved product
filings for every agreement, no base data), ``ln`` (another registered
enterprise of the same office, user filing done, review policy "automatic") and ``new``
(registered but user filing NOT done). A second office (Shenyang, 210100) has its own
reviewer and nothing else. Passwords are ``pw-<username>``.
"""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from coo_lab import samples
from coo_lab.server import setup
from coo_lab.server.app import create_app
from coo_lab.server.auth import Role
from coo_lab.server.live import LiveServer
from coo_lab.server.pgcluster import Cluster

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

LN_CODE, NEW_CODE = "210200777", "210200888"
PG_TEMPLATE = "seed"
# the stores every service test runs on; COO_LAB_TEST_STORES=sqlite narrows it while working
STORES = os.environ.get("COO_LAB_TEST_STORES", "sqlite,postgresql").split(",")


def seed(db_path: str | Path) -> None:
    app = create_app(db_path)
    with app.state.db.transaction() as tx:
        dalian = setup.create_office(
            tx, samples.CCPIT_CODE, "CCPIT DALIAN", "大连市贸促会", "DALIAN, CHINA"
        )
        shenyang = setup.create_office(
            tx, "210100", "CCPIT SHENYANG", "沈阳市贸促会", "SHENYANG, CHINA"
        )
        signers = [h.model_dump(mode="json") for h in samples.ENTERPRISE.hand_signers]
        setup.register_enterprise(
            tx,
            samples.CCPIT_CODE,
            samples.ENTERPRISE_CODE,
            samples.ENTERPRISE.name_en,
            samples.ENTERPRISE.name_cn,
            signers,
        )
        setup.register_enterprise(
            tx,
            samples.CCPIT_CODE,
            LN_CODE,
            "LIAONING NORTHERN MACHINERY CO., LTD.",
            "辽宁北方机械有限公司",
            [{"name": "赵云", "status": "active"}],
            review_policy="automatic",
        )
        setup.register_enterprise(
            tx,
            samples.CCPIT_CODE,
            NEW_CODE,
            "NEWCO TRADING LTD.",
            "新公司贸易有限公司",
            [{"name": "孙悟", "status": "active"}],
        )
        hx = setup.create_company(tx, "大连海兴国际贸易有限公司")
        ln = setup.create_company(tx, "辽宁北方机械有限公司")
        new = setup.create_company(tx, "新公司贸易有限公司")
        for company, prefix in ((hx, "hx"), (ln, "ln"), (new, "new")):
            setup.add_users(
                tx,
                company,
                [
                    (f"{prefix}_{r.value}", f"pw-{prefix}_{r.value}", r)
                    for r in (Role.ADMIN, Role.OPERATOR, Role.MANAGER)
                ],
            )
        setup.add_users(tx, None, [("dl_reviewer", "pw-dl_reviewer", Role.REVIEWER)], dalian)
        setup.add_users(tx, None, [("sy_reviewer", "pw-sy_reviewer", Role.REVIEWER)], shenyang)
        for company, code, signer in ((hx, samples.ENTERPRISE_CODE, "王丹"), (ln, LN_CODE, "赵云")):
            tx.execute(
                "UPDATE companies SET enterprise_code = ?, ccpit_code = ?, "
                "hand_signer = ?, filed_at = '2026-01-01T00:00:00+00:00' WHERE id = ?",
                (code, samples.CCPIT_CODE, signer, company),
            )
        for filing in samples.product_filings():
            setup.add_product_filing(tx, hx, filing)
    app.state.db.close()


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded store file; tests that write copy it (see ``db_path``)."""
    path = tmp_path_factory.mktemp("seed") / "seed.sqlite"
    seed(path)
    return path


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A throwaway PostgreSQL server for the session (started only if a test needs it)."""
    with Cluster() as cluster:
        yield cluster


@pytest.fixture(scope="session")
def seeded_pg(pg_cluster: Cluster) -> str:
    """The seeded PostgreSQL database, used as the template of each test's own copy."""
    seed(pg_cluster.create_database(PG_TEMPLATE))
    return PG_TEMPLATE


@pytest.fixture(params=STORES)
def db_path(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | Path]:
    """A fresh copy of the seeded store for one test: a SQLite file, or a PostgreSQL
    database (the URL) — every test that takes this fixture runs on both stores."""
    if request.param == "sqlite":
        import sqlite3

        target = tmp_path / "coo.sqlite"
        seeded = request.getfixturevalue("seeded_db")
        with sqlite3.connect(seeded) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        yield target
        return
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    template = request.getfixturevalue("seeded_pg")
    name = f"test_{uuid.uuid4().hex[:16]}"
    yield cluster.create_database(name, template=template)
    cluster.drop_database(name)


@dataclass
class Api:
    """A TestClient with logins: ``api.as_("hx_operator").get(...)``."""

    client: TestClient

    def token(self, username: str) -> str:
        r = self.client.post(
            "/api/v1/auth/login", json={"username": username, "password": f"pw-{username}"}
        )
        assert r.status_code == 200, r.text
        return r.json()["token"]

    def as_(self, username: str) -> TestClient:
        client = TestClient(self.client.app)
        client.headers["Authorization"] = f"Bearer {self.token(username)}"
        return client


@pytest.fixture
def api(db_path: str | Path) -> Iterator[Api]:
    app = create_app(db_path)
    with TestClient(app) as client:
        yield Api(client)
    app.state.db.close()


@pytest.fixture
def live(db_path: str | Path) -> Iterator[LiveServer]:
    """The real service on a loopback port, on a fresh copy of the seeded store."""
    with LiveServer(db_path) as server:
        yield server
