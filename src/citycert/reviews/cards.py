"""The reviewer's workspace, written in Python: a card for each of the Standard's criteria (43
in the 2022 version), each with its claim, checklist, narrative, links, files and verdict form.
Drawn through the template engine, the cards cost more than the rest of the page several times
over; this writes the same markup."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.template.defaultfilters import filesizeformat, linebreaksbr
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from citycert.templatetags.texts import tr

from .queries import AreaProgress, WorkspaceRow

#: A stand-in reversed once, then replaced by each card's criterion code.
_CODE = "CRITERIONCODE"


def workspace_cards(
    sections: Iterable[tuple[AreaProgress, Sequence[tuple[WorkspaceRow, Any, Any]]]],
    *,
    city_slug: str,
    can_validate: bool,
    verdicts: Sequence[tuple[str, Any]],
    action: str,
) -> SafeString:
    """Each practice area's heading and its criteria's cards. `sections` pairs each area with
    its rows and each row's previous and next rows; `action` is the address the verdicts are
    posted to."""
    words: dict[str, str] = {
        "claim": escape(_("The city's claim")),
        "ticked": escape(_("Ticked:")),
        "not_ticked": escape(_("Not ticked:")),
        "checklist": escape(_("Checklist")),
        "narrative": escape(_("Narrative")),
        "links": escape(_("Links")),
        "files": escape(_("Evidence files")),
        "no_files": escape(_("No files.")),
        "verdict": escape(_("Your verdict")),
        "not_claimed": escape(_("Not claimed: nothing to verify.")),
        "no_verdict": escape(_("No verdict yet")),
        "save": escape(_("Save")),
        "finding": escape(_("Finding so far:") if can_validate else _("Finding:")),
    }
    answer_url = reverse("assessments:answer", args=[city_slug, _CODE])
    action = escape(action)
    out: list[str] = []
    for group, entries in sections:
        out.append(f'  <h2 class="review-area">{tr(group.area.name)}</h2>')
        for row, previous, following in entries:
            out.append(
                _card(
                    row,
                    previous,
                    following,
                    words,
                    answer_url,
                    city_slug,
                    can_validate,
                    verdicts,
                    action,
                )
            )
    return mark_safe("\n".join(out))  # noqa: S308 - every value went through escape()


def _download(city_slug: str, pk: int) -> str:
    return reverse("assessments:download_evidence", args=[city_slug, pk])


def _card(
    row: WorkspaceRow,
    previous: Any,
    following: Any,
    words: dict[str, str],
    answer_url: str,
    city_slug: str,
    can_validate: bool,
    verdicts: Sequence[tuple[str, Any]],
    action: str,
) -> str:
    code = escape(row.code)
    answer = row.answer
    criterion = answer.criterion
    status = escape(answer.get_status_display())
    link = escape(answer_url.replace(_CODE, row.code))
    title = f'<a href="{link}">{code}</a>' if can_validate else code
    parts = [
        f'  <section class="criterion-review" id="criterion-{code}"'
        f' aria-labelledby="heading-{code}">',
        f'    <h3 id="heading-{code}" tabindex="-1" data-criterion-heading>{title}'
        f" {tr(criterion.title)}</h3>",
        '    <div class="grid-row grid-gap">',
        '      <div class="grid-col-12 tablet:grid-col-7 criterion-review__claim">',
        f"        <h4>{words['claim']}</h4>",
        "        <p>"
        + (f'<span class="usa-tag">{status}</span>' if row.claimed else status)
        + "</p>",
    ]
    items = list(criterion.checklist_items.all())
    if items:
        needed = criterion.required_items
        heading = (
            escape(
                ngettext("Checklist (meet %(n)s item)", "Checklist (meet %(n)s items)", needed)
                % {"n": needed}
            )
            if needed
            else words["checklist"]
        )
        ticked = set(answer.items or [])
        lines = []
        for item in items:
            if item.key in ticked:
                mark = f'<span class="checklist__mark">☑</span> <strong>{words["ticked"]}</strong>'
            else:
                mark = f'<span class="checklist__mark">☐</span> {words["not_ticked"]}'
            lines.append(f"<li>{mark} {tr(item.text)}</li>")
        parts += [
            f"        <h5>{heading}</h5>",
            '        <ul class="usa-list usa-list--unstyled checklist">',
            "          " + "".join(lines),
            "        </ul>",
        ]
    narrative = linebreaksbr(answer.narrative, autoescape=True) if answer.narrative else "—"
    links = (
        "".join(
            f'<li><a href="{escape(url)}" rel="noopener noreferrer nofollow">{escape(url)}</a></li>'
            for url in answer.links or []
        )
        or "<li>—</li>"
    )
    files = (
        "".join(
            f'<li><a href="{escape(_download(city_slug, e.pk))}"'
            f" download>{escape(e.name)}</a> ({filesizeformat(e.size)})</li>"
            for e in answer.evidence.all()
        )
        or f"<li>{words['no_files']}</li>"
    )
    parts += [
        f"        <h5>{words['narrative']}</h5>",
        f"        <p>{narrative}</p>",
        f"        <h5>{words['links']}</h5>",
        f'        <ul class="usa-list usa-list--unstyled">{links}</ul>',
        f"        <h5>{words['files']}</h5>",
        f'        <ul class="usa-list usa-list--unstyled">{files}</ul>',
        "      </div>",
        '      <div class="grid-col-12 tablet:grid-col-5 criterion-review__verdict">',
        f"        <h4>{words['verdict']}</h4>",
    ]
    mine = row.mine
    if not row.claimed:
        parts.append(f"        <p>{words['not_claimed']}</p>")
    elif can_validate:
        options = "".join(
            f'<option value="{escape(value)}"'
            f"{' selected' if mine is not None and mine.verdict == value else ''}>"
            f"{escape(label)}</option>"
            for value, label in verdicts
        )
        comment = escape(mine.comment) if mine is not None and mine.comment else ""
        state = (
            escape(_("Saved: %(verdict)s") % {"verdict": mine.get_verdict_display()})
            if mine is not None
            else words["no_verdict"]
        )
        verdict_label = escape(_("Verdict on %(code)s") % {"code": row.code})
        comment_label = escape(_("Comment on %(code)s") % {"code": row.code})
        parts += [
            f'        <label class="usa-label" for="v-{code}">{verdict_label}</label>',
            f'        <select class="usa-select" id="v-{code}" name="verdict-{code}">'
            f'<option value="">—</option>{options}</select>',
            f'        <label class="usa-label" for="c-{code}">{comment_label}</label>',
            f'        <textarea class="usa-textarea" id="c-{code}" name="comment-{code}" rows="3"'
            f' maxlength="3000">{comment}</textarea>',
            f'        <p class="verdict-state" role="status">{state}</p>',
            f'        <button type="submit" class="usa-button" name="save" value="{code}"'
            f' hx-post="{action}" hx-target="#criterion-{code}" hx-select="#criterion-{code}"'
            f' hx-swap="outerHTML">{words["save"]}'
            f'<span class="usa-sr-only visually-hidden"> {code}</span></button>',
        ]
    else:
        shown = escape(mine.get_verdict_display()) if mine is not None else "—"
        parts.append(f"        <p>{shown}</p>")
        if mine is not None and mine.comment:
            parts.append(f"        <p>{linebreaksbr(mine.comment, autoescape=True)}</p>")
    finding = escape(answer.get_finding_display())
    parts += [
        f'        <p class="criterion-review__finding">{words["finding"]} {finding}</p>',
        "      </div>",
        "    </div>",
        '    <p class="criterion-review__nav">',
    ]
    if previous:
        text = escape(_("Previous: %(other)s") % {"other": previous.code})
        parts.append(f'      <a href="#criterion-{escape(previous.code)}">{text}</a>')
    if following:
        text = escape(_("Next: %(other)s") % {"other": following.code})
        parts.append(f'      <a href="#criterion-{escape(following.code)}">{text}</a>')
    parts += ["    </p>", "  </section>"]
    return "\n".join(parts)
