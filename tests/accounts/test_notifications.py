"""Telling people: each step of the cycle emails the people it concerns, in their own language,
through a background task (a page never waits on the mail server); each person finds the
emails sent to them on their dashboard."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from citycert.accounts.models import Notification
from citycert.assessments import services
from citycert.reviews import services as reviews
from citycert.reviews.history import publish_cohort
from citycert.reviews.models import Cohort
from citycert.standards.services import load_files
from tests import factories as f
from tests.reviews.cycles import assessed

BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def signed_in(user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def kinds_for(user) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_each_step_to_the_people_it_concerns_in_their_language(
    published_cleanup: None,
) -> None:
    load_files()
    c = f.city("Notifica", "AR")
    lead = f.lead(c).user
    lead.language = "es"
    lead.save()
    contributor = f.member(c, f.person()).user
    reviewer = f.person(reviewer=True, mfa=True)
    reviewer.language = "fr"
    reviewer.save()
    admin = f.person(admin=True, mfa=True)

    assessment = assessed(c, lead, "gold")  # submission received: the team
    assert not mail.outbox  # nothing is sent during the step itself
    assignment = reviews.assign_reviewer(assessment, reviewer, admin)  # the reviewer
    reviews.declare(assignment, conflict=False, note="")
    reviews.validate(
        assessment, reviewer, dict.fromkeys(f.claimed_codes(assessment), ("validated", ""))
    )
    reviews.decide(
        assessment,
        level="gold",
        rationale="Met.",
        difference_reason="",
        cohort_label="2026-06",
        by=admin,
    )  # decision recorded: the team
    publish_cohort(Cohort.objects.get(label="2026-06"))  # announced: the team, with the badge

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert (
        kinds_for(lead)
        == kinds_for(contributor)
        == [
            "cohort_published",
            "decision_recorded",
            "submission_received",
        ]
    )
    assert kinds_for(reviewer) == ["reviewer_assigned"]
    assert not Notification.objects.filter(sent_at__isnull=True).exists()
    to_lead = [m for m in mail.outbox if m.to == [lead.email]]
    assert len(to_lead) == 3 and all(m.alternatives for m in to_lead)
    announced = next(m for m in to_lead if f"/badge/{c.slug}.svg" in m.body)
    assert f"/cities/{c.slug}/" in announced.body  # the badge code and the profile
    assert Notification.objects.get(recipient=lead, kind="cohort_published").language == "es"
    to_reviewer = [m for m in mail.outbox if m.to == [reviewer.email]]
    assert len(to_reviewer) == 1 and f"/my/reviews/{c.slug}/declare/" in to_reviewer[0].body
    assert Notification.objects.get(recipient=reviewer).language == "fr"


def test_a_person_sees_the_emails_sent_to_them_and_chooses_their_language(standard: None) -> None:
    _c, lead, assessment = f.submitted_assessment(claimed=25)
    page = signed_in(lead).get("/my/")
    assert "Emails we sent you" in page.text and "your assessment is submitted" in page.text
    assert "being sent" in page.text
    f.deliver()
    assert "being sent" not in signed_in(lead).get("/my/").text

    chose = signed_in(lead).post("/my/language/", {"language": "pt"})
    assert chose.status_code == 302
    lead.refresh_from_db()
    assert lead.language == "pt"
    refused = signed_in(lead).post("/my/language/", {"language": "xx"})
    assert refused.status_code == 302
    assert signed_in(lead).post("/my/language/", {"language": "es\x00"}).status_code == 400
    lead.refresh_from_db()
    assert lead.language == "pt"
    services.withdraw(assessment, lead)
    services.submit(assessment, lead)
    latest = Notification.objects.filter(recipient=lead).first()
    assert latest is not None and latest.language == "pt"


def test_people_sign_up_with_the_language_they_read(db: None) -> None:
    client = Client(headers={"accept-language": "fr"})
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": "a-long-test-passphrase-42",
            "password2": "a-long-test-passphrase-42",
        },
    )
    from citycert.accounts.models import User

    assert User.objects.get(email="new@example.org").language == "fr"
