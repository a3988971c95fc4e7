"""Bulk creation (批量导入): certificates from a DataFrame or an Excel sheet, dry run first.

    report = client.bulk_create("orders.xlsx")          # dry run: nothing is written
    report.certificates                                  # what would be created, per invoice
    report.findings                                      # per sheet row and column
    report = client.bulk_create("orders.xlsx", dry_run=False)
    report.ids                                           # the drafts' ids

One row per goods line; the rows of one invoice are one certificate (``coo_lab.sheet`` defines
the columns). The service validates every certificate with the models — a value that does
not fit is reported at its row and column, and that certificate is not created — and checks
it with the review rules in the full context (registration, hand-signers, approved product
filings, invoice numbers already in use). Rule findings are reported, not blocking: the
certificates are saved as drafts (暂存), to be corrected and submitted.

Creating is idempotent: each certificate carries a key derived from its content, so running
the same sheet again creates nothing twice (those certificates answer ``exists``). A
certificate is created whole or not at all; the service takes them in batches of
``CHUNK`` in one transaction each, two batches in flight at a time. A batch is made (its
items, keys and JSON) by the thread that sends it, so the first one leaves as soon as the
sheet is grouped and the others are made while the service works: each item is encoded
once, for its key and for the request alike.
"""

from __future__ import annotations

import hashlib
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coo_lab.domain.rules import FORMAT_RULE
from coo_lab.errors import FieldError, ServiceUnavailable, ValidationFailed
from coo_lab.rows import Group, Problem, groups
from coo_lab.sheet import BY_KEY, normalize

if TYPE_CHECKING:
    import pandas as pd

    from coo_lab.client import Client

CHUNK = 500
SENDERS = 2
BATCH_PATH = "/api/v1/certificates/batch"
FINDING_COLUMNS = [
    "row", "cell", "column", "header", "invoice_number", "severity", "code", "field", "value",
    "message_en", "message_zh",
]  # fmt: skip
CERTIFICATE_COLUMNS = [
    "invoice_number", "cert_type", "rows", "lines", "outcome", "id", "internal_number",
    "errors", "warnings", "idempotency_key",
]  # fmt: skip


@dataclass
class BulkCreateReport:
    """What a bulk creation did (or, dry, would do): one row per certificate, and the findings
    per sheet row and column (``row`` is the DataFrame's index label, or the Excel row)."""

    dry_run: bool
    certificates: pd.DataFrame
    findings: pd.DataFrame
    source: Path | None = None  # the Excel file it came from

    @property
    def ok(self) -> bool:
        """No errors: every certificate can be (or was) created and would pass the rules."""
        return not (self.findings["severity"] == "error").any()

    @property
    def ids(self) -> list[int]:
        done = self.certificates["outcome"].isin(["created", "exists"])
        return [int(i) for i in self.certificates.loc[done, "id"]]

    def to_excel(self, path: str | Path) -> Path:
        """The report as a workbook: from an Excel source, a copy of it with each finding as a
        comment on its cell; always, sheets listing the findings and the outcomes."""
        from coo_lab.excel import annotate

        return annotate(path, self.findings, self.certificates, self.source)

    def __repr__(self) -> str:
        counts = self.certificates["outcome"].value_counts().to_dict()
        severity = self.findings["severity"].value_counts().to_dict()
        kind = "dry run" if self.dry_run else "done"
        outcomes = ", ".join(f"{n} {o}" for o, n in counts.items()) or "nothing"
        return (
            f"<BulkCreateReport ({kind}): {len(self.certificates)} certificate(s) — {outcomes}; "
            f"{severity.get('error', 0)} error(s), {severity.get('warning', 0)} warning(s)>"
        )


@dataclass
class _Planned:
    """One certificate on its way: its rows, what is sent, what came back."""

    group: Group
    key: str | None = None
    sent: str | None = None  # the item as sent: JSON text with its key
    outcome: str = "invalid"
    answer: dict[str, Any] = field(default_factory=dict)
    findings: list[dict[str, Any]] = field(default_factory=list)


