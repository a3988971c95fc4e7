"""Base data (基础资料): exporters, importers, producers, special clauses."""

# no `from __future__ import annotations`: the routes are built in a loop and FastAPI
# must see each `body: model` as the class itself, not the string "model"

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import create_model

from coo_lab.domain.parties import Exporter, Importer, Producer, SpecialClause
from coo_lab.server import basedata
from coo_lab.server.deps import DB, EnterpriseScope, WriterScope
from coo_lab.server.routes.common import (
    IdempotencyKey,
    IfMatch,
    PageNo,
    PageSize,
    RecordId,
    idempotent_write,
    page_of,
    with_etag,
)
from coo_lab.server.schemas import Page

router = APIRouter(prefix="/api/v1", tags=["base data"])


def _register(kind: str, path: str, model: type) -> None:
    """The five routes of one kind: list/search, create, get, update, delete."""
    label = kind.replace("_", " ")
    # what the service shows: the record as entered plus what the service owns
    record = create_model(
        f"{model.__name__}Record",
        __base__=model,
        id=int,
        kind=str,
        version=int,
        created_at=datetime,
        updated_at=datetime,
    )

    @router.get(f"/{path}", response_model=Page[record], name=f"list {label}s")
    def list_records(
        scope: EnterpriseScope,
        db: DB,
        q: Annotated[str | None, Query(max_length=200)] = None,
        page: PageNo = 1,
        page_size: PageSize = 50,
    ) -> dict:
        with db.read() as tx:
            items, total = basedata.search(tx, scope.company_id, kind, q, page, page_size)
        return page_of(items, total, page, page_size)

    @router.post(f"/{path}", status_code=201, response_model=record, name=f"create {label}")
    def create_record(
        body: model, scope: WriterScope, db: DB, request: Request, key: IdempotencyKey = None
    ):
        return idempotent_write(
            db,
            scope.user,
            request,
            key,
            body.model_dump(mode="json"),
            lambda tx: basedata.create(tx, scope.company_id, kind, body),
            201,
        )

    @router.get(f"/{path}/{{record_id}}", response_model=record, name=f"get {label}")
    def get_record(record_id: RecordId, scope: EnterpriseScope, db: DB):
        with db.read() as tx:
            return with_etag(basedata.get(tx, scope.company_id, kind, record_id))

    @router.put(f"/{path}/{{record_id}}", response_model=record, name=f"update {label}")
    def update_record(
        record_id: RecordId, body: model, scope: WriterScope, db: DB, version: IfMatch = None
    ):
        with db.transaction() as tx:
            return with_etag(basedata.update(tx, scope.company_id, kind, record_id, body, version))

    @router.delete(f"/{path}/{{record_id}}", status_code=204, name=f"delete {label}")
    def delete_record(
        record_id: RecordId, scope: WriterScope, db: DB, version: IfMatch = None
    ) -> None:
        with db.transaction() as tx:
            basedata.delete(tx, scope.company_id, kind, record_id, version)


_register("exporter", "exporters", Exporter)
_register("importer", "importers", Importer)
_register("producer", "producers", Producer)
_register("special_clause", "special-clauses", SpecialClause)
