"""佐证材料: the supporting documents of the certificate on the form.

The files are uploaded: the service checks what they are and lists them on the certificate
(by name, type, size and SHA-256). Files picked before the first save wait for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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

    def add(self, files: list[File]) -> bool:
        form = self.form
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
