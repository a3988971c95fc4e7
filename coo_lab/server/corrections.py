"""Corrections (批量修改): the same kind of change made to many drafts at once.

A correction names a certificate, the version the caller read and the fields to change, by
their dotted paths in the certificate (``importer.address_en``, ``goods.0.hs_code``,
``remarks``), or a party picked from base data by code (``importer_code``). Each row is
planned first — the certificate loaded, the version compared, the changes applied to a copy,
the copy validated by the model and checked with the review rules in the full context — and
answers with the field-by-field diff (before/after), its findings and its own outcome:

- ``would_apply`` (dry run), ``applied``, ``unchanged`` (the values are already there);
- ``not_found`` (404: no such certificate of the caller's company), ``stale`` (409: changed
  since the caller read it, or applied without a version; a dry run may leave it out and
  answers with the version it read), ``not_editable`` (409: only drafts and
  returned certificates may be corrected), ``invalid`` (422: the errors name the fields);
- ``not_applied`` (``all_or_nothing``: this row was fine but another one failed).

Rows are independent by default: the good ones are applied, each failed one says why and
changes nothing. With ``all_or_nothing`` one failed row means none is applied. An applied
row saves the certificate (version + 1, change feed) and writes one audit entry per changed
field, in the same transaction. A dry run runs in a read transaction and writes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from coo_lab.domain.certificate import NOT_BASIC_INFO, Certificate
from coo_lab.domain.lifecycle import CertificateAction, certificate_transition
from coo_lab.errors import (
    Conflict,
    CooLabError,
    FieldError,
    IllegalTransition,
    NotFound,
    ValidationFailed,
)
from coo_lab.server import audit, certificates, review
from coo_lab.server.concurrency import check_version
from coo_lab.server.db import Row, Transaction
from coo_lab.server.deps import Scope

PARTY_CODES = frozenset({"exporter_code", "importer_code", "producer_code", "special_clause_codes"})
"""Pseudo-fields that pick a party (or special clauses) from base data, as on create."""

_EDITABLE = frozenset(Certificate.model_fields) - NOT_BASIC_INFO
_OUTCOMES = {
    NotFound: ("not_found", 404),
    IllegalTransition: ("not_editable", 409),
    Conflict: ("stale", 409),
    ValidationFailed: ("invalid", 422),
}


@dataclass(slots=True)
class Plan:
    """One row's correction worked out: what it would change and what the rules say."""

    index: int
    cert_id: int
    row: Row | None = None
    updated: Certificate | None = None
    changes: list[audit.FieldChange] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    error: CooLabError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def correct(
    tx: Transaction,
    scope: Scope,
    rows: list[dict[str, Any]],
    *,
    dry_run: bool,
    all_or_nothing: bool = False,
) -> dict[str, Any]:
    """Plan every row, then apply the good ones (or none of them; see the module doc)."""
    plans = []
    seen: dict[int, int] = {}
    for index, wanted in enumerate(rows):
        plan = Plan(index, wanted["id"])
        if wanted["id"] in seen:
            plan.error = _repeated(wanted["id"], seen[wanted["id"]])
        else:
            seen[wanted["id"]] = index
            try:
                _plan(tx, scope, plan, wanted.get("version"), wanted["changes"], dry_run)
            except CooLabError as exc:
                plan.error = exc
        plans.append(plan)
    blocked = all_or_nothing and any(not p.ok for p in plans)
    batch = "" if dry_run or blocked else uuid.uuid4().hex
    answers = [_apply_or_answer(tx, scope, p, dry_run, blocked, batch) for p in plans]
    return {
        "dry_run": dry_run,
        "all_or_nothing": all_or_nothing,
        "batch": batch,
        "applied": sum(a["outcome"] == "applied" for a in answers),
        "failed": sum(a["status_code"] >= 400 for a in answers),
        "rows": answers,
    }


