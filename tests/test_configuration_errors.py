"""A setting that is missing or cannot be read stops citycert with one sentence naming it: on
the command line (status 2, no traceback) and when a server loads the site."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLEARED = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in CLEARED}
    return {**base, "CITYCERT_VAR_DIR": str(tmp_path), **extra}


def citycert(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "citycert.cli", *args],
        capture_output=True,
        text=True,
        env=clean_env(tmp_path, **env),
    )


def test_it_says_in_one_sentence_that_the_secret_key_is_missing(tmp_path: Path) -> None:
    completed = citycert(tmp_path, "check")
    assert completed.returncode == 2
    assert completed.stderr == (
        "citycert: SECRET_KEY is not set: set it in the environment (any long random string), "
        "or set DEBUG=true for development.\n"
    )


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("DEBUG", "ture", "DEBUG is not valid: it must be true or false."),
        ("DATABASE_URL", "citycert.sqlite3", "DATABASE_URL is not valid: it must be a URL such as"),
        ("DATABASE_URL", "postgress://h/db", "DATABASE_URL is not valid: it must be a URL such as"),
        ("CACHE_URL", "127.0.0.1:6379", "CACHE_URL is not valid: it must be a URL such as"),
        ("EMAIL_URL", "mail.example.org", "EMAIL_URL is not valid: it must be a URL such as"),
        (
            "AXES_FAILURE_LIMIT",
            "five",
            "AXES_FAILURE_LIMIT is not valid: it must be a whole number.",
        ),
        ("EVIDENCE_MAX_MB", "twenty", "EVIDENCE_MAX_MB is not valid: it must be a number."),
        ("LANGUAGES", "es,klingon", "LANGUAGES is not valid: klingon is not a language code"),
        ("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto", "SECURE_PROXY_SSL_HEADER is not valid"),
    ],
)
def test_it_names_a_setting_it_cannot_read(
    tmp_path: Path, variable: str, value: str, says: str
) -> None:
    completed = citycert(tmp_path, "check", **{"DEBUG": "true", variable: value})
    assert completed.returncode == 2
    assert completed.stderr.startswith(f"citycert: {says}")
    assert completed.stderr.count("\n") == 1
    assert "Traceback" not in completed.stderr


def test_it_refuses_a_second_purge_before_every_process_sees_the_change(tmp_path: Path) -> None:
    completed = citycert(
        tmp_path,
        "check",
        DEBUG="true",
        CDN_PURGE_URL="http://127.0.0.1:6081/",
        PUBLIC_REVISION_TTL="5",
        CDN_PURGE_DELAY="3",
    )
    assert completed.returncode == 2
    assert completed.stderr == (
        "citycert: CDN_PURGE_DELAY (3) must be longer than PUBLIC_REVISION_TTL (5): "
        "set one of them in the environment.\n"
    )


def test_a_password_in_a_bad_url_is_not_repeated(tmp_path: Path) -> None:
    password = secrets.token_hex(8)
    completed = citycert(tmp_path, "check", DEBUG="true", DATABASE_URL=f"pg://u:{password}@h/db")
    assert completed.returncode == 2
    assert password not in completed.stderr


def test_traceback_shows_the_traceback_when_asked(tmp_path: Path) -> None:
    completed = citycert(tmp_path, "check", "--traceback")
    assert completed.returncode != 0
    assert "Traceback" in completed.stderr


@pytest.mark.parametrize("entry", ["citycert.wsgi", "citycert.asgi"])
def test_a_server_loading_the_site_logs_the_reason_first(tmp_path: Path, entry: str) -> None:
    completed = subprocess.run(
        [sys.executable, "-c", f"import {entry}"],
        capture_output=True,
        text=True,
        env=clean_env(tmp_path),
    )
    assert completed.returncode != 0
    first = completed.stderr.splitlines()[0]
    assert first == (
        "citycert cannot start: SECRET_KEY is not set: set it in the environment "
        "(any long random string), or set DEBUG=true for development."
    )
    assert completed.stderr.rstrip().endswith(
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY is not set: set it in the "
        "environment (any long random string), or set DEBUG=true for development."
    )


def test_gunicorn_refuses_to_start_and_says_why(tmp_path: Path) -> None:
    completed = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "citycert.wsgi:application",
            "--bind",
            "127.0.0.1:0",
            "--workers",
            "1",
            "--control-socket",
            str(tmp_path / "gunicorn.ctl"),
        ],
        capture_output=True,
        text=True,
        env=clean_env(tmp_path),
        timeout=120,
    )
    assert completed.returncode != 0  # gunicorn stops instead of restarting the worker forever
    assert "citycert cannot start: SECRET_KEY is not set" in completed.stderr


def test_the_deployment_checks_ask_for_the_site_url(tmp_path: Path) -> None:
    production = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "certify.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://certify.example.org",
    }
    completed = citycert(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **production)
    assert completed.returncode != 0
    assert "(citycert.W001) SITE_URL is https://localhost, so links in emails" in completed.stderr
