"""Direct access to a test's store, SQLite file or PostgreSQL URL alike: for arranging a state
the API cannot make (an expired token, a date in the past) and for checking what was written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coo_lab.server.db import open_database


def rows(target: str | Path, sql: str, params: tuple = ()) -> list[tuple]:
    db = open_database(target)
    try:
        with db.read() as tx:
            return [tuple(r) for r in tx.execute(sql, params).fetchall()]
    finally:
        db.close()


def scalar(target: str | Path, sql: str, params: tuple = ()) -> Any:
    return rows(target, sql, params)[0][0]


def run(target: str | Path, *statements: tuple[str, tuple]) -> None:
    """Run statements in one write transaction."""
    db = open_database(target)
    try:
        with db.transaction() as tx:
            for sql, params in statements:
                tx.execute(sql, params)
    finally:
        db.close()


def tables(target: str | Path) -> list[str]:
    db = open_database(target)
    try:
        with db.read() as tx:
            sql = (
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                if tx.dialect == "sqlite"
                else "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public'"
            )
            return sorted(r[0] for r in tx.execute(sql).fetchall())
    finally:
        db.close()
