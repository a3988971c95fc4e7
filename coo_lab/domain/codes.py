"""Reference-data lookups: HS 2022 nomenclature, countries, UN/LOCODE places, units, currencies.

The tables ship in ``coo_lab/data`` (rebuilt by ``scripts/build_reference_data.py``). Importing
this module reads nothing: each table is loaded on its first lookup and cached for the life of
the process (``functools.cache``). Unknown keys give ``None`` (or an empty list), never raise.

HS codes: the nomenclature holds 2-digit chapters, 4-digit headings and 6-digit subheadings.
China's 8- and 10-digit national codes are judged by their first 6 digits. Dots and spaces
are ignored everywhere ("6109.10.00" == "61091000").
"""

from __future__ import annotations

import csv
import gzip
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True, slots=True)
class HSEntry:
    code: str
    description: str
    parent: str | None
    level: int
    section: str


@dataclass(frozen=True, slots=True)
class Country:
    customs_code: str
    iso3: str
    iso2: str
    name_cn: str
    name_en: str
    short_en: str
    route_name: str


@dataclass(frozen=True, slots=True)
class Location:
    locode: str
    country: str  # ISO2
    name: str
    subdivision: str
    function: str  # UN/LOCODE function classifier, 8 chars: 1 port, 2 rail, 3 road, 4 airport...

    @property
    def is_port(self) -> bool:
        return self.function[:1] == "1"

    @property
    def is_airport(self) -> bool:
        return self.function[3:4] == "4"


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    name_cn: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Currency:
    code: str
    numeric: str
    name: str
    minor_unit: int


# Extra spellings people type; values are ISO3 (countries) or unit codes.
_COUNTRY_ALIASES = {
    "香港": "HKG", "中国香港特别行政区": "HKG", "澳门": "MAC", "中国澳门特别行政区": "MAC",
    "台湾": "TWN", "中国台湾": "TWN", "俄罗斯": "RUS", "也门": "YEM", "阿拉伯联合酋长国": "ARE",
    "UK": "GBR", "GREAT BRITAIN": "GBR", "SOUTH KOREA": "KOR", "NORTH KOREA": "PRK",
    "U.S.A.": "USA", "UNITED STATES": "USA", "MACAO": "MAC", "TAIWAN": "TWN",
}  # fmt: skip
_UNIT_ALIASES = {
    "KG": "035", "KGS": "035", "G": "036", "PC": "007", "PCS": "007", "SETS": "006",
    "PAIRS": "025", "M": "030", "M2": "032", "M3": "033", "L": "095", "T": "070", "MT": "070",
    "CTN": "120", "CTNS": "120", "CARTONS": "120", "DOZ": "127",
}  # fmt: skip


# --- loading -------------------------------------------------------------------------------

# The package's own folder, not importlib.resources.files("coo_lab"): that fails when an
# editable install registered coo_lab as a namespace package (MultiplexedPath error).
_DATA_DIR = Path(__file__).parent.parent / "data"  # pure path arithmetic: no I/O at import


def _read_csv(name: str) -> Iterator[list[str]]:
    """Rows of a shipped CSV (gunzipped when the name ends in .gz), header skipped."""
    raw = (_DATA_DIR / name).read_bytes()
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    next(reader, None)
    return reader


@cache
def _hs_table() -> dict[str, HSEntry]:
    table = {}
    for section, code, description, parent, level in _read_csv("hs_nomenclature.csv.gz"):
        parent_code = None if parent in ("", "TOTAL") else parent
        table[code] = HSEntry(code, description, parent_code, int(level), section)
    return table


@cache
def _hs_codes() -> frozenset[str]:
    return frozenset(_hs_table())


