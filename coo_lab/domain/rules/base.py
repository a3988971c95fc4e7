"""The machinery of review rules: findings, the rule registry and the check context.

A rule is a small function ``(certificate, context) -> hits`` registered with a stable code,
the field it concerns, a severity and a bilingual title. It returns ``None`` when the
certificate passes, or hits ``(field, message_en, message_zh)``; the registry turns hits into
``Finding``s. The authority's review and the enterprise's pre-check call the same functions.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache, cached_property
from importlib import resources
from typing import Any

from coo_lab.domain.certificate import Certificate
from coo_lab.domain.filing import ProductFiling
from coo_lab.domain.parties import EnterpriseFiling


class Severity(StrEnum):
    ERROR = "error"  # refuses: the certificate is returned
    WARNING = "warning"  # informs: a reviewer looks, automatic review holds it


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a rule found: code, field path, severity and a message in zh and en."""

    code: str
    field: str
    severity: Severity
    message_zh: str
    message_en: str

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR

    def to_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "field": self.field,
            "severity": self.severity.value,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


Hit = tuple[str, str, str]  # (field path, message_en, message_zh)
RuleFunc = Callable[[Certificate, "CheckContext"], Iterable[Hit] | None]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    field: str
    severity: Severity
    title_en: str
    title_zh: str
    needs: tuple[str, ...]  # context attributes the rule cannot run without
    func: RuleFunc
    module: str


REGISTRY: dict[str, Rule] = {}


def rule(
    code: str,
    field: str,
    severity: Severity,
    *,
    en: str,
    zh: str,
    needs: tuple[str, ...] = (),
) -> Callable[[RuleFunc], RuleFunc]:
    """Register a review rule under a stable code (``CO-DATE-001``)."""

    def register(func: RuleFunc) -> RuleFunc:
        if code in REGISTRY:
            raise RuntimeError(f"rule code {code} registered twice")
        REGISTRY[code] = Rule(code, field, severity, en, zh, needs, func, func.__module__)
        return func

    return register


@dataclass
class CheckContext:
    """What a rule needs beyond the certificate.

    ``None`` means "not known here": the rules that need it are skipped (and say so in the
    catalogue). The service always knows all of it; a notebook pre-check may know less.

    - ``enterprise``: the enterprise's CCPIT registration and hand-signers (``filed=False``
      when user filing is not done).
    - ``approved_filings``: the enterprise's product filings (their areas' statuses decide).
    - ``used_invoices``: ``(cert_type, invoice_number)`` of the enterprise's *other* live
      certificates.
    """

    today: date = field(default_factory=date.today)
    enterprise: EnterpriseFiling | None = None
    approved_filings: Sequence[ProductFiling] | None = None
    used_invoices: Collection[tuple[str, str]] | None = None

    @cached_property
    def active_rules(self) -> tuple[Rule, ...]:
        return tuple(
            r for r in REGISTRY.values() if all(getattr(self, n) is not None for n in r.needs)
        )

    @cached_property
    def calls(self) -> tuple[tuple[RuleFunc, str, Severity], ...]:
        """The active rules as plain tuples: ``check`` walks them for every certificate."""
        return tuple((r.func, r.code, r.severity) for r in self.active_rules)

    @cached_property
    def filed_products(self) -> dict[tuple[str, str], list[tuple[str, str]]]:
        """(agreement, HS 6 digits) → [(filing number, criterion)] of approved areas."""
        index: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for filing in self.approved_filings or ():
            hs6 = filing.hs_code[:6]
            for area in filing.areas:
                if area.status == "approved":
                    key = (area.agreement, hs6)
                    index.setdefault(key, []).append((area.filing_number or "", area.criterion))
        return index

    @cached_property
    def active_signers(self) -> frozenset[str]:
        return self.enterprise.active_signer_names() if self.enterprise else frozenset()


def describe(value: Any) -> str:
    """A value as it appears in a message: dates ISO, text quoted, nothing as (blank)."""
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, str):
        return repr(value)
    return str(value)


@cache
def review_lists() -> dict[str, frozenset[str]]:
    """Generic descriptions, forbidden marks… from ``data/review.toml`` (editable data)."""
    text = resources.files("coo_lab.data").joinpath("review.toml").read_text("utf-8")
    return {k: frozenset(v) for k, v in tomllib.loads(text).items()}
