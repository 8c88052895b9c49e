"""The admin's decision page: both reviewers' verdicts side by side with disagreements first,
the computed level, the cohort from a list (the next announcement unless another label is
confirmed with a reason, kept in the audit trail), and criteria chosen by practice area."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from auditlog.models import LogEntry
from django.test import Client, override_settings

from citycert.reviews import services
from citycert.reviews.models import Decision
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("standard")]
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def in_review(claimed: int = 30):  # type: ignore[no-untyped-def]
    """A submitted assessment, two reviewers' verdicts (all validated unless told), and an
    admin signed in on its decision page."""
    _c, _lead, assessment = f.submitted_assessment(claimed=claimed)
    rita = f.person(reviewer=True, mfa=True, name="Rita")
    raul = f.person(reviewer=True, mfa=True, name="Raúl")
    f.assign(assessment, rita)
    f.assign(assessment, raul)
    assessment.refresh_from_db()
    codes = f.claimed_codes(assessment)
    for reviewer in (rita, raul):
        services.validate(assessment, reviewer, dict.fromkeys(codes, ("validated", "")))
    staff = Client()
    staff.force_login(f.person(admin=True, mfa=True), backend=BACKEND)
    return assessment, rita, raul, staff


def url(assessment) -> str:  # type: ignore[no-untyped-def]
    return f"/program/reviews/{assessment.pk}/decide/"


def decision(label: str, **extra: str) -> dict[str, str]:
    return {"level": "gold", "rationale": "Thirty criteria validated.", "cohort": label, **extra}


@override_settings(ANNOUNCEMENT_MONTHS=[2, 8])
def test_the_next_announcements_follow_the_programs_months() -> None:
    assert services.announcement_labels(dt.date(2026, 11, 29)) == ["2027-02", "2027-08", "2028-02"]
    assert services.next_cohort_label(dt.date(2026, 8, 31)) == "2026-08"
    assert services.next_cohort_label(dt.date(2026, 2, 1)) == "2026-02"
    assert services.next_cohort_label(dt.date(2026, 3, 1)) == "2026-08"


def test_the_next_announcement_is_chosen_by_default() -> None:
    assessment, _rita, _raul, staff = in_review()
    page = staff.get(url(assessment)).text
    expected = services.next_cohort_label()
    select = re.search(r'<select class="usa-select" id="id_cohort".*?</select>', page, re.S)
    assert select
    assert f'<option value="{expected}" selected>' in select.group(0)
    assert len(re.findall(r"<option ", select.group(0))) == 3
    assert staff.post(url(assessment), decision(expected)).status_code == 302
    assert Decision.objects.get().cohort.label == expected


def test_another_label_is_refused_without_confirmation_and_a_reason() -> None:
    assessment, _rita, _raul, staff = in_review()
    later = services.announcement_labels()[1]
    refused = staff.post(url(assessment), decision(later))
    assert refused.status_code == 400
    assert "tick “Use this label anyway” and say why" in refused.text
    no_reason = staff.post(url(assessment), decision(later, cohort_anyway="on"))
    assert no_reason.status_code == 400
    assert f"Say why the decision is announced in cohort {later}." in no_reason.text
    assert not Decision.objects.exists()


def test_another_label_confirmed_with_a_reason_is_used_and_audited() -> None:
    assessment, _rita, _raul, staff = in_review()
    later = services.announcement_labels()[1]
    response = staff.post(
        url(assessment),
        decision(
            later, cohort_anyway="on", cohort_reason="The city asked to wait for its council."
        ),
    )
    assert response.status_code == 302
    found = Decision.objects.get()
    assert found.cohort.label == later
    entry = LogEntry.objects.get_for_object(found).get(action=LogEntry.Action.CREATE)
    assert entry.additional_data["cohort_reason"] == "The city asked to wait for its council."


def test_the_api_holds_the_same_rule_for_another_label() -> None:
    from tests.api.conftest import ApiClient, token_for

    assessment, _rita, _raul, _staff = in_review()
    admin = ApiClient(token_for(f.person(admin=True, mfa=True)))
    path = f"/program/reviews/{assessment.pk}/decision"
    later = services.announcement_labels()[1]
    refused = admin.post(path, decision(later))
    assert refused.status_code == 400
    assert services.next_cohort_label() in refused.json()["error"]["message"]
    assert not Decision.objects.exists()
    reason = "The city asked to wait for its council."
    accepted = admin.post(path, decision(later, cohort_reason=reason))
    assert accepted.status_code == 201, accepted.json()
    found = Decision.objects.get()
    assert found.cohort.label == later
    entry = LogEntry.objects.get_for_object(found).get(action=LogEntry.Action.CREATE)
    assert entry.additional_data["cohort_reason"] == reason


def test_a_label_not_offered_is_refused_without_a_crash() -> None:
    assessment, _rita, _raul, staff = in_review()
    for label in ("1999-13", "next", "2026-06"):
        response = staff.post(
            url(assessment), decision(label, cohort_anyway="on", cohort_reason="Because.")
        )
        assert response.status_code == 400 and "Choose the cohort from the list." in response.text
    assert not Decision.objects.exists()


def test_the_reviewers_verdicts_are_side_by_side_with_disagreements_first() -> None:
    assessment, rita, raul, staff = in_review()
    services.validate(assessment, rita, {"RDC1": ("not_validated", "No goals on record.")})
    for reviewer in (rita, raul):
        services.validate(assessment, reviewer, {"LC2": ("not_validated", "")})
    page = staff.get(url(assessment)).text
    table = re.search(r'<table class="usa-table.*?</table>', page, re.S)
    assert table
    head = table.group(0).split("<tbody>")[0]
    assert "Rita" in head and "Raúl" in head
    order = re.findall(r'<tr class="decide-row decide-row--(\w+)">\s*<th scope="row">(\w+)', page)
    assert order[:3] == [("reviewers", "RDC1"), ("claim", "LC2"), ("agreed", "DM1")]
    assert "No goals on record." in page
    assert 'class="usa-table-container--scrollable" role="region"' in page
    assert "2 criteria to settle" in page


def test_a_criterion_a_reviewer_has_still_to_judge_is_not_called_agreed() -> None:
    _c, _lead, assessment = f.submitted_assessment(claimed=30)
    rita = f.person(reviewer=True, mfa=True, name="Rita")
    f.assign(assessment, rita)
    f.assign(assessment, f.person(reviewer=True, mfa=True, name="Raúl"))  # no verdict yet
    assessment.refresh_from_db()
    services.validate(assessment, rita, {"LC2": ("not_validated", "")})
    staff = Client()
    staff.force_login(f.person(admin=True, mfa=True), backend=BACKEND)
    page = staff.get(url(assessment)).text
    order = re.findall(r'<tr class="decide-row decide-row--(\w+)">\s*<th scope="row">(\w+)', page)
    assert order[0] == ("claim", "LC2")  # differs from the claim, so it comes first
    assert {kind for kind, _code in order[1:]} == {"waiting"}
    assert "Waiting for a verdict" in page and ">Agreed<" not in page


def test_the_computed_level_comes_from_the_validated_claims() -> None:
    assessment, _rita, _raul, staff = in_review()
    page = staff.get(url(assessment)).text
    assert re.search(r"Computed level on validated criteria:.*Gold.*\(30 validated\)", page, re.S)


def test_clarification_criteria_are_checkboxes_grouped_by_practice_area() -> None:
    assessment, _rita, _raul, staff = in_review()
    page = staff.get(url(assessment)).text
    clarify = page.split(f'action="/program/reviews/{assessment.pk}/clarify/"')[1].split("</form>")[
        0
    ]
    assert "<select" not in clarify
    legends = re.findall(r'<legend class="usa-legend">([^<]+)</legend>', clarify)
    assert legends[:3] == ["Criteria it is about", "Data Management", "Leadership &amp; Capacity"]
    assert len(re.findall(r'type="checkbox" name="codes"', clarify)) == 43
    assert 'value="DM3" id="cl-codes_0_2"' in clarify


def test_a_clarification_on_checked_criteria_is_sent_and_a_bad_code_is_refused() -> None:
    assessment, _rita, _raul, staff = in_review()
    due = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    bad = staff.post(
        f"/program/reviews/{assessment.pk}/clarify/",
        {"codes": ["ZZ9"], "message": "What?", "due_on": due},
        follow=True,
    )
    assert bad.status_code == 200 and "Choose the criteria the question is about." in bad.text
    assert not assessment.clarifications.exists()
    staff.post(
        f"/program/reviews/{assessment.pk}/clarify/",
        {"codes": ["DM3", "PA2"], "message": "Which departments?", "due_on": due},
    )
    asked = assessment.clarifications.get()
    assert sorted(asked.criteria.values_list("code", flat=True)) == ["DM3", "PA2"]


@pytest.mark.parametrize("claimed", [5, 35])
def test_its_queries_do_not_grow_with_the_criteria(  # type: ignore[no-untyped-def]
    django_assert_max_num_queries, claimed: int
) -> None:
    assessment, _rita, _raul, staff = in_review(claimed)
    with django_assert_max_num_queries(30):
        assert staff.get(url(assessment)).status_code == 200
