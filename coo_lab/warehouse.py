"""Analysis of certificates of origin: SQL over the synced DuckDB file, defined once.

    from coo_lab import warehouse
    warehouse.fob_by("data/coo.duckdb", by=("agreement", "month"), start=date(2026, 1, 1))
    warehouse.fta_usage("data/coo.duckdb", exporter="311120218")

The file is the one ``coo_lab.sync`` writes (tables ``certificates``, ``receipts`` …; the
per-certificate ``approved_on``, ``approved_month`` and ``approval_us`` are written by the sync
with each row, ``coo_lab.mirror.DERIVED_COLUMNS``, so no query computes them per row; the
sync's summaries ``fob_monthly`` and ``approval_histogram`` serve ``fob_by`` and
``approval_times`` when their filters fall on the summaries' keys and whole months). Every
function takes ``path`` (opened read-only with ``coo_lab.mirror.reading``, which waits out a
running sync) or an open ``duckdb`` connection, and returns a pandas DataFrame. Amounts are
US dollars as floats (DOUBLE), hours are floats.

Filters, the same keywords everywhere (all optional, combined with AND):

``start`` / ``end`` (``date``, both inclusive)
    on the certificate's APPROVAL date for the analyses of approved certificates
    (``fob_by``, ``approval_times``, ``fta_usage``, ``missed_preference``), on the RETURN
    date for ``return_reasons``, on the CREATION date otherwise (``backlog``).
``agreement``
    the certificate type (``cert_type``: "C" for the general CO, "K", "E" …).
``destination``
    the destination country, ISO3.
``exporter``
    the enterprise code (企业代码) or the exporter's English name (case-insensitive).

Dates and months are China dates (UTC+8, no daylight saving): a certificate approved at
2026-01-31 20:00 UTC belongs to 2026-02-01 and to February. "Approved" means status approved
or printed (void and everything before approval left out).

The agreements' partner countries come from ``coo_lab.domain.agreements`` (registered into
DuckDB as a small table ``agreement_partners``), never from a hard-coded list.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from coo_lab.domain.agreements import agreements
from coo_lab.mirror import APPROVAL_BUCKET, DEFAULT_PATH, reading

Source = str | Path | duckdb.DuckDBPyConnection

APPROVED = ("approved", "printed")
BACKLOG = ("draft", "submitted", "returned")
AGE_BUCKETS = ("0-1 d", "2-7 d", "8-30 d", "> 30 d")
REVIEWER = "REVIEWER"
FOB_SUMMARY = "fob_monthly"  # coo_lab.mirror's summaries (see there)
APPROVAL_SUMMARY = "approval_histogram"

# UTC+8 in microseconds: China local time without needing DuckDB's ICU time zones.
_CST_US = 8 * 3600 * 1_000_000
_DAY_US = 86_400_000_000
_HOUR_US = "3.6e9"  # microseconds in an hour, as a DOUBLE literal
_EPOCH = date(1970, 1, 1)


def _day(col: str) -> str:
    """The China calendar day of a TIMESTAMPTZ column as a day number (days since 1970-01-01):
    integer arithmetic, the cheapest per row; compare it with ``_day_number``."""
    return f"((epoch_us({col}) + {_CST_US}) // {_DAY_US})"


def _day_number(day: date) -> int:
    return (day - _EPOCH).days


# --- plumbing --------------------------------------------------------------------------------


@contextlib.contextmanager
def _connection(source: Source) -> Iterator[duckdb.DuckDBPyConnection]:
    if isinstance(source, duckdb.DuckDBPyConnection):
        _register(source)
        yield source
        return
    with reading(source) as con:
        _register(con)
        yield con


def partners_frame() -> pd.DataFrame:
    """One row per (agreement, partner ISO3) of the preferential agreements."""
    rows = [
        {"agreement": a.code, "partner": iso3, "name_en": a.name_en, "name_zh": a.name_zh}
        for a in agreements()
        if a.preferential
        for iso3 in sorted(a.partners)
    ]
    return pd.DataFrame(rows, columns=["agreement", "partner", "name_en", "name_zh"])


def _register(con: duckdb.DuckDBPyConnection) -> None:
    con.register("agreement_partners", partners_frame())


def _certificate_filters(
    *,
    day_of: str | None = None,
    date_expr: str | None = None,
    start: date | None,
    end: date | None,
    agreement: str | None,
    destination: str | None,
    exporter: str | None,
    alias: str = "c",
) -> tuple[list[str], list[Any]]:
    """WHERE conditions and their parameters; ``start``/``end`` on the China day of the
    timestamp column ``day_of`` (integers: the fast way), or on a DATE expression."""
    where: list[str] = []
    params: list[Any] = []
    for bound, op in ((start, ">="), (end, "<=")):
        if bound is None:
            continue
        if day_of is not None:
            where.append(f"{_day(day_of)} {op} ?")
            params.append(_day_number(bound))
        elif date_expr is not None:
            where.append(f"{date_expr} {op} ?")
            params.append(bound)
    if agreement is not None:
        where.append(f"{alias}.cert_type = ?")
        params.append(agreement)
    if destination is not None:
        where.append(f"{alias}.destination_country = ?")
        params.append(destination.upper())
    if exporter is not None:
        where.append(f"({alias}.enterprise_code = ? OR upper({alias}.exporter_name) = upper(?))")
        params += [exporter, exporter]
    return where, params


def _where(conditions: Sequence[str]) -> str:
    return "WHERE " + " AND ".join(conditions) if conditions else ""


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> pd.DataFrame:
    return con.execute(sql, params).df()


_DIMENSIONS = {
    "agreement": "c.cert_type",
    "cert_type": "c.cert_type",
    "destination": "c.destination_country",
    "exporter": "c.enterprise_code",
}


def _keys(by: Sequence[str] | str) -> list[str]:
    """The grouping keys, checked: ``month`` or a key of ``_DIMENSIONS``."""
    keys = [by] if isinstance(by, str) else list(by)
    for key in keys:
        if key != "month" and key not in _DIMENSIONS:
            raise ValueError(
                f"cannot group by {key!r}: use agreement (cert_type), destination, exporter, month"
            )
    return keys


def _key_column(key: str) -> str:
    """The column of a grouping key; ``month``: the China month of the approval."""
    return "c.approved_month" if key == "month" else _DIMENSIONS[key]


def _approved_filters(
    start: date | None,
    end: date | None,
    agreement: str | None,
    destination: str | None,
    exporter: str | None,
    *,
    on: str = "approved_on",
) -> tuple[list[str], list[Any]]:
    """The filters of the analyses of approvals: ``start``/``end`` on the China date of the
    approval (the derived ``approved_on``), or on ``approved_month`` for a summary's rows
    (whole months; a summary has no exporter to filter on)."""
    return _certificate_filters(
        date_expr=f"c.{on}",
        start=start,
        end=end,
        agreement=agreement,
        destination=destination,
        exporter=exporter,
    )


_FINDINGS = json.dumps(
    [dict.fromkeys(("code", "field", "message_en", "severity"), "VARCHAR")]
)  # the structure json_transform reads a receipt's findings with


# --- the analyses ----------------------------------------------------------------------------


def fob_by(
    path: Source = DEFAULT_PATH,
    by: Sequence[str] | str = ("agreement", "month"),
    *,
    start: date | None = None,
    end: date | None = None,
    agreement: str | None = None,
    destination: str | None = None,
    exporter: str | None = None,
) -> pd.DataFrame:
    """FOB (USD) and number of approved/printed certificates, grouped by any of agreement,
    destination, exporter (enterprise code), month (China month of the approval).

    Columns: the ``by`` keys (``month``: its first day, a pandas Timestamp), ``certificates``,
    ``fob_usd``; sorted by the keys. Without an exporter and with whole months (or no dates)
    it sums the sync's summary ``fob_monthly`` instead of the certificates: the same figures.
    """
    keys = _keys(by)
    columns = "".join(f"{_key_column(k)} AS {k}, " for k in keys)
    group = "GROUP BY ALL ORDER BY ALL" if keys else ""
    with _connection(path) as con:
        if _whole_months(start, end) and exporter is None and _has(con, FOB_SUMMARY):
            # the same sums from the sync's fob_monthly: a fifth of the rows to aggregate
            where, params = _approved_filters(
                start, end, agreement, destination, None, on="approved_month"
            )
            sql = f"""
                SELECT {columns}CAST(coalesce(sum(c.certificates), 0) AS BIGINT) AS certificates,
                       CAST(coalesce(sum(c.fob_usd), 0) AS DOUBLE) AS fob_usd
                FROM {FOB_SUMMARY} c {_where(where)} {group}
            """
            return _frame(con, sql, params)
        where, params = _approved_filters(start, end, agreement, destination, exporter)
        where.insert(0, "c.status IN ('approved', 'printed')")
        sql = f"""
            SELECT {columns}count(*) AS certificates,
                   CAST(coalesce(sum(c.fob_usd), 0) AS DOUBLE) AS fob_usd
            FROM certificates c {_where(where)} {group}
        """
        return _frame(con, sql, params)


def _whole_months(start: date | None, end: date | None) -> bool:
    """Whether ``start``/``end`` select whole months (the summaries' grain), or are absent."""
    return (start is None or start.day == 1) and (end is None or (end + timedelta(days=1)).day == 1)


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether the file has that table (a summary: schema version 5, coo_lab.mirror)."""
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() "
        "WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ?",
        [table],
    ).fetchone()
    return bool(found[0])


def approval_times(
    path: Source = DEFAULT_PATH,
    by: Sequence[str] | str = ("cert_type", "month"),
    *,
    start: date | None = None,
    end: date | None = None,
    agreement: str | None = None,
    destination: str | None = None,
    exporter: str | None = None,
) -> pd.DataFrame:
    """Hours from submission to approval, for certificates with both timestamps (any
    status, void included: it was approved before being voided), grouped like ``fob_by``
    (month = China month of the approval).

    Columns: the ``by`` keys, ``certificates``, ``median_hours``, ``p90_hours``
    (``quantile_cont``, linear interpolation), ``mean_hours``, ``max_hours``. By type and/or
    month, without destination or exporter and with whole months (or no dates), it works from
    the sync's ``approval_histogram`` (``_approval_times_by_histogram``): the same figures.
    """
    keys = _keys(by)
    with _connection(path) as con:
        if (
            keys
            and not set(keys) - {"agreement", "cert_type", "month"}
            and destination is None
            and exporter is None
            and _whole_months(start, end)
            and _has(con, APPROVAL_SUMMARY)
        ):
            return _approval_times_by_histogram(con, keys, start, end, agreement)
        return _approval_times_of_certificates(
            con, keys, start, end, agreement, destination, exporter
        )


def _approval_times_of_certificates(
    con: duckdb.DuckDBPyConnection,
    keys: list[str],
    start: date | None,
    end: date | None,
    agreement: str | None,
    destination: str | None,
    exporter: str | None,
) -> pd.DataFrame:
    where, params = _approved_filters(start, end, agreement, destination, exporter)
    where.insert(0, "c.approval_us IS NOT NULL")  # both timestamps
    columns = "".join(f"{_key_column(k)} AS {k}, " for k in keys)
    names = "".join(f"{k}, " for k in keys)
    # on the integer microseconds (the derived approval_us), both quantiles from one pass;
    # hours at the end, on the few groups
    sql = f"""
        SELECT {names}certificates, q[1] / {_HOUR_US} AS median_hours,
               q[2] / {_HOUR_US} AS p90_hours, mean_us / {_HOUR_US} AS mean_hours,
               max_us / {_HOUR_US} AS max_hours
        FROM (
            SELECT {columns}count(*) AS certificates,
                   quantile_cont(c.approval_us, [0.5, 0.9]) AS q, avg(c.approval_us) AS mean_us,
                   CAST(max(c.approval_us) AS DOUBLE) AS max_us
            FROM certificates c {_where(where)} {"GROUP BY ALL" if keys else ""}
        ) {"ORDER BY ALL" if keys else ""}
    """
    return _frame(con, sql, params)


# the 0-based ranks of the values each group needs: the two neighbours of the median and of
# the 90th percentile (quantile_cont's h = (n - 1) q in DOUBLE, interpolated between its
# floor and ceil) and the last (the maximum)
_H5, _H9 = "(CAST(n - 1 AS DOUBLE) * 0.5::DOUBLE)", "(CAST(n - 1 AS DOUBLE) * 0.9::DOUBLE)"
_RANKS = f"[floor({_H5}), ceil({_H5}), floor({_H9}), ceil({_H9}), n - 1]"


def _approval_times_by_histogram(
    con: duckdb.DuckDBPyConnection,
    keys: list[str],
    start: date | None,
    end: date | None,
    agreement: str | None,
) -> pd.DataFrame:
    """``approval_times`` through the sync's ``approval_histogram``: the counts and sums come
    from it, and so does the bucket holding each needed rank; only those buckets' values are
    read from the certificates (a few per cent of the rows) and sorted. The same figures as
    quantile_cont (its interpolation, done here on the two neighbours) and avg."""
    where, params = _approved_filters(start, end, agreement, None, None, on="approved_month")
    columns = "".join(f"{_key_column(k)} AS {k}, " for k in keys)
    names = ", ".join(keys)
    on = " AND ".join(f"{{0}}.{k} IS NOT DISTINCT FROM {{1}}.{k}" for k in keys)
    sql = f"""
        WITH hist AS (
            SELECT {columns}c.bucket, CAST(sum(c.certificates) AS BIGINT) AS n,
                   sum(c.approval_us) AS total_us
            FROM {APPROVAL_SUMMARY} c {_where(where)} GROUP BY ALL
        ),
        placed AS (  -- the ranks each bucket holds: below … below + n - 1
            SELECT *,
                   CAST(sum(n) OVER (PARTITION BY {names} ORDER BY bucket) - n AS BIGINT) AS below
            FROM hist
        ),
        groups AS (
            SELECT {names}, CAST(sum(n) AS BIGINT) AS n, sum(total_us) AS total_us
            FROM hist GROUP BY ALL
        ),
        ranks AS (
            SELECT {names}, CAST(unnest({_RANKS}) AS BIGINT) AS r FROM groups
        ),
        wanted AS (
            SELECT DISTINCT p.* FROM placed p JOIN ranks r ON {on.format("p", "r")}
                AND r.r >= p.below AND r.r < p.below + p.n
        ),
        bucket_values AS (
            SELECT {", ".join(f"w.{k}" for k in keys)}, w.below,
                   list_sort(list(c.approval_us)) AS v
            FROM certificates c JOIN wanted w
              ON {" AND ".join(f"{_key_column(k)} IS NOT DISTINCT FROM w.{k}" for k in keys)}
             AND ({APPROVAL_BUCKET.replace("approval_us", "c.approval_us")}) = w.bucket
            WHERE c.approval_us IS NOT NULL {"".join(f" AND {w}" for w in where)}
              AND ({APPROVAL_BUCKET.replace("approval_us", "c.approval_us")})
                  IN (SELECT bucket FROM wanted)  -- one integer: a cheap first cut
            GROUP BY ALL
        ),
        picked AS (
            SELECT {", ".join(f"r.{k}" for k in keys)}, r.r, b.v[r.r - b.below + 1] AS value
            FROM ranks r JOIN bucket_values b ON {on.format("r", "b")}
             AND r.r >= b.below AND r.r < b.below + len(b.v)
        ),
        chosen AS (
            SELECT g.*, {_H5} AS h5, {_H9} AS h9,
                   CAST(max(p.value) FILTER (p.r = floor({_H5})) AS DOUBLE) AS lo5,
                   CAST(max(p.value) FILTER (p.r = ceil({_H5})) AS DOUBLE) AS hi5,
                   CAST(max(p.value) FILTER (p.r = floor({_H9})) AS DOUBLE) AS lo9,
                   CAST(max(p.value) FILTER (p.r = ceil({_H9})) AS DOUBLE) AS hi9,
                   CAST(max(p.value) FILTER (p.r = n - 1) AS DOUBLE) AS max_us
            FROM groups g JOIN picked p ON {on.format("g", "p")}
            GROUP BY ALL
        )
        SELECT {names}, n AS certificates,
               (lo5 * (1 - (h5 - floor(h5))) + hi5 * (h5 - floor(h5))) / {_HOUR_US} AS median_hours,
               (lo9 * (1 - (h9 - floor(h9))) + hi9 * (h9 - floor(h9))) / {_HOUR_US} AS p90_hours,
               (CAST(total_us // n AS DOUBLE) + CAST(total_us % n AS DOUBLE) / n)
                   / {_HOUR_US} AS mean_hours,
               max_us / {_HOUR_US} AS max_hours
        FROM chosen ORDER BY ALL
    """
    return _frame(con, sql, params + params)


def return_reasons(
    path: Source = DEFAULT_PATH,
    *,
    start: date | None = None,
    end: date | None = None,
    agreement: str | None = None,
    destination: str | None = None,
    exporter: str | None = None,
) -> pd.DataFrame:
    """Why certificates were returned (receipts to status 'returned'), ranked by rule code.

    Each error finding of a return counts once for its code; a return without error findings
    (a reviewer's manual return) counts once as code ``REVIEWER``. Filters: the return date
    (China) for ``start``/``end``, the certificate's type, destination and exporter.

    Columns: ``code``, ``returns`` (occurrences), ``certificates`` (distinct),
    ``field`` (the most frequent field, none for REVIEWER), ``example`` (the most frequent
    English message, or the reviewers' most frequent reason), ``reasons`` (REVIEWER only:
    the distinct free-text reasons, most frequent first). Sorted by ``returns`` descending.
    """
    where, params = _certificate_filters(
        day_of='r."at"',
        start=start,
        end=end,
        agreement=agreement,
        destination=destination,
        exporter=exporter,
    )
    where[:0] = ["r.kind = 'certificate'", "r.to_status = 'returned'"]
    # the certificates are joined only when a filter is on them
    joined = any(f is not None for f in (agreement, destination, exporter))
    join = "JOIN certificates c ON c.id = r.document_id" if joined else ""
    sql = f"""
        WITH returns AS (
            SELECT r.id, r.document_id, r.reason,
                   list_filter(json_transform(coalesce(r.findings, '[]'), '{_FINDINGS}'),
                               lambda f: f.severity = 'error') AS errors
            FROM receipts r {join}
            {_where(where)}
        ),
        everything AS (
            SELECT id, document_id, e.code AS code, e.field AS field, e.message_en AS message
            FROM (SELECT id, document_id, unnest(errors) AS e FROM returns)
            UNION ALL
            SELECT id, document_id, '{REVIEWER}', NULL, reason FROM returns
            WHERE len(errors) = 0
        ),
        reviewer AS (
            SELECT list(message ORDER BY n DESC, message) AS reasons
            FROM (SELECT message, count(*) AS n FROM everything
                  WHERE code = '{REVIEWER}' GROUP BY message)
        )
        SELECT code, count(*) AS returns, count(DISTINCT document_id) AS certificates,
               mode(field) AS field, mode(message) AS example,
               CASE WHEN code = '{REVIEWER}' THEN (SELECT reasons FROM reviewer) END AS reasons
        FROM everything GROUP BY code ORDER BY returns DESC, code
    """
    with _connection(path) as con:
        frame = _frame(con, sql, params)
    frame["reasons"] = [list(r) if pd.api.types.is_list_like(r) else None for r in frame["reasons"]]
    return frame


def fta_usage(
    path: Source = DEFAULT_PATH,
    *,
    start: date | None = None,
    end: date | None = None,
    agreement: str | None = None,
    destination: str | None = None,
    exporter: str | None = None,
) -> pd.DataFrame:
    """Use of the free-trade agreements per partner country (approved/printed certificates).

    Per partner country (ISO3) of any preferential agreement that received certificates:
    ``agreements`` (the codes covering it, comma-separated), ``certificates``, ``fob_usd``
    (all certificates to it), ``fob_preferential`` (under an agreement covering it),
    ``share`` (preferential / total, 0–1), ``general_certificates`` and ``fob_general`` (the
    general CO "C" to it: preference missed). Sorted by ``fob_general`` descending.
    """
    where, params = _approved_filters(start, end, agreement, destination, exporter)
    where.insert(0, "c.status IN ('approved', 'printed')")
    # by destination and type first (one pass over the rows), then the few groups by partner
    sql = f"""
        WITH partners AS (
            SELECT partner, string_agg(agreement, ',' ORDER BY agreement) AS agreements,
                   list(agreement) AS codes
            FROM agreement_partners GROUP BY partner
        ),
        by_type AS (
            SELECT c.destination_country AS destination, c.cert_type, count(*) AS n,
                   sum(c.fob_usd) AS fob
            FROM certificates c {_where(where)} GROUP BY ALL
        )
        SELECT p.partner AS destination, p.agreements,
               CAST(sum(n) AS BIGINT) AS certificates,
               CAST(sum(fob) AS DOUBLE) AS fob_usd,
               CAST(coalesce(sum(fob) FILTER (list_contains(p.codes, b.cert_type)), 0)
                    AS DOUBLE) AS fob_preferential,
               CAST(coalesce(sum(fob) FILTER (list_contains(p.codes, b.cert_type)), 0)
                    / nullif(sum(fob), 0) AS DOUBLE) AS share,
               CAST(coalesce(sum(n) FILTER (b.cert_type = 'C'), 0) AS BIGINT)
                   AS general_certificates,
               CAST(coalesce(sum(fob) FILTER (b.cert_type = 'C'), 0) AS DOUBLE) AS fob_general
        FROM by_type b JOIN partners p ON p.partner = b.destination
        GROUP BY p.partner, p.agreements
        ORDER BY fob_general DESC, destination
    """
    with _connection(path) as con:
        return _frame(con, sql, params)


def missed_preference(
    path: Source = DEFAULT_PATH,
    *,
    start: date | None = None,
    end: date | None = None,
    agreement: str | None = None,
    destination: str | None = None,
    exporter: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """The approved/printed general COs ("C") to a partner country of a preferential
    agreement: a preference possibly missed.

    Columns: ``id``, ``certificate_number``, ``invoice_number``, ``exporter`` (enterprise
    code), ``exporter_name``, ``destination``, ``approved_on`` (China date), ``fob_usd``,
    ``agreements`` (the codes covering the destination, comma-separated). Largest FOB first;
    ``limit``: only the first so many (a national year holds millions). ``agreement``
    filters on the certificate type, so anything but "C" gives no rows.
    """
    where, params = _approved_filters(start, end, agreement, destination, exporter)
    where[:0] = ["c.status IN ('approved', 'printed')", "c.cert_type = 'C'"]
    # with a limit, the largest are found on the few columns that decide (their row ids),
    # then only those rows are read in full
    chosen = f"""
        SELECT c.rowid AS row_id, p.agreements
        FROM certificates c JOIN partners p ON p.partner = c.destination_country
        {_where(where)}
        {"" if limit is None else "ORDER BY c.fob_usd DESC, c.id LIMIT ?"}
    """
    sql = f"""
        WITH partners AS (
            SELECT partner, string_agg(agreement, ',' ORDER BY agreement) AS agreements
            FROM agreement_partners GROUP BY partner
        ),
        chosen AS ({chosen})
        SELECT c.id, c.certificate_number, c.invoice_number, c.enterprise_code AS exporter,
               c.exporter_name, c.destination_country AS destination, c.approved_on,
               CAST(c.fob_usd AS DOUBLE) AS fob_usd, chosen.agreements
        FROM certificates c JOIN chosen ON c.rowid = chosen.row_id
        ORDER BY c.fob_usd DESC, c.id
    """
    if limit is not None:
        params.append(int(limit))
    with _connection(path) as con:
        return _frame(con, sql, params)


def backlog(
    path: Source = DEFAULT_PATH,
    as_of: date | None = None,
    *,
    start: date | None = None,
    end: date | None = None,
    agreement: str | None = None,
    destination: str | None = None,
    exporter: str | None = None,
) -> pd.DataFrame:
    """Certificates not yet approved (draft, submitted, returned) by status and age.

    Age in whole days on ``as_of`` (default: today in China) since the certificate entered
    its status, China dates: a draft since its creation, a submitted one since its (last)
    submission, a returned one since its last return receipt (its creation if none).
    Buckets ``AGE_BUCKETS``: 0–1 d, 2–7 d, 8–30 d, > 30 d. Certificates created after
    ``as_of`` are left out. ``start``/``end`` filter on the creation date.

    Columns: ``status``, ``age``, ``certificates``, ``fob_usd``, ``oldest_days``; one row
    per status and bucket that has certificates, in status then bucket order.
    """
    if as_of is None:
        as_of = pd.Timestamp.now(tz="Asia/Shanghai").date()
    where, params = _certificate_filters(
        day_of="c.created_at",
        start=start,
        end=end,
        agreement=agreement,
        destination=destination,
        exporter=exporter,
    )
    today = "date_diff('day', DATE '1970-01-01', CAST(? AS DATE))"  # as_of's day number
    where[:0] = [
        "c.status IN ('draft', 'submitted', 'returned')",
        f"{_day('c.created_at')} <= {today}",
    ]
    params[:0] = [as_of]
    since = _day(
        "CASE c.status WHEN 'submitted' THEN coalesce(c.submitted_at, c.created_at) "
        "WHEN 'returned' THEN coalesce(lr.at, c.created_at) ELSE c.created_at END"
    )
    buckets = "[" + ", ".join(f"'{b}'" for b in AGE_BUCKETS) + "]"
    sql = f"""
        WITH waiting AS (
            SELECT c.id, c.status, c.fob_usd, c.created_at, c.submitted_at
            FROM certificates c {_where(where)}
        ),
        last_return AS (  -- of the returned ones only: a few of the receipts' rows
            SELECT document_id, max("at") AS at FROM receipts
            WHERE kind = 'certificate' AND to_status = 'returned'
              AND document_id IN (SELECT id FROM waiting WHERE status = 'returned')
            GROUP BY document_id
        ),
        aged AS (
            SELECT c.status, c.fob_usd, CAST({today} - {since} AS BIGINT) AS days
            FROM waiting c LEFT JOIN last_return lr ON lr.document_id = c.id
        ),
        bucketed AS (
            SELECT *, CASE WHEN days <= 1 THEN {buckets}[1] WHEN days <= 7 THEN {buckets}[2]
                           WHEN days <= 30 THEN {buckets}[3] ELSE {buckets}[4] END AS age
            FROM aged
        )
        SELECT status, age, count(*) AS certificates,
               CAST(coalesce(sum(fob_usd), 0) AS DOUBLE) AS fob_usd, max(days) AS oldest_days
        FROM bucketed GROUP BY status, age
        ORDER BY list_position(['draft', 'submitted', 'returned'], status),
                 list_position({buckets}, age)
    """
    with _connection(path) as con:
        return _frame(con, sql, [*params, as_of])  # the rows first, then their ages


def approval_hours(
    path: Source = DEFAULT_PATH,
    *,
    start: date | None = None,
    end: date | None = None,
    agreement: str | None = None,
    destination: str | None = None,
    exporter: str | None = None,
) -> pd.DataFrame:
    """One row per certificate with both timestamps: the hours from submission to approval
    (the distribution behind ``approval_times``' median and p90), with the same filters.

    Columns: ``id``, ``agreement``, ``approved_on`` (China date), ``hours``; by approval.
    """
    where, params = _approved_filters(start, end, agreement, destination, exporter)
    where.insert(0, "c.approval_us IS NOT NULL")  # both timestamps
    sql = f"""
        SELECT c.id, c.cert_type AS agreement, c.approved_on,
               c.approval_us / {_HOUR_US} AS hours
        FROM certificates c {_where(where)}
        ORDER BY c.approved_at, c.id
    """
    with _connection(path) as con:
        return _frame(con, sql, params)
