"""Rebuild the reference tables shipped in ``coo_lab/data`` from the raw source files.

Usage::

    python scripts/build_reference_data.py [SOURCE_DIR]   # default: ../shared/data

What it does (the output is byte-for-byte reproducible: gzip mtime is fixed at 0):

* ``hs_nomenclature.csv`` -> ``hs_nomenclature.csv.gz``. The source's statistical rows whose
  section is ``TOTAL`` (``99``, ``9999``, ``999999`` "Commodities not specified according to
  kind" and the ``TOTAL`` row itself) are dropped: they are not part of the HS nomenclature
  and a certificate must never carry them.
* ``hs_sections.csv`` -> ``hs_sections.csv`` without the UTF-8 BOM.
* ``countries.csv`` -> ``countries.csv`` plus a ``route_name`` column: the upper-case English
  name printed on the forms and in the transport route. Default: ``short_en`` upper-cased with
  "(the)" and "*" removed; ``ROUTE_NAME_OVERRIDES`` below (keyed by customs code) fixes every
  abbreviated or odd short name. The script refuses to write a name that still looks odd.
* ``units.csv`` and ``currencies.csv`` are copied (BOM stripped, LF line ends).
* ``unlocode.csv`` -> ``unlocode.csv.gz`` with only locode,country,name,subdivision,function.
  Rows that the source split wrongly on a quoted comma (e.g. ``"Aikawa, Nagasaki"``) are
  repaired: name = the diacritic-free name part + ", " + the tail, then the real subdivision
  and function. Rows with the same locode (UN/LOCODE alternate names) are all kept, in
  source order; the first one is the primary record.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "coo_lab" / "data"
DEFAULT_SOURCE = ROOT.parent / "shared" / "data"

# customs_code -> route_name, for every row whose short_en is abbreviated, political or odd.
ROUTE_NAME_OVERRIDES: dict[str, str] = {
    "109": "DPR KOREA",  # Korea,DPR
    "110": "HONG KONG, CHINA",
    "119": "LAOS",  # Laos,PDR
    "121": "MACAO, CHINA",  # Macau
    "133": "KOREA",  # Korea Rep.
    "139": "YEMEN",  # Republic of Yemen
    "143": "TAIWAN, CHINA",  # Taiwan prov.
    "144": "TIMOR-LESTE",  # East Timor
    "199": "OTHER ASIA",  # Oth. Asia nes
    "207": "CANARY ISLANDS",
    "208": "CABO VERDE",
    "209": "CENTRAL AFRICAN REPUBLIC",
    "216": "EQUATORIAL GUINEA",
    "222": "GUINEA-BISSAU",
    "239": "SAO TOME AND PRINCIPE",
    "244": "SOUTH AFRICA",
    "252": "DEMOCRATIC REPUBLIC OF THE CONGO",
    "299": "OTHER AFRICA",
    "303": "UNITED KINGDOM",
    "352": "CZECH REPUBLIC",
    "353": "SLOVAKIA",
    "355": "BOSNIA AND HERZEGOVINA",
    "356": "VATICAN CITY",
    "399": "OTHER EUROPE",
    "401": "ANTIGUA AND BARBUDA",
    "411": "CAYMAN ISLANDS",
    "418": "DOMINICAN REPUBLIC",
    "438": "SAINT MARTIN",
    "439": "SAINT VINCENT AND THE GRENADINES",
    "442": "TRINIDAD AND TOBAGO",
    "443": "TURKS AND CAICOS ISLANDS",
    "446": "BRITISH VIRGIN ISLANDS",
    "447": "SAINT KITTS AND NEVIS",
    "448": "SAINT PIERRE AND MIQUELON",
    "499": "OTHER LATIN AMERICA",
    "502": "USA",
    "599": "OTHER NORTH AMERICA",
    "602": "COOK ISLANDS",
    "604": "GAMBIER ISLANDS",
    "605": "MARQUESAS ISLANDS",
    "610": "NORFOLK ISLAND",
    "612": "SOCIETY ISLANDS",
    "613": "SOLOMON ISLANDS",
    "615": "TUAMOTU ISLANDS",
    "616": "TUBUAI ISLANDS",
    "621": "MARSHALL ISLANDS",
    "699": "OTHER OCEANIA",
    "701": "UNKNOWN COUNTRIES (REGIONS)",
    "702": "UN AND INTERNATIONAL ORGANIZATIONS",
    "999": "COUNTRIES OF NEUTRAL PACKAGE",
}

# A route name may only hold letters, spaces, hyphens, apostrophes and the ", CHINA" suffix.
_CLEAN_ROUTE_NAME = re.compile(r"^[A-Z][A-Z '\-]*[A-Z](, CHINA)?$")

UNLOCODE_COLUMNS = ["locode", "country", "name", "subdivision", "function"]


def default_route_name(short_en: str) -> str:
    name = short_en.replace("(the)", "").replace("*", "")
    return " ".join(name.split()).upper()


def route_name_for(row: dict[str, str]) -> str:
    name = ROUTE_NAME_OVERRIDES.get(row["customs_code"]) or default_route_name(row["short_en"])
    if not _CLEAN_ROUTE_NAME.match(name) and row["customs_code"] not in ROUTE_NAME_OVERRIDES:
        raise SystemExit(
            f"countries.csv row {row['customs_code']} ({row['short_en']!r}) gives route name "
            f"{name!r}: add a clean name to ROUTE_NAME_OVERRIDES"
        )
    return name


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def to_csv(fieldnames: list[str], rows: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fieldnames, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def write(name: str, data: bytes, *, gz: bool = False) -> None:
    path = OUT / name
    if gz:
        data = gzip.compress(data, compresslevel=9, mtime=0)
    path.write_bytes(data)
    print(f"wrote {path.relative_to(ROOT)} ({len(data):,} bytes)")


def repair_unlocode(row: dict[str, str]) -> dict[str, str]:
    """Undo the source's split of a quoted "Name, Tail" into two columns."""
    if len(row["function"]) == 8 or not row["name"].startswith('"'):
        return row
    name_plain = row["subdivision"].strip('"').strip()  # the name without diacritics
    tail = row["status"].strip().strip('"').strip()
    return {
        "locode": row["locode"],
        "country": row["country"],
        "name": f"{name_plain}, {tail}" if tail else name_plain,
        "subdivision": row["function"],
        "function": row["iata"],
    }


def build(source: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)

    fields, rows = read_rows(source / "hs_nomenclature.csv")
    rows = [r for r in rows if r["section"] != "TOTAL"]
    write("hs_nomenclature.csv.gz", to_csv(fields, rows), gz=True)

    for name in ("hs_sections.csv", "units.csv", "currencies.csv"):
        fields, rows = read_rows(source / name)
        write(name, to_csv(fields, rows))

    fields, rows = read_rows(source / "countries.csv")
    for row in rows:
        row["route_name"] = route_name_for(row)
    write("countries.csv", to_csv([*fields, "route_name"], rows))

    _, rows = read_rows(source / "unlocode.csv")
    rows = [repair_unlocode(r) for r in rows]
    bad = [r["locode"] for r in rows if len(r["function"]) != 8]
    if bad:
        raise SystemExit(f"unlocode.csv: rows still malformed after repair: {bad[:10]}")
    write("unlocode.csv.gz", to_csv(UNLOCODE_COLUMNS, rows), gz=True)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    source = Path(args[0]) if args else DEFAULT_SOURCE
    if not source.is_dir():
        raise SystemExit(f"source folder not found: {source}")
    build(source)


if __name__ == "__main__":
    main()
