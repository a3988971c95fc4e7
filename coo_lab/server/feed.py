"""The change feed: every write appends what changed, with a monotonic sequence number.

Sync, receipts and status push all read the feed. A change carries the whole document as it
was after the write (``None`` for a delete), so a reader needs nothing else to mirror it. The
sequence is assigned inside the writing transaction; writers are serialised (BEGIN
IMMEDIATE), so sequence order is commit order and a reader never skips a change.

Serving a page costs next to nothing per change: the documents are stored as JSON text, so
``page_after`` lets SQLite write each change's envelope and hands out the stored bytes as
they are — nothing is parsed, validated or encoded again (``changes_after`` is the parsed
form, for code that needs the documents as Python values). ``FeedPage`` renders the same
changes as the JSON answer, as NDJSON (one change per line) or as TSV (one change per line,
its envelope as tab-separated fields and the document's JSON text last), which DuckDB reads
in bulk without parsing the envelope's JSON or slicing the document out of it. The stored
documents are compact JSON (``dumps``): a tab or a newline inside one is always escaped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from coo_lab.domain.feed_rows import flatten
from coo_lab.server.auth import Principal
from coo_lab.server.clock import iso, now
from coo_lab.server.db import Transaction

MAX_PAGE = 10_000
"""The most changes one page may hold (``limit``); the JSON answer and NDJSON alike."""
MMAP_SIZE = 1 << 31
"""SQLite's memory map for a connection that reads the feed (an address range, not memory:
the pages stay in the OS cache): about a fifth less CPU per page than a read() per page for
the part of the file it covers (SQLite caps it; Debian's build at 2 GB)."""


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


class Encoded(dict[str, Any]):
    """A document with its JSON text (``dumps``), made once: a write's feed entry, its
    idempotency record and its HTTP response are the same text. Do not change one: the
    text would no longer match."""

    __slots__ = ("json",)

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.json = dumps(self)


def encode(data: Any) -> str:
    """``dumps``, or the text an ``Encoded`` document already has."""
    return data.json if isinstance(data, Encoded) else dumps(data)


_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,39}")


def record_change(
    tx: Transaction,
    company_id: int,
    entity: str,
    entity_id: int,
    op: str,
    version: int,
    data: dict[str, Any] | None,
    *,
    at: str | None = None,
) -> int:
    """Append one change (at ``at``, an ISO instant: now unless given), with its rows in the
    row form (``coo_lab.domain.feed_rows``); returns its sequence number. ``entity`` and
    ``op`` are identifiers (``certificate``, ``update``): the feed writes them into JSON
    unescaped."""
    if not (_IDENTIFIER.fullmatch(entity) and _IDENTIFIER.fullmatch(op)):
        raise ValueError(f"a feed entity and op are lowercase identifiers: {entity!r}, {op!r}")
    authority = int(authority_sees(entity, data))
    cur = tx.execute(
        "INSERT INTO changes (company_id, entity, entity_id, op, version, at, data, authority) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
        (
            company_id,
            entity,
            entity_id,
            op,
            version,
            at or iso(now()),
            None if data is None else encode(data),
            authority,
        ),
    )
    seq = int(cur.fetchone()[0])
    rows = flatten(entity, entity_id, op, version, data)
    if rows:
        tx.execute(FEED_ROWS_SQL, (seq, company_id, authority, rows))
    return seq


FEED_ROWS_SQL = "INSERT INTO feed_rows (seq, company_id, authority, rows) VALUES (?, ?, ?, ?)"


def flatten_recorded(tx: Transaction, batch: int = 5_000) -> int:
    """The rows of the changes recorded before the feed kept them (migration 8); returns how
    many changes have rows."""
    after, written = 0, 0
    while True:
        found = tx.execute(
            "SELECT seq, company_id, authority, entity, entity_id, op, version, data "
            "FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
            (after, batch),
        ).fetchall()
        if not found:
            return written
        rows = []
        for seq, company_id, authority, entity, entity_id, op, version, data in found:
            flat = flatten(
                entity, entity_id, op, version, None if data is None else json.loads(data)
            )
            if flat:
                rows.append((seq, company_id, authority, flat))
        if rows:
            tx.execute_many(FEED_ROWS_SQL, rows)
        written += len(rows)
        after = found[-1][0]


AUTHORITY_ENTITIES = frozenset({"certificate", "receipt", "product_filing"})


