"""coo_lab: prepare, declare, track and analyse CCPIT certificates of origin (原产地证书).

The public API is re-exported here and loaded on first use, so ``import coo_lab`` stays
instant and a notebook pays only for what it touches::

    import coo_lab
    cert = coo_lab.Certificate(cert_type="E", ...)
    findings = coo_lab.check(cert, coo_lab.CheckContext(...))
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    # models
    "Announcement": "coo_lab.domain.events",
    "Attachment": "coo_lab.domain.certificate",
    "Certificate": "coo_lab.domain.certificate",
    "CertificateCategory": "coo_lab.domain.certificate",
    "EnterpriseFiling": "coo_lab.domain.parties",
    "Exporter": "coo_lab.domain.parties",
    "FilingArea": "coo_lab.domain.filing",
    "GoodsLine": "coo_lab.domain.certificate",
    "HandSigner": "coo_lab.domain.parties",
    "ImportedMaterial": "coo_lab.domain.certificate",
    "Importer": "coo_lab.domain.parties",
    "Material": "coo_lab.domain.filing",
    "ProcessingDeclaration": "coo_lab.domain.certificate",
    "Producer": "coo_lab.domain.parties",
    "ProductFiling": "coo_lab.domain.filing",
    "Receipt": "coo_lab.domain.events",
    "SpecialClause": "coo_lab.domain.parties",
    "Subscription": "coo_lab.domain.events",
    "UserFiling": "coo_lab.domain.parties",
    # agreements, lifecycle, numbers, route
    "Agreement": "coo_lab.domain.agreements",
    "agreement": "coo_lab.domain.agreements",
    "agreements": "coo_lab.domain.agreements",
    "CertificateStatus": "coo_lab.domain.lifecycle",
    "FilingStatus": "coo_lab.domain.lifecycle",
    "certificate_number": "coo_lab.domain.numbers",
    "parse_certificate_number": "coo_lab.domain.numbers",
    "retroactive_status": "coo_lab.domain.retro",
    "transport_route": "coo_lab.domain.route",
    # review rules
    "CheckContext": "coo_lab.domain.rules",
    "Finding": "coo_lab.domain.rules",
    "Severity": "coo_lab.domain.rules",
    "check": "coo_lab.domain.rules",
    "rules": "coo_lab.domain.rules",
    # origin engine
    "OriginResult": "coo_lab.domain.origin",
    "Product": "coo_lab.domain.origin",
    "assess": "coo_lab.domain.origin",
    "best_agreements": "coo_lab.domain.origin",
    # the service's client, and the DuckDB mirror of its change feed
    "Client": "coo_lab.client",
    "sync": "coo_lab.mirror",
    # errors
    "Conflict": "coo_lab.errors",
    "CooLabError": "coo_lab.errors",
    "FieldError": "coo_lab.errors",
    "IllegalTransition": "coo_lab.errors",
    "NotFound": "coo_lab.errors",
    "PermissionDenied": "coo_lab.errors",
    "ServiceUnavailable": "coo_lab.errors",
    "ValidationFailed": "coo_lab.errors",
}
_MODULES: dict[str, str] = {
    "codes": "coo_lab.domain.codes",  # reference data lookups: HS, countries, ports, units…
    "origin": "coo_lab.domain.origin",
}

__all__ = sorted([*_EXPORTS, *_MODULES, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
    elif name in _MODULES:
        value = importlib.import_module(_MODULES[name])
    else:
        raise AttributeError(f"module 'coo_lab' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # let type checkers and IDEs see the lazy names
    from coo_lab.client import Client
    from coo_lab.domain import codes, origin
    from coo_lab.domain.agreements import Agreement, agreement, agreements
    from coo_lab.domain.certificate import (
        Attachment,
        Certificate,
        CertificateCategory,
        GoodsLine,
        ImportedMaterial,
        ProcessingDeclaration,
    )
    from coo_lab.domain.events import Announcement, Receipt, Subscription
    from coo_lab.domain.filing import FilingArea, Material, ProductFiling
    from coo_lab.domain.lifecycle import CertificateStatus, FilingStatus
    from coo_lab.domain.numbers import certificate_number, parse_certificate_number
    from coo_lab.domain.origin import OriginResult, Product, assess, best_agreements
    from coo_lab.domain.parties import (
        EnterpriseFiling,
        Exporter,
        HandSigner,
        Importer,
        Producer,
        SpecialClause,
        UserFiling,
    )
    from coo_lab.domain.retro import retroactive_status
    from coo_lab.domain.route import transport_route
    from coo_lab.domain.rules import CheckContext, Finding, Severity, check, rules
    from coo_lab.errors import (
        Conflict,
        CooLabError,
        FieldError,
        IllegalTransition,
        NotFound,
        PermissionDenied,
        ServiceUnavailable,
        ValidationFailed,
    )
    from coo_lab.mirror import sync
