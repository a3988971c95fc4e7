"""A throwaway PostgreSQL cluster in a temporary folder, for the tests and the benchmarks.

``with Cluster() as pg: pg.create_database("coo")`` runs Debian's ``initdb`` and ``postgres``
(package ``postgresql``) on a free loopback port, as the ``postgres`` system user when run as
root (PostgreSQL refuses to run as root), and removes everything on exit. It is tuned for
throwaway data: no fsync, no synchronous commit — never use it for data you keep.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from coo_lab.server.live import free_port

USER = "coo"


def bin_dir() -> Path:
    """Where Debian's PostgreSQL programs are (the newest version installed)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise RuntimeError(
        "PostgreSQL is not installed: install the Debian package `postgresql` "
        "(`make test` does, as root)"
    )


def _version(path: str) -> int:
    return int(Path(path).parts[4]) if Path(path).parts[4].isdigit() else 0


class Cluster:
    """A PostgreSQL server on ``127.0.0.1:<port>`` with trust authentication for ``coo``."""

    def __init__(self) -> None:
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="coo-pg-"))
        self.data = self.root / "data"
        self._process: subprocess.Popen[bytes] | None = None
        self._log: Any = None
        self._as_root = os.geteuid() == 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def _command(self, *args: str) -> list[str]:
        # PostgreSQL will not run as root: run it as the package's own system user
        return ["runuser", "-u", "postgres", "--", *args] if self._as_root else list(args)

    def start(self) -> Cluster:
        if self._as_root:
            shutil.chown(self.root, "postgres", "postgres")
        bins = bin_dir()
        subprocess.run(
            self._command(
                str(bins / "initdb"), "-D", str(self.data), "-U", USER, "--auth=trust",
                "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
            ),
            check=True,
            capture_output=True,
        )  # fmt: skip
        log = self.root / "postgres.log"
        self._log = open(log, "wb")  # noqa: SIM115 (open while the server runs)
        self._process = subprocess.Popen(
            self._command(
                str(bins / "postgres"), "-D", str(self.data), "-p", str(self.port),
                "-k", str(self.root), "-c", "listen_addresses=127.0.0.1",
                "-c", "fsync=off", "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off", "-c", "max_connections=200",
            ),
            stdout=subprocess.DEVNULL,
            stderr=self._log,
        )  # fmt: skip
        self._wait_ready(log)
        return self

    def _wait_ready(self, log: Path) -> None:
        import psycopg

        deadline = time.monotonic() + 60
        while True:
            try:
                psycopg.connect(self.url(), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if self._process is None or self._process.poll() is not None:
                    tail = log.read_text()[-2000:]
                    raise RuntimeError(f"postgres did not start: {tail}") from None
                if time.monotonic() > deadline:
                    raise RuntimeError("postgres did not accept connections within 60 s") from None
                time.sleep(0.1)

    def sql(self, statement: str, database: str = "postgres") -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE)."""
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(statement)

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database (a copy of ``template`` when given); returns its URL."""
        copy = f" TEMPLATE {template}" if template else ""
        self.sql(f"CREATE DATABASE {name}{copy} STRATEGY FILE_COPY")
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()  # "smart" shutdown: waits for clients to go
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
