"""The authority's review rules, usable before submission (DOMAIN.md §5).

``check(certificate, context)`` runs every rule whose needs the context meets and returns the
findings; it never raises on bad data. A certificate given as a dict that does not even fit
the model is reported as ``CO-FORMAT-001`` findings, one per bad field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from coo_lab.domain.certificate import Certificate
from coo_lab.domain.rules import basics, dates, goods, parties, preference  # noqa: F401  (register)
from coo_lab.domain.rules.base import REGISTRY, CheckContext, Finding, Rule, Severity
from coo_lab.errors import ValidationFailed

FORMAT_RULE = "CO-FORMAT-001"
"""The code of findings about values that do not fit the certificate's field formats."""

__all__ = [
    "FORMAT_RULE",
    "REGISTRY",
    "CheckContext",
    "Finding",
    "Rule",
    "Severity",
    "check",
    "errors_only",
    "rules",
]


def rules() -> tuple[Rule, ...]:
    """Every registered rule, in code order."""
    return tuple(REGISTRY[code] for code in sorted(REGISTRY))


def check(
    certificate: Certificate | Mapping[str, Any], context: CheckContext | None = None
) -> list[Finding]:
    """Review a certificate as the authority would; findings sorted errors first."""
    ctx = context if context is not None else CheckContext()
    if not isinstance(certificate, Certificate):
        try:
            certificate = Certificate.model_validate(dict(certificate))
        except ValidationFailed as exc:
            return [
                Finding(FORMAT_RULE, e.field, Severity.ERROR, e.message_zh, e.message_en)
                for e in exc.errors
            ]
        except (TypeError, ValueError) as exc:
            return [
                Finding(
                    FORMAT_RULE,
                    "(certificate)",
                    Severity.ERROR,
                    f"无法读取证书数据：{exc}",
                    f"cannot read the certificate: {exc}",
                )
            ]
    findings: list[Finding] = []
    for func, code, severity in ctx.calls:
        if hits := func(certificate, ctx):  # most rules pass: build findings only on a hit
            findings.extend(Finding(code, f, severity, zh, en) for f, en, zh in hits)
    if len(findings) > 1:
        findings.sort(key=lambda f: (f.severity != Severity.ERROR, f.code, f.field))
    return findings


def errors_only(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == Severity.ERROR]
