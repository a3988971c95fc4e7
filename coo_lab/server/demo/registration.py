"""Registration before the first certificate: the offices and their reviewers, the
enterprises in the registry with their companies and users (password ``demo-<username>``),
user filing, and then each enterprise's base data, product filings, first data syncs and
the filings its office holds for it; and the office's announcements."""

from __future__ import annotations

from typing import Any

from coo_lab.domain.parties import EnterpriseFiling, HandSigner, UserFiling
from coo_lab.server import registry, setup
from coo_lab.server.auth import Role, create_user
from coo_lab.server.db import Database
from coo_lab.server.demo.announcements import publish
from coo_lab.server.demo.base_data import file_base_data
from coo_lab.server.demo.declarant import Firm, prepare
from coo_lab.server.demo.filings import file_products
from coo_lab.server.demo.firms import FirmSpec
from coo_lab.server.demo.offices import OFFICE_PLACES, OFFICES, REVIEWERS
from coo_lab.server.demo.syncs import first_syncs, hold_counter_filings
from coo_lab.server.demo.timeline import DAY, HOUR, iso

PASSWORD_SCHEME = "demo-<username>"


def password_for(username: str) -> str:
    """The demo password of a demo user (``demo-<username>``)."""
    return f"demo-{username}"


def register(
    db: Database, firms: list[Firm], unfiled: FirmSpec, start_us: int, end_us: int
) -> tuple[list[tuple[str, str, str]], list[tuple[int, list]]]:
    """Create what the counter and the enterprises' admins did before the first certificate.

    Returns the demo logins and the filing events to merge into the timeline.
    """
    logins: list[tuple[str, str, str]] = []
    events: list[tuple[int, list]] = []
    registered = iso(start_us - 120 * DAY + 3 * HOUR + 17)
    with db.transaction() as tx:
        base_data_at = start_us - 90 * DAY
        offices: dict[str, int] = {}
        for code, name_en, name_cn, place in OFFICES:
            found = tx.scalar("SELECT id FROM offices WHERE ccpit_code = ?", (code,))
            offices[code] = found or setup.create_office(tx, code, name_en, name_cn, place)
        for username, office, display, _share in REVIEWERS:
            _add_user(tx, username, Role.REVIEWER, None, offices[office], display, registered)
            logins.append((username, Role.REVIEWER.value, f"reviewer, office {office}"))
        for firm in [*firms, Firm(unfiled)]:
            spec = firm.spec
            setup.register_enterprise(
                tx,
                spec.office,
                spec.code,
                spec.name_en,
                spec.name_cn,
                [{"name": n, "status": s, "registered_on": on} for n, s, on in spec.signers],
                review_policy=spec.policy,
            )
            tx.execute(
                "UPDATE registry_enterprises SET registered_at = ? WHERE enterprise_code = ?",
                (registered, spec.code),
            )
            company = tx.scalar("SELECT id FROM companies WHERE enterprise_code = ?", (spec.code,))
            if company is None:
                company = tx.scalar(
                    "SELECT id FROM companies WHERE name = ? AND enterprise_code IS NULL",
                    (spec.name_cn,),
                )
            if company is None:
                company = setup.create_company(tx, spec.name_cn)
                tx.execute(
                    "UPDATE companies SET created_at = ? WHERE id = ?", (registered, company)
                )
            firm.company_id = company
            roles = (Role.ADMIN, Role.OPERATOR, Role.MANAGER)
            if spec.key.startswith("firm"):
                roles = (Role.OPERATOR,)
            for role in roles:
                username = f"{spec.key}_{role.value}"
                user_id = _add_user(tx, username, role, company, None, username, registered)
                if role == Role.OPERATOR:
                    firm.operator, firm.operator_id = username, user_id
                if not spec.key.startswith("firm"):
                    logins.append((username, role.value, spec.name_en))
            if spec is unfiled:
                continue
            if tx.scalar("SELECT filed_at FROM companies WHERE id = ?", (company,)) is None:
                registry.file_user(
                    tx,
                    company,
                    UserFiling(
                        ccpit_code=spec.office,
                        enterprise_code=spec.code,
                        hand_signer=spec.signers[0][0],
                    ),
                )
                tx.execute(
                    "UPDATE companies SET filed_at = ? WHERE id = ?",
                    (iso(start_us - 100 * DAY + 2 * HOUR + 41), company),
                )
            firm.enterprise = EnterpriseFiling(
                enterprise_code=spec.code,
                ccpit_code=spec.office,
                name_en=spec.name_en,
                name_cn=spec.name_cn,
                hand_signers=[
                    HandSigner(name=n, status=s, registered_on=on) for n, s, on in spec.signers
                ],
                filed=True,
            )
            first_syncs(tx, firm, start_us - 100 * DAY + 3 * HOUR + 41)
            base_data_at = file_base_data(tx, firm, base_data_at)
            events += file_products(tx, firm, start_us, end_us)
            hold_counter_filings(tx, firm, end_us)
            place = OFFICE_PLACES[spec.office]
            reviewers = [(r, share) for r, office, _d, share in REVIEWERS if office == spec.office]
            prepare(firm, place, reviewers)
        publish(tx, end_us)
    return logins, events


def _add_user(
    tx: Any,
    username: str,
    role: Role,
    company: int | None,
    office: int | None,
    display: str,
    at: str,
) -> int:
    found = tx.scalar("SELECT id FROM users WHERE username = ?", (username,))
    if found is not None:
        return int(found)
    user_id = create_user(
        tx,
        username,
        password_for(username),
        role,
        company_id=company,
        office_id=office,
        display_name=display,
    )
    tx.execute("UPDATE users SET created_at = ? WHERE id = ?", (at, user_id))
    return user_id
