"""The declaration app (贸促会原产地证申报系统) in ipywidgets, served by Voilà.

    from coo_lab.ui import DeclarationApp
    DeclarationApp("http://127.0.0.1:8700").widget      # display it in a notebook

Screen state lives in plain models (``session``, ``form``, ``goods``, ``queries``,
``basedata``, ``review``…) that talk to the service through ``coo_lab.Client``; the widgets
(``coo_lab.ui.widgets``) only bind to them. Importing this package loads nothing heavy: the
app and its widgets load on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "DeclarationApp": "coo_lab.ui.widgets.app",
    "Session": "coo_lab.ui.session",
    "CertificateForm": "coo_lab.ui.form",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'coo_lab.ui' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from coo_lab.ui.form import CertificateForm  # noqa: F401
    from coo_lab.ui.session import Session  # noqa: F401
    from coo_lab.ui.widgets.app import DeclarationApp  # noqa: F401
