"""Benchmark: the signed-in pages and the API's lists at the program's full scale.

Builds a database of its own (SQLite in a temporary folder unless --database-url is given) and
fills it with `generate_demo`: 5,000 certified cities with 25,000 certification events, 3,000
open assessments (in progress, submitted, in review, waiting for a clarification) and 1,500
decided ones, 43 answers each, their leads, 40 reviewers with assignments and verdicts,
clarifications and 3 program admins. It starts gunicorn in production settings (DEBUG off),
signs in three people the way the tests do (`force_login` with allauth's backend, which writes
an ordinary session into the database; the program admin and the reviewer have an authenticator
app, as staff must, so no check is skipped), gives each a read token for the API, and drives the
server from a second process with wrk at 32 connections, a Lua script sending the session
cookie or the token.

For each URL it prints requests/s and the p50 and p99 latency, the medians of several rounds,
and the ratio to a plain signed-in page measured in the same run (the city lead's API tokens
page: the layout and a handful of queries). Target: each page and list at most 5 times the
plain page's p50 latency, or at least 20% of its requests/s; the script prints whether each
is met. The API's per-token rate limit is raised for the run (every request comes from three
tokens, and would be answered 429 past it).

    uv run python bench/staff_pages.py [--workers 4] [--seconds 8] [--rounds 3]
        [--database-url postgres://.../empty_database] [--cities 5000 --events 25000]

wrk comes from Debian (apt-get install wrk).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from public_pages import CITYCERT, CONNECTIONS, ROOT, medians, milliseconds, run, serve

#: A page meets its target within this many times the plain page's p50 latency...
LATENCY_FACTOR = 5.0
#: ... or with at least this share of its requests/s.
THROUGHPUT_SHARE = 0.20
PLAIN = "Plain page (tokens)"


def wrk(url: str, seconds: int, script: str) -> tuple[float, float, float]:
    """requests/s, p50 and p99 (ms) of `url` under wrk. A slow page waits its turn behind 31
    others at 4 workers, so the timeout is long; a request that times out or fails stops the
    run, since the figures would leave it out."""
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s"]
    command += ["--latency", "-s", script, url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    failed = re.search(r"Non-2xx or 3xx responses: [1-9]|Socket errors: .*timeout [1-9]", out)
    if failed or not (found and p50 and p99) or float(found.group(1)) == 0:
        raise SystemExit(f"{url}: failed or timed out requests\n{out}")
    # wrk stops, but the workers still owe the requests it had sent: let them finish, so that
    # the next address is not measured behind this one's backlog.
    time.sleep(1 + milliseconds(p99.group(1)) / 1000)
    return float(found.group(1)), milliseconds(p50.group(1)), milliseconds(p99.group(1))


def prepare(env: dict[str, str], options: argparse.Namespace) -> None:
    """An empty database made ready to serve: migrated, the Standard loaded, the synthetic
    program generated, static files collected."""
    print("preparing: migrate, load the Standard, generate data, collect static files")
    run([*CITYCERT, "migrate", "--no-input"], env)
    run([*CITYCERT, "load_standard"], env)
    started = time.perf_counter()
    generate = [*CITYCERT, "generate_demo", "--force", f"--cities={options.cities}"]
    generate += [f"--events={options.events}"]
    for name in ("assessments", "decided", "reviewers"):
        if getattr(options, name) is not None:
            generate.append(f"--{name}={getattr(options, name)}")
    subprocess.run(generate, env=env, check=True, cwd=ROOT)
    print(f"  generate_demo took {time.perf_counter() - started:.0f} s")
    run([*CITYCERT, "collectstatic", "--no-input"], env)


# Run inside the project's settings (a separate process, like a management step): signs in a
# program admin, a city lead and a reviewer of that city's assessment in review, and prints the
# session cookies, read tokens and addresses to measure as JSON.
SIGN_IN = r"""
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
from citycert.accounts import services
from citycert.accounts.models import Membership, User
from citycert.assessments.models import Assessment
from citycert.reviews.models import Assignment

BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
# An assessment in review that follows a decided one (its report compares the two), with a
# reviewer who has declared no conflict.
assessment = (
    Assessment.objects.filter(state="in_review", previous__isnull=False,
                              assignments__conflict=False)
    .select_related("city").order_by("pk").first()
)
reviewer = Assignment.objects.filter(assessment=assessment, conflict=False).first().reviewer
lead = Membership.objects.filter(city=assessment.city, role="lead").first().user
admin = User.objects.filter(program_roles__role="admin").order_by("pk").first()
out = {"cookie": settings.SESSION_COOKIE_NAME, "slug": assessment.city.slug,
       "assessment": assessment.pk,
       "criterion": assessment.answers.filter(status="claimed").order_by("criterion__position")
       .values_list("criterion__code", flat=True).first()}
for key, user in (("admin", admin), ("lead", lead), ("reviewer", reviewer)):
    client = Client()
    client.force_login(user, backend=BACKEND)
    out[key] = client.cookies[settings.SESSION_COOKIE_NAME].value
    out[key + "_token"] = services.create_token(user, "benchmark", "read").secret