def authority_sees(entity: str, data: dict[str, Any] | None) -> bool:
    """The authority sees what was declared to it: not drafts, not base data."""
    if entity not in AUTHORITY_ENTITIES or data is None:
        return False
    return data.get("status", data.get("to_status")) not in (None, "draft")


def _visible(user: Principal, table: str = "changes") -> tuple[str, Any]:
    """The WHERE clause (and its parameter) of the changes a user may read, over ``table``
    (``changes`` or ``feed_rows``, which has the same ``company_id`` and ``authority``, or
    their alias).

    Enterprise users see all of their company's changes; reviewers see what the enterprises
    registered with their office declared (``authority_sees``), never drafts or base data.
    """
    if user.company_id is not None:
        return f"{table}.company_id = ?", user.company_id
    where = (
        f"{table}.authority = 1 AND {table}.company_id IN "
        "(SELECT id FROM companies WHERE ccpit_code = ?)"
    )
    return where, user.office_code


def _in_order(tx: Transaction, user: Principal) -> str:
    """How SQLite must read a reviewer's page: along the sequence (the table's own order).
    Without statistics (a store never ANALYZEd) it took the index on (authority, company,
    seq) and sorted every change after the cursor for each page — a full sync's time grew
    with the square of the feed."""
    return " NOT INDEXED" if tx.dialect == "sqlite" and user.company_id is None else ""


def changes_after(tx: Transaction, user: Principal, after: int, limit: int) -> list[dict[str, Any]]:
    """The changes visible to a user after a sequence number, in sequence order (see
    ``_visible``), with their documents parsed."""
    limit = max(1, min(limit, MAX_PAGE + 1))  # +1: a caller may ask one more to see if more
    where, param = _visible(user)
    rows = tx.all(
        f"SELECT seq, entity, entity_id, op, version, at, data FROM changes "
        f"WHERE seq > ? AND {where} ORDER BY seq LIMIT ?",
        (after, param, limit),
    )
    for row in rows:
        row["data"] = json.loads(row["data"]) if row["data"] is not None else None
    return rows


# The envelope of a change as JSON text up to its document: the store writes it, the stored
# document (already JSON) follows as it is. Both come as bytes, so no text is decoded. The
# envelope's strings need no escaping: ``record_change`` admits only identifiers for entity
# and op, and ``at`` is an ISO timestamp.
_ENVELOPE = {
    "sqlite": """CAST(printf('{"seq":%d,"entity":"%s","entity_id":%d,"op":"%s","version":%d,"""
    """"at":"%s","data":', seq, entity, entity_id, op, version, at) AS BLOB), """
    """CAST(data AS BLOB)""",
    "postgresql": """convert_to('{"seq":' || seq || ',"entity":' || to_json(entity)::text """
    """|| ',"entity_id":' || entity_id || ',"op":' || to_json(op)::text || ',"version":' """
    """|| version || ',"at":' || to_json(at)::text || ',"data":', 'UTF8'), """
    """convert_to(data, 'UTF8')""",
}


# The same for TSV: ``seq, entity, entity_id, op, version, at`` and the document (``null`` for
# a delete), tab-separated; none of them can hold a tab or a newline (see above).
_TSV_HEAD = {
    "sqlite": "CAST(printf('%d\t%s\t%d\t%s\t%d\t%s\t', seq, entity, entity_id, op, version, at) "
    "AS BLOB), CAST(data AS BLOB)",
    "postgresql": "convert_to(concat_ws(chr(9), seq, entity, entity_id, op, version, at, ''), "
    "'UTF8'), convert_to(data, 'UTF8')",
}
# the envelopes ``page_after`` writes, by form: ``json`` (the JSON and NDJSON answers), ``tsv``
_HEADS = {"json": _ENVELOPE, "tsv": _TSV_HEAD}


@dataclass(frozen=True)
class FeedPage:
    """One page of the feed, each change as the envelope and document bytes to join."""

    rows: list[tuple[int, bytes, bytes | None]]  # (seq, envelope up to "data":, document)
    next_after: int
    has_more: bool

    def _joined(self, separator: bytes) -> bytes:
        """Every change as a JSON object followed by ``separator``, in one join."""
        end = b"}" + separator
        return b"".join(
            [part for _, head, data in self.rows for part in (head, data or b"null", end)]
        )

    def json(self) -> bytes:
        """The page as the API's JSON answer (``ChangePage``)."""
        return b'{"changes":[%b],"next_after":%d,"has_more":%b}' % (
            self._joined(b",")[:-1],
            self.next_after,
            b"true" if self.has_more else b"false",
        )

    def ndjson(self) -> bytes:
        """The changes as NDJSON: one object per line, each ending with a newline."""
        return self._joined(b"\n")

    def tsv(self) -> bytes:
        """The changes as TSV (a page read with ``form="tsv"``): one per line."""
        return b"".join(
            [part for _, head, data in self.rows for part in (head, data or b"null", b"\n")]
        )


