"""The one font of every printed certificate: Noto Sans CJK SC, from Debian's fonts-noto-cjk.

Embedding the CJK font as it is costs about 0.7 s per PDF: its outlines are CFF with
subroutines, and subsetting 65,000 such glyphs is slow. So the font file is parsed once per
process (``GlyphStore``), the glyphs a certificate uses are converted once to TrueType
outlines and kept, and each PDF embeds a small TrueType font made of them:

- the *base* characters — Latin with its accents, punctuation, and the Chinese of the
  forms' own titles and labels — are in every such font;
- the other characters of a certificate (a hand-signer's name, the Chinese names and
  addresses of an ECFA form) are added to a font for that set of characters, which is kept
  for the next PDF that needs the same ones (a company prints the same hand-signer's name
  again and again).

Text is measured here, from the glyphs' advance widths (the widths the embedded font
carries), so the renderer never guesses a width.
"""

from __future__ import annotations

import atexit
import io
import os
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import count
from pathlib import Path

from coo_lab.errors import ServiceUnavailable

DEFAULT_PATH = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
DEFAULT_INDEX = 2  # the collection's faces: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK
FAMILY = "cooprint"
FONTS_KEPT = 64

_BASE_RANGES = (
    (0x20, 0x7E),  # ASCII
    (0xA0, 0x17F),  # Latin-1 and Latin Extended-A (accented place names)
    (0x2013, 0x2014),  # – —
    (0x2018, 0x201E),  # ‘ ’ “ ” „
    (0x2022, 0x2026),  # • …
    (0x3001, 0x3002),  # 、。
    (0xFF08, 0xFF09),  # （）
    (0xFF0C, 0xFF0C),  # ，
    (0xFF1A, 0xFF1B),  # ：；
)
"""The characters of the base font (with the forms' own words); any other character a
certificate holds goes into its extra font."""


@dataclass(frozen=True, slots=True)
class FontFile:
    """The font one PDF embeds, and the characters it has."""

    path: Path
    chars: frozenset[str]
    extra: frozenset[str]  # the characters beyond the base ones (its key in the store)


