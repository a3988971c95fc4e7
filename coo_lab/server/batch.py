"""Many certificates in one request and one transaction: the write path of bulk imports.

Each item carries its own idempotency key (the client derives it from the item's content), so
a batch sent again creates nothing twice: an item whose key is known answers with the
certificate it created before. A batch is all-or-nothing: items the models refuse or that
name a base-data code that does not exist refuse the whole batch, every such error named by
its item (``items.3.certificate.importer_code``, ``items.3.goods.0.hs_code``); a key reused
for other content is a conflict. A certificate is created whole — basic info and goods lines
in one row — so no half certificate is ever stored.

Every new certificate is checked with the review rules in the full context (registration,
hand-signers, approved filings, invoice numbers in use, including the batch's own earlier
items), as ``POST /certificates/{id}/check`` would: the findings are reported with the item,
not stored — a draft may be incomplete. A dry run does all of it in a read transaction and
writes nothing.

The items are planned first and written after, together: the numbers of a batch are taken
at once and each certificate's document is serialised once. What is stored is what
``POST /certificates`` and ``PUT …/goods`` store — the row, a "saved (暂存)" receipt, their
change-feed entries and the idempotency record.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from coo_lab.domain.certificate import Certificate, GoodsLine
from coo_lab.domain.feed_rows import flatten
from coo_lab.domain.filing import ProductFiling
from coo_lab.domain.lifecycle import CertificateStatus
from coo_lab.domain.numbers import internal_number
from coo_lab.domain.parties import EnterpriseFiling, Exporter, Importer, Producer, SpecialClause
from coo_lab.domain.rules import CheckContext, check
from coo_lab.errors import Conflict, FieldError, ValidationFailed
from coo_lab.server import certificates
from coo_lab.server.clock import china_today, iso, now
from coo_lab.server.db import Transaction
from coo_lab.server.deps import Scope
from coo_lab.server.feed import FEED_ROWS_SQL, authority_sees
from coo_lab.server.idempotency import replay
from coo_lab.server.review import registration

MAX_ITEMS = 1000
SAVED = "saved (暂存)"  # the reason on a new draft's receipt, as POST /certificates gives it
_IN_CHUNK = 500  # values per IN (...) list
_PARTY_MODELS: dict[str, type[BaseModel]] = {
    "exporter": Exporter,
    "importer": Importer,
    "producer": Producer,
    "special_clause": SpecialClause,
}


@dataclass(slots=True)
class BatchItem:
    """One certificate of a batch: its key, the fingerprint of its content, its basic info
    (a ``CertificateInput``: parties whole or by base-data code) and its goods lines."""

    key: str
    fingerprint: str
    basic: BaseModel
    goods: list[GoodsLine]
    answer: dict[str, Any] = field(default_factory=dict)
    certificate: Certificate | None = None


def create_batch(
    tx: Transaction, scope: Scope, items: list[BatchItem], *, dry_run: bool
) -> dict[str, Any]:
    """Create (or, dry, only validate and check) every item; one answer per item, in order."""
    _refuse_repeated_keys(items)
    context = batch_context(tx, scope, items)
    parties = _Parties(tx, scope.company_id)
    blank = blank_certificate(scope, certificates._company_name(tx, scope.enterprise_code))
    known = _known_keys(tx, scope.user.user_id, [i.key for i in items])
    errors: list[FieldError] = []
    for index, item in enumerate(items):
        try:
            _plan(tx, scope, item, context, parties, blank, item.key in known)
        except ValidationFailed as exc:
            errors += [_named(index, e) for e in exc.errors]
        except Conflict as exc:
            raise Conflict(
                f"item {index}: {exc.message_en}", f"第 {index} 条：{exc.message_zh}"
            ) from None
    if errors:
        raise ValidationFailed(errors, model="CertificateBatch")
    fresh = [i for i in items if i.certificate is not None]
    if not dry_run and fresh:
        _write(tx, scope, fresh)
    for index, item in enumerate(items):
        item.answer["index"] = index
    return {
        "dry_run": dry_run,
        "created": 0 if dry_run else len(fresh),
        "existing": len(items) - len(fresh),
        "items": [i.answer for i in items],
    }


def _plan(
    tx: Transaction,
    scope: Scope,
    item: BatchItem,
    context: CheckContext,
    parties: _Parties,
    blank: Certificate,
    known: bool,
) -> None:
    answer = {"idempotency_key": item.key, "findings": []}
    prior = replay(tx, scope.user.user_id, item.key, item.fingerprint) if known else None
    if prior is not None:  # created by an earlier run: nothing to do
        item.answer = {**answer, **prior[1], "outcome": "exists"}
        return
    cert = draft(item, parties, blank)
    findings = [f.to_dict() for f in check(cert, context)]
    if cert.invoice_number:
        context.used_invoices.add((cert.cert_type, cert.invoice_number))  # type: ignore[union-attr]
    item.certificate = cert
    item.answer = {
        **answer,
        "id": None,
        "version": None,
        "internal_number": None,
        "outcome": "would_create",
        "findings": findings,
    }


_CODES = {"exporter_code": "exporter", "importer_code": "importer", "producer_code": "producer"}


def draft(item: BatchItem, parties: _Parties, blank: Certificate) -> Certificate:
    """The certificate an item describes, as ``POST /certificates`` + goods would save it.

    The item's parts were validated when the request was read; they are put together on a
    ``blank`` certificate of the enterprise (``blank_certificate``), not validated again."""
    basic = item.basic
    given = basic.__dict__  # the validated fields, read as the model stores them
    fields = {name: given[name] for name in _INPUT_FIELDS}
    errors: list[FieldError] = []
    for code_field, party in _CODES.items():
        code = given[code_field]
        if code:
            fields[party] = parties.get(party, code, code_field, errors)
    codes = basic.special_clause_codes
    if codes:
        fields["special_clauses"] = [
            parties.get("special_clause", c, f"special_clause_codes.{i}", errors)
            for i, c in enumerate(codes)
        ]
    if errors:
        raise ValidationFailed(errors)
    fields["goods"] = [
        line if line.line_no == n else line.model_copy(update={"line_no": n})
        for n, line in enumerate(item.goods, 1)
    ]  # numbered 1, 2, 3… as PUT …/goods numbers them (a client may have done it already)
    return blank.model_copy(update=fields)


def blank_certificate(scope: Scope, company_name: str) -> Certificate:
    """A certificate with only the enterprise's part filled in, for ``draft`` to copy."""
    return Certificate.model_construct(
        cert_type="C",
        enterprise_code=scope.enterprise_code,
        ccpit_code=scope.ccpit_code,
        company_name_cn=company_name,
    )


