"""What a certificate prints in each box of its form: the text, before any layout.

Pure functions of the certificate and the form's data. English forms print the parties'
English names and addresses; the ECFA form (language "zh") prints their Chinese ones, where
given. A draft may be incomplete: a missing value prints as nothing, never as an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from coo_lab.domain import codes
from coo_lab.domain.certificate import Certificate, GoodsLine
from coo_lab.domain.retro import RetroKind, retroactive_status
from coo_lab.domain.route import place_name, transport_route
from coo_lab.errors import CooLabError
from coo_lab.printing.forms import Column, Form, units

CONTINUED = {"en": "(CONTINUED ON ATTACHED SHEET)", "zh": "（续见附页）"}
REPLACES = {
    "en": "THIS CERTIFICATE REPLACES CERTIFICATE NO. {number}",
    "zh": "本证书替代第 {number} 号证书",
}


@dataclass(frozen=True, slots=True)
class Signed:
    """A declaration or certification box: the statement, then place and date, the signer."""

    statement: str
    place_date: str
    signer: str
    caption: str


def fmt_date(value: date | None, language: str = "en") -> str:
    if value is None:
        return ""
    if language == "zh":
        return f"{value.year}年{value.month:02d}月{value.day:02d}日"
    return f"{value:%b} {value.day:02d}, {value.year}".upper()


def fmt_number(value: Decimal | None) -> str:
    """A quantity as people write it: ``1,250`` or ``12.5`` (no trailing zeros)."""
    if value is None:
        return ""
    return format(value.normalize(), ",f")


def fmt_money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def country_name(iso3: str | None, language: str = "en") -> str:
    found = codes.country(iso3) if iso3 else None
    if found is None:
        return iso3 or ""
    return found.name_cn if language == "zh" else found.route_name


def _with_country(lines: list[str], country: str) -> list[str]:
    if country and not any(country.upper() in line.upper() for line in lines):
        lines.append(country)
    return lines


def exporter(cert: Certificate, form: Form) -> str:
    party = cert.exporter
    if party is None:
        return ""
    zh = form.language == "zh"
    lines = [
        (party.name_cn if zh else "") or party.name_en,
        (party.address_cn if zh else "") or party.address_en,
    ]
    return "\n".join(_with_country([x for x in lines if x], country_name("CHN", form.language)))


def consignee(cert: Certificate, form: Form) -> str:
    party = cert.importer
    if party is None:
        return ""
    zh = form.language == "zh"
    lines = [
        (party.name_cn if zh else "") or party.name_en,
        (party.address_cn if zh else "") or party.address_en,
    ]
    country = country_name(party.country or cert.destination_country, form.language)
    if party.name_en.strip().upper() == "TO ORDER":
        return "TO ORDER"
    return "\n".join(_with_country([x for x in lines if x], country))


def producer(cert: Certificate, form: Form) -> str:
    party = cert.producer
    if party is None:
        return ""
    zh = form.language == "zh"
    lines = [
        (party.name_cn if zh else "") or party.name_en,
        (party.address_cn if zh else "") or party.address_en,
    ]
    return "\n".join(x for x in lines if x)


def route(cert: Certificate) -> str:
    """The route as declared; made from the ports when the declaration left it empty."""
    if cert.transport_route.strip():
        return cert.transport_route.strip()
    if not (cert.departure_port.strip() and cert.destination_port.strip()):
        return ""
    try:
        return transport_route(
            cert.departure_port,
            cert.destination_port,
            via=cert.transshipment_port or None,
            mode=cert.transport_mode,
        )
    except CooLabError:
        return ""


def transport(cert: Certificate, form: Form) -> str:
    """Box "means of transport and route": the route on the general CO; departure date,
    vessel and ports (then the route) on the preferential forms."""
    if form.code == "C":
        return route(cert)
    zh = form.language == "zh"
    labels = (
        ("离港日期", "运输工具", "装货港", "卸货港")
        if zh
        else (
            "DEPARTURE DATE",
            "VESSEL/FLIGHT/TRAIN/VEHICLE NO.",
            "PORT OF LOADING",
            "PORT OF DISCHARGE",
        )
    )
    vessel = " / ".join(v for v in (cert.first_leg_vessel, cert.second_leg_vessel) if v)
    values = (
        fmt_date(cert.shipment_date, form.language),
        vessel,
        _place(cert.departure_port),
        _place(cert.destination_port),
    )
    sep = "：" if zh else ": "
    lines = [f"{label}{sep}{value}" for label, value in zip(labels, values, strict=True) if value]
    text = route(cert)
    if text:
        lines.append(text)
    return "\n".join(lines)


def _place(place: str) -> str:
    try:
        return place_name(place)
    except CooLabError:
        return place.upper()


def retro_mark(cert: Certificate) -> str:
    """The agreement's retroactive mark when the application came after shipment beyond
    the grace (``coo_lab.domain.retro``); empty otherwise."""
    status = retroactive_status(cert.agreement, cert.shipment_date, cert.application_date)
    return status.mark if status.kind == RetroKind.RETROACTIVE else ""


def notes(cert: Certificate, form: Form) -> str:
    """The notes box: retroactive mark (when it goes here), replacement note, special
    clauses, remarks."""
    parts = []
    mark = retro_mark(cert)
    if mark and form.retro_box == form.notes_box:
        parts.append(mark)
    if cert.original_certificate_number:
        parts.append(REPLACES[form.language].format(number=cert.original_certificate_number))
    parts += [clause.text.strip() for clause in cert.special_clauses if clause.text.strip()]
    if cert.remarks.strip():
        parts.append(cert.remarks.strip())
    return "\n".join(parts)


def destination(cert: Certificate, form: Form) -> str:
    return country_name(cert.destination_country, form.language)


def origin_country(cert: Certificate, form: Form) -> str:
    return country_name("CHN", form.language)


def _statement(template: str, cert: Certificate, form: Form) -> str:
    importing = country_name(cert.destination_country, form.language) or "…"
    return template.format(agreement=cert.agreement.name_en, importing_country=importing)


def declaration(cert: Certificate, form: Form) -> Signed:
    place_date = "  ".join(
        x for x in (cert.application_place, fmt_date(cert.application_date, form.language)) if x
    )
    return Signed(
        _statement(form.declaration, cert, form), place_date, cert.hand_signer, form.signatory
    )


def certification(cert: Certificate, form: Form, issuer: str, issued: bool) -> Signed:
    """Filled in only on an issued certificate: a preview leaves the authority's part blank."""
    place_date = ""
    if issued:
        place_date = "  ".join(
            x for x in (cert.signing_place, fmt_date(cert.signing_date, form.language)) if x
        )
    return Signed(
        _statement(form.certification, cert, form),
        place_date,
        issuer if issued else "",
        form.authority,
    )


