"""Bulk corrections (批量修改): one change made to many drafts, seen before it is made.

    fix = drafts[["id", "version"]].assign(**{"importer.address_en": "NEW ADDRESS"})
    plan = client.bulk_update(fix)            # dry run: nothing is written
    plan.diff                                  # id, field, before, after
    plan.findings                              # what the review rules say afterwards
    done = plan.apply()                        # exactly what was reviewed (see below)
    client.audit(certificate_id=17)            # who changed what, when

The frame has a certificate ``id`` per row, optionally the ``version`` read, and one column
per field to change: a column of the bulk sheet (``importer.address_en``, its Chinese or
English header…), any dotted field path (``goods.0.hs_code``, ``remarks``), or
``importer_code`` & co. to pick a party from base data. A blank cell changes nothing. Goods
columns of the sheet (``goods.hs_code``) need a ``line_no`` column (1 = the first line); one
certificate may take several rows, one per goods line.

Every row gets its own outcome — the service plans each certificate on its own: ``applied``
(or ``would_apply``), ``unchanged``, ``not_found`` (404), ``stale`` (409: changed since the
version read), ``not_editable`` (409: not a draft or returned certificate), ``invalid``
(422, with the fields). Failed rows change nothing and the others are applied, unless
``all_or_nothing=True``: then one failed row and none is applied (``not_applied``).

Versions: ``plan.apply()`` sends the versions the dry run read, so a certificate someone
edited in between is ``stale``, not overwritten. A frame with a ``version`` column is
applied against those versions. ``bulk_update(frame, dry_run=False)`` without versions reads
them and applies at once. Each applied change is in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coo_lab.domain.rules import FORMAT_RULE
from coo_lab.errors import FieldError, ValidationFailed
from coo_lab.sheet import blank, cell, column_for

if TYPE_CHECKING:
    import pandas as pd

    from coo_lab.client import Client

PATH = "/api/v1/certificates/corrections"
CHUNK = 1000
MAX_ALL_OR_NOTHING = 2000
SPECIAL = ("id", "version", "line_no")
OUTCOME_COLUMNS = ["id", "rows", "outcome", "status_code", "version", "changes", "message_en",
                   "message_zh"]  # fmt: skip
DIFF_COLUMNS = ["id", "rows", "field", "before", "after"]
FINDING_COLUMNS = ["id", "row", "severity", "code", "field", "value", "message_en", "message_zh"]


@dataclass
class _Wanted:
    """One certificate's changes, merged from its rows of the frame."""

    id: int
    rows: list[Any] = field(default_factory=list)
    version: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    line_rows: dict[int, Any] = field(default_factory=dict)  # goods index → frame row

    def request(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "changes": self.changes}

    def row_of(self, path: str) -> Any:
        parts = path.split(".")
        if parts[0] == "goods" and len(parts) > 1 and parts[1].isdigit():
            return self.line_rows.get(int(parts[1]), self.rows[0])
        return self.rows[0]


@dataclass
class BulkUpdateReport:
    """The outcome per certificate, the field-by-field diff and the findings."""

    dry_run: bool
    all_or_nothing: bool
    outcomes: pd.DataFrame
    diff: pd.DataFrame
    findings: pd.DataFrame
    batch: str = ""
    _client: Client | None = field(default=None, repr=False)
    _wanted: list[_Wanted] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        """Every certificate could be (or was) corrected."""
        return bool((self.outcomes["status_code"] < 400).all())

    def apply(self) -> BulkUpdateReport:
        """Apply what this dry run showed, against the versions it read."""
        if not self.dry_run or self._client is None:
            raise ValidationFailed(
                [FieldError("dry_run", self.dry_run, "a dry run's report", "预检的结果", "not_dry")]
            )
        read = dict(zip(self.outcomes["id"], self.outcomes["version"], strict=True))
        for wanted in self._wanted:
            if wanted.version is None and not blank(read.get(wanted.id)):
                wanted.version = int(read[wanted.id])
        return _run(self._client, self._wanted, dry_run=False, all_or_nothing=self.all_or_nothing)

    def __repr__(self) -> str:
        counts = self.outcomes["outcome"].value_counts().to_dict()
        outcomes = ", ".join(f"{n} {o}" for o, n in counts.items()) or "nothing"
        kind = "dry run" if self.dry_run else "done"
        return (
            f"<BulkUpdateReport ({kind}): {len(self.outcomes)} certificate(s) — {outcomes}; "
            f"{len(self.diff)} field change(s)>"
        )


def bulk_update(
    client: Client, frame: pd.DataFrame, *, dry_run: bool = True, all_or_nothing: bool = False
) -> BulkUpdateReport:
    """Correct many drafts at once; see the module documentation."""
    wanted = wanted_changes(frame)
    if all_or_nothing and len(wanted) > MAX_ALL_OR_NOTHING:
        raise ValidationFailed(
            [
                FieldError(
                    "all_or_nothing",
                    len(wanted),
                    f"at most {MAX_ALL_OR_NOTHING} certificates in one all-or-nothing correction",
                    f"“全部成功或全部不执行”一次最多 {MAX_ALL_OR_NOTHING} 份证书",
                    "too_many",
                )
            ]
        )
    if not dry_run and any(w.version is None for w in wanted):
        plan = _run(client, wanted, dry_run=True, all_or_nothing=all_or_nothing)
        return plan.apply()
    return _run(client, wanted, dry_run=dry_run, all_or_nothing=all_or_nothing)


