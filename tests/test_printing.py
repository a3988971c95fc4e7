"""Self-print (SPEC §7): a certificate rendered to PDF in its form's box layout, read back.

Each PDF is read back with pypdf — every line of text with its position — and each box of
the form is checked to hold the right value: the general CO's 12 boxes, and the boxes of
Form E, the China–Korea form and the ECFA form (filled in Chinese). Also: continuation
sheets when the goods do not fit, the draft watermark, retroactive marks, the replacement
note of an amend-reissue, an attached sheet for a box that overflows, the QR code (decoded
from a pdftoppm rendering), every form's data, and the missing-font error.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

import pytest
import segno
from pdf_boxes import box, flat, pages, png, text, within
from PIL import Image

from coo_lab import samples
from coo_lab.domain.agreements import CERTIFICATE_TYPES
from coo_lab.domain.certificate import Certificate
from coo_lab.domain.parties import Exporter, Importer, SpecialClause
from coo_lab.errors import ServiceUnavailable
from coo_lab.printing import fonts, preview, render
from coo_lab.printing.content import fmt_date
from coo_lab.printing.fonts import GlyphStore
from coo_lab.printing.forms import form, forms, problems
from coo_lab.printing.render import STRIP

TODAY = date(2026, 5, 30)
URL = "https://coo.example.cn/verify/{number}?code=K7Q2M9XD"
ISSUER = "CCPIT DALIAN"


def issued(cert_type: str, lines: int = 3, **change) -> Certificate:
    """A sample certificate as the authority approved it: number, signing place and date."""
    cert = samples.certificate(cert_type, today=TODAY, lines=lines)
    number = f"26{cert_type}{samples.ENTERPRISE_CODE}/00007"
    return cert.model_copy(
        update={
            "certificate_number": number,
            "status": "approved",
            "signing_place": "DALIAN, CHINA",
            "signing_date": TODAY,
            **change,
        }
    )


@cache
def printed(cert_type: str, lines: int = 3) -> tuple[Certificate, bytes]:
    cert = issued(cert_type, lines)
    url = URL.format(number=cert.certificate_number)
    return cert, render(cert, verification_url=url, issuer=ISSUER)


def goods_band(cert_type: str):
    return form(cert_type).goods


# --------------------------------------------------------------------------- the forms' data


def test_every_form_s_data_is_consistent() -> None:
    assert [f.code for f in forms()] == list(CERTIFICATE_TYPES)
    for f in forms():
        assert problems(f) == [], f.code
        assert {"declaration", "certification"} <= {b.content for b in f.boxes}
        assert any("description" in c.show for c in f.columns)
        assert any("invoice" in c.show for c in f.columns)
        numbers = sorted(int(n) for n in [b.no for b in f.boxes] + [c.no for c in f.columns])
        assert numbers == list(range(1, len(numbers) + 1)), (f.code, numbers)
    assert len(form("C").boxes) + len(form("C").columns) == 12  # DOMAIN.md §7


def test_a_form_whose_data_is_wrong_is_reported() -> None:
    broken = form("C")
    from dataclasses import replace

    moved = replace(broken, boxes=(*broken.boxes[:-1], replace(broken.boxes[0], no="12")))
    found = problems(moved)
    assert any("overlaps" in p for p in found)
    narrow = replace(broken, columns=broken.columns[:-1])
    assert any("columns are 162.0 mm wide" in p for p in problems(narrow))


# --------------------------------------------------------------------------- the general CO


def test_the_general_co_holds_every_value_in_its_box() -> None:
    cert, pdf = printed("C")
    f = form("C")
    (page,) = pages(pdf)
    exporter, importer = cert.exporter, cert.importer
    assert box(page, f, "1") == f"{exporter.name_en}\n{exporter.address_en}"
    assert box(page, f, "2") == f"{importer.name_en}\n{importer.address_en}\nUSA"
    assert box(page, f, "3") == "FROM DALIAN, CHINA TO LOS ANGELES, USA BY SEA"
    assert box(page, f, "4") == "USA"
    assert box(page, f, "5") == ""  # nothing to note: left to the authority
    marks = box(page, f, "6").split("\n")
    assert marks == [m for g in cert.goods for m in g.marks.split("\n")]
    described = flat(box(page, f, "7"))
    for g in cert.goods:
        assert f"{g.packages} CARTONS OF {g.description}" in described
    assert described.count("***") == len(cert.goods)
    assert box(page, f, "8").split("\n") == [g.hs_code for g in cert.goods]
    assert box(page, f, "9").split("\n") == [
        "100 SETS", "G.W. 180 KGS", "200 PCS", "G.W. 360 KGS", "300 KGS", "G.W. 540 KGS",
    ]  # fmt: skip
    assert box(page, f, "10") == f"{cert.invoice_number}\n{fmt_date(cert.invoice_date)}"
    declaration = box(page, f, "11")
    assert "all the goods were produced in China" in flat(declaration)
    assert f"DALIAN, CHINA  {fmt_date(cert.application_date)}\n王丹" in declaration
    assert "Place and date, signature of authorised signatory" in declaration
    certification = box(page, f, "12")
    assert "the declaration by the exporter is correct" in flat(certification)
    assert f"DALIAN, CHINA  {fmt_date(TODAY)}\n{ISSUER}" in certification
    header = within(page, f.header)
    assert f"Certificate No.\n{cert.certificate_number}" in header
    assert "CERTIFICATE OF ORIGIN OF THE PEOPLE'S REPUBLIC OF CHINA" in flat(header)
    assert URL.format(number=cert.certificate_number) in header.replace("\n", "")
    assert "Page 1 of 1" in header


def test_the_pdf_is_a_valid_document_with_the_font_embedded(tmp_path) -> None:
    """pdftoppm renders it; the QR code in the picture decodes to the verification URL
    (each module sampled and compared with the code segno makes of that URL)."""
    cert, pdf = printed("C")
    assert pdf.startswith(b"%PDF-") and b"/FontFile2" in pdf  # the TrueType font is embedded
    dpi = 200
    picture = Image.open(png(pdf, tmp_path, dpi=dpi)).convert("L")
    assert abs(picture.size[0] - 210 / 25.4 * dpi) <= 1  # A4
    assert abs(picture.size[1] - 297 / 25.4 * dpi) <= 1
    header = form("C").header
    size = min(22.0, header.h * 0.45)
    x0, y0 = header.right - 1.2 - size, header.bottom - 1.2 - size
    matrix = segno.make(URL.format(number=cert.certificate_number), error="m").matrix
    unit = size / (len(matrix) + 8)
    px = dpi / 25.4
    seen = [
        [
            picture.getpixel(
                (round((x0 + (c + 4.5) * unit) * px), round((y0 + (r + 4.5) * unit) * px))
            )
            < 128
            for c in range(len(matrix))
        ]
        for r in range(len(matrix))
    ]
    assert seen == [[bool(v) for v in row] for row in matrix]


# --------------------------------------------------------------------------- preferential forms


def test_form_e_holds_its_boxes_with_fob_hs_and_criteria() -> None:
    cert, pdf = printed("E")
    f = form("E")
    (page,) = pages(pdf)
    assert box(page, f, "1").startswith(cert.exporter.name_en)
    assert box(page, f, "2").split("\n")[-1] == "VIETNAM"
    transport = box(page, f, "3")
    assert f"DEPARTURE DATE: {fmt_date(cert.shipment_date)}" in transport
    assert "VESSEL/FLIGHT/TRAIN/VEHICLE NO.: COSCO HARMONY V.026E" in transport
    assert "PORT OF DISCHARGE: HAIPHONG, VIETNAM" in transport
    assert box(page, f, "5").split("\n") == ["1", "2", "3"]
    described = flat(box(page, f, "7"))
    for g in cert.goods:
        assert f"{g.description} HS: {g.hs_code[:6]}" in described
    assert box(page, f, "8").split("\n") == [g.origin_criterion for g in cert.goods]
    column9 = box(page, f, "9")
    for g in cert.goods:
        assert f"FOB USD {g.fob_usd:,.2f}" in column9
    assert box(page, f, "10") == f"{cert.invoice_number}\n{fmt_date(cert.invoice_date)}"
    assert "Rules of Origin for the ACFTA for the products exported to VIETNAM" in flat(
        box(page, f, "11")
    )
    ticks = box(page, f, "13")
    assert "X" not in ticks.split("\n")  # shipped after the application: nothing ticked
    assert "Issued Retroactively" in flat(ticks)


def test_the_korea_form_prints_producer_remarks_and_criteria() -> None:
    cert = issued(
        "K",
        remarks="L/C NO. LC-2026-0042",
        special_clauses=[SpecialClause(code="TPI01", text="INVOICED BY HX TRADING (HK) LTD.")],
    )
    pdf = render(cert, verification_url=URL.format(number=cert.certificate_number))
    f = form("K")
    (page,) = pages(pdf)
    assert box(page, f, "2") == f"{cert.producer.name_en}\n{cert.producer.address_en}"
    assert box(page, f, "3").endswith("\nKOREA")
    assert box(page, f, "5") == "INVOICED BY HX TRADING (HK) LTD.\nL/C NO. LC-2026-0042"
    assert box(page, f, "6").split("\n") == ["1", "2", "3"]
    assert box(page, f, "9").split("\n") == [g.hs_code[:6] for g in cert.goods]
    assert box(page, f, "10").split("\n") == [g.origin_criterion for g in cert.goods]
    assert "China–Korea FTA for the goods exported to KOREA" in flat(box(page, f, "13"))
    assert "CERTIFICATE OF ORIGIN Form for China-Korea Free Trade Agreement" in flat(
        within(page, f.header)
    )


def test_the_ecfa_form_is_filled_in_chinese() -> None:
    exporter = samples.EXPORTER
    importer = Importer(
        code="TW001",
        name_en="KAOHSIUNG HOME APPLIANCE CO., LTD.",
        name_cn="高雄家電股份有限公司",
        address_cn="高雄市前鎮區中華五路789號",
        country="TWN",
    )
    cert = issued("H", importer=importer)
    pdf = render(cert, verification_url=URL.format(number=cert.certificate_number))
    f = form("H")
    (page,) = pages(pdf)
    assert box(page, f, "1") == f"{exporter.name_cn}\n{exporter.address_cn}\n中国"
    assert box(page, f, "3") == "高雄家電股份有限公司\n高雄市前鎮區中華五路789號\n台澎金马关税区"
    transport = box(page, f, "4")
    assert f"离港日期：{fmt_date(cert.shipment_date, 'zh')}" in transport
    assert "卸货港：KAOHSIUNG, TAIWAN, CHINA" in transport
    assert box(page, f, "11") == f"{cert.invoice_number}\n{fmt_date(cert.invoice_date, 'zh')}"
    assert fmt_date(cert.invoice_date, "zh") == "2026年05月25日"
    declaration = box(page, f, "12")
    assert "所有货品产自中国" in flat(declaration) and "王丹" in declaration
    assert "地点和日期，授权签字人签字" in declaration
    assert f"证书编号\n{cert.certificate_number}" in within(page, f.header)
    assert "海峡两岸经济合作框架协议原产地证书" in within(page, f.header)
    assert "第 1 页 共 1 页" in within(page, f.header)


# --------------------------------------------------------------------------- pages and marks


def test_goods_that_do_not_fit_continue_on_signed_continuation_sheets() -> None:
    cert, pdf = printed("E", 45)
    f = form("E")
    read = pages(pdf)
    assert len(read) >= 3
    band_below_strip = [f.goods] + [
        type(f.goods)(f.goods.x, STRIP.bottom + 2, f.goods.w, f.goods.bottom - STRIP.bottom - 2)
    ] * (len(read) - 1)
    items, criteria = [], []
    for n, (page, band) in enumerate(zip(read, band_below_strip, strict=True), start=1):
        items += box(page, f, "5", band).split("\n")
        criteria += [x for x in box(page, f, "8", band).split("\n") if x]
        assert f"Page {n} of {len(read)}" in flat(within(page, STRIP if n > 1 else f.header))
        assert cert.certificate_number in flat(within(page, STRIP if n > 1 else f.header))
        assert "王丹" in box(page, f, "11")  # every sheet carries the declaration
        invoice = box(page, f, "10", band)
        assert invoice.startswith(cert.invoice_number)
        if n < len(read):
            assert f"(CONTINUED ON PAGE {n + 1})" in within(page, band)
        if n > 1:
            assert "CONTINUATION SHEET" in within(page, STRIP)
    assert items == [str(i) for i in range(1, 46)]
    assert criteria == [g.origin_criterion for g in cert.goods]
    described = " ".join(
        flat(box(p, f, "7", b)) for p, b in zip(read, band_below_strip, strict=True)
    )
    assert described.count("***") == 45


def test_a_draft_preview_is_watermarked_and_has_no_number() -> None:
    cert = issued("N")
    pdf = preview(cert)
    f = form("N")
    (page,) = pages(pdf)
    assert "DRAFT / 草稿" in text(pdf)
    assert cert.certificate_number not in text(pdf)
    assert "Certificate No." in within(page, f.header)
    assert "verify" not in within(page, f.header).lower()  # no QR code, no URL
    certification = box(page, f, "15")
    assert "DALIAN" not in certification and ISSUER not in certification
    assert box(page, f, "1").startswith(cert.exporter.name_en)  # the rest as printed
    assert "王丹" in box(page, f, "14")
    final = render(cert, verification_url=URL.format(number=cert.certificate_number))
    assert "DRAFT" not in text(final)


@pytest.mark.parametrize("cert_type", CERTIFICATE_TYPES)
def test_every_type_prints_its_sample_on_one_page(cert_type: str) -> None:
    """Each form holds a 3-line certificate whole: the fixed texts fit their boxes, the
    exporter, consignee, goods and signer are where the form puts them."""
    cert, pdf = printed(cert_type)
    f = form(cert_type)
    (page,) = pages(pdf)
    assert "CONTINUED" not in text(pdf) and "续" not in text(pdf)
    (exporter_box,) = f.boxes_with("exporter")
    zh = f.language == "zh"
    exporter = cert.exporter.name_cn if zh else cert.exporter.name_en
    assert box(page, f, exporter_box.no).startswith(exporter)
    (consignee_box,) = f.boxes_with("consignee")
    assert cert.importer.name_en in box(page, f, consignee_box.no) or zh
    (declaration,) = f.boxes_with("declaration")
    assert "王丹" in box(page, f, declaration.no)
    (certification,) = f.boxes_with("certification")
    assert ISSUER in box(page, f, certification.no)
    goods = "".join(box(page, f, c.no) for c in f.columns if "description" in c.show).split()
    assert all("".join(g.description.split()) in "".join(goods) for g in cert.goods)
    assert cert.certificate_number in within(page, f.header)


def test_a_bare_draft_of_every_type_previews() -> None:
    for cert_type in CERTIFICATE_TYPES:
        pdf = preview(Certificate(cert_type=cert_type))
        (page,) = pages(pdf)
        f = form(cert_type)
        assert box(page, f, f.boxes[0].no) == ""
        assert "DRAFT / 草稿" in text(pdf)


def test_retroactive_marks_are_printed_where_due() -> None:
    late = {"shipment_date": TODAY - timedelta(days=30), "application_date": TODAY}
    cert = issued("N", **late)
    (page,) = pages(render(cert))
    assert box(page, form("N"), "13") == "ISSUED RETROSPECTIVELY"
    cert = issued("E", **late)
    (page,) = pages(render(cert))
    ticks = box(page, form("E"), "13").split("\n")
    assert ticks.count("X") == 1
    tick = next(line for line in page if line.text == "X")
    label = next(line for line in page if line.text.startswith("Issued Retroactively"))
    assert 0 < label.x - tick.x < 6  # the tick is in the box before that label
    assert "Issued Retroactively" not in box(page, form("E"), "4")
    cert = issued("H", **late)
    (page,) = pages(render(cert))
    assert box(page, form("H"), "5") == "补发"
    in_time = issued("N", shipment_date=TODAY, application_date=TODAY)
    (page,) = pages(render(in_time))
    assert box(page, form("N"), "13") == ""


def test_an_amend_reissue_names_the_certificate_it_replaces() -> None:
    cert = issued("A", category="amend_reissue", original_certificate_number="26A311120218/00002")
    (page,) = pages(render(cert))
    assert flat(box(page, form("A"), "13")) == (
        "THIS CERTIFICATE REPLACES CERTIFICATE NO. 26A311120218/00002"
    )


def test_text_too_long_for_its_box_goes_on_an_attached_sheet() -> None:
    remarks = " ".join(f"CLAUSE {i:03d} OF THE LETTER OF CREDIT APPLIES." for i in range(90))
    cert = issued("C", remarks=remarks)
    read = pages(render(cert))
    assert len(read) == 2
    shown = box(read[0], form("C"), "5")
    assert shown.endswith("(CONTINUED ON ATTACHED SHEET)")
    assert "ATTACHED SHEET" in within(read[1], STRIP)
    assert "Page 2 of 2" in within(read[1], STRIP)
    attached = within(read[1], type(STRIP)(0, STRIP.bottom, 210, 297 - STRIP.bottom))
    heading, _, rest = attached.partition("\n")
    assert heading == "Box 5. For certifying authority use only (continued)"
    together = flat(shown.removesuffix("(CONTINUED ON ATTACHED SHEET)") + " " + rest)
    for i in range(90):
        assert f"CLAUSE {i:03d} OF THE LETTER OF CREDIT APPLIES." in together


def test_long_words_and_characters_the_font_lacks_still_print() -> None:
    exporter = Exporter(
        code="X001",
        name_en="Ä" * 30 + "LONGWORDWITHOUTANYSPACE" * 6,
        address_en="ŁÓDŹ, ŞIŞLI — 😀",
    )
    cert = issued("C", exporter=exporter)
    (page,) = pages(render(cert))
    shown = box(page, form("C"), "1")
    # the long word broken where the box ends; no Ł, Ź, Ş in the font, nor an emoji
    expected = exporter.name_en + "LÓDZ, SISLI — ?" + "CHINA"
    assert "".join(shown.split()) == "".join(expected.split())
    assert all(len(line) < 90 for line in shown.split("\n"))


def test_numbers_are_printed_as_people_write_them() -> None:
    cert = issued("X", lines=1)
    line = cert.goods[0].model_copy(
        update={"quantity": Decimal("1250.5000"), "gross_weight": Decimal("2000"), "unit": "035"}
    )
    (page,) = pages(render(cert.model_copy(update={"goods": [line]})))
    assert box(page, form("X"), "9").split("\n")[:2] == ["1,250.5 KGS", "G.W. 2,000 KGS"]


# --------------------------------------------------------------------------- the font


def test_a_missing_font_names_the_debian_package(tmp_path) -> None:
    store = GlyphStore(tmp_path / "NotoSansCJK-Regular.ttc")
    with pytest.raises(ServiceUnavailable) as caught:
        render(issued("C"), glyphs=store)
    assert "fonts-noto-cjk" in caught.value.message_en
    assert "fonts-noto-cjk" in caught.value.message_zh
    broken = tmp_path / "broken.ttc"
    broken.write_bytes(b"not a font")
    with pytest.raises(ServiceUnavailable, match="cannot be read"):
        render(issued("C"), glyphs=GlyphStore(broken))


def test_a_font_is_kept_for_the_next_pdf_with_the_same_characters() -> None:
    store = fonts.store()
    first = store.font(["王丹"])
    store.release(first)
    again = store.font(["丹王"])
    assert again.path == first.path and again.extra == frozenset("王丹")
    other = store.font(["李明"])
    assert other.path != first.path and re.search(r"font\d+\.ttf$", other.path.name)
    store.release(again)
    store.release(other)