def _plan(
    tx: Transaction,
    scope: Scope,
    plan: Plan,
    version: int | None,
    changes: dict[str, Any],
    dry_run: bool,
) -> None:
    plan.row, cert = certificates.load(tx, scope.company_id, plan.cert_id)
    if version is not None or not dry_run:  # a dry run without a version reads the current one
        check_version(plan.row, version, certificates.ENTITY)
    certificate_transition(cert.status, CertificateAction.SAVE)
    before = cert.model_dump(mode="json")
    after = apply_changes(tx, scope.company_id, before, changes)
    plan.updated = Certificate.model_validate(after)
    plan.changes = diff(before, plan.updated.model_dump(mode="json"))
    if plan.changes:
        plan.findings = [
            f.to_dict() for f in review.run_check(tx, scope.company_id, plan.row, plan.updated)
        ]


def _apply_or_answer(
    tx: Transaction, scope: Scope, plan: Plan, dry_run: bool, blocked: bool, batch: str
) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "index": plan.index,
        "id": plan.cert_id,
        "version": plan.row["version"] if plan.row else None,
        "changes": [c.to_dict() for c in plan.changes],
        "findings": plan.findings,
        "errors": [],
    }
    if plan.error is not None:
        outcome, status = _outcome(plan.error)
        errors = plan.error.errors if isinstance(plan.error, ValidationFailed) else []
        return {
            **answer,
            "outcome": outcome,
            "status_code": status,
            "message_en": plan.error.message_en,
            "message_zh": plan.error.message_zh,
            "errors": [e.to_dict() for e in errors],
            "changes": [],
            "findings": [],
        }
    if not plan.changes:
        return {**answer, **_said("unchanged", "the values are already there", "已是这些值")}
    if blocked:
        return {
            **answer,
            **_said(
                "not_applied",
                "not applied: another row failed and all_or_nothing was asked",
                "未执行：其他行失败，且要求全部成功或全部不执行",
            ),
        }
    if dry_run:
        return {**answer, **_said("would_apply", "would be applied", "将被修改")}
    assert plan.row is not None and plan.updated is not None
    shown = certificates.save(tx, plan.row, plan.updated)
    audit.record(
        tx,
        company_id=scope.company_id,
        user=scope.user,
        entity=certificates.ENTITY,
        entity_id=plan.cert_id,
        document_number=plan.updated.internal_number or "",
        version=shown["version"],
        changes=plan.changes,
        batch=batch,
    )
    return {**answer, "version": shown["version"], **_said("applied", "applied", "已修改")}


def _outcome(error: CooLabError) -> tuple[str, int]:
    for kind, answer in _OUTCOMES.items():
        if isinstance(error, kind):
            return answer
    return "refused", error.status_code


def _said(outcome: str, en: str, zh: str) -> dict[str, Any]:
    return {"outcome": outcome, "status_code": 200, "message_en": en, "message_zh": zh}


def _repeated(cert_id: int, first: int) -> ValidationFailed:
    return ValidationFailed(
        [
            FieldError(
                "id",
                cert_id,
                f"a certificate not already in the request (row {first} has it); put all "
                "of one certificate's changes in one row",
                f"请求中未出现过的证书（第 {first} 行已包含）；同一证书的修改请放在一行",
                "duplicate_row",
            )
        ],
        model="Correction",
    )


# --- changes and diffs ----------------------------------------------------------------------


def apply_changes(
    tx: Transaction, company_id: int, doc: dict[str, Any], changes: dict[str, Any]
) -> dict[str, Any]:
    """A copy of the certificate's JSON with the changes made; every bad path is reported.

    Parties picked by code come first, so a field path can then adjust the copy taken from
    base data (``importer_code`` and ``importer.address_en`` together)."""
    out = _copy(doc)
    codes = {k: v for k, v in changes.items() if k in PARTY_CODES}
    errors = [e for k, v in codes.items() if (e := _code_error(k, v)) is not None]
    if errors:
        raise ValidationFailed(errors, model="Correction")
    out.update(certificates._resolve_parties(tx, company_id, codes))
    for path, value in changes.items():
        if path not in PARTY_CODES and (error := _set(out, path, value)) is not None:
            errors.append(error)
    if errors:
        raise ValidationFailed(errors, model="Correction")
    return out


