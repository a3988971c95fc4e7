"""Small pieces the route modules share: version headers, idempotent writes, paging."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from coo_lab.errors import FieldError, ValidationFailed
from coo_lab.server.auth import Principal
from coo_lab.server.db import Database, Transaction
from coo_lab.server.feed import Encoded
from coo_lab.server.idempotency import remember, replay, request_hash

_VERSION = re.compile(r'(?:W/)?"?(\d{1,12})"?')


async def if_match(
    if_match: Annotated[
        str | None, Header(description="the version you read, e.g. 3 (see the ETag header)")
    ] = None,
) -> int | None:
    if if_match is None:
        return None
    found = _VERSION.fullmatch(if_match.strip())
    if not found:
        raise ValidationFailed(
            [
                FieldError(
                    "If-Match", if_match, "a version number such as 3", "版本号，如 3", "if_match"
                )
            ]
        )
    return int(found.group(1))


IfMatch = Annotated[int | None, Depends(if_match)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="a unique key per intended write; a retry with it returns the first answer",
    ),
]
# a record id in a path: SQLite's integer range (a larger one would overflow the driver)
RecordId = Annotated[int, Path(ge=1, le=2**63 - 1)]
PageNo = Annotated[int, Query(ge=1, le=1_000_000)]
PageSize = Annotated[int, Query(ge=1, le=500)]


def with_etag(body: dict[str, Any], status_code: int = 200) -> Response:
    if isinstance(body, Encoded):  # the same bytes JSONResponse would render, made already
        response = Response(body.json.encode(), status_code, media_type="application/json")
    else:
        response = JSONResponse(body, status_code=status_code)
    if "version" in body:
        response.headers["ETag"] = f'"{body["version"]}"'
    return response


def idempotent_write(
    db: Database,
    user: Principal,
    request: Request,
    key: str | None,
    body: Any,
    work: Callable[[Transaction], Any],
    status_code: int = 200,
) -> Response:
    """Run a write once per Idempotency-Key; a retry gets the first answer back."""
    with db.transaction() as tx:
        if key:
            fingerprint = request_hash(request.method, request.url.path, body)
            prior = replay(tx, user.user_id, key, fingerprint)
            if prior is not None:
                return with_etag(prior[1], prior[0])
        result = work(tx)
        if key:
            remember(tx, user.user_id, key, fingerprint, status_code, result)
    return with_etag(result, status_code)


def page_of(items: list[Any], total: int, page: int, page_size: int) -> dict[str, Any]:
    return {"items": items, "total": total, "page": page, "page_size": page_size}
