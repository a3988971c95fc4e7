"""Opening the manager dashboard: seconds from ``page.goto`` until its widgets show and until
all six charts are drawn, in Debian's Chromium driven by Playwright (target: ≤ 5 s for
each). The charts are one widget that draws once the page has painted the rest
(``coo_lab.dashboard.chart_grid``).
Also the declaration app (``dashboards/declaration.ipynb``): seconds until its login screen
is there to type into (same target).

Set-up as ``make run`` has it: a demo store (default scale), the real service, a sync as
``haixing_manager``, and Voilà with pre-heated kernels and the offline template serving a
folder with the two notebooks of ``dashboards/`` and a baseline notebook (one label widget:
what Voilà and the browser cost by themselves on this machine, measured in the same run). Before
each opening the bench waits until Voilà's pool holds a kernel again and that kernel has
finished running the notebook (its CPU time stops moving), as for a user who opens the
dashboard some time after the last one. Each opening is a first visit (a new browser
context, nothing cached) — the figure held to the target — and, for the dashboard, also a
returning visit (the same context again: plotly.js and Voilà's scripts cached). The first
round warms the machine up and is not counted.

Also printed: the model's refresh (9 warehouse queries and 6 figures, in-process), and the
import of ``nbformat`` with and without ``coo_lab.dashboard.jupyter``'s deferred
``rfc3987_syntax`` (what every Voilà and JupyterLab start pays).

Nothing is asserted; figures are printed beside their targets.

    python bench/dashboard.py            # 5 openings each
    python bench/dashboard.py --quick    # a smoke run: a small demo, one opening each
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from coo_lab.client import Client
from coo_lab.dashboard import ManagerDashboard, serving
from coo_lab.mirror import sync
from coo_lab.processes import Child
from coo_lab.server.demo import build_demo
from coo_lab.server.live import LiveServer, free_port

ROOT = Path(__file__).parent.parent
TARGET = 5.0  # seconds from opening to every chart drawn
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
ARGS += ["--disable-background-networking", "--disable-component-update", "--disable-quic"]
ALL_DRAWN = """n => {
    const plots = [...document.querySelectorAll('.js-plotly-plot')];
    return plots.length === n && plots.every(p => p.querySelector('.main-svg .trace'));
}"""
WIDGETS = ".widget-vbox"
LOGIN = ".coo-login-username input"  # the declaration app's login screen, ready to type into
BASELINE = """import ipywidgets as w
w.VBox([w.Label("baseline")])"""


def baseline_notebook(path: Path) -> None:
    cell = {"cell_type": "code", "id": "baseline", "metadata": {}, "execution_count": None}
    cell |= {"outputs": [], "source": BASELINE}
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": kernelspec}}
    path.write_text(json.dumps(notebook | {"cells": [cell]}), encoding="utf-8")


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


def wait_until_preheated(voila: Child, notebook: str, fills: int, timeout: float = 300) -> None:
    """Until Voilà logged its pool of ``notebook`` filled ``fills`` times and its kernels
    stopped using CPU (the pre-heated run of the notebook is over)."""
    deadline = time.monotonic() + timeout
    marker = f"Kernel pool of {notebook} is filled"
    while voila.log_path.read_text(errors="replace").count(marker) < fills:
        if time.monotonic() > deadline:
            raise RuntimeError(f"Voilà's pool of {notebook} not refilled:\n{voila.log_tail()}")
        time.sleep(0.2)
    quiet = 0
    before = _cpu_ticks(_descendants(voila.process.pid))
    while quiet < 3 and time.monotonic() < deadline:
        time.sleep(0.4)
        now = _cpu_ticks(_descendants(voila.process.pid))
        quiet = quiet + 1 if now - before <= 1 else 0
        before = now


def open_once(
    browser, url: str, charts: int, context=None, ready: str = WIDGETS
) -> tuple[float, float]:
    """Seconds to the ``ready`` element and to every chart drawn (``charts`` = 0: widget
    only). In a new browser context (a first visit: nothing cached) unless ``context`` is
    given."""
    own = context is None
    if own:
        context = browser.new_context(viewport={"width": 1400, "height": 2600})
    page = context.new_page()
    try:
        started = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.wait_for_selector(ready, state="visible", timeout=120_000)
        widgets = time.perf_counter() - started
        if charts:
            page.wait_for_function(ALL_DRAWN, arg=charts, timeout=120_000, polling=50)
        return widgets, time.perf_counter() - started
    finally:
        page.close()
        if own:
            context.close()


def import_seconds(deferred: bool) -> float:
    code = "import nbformat"
    if deferred:
        code = "from coo_lab.dashboard.jupyter import defer_rfc3987_syntax as d; d(); " + code
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", type=int, default=None, help="demo certificates")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    scale = 600 if args.quick else args.scale

    plain = statistics.median(import_seconds(False) for _ in range(1 if args.quick else 3))
    deferred = statistics.median(import_seconds(True) for _ in range(1 if args.quick else 3))
    print(f"import nbformat: {plain:.2f} s, with rfc3987_syntax deferred {deferred:.2f} s")

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        build_demo(folder / "demo.sqlite", scale=scale)
        served = folder / "dashboards"
        served.mkdir()
        for notebook in ("manager.ipynb", "declaration.ipynb"):
            shutil.copy(ROOT / "dashboards" / notebook, served / notebook)
        baseline_notebook(served / "baseline.ipynb")
        with LiveServer(folder / "demo.sqlite") as server:
            manager = Client(
                server.url, username="haixing_manager", password="demo-haixing_manager"
            )
            result = sync(manager, folder / "coo.duckdb", progress=False)
            print(f"demo: {result}")
            refresh = []
            board = ManagerDashboard(folder / "coo.duckdb")
            for _ in range(runs + 1):
                started = time.perf_counter()
                board.refresh()
                refresh.append(time.perf_counter() - started)
            print(f"model refresh (9 queries, 6 figures): {statistics.median(refresh[1:]):.2f} s")

            port = free_port()
            voila = Child(
                "Voilà",
                serving.voila_command(served, port),
                f"http://127.0.0.1:{port}/",
                folder / "voila.log",
                env=serving.voila_environment(
                    serving.template_root(folder / "jupyter"),
                    service_url=server.url,
                    warehouse=folder / "coo.duckdb",
                    base=dict(os.environ),
                ),
            ).start()
            try:
                voila.wait_ready(timeout=300)
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                    names = ("baseline", "manager", "declaration")
                    times: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
                    returning = browser.new_context(viewport={"width": 1400, "height": 2600})
                    times["returning"] = []
                    opened = dict.fromkeys(names, 0)
                    plan = [("baseline", 0, None), ("manager", 6, None), ("manager", 6, returning)]
                    plan.append(("declaration", 0, None))
                    warm_up = 0 if args.quick else 1  # a first round fills the cache
                    for _ in range(runs + warm_up):
                        for name, charts, context in plan:
                            notebook = f"{name}.ipynb"
                            opened[name] += 1
                            wait_until_preheated(voila, notebook, opened[name])
                            url = serving.dashboard_url(f"http://127.0.0.1:{port}", notebook)
                            key = "returning" if context else name
                            ready = LOGIN if name == "declaration" else WIDGETS
                            times[key].append(open_once(browser, url, charts, context, ready))
                    times = {key: values[warm_up:] for key, values in times.items()}
                    returning.close()
                    browser.close()
            finally:
                voila.stop()

    base = statistics.median(w for w, _ in times["baseline"])
    widgets = statistics.median(w for w, _ in times["manager"])
    drawn = [d for _, d in times["manager"]]
    charts = statistics.median(drawn)
    print(f"baseline notebook (one label widget): widgets after {base:.2f} s (median of {runs})")
    print(
        f"manager dashboard: widgets after {widgets:.2f} s, all 6 charts drawn after "
        f"{charts:.2f} s (median of {runs}; min {min(drawn):.2f}, max {max(drawn):.2f}), "
        f"{charts / base:.2f}× the baseline"
    )
    back = statistics.median(d for _, d in times["returning"])
    print(f"returning visit (browser cache warm): all 6 charts drawn after {back:.2f} s")
    login = statistics.median(w for w, _ in times["declaration"])
    print(
        f"declaration app: login screen after {login:.2f} s (median of {runs}), "
        f"{login / base:.2f}× the baseline"
    )
    targets = (("widgets shown", widgets), ("all charts drawn", charts))
    for what, value in (*targets, ("declaration app's login screen", login)):
        verdict = "met" if value <= TARGET else "NOT met"
        print(f"target: {what} ≤ {TARGET:.0f} s after opening — {verdict} ({value:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
