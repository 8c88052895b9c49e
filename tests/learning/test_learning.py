"""Learning resources: who writes and publishes them, who sees which, the list's filters and
search, resources carried across Standard versions by the crosswalk, the Learn panels on the
criterion page and in the report, and the API."""

from __future__ import annotations

from typing import Any

import pytest
from auditlog.models import LogEntry
from django.test import Client

from citycert.accounts.models import ApiToken
from citycert.accounts.services import create_token
from citycert.learning import queries, services
from citycert.learning.models import Audience, Kind, Resource, State
from citycert.partners.models import Organisation, Staff
from citycert.standards.models import Criterion, StandardVersion
from tests import factories as f

BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def make(
    title: str = "Evaluation course",
    *,
    codes: tuple[str, ...] = ("EVAL1",),
    standard: str = "2022",
    kind: str = Kind.COURSE,
    languages: tuple[str, ...] = ("en",),
    audience: str = Audience.PUBLIC,
    organisation: Organisation | None = None,
    publish: bool = True,
    by: Any = None,
    summary: str = "Twelve weeks of evaluation practice.",
) -> Resource:
    resource = services.save(
        None,
        title=title,
        summary=summary,
        body="",
        url="https://academy.example.org/course",
        kind=kind,
        languages=languages,
        organisation=organisation,
        audience=audience,
        criteria=Criterion.objects.filter(version__code=standard, code__in=codes),
        areas=[],
        by=by,
    )
    return services.publish(resource, by) if publish else resource


@pytest.fixture
def academy(db: None) -> Organisation:
    return Organisation.objects.create(name="Civic Data Academy", slug="academy")


@pytest.fixture
def partner(academy: Organisation) -> Any:
    user = f.person()
    Staff.objects.create(organisation=academy, user=user)
    return user


@pytest.fixture
def member(standard: None) -> Any:
    """The lead of a city with an assessment: a network member."""
    c = f.city("Rosario", "AR")
    lead = f.lead(c).user
    f.assessment_of(c, lead, claimed=10)
    return lead


def form_data(**changes: Any) -> dict[str, Any]:
    data = {
        "title": "Data inventory guide",
        "summary": "How to list every dataset.",
        "kind": "guide",
        "url": "https://academy.example.org/inventory",
        "body": "",
        "languages": ["en", "es"],
        "audience": "public",
        "standard": "2022",
        "criteria": "DM2 DM7",
        "areas": "",
    }
    data.update(changes)
    return data


# Life and who may write --------------------------------------------------------------------------


def test_it_lives_draft_then_published_then_archived_recording_who_and_when(
    standard: None, partner: Any, academy: Organisation
) -> None:
    draft = make(organisation=academy, by=partner, publish=False)
    assert draft.state == State.DRAFT and draft.published_at is None
    published = services.publish(draft, partner)
    assert published.state == State.PUBLISHED
    assert published.published_by == partner and published.published_at is not None
    with pytest.raises(services.LearningError):
        services.publish(published, partner)
    archived = services.archive(published, partner)
    assert archived.state == State.ARCHIVED and archived.archived_by == partner
    with pytest.raises(services.LearningError):
        services.archive(archived, partner)
    with pytest.raises(services.LearningError):
        services.save(
            archived,
            title="x",
            summary="x",
            body="x",
            url="",
            kind=Kind.GUIDE,
            languages=["en"],
            organisation=academy,
            audience=Audience.PUBLIC,
            criteria=[],
            areas=[],
            by=partner,
        )
    states = [
        e.changes_dict.get("state")
        for e in LogEntry.objects.get_for_object(archived).order_by("timestamp", "pk")
    ]
    assert ["draft", "published"] in states and ["published", "archived"] in states


def test_partner_staff_write_publish_and_archive_their_organisation_s_resources(
    standard: None, partner: Any, academy: Organisation
) -> None:
    client = signed_in(partner)
    response = client.post("/learn/new/", form_data(organisation=academy.pk))
    created = Resource.objects.get(title="Data inventory guide")
    assert response.status_code == 302 and response["Location"] == f"/learn/{created.pk}/"
    assert created.state == State.DRAFT and created.organisation == academy
    assert created.language_codes == ["en", "es"]
    assert sorted(created.criteria.values_list("code", flat=True)) == ["DM2", "DM7"]
    assert "Publish" in client.get(f"/learn/{created.pk}/").text
    assert client.post(f"/learn/{created.pk}/publish/").status_code == 302
    created.refresh_from_db()
    assert created.state == State.PUBLISHED
    # Archiving asks first, then acts on the confirmed request only.
    page = client.post(f"/learn/{created.pk}/archive/")
    assert page.status_code == 200 and 'name="confirm" value="1"' in page.text
    created.refresh_from_db()
    assert created.state == State.PUBLISHED
    client.post(f"/learn/{created.pk}/archive/", {"confirm": "1"})
    created.refresh_from_db()
    assert created.state == State.ARCHIVED