print(json.dumps(out))
"""


def sign_in(env: dict[str, str]) -> dict[str, str]:
    out = subprocess.run(
        [sys.executable, "-c", SIGN_IN],
        env={**env, "DJANGO_SETTINGS_MODULE": "citycert.settings"},
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def script(folder: Path, name: str, header: str, value: str) -> str:
    """A wrk script sending one header with every request."""
    path = folder / f"{name}.lua"
    path.write_text(f"wrk.headers[{json.dumps(header)}] = {json.dumps(value)}\n")
    return str(path)


def check(url: str, header: str, value: str) -> None:
    """The URL answers 200 with these credentials (not a redirect to the sign-in page)."""
    request = urllib.request.Request(url, headers={header: value})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            final = response.geturl()
            if response.status != 200 or "/accounts/" in final:
                raise SystemExit(f"{url}: answered {response.status} at {final}")
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{url}: answered {error.code}") from None


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cities", type=int, default=5000)
    parser.add_argument("--events", type=int, default=25000)
    parser.add_argument("--assessments", type=int, default=None)
    parser.add_argument("--decided", type=int, default=None)
    parser.add_argument("--reviewers", type=int, default=None)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--prepared",
        action="store_true",
        help="the database --database-url names is generated already: measure it again",
    )
    parser.add_argument(
        "--static-root", default="", help="collected static files to reuse (with --prepared)"
    )
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")

    with tempfile.TemporaryDirectory(prefix="citycert-bench-") as tmp:
        folder = Path(tmp)
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": options.database_url or f"sqlite:///{tmp}/bench.sqlite3",
            "STATIC_ROOT": options.static_root or f"{tmp}/static",
            "MEDIA_ROOT": f"{tmp}/media",
            "API_RATE_TOKEN": "100000000/min",
            "API_RATE_ANONYMOUS": "100000000/min",
            "PUBLIC_RATE_ANONYMOUS": "",
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        started = time.perf_counter()
        if options.prepared:
            if not options.static_root:
                run([*CITYCERT, "collectstatic", "--no-input"], env)
        else:
            prepare(env, options)
        print(f"  ready in {time.perf_counter() - started:.0f} s")
        who = sign_in(env)

        server, base = serve(env, options.workers)
        try:
            slug, pk, code = who["slug"], who["assessment"], who["criterion"]
            cookie = who["cookie"]
            api = f"{base}/api/v1"
            targets: dict[str, tuple[str, str, str]] = {
                PLAIN: (f"{base}/my/tokens/", "Cookie", f"{cookie}={who['lead']}"),
                "Review queue (admin)": (
                    f"{base}/program/reviews/",
                    "Cookie",
                    f"{cookie}={who['admin']}",
                ),
                "Overview (lead)": (
                    f"{base}/my/cities/{slug}/assessment/",
                    "Cookie",
                    f"{cookie}={who['lead']}",
                ),
                "Criterion (lead)": (
                    f"{base}/my/cities/{slug}/assessment/criteria/{code}/",
                    "Cookie",
                    f"{cookie}={who['lead']}",
                ),
                "Report (lead)": (
                    f"{base}/my/cities/{slug}/reports/assessments/{pk}/",
                    "Cookie",
                    f"{cookie}={who['lead']}",
                ),
                "Review (reviewer)": (
                    f"{base}/my/reviews/{slug}/",
                    "Cookie",
                    f"{cookie}={who['reviewer']}",
                ),
                "My page (reviewer)": (f"{base}/my/", "Cookie", f"{cookie}={who['reviewer']}"),
                "API review queue": (
                    f"{api}/program/reviews",
                    "Authorization",
                    f"Bearer {who['admin_token']}",
                ),
                "API appeals": (
                    f"{api}/program/appeals",
                    "Authorization",
                    f"Bearer {who['admin_token']}",
                ),
                "API renewals": (
                    f"{api}/program/renewals",
                    "Authorization",
                    f"Bearer {who['admin_token']}",
                ),
                "API my cities": (
                    f"{api}/my/cities",
                    "Authorization",
                    f"Bearer {who['lead_token']}",
                ),
                "API answers": (
                    f"{api}/my/cities/{slug}/assessment/answers",
                    "Authorization",
                    f"Bearer {who['lead_token']}",
                ),
                "API notifications": (
                    f"{api}/my/notifications",
                    "Authorization",
                    f"Bearer {who['reviewer_token']}",
                ),
                "API cities": (f"{api}/cities", "Authorization", f"Bearer {who['lead_token']}"),
            }
            scripts = {}
            for n, (name, (url, header, value)) in enumerate(targets.items()):
                check(url, header, value)
                scripts[name] = script(folder, f"s{n}", header, value)
                wrk(url, 2, scripts[name])  # warm every worker
            rounds: dict[str, list[tuple[float, float, float]]] = {name: [] for name in targets}
            for _ in range(options.rounds):
                for name, (url, _header, _value) in targets.items():
                    rounds[name].append(wrk(url, options.seconds, scripts[name]))
        finally:
            server.terminate()
            server.wait(timeout=30)

    results = medians(rounds)
    plain = results[0]
    database = "PostgreSQL" if options.database_url.startswith("postgres") else "SQLite"
    print(
        f"\n{options.cities} cities, {options.events} events, generated work (see above); "
        f"gunicorn, {options.workers} sync workers; {database}; wrk, {CONNECTIONS} connections, "
        f"{options.seconds} s x {options.rounds} rounds (medians); "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    print(
        f"{'':22} {'requests/s':>10} {'vs plain':>9} {'p50 ms':>8} {'p50 x plain':>11} "
        f"{'p99 ms':>8}  target (p50 <= {LATENCY_FACTOR:.0f}x or req/s >= "
        f"{THROUGHPUT_SHARE:.0%})"
    )
    for r in results:
        share = r.rps / plain.rps
        slower = r.p50_ms / plain.p50_ms
        verdict = ""
        if r is not plain:
            met = slower <= LATENCY_FACTOR or share >= THROUGHPUT_SHARE
            verdict = "met" if met else "MISSED"
        print(
            f"{r.name:22} {r.rps:10.0f} {share:9.0%} {r.p50_ms:8.2f} {slower:11.1f} "
            f"{r.p99_ms:8.2f}  {verdict}"
        )


if __name__ == "__main__":
    main()
