"""Django forms drawn with the U.S. Web Design System's classes.

Every form in citycert renders through this one renderer, so a text box, a list or a label
gets its USWDS look without each form or template asking for it. Classes a widget already
carries are kept; checkboxes, radios and file inputs keep the browser's own control, which is
the most robust choice without the design system's JavaScript.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import escape
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
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    """A list drawn in Python rather than through a template per option: the same markup as
    Django's select.html (with the USWDS class), at a small part of the cost. Public filter
    forms use it, where lists of countries and years are drawn on every page."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"']
        parts.append(_attrs(_add_class(widget["attrs"], "usa-select")))
        parts.append(">")
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{escape(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
                    f"{escape(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value went through escape()
