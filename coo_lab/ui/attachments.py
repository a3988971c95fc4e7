"""佐证材料: the supporting documents of the certificate on the form.

Where the service keeps the files (the client has ``certificates.upload``), they are
uploaded — the service checks what they are and lists them on the certificate; files picked
before the first save wait for it; otherwise
each file is recorded on the certificate by name, type, size and SHA-256, and saved with it.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from coo_lab.domain.certificate import Attachment

if TYPE_CHECKING:
    from coo_lab.ui.form import CertificateForm

File = tuple[str, str, bytes]  # name, content type, content


class SupportingDocuments:
    def __init__(self, form: CertificateForm) -> None:
        self.form = form
        self.pending: list[File] = []  # picked before the first save: uploaded by it

    def names(self) -> list[tuple[str, int, bool]]:
        """(name, size, uploaded) of every document, those still to upload last."""
        kept = [(a.name, a.size, True) for a in self.form.draft.supporting_documents]
        return kept + [(name, len(content), False) for name, _t, content in self.pending]

    @property
    def uploaded(self) -> bool:
        """Whether the service keeps the files themselves."""
        return self.form.session.offers("documents")

    def add(self, files: list[File]) -> bool:
        form = self.form
        if not self.uploaded:
            docs = list(form.draft.supporting_documents) + [
                Attachment(
                    name=name,
                    content_type=ctype or "application/octet-stream",
                    size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                )
                for name, ctype, content in files
            ]
            return form.set("supporting_documents", docs)
        if not form.saved:
            self.pending += files
            form.changed("supporting_documents")
            return True
        return self._upload(files)

    def flush(self) -> bool:
        """After the first save: upload what was picked before it."""
        files, self.pending = self.pending, []
        return self._upload(files) if files else True

    def _upload(self, files: list[File]) -> bool:
        form = self.form
        certs, cert_id = form.session.client.certificates, form.draft.id

        def go() -> bool:
            for name, _ctype, content in files:
                certs.upload(cert_id, content, name=name)
            return True

        done = form._write(go)
        self._refresh()
        return bool(done)

    def remove_all(self) -> bool:
        form = self.form
        self.pending = []
        if not self.uploaded:
            return form.set("supporting_documents", [])
        client, cert_id = form.session.client, form.draft.id

        def go() -> bool:
            for doc in client.get(f"/api/v1/certificates/{cert_id}/documents"):
                client.certificates.delete_document(doc["id"])
            return True

        done = form._write(go)
        self._refresh()
        return bool(done)

    def _refresh(self) -> None:
        """The list and version as the service has them now (unsaved edits stay)."""
        form = self.form
        fresh = form.attempt(lambda: form.session.client.certificates.get(form.draft.id))
        if fresh is not None:
            form.draft.supporting_documents = fresh.supporting_documents
            form.draft.version = fresh.version
        form.changed("supporting_documents")
