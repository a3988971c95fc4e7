"""Jupyter's servers without their slowest import: ``python -m coo_lab.dashboard.jupyter
voila|lab ARGS…`` runs Voilà or JupyterLab with ``rfc3987_syntax`` deferred.

Why. ``jupyter_server`` → ``jupyter_events`` → ``jsonschema[format-nongpl]`` imports
``rfc3987_syntax``, whose import builds some forty Earley parsers for the IRI grammar: about
2 s of CPU on this 2-core machine when it is quiet, 8–12 s under the other tenants' load —
paid by every Voilà and JupyterLab start and by every process that imports ``nbformat``
(nbclient in the tests). jsonschema only calls ``rfc3987_syntax.is_valid_syntax`` to check
``"format": "iri"`` values, which Jupyter's own schemas hardly ever do.

``defer_rfc3987_syntax()`` puts a stand-in module under that name: its ``is_valid_syntax``
imports the real grammar on its first call, so validation still happens — exactly as
before — whenever it is actually needed. ``bench/dashboard.py`` prints the import time both
ways.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import types
from typing import Any

NAME = "rfc3987_syntax"


def _real() -> types.ModuleType:
    """The real grammar module (built on first use, then cached by the import system)."""
    return importlib.import_module(f"{NAME}.syntax_helpers")


def defer_rfc3987_syntax() -> bool:
    """Install the stand-in; False when the real module is loaded already or not installed."""
    if NAME in sys.modules:
        return False
    spec = importlib.machinery.PathFinder.find_spec(NAME)
    if spec is None or spec.submodule_search_locations is None:
        return False
    stand_in = types.ModuleType(NAME, "rfc3987_syntax, loaded on first use (coo_lab)")
    stand_in.__path__ = list(spec.submodule_search_locations)  # its submodules import as usual
    stand_in.__spec__ = spec

    def is_valid_syntax(term: str, value: str) -> bool:
        return _real().is_valid_syntax(term, value)

    def __getattr__(name: str) -> Any:  # anything else the package exports
        return getattr(_real(), name)

    stand_in.is_valid_syntax = is_valid_syntax  # type: ignore[attr-defined]
    stand_in.__getattr__ = __getattr__  # type: ignore[attr-defined]
    sys.modules[NAME] = stand_in
    return True


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in ("voila", "lab"):
        print("usage: python -m coo_lab.dashboard.jupyter voila|lab [ARGS…]", file=sys.stderr)
        return 2
    defer_rfc3987_syntax()
    app, rest = args[0], args[1:]
    sys.argv = [app, *rest]
    if app == "voila":
        from voila.app import main as run
    else:
        from jupyterlab.labapp import main as run
    return run() or 0


if __name__ == "__main__":
    sys.exit(main())
