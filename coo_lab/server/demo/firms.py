"""The demo's enterprises: the sample trading house, a machinery maker (automatic review), a
seafood processor, a garment maker in Shenyang, one that has not done user filing, and the
further enterprises large scales clone from the first four."""

from __future__ import annotations

from dataclasses import dataclass

from coo_lab import samples


@dataclass(frozen=True)
class FirmSpec:
    key: str  # login prefix
    code: str
    office: str
    place: str
    name_en: str
    name_cn: str
    address_en: str
    address_cn: str
    phone: str
    email: str
    customs_code: str
    signers: tuple[tuple[str, str, str], ...]  # name, status, registered on
    policy: str
    producers: tuple[tuple[str, str, str, str, str], ...]
    products: tuple[str, ...]
    types: dict[str, float]
    destinations: dict[str, tuple[tuple[str, float], ...]]
    prefix: str  # invoice numbers and shipping marks
    generic: str  # what a careless operator types as the description
    clauses: tuple[str, ...]
    fob_median: float
    share: float
    buyer: int = 0  # which importer of each country this firm sells to


def _d(*pairs: tuple[str, float]) -> tuple[tuple[str, float], ...]:
    return pairs


HAIXING = FirmSpec(
    key="haixing",
    code=samples.ENTERPRISE_CODE,
    office=samples.CCPIT_CODE,
    place="DALIAN, CHINA",
    name_en=samples.ENTERPRISE.name_en,
    name_cn=samples.ENTERPRISE.name_cn,
    address_en=samples.EXPORTER.address_en,
    address_cn=samples.EXPORTER.address_cn,
    phone=samples.EXPORTER.phone or "",
    email=samples.EXPORTER.email or "",
    customs_code="2102931187",
    signers=tuple(
        (h.name, h.status.value, str(h.registered_on)) for h in samples.ENTERPRISE.hand_signers
    ),
    policy="manual",
    producers=(
        (
            samples.PRODUCER.code,
            samples.PRODUCER.name_en,
            samples.PRODUCER.name_cn,
            samples.PRODUCER.address_en,
            samples.PRODUCER.address_cn,
        ),
        (
            "2020011",
            "DALIAN JINSHI CERAMICS CO., LTD.",
            "大连金石陶瓷有限公司",
            "NO. 17 SHIHE ROAD, JINPU NEW AREA, DALIAN, CHINA",
            "辽宁省大连市金普新区石河路17号",
        ),
    ),
    products=("oven", "tshirt_hx", "shrimp_hx", "bolt", "plate"),
    types={
        "C": 52,
        "K": 9,
        "E": 8,
        "A": 6,
        "HM": 5,
        "B": 3,
        "N": 3,
        "H": 3,
        "X": 2,
        "R": 2,
        "S": 2,
        "L": 1.5,
        "I": 1.5,
        "GE": 1.5,
        "F": 1.5,
    },
    destinations={
        "C": _d(
            ("USA", 50), ("KOR", 12), ("AUS", 10), ("VNM", 8), ("HKG", 8), ("SGP", 6), ("CHE", 6)
        ),
        "B": _d(("IND", 100)),
        "E": _d(("VNM", 70), ("SGP", 30)),
    },
    prefix="HX",
    generic="GOODS",
    clauses=(
        "THIRD-PARTY INVOICING: INVOICE ISSUED BY HAIXING INTERNATIONAL (HONG KONG) LIMITED, "
        "HONG KONG",
        "THE GOODS ARE PACKED IN CARTONS MARKED WITH THE CONSIGNEE'S ORDER NUMBER",
    ),
    fob_median=14_000,
    share=1.2,
)

RONGHUA = FirmSpec(
    key="ronghua",
    code="210200415",
    office="210200",
    place="DALIAN, CHINA",
    name_en="DALIAN RONGHUA HEAVY MACHINERY CO., LTD.",
    name_cn="大连荣华重型机械有限公司",
    address_en="NO. 66 HUIHAI ROAD, DALIAN ECONOMIC AND TECHNOLOGICAL DEVELOPMENT ZONE, DALIAN, "
    "CHINA",
    address_cn="辽宁省大连经济技术开发区辉海路66号",
    phone="+86-411-87581234",
    email="export@ronghua-machinery.example.cn",
    customs_code="2102960415",
    signers=(
        ("赵刚", "active", "2017-04-11"),
        ("孙丽", "active", "2021-09-06"),
        ("周强", "cancelled", "2015-03-18"),
    ),
    policy="automatic",
    producers=(
        (
            "RH001",
            "DALIAN RONGHUA HEAVY MACHINERY CO., LTD.",
            "大连荣华重型机械有限公司",
            "NO. 66 HUIHAI ROAD, DALIAN, CHINA",
            "辽宁省大连经济技术开发区辉海路66号",
        ),
        (
            "RH002",
            "WAFANGDIAN XINGDA BEARING CO., LTD.",
            "瓦房店兴达轴承有限公司",
            "NO. 5 BEIGONG STREET, WAFANGDIAN, DALIAN, CHINA",
            "辽宁省瓦房店市北共街5号",
        ),
    ),
    products=("pump", "bearing", "valve", "gear", "teeth", "motor"),
    types={
        "C": 58,
        "E": 11,
        "K": 9,
        "B": 6,
        "A": 4,
        "HM": 2,
        "R": 2,
        "F": 2,
        "GE": 2,
        "S": 2,
        "L": 2,
    },
    destinations={
        "C": _d(
            ("USA", 22),
            ("DEU", 18),
            ("JPN", 14),
            ("RUS", 14),
            ("KOR", 9),
            ("VNM", 7),
            ("IND", 6),
            ("AUS", 5),
            ("IDN", 5),
        ),
        "E": _d(("VNM", 55), ("IDN", 45)),
        "B": _d(("IND", 100)),
    },
    prefix="RH",
    generic="SPARE PARTS",
    clauses=(
        "L/C NO. AND DATE TO BE SHOWN ON THE CERTIFICATE AS REQUIRED BY THE CREDIT",
        "THE GOODS ARE TRANSSHIPPED IN BUSAN, KOREA WITHOUT FURTHER PROCESSING",
    ),
    fob_median=38_000,
    share=1.0,
    buyer=1,
)

