"""dashboards/declaration.ipynb runs in a real kernel against the live service and shows
the app (what Voilà serves)."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).parents[2] / "dashboards" / "declaration.ipynb"
WIDGET = "application/vnd.jupyter.widget-view+json"


def test_the_declaration_notebook_shows_the_app(live, monkeypatch) -> None:
    monkeypatch.setenv("COO_LAB_URL", live.url)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    ).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert [o.output_type for o in outputs] == ["execute_result"]  # no error, no stray text
    assert WIDGET in outputs[0]["data"]
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    texts = [m["state"].get("value") for m in state.values()]
    assert "贸促会原产地证申报系统" in texts and any(live.url in str(t) for t in texts)