_INPUT_FIELDS = tuple(
    name for name in Certificate.model_fields if name not in certificates.NOT_BASIC_INFO
)


class _Parties:
    """Base records named by code, read and validated once per batch."""

    def __init__(self, tx: Transaction, company_id: int) -> None:
        self._tx, self._company_id = tx, company_id
        self._known: dict[tuple[str, str], BaseModel | None] = {}

    def get(self, kind: str, code: str, field: str, errors: list[FieldError]) -> Any:
        key = (kind, code)
        if key not in self._known:
            try:
                doc = certificates._base_doc(self._tx, self._company_id, kind, code, field)
                self._known[key] = _PARTY_MODELS[kind].model_validate(doc)
            except ValidationFailed:
                self._known[key] = None
        found = self._known[key]
        if found is None:
            errors.append(
                FieldError(
                    field,
                    code,
                    f"the code of a saved {kind.replace('_', ' ')} (base data)",
                    f"基础资料中已保存的{certificates._KIND_ZH[kind]}编码",
                    "unknown_base_record",
                )
            )
        return found


def _write(tx: Transaction, scope: Scope, items: list[BatchItem]) -> None:
    """Store the batch's new certificates: rows, receipts, feed entries, idempotency keys —
    each table's rows in one ``executemany``, the feed's in the order single writes make
    them (a certificate's entry, then its receipt's)."""
    moment = now()
    at = iso(moment)
    year = moment.year
    company_id, user = scope.company_id, scope.user
    last_serial = _take_serials(tx, f"internal:{scope.enterprise_code}:{year}", len(items))
    next_id = int(tx.scalar("SELECT COALESCE(MAX(id), 0) FROM certificates")) + 1
    next_receipt = int(tx.scalar("SELECT COALESCE(MAX(id), 0) FROM receipts")) + 1
    first_serial = last_serial - len(items) + 1
    seen = int(authority_sees(certificates.ENTITY, {"status": CertificateStatus.DRAFT.value}))
    draft_status = CertificateStatus.DRAFT.value
    next_seq = int(tx.scalar("SELECT COALESCE(MAX(seq), 0) FROM changes")) + 1  # writers queue
    rows, receipts, changes, flat, keys = [], [], [], [], []
    for n, item in enumerate(items):
        assert item.certificate is not None
        cert_id, receipt_id = next_id + n, next_receipt + n
        number = internal_number(scope.enterprise_code, year, first_serial + n)
        cert = _numbered(item.certificate, cert_id, number, moment)
        columns = certificates._columns(cert)
        rows.append(
            (cert_id, company_id, number, None, user.user_id, at, at, 0, "", "[]",
             *columns.values())
        )  # fmt: skip
        receipt = {
            "id": receipt_id,
            "kind": certificates.ENTITY,
            "document_id": cert_id,
            "document_number": number,
            "from_status": None,
            "to_status": draft_status,
            "actor": user.username,
            "at": at,
            "reason": SAVED,
            "findings": [],
        }
        receipts.append(
            (receipt_id, company_id, certificates.ENTITY, cert_id, number, None, draft_status,
             user.username, at, SAVED, "[]")
        )  # fmt: skip
        view = _view_json(columns)
        seq = next_seq + 2 * n
        changes.append((seq, company_id, certificates.ENTITY, cert_id, at, view, seen))
        changes.append((seq + 1, company_id, "receipt", receipt_id, at, _dumps(receipt), seen))
        flat.append(
            (
                seq,
                company_id,
                seen,
                flatten(certificates.ENTITY, cert_id, "create", 1, json.loads(view)),
            )
        )
        flat.append(
            (seq + 1, company_id, seen, flatten("receipt", receipt_id, "create", 1, receipt))
        )
        made = {"id": cert_id, "version": 1, "internal_number": number}
        keys.append((user.user_id, item.key, item.fingerprint, 201, _dumps(made), at))
        item.answer.update(made, outcome="created")
    tx.execute_many(_insert_certificates(tuple(columns)), rows)  # every row has these columns
    tx.execute_many(_INSERT_RECEIPT, receipts)
    tx.execute_many(_INSERT_CHANGE, changes)
    tx.execute_many(FEED_ROWS_SQL, flat)  # the row form, as record_change writes it
    tx.execute_many(_INSERT_KEY, keys)
    tx.ids_taken("certificates")
    tx.ids_taken("receipts")


