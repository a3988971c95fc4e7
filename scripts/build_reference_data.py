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
import itertools
import math
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable
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


# --- UN/LOCODE names: repair the letters the source lost to U+FFFD --------------------------
#
# About 11 % of the source names (12,548) had every non-ASCII letter replaced by U+FFFD
# ("S\ufffdo Paulo"); all the other names are plain ASCII. Each lost letter is restored, word
# by word, deterministically and offline; the script prints how many letters each step did:
#
# "pattern"     a word or word part known in full for the place's language (``_LEXICON``,
#               ``_PARTS``: "s\ufffdo" -> "são", Turkish "k\ufffdy" -> "köy"), a Czech or
#               Slovak adjective agreeing with its noun ("Velký Týnec", "Česká Lípa"), or a
#               regular spelling rule (``_SPELLING``: Portuguese "-\ufffdo" -> "-ão", French
#               "-\ufffde" -> "-ée").
# "dictionary"  otherwise the plain letter is chosen by score: how often the language's lost
#               letters are that one (``_LETTERS``), how well it fits the two letters on each
#               side in the language's clean names (``_GapModel``), and a bonus when the word
#               then is a word of a clean name (same country > same language > anywhere,
#               more for a frequent word). "dictionary" when the winner is such a word...
# "fallback"    ...and "fallback" when it is not: the best guess of the letter model.
#
# ``_accent`` then gives the plain letter the accent the language's spelling puts there, or
# none where that is in doubt (Swedish "a" may be "å" or "ä", Vietnamese tones, Arabic
# transliteration): the plain letter is UN/LOCODE's own diacritic-free spelling. Wrong
# repairs are mostly a wrong vowel guessed by the model (Spanish "-án"/"-ón", German "ä"/"ö"/
# "ü", Hungarian). No name keeps a U+FFFD: the script stops if one would.

_BAD = "\ufffd"
_WORD = re.compile(r"[A-Za-z\ufffd?]+")  # a few names lost letters to "?" instead
_VOWELS = frozenset("aeiouy")

# Language -> the countries (ISO2) whose names follow its spelling; a (country, subdivision)
# entry in _LANG_BY_SUBDIVISION wins. Other countries get "": plain letters only.
_LANG_COUNTRIES: dict[str, str] = {
    "fr": """FR MC DZ MA TN CI BF ML CM GN MR SN GA TD TG CF HT BJ CG CD NE NC PF WF YT RE GP MQ
        GF MF BL PM TF MU SC KM MG BI RW DJ LB KH LA VU CA""",
    "pt_br": "BR",
    "pt": "PT AO MZ CV GW ST TL",
    "es": "ES MX AR CL CO PE VE CR PA GT HN SV NI CU DO PR UY PY BO EC GQ PH US AQ BQ CW AW",
    "ca": "AD",
    "de": "DE AT CH LI NA",
    "lb": "LU",
    "nl": "NL SR ZA",
    "sv": "SE AX",
    "fi": "FI",
    "no": "NO SJ DK GL",  # Norwegian and Danish: the same letters
    "fo": "FO",
    "is": "IS",
    "hu": "HU",
    "cs": "CZ SI",
    "sk": "SK",
    "pl": "PL",
    "el": "GR CY",  # romanised Greek
    "tr": "TR AZ",
    "tm": "TM",
    "kz": "KZ",
    "it": "IT SM VA MT",
    "et": "EE",
    "ro": "RO MD",
    "ru": "RU BY UA",  # romanised: "ë"
    "sq": "AL RS XK MK",
    "lt": "LT",
    "cy": "GB",  # Welsh circumflexes
    "zh": "TW CN",  # Wade-Giles "ü"
}
_LANG_BY_COUNTRY = {
    country: lang for lang, countries in _LANG_COUNTRIES.items() for country in countries.split()
}
_LANG_BY_SUBDIVISION: dict[tuple[str, str], str] = {
    **{("ES", s): "ca" for s in ("B", "GI", "L", "T")},
    **{("CH", s): "fr" for s in ("GE", "VD", "NE", "JU")},
    **{("BE", s): "fr" for s in ("WAL", "WHT", "WLG", "WLX", "WNA", "WBR", "BRU")},
    **{("BE", s): "nl" for s in ("VLG", "VAN", "VLI", "VOV", "VWV", "VBR")},
}

# Countries whose clean names are mostly English: they teach no language its letter windows.
_MIXED_COUNTRIES = frozenset({"US", "PH", "CA", "GB", "ZA", "NA"})

