"""``coo-lab up`` (what ``make run`` calls): everything on localhost with the demo data.

1. the demo store (``coo-lab demo``) when there is none yet;
2. the Single Window service (``coo-lab serve``);
3. the synced DuckDB file, mirrored afresh from the service as the sync user (a rebuilt
   demo store restarts the change feed, so an old mirror's cursor would mean nothing), then
   kept up to date every ``--sync-every`` seconds;
4. Voilà serving ``dashboards/`` (the declaration app and the manager dashboard) with
   pre-heated kernels and the offline template (``coo_lab.dashboard.serving``);
5. JupyterLab on ``notebooks/`` (a token in the printed URL; no update checks, no news).

It prints the addresses and the demo logins, then waits. Ctrl-C (or SIGTERM) stops the
children in reverse order, each with its whole process group (Voilà's and JupyterLab's
kernels included); if a child dies, the others are stopped and the tail of its log shown.
Logs go to ``data/logs/``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from coo_lab.errors import CooLabError
from coo_lab.processes import Child, port_free

DEMO_SYNC_USER = "haixing_manager"


def _say(line: str) -> None:
    print(line, flush=True)


def _check_ports(host: str, ports: dict[str, int]) -> None:
    taken = [f"{option} {port}" for option, port in ports.items() if not port_free(host, port)]
    if taken:
        raise CooLabError(
            f"port(s) already in use on {host}: {', '.join(taken)} — stop what holds them "
            "(an earlier `make run`?) or choose others with these options",
            f"{host} 上的端口已被占用：{'、'.join(taken)}——请停止占用的程序（之前的 "
            "`make run`？）或用这些选项换用其他端口",
        )


def _folder(path: str, what_en: str, what_zh: str) -> Path:
    folder = Path(path)
    if not folder.is_dir():
        raise CooLabError(
            f"{what_en} folder {folder.absolute()} not found: run from the project's folder",
            f"未找到{what_zh}目录 {folder.absolute()}：请在项目目录中运行",
        )
    return folder.absolute()


@dataclass
class Site:
    """What ``up`` started, and the addresses to print."""

    service_url: str
    voila_url: str | None = None
    lab_url: str | None = None
    dashboards: list[str] = field(default_factory=list)
    children: list[Child] = field(default_factory=list)

    def stop(self) -> None:
        for child in reversed(self.children):
            child.stop()


def mirror_afresh(service_url: str, warehouse: Path, username: str, password: str) -> str:
    """Sync the service into a new ``warehouse`` file; the result line."""
    from coo_lab.client import Client
    from coo_lab.mirror import sync

    for leftover in (warehouse, warehouse.with_name(warehouse.name + ".wal")):
        leftover.unlink(missing_ok=True)
    client = Client(service_url, username=username, password=password)
    return str(sync(client, warehouse, progress=False))


def workbench_environment(service_url: str, warehouse: Path) -> dict[str, str]:
    """The environment notebooks find the service and the synced file in."""
    return {
        **os.environ,
        "COO_LAB_URL": service_url,
        "COO_LAB_WAREHOUSE": str(warehouse.absolute()),
        "PYTHONUNBUFFERED": "1",
    }


def lab_command(notebooks: Path, host: str, port: int, token: str) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "coo_lab.dashboard.jupyter",  # JupyterLab, without its slowest import (see there)
        "lab",
        "--no-browser",
        f"--ServerApp.ip={host}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={notebooks}",
        f"--IdentityProvider.token={token}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")  # JupyterLab refuses root otherwise
    return command


def start(args: argparse.Namespace, say: Callable[[str], None] = _say) -> Site:
    """Start everything ``args`` asks for; the caller stops it (``Site.stop``)."""
    from coo_lab.dashboard import serving
    from coo_lab.server.demo import build_demo, password_for

    host = args.host
    ports = {"--port": args.port}
    if not args.no_voila:
        ports["--voila-port"] = args.voila_port
    if not args.no_lab:
        ports["--lab-port"] = args.lab_port
    _check_ports(host, ports)
    dashboards = None if args.no_voila else _folder(args.dashboards, "dashboards", "看板")
    notebooks = None if args.no_lab else _folder(args.notebooks, "notebooks", "笔记本")
    store, warehouse = Path(args.db), Path(args.warehouse)
    logs = Path(args.logs)

    if not store.exists():
        say(f"building the demo store {store} (once) …")
        store.parent.mkdir(parents=True, exist_ok=True)
        build_demo(store, scale=args.demo_scale)
    site = Site(service_url=f"http://{host}:{args.port}")
    try:
        serve = ["serve", "--db", str(store), "--host", host, "--port", str(args.port)]
        service = Child(
            "the service",
            [sys.executable, "-m", "coo_lab.cli", *serve],
            f"{site.service_url}/api/v1/health",
            logs / "service.log",
        )
        site.children.append(service.start())
        service.wait_ready()
        say(f"service on {site.service_url} (store {store})")

        password = args.sync_password or password_for(args.sync_user)
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        say(
            f"sync as {args.sync_user} into {warehouse}: "
            + mirror_afresh(site.service_url, warehouse, args.sync_user, password)
        )

        if dashboards is not None:
            jupyter = serving.template_root(Path(args.runtime) / "jupyter")
            voila = Child(
                "Voilà",
                serving.voila_command(dashboards, args.voila_port, host=host),
                f"http://{host}:{args.voila_port}/",
                logs / "voila.log",
                env=serving.voila_environment(
                    jupyter, service_url=site.service_url, warehouse=warehouse
                ),
            )
            site.children.append(voila.start())
            voila.wait_ready()
            site.voila_url = f"http://{host}:{args.voila_port}"
            site.dashboards = sorted(p.name for p in dashboards.glob("*.ipynb"))

        if notebooks is not None:
            token = secrets.token_hex(16)
            lab = Child(
                "JupyterLab",
                lab_command(notebooks, host, args.lab_port, token),
                f"http://{host}:{args.lab_port}/api",
                logs / "jupyterlab.log",
                env=workbench_environment(site.service_url, warehouse),
            )
            site.children.append(lab.start())
            lab.wait_ready()
            site.lab_url = f"http://{host}:{args.lab_port}/lab?token={token}"
    except BaseException:
        site.stop()
        raise
    return site


def banner(site: Site) -> str:
    """The addresses and the demo logins."""
    from coo_lab.dashboard.serving import dashboard_url

    lines = ["", "coo_lab is running on this machine / coo_lab 已在本机运行:", ""]
    lines.append(f"  service API (docs)      {site.service_url}/docs")
    if site.voila_url:
        lines.append(f"  Voilà dashboards        {site.voila_url}/")
        for name in site.dashboards:
            lines.append(f"    {name:<21} {dashboard_url(site.voila_url, name)}")
    if site.lab_url:
        lines.append(f"  JupyterLab (notebooks)  {site.lab_url}")
    lines += [
        "",
        "Demo logins (password: demo-<username>) / 演示账号（密码为 demo-用户名）:",
        "  operator  haixing_operator   (also ronghua_, lanwan_, huamei_ …)",
        "  admin     haixing_admin      manager  haixing_manager (read only)",
        "  before user filing (用户备案)  xinghai_operator",
        "  reviewers reviewer_dalian  reviewer_dalian2  reviewer_shenyang",
        "",
        "Ctrl-C stops everything / 按 Ctrl-C 全部停止",
    ]
    return "\n".join(lines)


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """Ctrl-C (SIGINT) and SIGTERM end the launcher, children stopped first — SIGINT too
    when the launcher was started in the background, where the shell ignores it."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def serve_until_stopped(
    args: argparse.Namespace, site: Site, say: Callable[[str], None] = _say
) -> int:
    """Keep the mirror fresh and watch the children until Ctrl-C; the exit status."""
    from coo_lab.client import Client
    from coo_lab.mirror import sync
    from coo_lab.server.demo import password_for

    client = None
    next_sync = time.monotonic() + args.sync_every if args.sync_every > 0 else None
    while True:
        for child in site.children:
            if not child.alive():
                say(f"{child.name} stopped; the end of {child.log_path}:\n{child.log_tail()}")
                return 1
        if next_sync is not None and time.monotonic() >= next_sync:
            try:
                if client is None:
                    password = args.sync_password or password_for(args.sync_user)
                    client = Client(site.service_url, username=args.sync_user, password=password)
                result = sync(client, args.warehouse, progress=False)
                if result.changes:
                    say(str(result))
            except Exception as error:  # a failed background sync must not stop the servers
                say(f"sync failed, will retry: {type(error).__name__}: {error}")
                client = None
            next_sync = time.monotonic() + args.sync_every
        time.sleep(0.5)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    env = os.environ.get
    parser.add_argument("--db", default=env("COO_LAB_DB", "data/coo_lab.sqlite"))
    parser.add_argument("--warehouse", default="data/coo.duckdb", help="the synced DuckDB file")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(env("COO_LAB_PORT", "8700")))
    parser.add_argument("--voila-port", type=int, default=8866)
    parser.add_argument("--lab-port", type=int, default=8888)
    parser.add_argument("--dashboards", default="dashboards", help="folder Voilà serves")
    parser.add_argument("--notebooks", default="notebooks", help="folder JupyterLab opens")
    parser.add_argument("--runtime", default="data", help="folder for the Voilà template")
    parser.add_argument("--logs", default="data/logs")
    parser.add_argument("--sync-user", default=DEMO_SYNC_USER)
    parser.add_argument("--sync-password", default=None, help="default: the demo password")
    parser.add_argument(
        "--sync-every", type=float, default=60.0, help="seconds between syncs (0: once)"
    )
    parser.add_argument("--demo-scale", type=int, default=None, help="when building the demo")
    parser.add_argument("--no-voila", action="store_true")
    parser.add_argument("--no-lab", action="store_true")


def up(args: argparse.Namespace) -> int:
    with _stop_on_signals():
        site = None
        try:
            site = start(args)
            _say(banner(site))
            return serve_until_stopped(args, site)
        except KeyboardInterrupt:
            print("\nstopping … / 正在停止 …", flush=True)
            return 0
        finally:
            if site is not None:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C: keep stopping
                site.stop()
                print("stopped / 已停止", flush=True)
