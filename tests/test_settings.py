"""Settings come from the environment; production settings pass Django's deployment checks."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "certify.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://certify.example.org",
    "SITE_URL": "https://certify.example.org",
}


def citycert(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [sys.executable, "-m", "citycert.cli", *args],
        capture_output=True,
        text=True,
        env={**base, "CITYCERT_VAR_DIR": str(tmp_path), **env},
    )


def test_production_settings_pass_the_deployment_checks(tmp_path: Path) -> None:
    completed = citycert(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, tmp_path=tmp_path
    )
    assert completed.returncode == 0, completed.stderr
    assert "System check identified no issues (0 silenced)." in completed.stdout


def test_a_secret_key_is_required_when_debug_is_off(tmp_path: Path) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    completed = citycert("check", env=env, tmp_path=tmp_path)
    assert completed.returncode != 0
    assert "SECRET_KEY is not set" in completed.stderr


def test_development_generates_and_keeps_a_key(tmp_path: Path) -> None:
    assert citycert("check", env={"DEBUG": "true"}, tmp_path=tmp_path).returncode == 0
    key = (tmp_path / "development-secret-key").read_text()
    assert len(key) >= 50
    assert citycert("check", env={"DEBUG": "true"}, tmp_path=tmp_path).returncode == 0
    assert (tmp_path / "development-secret-key").read_text() == key


def test_the_database_comes_from_database_url(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['ENGINE'], d['HOST'], d['NAME'])"
    )
    env = {
        **PRODUCTION,
        "DATABASE_URL": "postgres://citycert:pw@db.internal:5432/citycert",
        "DJANGO_SETTINGS_MODULE": "citycert.settings",
    }
    completed = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        capture_output=True,
        text=True,
        env={**os.environ, **env, "CITYCERT_VAR_DIR": str(tmp_path)},
    )
    assert completed.stdout.split() == ["django.db.backends.postgresql", "db.internal", "citycert"]


def test_evidence_goes_to_an_s3_compatible_store_when_a_bucket_is_set(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s; d = s.STORAGES['default']; "
        "print(d['BACKEND'], d['OPTIONS']['bucket_name'], d['OPTIONS']['endpoint_url'], "
        "d['OPTIONS']['default_acl'])"
    )
    env = {
        **PRODUCTION,
        "S3_BUCKET": "city-evidence",
        "S3_ENDPOINT_URL": "https://objects.example.org",
        "DJANGO_SETTINGS_MODULE": "citycert.settings",
    }
    completed = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        capture_output=True,
        text=True,
        env={**os.environ, **env, "CITYCERT_VAR_DIR": str(tmp_path)},
    )
    assert completed.stdout.split() == [
        "storages.backends.s3.S3Storage",
        "city-evidence",
        "https://objects.example.org",
        "private",
    ]


def _printed(code: str, env: dict[str, str], tmp_path: Path) -> list[str]:
    completed = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            **PRODUCTION,
            "DJANGO_SETTINGS_MODULE": "citycert.settings",
            "CITYCERT_VAR_DIR": str(tmp_path),
            **env,
        },
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.split()


def test_django_storages_names_for_the_bucket_are_read_too(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s; d = s.STORAGES['default']; "
        "print(d['BACKEND'], d['OPTIONS']['bucket_name'], d['OPTIONS']['endpoint_url'], "
        "d['OPTIONS']['region_name'])"
    )
    env = {
        "AWS_STORAGE_BUCKET_NAME": "city-evidence",
        "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        "AWS_S3_REGION_NAME": "eu-west-1",
    }
    assert _printed(code, env, tmp_path) == [
        "storages.backends.s3.S3Storage",
        "city-evidence",
        "http://127.0.0.1:9000",
        "eu-west-1",
    ]


def test_server_side_cursors_can_be_turned_off_for_a_transaction_pooler(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS'])"
    )
    url = {"DATABASE_URL": "postgres://citycert@127.0.0.1:6432/citycert"}
    assert _printed(code, url, tmp_path) == ["False"]
    pooled = {**url, "DISABLE_SERVER_SIDE_CURSORS": "true"}
    assert _printed(code, pooled, tmp_path) == ["True"]
