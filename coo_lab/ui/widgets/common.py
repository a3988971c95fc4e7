"""Pieces every screen uses: labels that follow the language, messages under fields, the
notice bar with its progress, field bindings and a light table.

Nothing here knows a business rule: a binding passes what the user typed to its model's
``set`` and shows what the model says back.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import ipywidgets as w
import traitlets

from coo_lab.ui.i18n import FIELD_LABELS, LABELS, Language, pick
from coo_lab.ui.messages import Message
from coo_lab.ui.session import Session
from coo_lab.ui.state import Model, Notice

LOG = logging.getLogger("coo_lab.ui")
COLOURS = {"error": "#c0392b", "warning": "#b9770e", "ok": "#1e8449", "info": "#2c3e50"}
LABEL_WIDTH = "130px"
LINK_STYLE = {
    "button_color": "transparent",
    "text_color": "#1a5fb4",
    "text_decoration": "underline",
}


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


class Words:
    """Widget attributes that follow the session's language (description, titles, text),
    and the guard every click runs through."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._bound: list[Callable[[Language], None]] = []
        self.on_unexpected: Callable[[BaseException], None] | None = None
        session.observe(self._on_session)

    def busy(
        self, button: w.Button, action: Callable[[], object], after: Callable[[], None]
    ) -> None:
        """Run a click's action with its button disabled meanwhile; ``after`` then decides
        which buttons the new state allows."""
        button.disabled = True
        try:
            self.guard(action)
        finally:
            button.disabled = False
            self.guard(after)

    def guard(self, action: Callable[[], object]) -> None:
        """Run ``action``; an error the models did not turn into a message (a defect) is
        logged for the developer and shown as a message — never as a traceback."""
        try:
            action()
        except Exception as exc:
            self.unexpected(exc)

    def unexpected(self, exc: BaseException) -> None:
        LOG.error("unexpected error in the declaration app", exc_info=exc)
        if self.on_unexpected is not None:
            self.on_unexpected(exc)

    @property
    def lang(self) -> Language:
        return self.session.language

    def __call__(self, key: str, **values: object) -> str:
        words = pick(LABELS[key], self.lang)
        return words.format(**values) if values else words

    def field(self, name: str) -> str:
        return pick(FIELD_LABELS.get(name, (name, name)), self.lang)

    def bind(self, apply: Callable[[Language], None]) -> None:
        """``apply(lang)`` now and on every language change."""
        self._bound.append(apply)
        apply(self.lang)

    def label(self, widget: w.Widget, key: str, attr: str = "description") -> w.Widget:
        self.bind(lambda lang: setattr(widget, attr, pick(LABELS[key], lang)))
        return widget

    def field_label(self, widget: w.Widget, name: str, attr: str = "value") -> w.Widget:
        self.bind(
            lambda lang: setattr(widget, attr, pick(FIELD_LABELS.get(name, (name, name)), lang))
        )
        return widget

    def button(self, key: str, *, style: str = "", width: str = "auto") -> w.Button:
        button = w.Button(button_style=style, layout=w.Layout(width=width))
        return self.label(button, key)

    def _on_session(self, what: str) -> None:
        if what == "language":
            for apply in self._bound:
                apply(self.lang)


def messages_html(messages: Sequence[Message], lang: Language) -> str:
    if not messages:
        return ""
    items = "".join(
        f'<div style="color:{COLOURS.get(m.severity, "#333")};font-size:12px">'
        f"{'✖' if m.severity == 'error' else '⚠'} {esc(m.text(lang))}</div>"
        for m in messages
    )
    return f"<div>{items}</div>"


def notice_html(notice: Notice | None, lang: Language) -> str:
    if notice is None:
        return ""
    colour = COLOURS.get(notice.kind, "#333")
    lines = notice.text(lang).split("\n")
    body = "".join(f"<div>{esc(line)}</div>" for line in lines[1:])
    return (
        f'<div style="border-left:4px solid {colour};padding:4px 8px;margin:4px 0;'
        f'color:{colour}"><b>{esc(lines[0])}</b>{body}</div>'
    )


class NoticeBar(w.VBox):
    """The model's notice, and a progress bar while a long action runs."""

    def __init__(self, model: Model, words: Words) -> None:
        self.model, self.words = model, words
        self.message = w.HTML()
        self.bar = w.IntProgress(min=0, max=1, value=0, layout=w.Layout(display="none"))
        self.bar_text = w.Label()
        super().__init__([self.message, w.HBox([self.bar, self.bar_text])])
        model.observe(self._on_model)
        words.bind(lambda _lang: self.refresh())

    def _on_model(self, what: str) -> None:
        if what in ("notice", "progress", "all"):
            self.refresh()

    def refresh(self) -> None:
        self.message.value = notice_html(self.model.notice, self.words.lang)
        progress = self.model.progress
        if progress is None:
            self.bar.layout.display = "none"
            self.bar_text.value = ""
        else:
            done, total = progress
            self.bar.layout.display = ""
            self.bar.max = max(total, 1)
            self.bar.value = done
            self.bar_text.value = self.words("running", done=done, total=total)


