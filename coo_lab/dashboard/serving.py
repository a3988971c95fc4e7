"""Voilà for coo_lab's dashboards: the offline template, the command line and its settings.

Voilà's "lab" template links Font Awesome from a CDN (two stylesheets, on every page, tree
and error pages included). The ``coo_lab`` template (``voila_template/``) is the lab
template with those links pointing at this Voilà, which serves the ``fontawesome-free``
package's files; ``template_root(folder)`` lays it out as a Jupyter data directory (the
templates and the stylesheets and fonts copied) for ``JUPYTER_PATH``.

Kernels are pre-heated (``--preheat_kernel``, a pool of ``pool_size`` per notebook): Voilà
runs each dashboard in a waiting kernel before anyone asks, so opening one only connects the
page to a kernel whose widgets already exist.

The kernels learn where things are from the environment: ``COO_LAB_URL`` (the service) and
``COO_LAB_WAREHOUSE`` (the synced DuckDB file).
"""

from __future__ import annotations

import os
import shutil
import sys
from importlib import resources
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from coo_lab.errors import CooLabError

TEMPLATE = "coo_lab"
TEMPLATE_FILES = ("conf.json", "index.html.j2", "page.html")
FONTAWESOME_PACKAGE = "fontawesome-free"
FONTAWESOME_FILES = (
    "css/all.min.css",
    "css/v4-shims.min.css",
    *(
        f"webfonts/fa-{face}.{kind}"
        for face in ("brands-400", "regular-400", "solid-900")
        for kind in ("woff2", "woff", "ttf", "eot", "svg")
    ),
)


def fontawesome_dir() -> Path:
    """The folder of the installed Font Awesome Free (its ``css/`` and ``webfonts/``)."""
    try:
        dist = distribution(FONTAWESOME_PACKAGE)
    except PackageNotFoundError as exc:
        raise CooLabError(
            f"the {FONTAWESOME_PACKAGE} package is missing: run `make run` or "
            f"`pip install -e .` to install the project's dependencies",
            f"缺少 {FONTAWESOME_PACKAGE} 包：请运行 `make run` 或 `pip install -e .` 安装依赖",
        ) from exc
    folder = Path(str(dist.locate_file("fontawesome-free/static/fontawesome_free")))
    if not (folder / "css" / "all.min.css").is_file():
        raise CooLabError(
            f"{folder} holds no css/all.min.css: reinstall {FONTAWESOME_PACKAGE}",
            f"{folder} 中没有 css/all.min.css：请重新安装 {FONTAWESOME_PACKAGE}",
        )
    return folder


def _copy_fontawesome(source: Path, target: Path) -> None:
    """Copy the stylesheets and fonts (a symlink would not do: the static file handler
    refuses files whose real path is outside its folder); skipped when already there."""
    for name in FONTAWESOME_FILES:
        wanted = source / name
        there = target / name
        if there.is_file() and there.stat().st_size == wanted.stat().st_size:
            continue
        there.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(wanted, there)


def template_root(folder: str | Path) -> Path:
    """Lay out the ``coo_lab`` Voilà template under ``folder`` (a Jupyter data directory:
    pass it in ``JUPYTER_PATH``); returns ``folder``. Safe to call again."""
    folder = Path(folder).absolute()
    target = folder / "voila" / "templates" / TEMPLATE
    target.mkdir(parents=True, exist_ok=True)
    source = resources.files("coo_lab.dashboard") / "voila_template"
    for name in TEMPLATE_FILES:
        (target / name).write_bytes((source / name).read_bytes())
    _copy_fontawesome(fontawesome_dir(), target / "static" / "fontawesome")
    return folder


def voila_command(
    root_dir: str | Path,
    port: int,
    *,
    host: str = "127.0.0.1",
    pool_size: int = 1,
) -> list[str]:
    """The command that serves every notebook under ``root_dir`` (``/voila/render/NAME``)."""
    command = [
        sys.executable,
        "-m",
        "coo_lab.dashboard.jupyter",  # voila, without its slowest import (see there)
        "voila",
        str(Path(root_dir).absolute()),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={host}",
        f"--template={TEMPLATE}",
        "--VoilaConfiguration.show_tracebacks=False",
    ]
    if pool_size > 0:
        command += ["--preheat_kernel=True", f"--pool_size={pool_size}"]
    return command


def voila_environment(
    template_folder: str | Path,
    *,
    service_url: str | None = None,
    warehouse: str | Path | None = None,
    base: dict[str, str] | None = None,
) -> dict[str, str]:
    """The environment for Voilà and its kernels."""
    env = dict(os.environ if base is None else base)
    paths = [str(Path(template_folder).absolute())]
    if env.get("JUPYTER_PATH"):
        paths.append(env["JUPYTER_PATH"])
    env["JUPYTER_PATH"] = os.pathsep.join(paths)
    if service_url:
        env["COO_LAB_URL"] = service_url
    if warehouse:
        env["COO_LAB_WAREHOUSE"] = str(Path(warehouse).absolute())
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def dashboard_url(base_url: str, notebook: str) -> str:
    """The address of one dashboard (a notebook under the served folder)."""
    return f"{base_url.rstrip('/')}/voila/render/{notebook}"