LANWAN = FirmSpec(
    key="lanwan",
    code="210200563",
    office="210200",
    place="DALIAN, CHINA",
    name_en="DALIAN BLUE BAY SEAFOOD CO., LTD.",
    name_cn="大连蓝湾水产食品有限公司",
    address_en="NO. 18 BINHAI ROAD, ZHUANGHE, DALIAN, CHINA",
    address_cn="辽宁省大连市庄河市滨海路18号",
    phone="+86-411-89712288",
    email="sales@bluebay-seafood.example.cn",
    customs_code="2102940563",
    signers=(
        ("刘海", "active", "2018-06-01"),
        ("王晓燕", "active", "2022-02-14"),
        ("马骏", "cancelled", "2016-08-30"),
    ),
    policy="manual",
    producers=(
        (
            "BB01",
            "DALIAN BLUE BAY SEAFOOD CO., LTD. (PLANT NO. 2100/02563)",
            "大连蓝湾水产食品有限公司",
            "NO. 18 BINHAI ROAD, ZHUANGHE, DALIAN, CHINA",
            "辽宁省大连市庄河市滨海路18号",
        ),
        (
            "BB02",
            "ZHUANGHE HAIFENG AQUATIC PRODUCTS CO., LTD.",
            "庄河海丰水产品有限公司",
            "HEISHAN TOWN, ZHUANGHE, DALIAN, CHINA",
            "辽宁省庄河市黑岛镇",
        ),
    ),
    products=("scallop", "squid", "pollock", "cod", "shrimp", "clam"),
    types={"C": 62, "K": 10, "E": 8, "HM": 6, "A": 5, "B": 3, "X": 2, "N": 2, "S": 1, "I": 1},
    destinations={
        "C": _d(
            ("JPN", 30),
            ("USA", 18),
            ("ESP", 10),
            ("NLD", 10),
            ("DEU", 10),
            ("KOR", 10),
            ("THA", 6),
            ("AUS", 6),
        ),
        "E": _d(("THA", 45), ("VNM", 35), ("SGP", 20)),
        "HM": _d(("HKG", 80), ("MAC", 20)),
        "B": _d(("KOR", 100)),
    },
    prefix="BB",
    generic="FOOD",
    clauses=(
        "THE GOODS WERE PROCESSED IN AN EU-APPROVED ESTABLISHMENT, PLANT NO. 2100/02563",
        "KEEP FROZEN AT -18 DEGREES CELSIUS OR BELOW",
    ),
    fob_median=30_000,
    share=1.0,
    buyer=2,
)

HUAMEI = FirmSpec(
    key="huamei",
    code="210100356",
    office="210100",
    place="SHENYANG, CHINA",
    name_en="SHENYANG HUAMEI GARMENTS CO., LTD.",
    name_cn="沈阳华美服装有限公司",
    address_en="NO. 135 BEIHAI STREET, DADONG DISTRICT, SHENYANG, CHINA",
    address_cn="辽宁省沈阳市大东区北海街135号",
    phone="+86-24-88216677",
    email="export@huamei-garments.example.cn",
    customs_code="2101930356",
    signers=(("杨帆", "active", "2019-11-20"), ("吴敏", "active", "2023-03-08")),
    policy="manual",
    producers=(
        (
            "HMG01",
            "SHENYANG HUAMEI GARMENTS CO., LTD.",
            "沈阳华美服装有限公司",
            "NO. 135 BEIHAI STREET, SHENYANG, CHINA",
            "辽宁省沈阳市大东区北海街135号",
        ),
        (
            "HMG02",
            "TIELING MEIYA KNITTING CO., LTD.",
            "铁岭美雅针织有限公司",
            "NO. 3 GONGYE ROAD, TIELING, LIAONING, CHINA",
            "辽宁省铁岭市工业路3号",
        ),
    ),
    products=("tshirt", "trousers", "suit", "sweater", "baby", "shirt"),
    types={"C": 60, "K": 8, "E": 8, "A": 6, "HM": 6, "H": 4, "S": 3, "I": 2, "N": 2, "B": 1},
    destinations={
        "C": _d(
            ("JPN", 28),
            ("USA", 24),
            ("GBR", 12),
            ("DEU", 10),
            ("ITA", 8),
            ("FRA", 6),
            ("KOR", 6),
            ("AUS", 6),
        ),
        "E": _d(("MYS", 60), ("PHL", 40)),
        "B": _d(("KOR", 100)),
    },
    prefix="HMG",
    generic="GARMENTS",
    clauses=("THIRD-PARTY INVOICING: INVOICE ISSUED BY PEARL FASHION (HK) LTD., HONG KONG",),
    fob_median=18_000,
    share=0.8,
    buyer=3,
)