# Language -> {ASCII form of a lost letter: relative frequency}; the letters each language's
# damaged names can hold, with rough weights (a prior for the model in step 3).
_LETTERS: dict[str, dict[str, float]] = {
    "fr": {"e": 80, "a": 2, "i": 3, "o": 3, "u": 0.3, "c": 5, "oe": 0.3},
    "pt": {"a": 35, "o": 20, "e": 17, "i": 12, "u": 4, "c": 12},
    "es": {"a": 15, "e": 18, "i": 22, "o": 28, "u": 5, "n": 12},
    "ca": {"a": 30, "e": 30, "i": 12, "o": 15, "u": 3, "c": 8, "n": 2},
    "de": {"u": 40, "o": 25, "a": 25, "ss": 6, "e": 3, "i": 1},
    "lb": {"a": 25, "e": 40, "u": 20, "o": 10, "i": 5},
    "nl": {"e": 60, "i": 10, "a": 10, "u": 10, "o": 10},
    "sv": {"a": 55, "o": 40, "e": 3, "u": 2},
    "fi": {"a": 70, "o": 25, "u": 3, "e": 2},
    "no": {"o": 55, "a": 30, "ae": 13, "e": 2},
    "fo": {"a": 25, "o": 30, "i": 15, "u": 15, "y": 5, "ae": 10},
    "is": {"a": 20, "o": 30, "i": 20, "u": 10, "e": 8, "y": 5, "ae": 7},
    "hu": {"a": 28, "e": 25, "o": 20, "u": 10, "i": 15},
    "cs": {"a": 25, "e": 20, "i": 30, "y": 15, "o": 3, "u": 7},
    "sk": {"a": 30, "e": 20, "i": 25, "y": 15, "o": 5, "u": 10},
    "pl": {"o": 90, "a": 1.5, "e": 1.5, "l": 1.5, "n": 1.5, "s": 1.5, "z": 1.5, "c": 1.5},
    "el": {"a": 30, "e": 15, "i": 20, "o": 20, "u": 5, "y": 10},
    "tr": {"c": 30, "o": 30, "u": 35, "a": 2, "i": 3},
    "tm": {"a": 30, "o": 20, "u": 20, "y": 15, "c": 10, "n": 5},
    "kz": {"o": 50, "u": 30, "a": 20},
    "it": {"a": 30, "e": 25, "i": 20, "o": 25, "u": 5},
    "et": {"a": 35, "o": 45, "u": 20},
    "ro": {"a": 70, "i": 30},
    "ru": {"e": 95, "a": 1, "i": 2, "o": 1, "u": 1},
    "sq": {"e": 85, "c": 15},
    "lt": {"e": 70, "a": 10, "u": 10, "i": 10},
    "cy": {"a": 40, "o": 30, "e": 10, "i": 10, "u": 5, "w": 3, "y": 2},
    "zh": {"u": 80, "a": 5, "e": 5, "i": 5, "o": 5},
    "": {"a": 60, "i": 20, "u": 15, "e": 3, "o": 2},  # mostly Arabic, Persian, Indian: ā ī ū
}
_LETTERS["pt_br"] = _LETTERS["pt"]

