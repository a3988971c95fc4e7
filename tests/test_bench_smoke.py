"""The benchmarks still run (quick mode): a bench that rots is worse than none.

No figure is asserted here — timings belong to `make bench`, never to tests.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parent.parent / "bench"


@pytest.mark.parametrize(
    "script",
    [
        "rules.py",
        "import_time.py",
        "service.py",
        "bulk.py",
        "print.py",
        "push.py",
        "sync.py",
        "warehouse.py",
        "ui.py",
    ],
)
def test_bench_runs(script: str) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), "--quick"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "target" in done.stdout


def test_dashboard_bench_runs() -> None:
    """bench/dashboard.py: Voilà, a real Chromium and the demo; its own test, being slow."""
    test_bench_runs("dashboard.py")
