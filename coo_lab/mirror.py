"""Mirror the service's change feed into a DuckDB file for notebooks and dashboards.

    import coo_lab
    from coo_lab.mirror import reading

    client = coo_lab.Client(url, username="haixing_operator", password="...")
    coo_lab.sync(client, "data/coo.duckdb")     # or: coo-lab sync --db data/coo.duckdb
    with reading("data/coo.duckdb") as con:     # safe while another process syncs
        con.sql("SELECT status, count(*) FROM certificates GROUP BY ALL").show()

(``coo_lab.sync`` is this module's ``sync``.)

What lands in the file (schema version ``SCHEMA_VERSION``, created on first open):
``certificates`` (one row per certificate; with ``documents=True`` also the whole service
view, as JSON, in ``doc``),
``goods_lines``, ``product_filings`` with ``filing_areas`` and ``filing_materials``,
``receipts`` (the status history, 回执) and ``base_records`` (exporters, importers,
producers, special clauses), the summaries ``fob_monthly`` and ``approval_histogram``
(counts and sums per group, kept with the certificates), plus ``sync_state`` (the source and
the feed cursor) and ``meta``.

Exactly once. The feed is read page by page after the stored cursor. Each group of pages is
written in ONE DuckDB transaction: the upserts (rows replaced by key, child rows
replaced per parent; a delete removes the row and its children, a deleted draft its
receipts too) and the new cursor commit together. Kill the process at any point and the file
holds a committed group boundary: the next run continues from the stored cursor, losing and
duplicating nothing (a killed run's write-ahead log is replayed by the next open). Within a
group only the last change of each document is applied: a change carries the whole
document, so the last one is the state. The cursor update is a
compare-and-set, so two syncs of the same file that interleave never apply a page twice.

Readers while syncing. DuckDB locks the file across processes: while one process has it
open read-write, any other open — even ``read_only=True`` — fails at once with
``duckdb.IOException: IO Error: Could not set lock on file "…": Conflicting lock is held
in …``, and a read-write open fails while any reader holds it. So the sync never keeps a
reader waiting for long: readers use ``connect_readonly`` / ``reading``, which retry the
open on that lock error with a small back-off and, while they wait, leave a marker file in
``.<name>.readers/`` (removed once they are in; a dead process's marker is ignored). The sync
writes whole transactions and, once it has held the file for ``hold`` seconds and a reader
waits, CLOSES it (which also checkpoints, so readers need not replay a WAL), pauses
``reader_pause`` seconds so the readers get in, and reopens (retrying while readers hold it).
With no reader waiting it keeps the file: every close and reopen costs a checkpoint, which
rewrites the tables' last row groups (a tenth to a fifth of a full sync when it closed every
second). Once open, a reader's queries run against a consistent, committed state.

Speed. The feed is asked for in its row form (``form=rows``, ``coo_lab.domain.feed_rows``):
the service flattened each document into the rows of this file's tables ONCE, when it
recorded the change, and hands them out as they are — a page is a tab-separated file of
``seq, kind, key, op, version, payload`` lines (the payload: the kind's fields joined by the
group separator), with no JSON to parse, a third the size of the documents. A background
thread streams large pages to files in a spool folder beside the file
(``.<name>.spool/<pid>``; what a killed run left there goes at the next run) while the
previous ones are written. A group of page files becomes one temp table with one
``read_csv``, then set-based SQL per kind: ``string_split`` of its payloads and a
``TRY_CAST`` per column (a value that does not convert is NULL) — the rows never become
Python objects. Groups of 15 pages per transaction, and checkpoints only every
``CHECKPOINT_THRESHOLD`` of log, keep the per-commit cost small. The certificates' documents
are kept only when the file was made with ``documents=True`` (then stored as the service
sent them, zstd-compressed): they are three quarters of the feed's bytes, and the sync takes
about twice as long with them. The bulk tables (certificates, goods lines, receipts) have no
primary-key index — it would cost about a sixth of a full sync; their keys stay unique by
the delete-then-insert of every batch.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import queue
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import requests

from coo_lab.domain.feed_rows import FIELD, KINDS, NULL, QUOTE, SEPARATOR, flatten
from coo_lab.errors import CooLabError, ServiceUnavailable

SCHEMA_VERSION = 6  # 3: each document kept as the text sent; 4: the derived certificate columns;
# 5: the summaries fob_monthly and approval_histogram; 6: the certificates' documents optional
CHECKPOINT_THRESHOLD = "1GB"
"""The sync's write-ahead log grows up to this before DuckDB checkpoints it into the file.
A checkpoint rewrites each table's last, partly filled row group (122,880 rows): at DuckDB's
16 MB, every group of pages did, and on a large file the checkpoints took two thirds of a
full sync. The log is checkpointed when the sync closes the file (at its end, or to let
readers in); a killed sync's log is replayed by the next open. What the log holds stays in
memory until then: 1 GB kept a full sync's peak at 1.1 GB (3.3 GB with the documents; 4 GB
of log: 4.3 GB, for 4 % more speed)."""
DEFAULT_PATH = "data/coo.duckdb"
LOCK_MESSAGE = "Could not set lock on file"
TSV = "text/tab-separated-values"

# --- derived certificate columns (for coo_lab.warehouse) -------------------------------------
# Values every analysis would otherwise compute on every row of every query, written with the
# row: the China date (UTC+8, no daylight saving: integer arithmetic on the instant, no
# time-zone database) and month of the approval, and the microseconds from submission to
# approval. The last columns of ``certificates``; the INSERT of a batch adds them
# (``DERIVED_SELECT``), a file of schema version 3 gets them on its next sync
# (``_add_derived``), and bench/warehouse.py generates them with the same expressions.
_CHINA_DATE = (
    "CAST(DATE '1970-01-01' + CAST((epoch_us({0}) + 28800000000) // 86400000000 AS INTEGER) "
    "AS DATE)"
)
DERIVED_COLUMNS: dict[str, tuple[str, str]] = {  # name: (type, SQL over the row's columns)
    "approved_on": ("DATE", _CHINA_DATE.format("approved_at")),
    "approved_month": (
        "DATE",
        f"CAST(date_trunc('month', {_CHINA_DATE.format('approved_at')}) AS DATE)",
    ),
    "approval_us": ("BIGINT", "epoch_us(approved_at) - epoch_us(submitted_at)"),
}
DERIVED_SELECT = ", ".join(f"{sql} AS {name}" for name, (_, sql) in DERIVED_COLUMNS.items())
_DERIVED_DDL = "".join(f", {name} {sql_type}" for name, (sql_type, _) in DERIVED_COLUMNS.items())


def _add_derived(con: duckdb.DuckDBPyConnection) -> None:
    """Upgrade a file of schema version 3 to 4 in place (inside the caller's transaction)."""
    for name, (sql_type, _) in DERIVED_COLUMNS.items():
        con.execute(f"ALTER TABLE certificates ADD COLUMN IF NOT EXISTS {name} {sql_type}")
    assignments = ", ".join(f"{name} = {sql}" for name, (_, sql) in DERIVED_COLUMNS.items())
    con.execute(f"UPDATE certificates SET {assignments}")
    con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")


# --- summaries of the certificates (for coo_lab.warehouse) -----------------------------------
# Tables of counts and sums per group that the analyses read instead of the certificates when
# their filters fall on the groups' keys and whole months (a fraction of the rows):
# ``fob_monthly``: the approved/printed certificates and their FOB per destination, exporter
# (enterprise code), type and China month of the approval (about a fifth of the rows on a
# national year), for fob_by; ``approval_histogram``: the certificates with both timestamps
# per type, month of the approval and ``APPROVAL_BUCKET`` (the microseconds from submission
# to approval shifted right by 30 bits: ~18 minutes), with the sum of their microseconds, for
# approval_times (which finds there the bucket of each quantile, then reads only those
# buckets' values from the certificates). Kept exact by the sync in the transaction of each
# batch (``APPLY``): the batch's certificates as they were are subtracted and as they are
# added (``MERGE``); a group whose count falls to 0 is deleted. A file of schema version 4
# gets them filled on its next sync (``_add_summaries``), bench/warehouse.py fills them with
# ``SUMMARY_FILL``.
APPROVAL_BUCKET = "approval_us >> 30"


@dataclass(frozen=True)
class _Summary:
    table: str
    keys: dict[str, str]  # name: (type, SQL over a certificate's columns)
    total: tuple[str, str, str]  # the summed column: name, type, SQL of its sum
    where: str  # the certificates it counts

    def ddl(self) -> str:
        columns = [f"{name} {sql_type}" for name, (sql_type, _) in self.keys.items()]
        columns += ["certificates BIGINT", f"{self.total[0]} {self.total[1]}"]
        return f"CREATE TABLE IF NOT EXISTS {self.table} ({', '.join(columns)});"

    def groups(self, where: str = "TRUE", sign: str = "", rows: str = "certificates") -> str:
        """The certificates of ``rows`` matching ``where`` as rows of this table (``sign``
        "-": their contributions to take away)."""
        keys = ", ".join(f"{sql} AS {name}" for name, (_, sql) in self.keys.items())
        return f"""SELECT {keys}, {sign}count(*) AS certificates,
            {sign}{self.total[2]} AS {self.total[0]}
        FROM {rows} WHERE {self.where} AND {where} GROUP BY ALL"""

    def fill(self) -> str:
        return f"INSERT INTO {self.table} {self.groups()}"

    def apply(self) -> tuple[str, str, str, str]:
        """The statements of a batch: (before its certificates are deleted) their old
        contributions taken away, (after they are inserted) the new ones added, the merge,
        the empty groups dropped."""
        delta, total = f"{self.table}_delta", self.total[0]
        on = " AND ".join(f"s.{k} IS NOT DISTINCT FROM d.{k}" for k in self.keys)
        keys = ", ".join(self.keys)
        merge = f"""MERGE INTO {self.table} s USING (
                SELECT {keys}, CAST(sum(certificates) AS BIGINT) AS certificates,
                       sum({total}) AS {total}
                FROM {delta} GROUP BY ALL
            ) d ON {on}
            WHEN MATCHED THEN UPDATE SET certificates = s.certificates + d.certificates,
                                         {total} = s.{total} + d.{total}
            WHEN NOT MATCHED THEN INSERT VALUES ({", ".join(f"d.{k}" for k in self.keys)},
                                                 d.certificates, d.{total})"""
        return (
            f"CREATE OR REPLACE TEMP TABLE {delta} AS " + self.groups(sign="-", rows="cert_before"),
            f"INSERT INTO {delta} {self.groups(rows=_BATCH_ROWS)}",
            merge,
            f"DELETE FROM {self.table} WHERE certificates = 0",
        )


SUMMARIES = (
    _Summary(
        "fob_monthly",
        {
            "destination_country": ("VARCHAR", "destination_country"),
            "enterprise_code": ("VARCHAR", "enterprise_code"),
            "cert_type": ("VARCHAR", "cert_type"),
            "approved_month": ("DATE", "approved_month"),
        },
        ("fob_usd", "DECIMAL(38,2)", "coalesce(sum(fob_usd), 0)"),
        "status IN ('approved', 'printed')",
    ),
    _Summary(
        "approval_histogram",
        {
            "cert_type": ("VARCHAR", "cert_type"),
            "approved_month": ("DATE", "approved_month"),
            "bucket": ("BIGINT", APPROVAL_BUCKET),
        },
        ("approval_us", "HUGEINT", "sum(approval_us)"),
        "approval_us IS NOT NULL",
    ),
)
SUMMARY_FILL = [summary.fill() for summary in SUMMARIES]
# the batch's certificates as they were (one scan for all the summaries)
_BEFORE = """CREATE OR REPLACE TEMP TABLE cert_before AS
    SELECT destination_country, enterprise_code, cert_type, status, fob_usd, approved_month,
           approval_us
    FROM certificates WHERE id IN (SELECT key FROM batch WHERE kind = 'certificate')"""
# the batch's new certificates, their derived columns included (see ``APPLY``)
_BATCH_ROWS = "cert_batch"


def _add_summaries(con: duckdb.DuckDBPyConnection) -> None:
    """Upgrade a file of schema version 4 to 5 in place (inside the caller's transaction)."""
    for summary in SUMMARIES:
        con.execute(f"DELETE FROM {summary.table}")
        con.execute(summary.fill())
    con.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")


# ---------------------------------------------------------------------------------------------

_SUMMARY_DDL = "\n".join(summary.ddl() for summary in SUMMARIES)
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS sync_state (
    id INTEGER PRIMARY KEY, source VARCHAR, cursor BIGINT, updated_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS certificates (
    id BIGINT NOT NULL, cert_type VARCHAR, category VARCHAR, status VARCHAR,
    version INTEGER, internal_number VARCHAR, certificate_number VARCHAR,
    original_certificate_number VARCHAR, invoice_number VARCHAR, invoice_date DATE,
    application_date DATE, shipment_date DATE, signing_date DATE, enterprise_code VARCHAR,
    ccpit_code VARCHAR, exporter_name VARCHAR, importer_name VARCHAR,
    importer_country VARCHAR, destination_country VARCHAR, transport_mode VARCHAR,
    fob_usd DECIMAL(18,2), invoice_amount DECIMAL(18,2), invoice_currency VARCHAR,
    trade_mode VARCHAR, hand_signer VARCHAR, created_at TIMESTAMPTZ,
    submitted_at TIMESTAMPTZ, approved_at TIMESTAMPTZ, print_count INTEGER,
    void_reason VARCHAR, original_id BIGINT, goods_count INTEGER, findings JSON,
    doc VARCHAR USING COMPRESSION zstd{_DERIVED_DDL}
);
CREATE TABLE IF NOT EXISTS goods_lines (
    certificate_id BIGINT, line_no INTEGER, hs_code VARCHAR, hs6 VARCHAR,
    description VARCHAR, quantity DECIMAL(18,4), unit VARCHAR, unit_price DECIMAL(18,4),
    amount DECIMAL(18,2), net_weight DECIMAL(18,3), gross_weight DECIMAL(18,3),
    packages INTEGER, fob_usd DECIMAL(18,2), origin_criterion VARCHAR,
    product_filing_number VARCHAR
);
CREATE TABLE IF NOT EXISTS product_filings (
    id BIGINT PRIMARY KEY, version INTEGER, hs_code VARCHAR, name_en VARCHAR,
    name_cn VARCHAR, manufacturer VARCHAR, ex_works_unit_price DECIMAL(18,2),
    fob_unit_price DECIMAL(18,2), wholly_obtained BOOLEAN, statuses VARCHAR,
    created_at TIMESTAMPTZ, doc VARCHAR
);
CREATE TABLE IF NOT EXISTS filing_areas (
    filing_id BIGINT, agreement VARCHAR, status VARCHAR, criterion VARCHAR,
    filing_number VARCHAR, submitted_at TIMESTAMPTZ, reviewed_at TIMESTAMPTZ,
    review_remark VARCHAR, PRIMARY KEY (filing_id, agreement)
);
CREATE TABLE IF NOT EXISTS filing_materials (
    filing_id BIGINT, idx INTEGER, hs_code VARCHAR, name VARCHAR, origin_country VARCHAR,
    value DECIMAL(18,2), originating BOOLEAN, PRIMARY KEY (filing_id, idx)
);
CREATE TABLE IF NOT EXISTS receipts (
    id BIGINT NOT NULL, kind VARCHAR, document_id BIGINT, document_number VARCHAR,
    from_status VARCHAR, to_status VARCHAR, actor VARCHAR, "at" TIMESTAMPTZ, reason VARCHAR,
    findings JSON
);
{_SUMMARY_DDL}
CREATE TABLE IF NOT EXISTS base_records (
    id BIGINT PRIMARY KEY, kind VARCHAR, version INTEGER, code VARCHAR, name VARCHAR,
    created_at TIMESTAMPTZ, updated_at TIMESTAMPTZ, doc VARCHAR
);
"""

# --- applying a group of pages (the feed's row form, ``coo_lab.domain.feed_rows``) ------------
# A page line: the change's sequence number and a row (``kind, key, op, version, payload``);
# a kind's payload is split into its fields only when its rows are written, and cast there.
_ROW_COLUMNS = {
    "seq": "BIGINT",
    "kind": "VARCHAR",
    "key": "BIGINT",
    "op": "VARCHAR",
    "version": "BIGINT",
    "payload": "VARCHAR",
}
_COLUMNS_SQL = "{" + ", ".join(f"'{k}': '{v}'" for k, v in _ROW_COLUMNS.items()) + "}"
LOAD_PAGES = f"""CREATE OR REPLACE TEMP TABLE page_rows AS
SELECT * FROM read_csv($1, columns = {_COLUMNS_SQL}, delim = '\t', quote = '{QUOTE}',
    escape = '{QUOTE}', header = false, auto_detect = false, new_line = '\\n',
    max_line_size = {1 << 26})"""
_PARENTS = ", ".join(f"'{k.name}'" for k in KINDS.values() if k.items is None)
# ``batch``: the rows of the last change per (kind, key) of the group (a child's rows share
# their document's sequence number); without repeats, all of them
LATEST = f"""CREATE OR REPLACE TEMP TABLE latest AS
SELECT max(seq) AS seq FROM page_rows WHERE kind IN ({_PARENTS}) GROUP BY kind, key"""
BATCH_ALL = "CREATE OR REPLACE TEMP VIEW batch AS SELECT * FROM page_rows"
BATCH_LATEST = """CREATE OR REPLACE TEMP VIEW batch AS
SELECT * FROM page_rows SEMI JOIN latest USING (seq)"""


def _cast(sql_type: str, field: str) -> str:
    """A payload field as its column (a missing value: NULL, which no cast accepts)."""
    if sql_type in ("VARCHAR", "JSON"):
        return f"CAST(nullif({field}, '{NULL}') AS {sql_type})"
    return f"TRY_CAST({field} AS {sql_type})"


def _select(kind: str, key: str, **extra: str) -> str:
    """The live rows of a kind in the batch as the mirror's columns (named, for ``INSERT ...
    BY NAME``): ``key`` names the document's id, ``extra`` adds or replaces columns (SQL over
    the fields ``f[1]``, ``f[2]``…, by name)."""
    spec = KINDS[kind]
    first = 2 if spec.items else 1  # a child's f[1] is its place in the document's list
    columns = {c.name: _cast(c.sql_type, f"f[{i}]") for i, c in enumerate(spec.columns, first)}
    columns |= extra
    selected = [f"key AS {key}", *(f"{sql} AS {name}" for name, sql in columns.items())]
    return f"""SELECT {", ".join(selected)} FROM (
        SELECT seq, key, string_split(payload, '{FIELD}') AS f
        FROM batch WHERE kind = '{kind}' AND op <> 'delete')"""


def _keys(kind: str, *, deleted: bool = False) -> str:
    op = " AND op = 'delete'" if deleted else ""
    return f"SELECT key FROM batch WHERE kind = '{kind}'{op}"


def _drop(table: str, column: str, kind: str) -> str:
    """Delete the rows of the documents the batch touches (inserted again if live)."""
    return f"DELETE FROM {table} WHERE {column} IN ({_keys(kind)})"


# The statements that apply a batch, per parent kind of row; a kind absent from the batch
# costs nothing. ``cert_batch``: the batch's certificates typed once, for the table and the
# summaries (their document, when the file keeps documents, from the change's ``document``
# row; the mirror's ``doc`` is NULL otherwise).
APPLY: dict[str, list[str]] = {
    # certificates and their goods lines; a deleted draft takes its receipts with it
    "certificate": [
        f"""CREATE OR REPLACE TEMP TABLE cert_batch AS
    SELECT *, {DERIVED_SELECT} FROM ({_select("certificate", "id", seq="seq")})
    LEFT JOIN (SELECT seq, payload AS doc FROM batch WHERE kind = 'document') USING (seq)""",
        _drop("goods_lines", "certificate_id", "certificate"),
        # the summaries: the batch's certificates as they were, taken away (then added anew)
        _BEFORE,
        *(summary.apply()[0] for summary in SUMMARIES),
        _drop("certificates", "id", "certificate"),
        "DELETE FROM receipts WHERE kind = 'certificate' AND document_id IN "
        f"({_keys('certificate', deleted=True)})",
        "INSERT INTO certificates BY NAME SELECT * EXCLUDE (seq) FROM cert_batch",
        *(statement for summary in SUMMARIES for statement in summary.apply()[1:]),
        "INSERT INTO goods_lines BY NAME "
        + _select(
            "goods_line",
            "certificate_id",
            line_no="coalesce(TRY_CAST(f[2] AS INTEGER), TRY_CAST(f[1] AS INTEGER))",
            hs6=f"left(nullif(f[3], '{NULL}'), 6)",
        ),
    ],
    # product filings with their areas and materials
    "product_filing": [
        _drop("filing_areas", "filing_id", "product_filing"),
        _drop("filing_materials", "filing_id", "product_filing"),
        _drop("product_filings", "id", "product_filing"),
        "INSERT INTO product_filings BY NAME " + _select("product_filing", "id"),
        "INSERT INTO filing_areas BY NAME " + _select("filing_area", "filing_id"),
        "INSERT INTO filing_materials BY NAME "
        + _select("filing_material", "filing_id", idx="TRY_CAST(f[1] AS INTEGER)"),
    ],
    # receipts (status history) and base data
    "receipt": [
        _drop("receipts", "id", "receipt"),
        "INSERT INTO receipts BY NAME " + _select("receipt", "id"),
    ],
    "base_record": [
        _drop("base_records", "id", "base_record"),
        "INSERT INTO base_records BY NAME " + _select("base_record", "id"),
    ],
}


@dataclass(frozen=True)
class SyncResult:
    """What one run did: changes read, certificates written (after keeping the last change
    of each per group), pages read, the cursor it stopped at, and the seconds it took."""

    changes: int
    certificates: int
    pages: int
    cursor: int
    seconds: float

    def __str__(self) -> str:
        rate = self.certificates / self.seconds if self.seconds else 0.0
        return (
            f"synced {self.changes:,} changes ({self.certificates:,} certificates) in "
            f"{self.pages:,} pages, {self.seconds:.1f} s ({rate:,.0f} certificates/s); "
            f"cursor {self.cursor}"
        )


# --- readers ---------------------------------------------------------------------------------


def _is_lock_conflict(exc: BaseException) -> bool:
    return LOCK_MESSAGE in str(exc)


def connect_readonly(path: str | Path, *, timeout: float = 30.0) -> duckdb.DuckDBPyConnection:
    """A read-only connection, retried while a sync holds the file (see the module doc).

    Close it soon: while it is open the sync cannot write.
    """
    path = Path(path)
    if not path.exists():
        raise CooLabError(
            f"no synced data at {path}: run `coo-lab sync --db {path}` first",
            f"{path} 没有同步数据：请先运行 `coo-lab sync --db {path}`",
        )
    deadline = time.monotonic() + timeout
    delay = 0.005
    marker, waiting = None, False
    try:
        while True:
            try:
                return duckdb.connect(str(path), read_only=True)
            except duckdb.IOException as exc:
                if not _is_lock_conflict(exc) or time.monotonic() > deadline:
                    raise
                if not waiting:
                    marker, waiting = _wait_marker(path), True
                time.sleep(delay)
                delay = min(delay * 1.5, 0.1)
    finally:
        if marker is not None:
            marker.unlink(missing_ok=True)
            with contextlib.suppress(OSError):  # unless another reader waits
                marker.parent.rmdir()


def _readers_folder(path: Path) -> Path:
    return path.with_name(f".{path.name}.readers")


def _wait_marker(path: Path) -> Path | None:
    """A file that says this reader (process and thread) waits for ``path``; ``None`` where
    none can be written (a read-only folder: the reader then gets in when the sync ends)."""
    marker = _readers_folder(path) / f"{os.getpid()}.{threading.get_ident()}"
    for _ in range(10):  # another reader may remove the folder in between
        try:
            marker.parent.mkdir(exist_ok=True)
            marker.touch()
            return marker
        except FileNotFoundError:
            continue
        except OSError:
            return None
    return None


def _readers_waiting(path: Path) -> bool:
    """Whether a live reader waits for the file (see ``connect_readonly``); the markers of
    readers that were killed while waiting are removed."""
    try:
        markers = list(_readers_folder(path).iterdir())
    except FileNotFoundError:
        return False
    for marker in markers:
        pid = marker.name.split(".")[0]
        if pid.isdigit() and _alive(int(pid)):
            return True
        marker.unlink(missing_ok=True)
    return False


@contextlib.contextmanager
def reading(path: str | Path = DEFAULT_PATH, *, timeout: float = 30.0) -> Iterator[Any]:
    """``with reading(path) as con: con.sql(...)``: a read-only connection, closed on exit."""
    con = connect_readonly(path, timeout=timeout)
    try:
        yield con
    finally:
        con.close()


def _connect_writer(path: Path, timeout: float) -> duckdb.DuckDBPyConnection:
    """The read-write connection, retried while readers hold the file. DuckDB keeps its own
    thread count (the machine's cores): the row form's pages split over them (the DuckDB part
    of a full sync, the pages already downloaded: 38,000 certificates/s on two threads,
    28,000 on one; with the service on the same two cores, 3–5 % faster than one thread)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            con = duckdb.connect(str(path))
            con.execute(f"SET checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
            return con
        except duckdb.IOException as exc:
            if not _is_lock_conflict(exc) or time.monotonic() > deadline:
                if _is_lock_conflict(exc):
                    raise CooLabError(
                        f"{path} stayed locked by another process for {timeout:.0f} s: {exc}",
                        f"{path} 被其他进程占用超过 {timeout:.0f} 秒：{exc}",
                    ) from exc
                raise
            time.sleep(0.005)


# --- the feed --------------------------------------------------------------------------------


@dataclass
class _Page:
    after: int  # the cursor the page was asked after
    path: Path  # its changes in the row form, a row per line (as the service sends them)
    changes: int  # how many changes it holds (a change has 0 or more rows)
    next_after: int
    has_more: bool


def _rows(change: dict[str, Any], documents: bool) -> str:
    """A change (as the JSON answer has it) as the lines of the row form the service sends."""
    seq, data = change["seq"], change["data"]
    flat = flatten(change["entity"], change["entity_id"], change["op"], change["version"], data)
    if not flat:
        return ""
    lines = "".join(f"{seq}\t{row}\n" for row in flat.split(SEPARATOR))
    if documents and change["entity"] == "certificate" and data is not None:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        lines += f"{seq}\tdocument\t{change['entity_id']}\t{change['op']}\t{change['version']}"
        lines += f"\t{text}\n"  # compact JSON: no tab, newline or unit separator
    return lines


def _spool(path: Path, page: dict[str, Any], after: int, documents: bool) -> _Page:
    """A page already parsed (a JSON answer) written in the row form."""
    changes = page["changes"]
    path.write_text("".join(_rows(c, documents) for c in changes), encoding="utf-8")
    return _Page(after, path, len(changes), int(page["next_after"]), bool(page["has_more"]))


def _fetch(client: Any, after: int, limit: int, folder: Path, documents: bool) -> _Page:
    """One page of the feed after ``after``, streamed to a file in ``folder``.

    The row form is asked for (with the certificates' documents if ``documents``); a service
    that answers JSON is read as JSON and flattened here, as is a client without an HTTP
    session (through its ``changes`` method).
    """
    path = folder / f"{after}.tsv"
    session = getattr(client, "session", None)
    base_url = getattr(client, "base_url", None)
    if not isinstance(session, requests.Session) or not base_url:
        return _spool(path, client.changes(after=after, limit=limit), after, documents)
    from coo_lab.client import RETRY_STATUSES, _answer

    retries = getattr(client, "retries", 3)
    attempt = 0
    while True:
        attempt += 1
        try:
            with session.get(
                base_url + "/api/v1/changes",
                params={
                    "after": after,
                    "limit": limit,
                    "form": "rows",
                    "documents": str(documents).lower(),
                },
                # form=rows answers TSV; a service without the row form answers JSON
                headers={"Accept": "application/json"},
                timeout=getattr(client, "timeout", 30.0),
                stream=True,
            ) as response:
                if response.status_code in RETRY_STATUSES and attempt <= retries:
                    time.sleep(0.2 * 2 ** (attempt - 1))
                    continue
                if not response.ok:
                    _answer(response)  # raises the CooLabError
                if not response.headers.get("content-type", "").startswith(TSV):
                    return _spool(path, response.json(), after, documents)
                with path.open("wb") as out:
                    for chunk in response.iter_content(1 << 20):
                        out.write(chunk)
                headers = response.headers
                return _Page(
                    after,
                    path,
                    int(headers["X-Changes"]),
                    int(headers["X-Next-After"]),
                    headers["X-Has-More"] == "true",
                )
        except (
            requests.ConnectionError,
            requests.Timeout,
            requests.exceptions.ChunkedEncodingError,  # the connection lost mid-page
        ) as exc:
            if attempt <= retries:
                time.sleep(0.2 * 2 ** (attempt - 1))
                continue
            raise ServiceUnavailable(
                f"cannot reach the service at {base_url}: {exc}",
                f"无法连接服务 {base_url}：{exc}",
            ) from exc


class _Prefetcher:
    """Downloads the pages after ``after`` in a thread, a few ahead of the writer."""

    _END = object()

    def __init__(self, fetch: Callable[[int], _Page], after: int, ahead: int = 4) -> None:
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=ahead)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run,
            args=(fetch, after),
            daemon=True,
            name="coo-lab-sync-fetch",
        )
        self._thread.start()

    def _put(self, item: Any) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self, fetch: Callable[[int], _Page], after: int) -> None:
        try:
            while not self._stop.is_set():
                page = fetch(after)
                if page.next_after == after:  # nothing new
                    page.path.unlink()
                    break
                if not self._put(page):
                    return
                after = page.next_after
                if not page.has_more:
                    break
            self._put(self._END)
        except BaseException as exc:
            self._put(exc)

    def get(self, timeout: float | None = None) -> _Page | None:
        """The next page, ``None`` at the end; raises what the download raised, and
        ``queue.Empty`` when none came within ``timeout`` seconds."""
        item = self._queue.get(timeout=timeout)
        if item is self._END:
            self._queue.put(item)  # stays the end
            return None
        if isinstance(item, BaseException):
            self._queue.put(item)
            raise item
        return item

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


