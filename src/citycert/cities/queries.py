"""Reads of the city registry."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .gazetteer import normalize
from .models import City


def registry(query: str = "") -> QuerySet[City]:
    """Registered cities, with team sizes, matching `query` accent- and case-insensitively."""
    cities = City.objects.annotate(team_size=Count("memberships")).order_by("name", "country")
    for word in normalize(query).split():
        cities = cities.filter(Q(search_key__contains=word))
    return cities
