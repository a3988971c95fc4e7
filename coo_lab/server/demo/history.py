"""A certificate's history as the service records it: each step of its life changes its
state and issues receipts (each with its feed entry); after the last one, its row and its
certificate feed entry are written. Numbers are taken in approval order."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from coo_lab.domain.numbers import MAX_SERIAL
from coo_lab.server.demo.certificate import (
    APPROVE,
    CREATE,
    EDIT,
    GOODS,
    PRINT,
    RETURN,
    SUBMIT,
    VOID,
    VOID_BY_REISSUE,
    DemoCertificate,
    next_serial,
)
from coo_lab.server.demo.documents import dumps, quote, to_json
from coo_lab.server.demo.offices import OFFICE_PLACES
from coo_lab.server.demo.timeline import CHINA, DAY, day_text, iso, utc_day
from coo_lab.server.demo.writer import Sink
from coo_lab.server.review import SYSTEM_ACTOR


@dataclass
class Stats:
    """What the summary reports: final statuses and types, returns, reissues."""

    statuses: Counter = field(default_factory=Counter)
    types: Counter = field(default_factory=Counter)
    returned_by_rules: int = 0
    returned_by_reviewer: int = 0
    reissues: int = 0
    partner_general: int = 0


class History:
    """Applies the steps of the certificates' lives in time order and writes what each
    leaves behind (``sink``); counts what happened (``stats``)."""

    def __init__(self, sink: Sink, counters: dict[str, int], next_receipt: int) -> None:
        self.sink = sink
        self.counters = counters
        self.next_receipt = next_receipt
        self.stats = Stats()
        self.js: dict[str, str] = {}

    def _json(self, text: str) -> str:
        out = self.js.get(text)
        if out is None:
            out = self.js[text] = to_json(text)
        return out

    def step(self, c: DemoCertificate, t: int, index: int) -> None:
        """Step ``index`` of the certificate's life, at ``t``."""
        _t, kind, arg = c.steps[index]
        at = iso(t)
        receipts: list[tuple] = []
        change_first = False
        if kind == CREATE:
            c.version = 1
            c.status = "draft"
            receipts.append(self._receipt(c, at, None, "draft", c.firm.operator, "saved (暂存)"))
            change_first = True
            if c.original is not None:
                self._reissue_created(c)
        elif kind == GOODS:
            c.version += 1
            c.with_goods = True
        elif kind == SUBMIT:
            self._submit(c, t, at, arg, receipts)
        elif kind == APPROVE:
            c.version += 1
            self._approve(c, t, at, arg, receipts)
        elif kind == PRINT:
            c.version += 1
            before = c.status
            c.status = "printed"
            c.print_count += 1
            reason = "printed (打印)" if c.print_count == 1 else "reprinted (重打)"
            receipts.append(self._receipt(c, at, before, "printed", c.firm.operator, reason))
        elif kind == RETURN:
            actor, reason = arg
            c.version += 1
            c.status = "returned"
            self.stats.returned_by_reviewer += 1
            receipts.append(
                self._receipt(c, at, "submitted", "returned", actor, reason, c.findings)
            )
        elif kind == EDIT:  # the operator corrects it (``update_basic`` keeps these fields)
            c.version += 1
            submitted = c.full["submitted_at"] if c.full is not None else None
            raw = quote(submitted) if submitted else c.vals["submitted_at"]
            c.full = None
            c.vals = arg
            c.vals["submitted_at"] = raw
        elif kind == VOID:
            self._void(c, at, arg, c.firm.operator, receipts)
            change_first = True
        elif kind == VOID_BY_REISSUE:
            fresh, actor = arg
            reason = f"replaced by amend-reissue {fresh.number} (改证重发)"
            self._void(c, at, reason, actor, receipts)
            change_first = True
        if index == len(c.steps) - 1:
            change = self._final(c, at)
            if change_first:
                self.sink.change(change)
                self.sink.receipts(receipts)
            else:
                self.sink.receipts(receipts)
                self.sink.change(change)
        else:
            self.sink.receipts(receipts)

    def _reissue_created(self, c: DemoCertificate) -> None:
        original = c.original
        assert original is not None and original.number is not None
        c.with_goods = True
        c.category = "amend_reissue"
        v = c.vals
        v["category"] = '"amend_reissue"'
        v["original_certificate_number"] = quote(original.number)
        v["remarks"] = quote(
            f"THIS CERTIFICATE IS ISSUED TO REPLACE CERTIFICATE NO. {original.number} DATED "
            f"{original.signed}, WHICH IS HEREBY CANCELLED."
        )
        for name in ("certificate_number", "submitted_at", "approved_at"):
            v[name] = "null"
        v["signing_place"] = quote(OFFICE_PLACES[c.firm.spec.office])

    def filing_event(self, items: list[tuple[str, tuple]]) -> None:
        """The receipts and feed entry of a product filing's step."""
        for what, values in items:
            if what == "change":
                self.sink.change_only(values)
                continue
            company, kind, doc_id, number, before, after, actor, at, reason = values
            rid = self.next_receipt
            self.next_receipt += 1
            public = {
                "kind": kind,
                "document_id": doc_id,
                "document_number": number,
                "from_status": before,
                "to_status": after,
                "actor": actor,
                "at": at,
                "reason": reason,
                "findings": [],
                "id": rid,
            }
            row = (rid, company, kind, doc_id, number, before, after, actor, at, reason, "[]")
            change = (company, "receipt", rid, "create", 1, at, dumps(public), 1)
            self.sink.receipts([(row, change)])

    def _submit(self, c: DemoCertificate, t: int, at: str, found: str, receipts: list) -> None:
        c.version += 1
        before = c.status
        c.status = "submitted"
        c.submitted = at
        stamp = f"{at[:-6]}Z"
        c.put("submitted_at", stamp, f'"{stamp}"')
        firm = c.firm
        receipts.append(
            self._receipt(c, at, before, "submitted", firm.operator, "submitted (申报)", found)
        )
        # the findings replace earlier ones (a smart approval leaves none: ``review.submit``)
        c.findings = found
        if '"severity":"error"' in found:
            c.status = "returned"
            errors = found.count('"severity":"error"')
            self.stats.returned_by_rules += 1
            reason = f"returned by the review rules: {errors} error(s) (规则审核未通过)"
            receipts.append(
                self._receipt(c, at, "submitted", "returned", SYSTEM_ACTOR, reason, found)
            )
        elif firm.spec.policy == "automatic" and found == "[]":
            reason = "approved by smart review (智能审核通过)"
            self._approve(c, t, at, SYSTEM_ACTOR, receipts, reason)

    def _approve(
        self,
        c: DemoCertificate,
        t: int,
        at: str,
        actor: str,
        receipts: list,
        reason: str = "approved (审核通过)",
    ) -> None:
        year = utc_day(t + CHINA)[:4]  # numbered in China's calendar year, as the service does
        code = c.firm.spec.code
        serial = next_serial(self.counters, f"certificate:{code}:{c.type}:{year}")
        if serial > MAX_SERIAL:
            raise RuntimeError(f"series {code}/{c.type}/{year} passed {MAX_SERIAL} certificates")
        c.number = number = f"{year[2:]}{c.type}{code}/{serial:05d}"
        c.status = "approved"
        c.approved = at
        v = c.vals
        v["certificate_number"] = f'"{number}"'
        v["approved_at"] = f'"{at[:-6]}Z"'
        c.signed = day_text((t + CHINA) // DAY)
        v["signing_date"] = f'"{c.signed}"'
        v["signing_place"] = c.firm.place
        receipts.append(self._receipt(c, at, "submitted", "approved", actor, reason))

    def _void(self, c: DemoCertificate, at: str, reason: str, actor: str, receipts: list) -> None:
        c.version += 1
        before = c.status
        c.status = "void"
        c.void_reason = reason
        receipts.append(self._receipt(c, at, before, "void", actor, reason))

    def _receipt(
        self,
        c: DemoCertificate,
        at: str,
        before: str | None,
        after: str,
        actor: str,
        reason: str,
        findings: str = "[]",
    ) -> tuple:
        """A receipt row and its feed entry, as ``receipts.issue_receipt`` writes them."""
        rid = self.next_receipt
        self.next_receipt += 1
        number = c.number or c.internal
        from_status = "null" if before is None else f'"{before}"'
        data = (
            f'{{"kind":"certificate","document_id":{c.id},"document_number":"{number}",'
            f'"from_status":{from_status},"to_status":"{after}","actor":{self._json(actor)},'
            f'"at":"{at}","reason":{self._json(reason)},"findings":{findings},"id":{rid}}}'
        )
        company = c.firm.company_id
        return (
            (rid, company, "certificate", c.id, number, before, after, actor, at, reason, findings),
            (company, "receipt", rid, "create", 1, at, data, 0 if after == "draft" else 1),
        )

    def _final(self, c: DemoCertificate, updated: str) -> tuple:
        """The certificate row in its final state and its change-feed entry."""
        original_id = c.original.id if c.original is not None else None
        created = f"{c.created[:-6]}Z"
        if c.full is not None:  # still carrying the mistake it was returned for
            d = c.full
            if not c.with_goods:
                d["goods"] = []
            d.update(
                id=c.id, version=c.version, status=c.status, internal_number=c.internal,
                created_at=created,
            )  # fmt: skip
            doc = dumps(d)
            importer = d["importer"]
            columns = (
                d["invoice_number"],
                d["invoice_date"],
                d["hand_signer"],
                importer["name_en"] if importer else "",
                d["destination_country"],
                d["fob_usd"],
            )
        else:
            v = c.vals
            if not c.with_goods:
                v["goods"] = "[]"
            v["id"] = str(c.id)
            v["version"] = str(c.version)
            v["status"] = f'"{c.status}"'
            v["internal_number"] = f'"{c.internal}"'
            v["created_at"] = f'"{created}"'
            doc = c.render()
            columns = (
                v["invoice_number"][1:-1],
                v["invoice_date"][1:-1],
                v["hand_signer"][1:-1],
                c.importer_name,
                v["destination_country"][1:-1],
                v["fob_usd"][1:-1],
            )
        data = (
            f'{doc[:-1]},"findings":{c.findings},"print_count":{c.print_count},'
            f'"void_reason":{self._json(c.void_reason)},'
            f'"original_id":{"null" if original_id is None else original_id}}}'
        )
        company = c.firm.company_id
        row = (
            c.id,
            company,
            c.type,
            c.category,
            c.status,
            c.version,
            c.internal,
            c.number,
            original_id,
            *columns,
            c.print_count,
            c.void_reason,
            c.findings,
            c.firm.operator_id,
            c.created,
            updated,
            c.submitted,
            c.approved,
            doc,
        )
        stats = self.stats
        stats.statuses[c.status] += 1
        stats.types[c.type] += 1
        if c.category == "amend_reissue":
            stats.reissues += 1
        c.vals = {}  # free the memory of a finished certificate
        c.full = None
        op = "create" if c.version == 1 else "update"
        seen = 0 if c.status == "draft" else 1  # ``feed.authority_sees``
        return row, (company, "certificate", c.id, op, c.version, updated, data, seen)
