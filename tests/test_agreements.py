"""The 15 certificate types as data (DOMAIN.md §1), checked against the domain table."""

from __future__ import annotations

import re

import pytest

from coo_lab.domain.agreements import (
    CERTIFICATE_TYPES,
    GENERAL,
    Agreement,
    agreement,
    agreements,
    covering,
)
from coo_lab.errors import CooLabError, ValidationFailed

DECK_ORDER = ["C", "B", "N", "X", "R", "H", "L", "HM", "I", "S", "A", "K", "E", "GE", "F"]

ASEAN = {"BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM"}

# DOMAIN.md §1, "partner destinations (ISO3)"
PARTNERS: dict[str, set[str]] = {
    "C": set(),  # anywhere but CHN
    "B": {"BGD", "IND", "KOR", "LAO", "LKA", "MNG"},
    "N": {"NZL"},
    "X": {"SGP"},
    "R": {"PER"},
    "H": {"TWN"},
    "L": {"CRI"},
    "HM": {"HKG", "MAC"},
    "I": {"ISL"},
    "S": {"CHE", "LIE"},
    "A": {"AUS"},
    "K": {"KOR"},
    "E": ASEAN,
    "GE": {"GEO"},
    "F": {"CHL"},
}

NAME_WORDS = {  # a word each name must contain (zh, en)
    "C": ("一般原产地证", "non-preferential"),
    "B": ("亚太", "APTA"),
    "N": ("新西兰", "New Zealand"),
    "X": ("新加坡", "Singapore"),
    "R": ("秘鲁", "Peru"),
    "H": ("海峡两岸", "ECFA"),
    "L": ("哥斯达黎加", "Costa Rica"),
    "HM": ("香港", "CEPA"),
    "I": ("冰岛", "Iceland"),
    "S": ("瑞士", "Switzerland"),
    "A": ("澳大利亚", "Australia"),
    "K": ("韩国", "Korea"),
    "E": ("东盟", "ASEAN"),
    "GE": ("格鲁吉亚", "Georgia"),
    "F": ("智利", "Chile"),
}

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_fifteen_in_the_decks_order() -> None:
    assert [a.code for a in agreements()] == DECK_ORDER
    assert list(CERTIFICATE_TYPES) == DECK_ORDER
    assert GENERAL == "C"
    assert [a.code for a in agreements() if not a.preferential] == ["C"]


@pytest.mark.parametrize("code", DECK_ORDER)
def test_names_and_form_title(code: str) -> None:
    a = agreement(code)
    assert isinstance(a, Agreement)
    assert a.code == code
    zh_word, en_word = NAME_WORDS[code]
    assert zh_word in a.name_zh and HAN.search(a.name_zh)
    assert en_word in a.name_en
    assert a.form_title.strip()
    assert a.validity_months == 12


def test_form_titles() -> None:
    assert agreement("C").form_title == "CERTIFICATE OF ORIGIN OF THE PEOPLE'S REPUBLIC OF CHINA"
    assert "FORM E" in agreement("E").form_title
    assert "Form F" in agreement("F").form_title
    assert "Asia-Pacific" in agreement("B").form_title
    assert "CEPA" in agreement("HM").form_title
    assert HAN.search(agreement("H").form_title)  # the ECFA form is filled in Chinese


@pytest.mark.parametrize("code", DECK_ORDER)
def test_partners(code: str) -> None:
    assert agreement(code).partners == frozenset(PARTNERS[code])


def test_partner_examples() -> None:
    assert agreement("E").partners == frozenset(ASEAN)
    assert len(agreement("E").partners) == 10
    assert agreement("S").partners == {"CHE", "LIE"}
    assert agreement("HM").partners == {"HKG", "MAC"}
    assert all("CHN" not in a.partners for a in agreements())


def test_ldc_partners() -> None:
    assert agreement("B").ldc_partners == {"BGD", "LAO"}
    assert agreement("B").ldc_partners <= agreement("B").partners
    assert all(not a.ldc_partners for a in agreements() if a.code != "B")


def test_line_caps() -> None:
    caps = {a.code: a.line_cap for a in agreements()}
    assert caps.pop("E") == 0
    assert caps.pop("K") == 0
    assert caps.pop("F") == 50
    assert caps.pop("C") == 0  # the general CO has no cap
    assert set(caps.values()) == {20}


@pytest.mark.parametrize("code", DECK_ORDER[1:])
def test_preferential_covers_exactly_its_partners(code: str) -> None:
    a = agreement(code)
    for iso3 in PARTNERS[code]:
        assert a.covers(iso3)
        assert a.covers(iso3.lower())
    for iso3 in ("CHN", "USA", "DEU", "", None):
        if iso3 not in PARTNERS[code]:
            assert not a.covers(iso3)


def test_general_covers_anything_but_china() -> None:
    c = agreement("C")
    for iso3 in ("USA", "KOR", "DEU", "VNM", "TWN", "HKG", "ZZZ", "usa"):
        assert c.covers(iso3)
    assert not c.covers("CHN")
    assert not c.covers("chn")
    assert not c.covers("")
    assert not c.covers(None)