def test_partner_staff_may_not_touch_another_organisation_s_resources(
    standard: None, partner: Any
) -> None:
    other = Organisation.objects.create(name="Other Partner", slug="other")
    theirs = make(organisation=other)
    draft = make("Their draft", organisation=other, publish=False)
    client = signed_in(partner)
    assert client.get(f"/learn/{theirs.pk}/edit/").status_code == 403
    assert client.post(f"/learn/{theirs.pk}/archive/", {"confirm": "1"}).status_code == 403
    assert client.post(f"/learn/{draft.pk}/publish/").status_code == 404  # a draft not theirs
    # Nor write one for another organisation, nor for the program itself.
    refused = client.post("/learn/new/", form_data(organisation=other.pk))
    assert refused.status_code == 400 and not Resource.objects.filter(title="Data inventory guide")
    assert client.post("/learn/new/", form_data(organisation="")).status_code == 400


def test_admins_write_for_the_program_and_edit_every_resource(standard: None) -> None:
    admin = f.person(admin=True, mfa=True)
    other = Organisation.objects.create(name="Other Partner", slug="other")
    theirs = make(organisation=other)
    client = signed_in(admin)
    assert client.post("/learn/new/", form_data(organisation="")).status_code == 302
    assert Resource.objects.get(title="Data inventory guide").organisation is None
    response = client.post(
        f"/learn/{theirs.pk}/edit/", form_data(title="Renamed course", criteria="EVAL2")
    )
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.title == "Renamed course"
    assert list(theirs.criteria.values_list("code", flat=True)) == ["EVAL2"]


def test_city_people_write_nothing(member: Any) -> None:
    client = signed_in(member)
    assert client.get("/learn/new/").status_code == 403
    assert client.get("/learn/manage/").status_code == 403
    assert Client().get("/learn/new/").status_code == 302


def test_bad_input_names_the_field_and_stores_nothing(standard: None, partner: Any) -> None:
    client = signed_in(partner)
    academy = Organisation.objects.get()
    response = client.post(
        "/learn/new/",
        form_data(organisation=academy.pk, criteria="DM2 ZZ9", url="", body="", languages=[]),
    )
    assert response.status_code == 400
    assert "Not in the 2022 Standard: ZZ9." in response.text
    assert "Give a link, a description, or both." in response.text
    assert "Choose at least one language." in response.text
    assert not Resource.objects.exists()


# Who sees which ----------------------------------------------------------------------------------


def test_drafts_are_never_public_and_members_only_resources_are_hidden_from_others(
    member: Any,
) -> None:
    public = make("Open guide")
    members_only = make("Members course", audience=Audience.MEMBERS)
    draft = make("Unfinished guide", publish=False)
    archived = services.archive(make("Old guide"), None)
    anonymous, outsider = Client(), signed_in(f.person())
    for client in (anonymous, outsider):
        text = client.get("/learn/").text
        assert "Open guide" in text and "Members course" not in text
        assert client.get(f"/learn/{members_only.pk}/").status_code == 404
    text = signed_in(member).get("/learn/").text
    assert "Open guide" in text and "Members course" in text
    assert signed_in(member).get(f"/learn/{members_only.pk}/").status_code == 200
    for client in (anonymous, signed_in(member)):
        text = client.get("/learn/").text
        assert "Unfinished guide" not in text and "Old guide" not in text
        assert client.get(f"/learn/{draft.pk}/").status_code == 404
        assert client.get(f"/learn/{archived.pk}/").status_code == 404
    assert Client().get(f"/learn/{public.pk}/").status_code == 200


# Filters and search ------------------------------------------------------------------------------


def test_the_list_filters_by_criterion_area_kind_language_and_words(standard: None) -> None:
    make("Evaluation course", codes=("EVAL1",), kind=Kind.COURSE, languages=("en", "es"))
    make("Inventory template", codes=("DM2",), kind=Kind.TEMPLATE, languages=("pt",))
    make(
        "Review recording",
        codes=("PA3",),
        kind=Kind.RECORDING,
        languages=("fr",),
        summary="Monthly performance reviews, recorded.",
    )

    def titles(query: str) -> list[str]:
        page = Client().get(f"/learn/?{query}")
        assert page.status_code == 200
        return sorted(
            t
            for t in ("Evaluation course", "Inventory template", "Review recording")
            if t in page.text
        )

    assert titles("criterion=EVAL1") == ["Evaluation course"]
    assert titles("standard=2022&area=DM") == ["Inventory template"]
    assert titles("kind=recording") == ["Review recording"]
    assert titles("language=es") == ["Evaluation course"]
    assert titles("language=en") == ["Evaluation course"]
    assert titles("q=performance+monthly") == ["Review recording"]
    assert titles("q=nothing-like-this") == []
    refused = Client().get("/learn/?criterion=ZZ9&kind=poem")
    assert refused.status_code == 400
    assert "No criterion ZZ9 in the 2022 Standard." in refused.text