# --- the writer ------------------------------------------------------------------------------


def _source(client: Any) -> str:
    base_url = getattr(client, "base_url", None) or "?"
    try:
        username = client.me()["username"]
    except (AttributeError, KeyError, TypeError):
        username = getattr(client, "username", None) or "?"
    return f"{base_url}#{username}"


def _open(
    path: Path, source: str, timeout: float, documents: bool | None
) -> tuple[duckdb.DuckDBPyConnection, int, bool]:
    """A read-write connection with the schema in place; the stored cursor; and whether the
    file keeps the certificates' documents (``documents``: None takes the file's choice, a
    new file's is False; another than the file's is refused).

    A new file is made under another name and renamed into place once its schema is
    committed, so a reader (or a run killed right then) never finds a file without tables.
    """
    if not path.exists():
        fresh = path.with_name(f"{path.name}.{os.getpid()}.new")
        for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
            leftover.unlink(missing_ok=True)
        con = duckdb.connect(str(fresh))
        try:
            con.execute(SCHEMA)
            con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
            con.execute("INSERT INTO meta VALUES ('documents', ?)", [str(bool(documents)).lower()])
            con.execute("INSERT INTO sync_state VALUES (1, ?, 0, now()::TIMESTAMP)", [source])
        finally:
            con.close()
        with contextlib.suppress(FileExistsError):  # another sync made it first: use that
            os.link(fresh, path)  # atomic, and never replaces an existing file
        fresh.unlink()
    con = _connect_writer(path, timeout)
    try:
        con.execute("BEGIN")
        con.execute(SCHEMA)
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        elif int(row[0]) in (3, 4, 5):
            if int(row[0]) == 3:
                _add_derived(con)
            if int(row[0]) <= 4:
                _add_summaries(con)
            # up to version 5 every file kept the documents
            con.execute("INSERT INTO meta VALUES ('documents', 'true') ON CONFLICT DO NOTHING")
            con.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)]
            )
        elif int(row[0]) != SCHEMA_VERSION:
            raise CooLabError(
                f"{path} has schema version {row[0]}, this coo_lab writes {SCHEMA_VERSION}: "
                "delete the file and sync again",
                f"{path} 的结构版本为 {row[0]}，本版本为 {SCHEMA_VERSION}：请删除该文件后重新同步",
            )
        state = con.execute("SELECT source, cursor FROM sync_state WHERE id = 1").fetchone()
        if state is None:
            con.execute("INSERT INTO sync_state VALUES (1, ?, 0, now()::TIMESTAMP)", [source])
            cursor = 0
        elif state[0] != source:
            raise CooLabError(
                f"{path} mirrors {state[0]}, not {source}: use another --db file",
                f"{path} 同步的是 {state[0]} 而非 {source}：请换一个 --db 文件",
            )
        else:
            cursor = int(state[1])
        kept = con.execute("SELECT value FROM meta WHERE key = 'documents'").fetchone()
        keeps = kept is not None and kept[0] == "true"
        if documents is not None and documents != keeps:
            raise CooLabError(
                f"{path} was made {'with' if keeps else 'without'} the certificates' documents "
                f"(documents={keeps}): sync it with documents={keeps}, or into a new file",
                f"{path} 创建时{'保存' if keeps else '未保存'}证书全文（documents={keeps}）："
                f"请以 documents={keeps} 同步，或换一个新文件",
            )
        con.execute("COMMIT")
    except BaseException:
        con.close()
        raise
    return con, cursor, keeps


