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

import json
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request

from coo_lab.errors import FieldError, PermissionDenied, ValidationFailed
from coo_lab.server.auth import Principal, Role, authenticate
from coo_lab.server.db import Database


def _nul_paths(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        if "\x00" in value:
            yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nul_paths(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _nul_paths(item, f"{path}.{i}" if path else str(i))


async def refuse_nul_characters(request: Request) -> None:
    """No text may hold a NUL character (U+0000): it is never meaningful on a certificate, and
    PostgreSQL cannot store it. Checked for every request, query and JSON body alike, so the
    answer is a 422 naming the field rather than whatever the store would make of it."""
    found = [(f"query.{k}", v) for k, v in request.query_params.multi_items() if "\x00" in v]
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await request.body()
        if b"\\u0000" in body:
            with suppress(ValueError):  # not JSON: the route's own parsing says so
                found += list(_nul_paths(json.loads(body), ""))
    if found:
        raise ValidationFailed(
            [
                FieldError(
                    field,
                    value,
                    "text without NUL (U+0000) characters",
                    "不含 NUL（U+0000）字符的文本",
                    "nul_character",
                )
                for field, value in found
            ],
            model="request",
        )


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
