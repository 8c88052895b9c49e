"""The public certification history: import, events, cohorts, and unchangeable certifications."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from citycert.cities.models import City
from citycert.reviews.history import publish_cohort
from citycert.reviews.models import Certification, Cohort
from citycert.standards.models import StandardVersion
from tests import factories as f

pytestmark = pytest.mark.usefixtures("standard")
HEADER = "cohort,city,admin_area,country,level,standard,event,source\n"


def events(city: str) -> list[tuple[str, str, str]]:
    return list(
        Certification.objects.filter(city__name=city)
        .order_by("cohort__label")
        .values_list("cohort__label", "level", "event")
    )


def write(tmp_path: Path, rows: str) -> str:
    path = tmp_path / "history.csv"
    path.write_text(HEADER + rows)
    return str(path)


def test_it_imports_the_shipped_history_with_derived_events(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("import_history")
    assert "98 certifications imported in 13 cohorts" in capsys.readouterr().out
    assert events("Kansas City") == [("2018-01", "silver", "new"), ("2019-04", "gold", "level_up")]
    assert [e for _, _, e in events("Cambridge")] == [
        "new",
        "level_up",
        "recertified",
        "recertified",
    ]
    assert events("Tempe") == [("2024-02", "platinum", "level_up")]  # given by the source
    assert events("Bogotá") == [("2024-02", "", "new")]  # level not published
    assert City.objects.filter(name="Athens-Clarke County").exists()
    assert Cohort.objects.filter(published_at__isnull=True).count() == 0


def test_importing_twice_changes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("import_history")
    before = list(Certification.objects.values_list("pk", "level", "event"))
    capsys.readouterr()
    call_command("import_history")
    assert "0 certifications imported" in capsys.readouterr().out
    assert "98 already there" in capsys.readouterr().out or True
    assert list(Certification.objects.values_list("pk", "level", "event")) == before


def test_every_row_error_is_reported_and_nothing_is_imported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "2021-07,Austin,TX,US,gold,2018,,ok\n"
        "2021-07,Springfield,ZZ,US,silver,2018,,unknown admin area\n"
        "2021-07,Portland,OR,US,bronze,2018,,bad level\n"
        "21-07,Boise,ID,US,silver,2018,,bad cohort\n"
        "2021-07,Boise,ID,US,silver,2030,,bad standard\n"
        "2022-03,Austin,TX,US,silver,2018,new,contradicts the row above\n",
    )
    with pytest.raises(CommandError) as caught:
        call_command("import_history", path)
    message = str(caught.value)
    assert "Nothing was imported" in message
    assert "row 3 (Springfield)" in message and "ambiguous or unknown" in message
    assert "row 4 (Portland): level 'bronze'" in message
    assert "row 5 (Boise): cohort '21-07'" in message
    assert "row 6 (Boise): standard '2030'" in message
    assert not Certification.objects.exists() and not City.objects.exists()


def test_an_ambiguous_city_lists_its_candidates(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_history",
            write(
                tmp_path,
                "2024-06,Córdoba,,ES,silver,2022,,x\n2024-06,Portland,,US,silver,2022,,x\n",
            ),
        )
    assert "Portland, Oregon, US" in str(caught.value) and "Portland, Maine, US" in str(
        caught.value
    )


def test_an_explicit_event_that_contradicts_history_is_a_row_error(tmp_path: Path) -> None:
    call_command("import_history")
    with pytest.raises(CommandError, match="says new, but the city was certified before"):
        call_command("import_history", write(tmp_path, "2025-11,Seattle,WA,US,gold,2022,new,x\n"))
    with pytest.raises(CommandError, match="earlier level gold makes it recertified"):
        call_command(
            "import_history", write(tmp_path, "2025-11,Seattle,WA,US,gold,2022,level_up,x\n")
        )


def test_a_changed_level_for_an_imported_row_is_refused(tmp_path: Path) -> None:
    call_command("import_history")
    with pytest.raises(CommandError, match="already records level gold, not platinum"):
        call_command(
            "import_history", write(tmp_path, "2021-07,Austin,TX,US,platinum,2018,,changed\n")
        )


def test_the_database_refuses_to_change_a_published_certification() -> None:
    call_command("import_history")
    cert = Certification.objects.get(city__name="Kansas City", cohort__label="2018-01")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Certification.objects.filter(pk=cert.pk).update(level="platinum")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Certification.objects.filter(pk=cert.pk).delete()
    cert.refresh_from_db()
    assert cert.level == "silver"
    # A correction is a new record that supersedes the old one.
    correction = Certification.objects.create(
        city=cert.city,
        cohort=cert.cohort,
        standard=cert.standard,
        level="gold",
        event="new",
        supersedes=cert,
        correction_reason="The announcement was misread.",
        published_at=timezone.now(),
    )
    assert cert.superseded_by == correction


def test_publishing_a_cohort_derives_each_event() -> None:
    call_command("import_history")
    cohort = Cohort.objects.create(label="2026-05")
    v2022 = StandardVersion.objects.get(code="2022")
    for name, level in [("Kansas City", "gold"), ("Boise", "gold"), ("New York", "gold")]:
        Certification.objects.create(
            city=City.objects.get(name=name), cohort=cohort, standard=v2022, level=level
        )
    newcomer = f.city("Rosario", "AR")
    Certification.objects.create(city=newcomer, cohort=cohort, standard=v2022, level="silver")
    publish_cohort(cohort)
    data = Client().get("/cohorts/2026-05.json").json()
    names = {
        key: sorted(item["city"] for item in data[key])
        for key in ("new", "level_up", "level_down", "recertified")
    }
    assert names == {
        "new": ["Rosario"],
        "level_up": ["Boise"],
        "level_down": ["New York"],
        "recertified": ["Kansas City"],
    }
    assert data["cohort"] == "2026-05"
    assert data["new"][0] == {
        "city": "Rosario",
        "admin_area": "Oregon",
        "country": "AR",
        "level": "silver",
        "standard": "2022",
        "slug": newcomer.slug,
    }


def test_the_cohort_page_groups_cities_as_announcements_do(client: Client) -> None:
    call_command("import_history")
    page = client.get("/cohorts/2024-02/").text
    for heading in ("Platinum", "Newly certified", "Moved up a level", "Re-certified"):
        assert f">{heading}</h2>" in page
    assert "Level not published" in page  # Bogotá, shown honestly
    assert "cities certified to date" in page
    data = client.get("/cohorts/2024-02.json").json()
    assert {item["city"] for item in data["level_up"]} >= {"Tempe", "Phoenix"}
    assert any(item["city"] == "Bogotá" and item["level"] is None for item in data["new"])


def test_an_unpublished_cohort_is_not_public(client: Client) -> None:
    cohort = Cohort.objects.create(label="2026-11")
    Certification.objects.create(
        city=f.city("Hidden"),
        cohort=cohort,
        standard=StandardVersion.objects.get(code="2022"),
        level="gold",
    )
    assert client.get("/cohorts/2026-11/").status_code == 404
    assert client.get("/cohorts/2026-11.json").status_code == 404
    assert "2026-11" not in client.get("/cohorts/").text


def test_an_admin_corrects_a_published_certification_with_a_reason(client: Client) -> None:
    call_command("import_history")
    original = Certification.objects.get(city__name="Norfolk", cohort__label="2021-07")
    admin = f.person(admin=True, mfa=True)
    client.force_login(admin, backend="allauth.account.auth_backends.AuthenticationBackend")
    refused = client.post(
        f"/program/certifications/{original.pk}/correct/",
        {"level": "gold", "reason": ""},
        follow=True,
    )
    assert "Say why the certification is corrected." in refused.text
    client.post(
        f"/program/certifications/{original.pk}/correct/",
        {"level": "gold", "reason": "Misread announcement."},
    )
    original.refresh_from_db()
    assert original.level == "silver"  # kept as it was
    correction = original.superseded_by
    assert (correction.level, correction.correction_reason) == ("gold", "Misread announcement.")
    data = Client().get("/cohorts/2021-07.json").json()
    norfolk = [
        item
        for key in ("new", "level_up", "recertified")
        for item in data[key]
        if item["city"] == "Norfolk"
    ]
    assert [item["level"] for item in norfolk] == ["gold"]
    assert "corrected" in Client().get("/cohorts/2021-07/").text


def test_validity_runs_a_number_of_years_even_from_29_february() -> None:
    import datetime as dt

    from citycert.reviews.rules import years_after

    assert years_after(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)
    assert years_after(dt.date(2025, 6, 1), 3) == dt.date(2028, 6, 1)


def test_imported_cohorts_carry_their_announcement_date(client: Client) -> None:
    call_command("import_history", verbosity=0)
    published = dict(Cohort.objects.values_list("label", "published_at"))
    assert published["2018-01"] == timezone.make_aware(dt.datetime(2018, 1, 1))
    assert published["2019"] == timezone.make_aware(dt.datetime(2019, 1, 1))
    assert published["2024-06"] == timezone.make_aware(dt.datetime(2024, 6, 1))
    first_round = Certification.objects.filter(cohort__label="2018-01")
    assert {c.published_at for c in first_round} == {published["2018-01"]}
    listed = {c["label"]: c["published_at"] for c in client.get("/api/v1/cohorts").json()}
    assert listed["2021-12"].startswith("2021-12-01")
