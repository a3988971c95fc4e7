"""Login, logout, who am I, user filing (用户备案), the authority's registry, announcements."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Body, Header
from pydantic import Field

from coo_lab.domain.events import Announcement
from coo_lab.domain.formats import DomainModel, EnterpriseCode, Name, Text
from coo_lab.domain.parties import UserFiling
from coo_lab.errors import PermissionDenied
from coo_lab.server import auth, registry
from coo_lab.server.auth import Role
from coo_lab.server.clock import iso, now
from coo_lab.server.deps import DB, Reviewer, User
from coo_lab.server.schemas import LoginRequest, LoginResponse, Me, SignerIn, UserFilingState

router = APIRouter(prefix="/api/v1")


@router.post("/auth/login", response_model=LoginResponse, tags=["accounts"])
def login(body: LoginRequest, db: DB) -> dict:
    # a failed login must still commit its attempt row (the rate limit counts them), so the
    # refusal is raised after the transaction, not through it (which would roll it back)
    with db.transaction() as tx:
        try:
            token, expires, who = auth.login(tx, body.username, body.password)
        except auth.Unauthenticated as exc:
            refused = exc
        else:
            refused = None
    if refused is not None:
        raise refused
    return {
        "token": token,
        "expires_at": expires,
        "username": who.username,
        "role": who.role.value,
        "display_name": who.display_name,
    }


@router.post("/auth/logout", status_code=204, tags=["accounts"])
def logout(user: User, db: DB, authorization: Annotated[str | None, Header()] = None) -> None:
    with db.transaction() as tx:
        auth.logout(tx, (authorization or "").partition(" ")[2].strip())


@router.get("/auth/me", response_model=Me, tags=["accounts"])
def me(user: User, db: DB) -> dict:
    company = None
    if user.company_id is not None:
        with db.read() as tx:
            company = tx.one(
                "SELECT name, enterprise_code, filed_at FROM companies WHERE id = ?",
                (user.company_id,),
            )
    return {
        "username": user.username,
        "role": user.role.value,
        "display_name": user.display_name,
        "company": company["name"] if company else None,
        "enterprise_code": company["enterprise_code"] if company else None,
        "office_code": user.office_code,
        "user_filing_done": bool(company and company["filed_at"]),
    }


def _company_of(user: auth.Principal) -> int:
    if user.company_id is None:
        raise PermissionDenied("user filing is for enterprise accounts", "用户备案仅适用于企业账户")
    return user.company_id


@router.get("/user-filing", response_model=UserFilingState, tags=["user filing"])
def get_user_filing(user: User, db: DB) -> dict:
    with db.read() as tx:
        return registry.filing_state(tx, _company_of(user))


@router.post("/user-filing", response_model=UserFilingState, tags=["user filing"])
def post_user_filing(body: UserFiling, user: User, db: DB) -> dict:
    user.require(Role.ADMIN)
    with db.transaction() as tx:
        return registry.file_user(tx, _company_of(user), body)


class RegistrationIn(DomainModel):
    name_en: Name = Field(min_length=1)
    name_cn: Name = ""
    review_policy: str = Field(default="manual", pattern="^(manual|automatic)$")
    hand_signers: list[SignerIn] = Field(default_factory=list)


class Registration(RegistrationIn):
    enterprise_code: EnterpriseCode
    ccpit_code: str


@router.get("/registry/enterprises", response_model=list[Registration], tags=["registry"])
def list_registrations(user: Reviewer, db: DB) -> list[dict]:
    with db.read() as tx:
        return registry.office_enterprises(tx, user.office_code)


@router.put(
    "/registry/enterprises/{enterprise_code}", response_model=Registration, tags=["registry"]
)
def put_registration(
    enterprise_code: EnterpriseCode, body: RegistrationIn, user: Reviewer, db: DB
) -> dict:
    with db.transaction() as tx:
        return registry.register_enterprise(
            tx,
            user.office_code,
            {"enterprise_code": enterprise_code, **body.model_dump(mode="json")},
        )


@router.get("/announcements", response_model=list[Announcement], tags=["announcements"])
def list_announcements(db: DB) -> list[dict]:
    with db.read() as tx:
        return tx.all(
            "SELECT id, title, published_on, publisher, body FROM announcements "
            "ORDER BY published_on DESC, id DESC LIMIT 100"
        )


class AnnouncementIn(DomainModel):
    title: Name = Field(min_length=1)
    body: Text = ""  # the stored Announcement's limit, so what is accepted can be shown
    published_on: date | None = None


@router.post("/announcements", response_model=Announcement, status_code=201, tags=["announcements"])
def post_announcement(body: Annotated[AnnouncementIn, Body()], user: Reviewer, db: DB) -> dict:
    row = {
        "title": body.title,
        "body": body.body,
        "published_on": (body.published_on or now().date()).isoformat(),
        "publisher": user.display_name,
        "created_at": iso(now()),
    }
    with db.transaction() as tx:
        row["id"] = tx.insert("announcements", row)
    return {k: row[k] for k in ("id", "title", "published_on", "publisher", "body")}