DESCRIBED = (w.Text, w.Textarea, w.DatePicker, w.Dropdown, w.Combobox, w.SelectMultiple)


def labelled(words: Words, name: str, widget: w.Widget, messages: w.HTML | None = None) -> w.Box:
    """A field: the input with its label (following the language), the messages beneath.

    Inputs carry their own label (``description``) — a screen holds hundreds of widgets and
    each one is a round trip for the browser, so a field is as few widgets as it can be."""
    if isinstance(widget, DESCRIBED):
        widget.style.description_width = LABEL_WIDTH
        words.field_label(widget, name, "description")
        first: w.Widget = widget
    else:
        label = words.field_label(w.HTML(layout=w.Layout(width=LABEL_WIDTH)), name)
        first = w.HBox([label, widget])
    return w.VBox([first, messages]) if messages is not None else first


def grid(children: Sequence[w.Widget], columns: int = 2, width: str = "520px") -> w.GridBox:
    """Fields side by side, ``columns`` to a row, as the deck lays its forms out."""
    return w.GridBox(
        list(children), layout=w.Layout(grid_template_columns=f"repeat({columns}, {width})")
    )


def text_value(value: Any) -> str:
    return "" if value is None else str(value)


class Binding:
    """One input bound to one field of a model with ``set(field, value)``, ``display(field)``
    and ``messages(field)``; ``refresh()`` redraws it from the model."""

    def __init__(
        self,
        model: Any,
        field: str,
        widget: w.ValueWidget,
        words: Words,
        *,
        to_widget: Callable[[Any], Any] = text_value,
        to_model: Callable[[Any], Any] = lambda v: v,
    ) -> None:
        self.model, self.field, self.widget, self.words = model, field, widget, words
        self.to_widget, self.to_model = to_widget, to_model
        self.messages = w.HTML()
        self._quiet = False
        widget.observe(self._on_widget, names="value")

    def _on_widget(self, change: dict[str, Any]) -> None:
        if not self._quiet:
            self.model.set(self.field, self.to_model(change["new"]))

    def refresh(self) -> None:
        value = self.to_widget(self.model.display(self.field))
        self._quiet = True
        try:
            if isinstance(self.widget, w.Dropdown | w.Select):
                known = [o[1] if isinstance(o, tuple) else o for o in self.widget.options]
                if value not in known:
                    self.widget.options = [*self.widget.options, (str(value), value)]
            self.widget.value = value
        finally:
            self._quiet = False
        self.messages.value = messages_html(self.model.messages(self.field), self.words.lang)

    def set_options(self, options: Sequence[tuple[str, Any]]) -> None:
        """New choices for a dropdown (another type's countries, another language's names);
        the model's value stays — a dropdown given new options selects the first one, and
        that must not reach the model — and is shown again."""
        if [tuple(o) for o in self.widget.options] == [tuple(o) for o in options]:
            return
        self._quiet = True
        try:
            self.widget.options = list(options)
        finally:
            self._quiet = False
        self.refresh()

    def box(self) -> w.Box:
        return labelled(self.words, self.field, self.widget, self.messages)

    def tag(self, scope: str) -> Binding:
        """Classes ``coo-<scope>-<field>`` on the input and ``…-messages`` on its messages."""
        tag(self.widget, scope, self.field)
        tag(self.messages, scope, self.field, "messages")
        return self


def text_input(*, area: bool = False, width: str = "380px", placeholder: str = "") -> w.Widget:
    kind = w.Textarea if area else w.Text
    height = {"height": "64px"} if area else {}
    return kind(
        continuous_update=False, placeholder=placeholder, layout=w.Layout(width=width, **height)
    )


def date_input(width: str = "380px") -> w.DatePicker:
    return w.DatePicker(layout=w.Layout(width=width))


def as_date(value: Any) -> date | None:
    return value if isinstance(value, date) else None


class Choice(w.Dropdown):
    """A dropdown whose empty value shows its "—" option (a ``None``-valued one).

    ipywidgets reads the value ``None`` as "nothing selected" and draws a blank box, even
    when an option's value is ``None``; a cleared field then looked like a broken one."""

    def _none_index(self) -> int | None:
        return self._options_values.index(None) if None in self._options_values else None

    @traitlets.observe("value")
    def _propagate_value(self, change: dict[str, Any]) -> None:
        if change["new"] is None and (index := self._none_index()) is not None:
            if self.index != index:
                self.index = index
        else:
            super()._propagate_value(change)

    @traitlets.observe("options")
    def _propagate_options(self, change: dict[str, Any]) -> None:
        super()._propagate_options(change)
        if self.index is None and (index := self._none_index()) is not None:
            self.index = index


