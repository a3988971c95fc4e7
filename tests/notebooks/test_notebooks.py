"""Every notebook in notebooks/ and dashboards/ runs top to bottom (nbclient, a real kernel)
against the demo service on loopback, as `make run` serves it."""

from __future__ import annotations

from pathlib import Path

import pytest

from coo_lab.client import Client

ROOT = Path(__file__).parents[2]
NOTEBOOKS = ROOT / "notebooks"
DASHBOARDS = ROOT / "dashboards"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def run(path: Path, demo_site, warehouse: Path, monkeypatch: pytest.MonkeyPatch):
    """Execute the notebook in a fresh kernel (which inherits this environment)."""
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("COO_LAB_URL", demo_site.url)
    monkeypatch.setenv("COO_LAB_WAREHOUSE", str(warehouse))
    for name in ("COO_LAB_USERNAME", "COO_LAB_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    return nb


def _outputs(nb) -> list[dict]:
    return [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]


def _mimes(nb) -> list[str]:
    return [mime for o in _outputs(nb) for mime in o.get("data", {})]


def test_the_notebooks_are_clean() -> None:
    import nbformat

    paths = sorted(NOTEBOOKS.glob("*.ipynb")) + sorted(DASHBOARDS.glob("*.ipynb"))
    assert {p.name for p in paths} >= {
        "declare.ipynb",
        "analysis.ipynb",
        "bulk_corrections.ipynb",
        "manager.ipynb",
    }
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        assert nb.metadata.kernelspec.name == "python3", path.name
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), (
            f"{path.name} is committed with outputs"
        )


def test_declare(demo_site, demo_warehouse_copy: Path, monkeypatch) -> None:
    nb = run(NOTEBOOKS / "declare.ipynb", demo_site, demo_warehouse_copy, monkeypatch)
    number = _outputs(nb)[-1]["data"]["text/plain"].strip("'")
    operator = Client(demo_site.url, username="haixing_operator", password="demo-haixing_operator")
    approved = operator.certificates.list(status="approved")
    row = approved[approved["certificate_number"] == number]
    assert len(row) == 1 and row["invoice_number"].iloc[0].startswith("NB")
    receipts = operator.certificates.receipts(int(row["id"].iloc[0]))
    assert list(receipts["to_status"]) == ["approved", "submitted", "draft"]


def test_analysis(demo_site, demo_warehouse_copy: Path, monkeypatch) -> None:
    nb = run(NOTEBOOKS / "analysis.ipynb", demo_site, demo_warehouse_copy, monkeypatch)
    mimes = _mimes(nb)
    assert mimes.count(PLOTLY_MIME) == 4
    assert mimes.count(WIDGET_MIME) == 1
    text = "".join(o.get("text", "") for o in _outputs(nb))
    assert "synced" in text and "general COs to FTA partners" in text


@pytest.mark.xfail(
    not hasattr(Client, "bulk_update"),
    reason="client.bulk_update / client.audit are built on another branch (issue 5)",
    strict=True,
)
def test_bulk_corrections(demo_site, demo_warehouse_copy: Path, monkeypatch) -> None:
    nb = run(NOTEBOOKS / "bulk_corrections.ipynb", demo_site, demo_warehouse_copy, monkeypatch)
    assert "applied" in str(_outputs(nb))


def test_manager_dashboard_notebook(demo_site, demo_warehouse_copy: Path, monkeypatch) -> None:
    nb = run(DASHBOARDS / "manager.ipynb", demo_site, demo_warehouse_copy, monkeypatch)
    assert _mimes(nb).count(WIDGET_MIME) == 1
    assert not [o for o in _outputs(nb) if o["output_type"] == "error"]
