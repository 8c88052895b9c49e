"""Django forms drawn with the U.S. Web Design System's classes.

Every form in citycert renders through this one renderer, so a text box, a list or a label
gets its USWDS look without each form or template asking for it. Classes a widget already
carries are kept; checkboxes, radios and file inputs keep the browser's own control, which is
the most robust choice without the design system's JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates

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
