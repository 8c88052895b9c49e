"""`citycert score`: the boundary cases from the command line, and its errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from citycert.standards.definitions import packaged

CODES = [c.code for _, c in packaged("2022").criteria]


def run_score(*args: str) -> dict:
    from io import StringIO

    out = StringIO()
    call_command("score", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(
    ("met", "level"),
    [(21, None), (22, "silver"), (29, "silver"), (30, "gold"), (36, "gold"), (37, "platinum")],
)
def test_it_prints_the_level_at_each_boundary(met: int, level: str | None) -> None:
    result = run_score(
        "--standard", "2022", "--met", ",".join(CODES[:met]), "--outcome", "broadband"
    )
    assert result["level"] == level
    assert (result["points"], result["possible"]) == (met, 43)
    assert result["percent"] == round(100 * met / 43, 1)
    assert set(result) >= {"level", "points", "possible", "percent", "areas", "next_level", "gap"}


def test_it_gives_no_level_without_the_outcome_gate() -> None:
    result = run_score("--standard", "2022", "--met", ",".join(CODES[:37]))
    assert result["level"] is None
    assert result["outcome_gate"] == {"required": True, "met": False, "options_met": []}


def test_it_prints_the_gap_to_the_next_level() -> None:
    result = run_score(
        "--standard", "2022", "--met", ",".join(CODES[:25]), "--outcome", "air_quality"
    )
    assert (result["level"], result["next_level"], result["gap"]) == ("silver", "gold", 5)
    assert len(result["gap_criteria"]) == 5
    assert result["areas"]["DM"] == {"points": 9, "possible": 9}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--standard", "2099"], "unknown standard version '2099'"),
        (["--standard", "2022", "--met", "DM1,XX1"], "unknown criteria for standard 2022: XX1"),
        (["--standard", "2022", "--outcome", "rainfall"], "unknown outcome option 'rainfall'"),
    ],
)
def test_it_refuses_unknown_codes_with_status_2(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message) as caught:
        call_command("score", *args)
    assert caught.value.returncode == 2


def test_the_installed_command_exits_2_with_a_clear_message() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "citycert.settings", "DEBUG": "true"}
    completed = subprocess.run(
        [sys.executable, "-m", "citycert.cli", "score", "--standard", "2022", "--met", "DM1,ZZ7"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert completed.returncode == 2
    assert "unknown criteria for standard 2022: ZZ7" in completed.stderr
    assert "Traceback" not in completed.stderr
