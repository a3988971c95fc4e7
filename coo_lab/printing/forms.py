"""The printed forms of the 15 certificate types, as data (``coo_lab/data/forms.toml``).

A form is its boxes — number, title, what goes in it, where it sits — and the columns of its
goods band. Positions are millimetres on an A4 page from the top-left corner. The renderer
draws whatever this data says, so a box moved or retitled in the TOML is moved or retitled
on every certificate printed after.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from coo_lab.domain.agreements import CERTIFICATE_TYPES

PAGE_W, PAGE_H = 210.0, 297.0

BOX_CONTENTS = frozenset(
    {
        "exporter",
        "producer",
        "consignee",
        "transport",
        "destination",
        "origin_country",
        "official_use",
        "remarks",
        "declaration",
        "certification",
        "checklist",
    }
)
COLUMN_PARTS = frozenset(
    {
        "item",
        "marks",
        "description",
        "hs",
        "criterion",
        "quantity",
        "gross_weight",
        "fob",
        "invoice",
    }
)


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def overlaps(self, other: Rect) -> bool:
        eps = 1e-6
        return (
            self.x < other.right - eps
            and other.x < self.right - eps
            and self.y < other.bottom - eps
            and other.y < self.bottom - eps
        )

    def contains(self, x: float, y: float) -> bool:
        return self.x <= x <= self.right and self.y <= y <= self.bottom


@dataclass(frozen=True, slots=True)
class Box:
    """A numbered box outside the goods band."""

    no: str
    title: str
    content: str
    rect: Rect


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the goods band: its parts are printed one under the other for each line."""

    no: str
    title: str
    show: tuple[str, ...]
    x: float
    w: float
    hs_digits: int = 0  # 0 = the code as declared


@dataclass(frozen=True, slots=True)
class Form:
    code: str
    language: str  # "en" or "zh": titles, fixed texts, dates and party names
    subtitle: str
    header: Rect
    goods: Rect
    boxes: tuple[Box, ...]
    columns: tuple[Column, ...]
    declaration: str
    certification: str
    signatory: str
    authority: str
    notes_box: str
    retro_box: str
    checklist: tuple[str, ...]

    def box(self, number: str) -> Box:
        return next(b for b in self.boxes if b.no == number)

    def boxes_with(self, content: str) -> tuple[Box, ...]:
        return tuple(b for b in self.boxes if b.content == content)

    @property
    def bottom_boxes(self) -> tuple[Box, ...]:
        """The boxes below the goods band (declaration, certification…): repeated on every
        continuation sheet, so each sheet carries the signatures."""
        return tuple(b for b in self.boxes if b.rect.y >= self.goods.bottom - 1e-6)


@cache
def _raw() -> dict:
    text = resources.files("coo_lab.data").joinpath("forms.toml").read_text("utf-8")
    return tomllib.loads(text)


def units() -> dict[str, str]:
    """How a unit of quantity is printed, by customs unit code."""
    return dict(_raw()["units"])


@cache
def form(code: str) -> Form:
    """The printed form of a certificate type (``"C"``, ``"E"``…)."""
    raw = _raw()
    spec = raw["forms"][code]
    layout = raw["layout"][spec["layout"]]
    texts = raw["texts"]
    zh = spec["language"] == "zh"
    boxes = tuple(
        Box(
            no=b["no"],
            title=b["title"],
            content=b["content"],
            rect=Rect(*(b.get("at") or layout[b["content"]])),
        )
        for b in spec["boxes"]
    )
    band = Rect(*layout["goods"])
    columns, x = [], band.x
    for c in spec["columns"]:
        columns.append(
            Column(
                no=c["no"],
                title=c["title"],
                show=tuple(c["show"]),
                x=x,
                w=float(c["w"]),
                hs_digits=int(c.get("hs_digits", 0)),
            )
        )
        x += float(c["w"])
    return Form(
        code=code,
        language=spec["language"],
        subtitle=spec.get("subtitle", ""),
        header=Rect(*layout["header"]),
        goods=band,
        boxes=boxes,
        columns=tuple(columns),
        declaration=spec["declaration"].format_map(_Shared(texts)),
        certification=spec["certification"].format_map(_Shared(texts)),
        signatory=texts["signatory_zh" if zh else "signatory"],
        authority=texts["authority_zh" if zh else "authority"],
        notes_box=spec["notes_box"],
        retro_box=spec.get("retro_box", spec["notes_box"]),
        checklist=tuple(spec.get("checklist", ())),
    )


class _Shared(dict):
    """Fills ``{fta_declaration}`` & co. from ``[texts]`` and leaves the per-certificate
    placeholders (``{agreement}``, ``{importing_country}``) for the renderer."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def forms() -> tuple[Form, ...]:
    """Every type's form, in the deck's order."""
    return tuple(form(code) for code in CERTIFICATE_TYPES)


def problems(f: Form) -> list[str]:
    """What is wrong with a form's data (empty when it can be printed): unknown contents or
    parts, boxes off the page or on top of each other, columns that do not fill the band."""
    found = []
    for b in f.boxes:
        if b.content not in BOX_CONTENTS:
            found.append(f"{f.code} box {b.no}: unknown content {b.content!r}")
    for c in f.columns:
        found += [
            f"{f.code} column {c.no}: unknown part {p!r}" for p in c.show if p not in COLUMN_PARTS
        ]
    rects = [("header", f.header), ("goods", f.goods)] + [(f"box {b.no}", b.rect) for b in f.boxes]
    for name, r in rects:
        if r.x < 0 or r.y < 0 or r.right > PAGE_W + 1e-6 or r.bottom > PAGE_H + 1e-6:
            found.append(f"{f.code} {name}: off the page")
    for i, (a, ra) in enumerate(rects):
        found += [f"{f.code}: {a} overlaps {b}" for b, rb in rects[i + 1 :] if ra.overlaps(rb)]
    width = sum(c.w for c in f.columns)
    if abs(width - f.goods.w) > 1e-6:
        found.append(f"{f.code}: columns are {width} mm wide, the goods band {f.goods.w} mm")
    numbers = [b.no for b in f.boxes] + [c.no for c in f.columns]
    if len(set(numbers)) != len(numbers):
        found.append(f"{f.code}: a box number is used twice")
    if f.notes_box not in numbers or f.retro_box not in numbers:
        found.append(f"{f.code}: notes_box / retro_box is not one of its boxes")
    return found