def bulk_create(
    client: Client, source: Any, *, dry_run: bool = True, chunk_size: int = CHUNK
) -> BulkCreateReport:
    """Create (or, dry, validate and check) the certificates a sheet describes."""
    frame, letters = read_source(source)
    found, orphans = groups(frame)
    planned = [_plan(group, letters) for group in found]
    ready = [p for p in planned if not p.group.problems]
    chunks = [ready[start : start + chunk_size] for start in range(0, len(ready), chunk_size)]
    # two batches in flight: one is made and sent while the service works on the other
    with ThreadPoolExecutor(max_workers=SENDERS) as pool:
        list(pool.map(lambda chunk: _send(client, chunk, frame, letters, dry_run), chunks))
    report = _report(planned, orphans, frame, letters, dry_run)
    report.source = Path(source) if isinstance(source, str | Path) else None
    return report


def read_source(source: Any) -> tuple[pd.DataFrame, dict[str, str]]:
    """The sheet as a frame named by column keys, and (Excel) each key's column letter."""
    import pandas as pd

    if isinstance(source, str | Path):
        from coo_lab import excel

        frame = excel.read(source)
        return frame, dict(frame.attrs.get("letters", {}))
    if not isinstance(source, pd.DataFrame):
        source = pd.DataFrame(source)
    if not source.index.is_unique:  # findings name rows by their label
        raise ValidationFailed(
            [
                FieldError(
                    "index",
                    None,
                    "a row label per row (e.g. frame.reset_index(drop=True))",
                    "每行唯一的行标签（如 frame.reset_index(drop=True)）",
                    "repeated_index",
                )
            ],
            model="sheet",
        )
    return normalize(source), {}


def item_key(item: dict[str, Any]) -> str:
    """The idempotency key of a certificate: a digest of exactly what is sent."""
    return _keyed(item)[0]


def _keyed(item: dict[str, Any]) -> tuple[str, str]:
    """(the item's key, the item as JSON text with its key): one encoding serves both."""
    content = json.dumps(item, sort_keys=True, separators=(",", ":"))
    key = "bulk-" + hashlib.sha256(content.encode()).hexdigest()[:40]
    return key, f'{{"idempotency_key":"{key}",{content[1:]}'


def _plan(group: Group, letters: dict[str, str]) -> _Planned:
    """A certificate's rows; rows that disagree keep it from being sent (what is sent is
    made later, by the thread that sends it)."""
    plan = _Planned(group)
    plan.findings = [_problem_finding(p, group.invoice, letters) for p in group.problems]
    return plan


def _make(plan: _Planned) -> None:
    """What is sent for one invoice's rows: basic info and goods, its key, its JSON."""
    basic, goods = plan.group.body()
    plan.key, plan.sent = _keyed({"certificate": basic, "goods": goods})


def _send(
    client: Client,
    chunk: list[_Planned],
    frame: pd.DataFrame,
    letters: dict[str, str],
    dry_run: bool,
) -> None:
    """One batch; items the service refuses are reported and the rest sent again, so one
    bad certificate never holds back the others."""
    for plan in chunk:
        if plan.sent is None:
            _make(plan)
    while chunk:
        try:
            answer = _post(client, _body([p.sent for p in chunk], dry_run))  # type: ignore[misc]
        except ValidationFailed as exc:
            refused = _refused_items(exc, len(chunk))
            if not refused:
                raise
            for index, errors in refused.items():
                plan = chunk[index]
                plan.sent = None
                plan.findings += [_error_finding(plan.group, e, frame, letters) for e in errors]
            chunk = [p for i, p in enumerate(chunk) if i not in refused]
            continue
        for plan, item in zip(chunk, answer["items"], strict=True):
            plan.outcome, plan.answer = item["outcome"], item
            plan.findings += [
                _rule_finding(plan.group, f, frame, letters) for f in item["findings"]
            ]
        return


def _body(items: list[str], dry_run: bool) -> bytes:
    """The batch request from its items' JSON texts."""
    return f'{{"items":[{",".join(items)}],"dry_run":{json.dumps(dry_run)}}}'.encode()


