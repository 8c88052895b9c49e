"""The deployment files (docs/deploy.md) keep their rules: the Dockerfile passes hadolint and
runs as a non-root user with a health check, from a pinned base and the lock; the systemd units
run the app, the workers and the daily tasks as the citycert account; the cluster's HAProxy and
Varnish configurations are valid (checked by the programs themselves where installed)."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
SYSTEMD = ROOT / "deploy" / "systemd"
CLUSTER = ROOT / "deploy" / "cluster"


def program(name: str) -> str | None:
    """A program on PATH or in /usr/sbin (where Debian puts HAProxy and Varnish)."""
    found = shutil.which(name) or Path("/usr/sbin", name)
    return str(found) if Path(found).exists() else None


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def test_the_dockerfile_passes_hadolint() -> None:
    hadolint = Path(sys.executable).parent / "hadolint"
    done = subprocess.run(
        [str(hadolint), "--no-color", str(DOCKERFILE)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_image_runs_as_a_user_that_is_not_root() -> None:
    users = [rest for keyword, rest in instructions() if keyword == "USER"]
    assert users, "no USER instruction"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")


def test_the_image_checks_its_liveness() -> None:
    checks = [rest for keyword, rest in instructions() if keyword == "HEALTHCHECK"]
    assert len(checks) == 1 and "/health/live" in checks[0]


def test_the_base_images_are_pinned() -> None:
    bases = [rest.split()[0] for keyword, rest in instructions() if keyword == "FROM"]
    assert bases
    for base in bases:
        assert re.fullmatch(r"[\w./-]+:\d+\.\d+\.\d+[\w.-]*(@sha256:[0-9a-f]{64})?", base), base


def test_the_image_is_built_from_the_lock_without_development_tools() -> None:
    runs = " ".join(rest for keyword, rest in instructions() if keyword == "RUN")
    assert "uv sync --locked --no-dev" in runs
    assert "uv.lock" in " ".join(rest for keyword, rest in instructions() if keyword == "COPY")


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(SYSTEMD / name)
    return parser


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("citycert-web.service", "gunicorn citycert.wsgi"),
        ("citycert-worker@.service", "citycert worker"),
        ("citycert-daily.service", "citycert daily"),
        ("citycert-recover.service", "citycert recover_work"),
    ],
)
def test_each_service_runs_its_command_as_the_citycert_account(name: str, command: str) -> None:
    service = unit(name)["Service"]
    assert service["User"] == "citycert"
    assert service["EnvironmentFile"] == "/etc/citycert/env"
    assert command in service["ExecStart"].replace("/srv/citycert/.venv/bin/", "")


@pytest.mark.parametrize(
    ("timer", "service"),
    [
        ("citycert-daily.timer", "citycert-daily.service"),
        ("citycert-recover.timer", "citycert-recover.service"),
    ],
)
def test_each_timer_starts_a_service_that_exists(timer: str, service: str) -> None:
    section = unit(timer)["Timer"]
    assert section["Unit"] == service and (SYSTEMD / service).exists()
    assert "OnCalendar" in section or "OnUnitActiveSec" in section


@pytest.mark.skipif(
    not program("haproxy"), reason="HAProxy is not installed (make cluster installs it)"
)
def test_the_haproxy_configuration_is_valid() -> None:
    done = subprocess.run(
        [str(program("haproxy")), "-c", "-f", str(CLUSTER / "haproxy.cfg")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.skipif(
    not program("varnishd"), reason="Varnish is not installed (make cluster installs it)"
)
def test_the_varnish_configuration_compiles(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            str(program("varnishd")),
            "-C",
            "-f",
            str(CLUSTER / "default.vcl"),
            "-n",
            str(tmp_path / "varnish"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
