"""The enterprise's profile: its own copy of its CCPIT registration and hand-signers.

"Sync enterprise info" (同步企业信息) pulls the registration (codes, names) and the
hand-signers, active or cancelled, from the authority's registry (``registry.py``) into the
profile. The Single Window uses the copy before a certificate leaves for the authority: a
hand-signer the profile shows as cancelled, or does not list, is refused at submission with
an error naming the field, and the certificate stays as it was. The authority's review
checks its own registry too (rule CO-PARTY-003); before the first sync the Single Window
holds no copy and that rule is the only check.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from coo_lab.domain.parties import EnterpriseFiling, HandSigner
from coo_lab.errors import Conflict, FieldError, ValidationFailed
from coo_lab.server.clock import iso, now
from coo_lab.server.db import Transaction
from coo_lab.server.feed import record_change

ENTITY = "enterprise_profile"


class SyncFailed(Conflict):
    """A data-sync run the authority's side cannot serve (recorded as a failed run)."""


@lru_cache(maxsize=256)
def _profile(doc: str) -> EnterpriseFiling:
    """A stored profile, parsed once per distinct document; only read, never changed."""
    return EnterpriseFiling.model_validate_json(doc)


def registration(tx: Transaction, company_id: int) -> tuple[dict[str, Any], EnterpriseFiling]:
    """The company and its registration as the authority's registry holds it now."""
    company = tx.one(
        "SELECT enterprise_code, ccpit_code, hand_signer FROM companies WHERE id = ?",
        (company_id,),
    )
    code = company["enterprise_code"] if company else None
    reg = tx.one("SELECT * FROM registry_enterprises WHERE enterprise_code = ?", (code,))
    if company is None or reg is None:
        raise SyncFailed(
            f"the authority holds no registration for enterprise {code}; ask the CCPIT office "
            "to register the enterprise again, then sync",
            f"贸促会未登记企业 {code}，请联系贸促会机构重新登记后再同步",
        )
    signers = tx.all(
        "SELECT name, status, registered_on FROM registry_signers WHERE enterprise_id = ? "
        "ORDER BY id",
        (reg["id"],),
    )
    return company, EnterpriseFiling(
        enterprise_code=reg["enterprise_code"],
        ccpit_code=reg["ccpit_code"],
        name_en=reg["name_en"],
        name_cn=reg["name_cn"],
        hand_signers=[HandSigner.model_validate(s) for s in signers],
        filed=True,
    )


def current(tx: Transaction, company_id: int) -> tuple[int, EnterpriseFiling | None]:
    """The profile's version and content (``0, None`` before the first sync)."""
    row = tx.one("SELECT version, doc FROM company_profiles WHERE company_id = ?", (company_id,))
    return (row["version"], _profile(row["doc"])) if row else (0, None)


def pull(tx: Transaction, company_id: int, moment: datetime | None = None) -> tuple[int, str]:
    """同步企业信息: the registry's registration into the profile; ``(1, remark)``."""
    moment = moment or now()
    company, fresh = registration(tx, company_id)
    version, old = current(tx, company_id)
    shown = store(tx, company_id, version + 1, moment, fresh)
    op = "update" if old else "create"
    record_change(tx, company_id, ENTITY, company_id, op, version + 1, shown)
    return 1, remark(old, fresh, company["hand_signer"])


def store(
    tx: Transaction, company_id: int, version: int, synced: datetime, profile: EnterpriseFiling
) -> dict[str, Any]:
    """Write the profile (no feed entry: ``pull`` adds it; the demo writes its own)."""
    tx.execute(
        "INSERT INTO company_profiles (company_id, version, synced_at, doc) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (company_id) DO UPDATE SET version = excluded.version, "
        "synced_at = excluded.synced_at, doc = excluded.doc",
        (company_id, version, iso(synced), profile.model_dump_json()),
    )
    return view_of(version, iso(synced), profile)


