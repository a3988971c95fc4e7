"""What every route needs: the database, the caller, and the caller's enterprise.

The dependencies are ``async``: FastAPI runs a plain ``def`` dependency on a worker thread,
and that hand-off cost more than the work itself (one indexed read to check the token, the
rest pure computation). The routes themselves stay plain functions on the thread pool, so a
write waiting for SQLite's lock never blocks the event loop.

Every enterprise request is scoped to the caller's own company: routes get a ``Scope``
and pass ``scope.company_id`` to every query, so another enterprise's records are simply
not found (404), never shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request

from coo_lab.errors import PermissionDenied
from coo_lab.server.auth import Principal, Role, authenticate
from coo_lab.server.db import Database


async def get_db(request: Request) -> Database:
    return request.app.state.db


DB = Annotated[Database, Depends(get_db)]


def _bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


async def current_user(
    db: DB,
    authorization: Annotated[str | None, Header(description="Bearer <token>")] = None,
) -> Principal:
    with db.read() as tx:
        return authenticate(tx, _bearer(authorization))


User = Annotated[Principal, Depends(current_user)]


@dataclass(frozen=True, slots=True)
class Scope:
    """An enterprise user whose company has completed user filing."""

    user: Principal
    company_id: int
    enterprise_code: str
    ccpit_code: str


async def enterprise_scope(user: User) -> Scope:
    """The caller's company, known from the same query that checked the token."""
    if user.company_id is None:
        raise PermissionDenied(
            "this endpoint is for enterprise users; reviewers use /api/v1/review",
            "此接口供企业用户使用；审核人员请使用 /api/v1/review",
        )
    if user.enterprise_code is None or user.company_ccpit_code is None:
        raise PermissionDenied(
            "user filing (用户备案) is required first: POST /api/v1/user-filing with your CCPIT "
            "code, enterprise code and hand-signer",
            "请先完成用户备案：提交贸促会编码、企业编码和手签员姓名（POST /api/v1/user-filing）",
        )
    return Scope(user, user.company_id, user.enterprise_code, user.company_ccpit_code)


EnterpriseScope = Annotated[Scope, Depends(enterprise_scope)]


async def writer_scope(scope: EnterpriseScope) -> Scope:
    scope.user.require_writer()
    return scope


WriterScope = Annotated[Scope, Depends(writer_scope)]


async def reviewer(user: User) -> Principal:
    user.require(Role.REVIEWER)
    return user


Reviewer = Annotated[Principal, Depends(reviewer)]
