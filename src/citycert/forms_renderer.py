"""Django forms drawn with the U.S. Web Design System's classes.

Every form in citycert renders through this one renderer, so a text box, a list or a label
gets its USWDS look without each form or template asking for it. Classes a widget already
carries are kept; checkboxes, radios and file inputs keep the browser's own control, which is
the most robust choice without the design system's JavaScript.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import SafeString, mark_safe

WIDGET_CLASSES = {
    **{
        f"django/forms/widgets/{name}.html": "usa-input"
        for name in (
            "text",
            "email",
            "url",
            "number",
            "password",
            "date",
            "datetime",
            "time",
            "search",
            "tel",
            "input",
        )
    },
    "django/forms/widgets/textarea.html": "usa-textarea",
    "django/forms/widgets/select.html": "usa-select",
}
LABEL_TEMPLATE = "django/forms/label.html"


def _add_class(attrs: dict[str, Any], name: str) -> dict[str, Any]:
    classes = str(attrs.get("class", "")).split()
    if name not in classes:
        classes.insert(0, name)
    return {**attrs, "class": " ".join(classes)}


class USWDSRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        css = WIDGET_CLASSES.get(template_name)
        if css and widget is not None:
            # A multiple select keeps its natural height: USWDS sizes .usa-select for one line.
            if not (css == "usa-select" and widget.get("attrs", {}).get("multiple")):
                context = {
                    **context,
                    "widget": {**widget, "attrs": _add_class(widget["attrs"], css)},
                }
        elif template_name == LABEL_TEMPLATE and context.get("use_tag"):
            context = {
                **context,
                "attrs": _add_class(dict(context.get("attrs") or {}), "usa-label"),
            }
        return super().render(template_name, context, request)


def _attrs(attrs: dict[str, Any]) -> str:
    """Attributes as django/forms/widgets/attrs.html writes them."""
    return "".join(
        f" {name}" if value is True else f' {name}="{html.escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickTextInput(forms.TextInput):
    """A text box drawn in Python: the same markup as Django's input.html with the USWDS
    class, without a template (the directory's search box, on every directory page)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        shown = self.format_value(value)
        final = _add_class(self.build_attrs(self.attrs, attrs), "usa-input")
        value_attr = "" if shown is None else f' value="{html.escape(str(shown))}"'
        return mark_safe(  # noqa: S308 - every value went through escape()
            f'<input type="{html.escape(self.input_type)}" name="{html.escape(name)}"'
            f"{value_attr}{_attrs(final)}>"
        )


class PreparedChoices(BaseChoiceIterator):
    """Choices in their final form: (value, label) pairs, labels already text in one language,
    no groups. Given to a field, Django takes them as they are (it normalises a plain list again
    for every form built), and QuickSelect writes their <option> elements once, then only marks
    the chosen ones. Build one per language (and per revision of the data they list) and reuse
    it across requests."""

    def __init__(self, pairs: Iterable[tuple[Any, Any]]) -> None:
        self.pairs = [(value, str(label)) for value, label in pairs]
        self._options: list[tuple[str, str, str]] | None = None

    def __iter__(self) -> Iterator[tuple[Any, str]]:
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)

    def options(self, chosen: set[str]) -> str:
        """The <option> elements, those whose value is in `chosen` selected."""
        if self._options is None:  # made once; two threads making it at once make the same
            self._options = [
                (
                    text,
                    f"\n  <option value={_quoted(text)} selected>{html.escape(label)}</option>\n",
                    f"\n  <option value={_quoted(text)}>{html.escape(label)}</option>\n",
                )
                for text, label in ((_text(value), label) for value, label in self.pairs)
            ]
        return "".join(on if text in chosen else off for text, on, off in self._options)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _quoted(text: str) -> str:
    return f'"{html.escape(text)}"'


class QuickSelect(forms.Select):
    """A list drawn in Python rather than through a template per option: the same markup as
    Django's select.html (with the USWDS class), at a small part of the cost. Public filter
    forms use it, where lists of countries, regions and years are drawn on every page; Django's
    own path builds a dictionary per option first, which cost more than the page's queries."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        chosen = set(self.format_value(value))
        final = _add_class(self.build_attrs(self.attrs, attrs), "usa-select")
        if self.allow_multiple_selected:
            final["multiple"] = True
        parts = [f'<select name="{html.escape(name)}"{_attrs(final)}>']
        if isinstance(self.choices, PreparedChoices):
            parts += [self.choices.options(chosen), "\n</select>"]
            return mark_safe("".join(parts))  # noqa: S308 - every value went through escape()
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):  # a group of options
                parts.append(f'\n  <optgroup label="{html.escape(str(option_value))}">')
                parts.extend(self._option(v, text, chosen) for v, text in label)
                parts.append("\n  </optgroup>")
            else:
                parts.append(self._option(option_value, label, chosen))
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value went through escape()

    @staticmethod
    def _option(value: Any, label: Any, chosen: set[str]) -> str:
        # The standard library's escape, which Django's wraps: a page draws a hundred options,
        # and the wrapper's checks for lazy text cost more than the escaping.
        text = _text(value)
        selected = " selected" if text in chosen else ""
        shown = html.escape(str(label))
        return f'\n  <option value="{html.escape(text)}"{selected}>{shown}</option>\n'
