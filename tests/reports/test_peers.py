"""Peer comparison: anonymous aggregates of at least five cities of the same population band and
region; below that nothing; no peer ever named unless certified, and then only public facts."""

from __future__ import annotations

import pytest
from django.utils import timezone

from citycert.reports import peers, queries
from citycert.reviews.models import Certification, Cohort
from citycert.standards.models import StandardVersion
from tests.reports.conftest import assessed_city, decide, signed_in

#: Peers of Rosario (Argentina, over a million people), each with a submitted assessment.
PEERS = [("Aurelia", 10), ("Borelia", 15), ("Corvina", 20), ("Dalmira", 25), ("Estoria", 30)]


def page(c, user, assessment, language: str = "en") -> str:  # type: ignore[no-untyped-def]
    client = signed_in(user)
    client.post("/i18n/setlang/", {"language": language})
    response = client.get(f"/my/cities/{c.slug}/reports/assessments/{assessment.pk}/")
    assert response.status_code == 200
    return response.text


def comparison(c, assessment) -> peers.PeerComparison:  # type: ignore[no-untyped-def]
    subject = queries.assessment_subject(c, assessment.pk)
    assert subject is not None
    return queries.build(subject).peers


def test_fewer_than_five_peers_show_nothing(rosario) -> None:  # type: ignore[no-untyped-def]
    c, lead, assessment = rosario
    for name, claimed in PEERS[:4]:
        assessed_city(name, claimed=claimed)
    found = comparison(c, assessment)
    assert not found.shown and found.areas is None and found.count == 0
    text = page(c, lead, assessment)
    assert "Fewer than 5 comparable cities" in text
    assert "Comparable cities: median" not in text
    assert not any(name in text for name, _ in PEERS)


def test_five_peers_give_anonymous_medians(rosario) -> None:  # type: ignore[no-untyped-def]
    c, lead, assessment = rosario
    for name, claimed in PEERS:
        assessed_city(name, claimed=claimed)
    found = comparison(c, assessment)
    assert found.shown and found.count == 5
    # 10, 15, 20, 25 and 30 of 43 criteria: the median is 20 of 43.
    assert found.percent == peers.PeerArea(46.5, 34.9, 58.1)
    assert found.areas is not None and found.areas["DM"].median == 100.0
    assert found.areas["EVAL"] == peers.PeerArea(0.0, 0.0, 0.0)
    for language in ("en", "es", "pt", "fr"):
        text = page(c, lead, assessment, language)
        assert not any(name in text for name, _ in PEERS), language
    assert "Comparable cities: median" in page(c, lead, assessment)


def test_drafts_other_groups_and_other_versions_do_not_count(rosario) -> None:  # type: ignore[no-untyped-def]
    c, _, assessment = rosario
    for name, claimed in PEERS[:4]:
        assessed_city(name, claimed=claimed)
    assessed_city("Draftia", claimed=30, submit=False)  # a draft
    assessed_city("Smallia", claimed=30, population=200_000)  # another band
    assessed_city("Faraway", "MX", claimed=30, admin_area="Jalisco")  # another region
    assert not comparison(c, assessment).shown
    _, _, fifth = assessed_city("Lastia", claimed=30)
    assert comparison(c, assessment).shown
    fifth.standard = StandardVersion.objects.get(code="2018")
    fifth.save(update_fields=["standard"])
    assert not comparison(c, assessment).shown


def test_a_peer_is_named_only_once_certified_and_only_with_public_facts(
    rosario,
) -> None:  # type: ignore[no-untyped-def]
    c, lead, assessment = rosario
    for name, claimed in PEERS:
        assessed_city(name, claimed=claimed)
    # Decided at Gold, but its cohort is not announced yet: still anonymous.
    _, _, gold = assessed_city("Goldora", claimed=33)
    decision = decide(gold, validated=31, level="gold", cohort="2025-06")
    text = page(c, lead, assessment)
    assert "Goldora" not in text
    # Announced: named with its level and year, and nothing else about it.
    published = timezone.now()
    Cohort.objects.filter(pk=decision.cohort_id).update(published_at=published)
    Certification.objects.filter(pk=decision.certification_id).update(
        published_at=published, event="new"
    )
    found = comparison(c, assessment)
    assert [(p.name, p.level, p.year) for p in found.certified] == [("Goldora", "gold", 2025)]
    text = page(c, lead, assessment)
    assert "<li>Goldora (AR): Gold, 2025</li>" in text
    assert text.count("Goldora") == 1
    assert not any(name in text for name, _ in PEERS)


def test_a_city_outside_every_group_gets_no_comparison(standard) -> None:  # type: ignore[no-untyped-def]
    c, lead, assessment = assessed_city("Far Town", "NZ", claimed=20, submit=False)
    found = comparison(c, assessment)
    assert not found.shown and found.region is None
    assert "places it in no comparison group" in page(c, lead, assessment)


def test_the_peer_rules_refuse_overlapping_bands_and_twice_listed_countries() -> None:
    text = """
min_group: 5
bands:
  - {code: a, min: 30000, max: 100000, label: {en: A}}
  - {code: b, min: 100000, max: null, label: {en: B}}
regions:
  - {code: r, label: {en: R}, countries: [US]}
"""
    with pytest.raises(peers.PeerRulesError, match="bands a and b overlap"):
        peers.parse_rules(text)
    text = text.replace("max: 100000", "max: 99999").replace(
        "countries: [US]}", "countries: [US]}\n  - {code: s, label: {en: S}, countries: [US]}"
    )
    with pytest.raises(peers.PeerRulesError, match="country US is in regions r and s"):
        peers.parse_rules(text)


def test_the_shipped_rules_place_the_program_cities() -> None:
    rules = peers.rules()
    assert rules.min_group == 5
    assert rules.band_for(1_200_000).code == "1m"  # type: ignore[union-attr]
    assert rules.band_for(29_999) is None
    assert rules.region_for("AR").code == "south_america"  # type: ignore[union-attr]
    assert rules.region_for("US").code == "united_states"  # type: ignore[union-attr]
