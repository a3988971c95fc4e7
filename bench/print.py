"""How many certificates per second render to PDF (target ≥ 20/s for a 3-goods-line one).

Each render is a different approved general CO (its own number, so its own QR code),
3 goods lines, the hand-signer's Chinese name in box 11 — what one self-print costs the
service, the database apart. Also timed: the first render of a process (the Noto CJK face is
parsed once), the preview of the same certificates, an ECFA certificate filled in Chinese,
and as the baseline measured in the same run, the obvious way — fpdf2 embedding the Noto CJK
collection itself — on the same boxes' text; the ratio says what the glyph store buys.

    python bench/print.py            # ~30 s
    python bench/print.py --quick    # a smoke run (CI): same code paths, fewer rounds
"""

from __future__ import annotations

import argparse
import time
from datetime import date

from fpdf import FPDF

from coo_lab import samples
from coo_lab.domain.parties import Importer
from coo_lab.printing import preview, render
from coo_lab.printing.fonts import DEFAULT_INDEX, DEFAULT_PATH
from coo_lab.printing.forms import form

TARGET = 20.0
TODAY = date(2026, 11, 27)


def certificates(cert_type: str, count: int, **change):
    base = samples.certificate(cert_type, today=TODAY, lines=3)
    return [
        base.model_copy(
            update={
                "certificate_number": f"26{cert_type}{samples.ENTERPRISE_CODE}/{i + 1:05d}",
                "status": "approved",
                **change,
            }
        )
        for i in range(count)
    ]


def rate(func, items) -> float:
    start = time.perf_counter()
    for item in items:
        func(item)
    return len(items) / (time.perf_counter() - start)


def cpu_ms(func, items) -> float:
    """CPU milliseconds per item: what a render costs when it has a core to itself (the
    wall-clock rate also counts the other tenants of a shared machine)."""
    start = time.process_time()
    for item in items:
        func(item)
    return (time.process_time() - start) * 1000 / len(items)


def issue(cert) -> bytes:
    url = f"https://coo.example.cn/verify/{cert.certificate_number}?code=K7Q2M9XD"
    return render(cert, verification_url=url, issuer="CCPIT DALIAN")


def naive(cert) -> bytes:
    """The same boxes' text in fpdf2 with the CJK collection embedded as it is."""
    pdf = FPDF()
    pdf.add_font("noto", "", DEFAULT_PATH, collection_font_number=DEFAULT_INDEX)
    pdf.add_page()
    pdf.set_font("noto", size=8)
    for box in form(cert.cert_type).boxes:
        pdf.set_xy(box.rect.x, box.rect.y)
        pdf.multi_cell(box.rect.w, 3.5, f"{box.no}. {box.title}\n{cert.hand_signer}", border=1)
    pdf.set_xy(10, 100)
    for line in cert.goods:
        pdf.set_x(10)
        pdf.multi_cell(190, 3.5, f"{line.marks}\n{line.description}\n{line.hs_code}")
    return bytes(pdf.output())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    count = 5 if args.quick else 120

    start = time.perf_counter()
    issue(certificates("C", 1)[0])
    first = time.perf_counter() - start

    general = certificates("C", count)
    printed = max(rate(issue, general[i::3]) for i in range(3))
    cpu = cpu_ms(issue, general[: max(3, count // 4)])
    previews = max(rate(preview, general[i::3]) for i in range(3))
    importer = Importer(
        code="TW001", name_en="KAOHSIUNG HOME APPLIANCE CO., LTD.", name_cn="高雄家電股份有限公司",
        address_cn="高雄市前鎮區中華五路789號", country="TWN",
    )  # fmt: skip
    ecfa = rate(issue, certificates("H", max(3, count // 3), importer=importer))
    baseline = rate(naive, general[: 1 if args.quick else 3])

    verdict = "OK" if printed >= TARGET else "BELOW TARGET"
    print(
        f"print (render to PDF): {printed:.1f} certificates/s, {1000 / printed:.0f} ms each "
        f"(general CO, 3 goods lines) — target ≥ {TARGET:.0f}/s: {verdict}"
    )
    print(f"CPU per print: {cpu:.0f} ms ({1000 / cpu:.0f}/s on a core of its own)")
    print(f"preview (watermarked): {previews:.1f}/s; ECFA filled in Chinese: {ecfa:.1f}/s")
    print(f"first render in a process (Noto CJK parsed once): {first:.2f} s")
    print(
        f"baseline, fpdf2 embedding the CJK collection itself: {baseline:.2f}/s — "
        f"ratio {printed / baseline:.0f}×"
    )


if __name__ == "__main__":
    main()