class _Moved(Exception):
    """Another sync of the same file moved the cursor: start again from the stored one."""


def _apply(con: duckdb.DuckDBPyConnection, pages: list[_Page]) -> tuple[int, int]:
    """Write a group of pages and move the cursor, in one transaction; (changes, certificates)."""
    con.execute("BEGIN")
    try:
        stored = con.execute("SELECT cursor FROM sync_state WHERE id = 1").fetchone()[0]
        if stored != pages[0].after:
            raise _Moved
        con.execute(LOAD_PAGES, [[str(p.path) for p in pages]])
        changes = sum(p.changes for p in pages)
        con.execute(LATEST)
        latest, documents = con.execute(
            f"SELECT (SELECT count(*) FROM latest), "
            f"(SELECT count(*) FROM page_rows WHERE kind IN ({_PARENTS}))"
        ).fetchone()
        con.execute(BATCH_ALL if latest == documents else BATCH_LATEST)
        present = dict(con.execute("SELECT kind, count(*) FROM batch GROUP BY ALL").fetchall())
        for kind, statements in APPLY.items():
            if present.get(kind):
                for statement in statements:
                    con.execute(statement)
        certificates = present.get("certificate", 0)
        con.execute(
            "UPDATE sync_state SET cursor = ?, updated_at = now()::TIMESTAMP WHERE id = 1",
            [pages[-1].next_after],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return int(changes), int(certificates)


def _spool_folder(path: Path) -> Path:
    """This run's folder for downloaded pages, beside the DuckDB file; the folders of runs
    that were killed (their process is gone) are removed."""
    root = path.with_name(f".{path.name}.spool")
    root.mkdir(exist_ok=True)
    for folder in root.iterdir():
        if folder.name.isdigit() and not _alive(int(folder.name)):
            shutil.rmtree(folder, ignore_errors=True)
    mine = root / str(os.getpid())
    mine.mkdir(exist_ok=True)
    return mine


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _group(fetcher: _Prefetcher, size: int) -> tuple[list[_Page], bool]:
    """The next pages to write together: one (waited for), then those already downloaded, up
    to ``size``; and whether the feed has ended.

    A group never waits for more: the download goes on while DuckDB writes, so when writing
    is the slower part the next group is full (a transaction's fixed cost spread over more
    pages), and when the service is, DuckDB writes what came instead of idling (an
    enterprise's sync of 40,000 certificates: 12,000–13,000/s when a group waited up to a
    second for its pages, 14,600–15,900/s without).
    """
    page = fetcher.get()
    if page is None:
        return [], True
    group = [page]
    while len(group) < size:
        try:
            more = fetcher.get(timeout=0)
        except queue.Empty:
            break
        if more is None:
            return group, True
        group.append(more)
    return group, False


def sync(
    client: Any,
    path: str | Path = DEFAULT_PATH,
    *,
    progress: bool | None = None,
    page_size: int = 10_000,
    pages_per_commit: int = 15,
    hold: float = 1.0,
    reader_pause: float = 0.05,
    lock_timeout: float = 60.0,
    documents: bool | None = None,
) -> SyncResult:
    """Pull the change feed after the stored cursor into the DuckDB file at ``path``.

    Safe to kill at any moment (the next run continues exactly where the last commit was)
    and to run while readers use ``reading(path)``; see the module docstring. Pages of
    ``page_size`` changes are written up to ``pages_per_commit`` per transaction (those
    downloaded by then); after ``hold`` seconds of writing, the file is closed for
    ``reader_pause`` seconds when a reader waits, so it gets in. ``progress``: a tqdm bar
    (``None``: when stderr is a terminal).
    ``documents``: keep each certificate's whole document (the service's JSON) in
    ``certificates.doc`` — a choice made when the file is made (``None``: the file's; a new
    file's is False), as it costs about a third of the sync's time.
    """
    started = time.perf_counter()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    source = _source(client)
    if progress is None:
        progress = sys.stderr.isatty()
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(desc="coo-lab sync", unit=" changes", unit_scale=True, leave=True)
    total_changes = total_certs = total_pages = 0
    spool = _spool_folder(path)
    try:
        while True:  # once, or again when another sync moved the cursor
            con, cursor, keeps = _open(path, source, lock_timeout, documents)
            opened = time.monotonic()
            fetch = functools.partial(
                _fetch, client, limit=page_size, folder=spool, documents=keeps
            )
            fetcher = _Prefetcher(fetch, cursor, ahead=pages_per_commit)
            try:
                done = False
                while not done:
                    group, done = _group(fetcher, pages_per_commit)
                    if not group:
                        break
                    changes, certs = _apply(con, group)
                    for page in group:
                        page.path.unlink()
                    cursor = group[-1].next_after
                    total_changes += changes
                    total_certs += certs
                    total_pages += len(group)
                    if bar is not None:
                        bar.update(changes)
                        bar.set_postfix(certificates=total_certs, cursor=cursor)
                    held = time.monotonic() - opened
                    if not done and held >= hold and _readers_waiting(path):
                        con.close()  # readers' window (see the module docstring)
                        time.sleep(reader_pause)
                        con = _connect_writer(path, lock_timeout)
                        opened = time.monotonic()
                break
            except _Moved:
                continue
            finally:
                fetcher.close()
                con.close()
    finally:
        shutil.rmtree(spool, ignore_errors=True)
        with contextlib.suppress(OSError):  # the parent too, unless another sync uses it
            spool.parent.rmdir()
        if bar is not None:
            bar.close()
    return SyncResult(
        total_changes, total_certs, total_pages, cursor, time.perf_counter() - started
    )


def stored_cursor(path: str | Path = DEFAULT_PATH) -> int:
    """The feed cursor a file has reached (0 for a new file)."""
    with reading(path) as con:
        row = con.execute("SELECT cursor FROM sync_state WHERE id = 1").fetchone()
    return int(row[0]) if row else 0
