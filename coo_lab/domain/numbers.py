"""Certificate numbers (证书号) and internal numbers (统一编号).

**Decision** (DOMAIN.md §3, after the one public CCPIT sample ``26C311120218/00004``):
``YY`` + type code + 9-digit enterprise code + ``/`` + 5-digit serial, the serial counting per
enterprise, type and year. A reissued certificate gets a new number and cites the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coo_lab.domain.agreements import CERTIFICATE_TYPES
from coo_lab.errors import FieldError, ValidationFailed

_TYPES = "|".join(sorted(CERTIFICATE_TYPES, key=len, reverse=True))
_NUMBER = re.compile(
    rf"(?P<yy>\d{{2}})(?P<type>{_TYPES})(?P<enterprise>\d{{9}})/(?P<serial>\d{{5}})"
)
MAX_SERIAL = 99_999


@dataclass(frozen=True, slots=True)
class CertificateNumber:
    year: int  # four digits
    cert_type: str
    enterprise_code: str
    serial: int

    def __str__(self) -> str:
        return f"{self.year % 100:02d}{self.cert_type}{self.enterprise_code}/{self.serial:05d}"

    @property
    def series(self) -> tuple[str, str, int]:
        """What the serial counts within: enterprise, type and year."""
        return (self.enterprise_code, self.cert_type, self.year)


def certificate_number(year: int, cert_type: str, enterprise_code: str, serial: int) -> str:
    """Format a certificate number; every part is checked and named when wrong."""
    errors = []
    if not (isinstance(year, int) and 2000 <= year <= 2099):
        errors.append(
            FieldError("year", year, "a year between 2000 and 2099", "2000至2099之间的年份")
        )
    if cert_type not in CERTIFICATE_TYPES:
        errors.append(
            FieldError(
                "cert_type",
                cert_type,
                "a certificate type code: " + ", ".join(CERTIFICATE_TYPES),
                "证书类型代码之一：" + "、".join(CERTIFICATE_TYPES),
            )
        )
    if not (isinstance(enterprise_code, str) and re.fullmatch(r"\d{9}", enterprise_code)):
        errors.append(
            FieldError(
                "enterprise_code",
                enterprise_code,
                "the 9-digit CCPIT enterprise code",
                "9位贸促会企业编码",
            )
        )
    if not (isinstance(serial, int) and 1 <= serial <= MAX_SERIAL):
        errors.append(
            FieldError(
                "serial",
                serial,
                f"a serial between 1 and {MAX_SERIAL}",
                f"1至{MAX_SERIAL}之间的流水号",
            )
        )
    if errors:
        raise ValidationFailed(errors, model="CertificateNumber")
    return str(CertificateNumber(year, cert_type, enterprise_code, serial))


def parse_certificate_number(text: str) -> CertificateNumber:
    """Read a certificate number back into its parts; a malformed one raises."""
    match = _NUMBER.fullmatch((text or "").strip().upper())
    if not match:
        raise ValidationFailed(
            [
                FieldError(
                    "certificate_number",
                    text,
                    "YY + type code + 9-digit enterprise code + / + 5-digit serial, "
                    "e.g. 26C311120218/00004",
                    "两位年份+证书类型+9位企业编码+/+5位流水号，如 26C311120218/00004",
                )
            ],
            model="CertificateNumber",
        )
    yy = int(match["yy"])
    return CertificateNumber(2000 + yy, match["type"], match["enterprise"], int(match["serial"]))


def internal_number(enterprise_code: str, year: int, sequence: int) -> str:
    """统一编号, given on first save: ``enterprise code + year + 8-digit sequence``."""
    return f"{enterprise_code}{year:04d}{sequence:08d}"