def wanted_changes(frame: pd.DataFrame) -> list[_Wanted]:
    """The frame's rows merged per certificate id; contradictions are refused up front."""
    if "id" not in frame.columns:
        raise ValidationFailed(
            [FieldError("id", None, "a column of certificate ids", "证书编号（id）列", "missing")]
        )
    columns = {name: column_for(name) for name in frame.columns if name not in SPECIAL}
    found: dict[int, _Wanted] = {}
    errors: list[FieldError] = []
    for label, row in zip(frame.index, frame.to_dict("records"), strict=True):
        cert_id = _whole(row.get("id"), f"row {label}: id", errors)
        if cert_id is None:
            continue
        wanted = found.setdefault(cert_id, _Wanted(cert_id))
        wanted.rows.append(label)
        version = _whole(row.get("version"), f"row {label}: version", errors, optional=True)
        if version is not None:
            wanted.version = version
        line_no = _whole(row.get("line_no"), f"row {label}: line_no", errors, optional=True)
        for name, column in columns.items():
            value = row[name]
            if blank(value):
                continue
            path = _path(name, column, line_no, label, errors)
            if path is None:
                continue
            new = cell(column, value)
            if path in wanted.changes and wanted.changes[path] != new:
                errors.append(
                    FieldError(
                        f"row {label}: {name}",
                        new,
                        f"the same value as the certificate's other row ({wanted.changes[path]!r})",
                        f"与该证书其他行相同的值（{wanted.changes[path]!r}）",
                        "contradiction",
                    )
                )
            wanted.changes[path] = new
            if line_no is not None:
                wanted.line_rows[line_no - 1] = label
    if errors:
        raise ValidationFailed(errors, model="corrections")
    return list(found.values())


def _whole(value: Any, where: str, errors: list[FieldError], *, optional: bool = False):
    if blank(value):
        if not optional:
            errors.append(FieldError(where, None, "a certificate id", "证书编号", "missing"))
        return None
    try:
        number = int(value)
        if number == float(value) and number >= 1:
            return number
    except (TypeError, ValueError, OverflowError):
        pass
    errors.append(FieldError(where, value, "a whole number ≥ 1", "不小于 1 的整数", "int_parsing"))
    return None


def _path(name: Any, column: Any, line_no: int | None, label: Any, errors: list) -> str | None:
    if column is None:
        return str(name)
    if column.level == "certificate":
        return column.key
    if line_no is None:
        errors.append(
            FieldError(
                f"row {label}: {name}",
                None,
                "a line_no column saying which goods line to change (1 = the first)",
                "line_no 列，指明修改哪一行商品（1 为第一行）",
                "missing_line_no",
            )
        )
        return None
    return f"goods.{line_no - 1}.{column.field}"


def _run(
    client: Client, wanted: list[_Wanted], *, dry_run: bool, all_or_nothing: bool
) -> BulkUpdateReport:
    sendable = [w for w in wanted if w.changes]
    size = len(sendable) if all_or_nothing else CHUNK
    answers: list[dict[str, Any]] = []
    batches: list[str] = []
    for start in range(0, len(sendable), max(size, 1)):
        body = {
            "rows": [w.request() for w in sendable[start : start + size]],
            "dry_run": dry_run,
            "all_or_nothing": all_or_nothing,
        }
        answer = client.request("POST", PATH, json=body)
        answers += answer["rows"]
        batches.append(answer["batch"])
    return _report(client, wanted, sendable, answers, dry_run, all_or_nothing, batches)


def _report(
    client: Client,
    wanted: list[_Wanted],
    sent: list[_Wanted],
    answers: list[dict[str, Any]],
    dry_run: bool,
    all_or_nothing: bool,
    batches: list[str],
) -> BulkUpdateReport:
    import pandas as pd

    outcomes, diff, findings = [], [], []
    by_id = {w.id: a for w, a in zip(sent, answers, strict=True)}
    for w in wanted:
        answer = by_id.get(w.id) or _nothing_given(w)
        outcomes.append(
            {
                "id": w.id,
                "rows": list(w.rows),
                **{k: answer[k] for k in ("outcome", "status_code", "version")},
                "changes": len(answer["changes"]),
                "message_en": answer["message_en"],
                "message_zh": answer["message_zh"],
            }
        )
        diff += [{"id": w.id, "rows": list(w.rows), **c} for c in answer["changes"]]
        for f in answer["findings"]:
            findings.append({"id": w.id, "row": w.row_of(f["field"]), **_finding(f), "value": None})
        for e in answer["errors"]:
            findings.append(
                {
                    "id": w.id,
                    "row": w.row_of(e["field"]),
                    "severity": "error",
                    "code": FORMAT_RULE,
                    "field": e["field"],
                    "value": e["value"],
                    "message_en": e["message_en"],
                    "message_zh": e["message_zh"],
                }
            )
    return BulkUpdateReport(
        dry_run,
        all_or_nothing,
        pd.DataFrame(outcomes, columns=OUTCOME_COLUMNS).astype({"version": "Int64"}),
        pd.DataFrame(diff, columns=DIFF_COLUMNS),
        pd.DataFrame(findings, columns=FINDING_COLUMNS),
        ",".join(b for b in batches if b),
        client,
        wanted,
    )


def _finding(found: dict[str, Any]) -> dict[str, Any]:
    keys = ("severity", "code", "field", "message_en", "message_zh")
    return {k: found[k] for k in keys}


def _nothing_given(w: _Wanted) -> dict[str, Any]:
    return {
        "outcome": "unchanged",
        "status_code": 200,
        "version": w.version,
        "changes": [],
        "findings": [],
        "errors": [],
        "message_en": "no values given: nothing to change",
        "message_zh": "未填写任何值：无需修改",
    }
