"""Writing the simulated rows: certificates, receipts and feed entries in large batches, in
time order; for large builds by a forked writer process (``synchronous=OFF``; for a fresh
file also no journal, the secondary indexes built at the end)."""

from __future__ import annotations

import multiprocessing
import sqlite3
import traceback
from json import loads
from pathlib import Path
from typing import Any

from coo_lab.domain.feed_rows import flatten
from coo_lab.server.migrations import MIGRATIONS

_CERT_SQL = (
    "INSERT INTO certificates (id, company_id, cert_type, category, status, version, "
    "internal_number, certificate_number, original_id, invoice_number, invoice_date, "
    "hand_signer, importer_name, destination_country, fob_usd, print_count, void_reason, "
    "findings, created_by, created_at, updated_at, submitted_at, approved_at, doc) "
    "VALUES (" + ", ".join("?" * 24) + ")"
)
_RECEIPT_SQL = (
    "INSERT INTO receipts (id, company_id, kind, document_id, document_number, from_status, "
    "to_status, actor, at, reason, findings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
CHANGE_SQL = (
    "INSERT INTO changes (company_id, entity, entity_id, op, version, at, data, authority) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_NUMBERED_CHANGE_SQL = (
    "INSERT INTO changes (seq, company_id, entity, entity_id, op, version, at, data, "
    "authority) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_FEED_ROWS_SQL = "INSERT INTO feed_rows (seq, company_id, authority, rows) VALUES (?, ?, ?, ?)"


_BULK_INDEXES = tuple(
    sql
    for _version, statements in MIGRATIONS
    for sql in statements
    if isinstance(sql, str)
    and sql.startswith("CREATE INDEX")
    and any(f" ON {t} " in sql for t in ("certificates", "receipts", "changes", "feed_rows"))
)


class Sink:
    """Collects rows in time order and writes them in large batches.

    For large builds the writing happens in a forked writer process, so SQLite's work and
    the simulation run on two cores; otherwise on this connection, batch by batch.
    """

    BATCH = 20_000  # change-feed rows per batch

    def __init__(self, path: Path, *, bulk: bool, forked: bool) -> None:
        self.path = path
        self.bulk = bulk
        self.certs: list[tuple] = []
        self.receipt_rows: list[tuple] = []
        self.changes: list[tuple] = []
        self.receipt_count = self.change_count = 0
        self.conn: sqlite3.Connection | None = None
        self.process: Any = None
        self.pipe: Any = None
        if forked:
            context = multiprocessing.get_context("fork")
            self.pipe, child = context.Pipe(duplex=True)
            self.process = context.Process(
                target=_writer, args=(path, bulk, child), name="coo-lab-demo-writer"
            )
            self.process.start()
            child.close()
        else:
            self.conn = _bulk_connection(path, bulk)

    def receipts(self, pairs: list[tuple]) -> None:
        for row, change in pairs:
            self.receipt_rows.append(row)
            self.changes.append(change)
        self.receipt_count += len(pairs)
        self.change_count += len(pairs)
        if len(self.changes) >= self.BATCH:
            self.flush()

    def change(self, pair: tuple) -> None:
        row, change = pair
        self.certs.append(row)
        self.changes.append(change)
        self.change_count += 1

    def change_only(self, change: tuple) -> None:
        """A feed entry of another entity (a product filing)."""
        self.changes.append(change)
        self.change_count += 1

    def flush(self) -> None:
        batch = (self.certs, self.receipt_rows, self.changes)
        self.certs, self.receipt_rows, self.changes = [], [], []
        if self.conn is not None:
            _write(self.conn, batch)
            return
        if self.pipe.poll():  # the writer only speaks to report a failure
            self._failed()
        self.pipe.send(batch)

    def close(self, *, ok: bool = True) -> None:
        """Write what is left (``ok``) and finish the writer."""
        if ok:
            self.flush()
        if self.conn is not None:
            _finish(self.conn, self.bulk)
            self.conn.close()
            return
        self.pipe.send(None)
        answer = self.pipe.recv()
        self.process.join()
        if answer != "done":
            raise RuntimeError(f"the demo writer process failed:\n{answer}")

    def _failed(self) -> None:
        answer = self.pipe.recv()
        self.process.join()
        raise RuntimeError(f"the demo writer process failed:\n{answer}")


def _bulk_connection(path: Path, bulk: bool) -> sqlite3.Connection:
    """A connection for writing many rows: no fsync; for a fresh large build no journal
    and no secondary indexes until the end (``_finish``)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-262144")
    conn.execute("PRAGMA temp_store=MEMORY")
    if bulk:
        conn.execute("PRAGMA journal_mode=OFF")
        for sql in _BULK_INDEXES:
            conn.execute(f"DROP INDEX IF EXISTS {sql.split()[2]}")
    return conn


def _finish(conn: sqlite3.Connection, bulk: bool) -> None:
    if bulk:
        for sql in _BULK_INDEXES:
            conn.execute(sql)
        conn.execute("PRAGMA journal_mode=WAL")


def _write(conn: sqlite3.Connection, batch: tuple[list, list, list]) -> None:
    certs, receipts, changes = batch
    conn.execute("BEGIN")
    conn.executemany(_CERT_SQL, certs)
    conn.executemany(_RECEIPT_SQL, receipts)
    write_changes(conn, changes)
    conn.execute("COMMIT")


def write_changes(conn: sqlite3.Connection, changes: list[tuple]) -> None:
    """Feed entries (``CHANGE_SQL``'s values), numbered after the last, with their rows in
    the row form (as ``feed.record_change`` writes them)."""
    first = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM changes").fetchone()[0]
    conn.executemany(_NUMBERED_CHANGE_SQL, [(first + i, *c) for i, c in enumerate(changes)])
    rows = []
    for seq, (company, entity, entity_id, op, version, _at, data, authority) in enumerate(
        changes, first
    ):
        flat = flatten(entity, entity_id, op, version, None if data is None else loads(data))
        if flat:
            rows.append((seq, company, authority, flat))
    conn.executemany(_FEED_ROWS_SQL, rows)


def _writer(path: Path, bulk: bool, pipe: Any) -> None:
    """The writer process: batches in, ``"done"`` (or the error) out."""
    try:
        conn = _bulk_connection(path, bulk)
        while (batch := pipe.recv()) is not None:
            _write(conn, batch)
        _finish(conn, bulk)
        conn.close()
        pipe.send("done")
    except BaseException:
        pipe.send(traceback.format_exc())
    finally:
        pipe.close()