def page_after(
    tx: Transaction, user: Principal, after: int, limit: int, form: str = "json"
) -> FeedPage:
    """Up to ``limit`` changes visible to a user after ``after``, encoded (see the module doc)
    with the envelope of ``form`` (``json`` or ``tsv``)."""
    return FeedPage(*_page(tx, user, "changes", _HEADS[form][tx.dialect], after, limit))


def _page(
    tx: Transaction,
    user: Principal,
    table: str,
    select: str,
    after: int,
    limit: int,
    join: str = "",
) -> tuple[list[tuple[Any, ...]], int, bool]:
    """Up to ``limit`` rows of ``table`` (``t``: ``changes`` or ``feed_rows``) visible to a
    user after ``after``, as plain tuples of the sequence number and ``select``; the next
    cursor; and whether more follow."""
    limit = max(1, min(limit, MAX_PAGE))
    where, param = _visible(user, "t")
    if tx.dialect == "sqlite":  # a large page reads mapped pages, not a read() per page
        tx.execute(f"PRAGMA mmap_size = {MMAP_SIZE}")
    cursor = tx.execute(
        f"SELECT t.seq, {select} FROM {table} t{_in_order(tx, user)}{join} "
        f"WHERE t.seq > ? AND {where} ORDER BY t.seq LIMIT ?",
        (after, param, limit + 1),
    )
    if tx.dialect == "sqlite":
        cursor.row_factory = None  # plain tuples: a quarter of the cost for a large page
    rows = cursor.fetchall()
    has_more = len(rows) > limit
    del rows[limit:]
    return rows, rows[-1][0] if rows else after, has_more


# The row form (``coo_lab.domain.feed_rows``): each stored row of a change with its sequence
# number in front and a newline after; with the certificates' documents, a ``document`` row
# after a certificate's rows, its payload the document's JSON text (compact JSON: no tab, no
# newline, no separator of the row form).
_ROWS = {
    "sqlite": "CAST(printf('%d	', t.seq) || replace(t.rows, char(30), char(10) || t.seq "
    "|| char(9)) || char(10) AS BLOB)",
    "postgresql": "convert_to(t.seq || chr(9) || replace(t.rows, chr(30), chr(10) || t.seq "
    "|| chr(9)) || chr(10), 'UTF8')",
}
_DOCUMENT = {
    "sqlite": "CASE WHEN c.entity = 'certificate' AND c.data IS NOT NULL THEN "
    "CAST(printf('%d	document	%d	%s	%d	', c.seq, c.entity_id, c.op, c.version) "
    "|| c.data || char(10) AS BLOB) END",
    "postgresql": "CASE WHEN c.entity = 'certificate' AND c.data IS NOT NULL THEN "
    "convert_to(concat_ws(chr(9), c.seq, 'document', c.entity_id, c.op, c.version, c.data) "
    "|| chr(10), 'UTF8') END",
}


@dataclass(frozen=True)
class RowsPage:
    """A page of the feed in the row form: per change, its rows (and document) as bytes."""

    rows: list[tuple[Any, ...]]  # (seq, rows[, document or None])
    next_after: int
    has_more: bool

    def tsv(self) -> bytes:
        return b"".join([part for row in self.rows for part in row[1:] if part])


def rows_after(
    tx: Transaction, user: Principal, after: int, limit: int, *, documents: bool = False
) -> RowsPage:
    """Up to ``limit`` changes visible to a user after ``after`` that the mirror keeps, in the
    row form (changes of other entities have no rows and are passed over)."""
    select, join = _ROWS[tx.dialect], ""
    if documents:
        select += ", " + _DOCUMENT[tx.dialect]
        join = " JOIN changes c ON c.seq = t.seq"
    return RowsPage(*_page(tx, user, "feed_rows", select, after, limit, join))


def last_seq(tx: Transaction) -> int:
    return int(tx.scalar("SELECT COALESCE(MAX(seq), 0) FROM changes"))