def test_covering() -> None:
    assert [a.code for a in covering("KOR")] == ["B", "K"]
    assert [a.code for a in covering("kor")] == ["B", "K"]
    assert [a.code for a in covering("LAO")] == ["B", "E"]
    assert [a.code for a in covering("SGP")] == ["X", "E"]
    assert [a.code for a in covering("HKG")] == ["HM"]
    assert [a.code for a in covering("LIE")] == ["S"]
    assert covering("USA") == ()
    assert covering("CHN") == ()
    assert all(a.preferential for a in covering("VNM"))


def test_covering_matches_the_table() -> None:
    every = set().union(*PARTNERS.values())
    for iso3 in every:
        assert {a.code for a in covering(iso3)} == {c for c, p in PARTNERS.items() if iso3 in p}


@pytest.mark.parametrize(
    ("code", "criterion", "accepted"),
    [
        ("B", '"B" 48%', True),
        ("B", '"C" 60%', True),
        ("B", "A", True),
        ("B", "D", True),
        ("B", "B", False),
        ("B", "B 48%", False),
        ("B", "WO", False),
        ("E", "RVC 45%", True),
        ("E", "45%", True),
        ("E", "CTH", True),
        ("E", "WO", True),
        ("E", "PE", True),
        ("E", "PSR", True),
        ("E", " CTH ", True),
        ("E", "RVC", False),
        ("E", "WP", False),
        ("E", "", False),
        ("N", "PSR", True),
        ("N", "WO", True),
        ("N", "WP", True),
        ("N", "CTH", False),
        ("N", "RVC 40%", False),
        ("X", "P", True),
        ("X", "RVC", True),
        ("X", "RVC 40%", True),
        ("X", "WO", False),
        ("R", "PSR", True),
        ("R", "PSR 50%", True),
        ("HM", "CTH", True),
        ("HM", "RVC 40%", True),
        ("GE", "45%", True),
        ("GE", "PSR", True),
        ("GE", "RVC 45%", False),
        ("K", "PSR", True),
        ("K", None, False),
    ],
)
def test_accepts_criterion(code: str, criterion, accepted: bool) -> None:
    assert agreement(code).accepts_criterion(criterion) is accepted


def test_general_accepts_any_criterion() -> None:
    c = agreement("C")
    assert c.accepts_criterion("")
    assert c.accepts_criterion("anything")
    assert c.criteria == ()
    assert c.criterion_patterns == ()


@pytest.mark.parametrize("code", ["xx", "", "CO", "G", "Z"])
def test_unknown_code(code: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        agreement(code)
    exc = info.value
    assert isinstance(exc, CooLabError)
    (err,) = exc.errors
    assert err.field == "cert_type"
    assert err.value == code
    assert err.code == "unknown_cert_type"
    assert "HM" in err.expected_en and "HM" in err.expected_zh
    assert "cert_type" in str(exc)


def test_none_code() -> None:
    with pytest.raises(ValidationFailed):
        agreement(None)  # type: ignore[arg-type]


def test_lookup_ignores_case_and_spaces() -> None:
    assert agreement("hm").code == "HM"
    assert agreement(" e ").code == "E"
    assert agreement("ge") is agreement("GE")


def test_ecfa_is_filed_alone() -> None:
    assert agreement("H").filed_alone
    assert [a.code for a in agreements() if a.filed_alone] == ["H"]


@pytest.mark.parametrize("code", DECK_ORDER[1:])
def test_patterns_and_criteria_agree(code: str) -> None:
    a = agreement(code)
    assert a.criteria and a.criterion_patterns
    assert all(isinstance(p, re.Pattern) for p in a.criterion_patterns)
    # every printed code (with a percentage for its "n%" placeholder) is accepted …
    examples = [c.replace("n%", "40%") for c in a.criteria]
    for example in examples:
        assert any(p.match(example) for p in a.criterion_patterns), (code, example)
        assert a.accepts_criterion(example)
    # … and no pattern accepts something the printed list does not mention
    for pattern in a.criterion_patterns:
        assert any(pattern.match(example) for example in examples), (code, pattern.pattern)


def test_criteria_print_forms() -> None:
    assert agreement("B").criteria == ("A", '"B" n%', '"C" n%', "D")
    assert "RVC n%" in agreement("E").criteria
    assert "n%" in agreement("GE").criteria
    assert agreement("N").criteria == ("WO", "WP", "PSR")


def test_value_tests_follow_the_domain() -> None:
    b = agreement("B").origin
    assert (b.value_test, b.non_originating_max, b.non_originating_max_ldc) == ("apta", 55, 65)
    assert agreement("C").origin.value_test == "substantial"
    assert agreement("C").origin.value_added_min == 30
    assert agreement("E").origin.rvc_min == 40
    assert agreement("E").origin.de_minimis_pct == 10
    assert agreement("X").origin.rvc_min == 40
    assert agreement("GE").origin.rvc_min == 40


def test_retro_rules_follow_the_domain() -> None:
    assert not agreement("C").retro.applicable
    b = agreement("B").retro
    assert not b.allowed and b.grace_days == 3 and b.grace_working_days
    h = agreement("H").retro
    assert h.window_days == 90 and h.mark == "补发"
    assert agreement("K").retro.grace_days == 7
    assert agreement("E").retro.mark == "Issued Retroactively"
    assert agreement("N").retro.mark == "ISSUED RETROSPECTIVELY"