def _numbered(cert: Certificate, cert_id: int, number: str, moment: datetime) -> Certificate:
    """The planned draft as stored: its id, number, status, version 1 and creation time."""
    return cert.model_copy(
        update={
            "id": cert_id,
            "internal_number": number,
            "status": CertificateStatus.DRAFT,
            "version": 1,
            "created_at": moment,
        }
    )


def _insert_certificates(columns: tuple[str, ...]) -> str:
    names = _RECORD_COLUMNS + columns
    return f"INSERT INTO certificates ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


_RECORD_COLUMNS = (
    "id", "company_id", "internal_number", "original_id", "created_by", "created_at",
    "updated_at", "print_count", "void_reason", "findings",
)  # fmt: skip
_INSERT_RECEIPT = (
    "INSERT INTO receipts (id, company_id, kind, document_id, document_number, from_status, "
    "to_status, actor, at, reason, findings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_CHANGE = (
    "INSERT INTO changes (seq, company_id, entity, entity_id, op, version, at, data, authority) "
    "VALUES (?, ?, ?, ?, 'create', 1, ?, ?, ?)"
)
_INSERT_KEY = (
    "INSERT INTO idempotency_keys (user_id, key, request_hash, status_code, body, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
"""``feed.dumps`` with its encoder made once (``json.dumps`` makes one per call)."""

_VIEW_TAIL = ',"findings":[],"print_count":0,"void_reason":"","original_id":null}'


def _view_json(columns: dict[str, Any]) -> str:
    """A new draft as the API shows it (``certificates.view``), from its stored document: the
    same JSON without building and encoding the view once more."""
    return columns["doc"][:-1] + _VIEW_TAIL


def _take_serials(tx: Transaction, series: str, count: int) -> int:
    """Reserve ``count`` numbers of a series at once; returns the last one."""
    value = tx.scalar(
        "UPDATE counters SET value = value + ? WHERE series = ? RETURNING value", (count, series)
    )
    if value is None:
        tx.execute("INSERT INTO counters (series, value) VALUES (?, ?)", (series, count))
        value = count
    return int(value)


def batch_context(tx: Transaction, scope: Scope, items: list[BatchItem]) -> CheckContext:
    """What the rules need for the whole batch, read once: the registration, the approved
    filings of the batch's HS codes and the live certificates using the batch's invoices
    (the set grows as items are checked, so two items with one invoice are caught too)."""
    company_id = scope.company_id
    invoices = sorted({getattr(i.basic, "invoice_number", "") for i in items} - {""})
    used: set[tuple[str, str]] = set()
    for chunk in _chunks(invoices):
        marks = ", ".join("?" for _ in chunk)
        used.update(
            (r["cert_type"], r["invoice_number"])
            for r in tx.all(
                f"SELECT cert_type, invoice_number FROM certificates WHERE company_id = ? "
                f"AND status <> 'void' AND invoice_number IN ({marks})",
                (company_id, *chunk),
            )
        )
    hs6 = sorted({line.hs_code[:6] for i in items for line in i.goods})
    filings: list[ProductFiling] = []
    for chunk in _chunks(hs6):
        marks = ", ".join("?" for _ in chunk)
        filings.extend(
            ProductFiling.model_validate_json(r["doc"])
            for r in tx.all(
                f"SELECT doc FROM product_filings WHERE company_id = ? "
                f"AND substr(hs_code, 1, 6) IN ({marks})",
                (company_id, *chunk),
            )
        )
    enterprise, _policy = registration(tx, company_id)
    return CheckContext(
        today=china_today(),
        enterprise=enterprise
        or EnterpriseFiling(
            enterprise_code=scope.enterprise_code,
            ccpit_code=scope.ccpit_code,
            name_en="?",
            filed=False,
        ),
        approved_filings=filings,
        used_invoices=used,
    )


def _known_keys(tx: Transaction, user_id: int, keys: list[str]) -> set[str]:
    """Which of the batch's keys were used before (``replay`` then looks at each of those)."""
    known: set[str] = set()
    for chunk in _chunks(keys):
        marks = ", ".join("?" for _ in chunk)
        known.update(
            r["key"]
            for r in tx.all(
                f"SELECT key FROM idempotency_keys WHERE user_id = ? AND key IN ({marks})",
                (user_id, *chunk),
            )
        )
    return known


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


def _refuse_repeated_keys(items: list[BatchItem]) -> None:
    seen: dict[str, int] = {}
    errors = []
    for index, item in enumerate(items):
        if item.key in seen:
            errors.append(
                FieldError(
                    f"items.{index}.idempotency_key",
                    item.key,
                    f"a key of its own (item {seen[item.key]} has this one)",
                    f"本条目独有的幂等键（第 {seen[item.key]} 条已使用）",
                    "duplicate_key",
                )
            )
        seen.setdefault(item.key, index)
    if errors:
        raise ValidationFailed(errors, model="CertificateBatch")


def _named(index: int, error: FieldError) -> FieldError:
    """An item's error, named by the item: ``importer_code`` → ``items.3.certificate.…``."""
    inner = error.field
    if not (inner == "goods" or inner.startswith("goods.")):
        inner = f"certificate.{inner}"
    return FieldError(
        f"items.{index}.{inner}", error.value, error.expected_en, error.expected_zh, error.code
    )
