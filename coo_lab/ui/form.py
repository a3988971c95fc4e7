"""The certificate screen's state (原产地证 — 基本信息): a ``Certificate`` draft and its story.

Widgets bind to this model: they ``set`` what the user typed and redraw from ``display`` and
``messages``; the buttons call the actions (new, save, delete, check, submit,
amend-reissue, void, copy, preview, print). What an action may do in which status comes from
the lifecycle (``certificate_actions``), the rules from ``coo_lab.check`` and the service —
never from the widgets. The goods tab has its own model (``GoodsEditor``), fed from here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from coo_lab.domain.agreements import agreement
from coo_lab.domain.certificate import Certificate
from coo_lab.domain.lifecycle import certificate_actions
from coo_lab.domain.parties import Exporter, Importer, Producer, SpecialClause
from coo_lab.domain.route import transport_route
from coo_lab.domain.rules import CheckContext, check
from coo_lab.errors import ValidationFailed
from coo_lab.ui import messages, service
from coo_lab.ui.attachments import SupportingDocuments
from coo_lab.ui.goods import GoodsEditor
from coo_lab.ui.i18n import LABELS, Language, status_label
from coo_lab.ui.messages import Message
from coo_lab.ui.session import Session
from coo_lab.ui.state import Model, Notice, error_notice

PARTIES: dict[str, tuple[str, type]] = {
    "exporter": ("exporters", Exporter),
    "importer": ("importers", Importer),
    "producer": ("producers", Producer),
}
BASE_KINDS = ("exporters", "importers", "producers", "special-clauses")
SERVICE_EXTRAS = ("findings", "print_count", "void_reason", "original_id")


def certificate_of(body: dict[str, Any]) -> Certificate:
    """The ``Certificate`` in a service answer (which also carries its review state)."""
    fields = Certificate.model_fields
    return Certificate.model_validate({k: v for k, v in body.items() if k in fields})


def record_of(model: type, row: dict[str, Any]) -> Any:
    """A base-data row as the party a certificate carries (the service's own keys dropped)."""
    return model.model_validate({k: v for k, v in row.items() if k in model.model_fields})


class CertificateForm(Model):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.draft = Certificate(cert_type="C")
        self.raw: dict[str, Any] = {}  # what was typed where it did not fit
        self.input_errors: dict[str, list[Message]] = {}
        self.findings: dict[str, list[Message]] = {}
        self.checked_locally_only = False
        self.dirty: set[str] = set()
        self.extras: dict[str, Any] = {}  # the service's view: print count, void reason…
        self.receipts: list[dict[str, Any]] = []
        self.base: dict[str, list[dict[str, Any]]] = {k: [] for k in BASE_KINDS}
        self.pdf: bytes | None = None
        self.signers: list[str] = []  # hand-signers the enterprise knows (data sync)
        self.goods = GoodsEditor(self)
        self.documents = SupportingDocuments(self)

    # --- identity ------------------------------------------------------------------------

    @property
    def cert_id(self) -> int | None:
        return self.draft.id

    @property
    def saved(self) -> bool:
        return self.draft.id is not None

    @property
    def preferential(self) -> bool:
        return self.draft.preferential

    @property
    def title(self) -> str:
        return agreement(self.draft.cert_type).name_zh

    def allowed(self) -> set[str]:
        """The buttons that may act now: from the lifecycle, the role and the save state."""
        writer = self.session.can_write
        if not self.saved:
            return {"new", "save", "check"} if writer else {"new", "check"}
        acts = {a.value for a in certificate_actions(self.draft.status)}
        out = {"new", "check"}
        if writer:
            out |= {"copy"}
            out |= {a for a in ("save", "delete", "submit", "void") if a in acts}
            if "amend_reissue" in acts:
                out.add("amend")
        if self.draft.status not in ("void",):
            out.add("preview")
        if "print" in acts:
            out.add("print")
        return out

    # --- start ---------------------------------------------------------------------------

    def new(self, cert_type: str | None = None) -> None:
        """新建: an empty draft of that type with the deck's defaults (today's dates)."""
        code = cert_type or self.draft.cert_type
        today = date.today()
        filing = self.session.filing or {}
        self.draft = Certificate(
            cert_type=code,
            enterprise_code=filing.get("enterprise_code"),
            ccpit_code=filing.get("ccpit_code"),
            company_name_cn=filing.get("name_cn") or "",
            invoice_date=today,
            application_date=today,
            signing_date=today,
            hand_signer=filing.get("hand_signer") or "",
        )
        self._reset_state()
        self.load_base_data()
        self.changed("all")

    def load(self, cert_id: int) -> bool:
        """Open a saved certificate (from a query row, a copy, an amend-reissue)."""

        def go() -> None:
            body = service.certificate_view(self._client, cert_id)
            self._adopt(body)
            self.receipts = service.receipts(self._client, cert_id)
            self.findings = messages.from_findings(body.get("findings") or [])
            self.checked_locally_only = False

        self._reset_state()
        ok = self.perform(go)
        if ok:
            self.load_base_data()
        self.changed("all")
        return ok

    def load_base_data(self) -> None:
        """The pickers' choices: this enterprise's exporters, importers, producers, clauses."""
        if self.session.client is None or self.session.is_reviewer:
            return

        def go() -> None:
            for kind in BASE_KINDS:
                self.base[kind] = service.base_records(self._client, kind)
            profile = self._client.data_sync.profile()  # the registration as last synced
            self.signers = [
                h["name"] for h in profile.get("hand_signers", []) if h["status"] == "active"
            ]

        self.perform(go)
        self.goods.load_filing_areas()
        self.changed("base")

    def _reset_state(self) -> None:
        self.raw, self.input_errors, self.findings, self.dirty = {}, {}, {}, set()
        self.extras, self.receipts, self.pdf, self.notice = {}, [], None, None
        self.checked_locally_only = False
        self.goods.reset()

    # --- editing -------------------------------------------------------------------------

    def set(self, field: str, value: Any) -> bool:
        """A field as the user typed it: kept when it fits, else shown with what is expected."""
        if value == getattr(self.draft, field) and field not in self.input_errors:
            return True
        try:
            setattr(self.draft, field, value)
        except ValidationFailed as exc:
            self.raw[field] = value
            self.input_errors[field] = messages.from_validation(exc).get(field) or [
                m for ms in messages.from_validation(exc).values() for m in ms
            ]
            self.changed(field)
            return False
        self.raw.pop(field, None)
        self.input_errors.pop(field, None)
        self.dirty.add(field)
        self.changed(field)
        return True

    def display(self, field: str) -> Any:
        """What a widget shows: the typed text where it did not fit, else the value."""
        if field in self.raw:
            return self.raw[field]
        value = getattr(self.draft, field)
        if isinstance(value, Decimal):
            return format(value.normalize(), "f") if value == value.to_integral() else str(value)
        return value

    def pick_party(self, kind: str, code: str | None) -> bool:
        """Pick the exporter/importer/producer by its base-data code; the certificate keeps
        a copy. An importer with a country fills an empty destination country."""
        base_kind, model = PARTIES[kind]
        if not code:
            return self.set(kind, None)
        row = next((r for r in self.base[base_kind] if r["code"] == code), None)
        if row is None:
            self.tell(Notice("error", f"基础资料中没有编码 {code}", f"no {kind} with code {code}"))
            return False
        party = record_of(model, row)
        if kind == "importer" and party.country and not self.draft.destination_country:
            self.set("destination_country", party.country)
        return self.set(kind, party)

    def party_code(self, kind: str) -> str | None:
        party = getattr(self.draft, kind)
        return party.code if party is not None else None

    def set_special_clauses(self, codes: list[str]) -> bool:
        rows = {r["code"]: r for r in self.base["special-clauses"]}
        clauses = [record_of(SpecialClause, rows[c]) for c in codes if c in rows]
        return self.set("special_clauses", clauses)

    def pick_port(self, field: str, locode: str | None) -> bool:
        """A port from UN/LOCODE; the destination port also sets the destination country."""
        from coo_lab.ui.lookups import country_of_port

        ok = self.set(field, locode or "")
        if ok and locode and field == "destination_port":
            iso3 = country_of_port(locode)
            if iso3 and iso3 != self.draft.destination_country:
                self.set("destination_country", iso3)
        return ok

    def generate_route(self) -> bool:
        """生成: ``FROM … TO … VIA … BY …`` from the ports (or countries) and the mode."""
        d = self.draft
        try:
            route = transport_route(
                d.departure_port or d.departure_country,
                d.destination_port or (d.destination_country or ""),
                via=d.transshipment_port or None,
                mode=d.transport_mode,
            )
        except ValidationFailed as exc:
            self.input_errors.update(messages.from_validation(exc))
            self.tell(error_notice(exc))
            return False
        for field in ("departure_port", "destination_port", "transport_mode"):
            if field not in self.raw:
                self.input_errors.pop(field, None)
        ok = self.set("transport_route", route)
        self.tell(Notice.of("ok", "route_ok"))
        return ok

    def fob_from_goods(self) -> bool:
        """FOB value = the sum of the goods lines' FOB values (what the rules expect)."""
        return self.set("fob_usd", self.draft.goods_fob_total())

    def add_documents(self, files: list[tuple[str, str, bytes]]) -> bool:
        """佐证材料 added (see ``SupportingDocuments``)."""
        return self.documents.add(files)

    def remove_documents(self) -> bool:
        return self.documents.remove_all()

    # --- messages ------------------------------------------------------------------------

    def messages(self, field: str) -> list[Message]:
        """Input errors and findings for a field (and everything beneath it)."""
        return messages.under(self.input_errors, field) + messages.under(self.findings, field)

    def all_messages(self) -> dict[str, list[Message]]:
        grouped = {k: list(v) for k, v in self.findings.items()}
        for k, v in self.input_errors.items():
            grouped.setdefault(k, []).extend(v)
        return grouped

    # --- actions -------------------------------------------------------------------------

    def save(self) -> bool:
        """保存 (暂存): the basic info; the first save gives the internal number."""
        if self.input_errors:
            self.tell(messages.fix_first(self.input_errors))
            return False

        def go() -> Certificate:
            certs = self._client.certificates
            if self.saved:
                return certs.update(self.draft.id, self.draft, self.draft.version)
            return certs.create(self.draft)

        saved = self._write(go, Notice.of("ok", "saved"))
        if saved is None:
            return False
        self._adopt_certificate(saved)
        self.dirty.clear()
        if self.documents.pending and not self.documents.flush():
            return False  # saved; the upload's refusal is the notice
        self.changed("all")
        return True

    def check(self) -> int:
        """检查: the review rules here and now; once saved, also the service's full check
        (which knows the registration, the approved filings and the invoices in use)."""
        local = check(self.draft, CheckContext(today=date.today()))
        found: list[Any] = list(local)
        self.checked_locally_only = True
        if self.saved and not self.dirty:
            remote = self.attempt(lambda: self._client.certificates.check(self.draft.id))
            if remote is not None:
                found = [*remote, *local]
                self.checked_locally_only = False
        self.findings = messages.from_findings(found)
        total = messages.count(self.findings)
        self.tell(
            messages.findings_notice(self.findings, local_only=self.checked_locally_only)
            if total
            else Notice.of("ok", "no_findings")
        )
        self.changed("findings")
        return total

    def submit(self) -> bool:
        """申报: save what changed, submit, and show the receipt and the findings."""
        if (not self.saved or self.dirty) and not self.save():
            return False
        answer = self._write(lambda: self._client.certificates.submit(self.draft.id))
        if answer is None:
            return False
        self._adopt(answer)
        self.findings = messages.from_findings(answer.get("findings") or [])
        self.receipts = self.attempt(lambda: service.receipts(self._client, self.draft.id)) or []
        zh, en = LABELS["submitted_ok"]
        kind = "warning" if self.draft.status == "returned" else "ok"
        self.tell(
            Notice(
                kind,
                zh.format(status=status_label(self.draft.status, Language.ZH)),
                en.format(status=status_label(self.draft.status, Language.EN)),
                messages.lines(self.findings),
            )
        )
        self.changed("all")
        return True

    def delete(self) -> bool:
        """删除 a draft; the form starts a new one of the same type."""
        cert_type = self.draft.cert_type
        ok = self._write(
            lambda: self._client.certificates.delete(self.draft.id, self.draft.version) or True
        )
        if ok is None:
            return False
        self.new(cert_type)
        self.tell(Notice.of("ok", "deleted"))
        return True

    def copy(self) -> bool:
        """复制: a new draft with this one's content; the form opens it."""
        made = self._write(lambda: self._client.certificates.copy(self.draft.id))
        if made is None:
            return False
        self.load(made.id)
        self.tell(Notice.of("ok", "copied"))
        return True

    def amend_reissue(self) -> bool:
        """改证重发 of an approved certificate: a new draft citing it; the form opens it."""
        made = self._write(lambda: self._client.certificates.amend_reissue(self.draft.id))
        if made is None:
            return False
        self.load(made.id)
        self.tell(Notice.of("ok", "amended_ok"))
        return True

    def void(self, reason: str) -> bool:
        """作废 an approved or printed certificate, with a reason."""
        if not (reason or "").strip():
            self.tell(Notice.of("error", "reason_required"))
            return False
        cert = self.draft
        done = self._write(
            lambda: self._client.certificates.void(cert.id, reason.strip(), cert.version)
        )
        if done is None:
            return False
        self._adopt_certificate(done)
        self.extras["void_reason"] = reason.strip()
        self.receipts = self.attempt(lambda: service.receipts(self._client, self.draft.id)) or []
        self.tell(Notice.of("ok", "voided_ok"))
        self.changed("all")
        return True

    def preview(self) -> bool:
        return self._pdf("preview")

    def print_(self) -> bool:
        return self._pdf("print")

    # --- internals -----------------------------------------------------------------------

    @property
    def _client(self):
        if self.session.client is None:
            raise ValueError("not logged in")
        return self.session.client

    def _pdf(self, purpose: str) -> bool:
        if not self.saved:
            self.tell(Notice.of("error", "not_saved_yet"))
            return False
        certs = self._client.certificates
        fetch = certs.pdf if purpose == "print" else certs.preview
        pdf = self._write(lambda: fetch(self.draft.id))
        if pdf is None:
            return False
        if purpose == "print":  # a print is logged and moves the status: show it
            self.load(self.draft.id)
        self.pdf = pdf
        self.changed("pdf")
        return True

    def _write(self, action, ok: Notice | None = None):
        """A write to the service: its 422 field errors land next to the fields."""
        try:
            result = action()
        except ValidationFailed as exc:
            self.input_errors.update(messages.from_validation(exc))
            self.tell(error_notice(exc))
            self.changed("findings")
            return None
        except Exception as exc:
            self.tell(error_notice(exc))
            return None
        if ok is not None:
            self.tell(ok)
        return result

    def _adopt(self, body: dict[str, Any]) -> None:
        self._adopt_certificate(certificate_of(body))
        self.extras = {k: body.get(k) for k in SERVICE_EXTRAS}
        self.dirty.clear()

    def _adopt_certificate(self, cert: Certificate) -> None:
        self.draft = cert
        self.raw.clear()
        self.input_errors.clear()
        self.goods.sync()

    def adopt_goods(self, saved: Certificate) -> None:
        """The goods as the service saved them; unsaved basic-info edits stay as they are."""
        self.draft.goods = saved.goods
        self.draft.version = saved.version
        self.findings = {k: v for k, v in self.findings.items() if not k.startswith("goods")}
