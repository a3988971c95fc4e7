"""`make run` (coo-lab up): everything starts on loopback with the demo data, the addresses it
prints answer, the mirror follows the service, and Ctrl-C stops every child."""

from __future__ import annotations

import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from coo_lab import samples
from coo_lab.client import Client
from coo_lab.mirror import stored_cursor
from coo_lab.processes import port_free
from coo_lab.server.live import free_port

ROOT = Path(__file__).parent.parent


def _lines(stream) -> tuple[queue.Queue, threading.Thread]:
    lines: queue.Queue = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line)
        lines.put(None)

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    return lines, thread


def _until(lines: queue.Queue, marker: str, seen: list[str], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if line is None:
            raise AssertionError("coo-lab up ended:\n" + "".join(seen))
        seen.append(line)
        if marker in line:
            return
    raise AssertionError(f"no {marker!r} within {timeout} s:\n" + "".join(seen))


def test_up_serves_everything_and_ctrl_c_stops_it(tmp_path: Path) -> None:
    ports = {name: free_port() for name in ("--port", "--voila-port", "--lab-port")}
    warehouse = tmp_path / "coo.duckdb"
    command = [sys.executable, "-m", "coo_lab.cli", "up", "--db", str(tmp_path / "demo.sqlite")]
    command += ["--warehouse", str(warehouse), "--runtime", str(tmp_path)]
    command += ["--logs", str(tmp_path / "logs"), "--demo-scale", "300", "--sync-every", "1"]
    command += ["--dashboards", str(ROOT / "dashboards"), "--notebooks", str(ROOT / "notebooks")]
    for option, port in ports.items():
        command += [option, str(port)]
    launcher = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path
    )
    seen: list[str] = []
    pump = None
    try:
        lines, pump = _lines(launcher.stdout)
        _until(lines, "Ctrl-C", seen)
        banner = "".join(seen)
        urls = dict(re.findall(r"^\s+(.+?)\s{2,}(http://\S+)$", banner, re.MULTILINE))
        service = f"http://127.0.0.1:{ports['--port']}"
        assert urls["service API (docs)"] == f"{service}/docs"
        assert "haixing_operator" in banner and "reviewer_dalian" in banner
        assert requests.get(f"{service}/api/v1/health", timeout=30).ok

        assert requests.get(urls["Voilà dashboards"], timeout=60).ok
        page = requests.get(urls["manager.ipynb"], timeout=120)
        assert page.ok and "application/vnd.jupyter.widget-view+json" in page.text
        assert "cdn.jsdelivr.net" not in page.text  # the offline template
        assert "/voila/templates/coo_lab/static/fontawesome/css/all.min.css" in page.text
        css = requests.get(
            urls["Voilà dashboards"] + "voila/templates/coo_lab/static/fontawesome/css/all.min.css",
            timeout=30,
        )
        assert css.ok and "Font Awesome" in css.text

        lab = urls["JupyterLab (notebooks)"]
        token = lab.split("token=")[1]
        lab_root = lab.split("/lab?")[0]
        assert requests.get(f"{lab_root}/api/contents?token={token}", timeout=30).ok
        assert requests.get(f"{lab_root}/api/contents", timeout=30).status_code == 403
        listed = requests.get(f"{lab_root}/api/contents?token={token}", timeout=30).json()
        assert {"declare.ipynb", "analysis.ipynb"} <= {c["name"] for c in listed["content"]}

        # the mirror follows the service (every second here)
        cursor = stored_cursor(warehouse)
        operator = Client(service, username="haixing_operator", password="demo-haixing_operator")
        operator.certificates.create(samples.certificate("C"))
        deadline = time.monotonic() + 120
        while stored_cursor(warehouse) <= cursor:
            assert time.monotonic() < deadline, "the launcher did not sync the new draft"
            time.sleep(0.5)

        launcher.send_signal(signal.SIGINT)
        assert launcher.wait(timeout=120) == 0
        _until(lines, "stopped", seen, timeout=10)
    finally:
        if launcher.poll() is None:
            launcher.kill()
            launcher.wait()
        if pump is not None:
            pump.join(timeout=10)
        launcher.stdout.close()
    deadline = time.monotonic() + 30
    while not all(port_free("127.0.0.1", port) for port in ports.values()):
        assert time.monotonic() < deadline, "a child still listens after Ctrl-C"
        time.sleep(0.5)