def checklist(cert: Certificate, form: Form) -> dict[str, bool]:
    """Form E box 13: which items are ticked (the retroactive one, when due)."""
    due = bool(retro_mark(cert)) and form.retro_box != form.notes_box
    return {item: due and item.lower() == "issued retroactively" for item in form.checklist}


# --- the goods band -------------------------------------------------------------------------


def description(line: GoodsLine) -> str:
    """Number and kind of packages, then the description, ending in ``***`` as the
    authority requires (added when the declaration left it out)."""
    text = line.description.strip()
    if line.packages and line.package_kind.strip():
        text = f"{line.packages} {line.package_kind.strip().upper()} OF {text}"
    if text and not text.endswith("***"):
        text += "***"
    return text


def unit_text(code: str | None) -> str:
    if not code:
        return ""
    shown = units().get(code)
    if shown:
        return shown
    found = codes.unit(code)
    return found.name_en.split("(")[0].strip().upper() if found else code


def cell(line: GoodsLine, column: Column, index: int) -> str:
    """The text of one goods line in one column (its parts one under the other)."""
    out = []
    for part in column.show:
        if part == "item":
            out.append(str(line.line_no or index))
        elif part == "marks":
            out.append(line.marks.strip() or "N/M")
        elif part == "description":
            out.append(description(line))
        elif part == "hs":
            code = line.hs_code[: column.hs_digits] if column.hs_digits else line.hs_code
            out.append(code if len(column.show) == 1 else f"HS: {code}")
        elif part == "criterion":
            out.append(line.origin_criterion)
        elif part == "quantity" and line.quantity is not None:
            out.append(f"{fmt_number(line.quantity)} {unit_text(line.unit)}".strip())
        elif part == "gross_weight" and line.gross_weight is not None:
            out.append(f"G.W. {fmt_number(line.gross_weight)} KGS")
        elif part == "fob" and line.fob_usd is not None:
            out.append(f"FOB USD {fmt_money(line.fob_usd)}")
    return "\n".join(x for x in out if x)


def invoice(cert: Certificate, form: Form) -> str:
    return "\n".join(
        x for x in (cert.invoice_number, fmt_date(cert.invoice_date, form.language)) if x
    )


BOX_TEXT = {
    "exporter": exporter,
    "producer": producer,
    "consignee": consignee,
    "transport": transport,
    "destination": destination,
    "origin_country": origin_country,
}
"""The plain boxes: content → its text (notes boxes, signed boxes and the checklist apart)."""


def box_text(cert: Certificate, form: Form, content: str, number: str) -> str:
    if number == form.notes_box:
        return notes(cert, form)
    make = BOX_TEXT.get(content)
    return make(cert, form) if make else ""
