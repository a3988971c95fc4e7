"""Mistakes on a declaration: the defects the review rules refuse at once, and the late
application they only warn about (issued retroactively)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from coo_lab.domain.agreements import agreement
from coo_lab.domain.certificate import Certificate
from coo_lab.domain.rules import CheckContext, check
from coo_lab.server.demo.certificate import DemoCertificate
from coo_lab.server.demo.documents import LINE_FIELDS, dumps, quote

DEFECTS = ("generic", "marks", "signer", "dates", "fob", "exporter", "route")
NOT_PARTNER = {"E": "IND", "K": "JPN", "A": "NZL", "B": "THA", "HM": "TWN", "N": "AUS",
               "X": "MYS", "R": "CHL", "H": "HKG", "L": "PAN", "I": "NOR", "S": "AUT",
               "GE": "ARM", "F": "ARG"}  # fmt: skip


def retroactive(rng: random.Random, c: DemoCertificate, day: date) -> str:
    """Applied after shipment beyond the grace period: a warning, issued retroactively."""
    late = agreement(c.type).retro.grace_days + rng.randrange(4, 60)
    c.vals["shipment_date"] = quote((day - timedelta(days=late)).isoformat())
    found = _check(c, c.document(), day)
    assert found and not any(f["severity"] == "error" for f in found), found
    return dumps(found)


def defect(rng: random.Random, c: DemoCertificate, day: date) -> str:
    """Give the certificate a mistake the rules refuse (``c.full``); returns the findings."""
    firm = c.firm
    kinds = list(DEFECTS)
    if c.type != "C":
        kinds += ["partner", "partner"]
        if firm.unfiled.get(c.type):
            kinds += ["unfiled", "unfiled"]
        if c.type == "H":
            kinds.append("chinese")
        if c.type == "B":
            kinds += ["apta_late", "apta_late"]
    if firm.cancelled is None:
        kinds.remove("signer")
    kind = rng.choice(kinds)
    d = c.document()
    goods = d["goods"]
    i = rng.randrange(len(goods))
    if kind == "generic":
        goods[i]["description"] = f"{firm.spec.generic}***"
    elif kind == "marks":
        goods[i]["marks"] = rng.choice(("AS PER INVOICE", "AS PER B/L"))
    elif kind == "signer":
        d["hand_signer"] = firm.cancelled
    elif kind == "dates":
        d["invoice_date"] = (day + timedelta(days=rng.randrange(1, 6))).isoformat()
    elif kind == "fob":
        if d["invoice_amount"] != d["fob_usd"]:  # the CIF invoice amount typed as FOB
            d["fob_usd"] = d["invoice_amount"]
        else:  # a line left out of the total, or a slip of the finger
            left = _to_cents(d["fob_usd"]) - _to_cents(goods[i]["fob_usd"])
            d["fob_usd"] = _cents(left if left > 0 else left + 100_000)
    elif kind == "exporter":
        name = d["exporter"]["name_en"]
        short = name.replace(" CO., LTD.", "").replace(" INTERNATIONAL", " INT'L")
        d["exporter"]["name_en"] = short if short != name else f"{name} (GROUP)"
    elif kind == "route":
        d["transport_route"] = ""
    elif kind == "partner":
        d["destination_country"] = NOT_PARTNER[c.type]
    elif kind == "unfiled":
        line = rng.choice(firm.unfiled[c.type])
        g = dict(line.dump)
        for key in LINE_FIELDS:
            g[key] = goods[i][key]
        qty = int(goods[i]["quantity"])
        g["unit_price"] = _cents(line.price_cents)
        g["amount"] = g["fob_usd"] = _cents(qty * line.price_cents)
        g["processing"] = None
        goods[i] = g
        d["fob_usd"] = _cents(sum(_to_cents(x["fob_usd"]) for x in goods))
    elif kind == "chinese":
        d["importer"]["name_cn"] = ""
    elif kind == "apta_late":
        d["shipment_date"] = (day - timedelta(days=rng.randrange(8, 30))).isoformat()
    found = _check(c, d, day)
    assert any(f["severity"] == "error" for f in found), (kind, found)
    c.full = d
    return dumps(found)


def _check(c: DemoCertificate, d: dict[str, Any], today: date) -> list[dict[str, str]]:
    cert = Certificate.model_validate(d)
    ctx = CheckContext(
        today=today,
        enterprise=c.firm.enterprise,
        approved_filings=c.firm.filings,
        used_invoices=set(),
    )
    return [f.to_dict() for f in check(cert, ctx)]


# -- running the steps -------------------------------------------------------------------


def _cents(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _to_cents(text: str) -> int:
    return int(text.replace(".", ""))  # always two decimals here