def test_the_list_uses_a_bounded_number_of_queries(
    member: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        make(f"Guide {n}", codes=("DM1", "DM2"), audience=Audience.MEMBERS if n % 2 else "public")
    client = signed_in(member)
    with django_assert_max_num_queries(16):
        response = client.get("/learn/?criterion=DM1&language=en")
    assert response.status_code == 200 and response.text.count('class="resource"') == 20
    with django_assert_max_num_queries(16):
        assert client.get(f"/learn/{Resource.objects.first().pk}/").status_code == 200  # type: ignore[union-attr]


# Across versions ---------------------------------------------------------------------------------


def test_a_resource_for_a_2018_criterion_shows_on_its_2022_successor(standard: None) -> None:
    make("Shifting funds guide", codes=("RP-shift-funds",), standard="2018")
    bf3 = Criterion.objects.select_related("version").get(version__code="2022", code="BF3")
    assert [r.title for r in queries.resources_for(bf3, members=False)] == ["Shifting funds guide"]
    bf1 = Criterion.objects.select_related("version").get(version__code="2022", code="BF1")
    assert queries.resources_for(bf1, members=False) == []
    assert "Shifting funds guide" in Client().get("/learn/?standard=2022&criterion=BF3").text


# Learn panels ------------------------------------------------------------------------------------


def test_the_criterion_page_has_a_learn_panel(member: Any) -> None:
    make("Evaluation course", codes=("EVAL1",))
    make("Members-only evaluation clinic", codes=("EVAL1",), audience=Audience.MEMBERS)
    c = member.memberships.get().city
    text = signed_in(member).get(f"/my/cities/{c.slug}/assessment/criteria/EVAL1/").text
    assert "Learn: resources for EVAL1" in text
    assert "Evaluation course" in text and "Members-only evaluation clinic" in text
    assert "/learn/?standard=2022&amp;criterion=EVAL1" in text
    other = signed_in(member).get(f"/my/cities/{c.slug}/assessment/criteria/DM1/").text
    assert "No resource for this criterion yet." in other


def test_the_report_roadmap_leads_to_resources_for_its_next_criteria(member: Any) -> None:
    c = member.memberships.get().city
    assessment = c.assessments.get()
    client = signed_in(member)
    url = f"/my/cities/{c.slug}/reports/assessments/{assessment.pk}/"
    text = client.get(url).text
    roadmap = text[text.index('id="roadmap-heading"') :]
    first = roadmap.split('<span class="code">')[1].split("<")[0]
    resource = make("Next step guide", codes=(first,))
    text = client.get(url).text
    roadmap = text[text.index('id="roadmap-heading"') :]
    assert f'href="/learn/{resource.pk}/">Next step guide</a>' in roadmap
    opportunities = text[
        text.index('id="opportunities-heading"') : text.index('id="roadmap-heading"')
    ]
    assert "Next step guide" in opportunities
    assert client.get(f"/learn/{resource.pk}/").status_code == 200


# API ---------------------------------------------------------------------------------------------


def test_the_api_lists_public_resources_without_a_token_and_members_ones_with_one(
    member: Any,
) -> None:
    make("Open guide", codes=("DM1",), languages=("en", "fr"))
    hidden = make("Members course", codes=("DM1",), audience=Audience.MEMBERS)
    make("Unfinished guide", publish=False)
    response = Client().get("/api/v1/resources")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["title"] == "Open guide" and item["languages"] == ["en", "fr"]
    assert item["criteria"] == [{"standard": "2022", "code": "DM1"}]
    assert Client().get(f"/api/v1/resources/{hidden.pk}").status_code == 404
    token = create_token(member, "script", ApiToken.Scope.READ).secret
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    with_token = Client().get("/api/v1/resources", **auth)
    assert with_token.status_code == 200, with_token.content
    assert with_token.json()["count"] == 2
    detail = Client().get(f"/api/v1/resources/{hidden.pk}", **auth)
    assert detail.status_code == 200 and detail.json()["audience"] == "members"
    assert (
        Client().get("/api/v1/resources", HTTP_AUTHORIZATION="Bearer not-a-token").status_code
        == 401
    )
    filtered = Client().get("/api/v1/resources?criterion=DM1&language=fr&kind=course").json()
    assert [i["title"] for i in filtered["items"]] == ["Open guide"]
    assert Client().get("/api/v1/resources?language=xx").status_code == 422
    assert StandardVersion.objects.filter(code="2022").exists()


def test_each_criterion_of_the_public_standard_links_to_its_resources(standard: None) -> None:
    make("Shifting funds guide", codes=("RP-shift-funds",), standard="2018")
    text = Client().get("/standard/2022/").text
    link = "/learn/?standard=2022&amp;criterion=BF3"
    assert link in text
    assert "Shifting funds guide" in Client().get(link.replace("&amp;", "&")).text
