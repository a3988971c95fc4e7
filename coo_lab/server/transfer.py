"""Copy a whole store into another: moving an office from SQLite to PostgreSQL when it
outgrows one process (``coo-lab copy-store data/coo_lab.sqlite postgresql://…``), or building
the demo on PostgreSQL.

Both stores have the same schema (one list of migrations); the target must be empty. Rows keep
their ids and the change feed its sequence numbers, so a DuckDB file synced from the old
store continues from its cursor against the new one. One transaction on the target: a failed
copy leaves it empty.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from coo_lab.errors import Conflict
from coo_lab.server.db import Transaction, open_database

BATCH = 5000
# parents before children (the foreign keys); any table a later migration adds comes after
FIRST = (
    "offices",
    "registry_enterprises",
    "registry_signers",
    "companies",
    "users",
)
SKIP = {"schema_version", "tokens", "login_attempts", "idempotency_keys"}  # and sqlite_* ones
# tables a migration fills in a new store (the status-push cursor, the service's keys): the
# copy replaces them, so certificates printed before a move still verify after it
MADE_BY_MIGRATIONS = {"push_cursor", "service_keys"}


def tables(tx: Transaction) -> list[str]:
    """The store's tables in creation order (so parents come first)."""
    if tx.dialect == "sqlite":
        rows = tx.all("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")
        names = [r["name"] for r in rows]
    else:
        rows = tx.all(
            "SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = "
            "c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY c.oid"
        )
        names = [r["name"] for r in rows]
    first = [t for t in FIRST if t in names]
    rest = [t for t in names if t not in first and t not in SKIP and not t.startswith("sqlite_")]
    return first + rest


def copy_store(
    source: str | Path, target: str | Path, progress: Callable[[str, int], Any] | None = None
) -> dict[str, int]:
    """Copy every record of ``source`` into the empty store ``target``; rows per table.

    Logins (tokens), login attempts and idempotency records are not copied: they are
    short-lived, and users log in again after a move.
    """
    src, dst = open_database(source), open_database(target)
    copied: dict[str, int] = {}
    try:
        with src.read() as read, dst.transaction() as write:
            names = tables(read)
            for table in names:
                if table in MADE_BY_MIGRATIONS:
                    write.execute(f"DELETE FROM {table}")
                elif write.scalar(f"SELECT COUNT(*) FROM {table}"):
                    raise Conflict(
                        f"the target store is not empty (table {table} has rows): copy into "
                        "a new, empty database",
                        f"目标库不为空（表 {table} 已有数据）：请复制到新的空数据库",
                    )
            for table in names:
                copied[table] = _copy_table(read, write, table)
                if progress:
                    progress(table, copied[table])
            if write.dialect == "postgresql":
                _reset_identities(write, names)
    finally:
        src.close()
        dst.close()
    return copied


def _copy_table(read: Transaction, write: Transaction, table: str) -> int:
    cursor = read.execute(f"SELECT * FROM {table}")
    columns = [d[0] for d in cursor.description]
    insert = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    )
    count = 0
    while batch := cursor.fetchmany(BATCH):
        write.execute_many(insert, [tuple(row) for row in batch])
        count += len(batch)
    return count


def _reset_identities(write: Transaction, names: list[str]) -> None:
    """PostgreSQL's identity sequences continue after the highest id copied."""
    identities = write.all(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND is_identity = 'YES'"
    )
    for row in identities:
        table, column = row["table_name"], row["column_name"]
        if table not in names:
            continue
        sequence = write.scalar("SELECT pg_get_serial_sequence(?, ?)", (table, column))
        write.execute(
            f"SELECT setval(?, COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)",
            (sequence,),
        )
