"""Servers started as child processes (the service, Voilà, JupyterLab): each in its own
process group with its own log, waited for until its address answers, and stopped with
everything it started (kernels included) — by ``coo-lab up``, the browser tests and
``bench/dashboard.py``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from coo_lab.errors import CooLabError


@dataclass
class Child:
    """A server the launcher starts: its own process group, its log, its readiness URL."""

    name: str
    command: list[str]
    ready_url: str
    log_path: Path
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    cwd: Path | None = None
    process: subprocess.Popen | None = None

    def start(self) -> Child:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command,
                env=self.env,
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the launcher only; it stops us
            )
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Until ``ready_url`` answers (any status below 500); a clear error otherwise."""
        import requests

        deadline = time.monotonic() + timeout
        while True:
            if not self.alive():
                raise CooLabError(
                    f"{self.name} stopped while starting; the end of {self.log_path}:\n"
                    + self.log_tail(),
                    f"{self.name} 启动时退出；日志 {self.log_path} 末尾：\n" + self.log_tail(),
                )
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.ready_url, timeout=5).status_code < 500:
                    return
            if time.monotonic() > deadline:
                raise CooLabError(
                    f"{self.name} did not answer at {self.ready_url} within {timeout:.0f} s",
                    f"{self.name} 在 {timeout:.0f} 秒内未在 {self.ready_url} 响应",
                )
            time.sleep(0.2)

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM to the child's process group (it stops its kernels), SIGKILL if it
        lingers; then SIGKILL to any member of that group that outlived it (by pid)."""
        if self.process is None or self.process.poll() is not None:
            return
        group = os.getpgid(self.process.pid)
        members = _group_members(group)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
            self.process.wait(timeout=5)
        for pid in members | _group_members(group):
            if pid != self.process.pid and _process_group(pid) == group:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def _process_group(pid: int) -> int | None:
    """The process group of ``pid`` (None once it is gone), from /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[2])


def _group_members(group: int) -> set[int]:
    return {
        int(pid)
        for pid in os.listdir("/proc")
        if pid.isdigit() and _process_group(int(pid)) == group
    }


def port_free(host: str, port: int) -> bool:
    """Whether a server could listen there (as the servers do, despite TIME_WAIT leftovers)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True
