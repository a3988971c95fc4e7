"""The pickers' choices: countries, ports, units, currencies, HS codes, criteria and the
form's fixed lists — ``(label, value)`` pairs as a dropdown wants them.

Everything comes from the reference data (``coo_lab.codes``) and the agreements; nothing is
typed in here but the Chinese names of the fixed lists the deck shows.
"""

from __future__ import annotations

from functools import cache

from coo_lab.domain import codes
from coo_lab.domain.agreements import agreement, agreements
from coo_lab.domain.certificate import PaymentMethod, PriceTerm, TradeMode, WeightFlag
from coo_lab.domain.route import TRANSPORT_MODES
from coo_lab.ui.i18n import Language

Options = list[tuple[str, object]]
BLANK: tuple[str, None] = ("—", None)

TRADE_MODE_ZH = {
    TradeMode.GENERAL: "一般贸易",
    TradeMode.PROCESSING_SUPPLIED: "来料加工",
    TradeMode.PROCESSING_IMPORTED: "进料加工",
    TradeMode.BORDER: "边境贸易",
    TradeMode.OTHER: "其他",
}
WEIGHT_FLAG_ZH = {WeightFlag.GROSS: "毛重 G.W.", WeightFlag.NET: "净重 N.W."}


def country_label(iso3: str) -> str:
    """As the deck shows a country: ``CHINA(中国)(142)``."""
    c = next((c for c in codes.countries() if c.iso3 == iso3), None)
    if c is None:
        return iso3
    return f"{c.route_name}({c.name_cn})({c.customs_code})"


@cache
def _all_countries() -> tuple[tuple[str, str], ...]:
    rows = sorted((c for c in codes.countries() if c.iso3), key=lambda c: c.route_name)
    return tuple((f"{c.route_name}({c.name_cn})({c.customs_code})", c.iso3) for c in rows)


def country_options(cert_type: str | None = None) -> Options:
    """Every country; for a preferential type the agreement's partners come first."""
    everything = list(_all_countries())
    if not cert_type or not agreement(cert_type).preferential:
        return [BLANK, *everything]
    partners = agreement(cert_type).partners
    first = [o for o in everything if o[1] in partners]
    rest = [o for o in everything if o[1] not in partners]
    return [BLANK, *first, *rest]


def port_options(query: str, country: str | None = None, *, limit: int = 30) -> Options:
    """UN/LOCODE places matching ``query`` (ports first), in ``country`` when given."""
    if not query.strip():
        return []
    places = codes.search_locations(query, country or None, limit=limit)
    return [(f"{p.locode} — {p.name} ({p.country})", p.locode) for p in places]


def port_label(locode: str) -> str:
    place = codes.location(locode) if locode else None
    return f"{place.locode} — {place.name} ({place.country})" if place else locode


def country_of_port(locode: str) -> str | None:
    """The ISO3 country of a UN/LOCODE place, or ``None``."""
    place = codes.location(locode) if locode else None
    found = codes.country_by_iso2(place.country) if place else None
    return found.iso3 if found else None


@cache
def unit_options() -> tuple[tuple[str, str], ...]:
    return tuple((f"{u.code} {u.name_cn} {u.name_en}", u.code) for u in codes.units())


@cache
def currency_options() -> tuple[tuple[str, str], ...]:
    main = ("USD", "CNY", "EUR", "JPY", "HKD", "GBP", "KRW", "AUD", "SGD")
    rank = {code: i for i, code in enumerate(main)}
    rows = sorted(codes.currencies(), key=lambda c: (rank.get(c.code, len(main)), c.code))
    return tuple((f"{c.code} {c.name}", c.code) for c in rows)


def hs_options(query: str, *, limit: int = 30) -> Options:
    """HS 2022 subheadings by code prefix or description words."""
    return [(f"{e.code} {e.description[:80]}", e.code) for e in codes.search_hs(query, limit=limit)]


def hs_text(code: str) -> str:
    """The nomenclature's description of a code ("" when unknown or blank)."""
    return (codes.hs_description(code) or "") if code else ""


def heading_options(query: str, *, limit: int = 30) -> Options:
    """4-digit headings (for the processing declaration's imported materials)."""
    return [
        (f"{e.code} {e.description[:80]}", e.code)
        for e in codes.search_hs(query, level=4, limit=limit)
    ]


def criterion_options(cert_type: str) -> Options:
    """The origin criteria the type's form accepts (``n`` stands for a percentage)."""
    a = agreement(cert_type)
    return [BLANK, *((c, c) for c in a.criteria)]


def type_options(lang: Language) -> Options:
    """The 15 types as the deck lists them: ``一般原产地证 (C)``."""
    return [
        (f"{a.name_zh if lang == Language.ZH else a.name_en} ({a.code})", a.code)
        for a in agreements()
    ]


def transport_mode_options(lang: Language) -> Options:
    return [
        (names[1] if lang == Language.ZH else names[0], code)
        for code, names in TRANSPORT_MODES.items()
    ]


def price_term_options() -> Options:
    return [(t.value, t.value) for t in PriceTerm]


def trade_mode_options(lang: Language) -> Options:
    return [
        (TRADE_MODE_ZH[t] if lang == Language.ZH else t.value.replace("_", " "), t.value)
        for t in TradeMode
    ]


def payment_options() -> Options:
    return [BLANK, *((p.value, p.value) for p in PaymentMethod)]


def weight_flag_options() -> Options:
    return [BLANK, *((WEIGHT_FLAG_ZH[f], f.value) for f in WeightFlag)]