@cache
def _country_index() -> tuple[tuple[Country, ...], dict[str, Country], dict[str, Country]]:
    """(all countries, lookup key -> country, ISO2 -> country). Keys are casefolded."""
    rows = tuple(
        Country(r[0], r[1], r[2], r[4], r[5], r[6], r[7]) for r in _read_csv("countries.csv")
    )
    index: dict[str, Country] = {}
    for attr in ("customs_code", "iso2", "iso3"):  # codes win over names on a clash
        for c in rows:
            if getattr(c, attr):
                index.setdefault(getattr(c, attr).casefold(), c)
    for c in rows:
        clean_name = c.name_en.replace("(the)", "").replace("*", "")
        route_base = c.route_name.removesuffix(", CHINA")
        for key in (c.name_cn, c.short_en, c.name_en, clean_name, c.route_name, route_base):
            index.setdefault(" ".join(key.split()).casefold(), c)
    by_iso3 = {c.iso3: c for c in rows if c.iso3}
    for alias, iso3 in _COUNTRY_ALIASES.items():
        index.setdefault(alias.casefold(), by_iso3[iso3])
    return rows, index, {c.iso2: c for c in rows if c.iso2}


_LocRow = tuple[str, str, str, str, str, str]  # casefolded name + the five Location fields


@cache
def _location_data() -> tuple[list[_LocRow], dict[str, list[_LocRow]], dict[str, _LocRow]]:
    """(all rows, rows grouped by ISO2, locode -> primary row); Location objects are made on
    demand, which halves the load time.

    UN/LOCODE lists some places twice under alternate names (same locode); every name is
    searchable, and the first row is the one ``location()`` returns.
    """
    rows: list[_LocRow] = []
    by_country: dict[str, list[_LocRow]] = {}
    by_code: dict[str, _LocRow] = {}
    for locode, iso2, name, subdivision, function in _read_csv("unlocode.csv.gz"):
        key = name.casefold() if name.isascii() else fold(name)
        row = (key, locode, iso2, name, subdivision, function)
        rows.append(row)
        by_country.setdefault(iso2, []).append(row)
        by_code.setdefault(locode, row)
    return rows, by_country, by_code


@cache
def _unit_index() -> tuple[tuple[Unit, ...], dict[str, Unit]]:
    rows = tuple(Unit(*r) for r in _read_csv("units.csv"))
    index: dict[str, Unit] = {}
    for u in rows:
        for key in (u.code, u.name_cn, u.name_en.casefold()):
            index.setdefault(key, u)
    for alias, code in _UNIT_ALIASES.items():
        index.setdefault(alias.casefold(), index[code])
    return rows, index


@cache
def _currency_index() -> tuple[tuple[Currency, ...], dict[str, Currency]]:
    rows = tuple(Currency(c, n, name, int(m)) for c, n, name, m in _read_csv("currencies.csv"))
    index = {c.code: c for c in rows}
    for c in rows:
        index.setdefault(c.numeric, c)
    return rows, index


# --- HS codes ------------------------------------------------------------------------------


def normalize_hs(code: str) -> str:
    """Strip dots and whitespace: "6109.10 00" -> "61091000"."""
    return "".join(code.split()).replace(".", "")


def _national(code: str) -> bool:
    return len(code) in (8, 10) and code.isdigit()


def hs_exists(code: str) -> bool:
    """True for a 2/4/6-digit code in the nomenclature, or an 8/10-digit code whose first 6 are."""
    codes = _hs_codes()
    if code in codes:  # hot path: already a clean 2/4/6-digit code
        return True
    if not code.isdigit():
        code = normalize_hs(code)
    if _national(code):
        return code[:6] in codes
    return code in codes


def hs_entry(code: str) -> HSEntry | None:
    """The nomenclature entry; for an 8/10-digit national code, that of its 6-digit subheading."""
    code = normalize_hs(code)
    return _hs_table().get(code[:6] if _national(code) else code)


def hs_description(code: str) -> str | None:
    entry = hs_entry(code)
    return entry.description if entry else None


def hs_parent(code: str) -> str | None:
    """ "010121" -> "0101" -> "01" -> None; a national code's parent is its 6-digit subheading."""
    code = normalize_hs(code)
    if _national(code):
        return code[:6] if code[:6] in _hs_codes() else None
    entry = _hs_table().get(code)
    return entry.parent if entry else None


def hs_heading(code: str) -> str:
    """The 4-digit heading of a code (no existence check)."""
    return normalize_hs(code)[:4]


