"""The cluster tests talk to the cluster `make cluster` started (scripts/cluster.py) through
real HTTP; what they do inside citycert runs in a child process with the cluster's settings
(actions.py). They run only with --cluster or CITYCERT_CLUSTER=1 (`make test-cluster`)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN = Path(os.environ.get("CITYCERT_CLUSTER_DIR", ROOT / "var" / "cluster"))
sys.path.insert(0, str(ROOT / "scripts"))
import cluster as parts  # noqa: E402

pytestmark = pytest.mark.cluster

VARNISH = f"http://127.0.0.1:{parts.PORTS['varnish']}"
HAPROXY = f"http://127.0.0.1:{parts.PORTS['haproxy']}"
NODE_A = f"http://127.0.0.1:{parts.PORTS['app-a']}"
NODE_B = f"http://127.0.0.1:{parts.PORTS['app-b']}"


def cluster_env(**extra: str) -> dict[str, str]:
    settings = dict(
        line.split("=", 1) for line in (RUN / "env").read_text().splitlines() if "=" in line
    )
    return {
        **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")},
        **settings,
        **extra,
    }


def act(name: str, *args: object, **extra_env: str) -> Any:
    """Run one of actions.py's actions against the cluster; its JSON outcome."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.cluster.actions", name, *map(str, args)],
        cwd=ROOT,
        env=cluster_env(**extra_env),
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def pid(part: str) -> int:
    found = parts.pid_of(part)
    assert found is not None, f"{part} is not running"
    return found


def restart(part: str) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "cluster.py"), "restart", part],
        cwd=ROOT,
        check=True,
        timeout=120,
    )


@dataclass
class Browser:
    """Cookies kept by hand: the session cookie is Secure (DEBUG off), and loopback speaks
    plain HTTP, where an HTTP client's cookie jar would not send it."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = httpx.request(method, url, headers=headers, timeout=30, **kwargs)
        for header in response.headers.get_list("set-cookie"):
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name.strip()] = value.strip()
        return response

    def sign_in(self, base: str, email: str, password: str) -> httpx.Response:
        form = self.request("GET", f"{base}/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        assert token, "no CSRF token on the sign-in page"
        return self.request(
            "POST",
            f"{base}/accounts/login/",
            data={"login": email, "password": password, "csrfmiddlewaretoken": token.group(1)},
        )


@pytest.fixture(scope="session")
def seeded() -> dict[str, Any]:
    assert (RUN / "env").exists(), "the cluster is not running: make cluster"
    for part in parts.PARTS:
        assert parts.running(part), f"{part} is not running"
    return act("seed")
