"""The report's contents: strengths, opportunities in order, the roadmap, year over year, and the
snapshot's estimate, built from real assessments through the real services and engine."""

from __future__ import annotations

import pytest

from citycert.assessments import services
from citycert.assessments.models import Snapshot
from citycert.assessments.snapshot import questionnaire
from citycert.reports import queries
from citycert.scoring import plan_to_level
from citycert.standards.models import Criterion, StandardVersion
from citycert.standards.queries import scoring_spec
from tests import factories as f
from tests.reports.conftest import assessed_city, decide, signed_in


def report_of(assessment) -> queries.Report:  # type: ignore[no-untyped-def]
    subject = queries.assessment_subject(assessment.city, assessment.pk)
    assert subject is not None
    return queries.build(subject)


def codes(lines) -> list[str]:  # type: ignore[no-untyped-def]
    return [line.code for line in lines]


def test_it_groups_the_criteria_met_by_practice_area(rosario) -> None:  # type: ignore[no-untyped-def]
    _, _, assessment = rosario
    report = report_of(assessment)
    grouped = {area.code: codes(lines) for area, lines in report.strengths}
    # The first 20 criteria of the Standard: every DM, LC and OD criterion.
    assert grouped == {
        "DM": [f"DM{i}" for i in range(1, 10)],
        "LC": [f"LC{i}" for i in range(1, 8)],
        "OD": [f"OD{i}" for i in range(1, 5)],
    }
    assert (report.result.points, report.level, report.silver_gap) == (20, None, 2)


def test_the_roadmap_reaches_the_next_level_and_the_one_after(rosario) -> None:  # type: ignore[no-untyped-def]
    _, _, assessment = rosario
    report = report_of(assessment)
    spec = scoring_spec(assessment.standard)
    answers = queries.assessment_answers(assessment)
    silver, gold = report.roadmap
    assert (silver.level, gold.level) == ("silver", "gold")
    assert tuple(codes(silver.criteria)) == plan_to_level(spec, answers, "silver").criteria
    # 22 of 43 reach Silver; 30 reach Gold: 8 more after the first step, none repeated.
    assert len(silver.criteria) == 2 and len(gold.criteria) == 8
    assert not set(codes(silver.criteria)) & set(codes(gold.criteria))
    assert not silver.outcome_needed  # the broadband outcome was chosen


def test_opportunities_come_roadmap_first_and_prerequisites_before_what_needs_them(
    rosario,
) -> None:  # type: ignore[no-untyped-def]
    assessment = rosario[2]
    version = StandardVersion.objects.get(code="2022")
    by_code = {x.code: x for x in Criterion.objects.filter(version=version)}
    # Prerequisites (the 2022 data has none; the model supports them): PA3 needs PA1, and
    # OD4, which the city meets, needs PA2, which it does not.
    by_code["PA3"].prerequisites.add(by_code["PA1"])
    by_code["OD4"].prerequisites.add(by_code["PA2"])
    version.save()  # a new load time: the engine's spec is built again
    report = report_of(assessment)
    order = codes(report.opportunities)

    assert "OD4" in order and "OD4" not in codes(line for _, ls in report.strengths for line in ls)
    od4 = next(line for line in report.opportunities if line.code == "OD4")
    assert od4.blocked and od4.waiting_on == ("PA2",)
    # Meeting PA2 earns its own point and releases OD4: two points, the most of any.
    pa2 = next(line for line in report.opportunities if line.code == "PA2")
    assert pa2.gain == 2 and pa2.in_next_step
    first_step = codes(report.roadmap[0].criteria)
    assert order[: len(first_step)] == first_step
    for i, line in enumerate(report.opportunities):
        for prerequisite in line.waiting_on:
            assert order.index(prerequisite) < i, f"{prerequisite} after {line.code}"
    rest = report.opportunities[len(first_step) :]
    assert [line.gain for line in rest] == sorted((line.gain for line in rest), reverse=True)


def test_a_decided_assessment_counts_only_validated_criteria(standard) -> None:  # type: ignore[no-untyped-def]
    _, _, assessment = assessed_city("Córdoba", claimed=30)
    decide(assessment, validated=24, level="silver", cohort="2024-06")
    assessment.refresh_from_db()
    report = report_of(assessment)
    assert report.subject.basis == "validated"
    assert (report.result.points, report.level) == (24, "silver")


def test_year_over_year_lists_the_criteria_gained_and_lost(standard) -> None:  # type: ignore[no-untyped-def]
    c, lead, previous = assessed_city("Mendoza", claimed=30)
    decide(previous, validated=25, cohort="2023-06")  # the first 25 criteria counted
    current = services.start(c, lead, carry_forward=False)
    f.answer_all(current, lead, claimed=22)
    last = current.answers.get(criterion__code="EVAL4")
    services.save_answer(
        last,
        version=last.version,
        status="claimed",
        items=list(last.criterion.checklist_items.values_list("key", flat=True)),
        narrative="",
        links=[],
        by=lead,
    )
    report = report_of(current)
    change = report.year_over_year
    assert change is not None and change.previous_standard.code == "2022"
    spec = scoring_spec(current.standard)
    first = [x.code for x in spec.criteria]
    assert codes(change.gained) == ["EVAL4"]
    assert codes(change.lost) == first[22:25]
    page = signed_in(lead).get(f"/my/cities/{c.slug}/reports/assessments/{current.pk}/").text
    assert "3 criteria lost" in page and "1 criterion gained" in page


def test_the_first_assessment_has_no_year_over_year(rosario) -> None:  # type: ignore[no-untyped-def]
    assert report_of(rosario[2]).year_over_year is None


def test_a_snapshot_report_is_an_estimate_from_the_answers(standard) -> None:  # type: ignore[no-untyped-def]
    c = f.city("Salta", "AR")
    lead = f.lead(c).user
    q = questionnaire()
    answers = {question.key: 1 for question in q.questions}
    answers["governance"] = answers["inventory"] = 3  # fully in place: DM1, LC5, DM2
    taken = Snapshot.objects.create(questionnaire=q.code, answers=answers, city=c, person=lead)
    subject = queries.snapshot_subject(c, taken.pk)
    assert subject is not None
    report = queries.build(subject)
    assert report.subject.basis == "estimate"
    assert sorted(report.result.earned) == ["DM1", "DM2", "LC5"]
    earlier = Snapshot.objects.create(
        questionnaire=q.code, answers={**answers, "inventory": 2}, city=c, person=lead
    )
    Snapshot.objects.filter(pk=earlier.pk).update(created_at=taken.created_at.replace(year=2020))
    change = queries.build(subject).year_over_year
    assert change is not None and codes(change.gained) == ["DM2"] and change.lost == ()
    page = signed_in(lead).get(f"/my/cities/{c.slug}/reports/snapshots/{taken.pk}/")
    assert page.status_code == 200
    assert "an estimate from the data snapshot" in page.text


@pytest.mark.parametrize("state", ["draft", "submitted", "decided"])
def test_the_report_page_opens_in_every_state(standard, state: str) -> None:
    c, lead, assessment = assessed_city("Neuquén", claimed=25, submit=state != "draft")
    if state == "decided":
        decide(assessment, validated=25, level="silver")
    response = signed_in(lead).get(f"/my/cities/{c.slug}/reports/assessments/{assessment.pk}/")
    assert response.status_code == 200
    assert "<h1>Neuquén: report</h1>" in response.text
    index = signed_in(lead).get(f"/my/cities/{c.slug}/reports/").text
    assert f"/my/cities/{c.slug}/reports/assessments/{assessment.pk}/" in index
