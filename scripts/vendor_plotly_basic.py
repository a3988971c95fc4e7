"""Fetch plotly.js's "basic" bundle (bar, pie, scatter: every trace the manager dashboard
draws) from the npm registry into ``coo_lab/dashboard/static``, checked against the
registry's sha512 integrity.

Why. The full plotly.js that jupyterlab-plotly's renderer loads is 4.8 MB; on this 2-core
machine Chromium spends about 1.9 s evaluating it before the first chart can be drawn. The
basic bundle is 1.2 MB and takes about 0.35 s (``bench/dashboard.py``). Its version must be
the plotly.js that the installed ``plotly`` package was built against, so the figures it
serializes mean the same thing; ``tests/dashboard/test_chart_grid.py`` checks that.

    python scripts/vendor_plotly_basic.py 4.1.1
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

PACKAGE = "plotly.js-basic-dist-min"
REGISTRY = f"https://registry.npmjs.org/{PACKAGE}"
TARGET = Path(__file__).parent.parent / "coo_lab" / "dashboard" / "static"
FILES = {"package/plotly-basic.min.js": "plotly-basic.min.js", "package/LICENSE": "plotly-LICENSE"}


def fetch(version: str) -> None:
    with urllib.request.urlopen(f"{REGISTRY}/{version}", timeout=60) as answer:
        dist = json.load(answer)["dist"]
    with urllib.request.urlopen(dist["tarball"], timeout=60) as answer:
        tarball = answer.read()
    algorithm, _, expected = dist["integrity"].partition("-")
    if algorithm != "sha512" or base64.b64encode(hashlib.sha512(tarball).digest()).decode() != (
        expected
    ):
        raise SystemExit(f"{dist['tarball']}: the download does not match {dist['integrity']}")
    with tarfile.open(fileobj=io.BytesIO(tarball)) as archive:
        for member, name in FILES.items():
            data = archive.extractfile(member).read()
            (TARGET / name).write_bytes(data)
            print(f"{TARGET / name}: {len(data):,} bytes")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    fetch(sys.argv[1])
