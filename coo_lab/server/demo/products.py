"""The product catalogue: what the demo enterprises make, with their materials, prices and
packing (the sample enterprise's five products come from ``coo_lab.samples``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from coo_lab import samples
from coo_lab.domain.filing import Material


@dataclass(frozen=True)
class ProductSpec:
    hs: str
    name_en: str
    name_cn: str
    unit: str  # customs unit code of the quantity
    fob: str  # USD per unit
    exw: str
    wholly_obtained: bool
    materials: tuple[Material, ...]
    process: str
    net_kg: float  # net weight per unit
    per_package: int  # units per package
    package_kind: str = "CARTONS"


def _materials(text: str) -> tuple[Material, ...]:
    """``"HS COUNTRY VALUE +|- name; …"``: ``+`` originating, ``-`` not."""
    out = []
    for item in text.split(";"):
        hs, country, value, flag, name = item.split(maxsplit=4)
        out.append(
            Material(
                hs_code=hs,
                name=name,
                origin_country=country,
                value=Decimal(value),
                originating=flag == "+",
            )
        )
    return tuple(out)


# key: HS, unit, FOB, ex-works, wholly obtained, net kg per unit, units per package, package
_ROWS: dict[str, tuple[str, str, str, str, bool, float, int, str]] = {
    "pump": ("841370", "001", "800.00", "720.00", False, 95.0, 1, "WOODEN CASES"),
    "bearing": ("848210", "007", "6.50", "5.90", False, 0.13, 200, "CARTONS"),
    "valve": ("848120", "007", "145.00", "130.00", False, 4.2, 10, "CARTONS"),
    "gear": ("848340", "001", "1250.00", "1100.00", False, 180.0, 1, "WOODEN CASES"),
    "teeth": ("843149", "007", "38.00", "33.00", False, 9.5, 20, "PALLETS"),
    "motor": ("850152", "001", "420.00", "380.00", False, 82.0, 1, "WOODEN CASES"),
    "scallop": ("030722", "035", "18.50", "17.00", True, 1.0, 10, "CARTONS"),
    "squid": ("030743", "035", "3.20", "2.90", False, 1.0, 10, "CARTONS"),
    "pollock": ("030475", "035", "3.60", "3.30", False, 1.0, 10, "CARTONS"),
    "cod": ("030471", "035", "6.80", "6.20", False, 1.0, 10, "CARTONS"),
    "shrimp": ("030617", "035", "8.80", "8.20", True, 1.0, 10, "CARTONS"),
    "clam": ("030772", "035", "2.40", "2.20", True, 1.0, 10, "CARTONS"),
    "tshirt": ("610910", "011", "4.60", "4.20", False, 0.2, 60, "CARTONS"),
    "trousers": ("620462", "015", "11.80", "10.60", False, 0.55, 40, "CARTONS"),
    "suit": ("620311", "026", "68.00", "61.00", False, 1.4, 10, "CARTONS"),
    "sweater": ("611020", "011", "9.60", "8.70", False, 0.45, 40, "CARTONS"),
    "baby": ("611120", "011", "3.80", "3.40", False, 0.12, 100, "CARTONS"),
    "shirt": ("620520", "011", "7.90", "7.10", False, 0.3, 50, "CARTONS"),
    # filed near the end of the demo, not approved (see PENDING_FILINGS)
    "excavator": ("842952", "001", "98000.00", "91000.00", False, 21000.0, 1, "UNPACKED"),
    "cucumber": ("030812", "035", "46.00", "42.00", True, 1.0, 10, "CARTONS"),
    "coat": ("620240", "011", "24.00", "21.50", False, 0.9, 20, "CARTONS"),
    # filed at the office's counter, held by the authority until synced (see syncs.py)
    "cylinder": ("841221", "001", "560.00", "505.00", False, 48.0, 1, "WOODEN CASES"),
    "kelp": ("121221", "035", "3.10", "2.80", True, 1.0, 20, "CARTONS"),
}
# key: English and Chinese names, process
_NAMES: dict[str, tuple[str, str, str]] = {
    "pump": (
        "CENTRIFUGAL WATER PUMPS, 7.5 KW",
        "离心水泵",
        "casting, machining, assembly, testing",
    ),
    "bearing": ("DEEP GROOVE BALL BEARINGS 6205-2RS", "深沟球轴承", "forging, turning, grinding"),
    "valve": ("HYDRAULIC DIRECTIONAL CONTROL VALVES", "液压换向阀", "machining, honing, assembly"),
    "gear": (
        "INDUSTRIAL HELICAL GEAR REDUCERS",
        "工业斜齿轮减速机",
        "gear cutting, grinding, assembly",
    ),
    "teeth": ("BUCKET TEETH FOR EXCAVATORS, CAST ALLOY STEEL", "挖掘机斗齿", "melting, casting"),
    "motor": (
        "THREE-PHASE ASYNCHRONOUS MOTORS, 11 KW",
        "三相异步电动机",
        "stamping, winding, assembly",
    ),
    "scallop": (
        "FROZEN SCALLOP MEAT (PATINOPECTEN YESSOENSIS)",
        "冻虾夷扇贝柱",
        "farming, freezing",
    ),
    "squid": ("FROZEN SQUID TUBES (DOSIDICUS GIGAS)", "冻鱿鱼筒", "thawing, cleaning, cutting"),
    "pollock": ("FROZEN ALASKA POLLOCK FILLETS, SKINLESS BONELESS", "冻狭鳕鱼片", "filleting"),
    "cod": ("FROZEN PACIFIC COD FILLETS", "冻太平洋鳕鱼片", "thawing, filleting, freezing"),
    "shrimp": (
        "FROZEN WHITELEG SHRIMPS (PENAEUS VANNAMEI), HEADLESS",
        "冻去头南美白对虾",
        "farming",
    ),
    "clam": ("FROZEN BOILED BABY CLAMS (RUDITAPES PHILIPPINARUM)", "冻熟蛤蜊", "farming, boiling"),
    "tshirt": (
        "MEN'S 100% COTTON KNITTED CREW-NECK T-SHIRTS",
        "男式全棉针织圆领T恤衫",
        "knitting, sewing",
    ),
    "trousers": ("WOMEN'S COTTON DENIM TROUSERS", "女式棉制牛仔长裤", "cutting, sewing, washing"),
    "suit": ("MEN'S WOOL SUITS, TWO-PIECE", "男式毛制西服套装", "cutting, sewing, pressing"),
    "sweater": (
        "WOMEN'S COTTON KNITTED PULLOVERS",
        "女式棉制针织套头衫",
        "knitting, linking, washing",
    ),
    "baby": ("BABIES' COTTON KNITTED ROMPERS", "婴儿棉制针织连体衣", "cutting, sewing, printing"),
    "shirt": ("MEN'S COTTON WOVEN LONG-SLEEVE SHIRTS", "男式棉制机织长袖衬衫", "cutting, sewing"),
    "excavator": ("HYDRAULIC CRAWLER EXCAVATORS, 21 T", "履带式液压挖掘机", "welding, assembly"),
    "cucumber": ("FROZEN SEA CUCUMBERS (APOSTICHOPUS JAPONICUS)", "冻刺参", "farming, boiling"),
    "coat": ("WOMEN'S POLYESTER PADDED COATS", "女式涤纶填充棉服", "cutting, quilting, sewing"),
    "cylinder": (
        "HYDRAULIC CYLINDERS, DOUBLE-ACTING, BORE 100 MM",
        "双作用液压油缸",
        "machining, honing, welding, assembly",
    ),
    "kelp": (
        "SALTED KELP (LAMINARIA JAPONICA), SHREDDED",
        "盐渍海带丝",
        "farming, blanching, salting, cutting",
    ),
}
# key: materials per unit of product
_MATERIALS: dict[str, str] = {
    "pump": "732599 CHN 120.00 + cast iron pump casing; 850152 DEU 210.00 - AC motor 7.5 kW; "
    "848210 JPN 35.00 - ball bearings; 848490 CHN 25.00 + mechanical seal",
    "bearing": "722830 CHN 1.80 + bearing steel bar; 401699 MYS 0.20 - rubber seal",
    "valve": "732599 CHN 38.00 + valve body casting; 848420 USA 12.00 - seal kit; "
    "731816 CHN 3.00 + fasteners",
    "gear": "722830 CHN 300.00 + alloy steel bar; 848210 SWE 160.00 - bearings; "
    "848340 DEU 210.00 - gear set",
    "teeth": "720429 CHN 9.00 + alloy steel scrap; 381600 CHN 1.50 + refractory",
    "motor": "722530 JPN 70.00 - silicon steel; 854411 CHN 65.00 + copper winding wire; "
    "848210 CHN 12.00 + bearings",
    "scallop": "030721 CHN 12.00 + farmed scallops",
    "squid": "030743 PER 1.90 - frozen whole squid",
    "pollock": "030367 RUS 1.70 - frozen whole Alaska pollock",
    "cod": "030363 NOR 3.10 - frozen whole cod",
    "shrimp": "030617 CHN 6.00 + farmed shrimps",
    "clam": "030771 CHN 1.50 + farmed clams",
    "tshirt": "520512 CHN 1.60 + combed cotton yarn; 320416 DEU 0.20 - reactive dyes",
    "trousers": "520942 CHN 4.20 + cotton denim fabric; 960711 JPN 0.35 - zip fastener",
    "suit": "511211 ITA 26.00 - wool woven fabric; 540752 CHN 2.50 + polyester lining",
    "sweater": "520522 CHN 3.40 + cotton yarn",
    "baby": "600622 CHN 1.30 + cotton knitted fabric",
    "shirt": "520812 CHN 2.80 + cotton poplin; 960621 CHN 0.10 + buttons",
    "excavator": "840820 JPN 14500.00 - diesel engine; 848120 CHN 6200.00 + hydraulic valves; "
    "730890 CHN 21000.00 + steel structure",
    "cucumber": "030811 CHN 30.00 + farmed sea cucumbers",
    "coat": "540752 CHN 5.20 + polyester shell fabric; 550320 KOR 1.10 - polyester wadding",
    "cylinder": "730431 CHN 95.00 + seamless steel tube; 848420 USA 18.00 - seal kit; "
    "722830 CHN 60.00 + chromed piston rod steel",
    "kelp": "121221 CHN 1.90 + farmed kelp",
}
# the sample enterprise's five products (coo_lab.samples.PRODUCTS) and how they are packed
_SAMPLE_PACKING = {
    "oven": (0, 6.5, 1, "CARTONS"),
    "tshirt_hx": (1, 0.2, 50, "CARTONS"),
    "shrimp_hx": (2, 1.0, 10, "CARTONS"),
    "bolt": (3, 0.05, 500, "CARTONS"),
    "plate": (4, 0.6, 24, "CARTONS"),
}


def _products() -> dict[str, ProductSpec]:
    out = {}
    for key, (index, net_kg, per_package, kind) in _SAMPLE_PACKING.items():
        hs, name_en, name_cn, unit, fob, exw, wo, materials, process = samples.PRODUCTS[index]
        out[key] = ProductSpec(
            hs,
            name_en,
            name_cn,
            unit,
            fob,
            exw,
            wo,
            tuple(materials),
            process,
            net_kg,
            per_package,
            kind,
        )
    for key, (hs, unit, fob, exw, wo, net_kg, per_package, kind) in _ROWS.items():
        name_en, name_cn, process = _NAMES[key]
        materials = _materials(_MATERIALS[key])
        out[key] = ProductSpec(
            hs, name_en, name_cn, unit, fob, exw, wo, materials, process, net_kg, per_package, kind
        )
    return out


PRODUCTS: dict[str, ProductSpec] = _products()
