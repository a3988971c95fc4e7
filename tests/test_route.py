"""Transport-route text (box 3) built from UN/LOCODEs, countries and free text."""

from __future__ import annotations

import pytest

from coo_lab.domain.route import TRANSPORT_MODES, place_name, transport_route
from coo_lab.errors import CooLabError, ValidationFailed


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("CNDLC", "DALIAN, CHINA"),  # "Dalian Zhoushuizi International Apt"
        ("cn dlc", "DALIAN, CHINA"),
        ("CNDAL", "DALIAN, CHINA"),
        ("CNDAG", "DALIAN, CHINA"),  # "Dalian Pt"
        ("CNPVG", "SHANGHAI, CHINA"),  # "Shanghai Pudong International Apt"
        ("CNSHK", "SHEKOU, CHINA"),  # "Shekou Pt"
        ("KRPUS", "BUSAN, KOREA"),
        ("KRBNP", "BUSAN, KOREA"),  # "Busan New Port"
        ("HKHKG", "HONG KONG, CHINA"),  # named like its area: printed once
        ("MOMFM", "MACAO, CHINA"),
        ("SGSIN", "SINGAPORE"),
        ("TWKHH", "KAOHSIUNG, TAIWAN, CHINA"),
        ("USLAX", "LOS ANGELES, USA"),
        ("DEHAM", "HAMBURG, GERMANY"),
        ("VNSGN", "HO CHI MINH CITY, VIETNAM"),
        ("CN", "CHINA"),
        ("CHN", "CHINA"),
        ("142", "CHINA"),
        ("中国", "CHINA"),
        ("China", "CHINA"),
        ("KOR", "KOREA"),
        ("LA", "LAOS"),
        ("Some Private Wharf", "SOME PRIVATE WHARF"),
        ("  jebel   ali ", "JEBEL ALI"),
        ("ZZZZZ", "ZZZZZ"),  # looks like a locode but is none: kept as typed
    ],
)
def test_place_name(place: str, expected: str) -> None:
    assert place_name(place) == expected


def test_route_basic() -> None:
    assert transport_route("CNDLC", "KRPUS") == "FROM DALIAN, CHINA TO BUSAN, KOREA BY SEA"
    assert transport_route("CNDAL", "KRPUS", mode="air") == (
        "FROM DALIAN, CHINA TO BUSAN, KOREA BY AIR"
    )


def test_route_via_one() -> None:
    assert transport_route("CNDLC", "KRPUS", via="HKHKG") == (
        "FROM DALIAN, CHINA TO BUSAN, KOREA VIA HONG KONG, CHINA BY SEA"
    )
    assert transport_route("CNDLC", "KRPUS", via=["HKHKG"]) == (
        "FROM DALIAN, CHINA TO BUSAN, KOREA VIA HONG KONG, CHINA BY SEA"
    )


def test_route_via_several_and_empty() -> None:
    assert transport_route("CNDLC", "DEHAM", via=["HKHKG", "SGSIN"]) == (
        "FROM DALIAN, CHINA TO HAMBURG, GERMANY VIA HONG KONG, CHINA AND SINGAPORE BY SEA"
    )
    assert transport_route("CNDLC", "KRPUS", via=["", "  "]) == (
        "FROM DALIAN, CHINA TO BUSAN, KOREA BY SEA"
    )
    assert transport_route("CNDLC", "KRPUS", via="") == transport_route("CNDLC", "KRPUS")


def test_route_unknown_port_text_kept() -> None:
    assert transport_route("Dalian", "Port Said West Terminal 3", mode="Sea") == (
        "FROM DALIAN TO PORT SAID WEST TERMINAL 3 BY SEA"
    )


@pytest.mark.parametrize(
    ("mode", "text"),
    [
        ("SEA", "BY SEA"),
        ("rail", "BY RAIL"),
        ("ROAD", "BY ROAD"),
        ("multimodal", "BY MULTIMODAL TRANSPORT"),
        ("POST", "BY POST"),
        (" air ", "BY AIR"),
    ],
)
def test_route_modes(mode: str, text: str) -> None:
    assert transport_route("CN", "KR", mode=mode) == f"FROM CHINA TO KOREA {text}"


def test_transport_modes_table() -> None:
    assert {"SEA", "AIR", "RAIL", "ROAD", "MULTIMODAL", "POST"} <= set(TRANSPORT_MODES)
    assert TRANSPORT_MODES["SEA"] == ("SEA", "海运")
    assert all(en == en.upper() and zh for en, zh in TRANSPORT_MODES.values())


def test_bad_mode_error() -> None:
    with pytest.raises(ValidationFailed) as info:
        transport_route("CNDLC", "KRPUS", mode="boat")
    assert isinstance(info.value, CooLabError)
    (error,) = info.value.errors
    assert error.field == "transport_mode"
    assert error.value == "boat"
    assert error.expected_en.startswith("one of SEA, AIR, RAIL, ROAD, MULTIMODAL, POST")
    assert error.expected_zh.startswith("运输方式代码之一：")
    assert "SEA（海运）" in error.expected_zh
    assert "boat" in info.value.message_en and "transport_mode" in info.value.message_zh


@pytest.mark.parametrize(
    ("departure", "discharge", "fields"),
    [
        ("", "KRPUS", ["departure_port"]),
        ("CNDLC", "  ", ["destination_port"]),
        ("", "", ["departure_port", "destination_port"]),
    ],
)
def test_empty_places(departure: str, discharge: str, fields: list[str]) -> None:
    with pytest.raises(ValidationFailed) as info:
        transport_route(departure, discharge)
    assert [e.field for e in info.value.errors] == fields
    assert all(e.code == "required" and e.expected_zh and e.expected_en for e in info.value.errors)


def test_all_errors_reported_at_once() -> None:
    with pytest.raises(ValidationFailed) as info:
        transport_route("", "", mode="CAMEL")
    assert [e.field for e in info.value.errors] == [
        "departure_port",
        "destination_port",
        "transport_mode",
    ]
