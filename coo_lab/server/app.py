"""The Single Window CCPIT certificate-of-origin service: the FastAPI application.

``create_app(store)`` builds the app on a SQLite file or, given a ``postgresql://`` URL, on
PostgreSQL (migrations applied at start).
Every error a caller can cause is a ``CooLabError`` answered as JSON with English and
Chinese messages and, for bad input, the list of fields; nothing a client sends should
produce a 500.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from coo_lab import __version__
from coo_lab.domain.formats import field_errors
from coo_lab.errors import CooLabError, FieldError, ValidationFailed
from coo_lab.server.db import open_database
from coo_lab.server.deps import refuse_nul_characters
from coo_lab.server.push import PushService, PushSettings
from coo_lab.server.routes import (
    accounts,
    basedata,
    bulk,
    certificates,
    data_sync,
    documents,
    feed,
    filing_review,
    filings,
    push,
    review,
    selfprint,
)
from coo_lab.server.schemas import ErrorBody, Health

_ERRORS = {
    status: {"model": ErrorBody, "description": text}
    for status, text in (
        (401, "not logged in, or the token expired"),
        (403, "the role may not do this, or user filing is required first"),
        (404, "no such record (or not yours)"),
        (409, "a stale version, a duplicate, or an action the status does not allow"),
        (422, "bad input: the fields, values and what was expected"),
        (429, "too many failed logins"),
    )
}


def _error_name(exc: Exception) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()


def _error_response(exc: CooLabError) -> JSONResponse:
    body = {"error": _error_name(exc), "message_en": exc.message_en, "message_zh": exc.message_zh}
    if isinstance(exc, ValidationFailed):
        body["errors"] = [e.to_dict() for e in exc.errors]
    headers = {"Retry-After": "300"} if exc.status_code == 429 else None
    return JSONResponse(body, status_code=exc.status_code, headers=headers)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The status-push dispatcher runs while the app serves."""
    app.state.push.start()
    try:
        yield
    finally:
        await asyncio.to_thread(app.state.push.stop)


def create_app(db_path: str | Path, *, push_settings: PushSettings | None = None) -> FastAPI:
    """The app on a store; status push as ``push_settings`` say (default: ``COO_LAB_*``)."""
    app = FastAPI(
        title="coo_lab — CCPIT certificate of origin declaration service",
        version=__version__,
        description="贸促会原产地证申报系统: user filing, base data, certificates of 15 types, "
        "the authority's review with receipts, and a change feed for sync.",
        responses=_ERRORS,
        dependencies=[Depends(refuse_nul_characters)],
        lifespan=_lifespan,
    )
    app.state.db = open_database(db_path)
    app.state.push = PushService(app.state.db, push_settings or PushSettings.from_env())

    @app.exception_handler(CooLabError)
    def coo_lab_error(request: Request, exc: CooLabError) -> JSONResponse:
        return _error_response(exc)

    @app.exception_handler(RequestValidationError)
    def request_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            FieldError(e.field.removeprefix("body."), e.value, e.expected_en, e.expected_zh, e.code)
            for e in field_errors(exc.errors())
        ]
        return _error_response(ValidationFailed(errors, model="request"))

    @app.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        """FastAPI's and Starlette's own refusals, answered as an ``ErrorBody`` too."""
        if exc.status_code == 400:  # a body FastAPI could not parse, e.g. not UTF-8
            expected = ("a JSON document in UTF-8", "UTF-8 编码的 JSON 文档")
            error = FieldError("body", None, *expected, "json_invalid")
            return _error_response(ValidationFailed([error], model="request"))
        name = HTTPStatus(exc.status_code).phrase.lower().replace(" ", "_")
        body = {"error": name, "message_en": str(exc.detail), "message_zh": str(exc.detail)}
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    @app.get("/api/v1/health", response_model=Health, tags=["service"])
    def health() -> dict:
        with app.state.db.read() as tx:
            tx.scalar("SELECT 1")
        return {"status": "ok", "version": __version__}

    # certificates first: a request is matched against one included router after another,
    # and the certificate routes are the busy ones (no path is in two routers)
    for module in (
        certificates,
        accounts,
        basedata,
        review,
        feed,
        filings,
        filing_review,
        data_sync,
        bulk,
        selfprint,
        documents,
        push,
    ):
        app.include_router(module.router)
    return app


def app_from_env() -> FastAPI:
    """The app on the store ``COO_LAB_DB`` names (how each of ``--workers`` processes
    builds its own)."""
    return create_app(os.environ.get("COO_LAB_DB", "data/coo_lab.sqlite"))