def _post(client: Client, body: bytes) -> dict[str, Any]:
    """POST a batch, retried on connection trouble: its items' keys make a retry safe."""
    for attempt in range(client.retries + 1):
        try:
            return client.request("POST", BATCH_PATH, json_bytes=body)
        except ServiceUnavailable:
            if attempt == client.retries:
                raise
            time.sleep(0.2 * 2**attempt)
    raise AssertionError("unreachable")


def _refused_items(exc: ValidationFailed, size: int) -> dict[int, list[FieldError]]:
    """The service's errors by item: ``items.3.certificate.invoice_date`` → item 3,
    ``invoice_date``."""
    out: dict[int, list[FieldError]] = {}
    for e in exc.errors:
        parts = e.field.split(".", 2)
        if len(parts) < 2 or parts[0] != "items" or not parts[1].isdigit():
            return {}
        index = int(parts[1])
        if index >= size:
            return {}
        inner = parts[2].removeprefix("certificate.") if len(parts) == 3 else "(certificate)"
        out.setdefault(index, []).append(
            FieldError(inner, e.value, e.expected_en, e.expected_zh, e.code)
        )
    return out


# --- findings at their rows ---------------------------------------------------------------


def _finding(
    group_invoice: str,
    row: Any,
    column: str | None,
    letters: dict[str, str],
    **rest: Any,
) -> dict[str, Any]:
    letter = letters.get(column or "")
    return {
        "row": row,
        "cell": f"{letter}{row}" if letter else None,
        "column": column,
        "header": BY_KEY[column].zh if column in BY_KEY else None,
        "invoice_number": group_invoice,
        **rest,
    }


def _cell_value(frame: pd.DataFrame, row: Any, column: str | None) -> Any:
    if column is None or column not in frame.columns:
        return None
    value = frame.at[row, column]
    return None if value is None or value != value else value


def _rule_finding(
    group: Group, found: dict[str, Any], frame: pd.DataFrame, letters: dict[str, str]
) -> dict[str, Any]:
    row, column = group.locate(found["field"])
    return _finding(
        group.invoice,
        row,
        column,
        letters,
        severity=found["severity"],
        code=found["code"],
        field=found["field"],
        value=_cell_value(frame, row, column),
        message_en=found["message_en"],
        message_zh=found["message_zh"],
    )


def _error_finding(
    group: Group, error: FieldError, frame: pd.DataFrame, letters: dict[str, str]
) -> dict[str, Any]:
    row, column = group.locate(error.field)
    return _finding(
        group.invoice,
        row,
        column,
        letters,
        severity="error",
        code=FORMAT_RULE,
        field=error.field,
        value=error.value,
        message_en=error.message_en,
        message_zh=error.message_zh,
    )


def _problem_finding(problem: Problem, invoice: str | None, letters: dict[str, str]) -> dict:
    return _finding(
        invoice,
        problem.row,
        problem.column,
        letters,
        severity="error",
        code=problem.code,
        field=problem.column,
        value=problem.value,
        message_en=problem.message_en,
        message_zh=problem.message_zh,
    )


def _report(
    planned: list[_Planned],
    orphans: list[Problem],
    frame: pd.DataFrame,
    letters: dict[str, str],
    dry_run: bool,
) -> BulkCreateReport:
    import pandas as pd

    certificates, findings = [], [_problem_finding(p, None, letters) for p in orphans]
    for plan in planned:
        severities = [f["severity"] for f in plan.findings]
        certificates.append(
            {
                "invoice_number": plan.group.invoice,
                "cert_type": plan.group.values.get("cert_type"),
                "rows": list(plan.group.rows),
                "lines": len(plan.group.lines),
                "outcome": plan.outcome,
                "id": plan.answer.get("id"),
                "internal_number": plan.answer.get("internal_number"),
                "errors": severities.count("error"),
                "warnings": severities.count("warning"),
                "idempotency_key": plan.key,
            }
        )
        findings += plan.findings
    return BulkCreateReport(
        dry_run,
        pd.DataFrame(certificates, columns=CERTIFICATE_COLUMNS).astype({"id": "Int64"}),
        pd.DataFrame(findings, columns=FINDING_COLUMNS),
    )
