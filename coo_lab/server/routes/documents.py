"""Supporting documents (佐证材料): upload and list on a certificate; download and delete.

The upload reads the multipart body itself, after the certificate was found to be the
caller's: another enterprise's id answers 404 without its body being read, and a body
announced larger than the limit is refused before it is read.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from coo_lab.errors import FieldError, ValidationFailed
from coo_lab.server import certificates, documents
from coo_lab.server.deps import DB, EnterpriseScope, WriterScope
from coo_lab.server.idempotency import remember, replay, request_hash
from coo_lab.server.routes.common import IdempotencyKey, RecordId, with_etag
from coo_lab.server.routes.selfprint import ERRORS_AS_JSON

router = APIRouter(tags=["supporting documents"])
MULTIPART_SLACK = 64 * 1024  # the multipart framing around the file's bytes

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "a PDF, JPEG or PNG file (10 MB at most by default)",
                        }
                    },
                }
            }
        },
    }
}
FILE_ANSWER = {
    200: {
        "content": {
            t: {"schema": {"type": "string", "format": "binary"}}
            for t, _magic, _name in documents.KINDS
        }
    },
    **ERRORS_AS_JSON,
}


class DocumentOut(BaseModel):
    """A supporting document, without its bytes (download them by its id)."""

    id: int
    certificate_id: int
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


def _limit(request: Request) -> int:
    return getattr(request.app.state, "max_document_bytes", None) or documents.max_bytes()


def _bad_body(detail: str) -> ValidationFailed:
    return ValidationFailed(
        [
            FieldError(
                "file",
                detail,
                "a multipart/form-data body with one file part named `file`",
                "multipart/form-data 请求体，含一个名为 `file` 的文件",
                "missing_file",
            )
        ]
    )


@router.post(
    "/api/v1/certificates/{cert_id}/documents",
    status_code=201,
    response_model=DocumentOut,
    openapi_extra=UPLOAD_BODY,
    summary="Upload a supporting document (佐证材料)",
)
async def upload(
    cert_id: RecordId,
    scope: WriterScope,
    db: DB,
    request: Request,
    key: IdempotencyKey = None,
) -> Response:
    """Add a PDF, JPEG or PNG file to a draft or returned certificate. The type is read from
    the file's content; too large, empty or another type answers 422 naming the problem."""

    def owned() -> None:
        with db.read() as tx:
            certificates.load(tx, scope.company_id, cert_id)

    await run_in_threadpool(owned)
    limit = _limit(request)
    announced = request.headers.get("content-length", "")
    if announced.isdigit() and int(announced) > limit + MULTIPART_SLACK:
        raise documents.too_large(int(announced), limit)
    try:
        async with request.form(max_files=1, max_fields=5) as form:
            part = form.get("file")
            if part is None or isinstance(part, str):
                raise _bad_body("no file part named `file`")
            if part.size is not None and part.size > limit:
                raise documents.too_large(part.size, limit)
            content = await part.read(limit + 1)
            name = part.filename or ""
    except (HTTPException, MultiPartException) as exc:  # not multipart, or broken
        raise _bad_body(f"an unreadable body ({getattr(exc, 'detail', exc)})") from exc

    def write() -> Response:
        digest = hashlib.sha256(content).hexdigest()
        fingerprint = request_hash("POST", request.url.path, {"name": name, "sha256": digest})
        with db.transaction() as tx:
            if key:
                prior = replay(tx, scope.user.user_id, key, fingerprint)
                if prior is not None:
                    return with_etag(prior[1], prior[0])
            shown = documents.upload(tx, scope, cert_id, name, content, limit)
            if key:
                remember(tx, scope.user.user_id, key, fingerprint, 201, shown)
        return with_etag(shown, 201)

    return await run_in_threadpool(write)


@router.get("/api/v1/certificates/{cert_id}/documents", response_model=list[DocumentOut])
def listing(cert_id: RecordId, scope: EnterpriseScope, db: DB) -> list[dict]:
    """The supporting documents of a certificate, oldest first."""
    with db.read() as tx:
        return documents.listing(tx, scope.company_id, cert_id)


@router.get(
    "/api/v1/documents/{document_id}",
    response_class=Response,
    responses=FILE_ANSWER,
    summary="Download a supporting document",
)
def download(document_id: RecordId, scope: EnterpriseScope, db: DB) -> Response:
    """The file as it was uploaded, under its name."""
    with db.read() as tx:
        document = documents.fetch(tx, scope.company_id, document_id)
    ascii_name = document["name"].encode("ascii", "replace").decode().replace('"', "'")
    disposition = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(document['name'])}"
    )
    return Response(
        document["content"],
        media_type=document["content_type"],
        headers={
            "Content-Disposition": disposition,
            "X-Content-SHA256": document["sha256"],
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.delete("/api/v1/documents/{document_id}", status_code=204)
def delete(document_id: RecordId, scope: WriterScope, db: DB) -> None:
    """Remove a supporting document from a draft or returned certificate."""
    with db.transaction() as tx:
        documents.delete(tx, scope, document_id)
