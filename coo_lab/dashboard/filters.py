"""What a manager narrows the dashboard to, and the choices the synced data offers.

``Filters`` are the warehouse's keywords (``start``, ``end``, ``agreement``, ``destination``,
``exporter``), checked once here so a bad choice is a bilingual ``ValidationFailed`` naming
the field rather than an empty chart. ``Options`` lists what the synced file holds: the
agreements (all 15 types, named), the destinations and exporters that occur, and the dates
the data spans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

import duckdb

from coo_lab.domain import codes
from coo_lab.domain.agreements import agreements
from coo_lab.errors import FieldError, ValidationFailed

CHINA = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Filters:
    """Date range (China dates, both inclusive), agreement code, destination ISO3 and
    exporter (enterprise code or English name); ``None`` means everything."""

    start: date | None = None
    end: date | None = None
    agreement: str | None = None
    destination: str | None = None
    exporter: str | None = None

    def __post_init__(self) -> None:
        errors = []
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, date):
                errors.append(
                    FieldError(name, value, "a date (YYYY-MM-DD) or nothing", "日期或留空")
                )
        if isinstance(self.start, date) and isinstance(self.end, date) and self.start > self.end:
            errors.append(
                FieldError(
                    "end",
                    self.end.isoformat(),
                    f"a date on or after the start {self.start.isoformat()}",
                    f"不早于开始日期 {self.start.isoformat()} 的日期",
                    code="range",
                )
            )
        known = {a.code for a in agreements()}
        if self.agreement is not None and self.agreement not in known:
            errors.append(
                FieldError(
                    "agreement",
                    self.agreement,
                    "one of the certificate types " + ", ".join(sorted(known)),
                    "证书类型之一：" + "、".join(sorted(known)),
                )
            )
        if self.destination is not None and _country(self.destination) is None:
            errors.append(
                FieldError(
                    "destination",
                    self.destination,
                    "a country's ISO 3166 alpha-3 code, e.g. KOR",
                    "国家的三位字母代码，如 KOR",
                )
            )
        if self.exporter is not None and not str(self.exporter).strip():
            errors.append(
                FieldError(
                    "exporter",
                    self.exporter,
                    "an enterprise code or exporter name, or nothing",
                    "企业编码或出口商名称，或留空",
                )
            )
        if errors:
            raise ValidationFailed(errors, model="Filters")

    def keywords(self) -> dict[str, Any]:
        """The warehouse functions' keyword arguments."""
        return {
            "start": self.start,
            "end": self.end,
            "agreement": self.agreement,
            "destination": self.destination.upper() if self.destination else None,
            "exporter": self.exporter,
        }

    def describe(self) -> str:
        """One line for a chart subtitle: what the figures are narrowed to."""
        parts = []
        if self.start or self.end:
            start = self.start.isoformat() if self.start else "…"
            end = self.end.isoformat() if self.end else "…"
            parts.append(f"{start} – {end}")
        if self.agreement:
            parts.append(self.agreement)
        if self.destination:
            parts.append(self.destination.upper())
        if self.exporter:
            parts.append(self.exporter)
        return " · ".join(parts) if parts else "全部 / all"


def _china_date(epoch_us: int | None) -> date | None:
    if epoch_us is None:
        return None
    return datetime.fromtimestamp(epoch_us / 1e6, CHINA).date()


def _country(iso3: str) -> codes.Country | None:
    try:
        return codes.country(str(iso3).upper())
    except (KeyError, LookupError, ValueError):
        return None


def country_label(iso3: str) -> str:
    """``KOR 韩国 Korea Rep.``; the bare code when the table does not know it."""
    country = _country(iso3)
    return f"{iso3} {country.name_cn} {country.short_en}" if country else str(iso3)


def agreement_label(code: str) -> str:
    """``K 中国-韩国自贸协定 China–Korea FTA``."""
    for a in agreements():
        if a.code == code:
            return f"{code} {a.name_zh} {a.name_en}"
    return code


@dataclass(frozen=True)
class Options:
    """The choices of the filter widgets: (label, value) pairs and the data's date span."""

    agreements: list[tuple[str, str]] = field(default_factory=list)
    destinations: list[tuple[str, str]] = field(default_factory=list)
    exporters: list[tuple[str, str]] = field(default_factory=list)
    first_day: date | None = None
    last_day: date | None = None

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection) -> Options:
        """From an open warehouse connection (see ``coo_lab.mirror.reading``)."""
        destinations = [
            row[0]
            for row in con.execute(
                "SELECT DISTINCT destination_country FROM certificates "
                "WHERE destination_country IS NOT NULL ORDER BY 1"
            ).fetchall()
        ]
        exporters = con.execute(
            "SELECT enterprise_code, mode(exporter_name) FROM certificates "
            "WHERE enterprise_code IS NOT NULL GROUP BY 1 ORDER BY 2, 1"
        ).fetchall()
        first, last = con.execute(
            "SELECT min(epoch_us(created_at)), max(epoch_us(created_at)) FROM certificates"
        ).fetchall()[0]
        return cls(
            agreements=[(agreement_label(a.code), a.code) for a in agreements()],
            destinations=[(country_label(d), d) for d in destinations],
            exporters=[(f"{code} {name}", code) for code, name in exporters],
            first_day=_china_date(first),
            last_day=_china_date(last),
        )