# Whole words known in full, by language ("" = any language). A key is matched with its
# accented letters standing for the lost ones: "ch\ufffdteau" -> "château". A capitalised
# entry only matches a capitalised word, before the lower-case entry ("Prés" / "près").
_LEXICON: dict[str, str] = {
    "fr": """à ès lès près Prés château châteaux châteauneuf châtillon châtel châtelet châtelaine
        neufchâteau saône rhône île îles forêt évêque église école étang étoile étienne andré
        rivière rivières léger rémy médoc condé ferté clément médard côte côtes cîteaux benoît
        benoîte françois félix désert léon léonard siméon cécile barthélemy sébastien hélène
        geneviève éloi eugène honoré jérôme thérèse césaire eusèbe séverin côme mâcon gâtinais
        père mère chaussée vallée pré orléans béarn béziers crécy précy sèvre sèvres ardèche
        isère trinité ménil mézières fougères jonquières bruyères bruyère corbières verrières
        ferrière ferrières rosières lignières carrières boissière bussière buissière serrières
        ollières plombières estrées cambrésis aubigné juigné joué cabardès estèphe oléron
        montréal lévis genès geniès cère lèze méry fère chêne chênes chênée bièvre flémalle
        écaussinnes woluwé sûre ré aéroport aérodrome aérogare hôpital hôtel crêt fête tête
        genêts arrêt gérard génie vénus réunion sénégal québec déols hôtellerie
        nîmes gênes côté frères sœurs cœur vœu œuf bœuf moïse noël ploërmel citroën
        haïti gonaïves caïques aïn aït maître août où neuchâtel genève delémont angoulême
        ghardaïa haïtien hoceïma parçay""",
    "pt": """são joão josé antónio jerónimo piauí goiás água águas maranhão conceição sebastião
        vitória paraíso petrobrás três pará paraná bárbara ribeirão várzea iguaçu esperança
        missões gonçalo luís união poço ivaí nazaré belém barão fé cândido lourenço glória
        rosário riachão balneário capitão fátima sítio alcântara brasilândia canaã capão
        espírito inês viçosa paranaíba açu gonçalves aliança simão magalhães irmãos câmara
        igarapé itambé seridó redenção tomé valença piraí itararé leão brás brandão índios
        caiçara júlio caraíbas centenário guimarães gaúcha jacuípe sé mãe patrocínio cecília
        sapucaí jandaíra tamandaré parnaíba américa grajaú melgaço chapéu jacaré boqueirão
        bragança paraguaçu cáceres mourão jordão canindé cássia céu chapadão itaguaí crixás
        divinópolis indaiá sertão gavião guaporé tietê inácio independência ingá iporá
        jatobá muriaé manhuaçu marilândia mauá hipólito olímpia ourém pavão pinhão suaçuí
        santarém valério serranópolis tangará timbó póvoa cacém leça paços pedrógão alcácer
        alcobaça além alfândega algés chã lourinhã lousã covilhã setúbal évora óbidos
        olhão guimarães mértola mortágua estêvão antão gurguéia corrêa
        heroísmo""",
    "pt_br": """antônio jerônimo colônia amazônia rondônia andré zé araújo araújos martírios
        pompéia guarujá taubaté guaíba brasília maceió niterói macapá macaé cuiabá goiânia
        maringá ilhéus criciúma jaboatão camaçari epitácio ceará amapá grajaú jaú itaú
        muriaé acaraú maracanaú mossoró itajubá jatobá marabá corumbá tietê guaporé iporá
        caparaó eirunepé manicoré maués tefé""",
    "es": """río ríos maría coruña martín almería almodóvar carrión castellón córdoba álamo gandía
        cañada mérida álava gállego adrián andrés bartolomé román santibáñez vélez alarcón
        aragón alhaurín almuñécar alquerías jalón armuña cuéllar garcía rodríguez ávila baños
        cabañas cáceres cañete castejón miño doña dueñas jaén leganés málaga morón peña
        rincón saldaña agustín páramo seseña villagarcía alcántara concepción unión colón
        tomás nicolás juárez gómez pérez lucía león joaquín ramón gonzález junín constitución
        asunción cárdenas jesús sebastián ibáñez limón cristóbal bolívar cañas josé méxico
        querétaro sánchez jiménez obregón cancún ciénega ciénaga ciénagas guzmán sahagún
        michoacán culiacán lázaro martínez mejía zúñiga velázquez rayón torreón gutiérrez
        galván ángel ángeles potosí purísima bahía acatlán atizapán camagüey mayagüez higüey
        güemes ollagüe palacagüina niño niños señor señora guaraní paraná perú panamá
        génova fernández hernández lópez díaz núñez muñoz ordóñez méndez álvarez bogotá
        medellín popayán mazatlán querétaro cancún cádiz gijón valparaíso tucumán sáenz
        gualeguaychú chaitén copiapó aysén tolú roatán curaçao""",
    "ca": """vallès penedès cornellà voltregà lliçà mataró perelló rosselló fluvià julià martí
        castellví bellvís pàmies""",
    "de": "straße münchen mönchengladbach köln lübeck löbau föhr kröv lügde",
    "lb": "sûre",
    "sv": "borgå torneå ingå österby göteborg",
    "no": "tønsberg hønefoss",
    "fi": "borgå torneå ingå åbo ekenäs österby",
    "cs": "dolní horní zadní prední strední ustí",
    "el": """ágios ágioi agía agíou néa néo néos vathý athínai ayía áyios káto pórto lefkáda
        lefkás marína kými alexandroúpolis kérkyra kérkira vólos skýros""",
    "it": "città nicolò châtillon",
    "": "são josé",
}

# Word parts known in full, by language: matched anywhere inside a damaged word ("^" and "$"
# tie a part to the start or the end of the word).
_PARTS: dict[str, str] = {
    "fr": "^chât château châtaign forêt benoît",
    "pt": "ópolis íssim",
    "pt_br": "porã$",
    "de": """schön wörth grün mühl münster brück büttel hütte fürst könig dörf dörr nürn würzb
        düssel gött rück gmünd sülz höchst bühl gräfen märk sächs thüring württemb schwäb
        lüneb müritz güstr österreich vöckla stätt städt häus höhe wäld süd kärnten mürz
        zürich""",
    "sv": """sjö gård väst ^öster söder södra köping bäck häll älv ängel träsk näs$ löv röd$
        trång sväng långa mörby örn sköld hättan näss göta åker hög ström tälje växj jönk
        gävle mälar härn kärr spång skåp tång böle björn""",
    "fi": "järvi mäki kylä pää pyhä",
    "no": """øy gård våg vær sjø strøm ^øster sønder søndre nørre købing høj bæk værk næs løse
        rød bølle tårn løgum jæger sjælland præst borøn åkirke""",
    "is": """fjördur höfn vík völlur strönd hólmav kópav reykhólar djúpi hofsós bæjar lækur
        brjáns tjörnes""",
    "fo": "fjørdur vík tórs vág",
    "hu": """mező föld hajdú jász új város szentmiklós háza felső alsó györgy miklós kút
        keresztúr püspök örs$ füzes bánya kövesd ráckeve szárd rákóczi tölgyes sátor gyöngy
        nyír forrás izsák komló siklós apáti szállás""",
    "cs": "újezd ústí íkov",
    "pl": "zdrój gór ów$",
    "tr": "köy göl büyük küçük",
    "et": "küla väike jõe lõuna põhja järv pärnu mäe kärdla türi võru põlva sõru nõmme võsu",
    "lb": "sûre",
}

