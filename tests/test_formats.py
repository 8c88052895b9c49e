"""Dates read one way per language everywhere, and times carry the city's zone, named."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

DAY = dt.date(2026, 11, 29)
MOMENT = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)


def render(source: str, **context: object) -> str:
    return Template("{% load tz %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        ("en", "29 November 2026", "2 March 2026, 12:00 -03"),
        ("es", "29 de noviembre de 2026", "2 de marzo de 2026, 12:00 -03"),
        ("pt", "29 de novembro de 2026", "2 de março de 2026, 12:00 -03"),
        ("fr", "29 novembre 2026", "2 mars 2026, 12:00 -03"),
    ],
)
def test_a_date_and_a_time_in_each_language(language: str, day: str, moment: str) -> None:
    with translation.override(language):
        assert render('{{ day|date:"DATE_FORMAT" }}', day=DAY) == day
        assert render("{{ day|date }}", day=DAY) == day  # the default is the same format
        shown = render(
            '{% timezone "America/Argentina/Cordoba" %}{{ m|date:"DATETIME_FORMAT" }}'
            "{% endtimezone %}",
            m=MOMENT,
        )
        assert shown == moment


def test_the_templates_ask_for_named_formats_only() -> None:
    """No template spells out its own date pattern (which is how "Nov. 29, 2026" and
    "29 November 2026" came to sit side by side)."""
    import re
    from pathlib import Path

    import citycert

    templates = Path(citycert.__file__).parent / "templates"
    spelled = [
        f"{path.relative_to(templates)}: {match}"
        for path in templates.rglob("*.*")
        if path.suffix in {".html", ".txt", ".svg"}
        for match in re.findall(r'\|date:"([^"]*)"', path.read_text(encoding="utf-8"))
        if not match.endswith("FORMAT")
    ]
    assert spelled == []


@pytest.mark.django_db
def test_an_email_on_the_dashboard_is_dated_in_its_city_s_zone() -> None:
    from citycert.accounts.models import Notification
    from tests import factories as f
    from tests.accounts.test_access import signed_in

    lead = f.person("lead@rosario.example")
    city = f.city("Rosario", country="AR", timezone="America/Argentina/Cordoba")
    f.lead(city, lead)
    email = Notification.objects.create(
        recipient=lead, kind="decision", city=city, language="en", subject="Decision", text="."
    )
    Notification.objects.filter(pk=email.pk).update(created_at=MOMENT)
    page = signed_in(lead).get("/my/").text
    assert "2 March 2026, 12:00 -03" in page
