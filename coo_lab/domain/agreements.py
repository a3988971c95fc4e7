"""The 15 certificate types (one general, fourteen preferential) as data.

The facts live in ``coo_lab/data/agreements.toml`` so that a user can correct a threshold or
a partner list without a release; this module only gives them types and a few questions
("does this agreement cover that destination?").
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from coo_lab.errors import FieldError, ValidationFailed

GENERAL = "C"
"""The non-preferential certificate (一般原产地证)."""


@dataclass(frozen=True, slots=True)
class OriginRules:
    """How the origin engine qualifies a product for one agreement."""

    wholly_obtained: str
    all_originating: str
    value_test: str  # "rvc" | "apta" | "substantial"
    rvc_min: float
    non_originating_max: float
    non_originating_max_ldc: float
    value_added_min: float
    ctc: str  # "" | "CC" | "CTH" | "CTSH"
    ctc_print: str
    rvc_print: str
    de_minimis_pct: float


@dataclass(frozen=True, slots=True)
class RetroRules:
    """Retroactive issue: when an application after shipment needs a mark, or is refused."""

    applicable: bool
    allowed: bool
    window_days: int
    grace_days: int
    grace_working_days: bool
    mark: str


@dataclass(frozen=True, slots=True)
class Agreement:
    code: str
    name_zh: str
    name_en: str
    form_title: str
    partners: frozenset[str]  # ISO3; empty for the general CO, which goes anywhere but CHN
    ldc_partners: frozenset[str]
    criteria: tuple[str, ...]
    criterion_patterns: tuple[re.Pattern[str], ...]
    line_cap: int  # 0 = no cap
    validity_months: int
    filed_alone: bool
    origin: OriginRules
    retro: RetroRules

    @property
    def preferential(self) -> bool:
        return self.code != GENERAL

    def covers(self, destination_iso3: str) -> bool:
        """Whether a certificate of this type may be issued for that destination."""
        dest = (destination_iso3 or "").upper()
        if not self.preferential:
            return bool(dest) and dest != "CHN"
        return dest in self.partners

    def accepts_criterion(self, criterion: str) -> bool:
        """Whether a goods line's origin criterion is one this form accepts."""
        if not self.preferential:
            return True
        return _accepts(self.code, (criterion or "").strip())


def _agreement(code: str, raw: dict) -> Agreement:
    o, r = raw["origin"], raw["retro"]
    return Agreement(
        code=code,
        name_zh=raw["name_zh"],
        name_en=raw["name_en"],
        form_title=raw["form_title"],
        partners=frozenset(p for p in raw["partners"] if p != "*"),
        ldc_partners=frozenset(raw["ldc_partners"]),
        criteria=tuple(raw["criteria"]),
        criterion_patterns=tuple(re.compile(p) for p in raw["criterion_patterns"]),
        line_cap=int(raw["line_cap"]),
        validity_months=int(raw["validity_months"]),
        filed_alone=bool(raw.get("filed_alone", False)),
        origin=OriginRules(
            wholly_obtained=o["wholly_obtained"],
            all_originating=o["all_originating"],
            value_test=o["value_test"],
            rvc_min=float(o.get("rvc_min", 0)),
            non_originating_max=float(o.get("non_originating_max", 0)),
            non_originating_max_ldc=float(o.get("non_originating_max_ldc", 0)),
            value_added_min=float(o.get("value_added_min", 0)),
            ctc=o["ctc"],
            ctc_print=o["ctc_print"],
            rvc_print=o["rvc_print"],
            de_minimis_pct=float(o.get("de_minimis_pct", 0)),
        ),
        retro=RetroRules(
            applicable=bool(r["applicable"]),
            allowed=bool(r["allowed"]),
            window_days=int(r["window_days"]),
            grace_days=int(r["grace_days"]),
            grace_working_days=bool(r["grace_working_days"]),
            mark=r["mark"],
        ),
    )


@cache
def _table() -> dict[str, Agreement]:
    text = resources.files("coo_lab.data").joinpath("agreements.toml").read_text("utf-8")
    return {code: _agreement(code, raw) for code, raw in tomllib.loads(text).items()}


def agreements() -> tuple[Agreement, ...]:
    """All 15 types, in the order of the deck's "create certificate" screen."""
    return tuple(_table().values())


CERTIFICATE_TYPES: tuple[str, ...] = (
    "C",
    "B",
    "N",
    "X",
    "R",
    "H",
    "L",
    "HM",
    "I",
    "S",
    "A",
    "K",
    "E",
    "GE",
    "F",
)
"""The type codes, in the deck's order (kept as a constant so models can validate cheaply)."""


@lru_cache(maxsize=4096)
def _accepts(code: str, criterion: str) -> bool:
    """Cached: a review asks this for every goods line, and criteria repeat endlessly."""
    return any(p.match(criterion) for p in _table()[code].criterion_patterns)


def agreement(code: str) -> Agreement:
    """The agreement of a certificate type code (``"E"``, ``"hm"``…); unknown codes raise."""
    table = _table()
    found = table.get(code)
    if found is None and isinstance(code, str):
        found = table.get(code.strip().upper())
    if found is None:
        raise ValidationFailed(
            [
                FieldError(
                    field="cert_type",
                    value=code,
                    expected_en="a certificate type code: " + ", ".join(CERTIFICATE_TYPES),
                    expected_zh="证书类型代码之一：" + "、".join(CERTIFICATE_TYPES),
                    code="unknown_cert_type",
                )
            ]
        )
    return found


def covering(destination_iso3: str) -> tuple[Agreement, ...]:
    """The preferential agreements whose partners include that destination."""
    return tuple(a for a in agreements() if a.preferential and a.covers(destination_iso3))
