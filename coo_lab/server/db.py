"""The service's database: connections, transactions and migrations.

SQLite in WAL mode is the embedded default: one file, no server, readers never wait for the
writer. Every write transaction starts with ``BEGIN IMMEDIATE`` so two writers queue instead
of deadlocking on a lock upgrade, which also makes the change feed's sequence numbers follow
commit order. Reads use a connection per thread; the writes of a process share one
connection, taken in turn under a lock: a writer waits for the one before it without
SQLite's busy-handler sleeps (1, 2, 5, 10… ms between retries), and the pages it reads stay
cached (a connection drops its page cache whenever another connection has written). SQL
elsewhere uses ``?`` placeholders and portable statements only, so another driver can stand
behind the same ``Transaction`` interface.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from coo_lab.server.migrations import MIGRATIONS, PerDialect

Row = dict[str, Any]


class Transaction:
    """One unit of work; ``Database.transaction()`` commits it or rolls it back."""

    dialect = "sqlite"

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; the cursor's rows read by position and by column name."""
        return self._conn.execute(sql, params)

    def migration_statements(self, version: int, statements: list[Any]) -> list[Any]:
        """A migration's statements in this store's SQL (a callable step as it is)."""
        return [sql.sqlite if isinstance(sql, PerDialect) else sql for sql in statements]

    def ids_taken(self, table: str) -> None:
        """After rows were inserted with ids chosen by the caller (bulk writes pick
        ``MAX(id) + 1`` onwards): the store's own id counter moves past them. SQLite's
        ``INTEGER PRIMARY KEY`` always continues after the highest id; nothing to do."""

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """One statement for many rows (bulk copies)."""
        self._conn.executemany(sql, rows)

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row = self.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [dict(r) for r in self.execute(sql, params).fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.execute(sql, params).fetchone()
        return row[0] if row is not None else None

    def insert(self, table: str, values: dict[str, Any]) -> int:
        """Insert a row and return its integer primary key."""
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cur = self.execute(
            f"INSERT INTO {table} ({cols}) VALUES ({marks}) RETURNING id", tuple(values.values())
        )
        return int(cur.fetchone()[0])

    def update(self, table: str, key: int, values: dict[str, Any]) -> None:
        sets = ", ".join(f"{c} = ?" for c in values)
        self.execute(f"UPDATE {table} SET {sets} WHERE id = ?", (*values.values(), key))


def apply_migrations(tx: Transaction) -> int:
    """Apply the migrations the store has not seen, in the caller's write transaction (which
    keeps two starting processes from applying one twice); returns the schema version."""
    tx.execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
    current = int(tx.scalar("SELECT MAX(version) FROM schema_version") or 0)
    for version, statements in MIGRATIONS:
        if version > current:
            for sql in tx.migration_statements(version, statements):
                if callable(sql):  # a step in Python (filling a new table from the old)
                    sql(tx)
                else:
                    tx._conn.execute(sql)  # DDL as written, not through execute's `?` translation
            tx.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
            current = version
    return current


def open_database(target: str | Path) -> Any:
    """The store a path or URL names: ``postgresql://…`` is PostgreSQL, anything else a
    SQLite file."""
    from coo_lab.server import postgres

    if postgres.is_postgres(target):
        return postgres.PostgresDatabase(str(target))
    return Database(target)


class Database:
    """A SQLite database file (``:memory:`` is refused: each thread needs the same data)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._writer_lock = threading.RLock()
        self._writer: sqlite3.Connection | None = None
        self.migrate()

    def _connect(self, *, shared: bool = False) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, isolation_level=None, timeout=30, check_same_thread=not shared
        )
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        return conn

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection (for reads)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    def _writer_connection(self) -> sqlite3.Connection:
        """The connection writes share; only under ``_writer_lock``."""
        if self._writer is None:
            self._writer = self._connect(shared=True)
        return self._writer

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Transaction]:
        """A transaction: ``write=True`` takes the write lock at once (BEGIN IMMEDIATE)."""
        with self._writer_lock if write else nullcontext():
            conn = self._writer_connection() if write else self._connection()
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield Transaction(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def read(self) -> Any:
        return self.transaction(write=False)

    def migrate(self) -> int:
        """Apply the migrations this file has not seen; returns the schema version."""
        with self.transaction() as tx:
            return apply_migrations(tx)

    def close(self) -> None:
        """Close this thread's connection and the writers' one."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
        with self._writer_lock:
            if self._writer is not None:
                self._writer.close()
                self._writer = None