def search_hs(query: str, *, level: int | None = 6, limit: int = 20) -> list[HSEntry]:
    """Entries for an HS picker, in nomenclature order.

    Digits search by code prefix ("8516" → the subheadings of heading 8516; an 8/10-digit
    national code → its 6-digit subheading); words search the descriptions, every word
    having to appear (case-insensitive). ``level`` (2, 4 or 6; ``None`` for all) keeps one
    level of the nomenclature.
    """
    text = " ".join(query.split())
    if not text or limit <= 0:
        return []
    digits = normalize_hs(text)
    if digits.isdigit():
        prefix = digits[:6]
        found = (e for e in _hs_table().values() if e.code.startswith(prefix))
    else:
        words = text.casefold().split()
        found = (
            e for e in _hs_table().values() if all(w in e.description.casefold() for w in words)
        )
    result = []
    for entry in found:
        if level is None or entry.level == level:
            result.append(entry)
            if len(result) == limit:
                break
    return result


# --- countries -----------------------------------------------------------------------------


def country(query: str) -> Country | None:
    """By customs code ("142"), ISO2/ISO3 ("CN", "CHN"), Chinese ("中国") or English name."""
    return _country_index()[1].get(" ".join(query.split()).casefold())


def countries() -> tuple[Country, ...]:
    return _country_index()[0]


def country_by_iso2(iso2: str) -> Country | None:
    return _country_index()[2].get(iso2.strip().upper())


# --- locations -----------------------------------------------------------------------------


def fold(text: str) -> str:
    """Case and accents aside, as people type place names: "São Paulo" -> "sao paulo"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def location(locode: str) -> Location | None:
    """By UN/LOCODE, case-insensitive, inner spaces ignored: "cn dlc" -> CNDLC."""
    row = _location_data()[2].get("".join(locode.split()).upper())
    return Location(*row[1:]) if row else None


def _iso2_of(query: str) -> str | None:
    found = country(query)
    if found and found.iso2:
        return found.iso2
    query = query.strip().upper()
    return query if len(query) == 2 and query.isalpha() else None


def search_locations(
    name: str, country: str | None = None, *, ports_only: bool = False, limit: int = 20
) -> list[Location]:
    """Places whose name contains ``name`` (case- and accent-insensitive), best first.

    Order: a location whose locode is the query itself; then exact name matches, names
    starting with the query, names containing it; ports before other places within each of
    those; then alphabetical. ``country`` (any key ``country()`` accepts, or an ISO2 code) and
    ``ports_only`` filter every result, the locode match included. Each locode appears once.
    An unknown ``country`` gives an empty list.
    """
    query = fold(" ".join(name.split()))
    if not query or limit <= 0:
        return []
    rows, by_country, by_code = _location_data()
    iso2 = None
    if country:
        iso2 = _iso2_of(country)
        if iso2 is None:
            return []
        rows = by_country.get(iso2, [])

    def wanted(row: _LocRow) -> bool:
        return (iso2 is None or row[2] == iso2) and (not ports_only or row[5][:1] == "1")

    ranked = []
    for row in rows:
        folded = row[0]
        if query in folded and wanted(row):
            rank = 0 if folded == query else 1 if folded.startswith(query) else 2
            ranked.append((rank, row[5][:1] != "1", folded, row[1], row))
    ranked.sort(key=lambda item: item[:4])
    exact = by_code.get(query.replace(" ", "").upper())
    found = ([exact] if exact and wanted(exact) else []) + [item[4] for item in ranked]
    seen: set[str] = set()
    result = []
    for row in found:
        if row[1] not in seen:
            seen.add(row[1])
            result.append(Location(*row[1:]))
            if len(result) == limit:
                break
    return result


# --- units and currencies ------------------------------------------------------------------


def unit(query: str) -> Unit | None:
    """By customs unit code ("035" or "35"), Chinese ("千克") or English name ("kilogram")."""
    index = _unit_index()[1]
    found = index.get(query)  # hot path: a clean 3-digit code, as on every goods line
    if found is not None:
        return found
    key = " ".join(query.split()).casefold()
    if key.isdigit():
        key = key.zfill(3)
    return index.get(key)


def units() -> tuple[Unit, ...]:
    return _unit_index()[0]


def currency(code: str) -> Currency | None:
    """By ISO 4217 alpha ("usd") or numeric ("840") code."""
    return _currency_index()[1].get(code.strip().upper())


def currencies() -> tuple[Currency, ...]:
    return _currency_index()[0]
