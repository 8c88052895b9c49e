"""Rebuild the public listings from the published certifications."""

from typing import Any

from django.core.management.base import BaseCommand

from citycert.public.services import refresh


class Command(BaseCommand):
    help = "Rebuild the public directory from the published certifications (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        listed = refresh()
        self.stdout.write(f"{listed} certified cities listed")
