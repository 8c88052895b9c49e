from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.usefixtures("standard")
def test_it_points_to_the_current_standard(client: Client) -> None:
    html = client.get("/").text
    assert 'href="/standard/2022/"' in html
    assert "43 criteria" in html
    assert 'href="/cohorts/"' in html  # the announcements are one click away


@pytest.mark.django_db
def test_it_works_before_the_standard_is_loaded(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "has not been loaded yet" in response.text