XINGHAI = FirmSpec(
    key="xinghai",
    code="210200692",
    office="210200",
    place="DALIAN, CHINA",
    name_en="DALIAN XINGHAI ELECTRONICS CO., LTD.",
    name_cn="大连星海电子有限公司",
    address_en="NO. 7 HUANGPU ROAD, HIGH-TECH ZONE, DALIAN, CHINA",
    address_cn="辽宁省大连市高新园区黄浦路7号",
    phone="+86-411-84790001",
    email="trade@xinghai-electronics.example.cn",
    customs_code="2102960692",
    signers=(("郑华", "active", "2024-05-06"),),
    policy="manual",
    producers=(),
    products=(),
    types={},
    destinations={},
    prefix="XH",
    generic="GOODS",
    clauses=(),
    fob_median=0,
    share=0,
)
NAMED_FIRMS = (HAIXING, RONGHUA, LANWAN, HUAMEI)
"""The enterprises with certificates; XINGHAI is registered but has not done user filing."""

_CITIES = {
    "210200": (
        ("DALIAN", "大连"),
        ("WAFANGDIAN", "瓦房店"),
        ("ZHUANGHE", "庄河"),
        ("PULANDIAN", "普兰店"),
        ("JINZHOU", "金州"),
    ),
    "210100": (("SHENYANG", "沈阳"), ("FUSHUN", "抚顺"), ("TIELING", "铁岭"), ("XINMIN", "新民")),
}
_WORDS = (
    ("JINHAI", "金海"),
    ("HONGXING", "红星"),
    ("TIANYUAN", "天元"),
    ("DONGFANG", "东方"),
    ("HUATAI", "华泰"),
    ("YONGSHENG", "永盛"),
    ("BOHAI", "渤海"),
    ("JINDA", "金达"),
    ("RUIFENG", "瑞丰"),
    ("XINGLONG", "兴隆"),
    ("HENGTONG", "恒通"),
    ("CHANGJIANG", "长江"),
    ("SHENGDA", "盛达"),
    ("HUAXIA", "华夏"),
    ("LIAOHE", "辽河"),
)
_KINDS = {
    "ronghua": ("MACHINERY CO., LTD.", "机械有限公司"),
    "lanwan": ("FOODS CO., LTD.", "食品有限公司"),
    "huamei": ("GARMENT CO., LTD.", "服饰有限公司"),
    "haixing": ("IMPORT & EXPORT CO., LTD.", "进出口有限公司"),
}
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明")


def extra_firm(n: int, archetype: FirmSpec) -> FirmSpec:
    """A further enterprise for large scales, cloned from one of the four archetypes."""
    office = "210200" if n % 3 else "210100"
    city, city_cn = _CITIES[office][n % len(_CITIES[office])]
    word, word_cn = _WORDS[n % len(_WORDS)]
    kind, kind_cn = _KINDS[archetype.key]
    signer = _SURNAMES[n % len(_SURNAMES)] + _GIVEN[(n * 7) % len(_GIVEN)]
    name_en = f"{city} {word} {kind}"
    producers = ((f"P{n:03d}", name_en, f"{city_cn}{word_cn}{kind_cn}", f"{city}, CHINA", ""),)
    return FirmSpec(
        key=f"firm{n:02d}",
        code=f"{office}{700 + n:03d}",
        office=office,
        place=f"{'DALIAN' if office == '210200' else 'SHENYANG'}, CHINA",
        name_en=name_en,
        name_cn=f"{city_cn}{word_cn}{kind_cn}",
        address_en=f"NO. {10 + n} INDUSTRIAL ROAD, {city}, LIAONING, CHINA",
        address_cn=f"辽宁省{city_cn}市工业路{10 + n}号",
        phone=f"+86-411-8{n:07d}",
        email=f"export{n:02d}@firm{n:02d}.example.cn",
        customs_code=f"{office[:4]}96{700 + n:04d}",
        signers=((signer, "active", "2020-01-06"),),
        policy="automatic" if n % 4 == 0 else "manual",
        producers=producers,
        products=archetype.products,
        types=archetype.types,
        destinations=archetype.destinations,
        prefix=f"F{n:02d}",
        generic=archetype.generic,
        clauses=archetype.clauses[:1],
        fob_median=archetype.fob_median,
        share=1.0,
        buyer=n,
    )
