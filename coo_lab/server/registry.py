"""The authority's registry of enterprises and hand-signers, and user filing (用户备案).

The registry is what the CCPIT office holds: registered enterprises (9-digit code, office
code, names) and their hand-signers, active or cancelled. User filing links a Single Window
account's company to one registration; until then the company can do nothing else.
"""

from __future__ import annotations

from typing import Any

from coo_lab.domain.parties import UserFiling
from coo_lab.errors import Conflict, FieldError, NotFound, ValidationFailed
from coo_lab.server.clock import iso, now
from coo_lab.server.db import Transaction


def _invalid(field: str, value: Any, en: str, zh: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, value, en, zh, "user_filing")], model="UserFiling")


def file_user(tx: Transaction, company_id: int, filing: UserFiling) -> dict[str, Any]:
    """Check the three facts against the registry, then link the company to it."""
    reg = tx.one(
        "SELECT * FROM registry_enterprises WHERE enterprise_code = ?", (filing.enterprise_code,)
    )
    if reg is None:
        raise _invalid(
            "enterprise_code",
            filing.enterprise_code,
            "the 9-digit code of an enterprise registered with a CCPIT office",
            "已在贸促会登记的9位企业编码",
        )
    if reg["ccpit_code"] != filing.ccpit_code:
        raise _invalid(
            "ccpit_code",
            filing.ccpit_code,
            "the code of the CCPIT office the enterprise is registered with",
            "企业登记所在贸促会机构的编码",
        )
    signer = tx.one(
        "SELECT status FROM registry_signers WHERE enterprise_id = ? AND name = ?",
        (reg["id"], filing.hand_signer),
    )
    if signer is None or signer["status"] != "active":
        why = "cancelled" if signer else "not registered"
        raise _invalid(
            "hand_signer",
            filing.hand_signer,
            f"a hand-signer registered with the authority and not cancelled ({why})",
            "在贸促会备案且未注销的手签员" + ("（已注销）" if signer else "（未备案）"),
        )
    current = tx.one("SELECT enterprise_code, filed_at FROM companies WHERE id = ?", (company_id,))
    if current and current["filed_at"] and current["enterprise_code"] != filing.enterprise_code:
        raise Conflict(
            f"this account is already filed for enterprise {current['enterprise_code']}; "
            "it cannot be re-filed for another one",
            f"本账户已备案为企业 {current['enterprise_code']}，不能改为其他企业",
        )
    taken = tx.scalar(
        "SELECT id FROM companies WHERE enterprise_code = ? AND id <> ?",
        (filing.enterprise_code, company_id),
    )
    if taken is not None:
        raise Conflict(
            f"enterprise {filing.enterprise_code} is already filed by another account",
            f"企业 {filing.enterprise_code} 已由其他账户备案",
        )
    tx.execute(
        "UPDATE companies SET enterprise_code = ?, ccpit_code = ?, hand_signer = ?, "
        "filed_at = ? WHERE id = ?",
        (filing.enterprise_code, filing.ccpit_code, filing.hand_signer, iso(now()), company_id),
    )
    return filing_state(tx, company_id)


def filing_state(tx: Transaction, company_id: int) -> dict[str, Any]:
    row = tx.one(
        "SELECT c.enterprise_code, c.ccpit_code, c.hand_signer, c.filed_at, r.name_en, r.name_cn "
        "FROM companies c LEFT JOIN registry_enterprises r "
        "ON r.enterprise_code = c.enterprise_code WHERE c.id = ?",
        (company_id,),
    )
    if row is None:
        raise NotFound(f"company {company_id} not found", f"未找到企业 {company_id}")
    return {**row, "filed": row["filed_at"] is not None}


def enterprise_view(tx: Transaction, reg: dict[str, Any]) -> dict[str, Any]:
    signers = tx.all(
        "SELECT name, status, registered_on FROM registry_signers "
        "WHERE enterprise_id = ? ORDER BY id",
        (reg["id"],),
    )
    return {
        k: reg[k] for k in ("enterprise_code", "ccpit_code", "name_en", "name_cn", "review_policy")
    } | {"hand_signers": signers}


def office_enterprises(tx: Transaction, office_code: str) -> list[dict[str, Any]]:
    rows = tx.all(
        "SELECT * FROM registry_enterprises WHERE ccpit_code = ? ORDER BY enterprise_code",
        (office_code,),
    )
    return [enterprise_view(tx, r) for r in rows]


def office_enterprise(tx: Transaction, office_code: str, enterprise_code: str) -> dict[str, Any]:
    reg = tx.one(
        "SELECT * FROM registry_enterprises WHERE enterprise_code = ? AND ccpit_code = ?",
        (enterprise_code, office_code),
    )
    if reg is None:
        raise NotFound(
            f"enterprise {enterprise_code} is not registered with office {office_code}",
            f"企业 {enterprise_code} 未在机构 {office_code} 登记",
        )
    return reg


def register_enterprise(tx: Transaction, office_code: str, data: dict[str, Any]) -> dict:
    """Create or update a registration with its hand-signers (the office's counter work)."""
    existing = tx.one(
        "SELECT * FROM registry_enterprises WHERE enterprise_code = ?", (data["enterprise_code"],)
    )
    if existing is not None and existing["ccpit_code"] != office_code:
        raise Conflict(
            f"enterprise {data['enterprise_code']} is registered with another office",
            f"企业 {data['enterprise_code']} 已在其他机构登记",
        )
    values = {
        "ccpit_code": office_code,
        "name_en": data["name_en"],
        "name_cn": data.get("name_cn", ""),
        "review_policy": data.get("review_policy", "manual"),
    }
    if existing is None:
        reg_id = tx.insert(
            "registry_enterprises",
            {"enterprise_code": data["enterprise_code"], "registered_at": iso(now()), **values},
        )
    else:
        reg_id = existing["id"]
        tx.update("registry_enterprises", reg_id, values)
    for signer in data.get("hand_signers", []):
        tx.execute(
            "INSERT INTO registry_signers (enterprise_id, name, status, registered_on) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (enterprise_id, name) DO UPDATE SET "
            "status = excluded.status, registered_on = excluded.registered_on",
            (
                reg_id,
                signer["name"],
                signer.get("status", "active"),
                str(signer["registered_on"]) if signer.get("registered_on") else None,
            ),
        )
    return enterprise_view(tx, tx.one("SELECT * FROM registry_enterprises WHERE id = ?", (reg_id,)))
