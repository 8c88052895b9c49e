"""Saving a criterion's answer in a real browser: autosave and the Save button share one queue,
so a person never meets a conflict with themselves; a change someone else saved meanwhile is
still reported."""

from __future__ import annotations

from playwright.sync_api import expect

from citycert.assessments import services
from citycert.assessments.models import Answer
from tests import factories as f
from tests.browser.conftest import axe_violations
from tests.browser.test_people_pages import sign_in


def _open_dm1(page, live_server):  # type: ignore[no-untyped-def]
    city = f.city("Cordoba", country="AR", timezone="America/Argentina/Cordoba")
    maria = f.lead(city, f.person(name="Maria")).user
    assessment = services.start(city, maria, carry_forward=False)
    sign_in(page, live_server, maria)
    statuses: list[int] = []
    page.on(
        "response",
        lambda r: statuses.append(r.status) if r.request.method == "POST" else None,
    )
    page.goto(f"/my/cities/{city.slug}/assessment/criteria/DM1/")
    return assessment.answers.get(criterion__code="DM1"), statuses


def test_a_tick_then_save_at_once_is_no_conflict(page, live_server) -> None:  # type: ignore[no-untyped-def]
    answer, statuses = _open_dm1(page, live_server)
    page.fill("textarea[name=narrative]", "Our data board meets every month.")
    page.check("input[name=items][value=a]")
    page.get_by_role("button", name="Save", exact=True).click()
    page.check("input[name=items][value=b]")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator("#save-state")).to_contain_text("Saved at")
    page.wait_for_load_state("networkidle")
    answer.refresh_from_db()
    assert answer.items == ["a", "b"]
    assert answer.narrative == "Our data board meets every month."
    assert 409 not in statuses, statuses
    assert statuses and set(statuses) == {200}
    expect(page.locator("main")).not_to_contain_text("while you were editing")
    # Two of the three items DM1 needs: saved, and said to count as not met.
    expect(page.locator("#save-state")).to_contain_text("2 of 3 items needed")
    assert axe_violations(page) == []
    # The page was never left: everything went through the one queue.
    expect(page.locator("textarea[name=narrative]")).to_have_value(
        "Our data board meets every month."
    )


def test_someone_elses_save_meanwhile_is_reported(page, live_server) -> None:  # type: ignore[no-untyped-def]
    answer, statuses = _open_dm1(page, live_server)
    other = f.member(answer.assessment.city, f.person(name="Jorge")).user
    services.save_answer(
        answer,
        version=answer.version,
        status="claimed",
        items=["d"],
        narrative="Jorge's answer.",
        links=[],
        by=other,
    )
    page.check("input[name=items][value=a]")
    expect(page.locator("#save-state")).to_contain_text("while you were editing")
    assert statuses == [409]
    # Nothing is overwritten, by this save or the next one.
    # The message is already on the page: wait for this save's own answer, not for the text.
    with page.expect_response(lambda r: r.request.method == "POST") as second:
        page.check("input[name=items][value=b]")
    assert second.value.status == 409
    expect(page.locator("#save-state")).to_contain_text("while you were editing")
    assert statuses == [409, 409]
    answer.refresh_from_db()
    assert (answer.items, answer.narrative) == (["d"], "Jorge's answer.")
    assert Answer.objects.get(pk=answer.pk).updated_by == other


def test_removing_a_file_asks_first_without_javascript(
    browser, live_server, transactional_db
) -> None:  # type: ignore[no-untyped-def]
    import io

    from citycert.assessments.models import Evidence
    from citycert.standards.services import load_files

    load_files()
    city = f.city("Rosario", country="AR", timezone="America/Argentina/Cordoba")
    lead = f.lead(city, f.person(name="Ana")).user
    dm1 = services.start(city, lead, carry_forward=False).answers.get(criterion__code="DM1")
    services.add_evidence(dm1, io.BytesIO(f.TINY_PDF), "plan.pdf", lead)
    for javascript in (True, False):
        context = browser.new_context(
            base_url=live_server.url,
            java_script_enabled=javascript,
            bypass_csp=True,
            viewport={"width": 390, "height": 844},
        )
        page = context.new_page()
        sign_in(page, live_server, lead)
        page.goto(f"/my/cities/{city.slug}/assessment/criteria/DM1/")
        page.get_by_role("button", name="Remove plan.pdf").click()
        expect(page.locator("h1")).to_have_text("Remove plan.pdf from DM1?")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        if javascript:
            assert axe_violations(page) == []
            page.get_by_role("link", name="Cancel").click()
            expect(page.locator("h1")).to_contain_text("DM1")
            assert Evidence.objects.filter(name="plan.pdf").exists()
        else:
            page.get_by_role("button", name="Remove the file").click()
            expect(page.locator("main")).to_contain_text("plan.pdf is removed.")
            assert not Evidence.objects.filter(name="plan.pdf").exists()
        context.close()