def remark(old: EnterpriseFiling | None, new: EnterpriseFiling, filed_signer: str | None) -> str:
    """What a run found, for the history row: counts, then what changed since the last."""
    active = sorted(new.active_signer_names())
    en = [f"{len(new.hand_signers)} hand-signer(s), active: {', '.join(active) or 'none'}"]
    zh = [f"手签员 {len(new.hand_signers)} 名，有效：{'、'.join(active) or '无'}"]
    before = {h.name: h.status.value for h in old.hand_signers} if old else {}
    for h in new.hand_signers:
        if old is not None and before.get(h.name) != h.status.value:
            state_zh = "已注销" if h.status.value == "cancelled" else "有效"
            was = before.get(h.name)
            en.append(f"{h.name} {'added' if was is None else 'now'} {h.status.value}")
            zh.append(f"{h.name}{'新增，' if was is None else '变更为'}{state_zh}")
    if old is not None and (old.name_en, old.name_cn) != (new.name_en, new.name_cn):
        en.append(f"name now {new.name_en}")
        zh.append(f"企业名称变更为 {new.name_cn or new.name_en}")
    if filed_signer and filed_signer not in new.active_signer_names():
        en.append(f"the hand-signer of the user filing, {filed_signer}, is not usable")
        zh.append(f"用户备案的手签员 {filed_signer} 已不可用")
    return (
        f"企业备案信息同步成功：{'；'.join(zh)} / enterprise registration synced: {'; '.join(en)}"
    )


def view_of(version: int, synced_at: str | None, profile: EnterpriseFiling) -> dict[str, Any]:
    return {
        "synced": synced_at is not None,
        "synced_at": synced_at,
        "version": version,
        **profile.model_dump(mode="json", include={"enterprise_code", "ccpit_code"}),
        "name_en": profile.name_en,
        "name_cn": profile.name_cn,
        "hand_signers": [h.model_dump(mode="json") for h in profile.hand_signers],
    }


def view(tx: Transaction, company_id: int) -> dict[str, Any]:
    """The profile (``EnterpriseProfile``); before the first sync, the codes of the user
    filing and no hand-signers."""
    row = tx.one(
        "SELECT version, synced_at, doc FROM company_profiles WHERE company_id = ?", (company_id,)
    )
    if row is not None:
        return view_of(row["version"], row["synced_at"], _profile(row["doc"]))
    company = tx.one(
        "SELECT enterprise_code, ccpit_code FROM companies WHERE id = ?", (company_id,)
    )
    return {
        "synced": False,
        "synced_at": None,
        "version": 0,
        "enterprise_code": company["enterprise_code"] if company else None,
        "ccpit_code": company["ccpit_code"] if company else None,
        "name_en": "",
        "name_cn": "",
        "hand_signers": [],
    }


def check_hand_signer(tx: Transaction, company_id: int, name: str) -> None:
    """Refuse a hand-signer the synced profile shows as cancelled or does not list."""
    if not name:
        return  # a blank hand-signer is for the review rules to report (CO-REQ-001)
    row = tx.one("SELECT doc FROM company_profiles WHERE company_id = ?", (company_id,))
    if row is None:
        return
    profile = _profile(row["doc"])
    signer = profile.hand_signer(name)
    if signer is not None and signer.active:
        return
    active = sorted(profile.active_signer_names())
    why_en = "cancelled (已注销)" if signer else "not in the enterprise's registration"
    why_zh = "已注销" if signer else "不在企业备案信息中"
    raise ValidationFailed(
        [
            FieldError(
                "hand_signer",
                name,
                f"an active hand-signer of the enterprise ({', '.join(active) or 'none'}); "
                f"{name} is {why_en} — if the registration changed, run Sync enterprise info",
                f"企业有效的手签员（{'、'.join(active) or '无'}）；{name}{why_zh}，"
                "如备案信息有变更请先同步企业信息",
                "hand_signer_unusable",
            )
        ],
        model="Certificate",
    )
