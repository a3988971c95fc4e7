"""Setting up a store: offices, registered enterprises, companies and their users.

This is the authority's and the Single Window's administration, done from Python (the
demo, the tests, an operator's script) rather than through the enterprise API.
"""

from __future__ import annotations

from typing import Any

from coo_lab.domain.filing import ProductFiling
from coo_lab.server import filings, registry
from coo_lab.server.auth import Role, create_user
from coo_lab.server.clock import iso, now
from coo_lab.server.db import Transaction


def create_office(tx: Transaction, ccpit_code: str, name_en: str, name_cn: str, place: str) -> int:
    return tx.insert(
        "offices",
        {"ccpit_code": ccpit_code, "name_en": name_en, "name_cn": name_cn, "place": place},
    )


def create_company(tx: Transaction, name: str) -> int:
    """A Single Window enterprise account, not yet linked to a CCPIT registration."""
    return tx.insert("companies", {"name": name, "created_at": iso(now())})


def register_enterprise(
    tx: Transaction,
    office_code: str,
    enterprise_code: str,
    name_en: str,
    name_cn: str,
    signers: list[dict[str, Any]],
    review_policy: str = "manual",
) -> dict[str, Any]:
    return registry.register_enterprise(
        tx,
        office_code,
        {
            "enterprise_code": enterprise_code,
            "name_en": name_en,
            "name_cn": name_cn,
            "review_policy": review_policy,
            "hand_signers": signers,
        },
    )


def add_users(
    tx: Transaction,
    company_id: int | None,
    users: list[tuple[str, str, Role]],
    office_id: int | None = None,
) -> None:
    for username, password, role in users:
        create_user(
            tx,
            username,
            password,
            role,
            company_id=company_id,
            office_id=office_id if role == Role.REVIEWER else None,
            display_name=username,
        )


def add_product_filing(tx: Transaction, company_id: int, filing: ProductFiling) -> int:
    """Store a product filing as the authority holds it (e.g. approved at its counter), with
    its areas' statuses as given; their filing numbers are reserved in the counters."""
    return filings.insert(tx, company_id, filing)["id"]
