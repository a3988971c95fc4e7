"""What an operator declares: a new certificate's consignee, transport, goods and values,
then, once saved, its id, internal number, invoice and shipping marks; and its dates."""

from __future__ import annotations

import math
import random
import sys

from coo_lab.domain.numbers import internal_number
from coo_lab.domain.route import transport_route
from coo_lab.server.demo.certificate import DemoCertificate, next_serial
from coo_lab.server.demo.declarant import Firm
from coo_lab.server.demo.destinations import ASIA, EUROPE, FLIGHTS, NEAR, VESSELS
from coo_lab.server.demo.documents import quote, to_json, unquote
from coo_lab.server.demo.draws import Pick
from coo_lab.server.demo.timeline import CHINA, DAY, day_text, iso, utc_day

_LINES = Pick([1, 2, 3, 4, 5], [34, 28, 18, 12, 8])
_TERMS = Pick(["FOB", "CIF", "CFR"], [75, 15, 10])
_PAYMENTS = Pick(['"T/T"', '"L/C"', '"D/P"', '"O/A"', '"D/A"'], [60, 20, 8, 8, 4])


class Drafter:
    """The operators of every enterprise: draws a new certificate's fields (``draft``) and
    numbers it when it is saved (``insert``)."""

    def __init__(
        self, rng: random.Random, counters: dict[str, int], next_id: int, *, progress: bool
    ) -> None:
        self.rng = rng
        self.counters = counters
        self.next_id = next_id
        self.progress = progress
        self.created = 0  # certificates saved so far
        self.routes: dict[tuple[str, str, str], str] = {}

    def _route(self, port: str, via: str, mode: str) -> str:
        key = (port, via, mode)
        route = self.routes.get(key)
        if route is None:
            text = transport_route("CNDLC", port, via=via or None, mode=mode)
            route = self.routes[key] = to_json(text)
        return route

    def draft(self, firm: Firm, cert_type: str, dest: str) -> DemoCertificate:
        """A new certificate's fields: consignee, transport, goods and values."""
        rng = self.rng
        random_ = rng.random
        base, importer_name = rng.choice(firm.bases[dest])
        v = dict(base)
        v["cert_type"] = f'"{cert_type}"'
        if dest in FLIGHTS and random_() < 0.06:
            v["transport_mode"] = '"AIR"'
            v["transshipment_port"] = v["second_leg_vessel"] = '""'
            v["first_leg_vessel"] = f'"{FLIGHTS[dest]}"'
            v["transport_route"] = self._route(unquote(v["destination_port"]), "", "AIR")
        else:
            pool = VESSELS["near" if dest in NEAR else "asia" if dest in ASIA else "far"]
            voyage = f"{1 + int(random_() * 399):03d}{'EWNS'[int(random_() * 4)]}"
            v["first_leg_vessel"] = f'"{rng.choice(pool)} V.{voyage}"'
        if random_() >= 0.8:
            v["producer"] = firm.producers[-1]
        if random_() < 0.1:
            v["exporter"] = firm.exporters[-1]
        v["hand_signer"] = rng.choice(firm.signers)
        # goods: lines of a FOB value drawn from a log-normal, a few hundred to ~900k USD
        candidates = firm.lines[cert_type]
        n = min(len(candidates), _LINES(rng))
        chosen = rng.sample(candidates, n) if n > 1 else [rng.choice(candidates)]
        total = math.exp(firm.log_fob + 1.05 * rng.gauss(0.0, 1.0))
        total = min(900_000.0, max(300.0, total))
        shares = [random_() + 0.3 for _ in chosen]
        unit = total * 100 / sum(shares)
        lines = []
        fob_cents = gross_tenths = 0
        for i, line in enumerate(chosen):
            p = line.spec
            price = max(1, round(line.price_cents * (0.92 + 0.16 * random_())))
            qty = max(1, round(shares[i] * unit / price))
            if qty > p.per_package * 3:
                qty = round(qty / p.per_package) * p.per_package
            packages = max(1, -(-qty // p.per_package))
            amount = qty * price
            net = max(1, round(qty * p.net_kg * 10))
            gross = net + max(1, round(net * (0.04 + 0.08 * random_())))
            fob = f'"{amount // 100}.{amount % 100:02d}"'
            processing = line.processing if random_() < 0.3 else "null"
            lines.append(
                (
                    line,
                    [
                        str(i + 1),
                        f'"{qty}"',
                        f'"{price // 100}.{price % 100:02d}"',
                        fob,
                        f'"{net // 10}.{net % 10}"',
                        f'"{gross // 10}.{gross % 10}"',
                        str(packages),
                        fob,
                        f"\\nC/NO. 1-{packages}\\nMADE IN CHINA",  # after the invoice number
                        processing,
                    ],
                )
            )
            fob_cents += amount
            gross_tenths += gross
        v["goods"] = lines  # type: ignore[assignment]  # rendered once numbered (marks)
        v["weight_quantity"] = f'"{gross_tenths // 10}.{gross_tenths % 10}"'
        v["fob_usd"] = f'"{fob_cents // 100}.{fob_cents % 100:02d}"'
        term = _TERMS(rng)
        invoice_cents = fob_cents
        if term != "FOB":
            v["price_term"] = f'"{term}"'
            invoice_cents = round(fob_cents * (1.03 + 0.05 * random_()))
        if dest in EUROPE and random_() < 0.3:
            v["invoice_currency"] = '"EUR"'
            invoice_cents = round(invoice_cents * 0.92)
        v["invoice_amount"] = f'"{invoice_cents // 100}.{invoice_cents % 100:02d}"'
        v["payment_method"] = _PAYMENTS(rng)
        if random_() < 0.04 and firm.clauses:
            v["special_clauses"] = f"[{rng.choice(firm.clauses)}]"
        cert = DemoCertificate(firm, cert_type, v)
        cert.importer_name = importer_name
        return cert

    def insert(self, c: DemoCertificate, t0: int) -> None:
        """Id and internal number taken now, as ``certificates.insert`` does."""
        c.id = self.next_id
        self.next_id += 1
        year = int(utc_day(t0)[:4])  # the service numbers by the UTC year (``moment.year``)
        firm = c.firm
        code = firm.spec.code
        serial = next_serial(self.counters, f"internal:{code}:{year}")
        c.internal = internal_number(code, year, serial)
        c.created = iso(t0)
        self.created += 1
        if self.progress and self.created % 100_000 == 0:
            print(f"  … {self.created:,} certificates", file=sys.stderr, flush=True)
        if c.original is not None:
            return
        v = c.vals
        prefix = firm.spec.prefix
        invoice = f"{prefix}{year % 100:02d}-{serial:05d}"
        v["invoice_number"] = quote(invoice)
        v["contract_number"] = quote(f"{prefix}C{year % 100:02d}{serial:05d}")
        if self.rng.random() < 0.4:
            v["customs_declaration_number"] = quote(f"0900{year}{serial:010d}")
        invoice_day = (t0 + CHINA) // DAY - int(self.rng.random() * 8)
        invoice_date = day_text(invoice_day)
        v["invoice_date"] = f'"{invoice_date}"'
        if v["payment_method"] == '"L/C"':
            v["lc_number"] = quote(f"LC{invoice_date[2:4]}{self.rng.randrange(10**6):06d}")
            v["lc_date"] = quote(day_text(invoice_day - self.rng.randrange(10, 41)))
        marks = f'"{prefix}/{invoice}'
        rendered = []
        for line, values in v["goods"]:  # type: ignore[attr-defined]
            values[8] = f'{marks}{values[8]}"'
            rendered.append(line.template.fmt % tuple(values))
        v["goods"] = "[" + ",".join(rendered) + "]"

    def dates(self, v: dict[str, str], day: int) -> None:
        """Application = the day it is declared (not before the invoice); shipment after."""
        text = f'"{day_text(day)}"'
        if v["invoice_date"] > text:
            v["invoice_date"] = text
        v["application_date"] = v["signing_date"] = text
        v["shipment_date"] = f'"{day_text(day + 1 + int(self.rng.random() * 10))}"'