class GlyphStore:
    """The CJK font, parsed once, and the TrueType glyphs converted from it so far."""

    def __init__(self, path: str | os.PathLike[str] | None = None, index: int | None = None):
        self.path = Path(path or os.environ.get("COO_LAB_CJK_FONT") or DEFAULT_PATH)
        self.index = DEFAULT_INDEX if index is None else index
        self._lock = threading.RLock()
        self._source = None
        self._glyphs: dict[str, object] = {}
        self._base_chars: frozenset[str] | None = None
        self._dir: Path | None = None
        self._names = count(1)
        self._advances: dict[str, int] = {}
        self._fonts: OrderedDict[frozenset[str], list] = OrderedDict()  # extra → [path, users]

    # --- the source font --------------------------------------------------------------------

    def _open(self) -> None:
        """Parse the collection's face once (about 0.2 s); a missing file is a clear error."""
        if self._source is not None:
            return
        if not self.path.is_file():
            raise ServiceUnavailable(
                f"the Chinese font {self.path} is missing: install the Debian package "
                "fonts-noto-cjk (apt-get install fonts-noto-cjk), or point COO_LAB_CJK_FONT "
                "at a Noto Sans CJK collection",
                f"缺少中文字体 {self.path}：请安装 Debian 软件包 fonts-noto-cjk"
                "（apt-get install fonts-noto-cjk），或用 COO_LAB_CJK_FONT 指定 Noto Sans CJK 字体",
            )
        from fontTools import ttLib

        try:
            # read whole (19 MB, once): no file handle stays open for the process's life
            data = io.BytesIO(self.path.read_bytes())
            font = ttLib.TTFont(data, fontNumber=self.index, lazy=True)
            cmap = font.getBestCmap()
        except Exception as exc:  # a damaged or foreign file: say which and why
            raise ServiceUnavailable(
                f"the font {self.path} (face {self.index}) cannot be read: {exc}; reinstall "
                "the Debian package fonts-noto-cjk",
                f"无法读取字体 {self.path}（第 {self.index} 个字体）：{exc}；"
                "请重新安装 fonts-noto-cjk",
            ) from exc
        self._source = _Source(font, cmap)
        self._dir = Path(tempfile.mkdtemp(prefix="coo_lab_fonts_"))
        atexit.register(shutil.rmtree, self._dir, True)

    def advance(self, char: str) -> int:
        """The advance width of a character in font units (1000 per em); a character the
        font lacks measures as its ``.notdef`` box."""
        width = self._advances.get(char)
        if width is None:
            with self._lock:
                self._open()
            source = self._source
            width = source.widths[source.cmap.get(ord(char), ".notdef")]
            self._advances[char] = width
        return width

    def measure(self, text: str) -> int:
        """The advance width of a string in font units."""
        get = self._advances.get
        total = 0
        for char in text:
            width = get(char)
            total += self.advance(char) if width is None else width
        return total

    # --- fonts for a PDF --------------------------------------------------------------------

    def font(self, text: Iterable[str], labels: Iterable[str] = ()) -> FontFile:
        """The font for a PDF holding ``text``; ``labels`` (the forms' own words) join the
        base characters the first time. Hand it back with ``release`` once the PDF is
        written."""
        with self._lock:
            self._open()
            cmap = self._source.cmap
            if self._base_chars is None:
                chars = {chr(c) for lo, hi in _BASE_RANGES for c in range(lo, hi + 1)}
                chars |= {c for label in labels for c in label}
                self._base_chars = frozenset(c for c in chars if ord(c) in cmap)
            wanted = {c for chunk in text for c in chunk}
            extra = frozenset(c for c in wanted - self._base_chars if ord(c) in cmap)
            entry = self._fonts.get(extra)
            if entry is None:
                entry = self._fonts[extra] = [self._write(self._base_chars | extra), 0]
            self._fonts.move_to_end(extra)
            entry[1] += 1
            self._forget_idle()
            return FontFile(entry[0], self._base_chars | extra, extra)

    def release(self, font: FontFile) -> None:
        """A PDF is written: its font may go once it is no longer among the recent ones."""
        with self._lock:
            entry = self._fonts.get(font.extra)
            if entry is not None:
                entry[1] -= 1
            self._forget_idle()

    def _forget_idle(self) -> None:
        idle = [k for k, (_path, users) in self._fonts.items() if not users and k]
        for key in idle[: max(0, len(self._fonts) - FONTS_KEPT)]:
            self._fonts.pop(key)[0].unlink(missing_ok=True)

    def _write(self, chars: frozenset[str]) -> Path:
        """A TrueType font of these characters (glyphs converted once, then reused)."""
        from fontTools.fontBuilder import FontBuilder

        source = self._source
        cmap = {ord(c): source.cmap[ord(c)] for c in chars}
        names = sorted(set(cmap.values()) - {".notdef"})
        order = [".notdef", *names]
        for name in order:
            if name not in self._glyphs:
                self._glyphs[name] = source.truetype(name)
        builder = FontBuilder(1000, isTTF=True)
        builder.setupGlyphOrder(order)
        builder.setupCharacterMap(cmap)
        builder.setupGlyf({n: self._glyphs[n] for n in order})
        builder.setupHorizontalMetrics({n: source.hmtx[n] for n in order})
        builder.setupHorizontalHeader(ascent=source.ascent, descent=source.descent)
        builder.setupNameTable(
            {"familyName": "Noto Sans CJK SC", "styleName": "Regular", "psName": "NotoSansCJKsc"}
        )
        builder.setupOS2(
            sTypoAscender=source.ascent,
            sTypoDescender=source.descent,
            usWinAscent=source.ascent,
            usWinDescent=-source.descent,
            sCapHeight=source.cap_height,
            usWeightClass=400,
        )
        builder.setupPost()
        path = self._dir / f"font{next(self._names)}.ttf"
        builder.save(str(path))
        return path


class _Source:
    """The face of the collection, with what converting and measuring need."""

    def __init__(self, font, cmap: dict[int, str]) -> None:
        self.font = font
        self.cmap = cmap
        self.glyphset = font.getGlyphSet()
        self.hmtx = font["hmtx"].metrics
        self.widths = {name: adv for name, (adv, _lsb) in self.hmtx.items()}
        self.ascent = font["hhea"].ascent
        self.descent = font["hhea"].descent
        self.cap_height = getattr(font["OS/2"], "sCapHeight", self.ascent)

    def truetype(self, name: str):
        """One glyph's CFF outline as a TrueType glyph (cubic curves made quadratic)."""
        from fontTools.pens.cu2quPen import Cu2QuPen
        from fontTools.pens.ttGlyphPen import TTGlyphPen

        pen = TTGlyphPen(None)
        self.glyphset[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        return pen.glyph()


_store: GlyphStore | None = None
_store_lock = threading.Lock()


def store() -> GlyphStore:
    """The process's glyph store (the font is parsed on first use, once)."""
    global _store
    with _store_lock:
        if _store is None:
            _store = GlyphStore()
        return _store