def _code_error(path: str, value: Any) -> FieldError | None:
    if path == "special_clause_codes":
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return None
        return FieldError(
            path, value, "a list of special clause codes", "特殊条款编码的列表", "list_type"
        )
    if value is None or isinstance(value, str):
        return None
    return FieldError(path, value, "the code of a saved base record", "基础资料编码", "string_type")


def _set(doc: dict[str, Any], path: str, value: Any) -> FieldError | None:
    parts = path.split(".")
    if parts[0] not in _EDITABLE and parts[0] != "goods":
        return _bad_path(path, value, parts[0] in Certificate.model_fields)
    if parts[0] == "goods" and (len(parts) < 3 or not parts[1].isdigit()):
        return FieldError(
            path,
            value,
            "a goods line's field as goods.<index>.<field>, e.g. goods.0.hs_code",
            "商品行字段，格式为 goods.<序号>.<字段>，如 goods.0.hs_code",
            "bad_path",
        )
    cursor: Any = doc
    for depth, part in enumerate(parts[:-1]):
        if isinstance(cursor, list):
            index = int(part) if part.isdigit() else -1
            if not 0 <= index < len(cursor):
                where = ".".join(parts[:depth])
                return FieldError(
                    path,
                    value,
                    f"an index below {len(cursor)} ({where} has {len(cursor)} item(s))",
                    f"小于 {len(cursor)} 的序号（{where} 共 {len(cursor)} 项）",
                    "bad_index",
                )
            cursor = cursor[index]
        elif isinstance(cursor, dict):
            if cursor.get(part) is None:
                cursor[part] = {}  # a party not there yet: the model says what it still needs
            cursor = cursor[part]
        else:
            return FieldError(
                path, value, "a path into an object", "指向对象内部的路径", "bad_path"
            )
    if isinstance(cursor, list):
        return FieldError(path, value, "a field of a list's item", "列表中某一项的字段", "bad_path")
    if not isinstance(cursor, dict):
        return FieldError(path, value, "a path into an object", "指向对象内部的路径", "bad_path")
    cursor[parts[-1]] = value
    return None


def _bad_path(path: str, value: Any, read_only: bool) -> FieldError:
    if read_only:
        return FieldError(
            path,
            value,
            "a field the enterprise may change (not the record's id, status, numbers, dates "
            "of review or the enterprise's own codes)",
            "企业可修改的字段（不含编号、状态、证书号、审核日期及企业自身编码）",
            "read_only",
        )
    return FieldError(
        path,
        value,
        "a field of the certificate, e.g. importer.address_en, remarks, goods.0.hs_code, or "
        "importer_code to pick an importer from base data",
        "证书的字段，如 importer.address_en、remarks、goods.0.hs_code，或用 importer_code "
        "从基础资料选取进口商",
        "unknown_field",
    )


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def diff(before: Any, after: Any, path: str = "") -> list[audit.FieldChange]:
    """Every leaf that differs, by dotted path (``goods.1.hs_code``); ``None`` for absent."""
    if isinstance(before, dict) and isinstance(after, dict):
        out = []
        for key in list(before) + [k for k in after if k not in before]:
            out += diff(before.get(key), after.get(key), f"{path}.{key}" if path else key)
        return out
    if isinstance(before, list) and isinstance(after, list):
        out = []
        for i in range(max(len(before), len(after))):
            out += diff(
                before[i] if i < len(before) else None,
                after[i] if i < len(after) else None,
                f"{path}.{i}",
            )
        return out
    if isinstance(before, dict | list) and after is None:
        return diff(before, type(before)(), path) or [audit.FieldChange(path, before, None)]
    if isinstance(after, dict | list) and before is None:
        return diff(type(after)(), after, path) or [audit.FieldChange(path, None, after)]
    return [] if before == after else [audit.FieldChange(path, before, after)]