# Languages whose known words, word parts and spelling rules a language also uses.
_FAMILY: dict[str, tuple[str, ...]] = {
    "pt_br": ("pt",),
    "fi": ("sv",),
    "lb": ("de",),
    "ca": ("es",),
}

# Spelling rules, by language: a regular expression over the lower-case damaged word, and the
# letters for the U+FFFD it matches, in order.
_SPELLING: dict[str, list[tuple[str, str]]] = {
    "fr": [
        (r"\ufffd(?=es?$)", "é"),  # Vallée, Chaussées
        (r"(?<=[a-z])\ufffd(?=(r|g|gu|v|z|s|ch)es?$)", "è"),  # Isère, Liège, Ardèche
        (r"(?<=[a-z])\ufffd$", "é"),  # Segré, André
        (r"^\ufffd(?=[bcdfgjklmnpqrstvz])", "é"),  # Évian, Écully
        (r"(?<=o)\ufffd(?=[bcdfgjklmnpqrstvz])", "ë"),  # Moëlan, Plancoët
        (r"(?<=ou)\ufffd(?=[bcdfgjklmnpqrstvz])", "ë"),  # Salouël
        (r"(?<=[aeiou]n)\ufffd(?=on)", "ç"),  # Besançon, Alençon
        (r"(?<=[nr])\ufffd(?=a)", "ç"),  # Française, Parçay
        (r"(?<=[bcdfghjklmpqrstvz])\ufffd(?=[ao])", "é"),  # Cléon, Andéol, Béarn, Réaumont
    ],
    "pt": [
        (r"\ufffd\ufffdo(s?)$", "çã"),  # Conceição
        (r"\ufffd\ufffdes$", "çõ"),  # Ações
        (r"(?<=[bcdfghjlmpqrstvxzi])\ufffd(?=os?$)", "ã"),  # Ribeirão, Irmãos, Damião
        (r"(?<=[aou])\ufffd(?=os?$)", "ç"),  # Paço, Poço, Valpaços
        (r"(?<=[bcdfgjlmprstvxz])\ufffdes$", "õ"),  # Missões
        (r"(?<=[nr])\ufffd(?=as?$)", "ç"),  # Bragança, Murça
        (r"(?<=[eou])\ufffd(?=a)", "ç"),  # Beça, Palhoça, Peçanha
        (r"\ufffd(?=ndia$)", "â"),  # Brasilândia
    ],
    "es": [
        (r"(?<=ci)\ufffdn(es)?$", "ó"),  # Concepción
        (r"(?<=si)\ufffdn(es)?$", "ó"),  # Misión
        (r"(?<=[aeiou])\ufffd(?=[aeo])", "ñ"),  # Peña, Baños, Miño
        (r"(?<=[bcdfglmnprstvz])\ufffda(s?)$", "í"),  # García, María
        (r"(?<=g)\ufffd(?=[ei])", "ü"),  # Güemes, Camagüey
    ],
    "ca": [
        (r"(?<=ci)\ufffdn(es)?$", "ó"),  # Spanish names: Concepción
        (r"(?<=[bcdfghjklmnpqrstvxz])\ufffd$", "à"),  # Cornellà, Voltregà
    ],
}
_SPELLING["sv"] = [
    (r"(?<=e)\ufffd$", "å"),  # Skellefteå, Umeå
    (r"(?<=[bcdfghjklmnprstvxz])\ufffd$", "ö"),  # Malmö, Öckerö
    (r"(?<=[bcdfghjklmnprstvxz])\ufffd(?=n$)", "ö"),  # Rossön
    (r"(?<=[bcdfghjklmprstvxz])\ufffd(?=s$)", "å"),  # Lindås, Kyrkås (Bollnäs: a part)
]
_SPELLING["cs"] = [
    (r"(?<=ov)\ufffd$", "á"),  # Třebová, Borová (an adjective before a noun is done apart)
    (r"(?<=[bcdfghjklmnprstvz])\ufffd(?=n$)", "í"),  # Kolín, Provodín, Kubín
]
_SPELLING["sk"] = _SPELLING["cs"]
_SPELLING["no"] = [
    (r"(?<=[bcdfghjklmnprstvxz])\ufffd$", "ø"),  # Kragerø, Sorø
    (r"^\ufffd(?=st|y|ks|rs|rl)", "ø"),  # Østbirk, Øye, Øksfjord, Ørsta, Ørland
    (r"^\ufffd(?=[bdfgklmnprstv])", "å"),  # Ålesund, Århus, Åkrehamn
]
_SPELLING["pt_br"] = [
    *_SPELLING["pt"],  # a family shares word parts, not spelling rules
    (r"(?<=gu)\ufffd$", "á"),  # Tupi names: Paranaguá, Jaraguá
    (r"(?<=a)\ufffd$", "í"),  # Itajaí, Jundiaí (Grajaú, Macaé are known words)
]


def _fold(text: str) -> str:
    """ASCII form of accented Latin letters: "Ø" -> "O", "ß" -> "ss", "æ" -> "ae"."""
    special = {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
               "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D", "ł": "l", "Ł": "L"}  # fmt: skip
    out = []
    for ch in text:
        if ch in special:
            out.append(special[ch])
        else:
            out.append(unicodedata.normalize("NFD", ch)[0])
    return "".join(out)


