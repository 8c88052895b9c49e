"""`citycert score --standard 2022 --met DM1,DM2 --outcome air_quality`: score a city."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from citycert.scoring import AnswerError, answers_from_codes, score
from citycert.standards.definitions import DefinitionError, packaged_spec


def _codes(value: str) -> list[str]:
    return [code.strip() for code in value.split(",") if code.strip()]


class Command(BaseCommand):
    help = (
        "Score a set of met criteria against a standard version and print the result as JSON: "
        "level, points, possible, percent, areas, next_level, gap and the criteria that would "
        "close it. Exits with status 2 on an unknown version, criterion or outcome option."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--standard", required=True, help="version code, e.g. 2022")
        parser.add_argument(
            "--met", type=_codes, default=[], help="comma-separated codes of criteria fully met"
        )
        parser.add_argument(
            "--not-applicable",
            type=_codes,
            default=[],
            help="comma-separated codes of criteria marked not applicable",
        )
        parser.add_argument(
            "--outcome",
            type=_codes,
            default=[],
            help="comma-separated outcome-gate options met (air_quality, broadband, sdg_outcome)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            spec = packaged_spec(options["standard"])
            answers = answers_from_codes(spec, options["met"], options["not_applicable"])
            result = score(spec, answers, options["outcome"])
        except (DefinitionError, AnswerError) as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(json.dumps(result.as_dict(), indent=2))
