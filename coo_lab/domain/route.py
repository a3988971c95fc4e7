"""The transport-route text of a certificate (box 3 of the general CO, "means of transport and
route"), e.g. ``FROM DALIAN, CHINA TO BUSAN, KOREA BY SEA``.

Places may be given as a UN/LOCODE ("CNDLC"), a country (customs code, ISO2/ISO3, Chinese or
English name) or free text; see ``place_name``.

Decision (several transit places): they are printed in the order given, joined with " AND ",
after one "VIA": ``... VIA HONG KONG, CHINA AND SINGAPORE BY SEA``. A comma would be ambiguous
because place names themselves hold ", COUNTRY".
"""

from __future__ import annotations

from coo_lab.domain.codes import country, country_by_iso2, location, search_locations
from coo_lab.errors import FieldError, ValidationFailed

# code -> (English text after "BY", Chinese name)
TRANSPORT_MODES: dict[str, tuple[str, str]] = {
    "SEA": ("SEA", "海运"),
    "AIR": ("AIR", "空运"),
    "RAIL": ("RAIL", "铁路运输"),
    "ROAD": ("ROAD", "公路运输"),
    "MULTIMODAL": ("MULTIMODAL TRANSPORT", "多式联运"),
    "POST": ("POST", "邮运"),
}

# Trailing words that name the facility rather than the place (UN/LOCODE abbreviations too),
# longest first; matched case-insensitively on whole words.
_FACILITY_SUFFIXES = (
    "international airport",
    "international apt",
    "container terminal",
    "intl apt",
    "airport",
    "terminal",
    "apt",
    "port",
    "pt",
)


def _strip_facility(name: str) -> tuple[str, bool]:
    """Drop trailing facility words: "Dalian Zhoushuizi Intl Apt" -> "Dalian Zhoushuizi"."""
    words = name.split()
    stripped = False
    changed = True
    while changed:
        changed = False
        for suffix in _FACILITY_SUFFIXES:
            n = len(suffix.split())
            if len(words) > n and " ".join(words[-n:]).casefold() == suffix:
                words, stripped, changed = words[:-n], True, True
                break
    return " ".join(words), stripped


def _city_prefix(name: str, iso2: str) -> str:
    """The longest leading run of words that is itself a place in the same country.

    "Dalian Zhoushuizi" (CN) -> "Dalian"; "Busan New" (KR) -> "Busan"; otherwise ``name``.
    """
    words = name.split()
    for k in range(len(words) - 1, 0, -1):
        prefix = " ".join(words[:k])
        hits = search_locations(prefix, iso2, limit=1)
        if hits and hits[0].name.casefold() == prefix.casefold():
            return prefix
    return name


def place_name(place: str) -> str:
    """The upper-case text of a place in a route.

    - a country (customs code "142", ISO "CN"/"CHN", "中国", "China") -> its route name "CHINA";
    - a UN/LOCODE ("CNDLC", "cn dlc") -> "DALIAN, CHINA": the location's name without facility
      words ("International Apt", "Pt", ...), cut back to the city when the facility carries
      its own name, then ", " + the country's route name. A place named like its country
      (Hong Kong, Macau, Singapore) is printed once: "HONG KONG, CHINA", "SINGAPORE";
    - anything else is returned upper-cased (whitespace collapsed): users may type a port
      that is not in UN/LOCODE.
    """
    text = " ".join(place.split())
    if not text:
        return ""
    found = country(text)
    if found:
        return found.route_name
    loc = location(text) if len(text.replace(" ", "")) == 5 else None
    if loc is None:
        return text.upper()
    name, stripped = _strip_facility(loc.name)
    if stripped:
        name = _city_prefix(name, loc.country)
    name = name.upper()
    home = country_by_iso2(loc.country)
    if home is None:
        return name
    own_names = (home.route_name.removesuffix(", CHINA"), home.short_en, home.name_en)
    if name == home.route_name or name in (n.upper() for n in own_names):
        return home.route_name
    return f"{name}, {home.route_name}"


def _mode_list() -> str:
    return ", ".join(TRANSPORT_MODES)


def transport_route(
    departure: str,
    discharge: str,
    *,
    via: str | list[str] | None = None,
    mode: str = "SEA",
) -> str:
    """``FROM <departure> TO <discharge> [VIA <a> AND <b> ...] BY <mode>``.

    Raises ``ValidationFailed`` listing every bad field at once: an empty ``departure``
    (field ``departure_port``) or ``discharge`` (``destination_port``), an unknown ``mode``
    (``transport_mode``). Empty via entries are ignored.
    """
    errors: list[FieldError] = []
    if not (departure or "").strip():
        errors.append(
            FieldError(
                "departure_port",
                departure,
                "a port or place of departure (UN/LOCODE, country or name)",
                "启运港或启运地（UN/LOCODE 代码、国家或名称）",
                code="required",
            )
        )
    if not (discharge or "").strip():
        errors.append(
            FieldError(
                "destination_port",
                discharge,
                "a port or place of discharge (UN/LOCODE, country or name)",
                "卸货港或目的地（UN/LOCODE 代码、国家或名称）",
                code="required",
            )
        )
    mode_code = (mode or "").strip().upper()
    if mode_code not in TRANSPORT_MODES:
        zh = "、".join(f"{code}（{names[1]}）" for code, names in TRANSPORT_MODES.items())
        errors.append(
            FieldError(
                "transport_mode",
                mode,
                f"one of {_mode_list()}",
                f"运输方式代码之一：{zh}",
            )
        )
    if errors:
        raise ValidationFailed(errors)

    via_places = [via] if isinstance(via, str) else list(via or [])
    via_names = [place_name(p) for p in via_places if p and p.strip()]
    text = f"FROM {place_name(departure)} TO {place_name(discharge)}"
    if via_names:
        text += " VIA " + " AND ".join(via_names)
    return f"{text} BY {TRANSPORT_MODES[mode_code][0]}"
