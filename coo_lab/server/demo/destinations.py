"""Where the goods go: importers by country, ports and transshipment, vessels and flights,
and the partner countries of the preferential agreements."""

from __future__ import annotations

from coo_lab.domain.agreements import CERTIFICATE_TYPES, agreement

# Importers by country: (name, Chinese name, port of discharge, address). The sample
# enterprise uses the consignees of ``coo_lab.samples.DESTINATIONS`` first.
IMPORTERS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "USA": (
        (
            "PACIFIC HOME GOODS INC.",
            "太平洋家居用品公司",
            "USLAX",
            "1200 HARBOR BLVD, LONG BEACH, CA",
        ),
        (
            "GREAT LAKES INDUSTRIAL SUPPLY LLC",
            "大湖工业供应公司",
            "USNYC",
            "45 COMMERCE ST, NEWARK, NJ",
        ),
        ("ATLANTIC OCEAN FOODS INC.", "大西洋海洋食品公司", "USNYC", "88 FISH PIER RD, BOSTON, MA"),
        ("SUNRISE APPAREL GROUP INC.", "日升服饰集团", "USLGB", "600 FASHION AVE, LOS ANGELES, CA"),
    ),
    "DEU": (
        ("HANSEATIC HANDELS GMBH", "汉萨贸易有限公司", "DEHAM", "GROSSE ELBSTRASSE 14, HAMBURG"),
        ("RHEIN MASCHINENBAU GMBH", "莱茵机械制造有限公司", "DEHAM", "INDUSTRIESTR. 9, DUISBURG"),
        ("NORDSEE FEINKOST GMBH", "北海精品食品有限公司", "DEHAM", "AM FISCHMARKT 3, BREMERHAVEN"),
        ("BERLIN MODE VERTRIEB GMBH", "柏林时装销售有限公司", "DEHAM", "KANTSTR. 120, BERLIN"),
    ),
    "JPN": (
        (
            "TOKYO KIKAI SHOJI CO., LTD.",
            "东京机械商事株式会社",
            "JPTYO",
            "2-3-1 SHIBAURA, MINATO-KU, TOKYO",
        ),
        ("HOKKAI SUISAN CO., LTD.", "北海水产株式会社", "JPYOK", "5-1 SHINKO, NAKA-KU, YOKOHAMA"),
        (
            "OSAKA APPAREL TRADING CO., LTD.",
            "大阪服饰贸易株式会社",
            "JPOSA",
            "1-8 HONMACHI, CHUO-KU, OSAKA",
        ),
    ),
    "GBR": (
        ("BRITANNIA CLOTHING LTD.", "不列颠服饰有限公司", "GBFXT", "14 DOCK ROAD, FELIXSTOWE"),
        ("THAMES HOUSEWARES LTD.", "泰晤士家居用品有限公司", "GBFXT", "2 RIVERSIDE WAY, LONDON"),
    ),
    "ITA": (("MILANO MODA S.P.A.", "米兰时尚股份公司", "ITGOA", "VIA TORINO 21, MILANO"),),
    "FRA": (
        (
            "PARIS TEXTILE DISTRIBUTION SARL",
            "巴黎纺织品分销公司",
            "FRLEH",
            "12 RUE DU PORT, LE HAVRE",
        ),
    ),
    "ESP": (
        (
            "PESCADOS DEL MEDITERRANEO S.L.",
            "地中海海产有限公司",
            "ESVLC",
            "AVDA. DEL PUERTO 7, VALENCIA",
        ),
    ),
    "NLD": (
        (
            "ROTTERDAM SEAFOOD TRADING B.V.",
            "鹿特丹海产贸易公司",
            "NLRTM",
            "WAALHAVEN 22, ROTTERDAM",
        ),
    ),
    "RUS": (
        (
            "PRIMORYE MACHINERY LLC",
            "滨海机械有限责任公司",
            "RUVVO",
            "ULITSA ALEUTSKAYA 15, VLADIVOSTOK",
        ),
    ),
    "KOR": (
        (
            "BUSAN ELECTRONICS CO., LTD.",
            "釜山电子株式会社",
            "KRPUS",
            "12 JUNGANG-DAERO, JUNG-GU, BUSAN",
        ),
        (
            "HANIL INDUSTRIAL CO., LTD.",
            "韩一产业株式会社",
            "KRINC",
            "88 SEOHAE-DAERO, JUNG-GU, INCHEON",
        ),
        ("DONGHAE FISHERIES CO., LTD.", "东海水产株式会社", "KRPUS", "3 CHUNGJANG-DAERO, BUSAN"),
        (
            "SEOUL FASHION CO., LTD.",
            "首尔时装株式会社",
            "KRINC",
            "201 TEHERAN-RO, GANGNAM-GU, SEOUL",
        ),
    ),
    "IND": (
        ("MUMBAI APPLIANCES PVT. LTD.", "孟买电器有限公司", "INNSA", "PLOT 4, MIDC, NAVI MUMBAI"),
        ("DECCAN ENGINEERING PVT. LTD.", "德干工程有限公司", "INMAA", "45 MOUNT ROAD, CHENNAI"),
    ),
    "NZL": (
        ("AUCKLAND KITCHEN SUPPLIES LTD.", "奥克兰厨具有限公司", "NZAKL", "18 QUAY ST, AUCKLAND"),
        ("KIWI FRESH IMPORTS LTD.", "新西兰鲜品进口有限公司", "NZAKL", "5 TAMAKI DRIVE, AUCKLAND"),
    ),
    "SGP": (
        ("LION CITY TRADING PTE. LTD.", "狮城贸易有限公司", "SGSIN", "10 ANSON ROAD, SINGAPORE"),
        ("STRAITS SEAFOOD PTE. LTD.", "海峡海产有限公司", "SGSIN", "2 FISHERY PORT RD, SINGAPORE"),
    ),
    "PER": (
        ("LIMA IMPORTACIONES S.A.C.", "利马进口公司", "PECLL", "AV. ARGENTINA 2833, CALLAO"),
        ("ANDES MAQUINARIAS S.A.", "安第斯机械公司", "PECLL", "AV. COLONIAL 1440, LIMA"),
    ),
    "TWN": (
        (
            "KAOHSIUNG HOME APPLIANCE CO., LTD.",
            "高雄家电股份有限公司",
            "TWKHH",
            "NO. 6 ZHONGSHAN 2ND RD, KAOHSIUNG",
        ),
        (
            "TAIPEI GARMENT TRADING CO., LTD.",
            "台北成衣贸易股份有限公司",
            "TWKEL",
            "NO. 99 NANJING E RD, TAIPEI",
        ),
    ),
    "CRI": (
        ("SAN JOSE DISTRIBUIDORA S.A.", "圣何塞分销公司", "CRCAL", "AVENIDA 2, SAN JOSE"),
        ("MAQUINARIA CENTROAMERICANA S.A.", "中美洲机械公司", "CRCAL", "ZONA FRANCA, HEREDIA"),
    ),
    "HKG": (
        (
            "HONG KONG GOLDEN HARBOUR LTD.",
            "香港金港有限公司",
            "HKHKG",
            "88 CONNAUGHT RD CENTRAL, HONG KONG",
        ),
        (
            "VICTORIA ENGINEERING SUPPLIES LTD.",
            "维多利亚工程供应有限公司",
            "HKHKG",
            "9 KWAI FUNG CRESCENT, KWAI CHUNG",
        ),
        ("KOWLOON SEAFOOD CO., LTD.", "九龙海产有限公司", "HKHKG", "23 CANTON RD, KOWLOON"),
        (
            "PEARL FASHION (HK) LTD.",
            "明珠时装（香港）有限公司",
            "HKHKG",
            "18 HING YIP ST, KWUN TONG",
        ),
    ),
    "MAC": (
        ("MACAU OCEAN TRADING CO., LTD.", "澳门海洋贸易有限公司", "MOMFM", "RUA DO PORTO 8, MACAU"),
    ),
    "ISL": (
        ("REYKJAVIK HEIMILI EHF.", "雷克雅未克家居公司", "ISGUF", "SUNDAGARDAR 2, REYKJAVIK"),
        ("NORDUR FASHION EHF.", "北方时装公司", "ISGUF", "LAUGAVEGUR 40, REYKJAVIK"),
    ),
    "CHE": (
        ("BASEL HAUSHALT AG", "巴塞尔家居股份公司", "CHBSL", "HAFENSTRASSE 25, BASEL"),
        ("ZURICH TECHNIK AG", "苏黎世技术股份公司", "CHBSL", "INDUSTRIESTRASSE 8, ZURICH"),
        ("ALPEN FEINKOST AG", "阿尔卑斯精品食品股份公司", "CHBSL", "MARKTGASSE 4, BERN"),
    ),
    "AUS": (
        ("SYDNEY HOMEWARES PTY LTD", "悉尼家居用品有限公司", "AUSYD", "40 PORT BOTANY RD, SYDNEY"),
        (
            "MELBOURNE MINING SUPPLIES PTY LTD",
            "墨尔本矿业供应有限公司",
            "AUMEL",
            "12 WHARF RD, MELBOURNE",
        ),
        ("SOUTHERN SEAS SEAFOOD PTY LTD", "南海海产有限公司", "AUSYD", "7 FISH MARKET RD, SYDNEY"),
        ("AUSSIE APPAREL PTY LTD", "澳洲服饰有限公司", "AUMEL", "230 FLINDERS ST, MELBOURNE"),
    ),
    "VNM": (
        ("HAI PHONG IMPORT EXPORT JSC", "海防进出口股份公司", "VNHPH", "8 DINH VU, HAI PHONG"),
        (
            "SAIGON MACHINERY JSC",
            "西贡机械股份公司",
            "VNSGN",
            "120 NGUYEN TAT THANH, HO CHI MINH CITY",
        ),
        ("MEKONG SEAFOOD JSC", "湄公河海产股份公司", "VNSGN", "15 TON DUC THANG, HO CHI MINH CITY"),
    ),
    "THA": (
        (
            "SIAM OCEAN FOODS CO., LTD.",
            "暹罗海洋食品有限公司",
            "THLCH",
            "99 SUKHUMVIT RD, CHONBURI",
        ),
    ),
    "MYS": (
        ("KLANG TEXTILE SDN. BHD.", "巴生纺织有限公司", "MYPKG", "JALAN PELABUHAN 5, PORT KLANG"),
    ),
    "IDN": (
        (
            "NUSANTARA TEKNIK PT",
            "努山塔拉技术公司",
            "IDTPP",
            "JL. ENGGANO 12, TANJUNG PRIOK, JAKARTA",
        ),
    ),
    "PHL": (("MANILA GARMENTS CORP.", "马尼拉服装公司", "PHMNL", "PIER 4, NORTH HARBOR, MANILA"),),
    "GEO": (
        ("POTI TRADING LLC", "波季贸易有限公司", "GEPTI", "1 AKAKI TSERETELI ST, POTI"),
        ("KARTLI MACHINERY LLC", "卡特利机械有限公司", "GEPTI", "45 TSERETELI AVE, TBILISI"),
    ),
    "CHL": (
        (
            "VALPARAISO COMERCIAL LTDA.",
            "瓦尔帕莱索商贸有限公司",
            "CLVAP",
            "AV. ERRAZURIZ 1000, VALPARAISO",
        ),
        (
            "MINERA SUR EQUIPOS LTDA.",
            "南方矿业设备公司",
            "CLSAI",
            "AV. BARROS LUCO 2000, SAN ANTONIO",
        ),
    ),
}
TRANSSHIP = {
    "PER": "KRPUS",
    "CHL": "KRPUS",
    "CRI": "KRPUS",
    "GEO": "TRIST",
    "ISL": "NLRTM",
    "CHE": "NLRTM",
}
EUROPE = {"DEU", "GBR", "ITA", "FRA", "ESP", "NLD", "CHE", "ISL"}
VESSELS = {
    "near": ("SITC HAKATA", "PANCON VICTORY", "KMTC SHANGHAI", "DONGJIN VOYAGER", "SINOKOR AKITA"),
    "asia": ("COSCO HARMONY", "SITC MOJI", "WAN HAI 313", "OOCL TOKYO", "YM INCEPTION"),
    "far": ("COSCO SHIPPING ARIES", "CMA CGM TITAN", "MSC ANNA", "MAERSK EMDEN", "ONE MINATO"),
}
NEAR = {"KOR", "JPN", "RUS"}
ASIA = {"HKG", "MAC", "TWN", "VNM", "THA", "MYS", "IDN", "PHL", "SGP"}
FLIGHTS = {"KOR": "KE806", "JPN": "NH928", "HKG": "CX2047"}

# the partner of each preferential type when a firm's spec names none
PARTNER = {
    "N": "NZL",
    "X": "SGP",
    "R": "PER",
    "H": "TWN",
    "L": "CRI",
    "HM": "HKG",
    "I": "ISL",
    "S": "CHE",
    "A": "AUS",
    "K": "KOR",
    "E": "VNM",
    "GE": "GEO",
    "F": "CHL",
    "B": "IND",
}
PARTNER_COUNTRIES = frozenset(
    iso3 for t in CERTIFICATE_TYPES if t != "C" for iso3 in agreement(t).partners
)
"""Destinations where some agreement gives a preference (a general CO there may be a missed
preference)."""