def dropdown(options: Sequence[tuple[str, Any]], width: str = "380px") -> Choice:
    return Choice(options=list(options), layout=w.Layout(width=width))


class Table(w.VBox):
    """Rows as a light table: a tick box, a link button (e.g. the invoice number) and the
    other cells in one HTML line, so a page of rows stays a few widgets each."""

    def __init__(
        self,
        columns: Sequence[tuple[str, str]],
        widths: Sequence[int],
        *,
        on_link: Callable[[dict[str, Any]], None] | None = None,
        link: str | None = None,
        ticks: bool = True,
        guard: Callable[[Callable[[], object]], None] = lambda action: action(),
    ) -> None:
        super().__init__()
        self.guard = guard  # the page's guard: a defect in a handler becomes a message
        self.columns, self.widths = list(columns), list(widths)
        self.on_link, self.link, self.ticks = on_link, link, ticks
        self.rows: list[dict[str, Any]] = []
        self.tick_boxes: list[w.Checkbox] = []
        self.link_buttons: list[w.Button] = []
        self.on_tick: Callable[[dict[str, Any], bool], None] | None = None
        self.header = w.HTML()

    def _grid(self, cells: Sequence[str], bold: bool = False) -> str:
        template = " ".join(f"{px}px" for px in self.widths)
        weight = "font-weight:bold;background:#eef3f8;" if bold else ""
        inner = "".join(
            f'<div style="overflow:hidden;white-space:nowrap;text-overflow:ellipsis;'
            f'padding:2px 4px">{cell}</div>'
            for cell in cells
        )
        return (
            f'<div style="display:grid;grid-template-columns:{template};{weight}'
            f'font-size:12px;border-bottom:1px solid #ddd">{inner}</div>'
        )

    def show(
        self,
        rows: Sequence[dict[str, Any]],
        headings: Sequence[str],
        cell: Callable[[dict[str, Any], str], str],
        *,
        link_heading: str = "",
        ticked: set[Any] | None = None,
        empty: str = "",
    ) -> None:
        """Redraw with ``rows``; ``cell(row, key)`` gives each cell's text."""
        for widget in [*self.tick_boxes, *self.link_buttons]:
            widget.close()
        self.rows, self.tick_boxes, self.link_buttons = list(rows), [], []
        self.header.value = self._grid([esc(h) for h in headings], bold=True)
        lead = [w.Label(link_heading, layout=w.Layout(width="150px"))]
        if self.ticks:
            lead.insert(0, w.Label("", layout=w.Layout(width="28px")))
        children: list[w.Widget] = [w.HBox([*lead, self.header])]
        for row in self.rows:
            parts: list[w.Widget] = []
            if self.ticks:
                box = w.Checkbox(
                    value=bool(ticked and row.get("id") in ticked),
                    indent=False,
                    layout=w.Layout(width="28px"),
                )
                box.observe(lambda ch, row=row: self._ticked(row, ch["new"]), names="value")
                self.tick_boxes.append(box)
                parts.append(box)
            if self.link:
                button = w.Button(
                    description=str(row.get(self.link) or "—"),
                    layout=w.Layout(width="150px"),
                    tooltip=str(row.get(self.link) or ""),
                    style=LINK_STYLE,
                )
                button.add_class("coo-row-link")
                button.on_click(lambda _b, row=row: self._linked(row))
                self.link_buttons.append(button)
                parts.append(button)
            parts.append(w.HTML(self._grid([esc(cell(row, key)) for key, _ in self.columns])))
            children.append(w.HBox(parts))
        if not self.rows and empty:
            children.append(w.HTML(f"<i>{esc(empty)}</i>"))
        self.children = children

    def _linked(self, row: dict[str, Any]) -> None:
        if self.on_link is not None:
            self.guard(lambda: self.on_link(row))

    def _ticked(self, row: dict[str, Any], on: bool) -> None:
        if self.on_tick is not None:
            self.guard(lambda: self.on_tick(row, on))


def hidden(widget: w.Widget, hide: bool) -> None:
    widget.layout.display = "none" if hide else ""


def css_name(*parts: str) -> str:
    """A stable CSS class for the browser tests: ``coo-`` and the parts, hyphenated."""
    return "-".join(["coo", *parts]).replace("_", "-")


def tag(widget: w.Widget, *parts: str) -> w.Widget:
    """Give ``widget`` the class ``css_name(*parts)`` (a selector that survives layout
    changes, e.g. ``.coo-cert-fob-usd input``); returns the widget."""
    widget.add_class(css_name(*parts))
    return widget