def _key(word: str) -> str:
    """A known word as a damaged word would show it: every non-ASCII letter -> U+FFFD."""
    return "".join(ch if ch.isascii() else _BAD for ch in word)


def _known(table: dict[str, str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for lang, words in table.items():
        out[lang] = {_key(w) if w[0].isupper() else _key(w).lower(): w for w in words.split()}
    return out


_LEXICON_KEYS = _known(_LEXICON)


def _compile_parts() -> dict[str, list[tuple[re.Pattern[str], str]]]:
    """Every language's word parts (its family's too) as (pattern, letters for its U+FFFD)."""
    rules: dict[str, list[tuple[re.Pattern[str], str]]] = {}
    for lang, parts in _PARTS.items():
        for part in sorted(parts.split(), key=lambda p: (-len(p), p)):  # longest first
            core = part.strip("^$")
            pattern = re.escape(_key(core)).replace(re.escape(_BAD), _BAD)
            pattern = ("^" if part.startswith("^") else "") + pattern
            pattern += "$" if part.endswith("$") else ""
            accented = "".join(ch for ch in core if not ch.isascii())
            rules.setdefault(lang, []).append((re.compile(pattern), accented))
    for lang, family in _FAMILY.items():
        for other in family:
            rules.setdefault(lang, []).extend(rules.get(other, []))
    return rules


_PART_RULES = _compile_parts()
_SPELLING_RULES = {
    lang: [(re.compile(pattern), accented) for pattern, accented in spelling]
    for lang, spelling in _SPELLING.items()
}

# Accented letter for each ASCII form, by language: "" means "only by rule" (see _accent).
_SIMPLE_ACCENT: dict[str, dict[str, str]] = {
    "es": {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú", "n": "ñ"},
    "de": {"a": "ä", "o": "ö", "u": "ü", "ss": "ß", "e": "é"},
    "lb": {"a": "ä", "e": "é", "o": "ö", "u": "ü"},
    "fi": {"a": "ä", "o": "ö", "u": "ü", "e": "é"},
    "no": {"a": "å", "o": "ø", "ae": "æ", "e": "é"},
    "fo": {"a": "á", "i": "í", "u": "ú", "y": "ý", "ae": "æ"},
    "is": {"a": "á", "e": "é", "i": "í", "u": "ú", "y": "ý", "ae": "æ"},
    "hu": {"a": "á", "e": "é", "i": "í"},
    "cs": {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú", "y": "ý"},
    "sk": {"a": "á", "e": "é", "i": "í", "o": "ô", "u": "ú", "y": "ý"},
    "pl": {"o": "ó", "a": "ą", "e": "ę", "l": "ł", "n": "ń", "s": "ś", "c": "ć"},
    "el": {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú", "y": "ý"},
    "tr": {"c": "ç", "o": "ö", "u": "ü", "a": "â", "i": "î"},
    "tm": {"a": "ä", "o": "ö", "u": "ü", "c": "ç", "y": "ý", "n": "ň"},
    "kz": {"a": "ä", "o": "ö", "u": "ü"},
    "it": {"a": "à", "e": "è", "i": "ì", "o": "ò", "u": "ù"},
    "et": {"a": "ä", "o": "õ", "u": "ü"},
    "ro": {"a": "â", "i": "î"},
    "ru": {"e": "ë"},
    "sq": {"e": "ë", "c": "ç"},
    "lt": {"e": "ė"},
    "cy": {"a": "â", "e": "ê", "i": "î", "o": "ô", "u": "û", "w": "ŵ", "y": "ŷ"},
    "zh": {"u": "ü"},
    "sv": {"o": "ö", "e": "é"},
}
_CONSONANT_E = re.compile(r"^([bcdfgjklmnpqrstvz]|ch|gn|[bcdfgkptv][lr])(e|es)$")


def _impossible(lang: str, base: str, right: str) -> bool:
    """True for a letter the language cannot have there ("ç" before "e", "ñ" before "t")."""
    if base == "c" and lang in ("fr", "pt", "pt_br", "ca"):
        return right[:1].lower() not in ("a", "o", "u", "" if lang == "ca" else "a")
    if base == "n" and lang in ("es", "ca"):
        return right[:1].lower() not in _VOWELS
    return False


def _accent(lang: str, base: str, left: str, right_marked: str) -> str:
    """The letter (lower case) to write for a lost letter whose ASCII form is ``base``, between
    ``left`` and ``right_marked`` (the lower-case ASCII rest of the word, with the other lost
    letters in capitals). The plain ``base`` when the language's spelling leaves the accent in
    doubt."""
    right = right_marked.lower()
    before = left[-1:]
    after = right[:1]
    if lang == "fr":
        if base == "e":
            if (before in ("a", "o") or left.endswith("ou")) and right and after not in _VOWELS:
                return "ë"  # Noël, Ploërmel, Salouël
            if right in ("", "e", "es") or not left:
                return "é"
            if right in ("s", "x") or _CONSONANT_E.match(right_marked):
                return "è"  # lès, Isère, Rivière, Sèvre (not Méré)
            return "é"
        if base == "a":
            return "à" if not left and not right else "â"
        if base == "i":
            if before in _VOWELS:
                return "î" if left.endswith("o") and right in ("t", "te", "tre") else "ï"
            return "î"
        if base == "u":
            return "ü" if before in ("a", "e", "i") else "û"
        return {"o": "ô", "c": "ç", "oe": "œ", "ae": "æ", "y": "ÿ", "n": "ñ"}.get(base, base)
    if lang in ("pt", "pt_br"):
        if base == "a":
            if after in ("o", "e") or (right in ("", "s") and left.endswith(("nh", "m"))):
                return "ã"
            if after in ("m", "n") and right[1:2] not in ("", "h"):
                return "â"
            return "á"
        if base == "e":
            if right == "s" or (after in ("m", "n") and right[1:2] not in ("",)):
                return "ê"
            return "é"
        if base == "o":
            if after == "e":
                return "õ"
            if after in ("m", "n") and right[1:2] not in ("", "h") and lang == "pt_br":
                return "ô"
            return "ó"
        if base == "u":
            return "ü" if before in ("g", "q") and after in ("e", "i") else "ú"
        return {"i": "í", "c": "ç"}.get(base, base)
    if lang == "es" and base == "u" and before == "g" and after in ("e", "i"):
        return "ü"
    if lang == "ca":
        if base == "a":
            return "á" if right == "n" else "à"  # Spanish "Adrián" next to Catalan "Julià"
        if base == "e":
            return "é" if not right else "è"
        if base == "o":
            return "ó" if right in ("", "s", "n") else "ò"
        if base == "u":
            return "ü" if before in ("g", "q") and after in ("e", "i") else "ú"
        if base == "i":
            return "ï" if before in _VOWELS and right else "í"
        return {"c": "ç", "n": "ñ"}.get(base, base)
    if lang == "nl":
        if base == "e":
            return "ë" if before in _VOWELS else "é"
        if base == "i":
            return "ï" if before in _VOWELS else base
        return {"a": "â", "u": "ú"}.get(base, base)
    if lang == "sv" and base == "a":
        if right[:2] in ("ck", "ll", "rn", "rr", "st", "rj", "sk"):
            return "ä"
        if not left:
            return "ä" if right[:1] in ("l", "n", "m", "p") else "å"
        if right == "s":
            return "ä" if before == "n" else "å"
        if not right or after in ("g", "k", "l", "s"):
            return "å"
        return base
    if lang == "is" and base == "o":
        return "ö" if right[:2] in ("rd", "rn", "fn", "nd", "ll", "ld", "rg") else "ó"
    if lang == "fo" and base == "o":
        return "ø" if right[:2] in ("rd", "yr") else "ó"
    if lang == "hu" and base in ("o", "u"):
        vowels = [c for c in reversed(left) if c in "aeou"][:1] or [
            c for c in right if c in "aeou"
        ][:1]
        front = bool(vowels) and vowels[0] == "e"
        if base == "o":
            return "ö" if front else "ó"
        return "ü" if front else "ú"
    if lang == "ro" and base == "a" and not left:
        return base
    return _SIMPLE_ACCENT.get(lang, {}).get(base, base)


_CONTEXT_WEIGHT = 0.4
_DICTIONARY_BONUS = {3: 2.0, 2: 1.5, 1: 1.0}  # same country, same language, any country


def _harmony_prior(prior: dict[str, float], folded: list[str], i: int) -> dict[str, float]:
    """Hungarian: raise the back vowels near back vowels (a, o, u) and "e" near "e"."""
    lean = 0.0
    for j, ch in enumerate(folded):
        if j != i and ch in ("a", "o", "u", "e"):
            lean += (1 if ch != "e" else -1) / abs(j - i)
    factors = {"a": 2.5, "o": 1.5, "u": 1.5, "e": 0.4} if lean > 0 else {}
    if lean < 0:
        factors = {"e": 2.5, "a": 0.4, "o": 1.2, "u": 1.2}
    return {b: p + math.log(factors.get(b, 1.0)) for b, p in prior.items()}


class _GapModel:
    """How well each ASCII letter fits a gap, from the letter windows of clean names.

    P(letter | window) is estimated on windows of growing size around the gap (nothing, one
    letter right, one each side, one left and two right, two each side), each smoothed towards
    the smaller one; the score is log(P(letter | window) / P(letter)), i.e. how much the window
    favours the letter over its overall frequency.
    """

    _WINDOWS = ((0, 1), (1, 1), (1, 2), (2, 2))
    _SMOOTHING = 5.0

    def __init__(self, words: Counter[str]) -> None:
        self.counts: Counter[str] = Counter()
        for word, n in sorted(words.items()):
            text = "^^" + word + "$$"
            for i in range(len(text)):
                for k in range(1, 7):
                    if i + k <= len(text):
                        self.counts[text[i : i + k]] += n

    def scores(self, bases: list[str], left: str, right: str) -> dict[str, float]:
        left, right = ("^^" + left)[-2:], (right + "$$")[:2]
        total = sum(self.counts[b] for b in bases) or 1
        unigram = {b: (self.counts[b] + 1) / (total + len(bases)) for b in bases}
        prob = dict(unigram)
        for lo, ro in self._WINDOWS:
            lw, rw = left[len(left) - lo :], right[:ro]
            hits = {b: self.counts[lw + b + rw] for b in bases}
            seen = sum(hits.values())
            prob = {
                b: (hits[b] + self._SMOOTHING * prob[b]) / (seen + self._SMOOTHING) for b in bases
            }
        # clean names under-represent the windows where accents are usual ("-éo-" leaves few
        # "-eo-"): a window may raise the odds of a letter by e**2.5 at most, lower them by e
        return {b: max(-1.0, min(2.5, math.log(prob[b] / unigram[b]))) for b in bases}


class NameRepairer:
    """Repairs the U+FFFD letters of UN/LOCODE names (see the comment above ``_BAD``)."""

    def __init__(self, rows: list[dict[str, str]], extra_names: list[str]) -> None:
        self.by_country: dict[str, Counter[str]] = {}
        self.by_lang: dict[str, Counter[str]] = {}
        self.everywhere: Counter[str] = Counter()
        for name in extra_names:
            self.everywhere.update(w.lower() for w in _WORD.findall(name))
        for row in rows:
            if _BAD in row["name"]:
                continue
            words = [w.lower() for w in _WORD.findall(row["name"])]
            self.by_country.setdefault(row["country"], Counter()).update(words)
            if row["country"] not in _MIXED_COUNTRIES:
                self.by_lang.setdefault(self.language(row), Counter()).update(words)
            self.everywhere.update(words)
        self.models: dict[str, _GapModel] = {}
        self.stats: Counter[str] = Counter()

    @staticmethod
    def language(row: dict[str, str]) -> str:
        country = row["country"]
        return _LANG_BY_SUBDIVISION.get(
            (country, row["subdivision"]), _LANG_BY_COUNTRY.get(country, "")
        )

    def model(self, lang: str) -> _GapModel:
        if lang not in self.models:
            words: Counter[str] = Counter()
            for member in (lang, *_FAMILY.get(lang, ())):
                words.update(self.by_lang.get(member, Counter()))
            self.models[lang] = _GapModel(words or self.everywhere)
        return self.models[lang]

    def repair(self, row: dict[str, str]) -> str:
        name = row["name"]
        if _BAD not in name:
            return name
        lang = self.language(row)
        out = _WORD.sub(lambda m: self._word(m.group(), m.start(), name, lang, row), name)
        if _BAD in out:
            raise SystemExit(f"unlocode.csv: could not repair {row['locode']} {name!r}")
        return out

    def _word(self, word: str, start: int, name: str, lang: str, row: dict[str, str]) -> str:
        if _BAD not in word:
            return word
        letters: list[str | None] = [None if ch == _BAD else ch for ch in word]
        lower = word.lower()
        # 1. known words, then known word parts
        tables = [_LEXICON_KEYS.get(x, {}) for x in (lang, *_FAMILY.get(lang, ()), "")]
        for table in tables:
            known = table.get(word if word[:1].isupper() else "") or table.get(lower)
            if known and len(known) == len(word):
                letters = list(known)
                break
        for pattern, accented in _PART_RULES.get(lang, []):
            _apply(pattern, accented, word, letters)
        if letters[-1] is None and lang in ("cs", "sk"):
            letters[-1] = _adjective_ending(lang, lower, name[start + len(word) :])
        for pattern, accented in _SPELLING_RULES.get(lang, []):
            _apply(pattern, accented, word, letters)
        pending = [i for i, ch in enumerate(letters) if ch is None]
        self.stats["pattern"] += word.count(_BAD) - len(pending)
        if pending:
            self._guess(word, letters, pending, lang, row)
        return "".join(_case(ch or "", i, word, start, name) for i, ch in enumerate(letters))

    def _guess(
        self,
        word: str,
        letters: list[str | None],
        pending: list[int],
        lang: str,
        row: dict[str, str],
    ) -> None:
        """Steps 2 and 3: choose the ASCII form of each pending letter, then accent it."""
        weights = _LETTERS.get(lang, _LETTERS[""])
        total = sum(weights.values())
        prior = {b: math.log(w / total) for b, w in weights.items()}
        bases = sorted(prior)
        model = self.model(lang)
        dictionaries = (
            self.by_country.get(row["country"], Counter()),
            self.by_lang.get(lang, Counter()),
            self.everywhere,
        )
        folded = [_fold(ch).lower() if ch is not None else "" for ch in letters]
        priors = {i: prior for i in pending}
        if lang == "hu":  # vowel harmony: back words take á/ó/ú, front ones é/ö/ü
            for i in pending:
                priors[i] = _harmony_prior(prior, folded, i)
        combos: Iterable[tuple[str, ...]] = itertools.product(bases, repeat=len(pending))
        if len(pending) > 4:  # never seen; keeps the search small
            combos = [tuple(max(bases, key=lambda b: prior[b]) for _ in pending)]
        best: tuple[float, str] | None = None
        choice: tuple[str, ...] = ()
        tier = 0
        for combo in combos:
            filled = list(folded)
            for i, b in zip(pending, combo, strict=True):
                filled[i] = b
            if any(
                _impossible(lang, b, "".join(filled[i + 1 :]))
                for i, b in zip(pending, combo, strict=True)
            ):
                continue
            candidate = "".join(filled)
            score = 0.0
            for i, b in zip(pending, combo, strict=True):
                left = "".join(filled[max(0, i - 2) : i])[-2:]
                right = "".join(filled[i + 1 : i + 3])[:2]
                score += priors[i][b] + _CONTEXT_WEIGHT * model.scores(bases, left, right)[b]
            found = 0
            for level, dictionary in zip((3, 2, 1), dictionaries, strict=True):
                if dictionary.get(candidate) and (level > 1 or len(candidate) >= 4):
                    found = level
                    score += _DICTIONARY_BONUS[level] + 0.3 * math.log(dictionary[candidate])
                    break
            if best is None or (score, candidate) > best:
                best, choice, tier = (score, candidate), combo, found
        self.stats["dictionary" if tier else "fallback"] += len(pending)
        for i, b in zip(pending, choice, strict=True):
            folded[i] = b
        for i in pending:
            # the rest of the word, lower case, with its other lost letters in capitals
            right = "".join(
                folded[j].upper() if word[j] == _BAD else folded[j] for j in range(i + 1, len(word))
            )
            letters[i] = _accent(lang, folded[i], "".join(folded[:i]), right)


def _apply(pattern: re.Pattern[str], accented: str, word: str, letters: list[str | None]) -> None:
    """Give the U+FFFD that ``pattern`` matches in ``word`` the letters ``accented``, unless
    an earlier rule gave them theirs."""
    for m in pattern.finditer(word.lower()):
        lost = [i for i in range(m.start(), m.end()) if word[i] == _BAD]
        for i, ch in zip(lost, accented, strict=False):
            if letters[i] is None:
                letters[i] = ch


def _adjective_ending(lang: str, lower: str, rest: str) -> str | None:
    """Czech and Slovak place names start with an adjective that agrees with the noun after it:
    "Velký Týnec", "Česká Lípa", "Nové Hrady". The lost last letter of such an adjective,
    from the noun's ending, or None when the word does not look like one."""
    if not re.search(r"(sk|ck|ov|[bdhklmnrtvz])\ufffd$", lower) or len(lower) < 4:
        return None
    words = [w.lower() for w in re.findall(r"[A-Za-z\ufffd?']+", rest)]
    while words and words[0].endswith(_BAD):  # another adjective ("Nová Ves"), or a noun
        if len(words) == 1 and words[0].endswith("ov" + _BAD):  # like "Třebová"
            return "á"
        words = words[1:]
    if not words:
        return None
    noun = words[0]
    if noun in ("nad", "pod", "u", "na", "pri", "v"):
        return "á"  # Velká nad Veličkou: the adjective stands for a feminine noun
    last = noun[-1]
    if noun == "ves" or last == "a":
        return "á"
    if last in "oíéyi" or (last == "e" and lang == "sk"):
        return "é"
    if last == "e":
        return "á"  # Czech "-ice" nouns are feminine: Česká Kamenice
    if last in "bcdfghjklmnprstvwxz":
        return "ý"
    return None


def _case(ch: str, i: int, word: str, start: int, name: str) -> str:
    """Restore the case of a repaired letter: capital at the start of a word (except a lone
    letter inside a name, French "à"), or in a word written in capitals."""
    if word[i] != _BAD:
        return word[i]
    others = [c for c in word if c != _BAD and c.isalpha()]
    if len(others) >= 2 and all(c.isupper() for c in others):
        return ch.upper()
    if i == 0 and (len(word) > 1 or start == 0 or name[start - 1] in " (/"):
        return ch[:1].upper() + ch[1:]
    return ch.lower()


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

    country_names = [r[k] for r in rows for k in ("name_en", "short_en")]
    _, rows = read_rows(source / "unlocode.csv")
    rows = [repair_unlocode(r) for r in rows]
    bad = [r["locode"] for r in rows if len(r["function"]) != 8]
    if bad:
        raise SystemExit(f"unlocode.csv: rows still malformed after repair: {bad[:10]}")
    repairer = NameRepairer(rows, country_names)
    for row in rows:
        row["name"] = repairer.repair(row)
    counts = ", ".join(f"{n:,} by {how}" for how, n in sorted(repairer.stats.items()))
    print(f"unlocode.csv: lost letters repaired: {counts}")
    write("unlocode.csv.gz", to_csv(UNLOCODE_COLUMNS, rows), gz=True)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    source = Path(args[0]) if args else DEFAULT_SOURCE
    if not source.is_dir():
        raise SystemExit(f"source folder not found: {source}")
    build(source)


if __name__ == "__main__":
    main()
