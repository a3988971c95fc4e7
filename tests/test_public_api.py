"""The public surface: what `coo_lab` exports, and that importing it stays instant."""

from __future__ import annotations

import subprocess
import sys

import coo_lab


def test_every_exported_name_resolves() -> None:
    for name in coo_lab.__all__:
        assert getattr(coo_lab, name) is not None, name


def test_all_is_sorted_and_complete() -> None:
    assert coo_lab.__all__ == sorted(coo_lab.__all__)
    assert set(coo_lab.__all__) == set(coo_lab._EXPORTS) | set(coo_lab._MODULES) | {"__version__"}


def test_unknown_names_raise_attribute_error() -> None:
    try:
        coo_lab.NoSuchThing  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchThing" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_import_loads_nothing_heavy() -> None:
    code = (
        "import sys, coo_lab; heavy = [m for m in ('pydantic', 'fastapi', 'pandas', "
        "'requests', 'coo_lab.domain.codes') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_readme_example_runs() -> None:
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("```python", 1)[1].split("```", 1)[0]
    exec(compile(example, "README.md", "exec"), {})
