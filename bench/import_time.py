"""Start-up cost: ``import coo_lab`` (target < 0.5 s) and the first use of each table.

Each figure is measured in a fresh interpreter (best of 5), next to the cost of starting
Python itself in the same run, so a slow machine shows as a slow baseline, not a regression.
"""

from __future__ import annotations

import subprocess
import sys
import time

TARGET_IMPORT = 0.5
CASES = {
    "python -c pass (baseline)": "pass",
    "import coo_lab": "import coo_lab",
    "import coo_lab; coo_lab.check": "import coo_lab; coo_lab.check",
    "first HS lookup": "from coo_lab.domain import codes; codes.hs_exists('851660')",
    "first location search": "from coo_lab.domain import codes; codes.search_locations('DALIAN')",
}


def best_of(code: str, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    runs = 2 if "--quick" in sys.argv else 5
    times = {name: best_of(code, runs) for name, code in CASES.items()}
    baseline = times["python -c pass (baseline)"]
    for name, seconds in times.items():
        print(f"{name:32} {seconds * 1000:7.0f} ms  ({seconds / baseline:4.1f}× python start-up)")
    cost = times["import coo_lab"] - baseline
    verdict = "OK" if times["import coo_lab"] < TARGET_IMPORT else "ABOVE TARGET"
    print(
        f"import coo_lab: {times['import coo_lab']:.3f} s wall ({cost * 1000:.0f} ms above a bare "
        f"interpreter) — target < {TARGET_IMPORT} s: {verdict}"
    )


if __name__ == "__main__":
    main()
