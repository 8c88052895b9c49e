"""Small builders for test data: real rows, created the way the app creates them."""

from __future__ import annotations

import itertools

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils.text import slugify

from citycert.accounts.models import Membership, ProgramRole, User
from citycert.cities.models import City
from citycert.partners.models import Engagement, Organisation, Staff
from citycert.reviews.models import Assignment

_numbers = itertools.count(1)

#: The smallest PDF a reader opens: one empty page.
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PASSWORD = "a-long-test-passphrase-42"


def person(email: str | None = None, *, name: str = "", mfa: bool = False, **roles: bool) -> User:
    """A verified account; `admin=True`, `reviewer=True`, `coach=True` add program roles."""
    email = email or f"person{next(_numbers)}@example.org"
    user = User.objects.create_user(email, PASSWORD, name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    for role, wanted in roles.items():
        if wanted:
            ProgramRole.objects.create(user=user, role=role)
    if mfa:
        TOTP.activate(user, generate_totp_secret())
    return user


def city(name: str = "Testville", country: str = "US", **fields: object) -> City:
    number = next(_numbers)
    return City.objects.create(
        name=name,
        slug=slugify(f"{name} {number}"),
        kind=City.Kind.CITY,
        admin_area=str(fields.pop("admin_area", "Oregon")),
        country=country,
        latitude=45.5,
        longitude=-122.6,
        gazetteer_id=f"test:{number}",
        gazetteer_population=int(fields.pop("population", 100_000)),  # type: ignore[call-overload]
        **fields,
    )


def member(c: City, user: User, role: str = Membership.Role.CONTRIBUTOR) -> Membership:
    return Membership.objects.create(city=c, user=user, role=role)


def lead(c: City, user: User | None = None) -> Membership:
    return member(c, user or person(), Membership.Role.LEAD)


def assign(assessment, reviewer: User, *, declared: bool = True) -> Assignment:  # type: ignore[no-untyped-def]
    """A reviewer assigned to an assessment, as a program admin does from the review queue (the
    first one starts the review); by default they have declared no conflict of interest."""
    from citycert.reviews import services

    assignment = services.assign_reviewer(assessment, reviewer, person(admin=True))
    if declared:
        services.declare(assignment, conflict=False, note="")
    assignment.refresh_from_db()
    return assignment


def organisation(name: str = "") -> Organisation:
    """A partner organisation."""
    name = name or f"Partner {next(_numbers)}"
    return Organisation.objects.create(name=name, slug=slugify(name))


def staff(coach: User, org: Organisation | None = None) -> Staff:
    """The person working (now) for a partner organisation, a new one by default."""
    return Staff.objects.create(organisation=org or organisation(), user=coach)


def engagement(
    c: City, org: Organisation, *, state: str = Engagement.State.ACCEPTED, goals: str = "Goals."
) -> Engagement:
    """An engagement of the partner with the city, in `state`, moved there the way the app
    does (invited by a new lead of the city, answered by a new staff member)."""
    from citycert.partners import services

    by = person()
    found = services.invite(c, org, goals, [], by)
    if state == Engagement.State.WITHDRAWN:
        return services.withdraw(found, by)
    if state == Engagement.State.INVITED:
        return found
    if state == Engagement.State.DECLINED:
        return services.decline(found, by)
    services.accept(found, by)
    if state == Engagement.State.CLOSED:
        services.close(found, by)
    return found


def grant(c: City, coach: User) -> Engagement:
    """The coach coaches the city: they work for a partner organisation (their current one, or
    a new one) whose engagement with the city is open."""
    current = Staff.objects.filter(user=coach, left_at__isnull=True).first() or staff(coach)
    return engagement(c, current.organisation)


def answer_all(assessment, by, claimed: int = 0) -> None:  # type: ignore[no-untyped-def]
    """Claim the first `claimed` criteria in full (with as many links as documents required),
    mark the rest not met."""
    from citycert.assessments import services

    answers = assessment.answers.select_related("criterion").order_by("criterion__position")
    for i, answer in enumerate(answers):
        if i < claimed:
            keys = list(answer.criterion.checklist_items.values_list("key", flat=True))
            docs = answer.criterion.required_documents.count()
            services.save_answer(
                answer,
                version=answer.version,
                status="claimed",
                items=keys,
                narrative="We do this.",
                by=by,
                links=[f"https://city.example.org/{i}/{n}" for n in range(docs)],
            )
        else:
            services.save_answer(
                answer,
                version=answer.version,
                status="not_met",
                items=[],
                narrative="",
                links=[],
                by=by,
            )


def submitted_assessment(name: str = "Valdivia", country: str = "CL", claimed: int = 30):  # type: ignore[no-untyped-def]
    """A city whose lead submitted an assessment: the first `claimed` criteria claimed in full,
    the rest not met, the broadband outcome."""
    from citycert.assessments import services
    from citycert.assessments.models import Assessment

    c = city(name, country)
    owner = lead(c).user
    assessment = services.start(c, owner)
    answer_all(assessment, owner, claimed)
    services.save_outcome(
        assessment,
        version=1,
        narrative="Census figures.",
        links=[],
        option=assessment.standard.outcome_options.get(code="broadband"),
    )
    services.submit(assessment, owner)
    return c, owner, Assessment.objects.get(pk=assessment.pk)


def deliver() -> int:
    """Send the notifications waiting to go, as the worker's task does (a test's transaction is
    not visible to a worker); returns how many were sent."""
    from citycert.accounts.models import Notification
    from citycert.accounts.notifications import send_now

    waiting = Notification.objects.filter(sent_at__isnull=True).order_by("pk")
    return sum(send_now(pk) for pk in waiting.values_list("pk", flat=True))


def assessment_of(c: City, owner: User, claimed: int = 30):  # type: ignore[no-untyped-def]
    """A new assessment of `c` by its lead, complete and ready to submit: the first `claimed`
    criteria claimed in full, the rest not met, the broadband outcome."""
    from citycert.assessments import services
    from citycert.assessments.models import Assessment

    assessment = services.start(c, owner, carry_forward=False)
    answer_all(assessment, owner, claimed)
    services.save_outcome(
        assessment,
        version=assessment.outcome_version,
        narrative="Census figures.",
        links=[],
        option=assessment.standard.outcome_options.get(code="broadband"),
    )
    return Assessment.objects.get(pk=assessment.pk)


def claimed_codes(assessment) -> list[str]:  # type: ignore[no-untyped-def]
    return list(
        assessment.answers.filter(status="claimed")
        .order_by("criterion__position")
        .values_list("criterion__code", flat=True)
    )
