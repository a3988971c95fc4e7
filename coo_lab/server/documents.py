"""Supporting documents (佐证材料) of a certificate: upload, list, download, delete.

A document is stored in the database with its row, in one transaction: there is never a
row without its bytes or bytes without a row. Only PDF, JPEG and PNG are taken, recognised
by their first bytes (a name ending in ``.pdf`` proves nothing), up to a size limit.
Documents go with a declaration, so they are added and removed while the certificate can
be edited (a draft, or returned); the certificate's ``supporting_documents`` list follows,
with a new version and a change-feed entry, so a synced copy knows what is attached.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from typing import Any

from coo_lab.domain.certificate import Attachment
from coo_lab.domain.lifecycle import is_editable
from coo_lab.errors import Conflict, FieldError, NotFound, ValidationFailed
from coo_lab.server import certificates
from coo_lab.server.clock import iso, now
from coo_lab.server.db import Transaction
from coo_lab.server.deps import Scope
from coo_lab.server.feed import record_change

ENTITY = "supporting_document"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_PER_CERTIFICATE = 20
MAX_NAME = 200
KINDS = (  # (content type, first bytes, what people call it)
    ("application/pdf", b"%PDF-", "PDF"),
    ("image/jpeg", b"\xff\xd8\xff", "JPEG"),
    ("image/png", b"\x89PNG\r\n\x1a\n", "PNG"),
)
_COLUMNS = "id, certificate_id, name, content_type, size, sha256, uploaded_by, uploaded_at"


def max_bytes() -> int:
    """The size limit: ``COO_LAB_MAX_DOCUMENT_BYTES``, else 10 MiB."""
    value = os.environ.get("COO_LAB_MAX_DOCUMENT_BYTES", "")
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_MAX_BYTES


def size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size:,} bytes"


def too_large(size: int, limit: int) -> ValidationFailed:
    return ValidationFailed(
        [
            FieldError(
                "file",
                size_text(size),
                f"a file of at most {size_text(limit)}",
                f"不超过 {size_text(limit)} 的文件",
                "too_large",
            )
        ]
    )


def kind_of(content: bytes) -> str:
    """The content type the bytes really are; an unknown kind is a clear error."""
    for content_type, magic, _name in KINDS:
        if content.startswith(magic):
            return content_type
    start = content[:8].hex(" ") if content else "nothing"
    raise ValidationFailed(
        [
            FieldError(
                "file",
                f"a file starting with {start}",
                "a PDF, JPEG or PNG file (recognised by its content, not its name)",
                "PDF、JPEG 或 PNG 文件（按文件内容识别，而非文件名）",
                "unsupported_type",
            )
        ]
    )


def clean_name(name: str | None) -> str:
    """The file's name without any folder, control characters or surrounding blanks."""
    text = unicodedata.normalize("NFC", name or "")
    text = re.split(r"[\\/]", text)[-1]
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C").strip()
    if not text or text in (".", ".."):
        raise ValidationFailed(
            [FieldError("file", name, "a file with a name", "带文件名的文件", "missing_name")]
        )
    return text[:MAX_NAME]


def upload(
    tx: Transaction, scope: Scope, cert_id: int, name: str, content: bytes, limit: int
) -> dict[str, Any]:
    """Store a document on an editable certificate; returns its description."""
    row, cert = certificates.load(tx, scope.company_id, cert_id)
    _editable(cert.status.value, cert_id, "added")
    if len(content) > limit:
        raise too_large(len(content), limit)
    if not content:
        raise ValidationFailed(
            [FieldError("file", "0 bytes", "a file that is not empty", "非空文件", "empty")]
        )
    content_type = kind_of(content)
    count = tx.scalar(
        "SELECT COUNT(*) FROM supporting_documents WHERE certificate_id = ?", (cert_id,)
    )
    if count >= MAX_PER_CERTIFICATE:
        raise Conflict(
            f"certificate {cert_id} already has {count} supporting documents, the most allowed; "
            "delete one first",
            f"证书 {cert_id} 已有 {count} 份佐证材料，已达上限；请先删除一份",
        )
    document = {
        "company_id": scope.company_id,
        "certificate_id": cert_id,
        "name": clean_name(name),
        "content_type": content_type,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "content": content,
        "uploaded_by": scope.user.username,
        "uploaded_at": iso(now()),
    }
    document["id"] = tx.insert("supporting_documents", document)
    shown = {k: v for k, v in document.items() if k not in ("company_id", "content")}
    record_change(tx, scope.company_id, ENTITY, document["id"], "create", 1, shown)
    _list_on_certificate(tx, row, cert)
    return shown


def listing(tx: Transaction, company_id: int, cert_id: int) -> list[dict[str, Any]]:
    certificates.load(tx, company_id, cert_id)
    return tx.all(
        f"SELECT {_COLUMNS} FROM supporting_documents WHERE certificate_id = ? ORDER BY id",
        (cert_id,),
    )


def fetch(tx: Transaction, company_id: int, document_id: int) -> dict[str, Any]:
    """A document with its bytes (``content``)."""
    row = tx.one(
        f"SELECT {_COLUMNS}, content FROM supporting_documents WHERE id = ? AND company_id = ?",
        (document_id, company_id),
    )
    if row is None:
        raise NotFound(
            f"supporting document {document_id} not found", f"未找到佐证材料 {document_id}"
        )
    return row


def delete(tx: Transaction, scope: Scope, document_id: int) -> None:
    document = fetch(tx, scope.company_id, document_id)
    row, cert = certificates.load(tx, scope.company_id, document["certificate_id"])
    _editable(cert.status.value, row["id"], "removed")
    tx.execute("DELETE FROM supporting_documents WHERE id = ?", (document_id,))
    record_change(tx, scope.company_id, ENTITY, document_id, "delete", 2, None)
    _list_on_certificate(tx, row, cert)


def _editable(status: str, cert_id: int, done: str) -> None:
    if not is_editable(status):
        raise Conflict(
            f"supporting documents can be {done} only while certificate {cert_id} is a draft "
            f"or returned; it is `{status}`",
            f"证书 {cert_id} 当前状态为 `{status}`：只有暂存或退回的证书才能增删佐证材料",
        )


def _list_on_certificate(tx: Transaction, row: dict, cert) -> None:
    """The certificate's own list of its documents, as stored now (a new version)."""
    cert.supporting_documents = [
        Attachment(
            name=d["name"], content_type=d["content_type"], size=d["size"], sha256=d["sha256"]
        )
        for d in tx.all(
            "SELECT name, content_type, size, sha256 FROM supporting_documents "
            "WHERE certificate_id = ? ORDER BY id",
            (row["id"],),
        )
    ]
    certificates.save(tx, row, cert)
