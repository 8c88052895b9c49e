"""The review queue's table rows, written in Python: fifty rows, each with its reviewers and two
or three forms, cost most of the queue page when drawn through the template engine (about two
hundred address lookups and two thousand variable lookups a page)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from citycert.assessments.models import Assessment

#: Stand-ins reversed once, then replaced by each row's numbers.
_A, _R = 918273645, 546372819
_CLOSED = (Assessment.State.DECIDED, Assessment.State.APPEALED)


def queue_rows(
    rows: Iterable[dict[str, Any]], *, csrf_token: str, reviewer_options: str
) -> SafeString:
    """The <tr> elements for the queue's rows (each a dict: assessment, age, overdue, waiting);
    `reviewer_options` is the <option> list every row's assign form offers, already escaped."""
    remove_url = reverse("reviews:remove_reviewer", args=[_A, _R])
    assign_url = reverse("reviews:assign_to_assessment", args=[_A])
    decide_url = reverse("reviews:decide", args=[_A])
    token = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
    words: dict[str, str] = {
        "overdue": escape(_("clarification overdue")),
        "waiting": escape(_("waiting for a clarification")),
        "pending": escape(_("declaration pending")),
        "conflict": escape(_("conflict of interest")),
        "clear": escape(_("no conflict")),
        "remove": escape(_("Remove")),
        "none": escape(_("none yet")),
        "assign": escape(_("Assign")),
        "decision": escape(_("The decision")),
        "decide": escape(_("Settle and decide")),
    }
    out = []
    for row in rows:
        a: Assessment = row["assessment"]
        pk = str(a.pk)
        city = escape(a.city.name)
        closed = a.state in _CLOSED
        state: str = escape(a.get_state_display())
        if row["overdue"]:
            state += f" — <strong>{words['overdue']}</strong>"
        elif row["waiting"]:
            state += f" — {words['waiting']}"
        age = "" if row["age"] is None else str(row["age"])
        seats = []
        for seat in a.assignments.all():
            person = escape(str(seat.reviewer))
            standing: str
            if seat.conflict is None:
                standing = words["pending"]
            elif seat.conflict:
                standing = f"<strong>{words['conflict']}</strong>"
            else:
                standing = words["clear"]
            remove = ""
            if not closed and not seat.conflict:
                action = remove_url.replace(str(_A), pk).replace(str(_R), str(seat.pk))
                remove = (
                    f'\n      <form method="post" action="{escape(action)}" class="inline-form">'
                    f'{token}<button class="usa-button usa-button--outline" type="submit">'
                    f'{words["remove"]}<span class="visually-hidden"> {person}, {city}</span>'
                    "</button></form>"
                )
            seats.append(f"<li>{person} — {standing}{remove}</li>")
        reviewers = "".join(seats) or f"<li>{words['none']}</li>"
        actions = ""
        if not closed:
            label = escape(_("Reviewer for %(city)s") % {"city": a.city.name})
            actions += (
                f'\n      <form method="post" action="{escape(assign_url.replace(str(_A), pk))}"'
                f' class="inline-form">{token}\n'
                f'        <label for="r-{pk}" class="visually-hidden">{label}</label>\n'
                f'        <select class="usa-select" id="r-{pk}" name="reviewer">'
                f"{reviewer_options}</select>\n"
                f'        <button class="usa-button" type="submit">{words["assign"]}'
                f'<span class="visually-hidden"> {city}</span></button>\n      </form>'
            )
        if a.state != Assessment.State.SUBMITTED:
            text = words["decision"] if closed else words["decide"]
            actions += (
                f'\n      <a href="{escape(decide_url.replace(str(_A), pk))}">{text}'
                f'<span class="visually-hidden"> {city}</span></a>'
            )
        out.append(
            f'<tr>\n    <th scope="row">{escape(str(a.city))}</th>'
            f"<td>{escape(a.standard.code)}</td><td>{state}</td><td>{age}</td>\n"
            f"    <td><ul>{reviewers}</ul></td>\n    <td>{actions}\n    </td>\n  </tr>"
        )
    return mark_safe("\n  ".join(out))  # noqa: S308 - every value went through escape()
