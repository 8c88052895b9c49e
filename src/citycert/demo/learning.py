"""Demo learning resources: a partner academy's guides and courses, a template, an example
from a certified city and a recording, tied to criteria the demo city has still to meet (and
one to a 2018 criterion, which the crosswalk carries to its 2022 successor)."""

from __future__ import annotations

from typing import Any

from citycert.learning import services
from citycert.learning.models import Audience, Kind, Resource
from citycert.partners.models import Organisation
from citycert.standards.models import Criterion

#: (title, kind, languages, audience, (standard, criteria), summary, body, link)
RESOURCES: tuple[
    tuple[str, str, tuple[str, ...], str, tuple[str, tuple[str, ...]], str, str, str], ...
] = (
    (
        "Evaluating a program in twelve weeks",
        Kind.COURSE,
        ("en", "es"),
        Audience.PUBLIC,
        ("2022", ("EVAL1", "EVAL2")),
        "A cohort course for city analysts: pick one program, choose a comparison, and publish "
        "what you find.",
        "Six live sessions and a shared workbook. Each city brings a program it funds and "
        "leaves with an evaluation plan its budget office has signed off.",
        "https://academy.example.org/courses/evaluation-in-twelve-weeks",
    ),
    (
        "Performance review meeting: agenda and minutes template",
        Kind.TEMPLATE,
        ("en", "es", "pt", "fr"),
        Audience.PUBLIC,
        ("2022", ("PA3", "PA4")),
        "The agenda, the data pack and the minutes of a monthly performance review, ready to "
        "adapt.",
        "Use it to run a review where each department reports on its measures, agrees on "
        "actions and follows up on last month's.",
        "https://academy.example.org/templates/performance-review",
    ),
    (
        "How Valparaíso published its data inventory",
        Kind.EXAMPLE,
        ("es", "en"),
        Audience.MEMBERS,
        ("2022", ("DM7", "DM2")),
        "A certified city's inventory of 340 datasets, the owners it named, and how it keeps "
        "the inventory current.",
        "An invented case written for the demo: the city's data office walked every "
        "department in four months and publishes the inventory each quarter.",
        "",
    ),
    (
        "Moving money to what works: a guide for budget offices",
        Kind.GUIDE,
        ("en",),
        Audience.PUBLIC,
        ("2018", ("RP-shift-funds",)),
        "How a budget office uses evidence to shift funds toward programs that show results.",
        "Written for the 2018 Standard; it applies unchanged to its 2022 successor.",
        "https://academy.example.org/guides/shift-funds",
    ),
    (
        "Resident data sprint: recording of the kick-off",
        Kind.RECORDING,
        ("pt", "es"),
        Audience.MEMBERS,
        ("2022", ("CI2", "RDC2")),
        "Ninety minutes on running a two-week sprint with residents on one community issue.",
        "The recording of the network's spring sprint kick-off, with the slides.",
        "https://academy.example.org/recordings/resident-sprint",
    ),
)


def load(by: Any) -> None:
    """Create the demo resources (published) once; a second run changes nothing."""
    academy, _ = Organisation.objects.get_or_create(
        slug="civic-data-academy",
        defaults={
            "name": "Civic Data Academy",
            "website": "https://academy.example.org",
            "description": "Courses, guides and sprints for city data teams.",
        },
    )
    for title, kind, languages, audience, (standard, codes), summary, body, url in RESOURCES:
        if Resource.objects.filter(title=title).exists():
            continue
        resource = services.save(
            None,
            title=title,
            summary=summary,
            body=body,
            url=url,
            kind=kind,
            languages=languages,
            organisation=academy,
            audience=audience,
            criteria=Criterion.objects.filter(version__code=standard, code__in=codes),
            areas=[],
            by=by,
        )
        services.publish(resource, by)
