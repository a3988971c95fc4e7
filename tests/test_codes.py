"""Reference-data lookups against the shipped tables (expectations checked by hand)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from coo_lab.domain import codes, route
from coo_lab.domain.codes import (
    countries,
    country,
    country_by_iso2,
    currencies,
    currency,
    hs_description,
    hs_entry,
    hs_exists,
    hs_heading,
    hs_parent,
    location,
    normalize_hs,
    search_locations,
    unit,
    units,
)

# --- HS ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    ["01", "0101", "010121", "01012100", "0101210010", "0101.21", "6109.10.00", " 610910 ", "9706"],
)
def test_hs_exists(code: str) -> None:
    assert hs_exists(code)


@pytest.mark.parametrize(
    "code",
    # 99/9999/999999 are statistical rows of the source, not HS; chapter 77 is reserved
    ["999999", "9999", "99", "0000", "000000", "77", "010110", "0101219", "01012", "", "ABCDEF"],
)
def test_hs_does_not_exist(code: str) -> None:
    assert not hs_exists(code)
    assert hs_entry(code) is None
    assert hs_description(code) is None


def test_hs_national_code_with_unknown_subheading() -> None:
    assert not hs_exists("01011000")  # 010110 (HS 2007) is not an HS 2022 subheading
    assert hs_parent("01011000") is None


def test_hs_entry_levels() -> None:
    chapter = hs_entry("01")
    assert chapter is not None
    assert (chapter.level, chapter.parent, chapter.section) == (2, None, "I")
    assert chapter.description == "Animals; live"
    heading = hs_entry("6109")
    assert heading is not None
    assert (heading.code, heading.level, heading.parent, heading.section) == ("6109", 4, "61", "XI")
    sub = hs_entry("6109.10.00")  # 8-digit national code -> its 6-digit subheading
    assert sub is not None
    assert (sub.code, sub.level, sub.parent) == ("610910", 6, "6109")
    assert sub.description == "T-shirts, singlets and other vests; of cotton, knitted or crocheted"


def test_hs_description() -> None:
    assert hs_description("0101") == "Horses, asses, mules and hinnies; live"
    assert hs_description("0101210010") == "Horses; live, pure-bred breeding animals"


def test_hs_parent() -> None:
    assert hs_parent("010121") == "0101"
    assert hs_parent("0101") == "01"
    assert hs_parent("01") is None
    assert hs_parent("0101.21") == "0101"
    assert hs_parent("01012100") == "010121"
    assert hs_parent("999999") is None


def test_search_hs_by_code_and_words() -> None:
    assert [e.code for e in codes.search_hs("8516")][:3] == ["851610", "851621", "851629"]
    assert [e.code for e in codes.search_hs("8516.60.9000")] == ["851660"]
    assert [e.code for e in codes.search_hs("85", level=4)][:2] == ["8501", "8502"]
    ovens = codes.search_hs("ovens domestic")
    assert "851660" in [e.code for e in ovens]
    assert all("ovens" in e.description.casefold() for e in ovens)
    assert codes.search_hs("  ") == [] and codes.search_hs("zzzz-no-such-word") == []
    assert len(codes.search_hs("of", limit=5)) == 5


def test_normalize_and_heading() -> None:
    assert normalize_hs("6109.10.00") == "61091000"
    assert normalize_hs(" 6109 10 ") == "610910"
    assert hs_heading("6109.10.00") == "6109"
    assert hs_heading("010121") == "0101"


# --- countries -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["142", "CN", "cn", "CHN", "chn", "中国", "China", "CHINA", " china "]
)
def test_country_china_by_every_key(query: str) -> None:
    found = country(query)
    assert found is not None
    assert (found.customs_code, found.iso3, found.iso2, found.route_name) == (
        "142",
        "CHN",
        "CN",
        "CHINA",
    )


@pytest.mark.parametrize(
    ("query", "iso3", "route_name"),
    [
        ("133", "KOR", "KOREA"),
        ("韩国", "KOR", "KOREA"),
        ("Korea Rep.", "KOR", "KOREA"),
        ("Republic of Korea", "KOR", "KOREA"),
        ("korea", "KOR", "KOREA"),
        ("HK", "HKG", "HONG KONG, CHINA"),
        ("中国香港", "HKG", "HONG KONG, CHINA"),
        ("Hong Kong", "HKG", "HONG KONG, CHINA"),
        ("MO", "MAC", "MACAO, CHINA"),
        ("Macao", "MAC", "MACAO, CHINA"),
        ("TWN", "TWN", "TAIWAN, CHINA"),
        ("Taiwan", "TWN", "TAIWAN, CHINA"),
        ("LAO", "LAO", "LAOS"),
        ("Laos,PDR", "LAO", "LAOS"),
        ("US", "USA", "USA"),
        ("United States of America", "USA", "USA"),
        ("GBR", "GBR", "UNITED KINGDOM"),
        ("VN", "VNM", "VIETNAM"),
        ("Viet Nam", "VNM", "VIETNAM"),
        ("RUS", "RUS", "RUSSIA"),
        ("俄罗斯联邦", "RUS", "RUSSIA"),
        ("ZA", "ZAF", "SOUTH AFRICA"),
        ("KN", "KNA", "SAINT KITTS AND NEVIS"),
    ],
)
def test_country_route_names(query: str, iso3: str, route_name: str) -> None:
    found = country(query)
    assert found is not None
    assert (found.iso3, found.route_name) == (iso3, route_name)


def test_country_unknown() -> None:
    assert country("XX") is None
    assert country("Atlantis") is None
    assert country("") is None
    assert country_by_iso2("XX") is None


def test_countries_table() -> None:
    rows = countries()
    assert len(rows) == 242
    assert all(c.route_name == c.route_name.upper() and c.route_name for c in rows)
    assert not any(ch in c.route_name for c in rows for ch in ".&*")
    assert country_by_iso2("kr") == country("KOR")


# --- locations -----------------------------------------------------------------------------


def test_location_by_code() -> None:
    dlc = location("CNDLC")
    assert dlc is not None
    assert (dlc.country, dlc.name, dlc.subdivision) == (
        "CN",
        "Dalian Zhoushuizi International Apt",
        "LN",
    )
    assert dlc.is_airport and not dlc.is_port
    assert location("cn dlc") == dlc
    assert location("ZZZZZ") is None


def test_search_dalian() -> None:
    found = search_locations("DALIAN", "CN")
    codes_found = [loc.locode for loc in found]
    assert codes_found[0] == "CNDAL"  # exact name, a port
    assert "CNDLC" in codes_found
    assert codes_found.index("CNDAG") < codes_found.index("CNDLC")  # port before airport
    assert search_locations("dalian", "China") == found
    assert search_locations("Dalian", "142") == found


def test_search_ports_only() -> None:
    found = [loc.locode for loc in search_locations("DALIAN", "CN", ports_only=True)]
    assert found[:2] == ["CNDAL", "CNDAG"]
    assert "CNDLC" not in found
    assert all(loc.is_port for loc in search_locations("shanghai", ports_only=True))


def test_search_busan_and_singapore() -> None:
    busan = search_locations("BUSAN", "KR")
    assert busan[0].locode == "KRPUS"
    assert busan[0].is_port and busan[0].is_airport
    assert "KRBNP" in [loc.locode for loc in busan]  # Busan New Port
    assert search_locations("busan", "Korea") == busan
    singapore = search_locations("SINGAPORE")
    assert singapore[0].locode == "SGSIN"
    assert {loc.country for loc in singapore[:3]} == {"SG"}


def test_search_by_locode_and_limits() -> None:
    assert search_locations("CNDLC")[0].locode == "CNDLC"
    assert search_locations("cn dlc")[0].locode == "CNDLC"
    assert search_locations("CNDLC", "KR") == []  # the country filter applies to it too
    assert len(search_locations("san", limit=5)) == 5
    assert search_locations("") == []
    assert search_locations("Dalian", "Atlantis") == []
    assert search_locations("no such place xyz") == []
    found = search_locations("san")
    assert len({loc.locode for loc in found}) == len(found)


# --- location names: the letters the source lost to U+FFFD are repaired at build time -------

LOST = "\ufffd"


def test_no_location_name_has_a_lost_letter() -> None:
    rows = codes._location_data()[0]
    assert len(rows) > 100_000
    assert [row[1] for row in rows if LOST in row[3]] == []


@pytest.mark.parametrize(
    ("locode", "name"),
    [
        ("ISREY", "Reykjavík"),
        ("CRLIO", "Puerto Limón"),
        ("BRSSZ", "Santos"),  # never damaged: unchanged
        ("BRSAO", "São Paulo"),
        ("DEMUC", "München"),
        ("SEGOT", "Göteborg"),
        ("CHGVA", "Genève"),
        ("COBOG", "Bogotá"),
        ("PLNOS", "Nowa Sól"),
        ("NOTOS", "Tromsø"),
        ("FRSET", "Sète"),
        ("CWCUR", "Curaçao"),
    ],
)
def test_repaired_location_names(locode: str, name: str) -> None:
    found = location(locode)
    assert found is not None
    assert found.name == name


def test_repaired_names_in_the_route() -> None:
    limon = location("CRLIO")
    assert limon is not None and limon.name.startswith("Puerto Lim")
    assert route.place_name("ISREY") == "REYKJAVÍK, ICELAND"
    assert "REYKJAV" in route.place_name("ISREY")
    for code in ("ISREY", "CRLIO", "BRSAO", "DEMUC", "SEGOT"):
        assert LOST not in route.place_name(code)
    assert route.place_name("BRSAO") == "SÃO PAULO, BRAZIL"


def test_repaired_names_are_searchable() -> None:
    assert search_locations("São Paulo", "BR")[0].locode == "BRSAO"
    assert search_locations("reykjavík")[0].locode == "ISREY"


def _build_script() -> ModuleType:
    path = Path(__file__).resolve().parent.parent / "scripts" / "build_reference_data.py"
    spec = importlib.util.spec_from_file_location("build_reference_data", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_name_repairer_rules() -> None:
    """The repair steps on their own, with no clean names to learn from."""
    repairer = _build_script().NameRepairer([], [])

    def repair(iso2: str, name: str, subdivision: str = "") -> str:
        """``name`` with "?" for each lost letter."""
        row = {"locode": "XXXXX", "country": iso2, "subdivision": subdivision}
        return repairer.repair({**row, "name": name.replace("?", LOST)})

    assert repair("BR", "S?o Jo?o") == "São João"  # known words
    assert repair("BR", "Ribeir?o Preto") == "Ribeirão Preto"  # Portuguese "-ão"
    assert repair("FR", "Pagny-l?s-Goin") == "Pagny-lès-Goin"
    assert repair("FR", "Nanteuil-en-Vall?e") == "Nanteuil-en-Vallée"
    assert repair("FR", "?vian-les-Bains") == "Évian-les-Bains"
    assert repair("FR", "Pointe-?-Pitre") == "Pointe-à-Pitre"  # a lone "à" stays small
    assert repair("TR", "Bakirk?y") == "Bakirköy"
    assert repair("CZ", "Velk? Tynec") == "Velký Tynec"  # the adjective agrees with its noun
    assert repair("CZ", "Cesk? Lipa") == "Ceská Lipa"
    assert repair("ES", "Camag?ey") == "Camagüey"
    assert repair("SE", "Malm?") == "Malmö"
    assert repair("IS", "REYKJAV?K") == "REYKJAVÍK"  # capitals stay capitals
    for iso2 in ("DE", "HU", "VN", "IQ", "XX"):  # whatever the language: no U+FFFD left
        assert LOST not in repair(iso2, "?b?c? d??f")


# --- units and currencies ------------------------------------------------------------------


@pytest.mark.parametrize("query", ["035", "35", "千克", "kilogram", "KILOGRAM", "KGS"])
def test_unit_kilogram(query: str) -> None:
    found = unit(query)
    assert found is not None
    assert (found.code, found.name_cn, found.name_en) == ("035", "千克", "kilogram")


def test_unit_other() -> None:
    assert unit("007") == unit("个") == unit("piece")
    assert unit("米") is not None and unit("米").code == "030"
    assert unit("999") is None
    assert unit("furlong") is None
    assert len(units()) == 123


def test_currency() -> None:
    usd = currency("usd")
    assert usd is not None
    assert (usd.code, usd.numeric, usd.name, usd.minor_unit) == ("USD", "840", "US Dollar", 2)
    assert currency("CNY").name == "Yuan Renminbi"
    assert currency("JPY").minor_unit == 0
    assert currency("XXX") is None
    assert currency("") is None
    assert len(currencies()) == 145


# --- loading -------------------------------------------------------------------------------

_LOADERS = (
    "_hs_table",
    "_hs_codes",
    "_country_index",
    "_location_data",
    "_unit_index",
    "_currency_index",
)


def test_import_loads_nothing() -> None:
    script = (
        "import coo_lab.domain.codes as c\n"
        f"print([getattr(c, n).cache_info().currsize for n in {_LOADERS!r}])\n"
        "c.hs_exists('0101')\n"
        f"print([getattr(c, n).cache_info().currsize for n in {_LOADERS!r}])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    ).stdout.split("\n")
    assert out[0] == "[0, 0, 0, 0, 0, 0]"
    assert out[1] == "[1, 1, 0, 0, 0, 0]"  # the first HS lookup loads the HS table only


def test_loaders_are_cached() -> None:
    assert all(hasattr(getattr(codes, n), "cache_info") for n in _LOADERS)
    hs_exists("0101")
    assert codes._hs_codes() is codes._hs_codes()


def test_location_search_ignores_accents() -> None:
    assert codes.search_locations("sao paulo", "BR")[0].locode == "BRSAO"
    assert codes.search_locations("REYKJAVIK", "IS")[0].locode == "ISREY"
    assert codes.fold("São Paulo") == "sao paulo"
