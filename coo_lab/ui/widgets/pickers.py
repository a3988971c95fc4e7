"""Search-and-pick inputs: type a few letters, choose from what the reference data holds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from coo_lab.ui.lookups import Options
from coo_lab.ui.widgets.common import dropdown


class SearchPicker(w.HBox):
    """A search box and the matches; choosing one calls ``on_pick(value)``."""

    def __init__(
        self,
        search: Callable[[str], Options],
        on_pick: Callable[[Any], object],
        *,
        placeholder: str = "",
        width: str = "320px",
    ) -> None:
        self.search, self.on_pick = search, on_pick
        self.query = w.Text(
            placeholder=placeholder, continuous_update=False, layout=w.Layout(width="130px")
        )
        self.results = dropdown([("—", None)], width)
        self._quiet = False
        self.query.observe(self._on_query, names="value")
        self.results.observe(self._on_result, names="value")
        self.query.add_class("coo-picker-query")
        self.results.add_class("coo-picker-results")
        super().__init__([self.query, self.results])

    def _on_query(self, change: dict[str, Any]) -> None:
        found = self.search(change["new"]) if change["new"].strip() else []
        self._quiet = True
        try:
            self.results.options = [(f"— {len(found)} —", None), *found]
            self.results.value = None
        finally:
            self._quiet = False

    def _on_result(self, change: dict[str, Any]) -> None:
        if not self._quiet and change["new"] is not None:
            self.on_pick(change["new"])

    def pick(self, query: str, value: Any) -> None:
        """Search and choose, as a user would (used by tests and keyboard-less callers)."""
        self.query.value = query
        self.results.value = value
