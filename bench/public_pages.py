"""Benchmark: the public pages at the program's full scale, served by a real server.

Builds a database of its own (SQLite in a temporary folder unless --database-url is given),
fills it with `generate_demo` (5,000 certified cities, 25,000 certification events), starts
gunicorn with several workers in production settings (DEBUG off), and drives it from a second
process on loopback with wrk, at 32 concurrent connections. For each URL it prints requests/s
and the p50 and p99 latency, the median of several rounds, beside a static file served by the
same server in the same run.

Targets: the badge, the directory and a profile, when cached, at >= 70% of the static file's
requests/s with a p99 under 100 ms; "Directory, uncached" at >= 20% with a p99 under 250 ms.
That one asks for a random page, sort, filter and search each time, as a visitor with a session
(whose pages are never taken from the cache): it shows the cost of a page being built.
The per-address limit on anonymous pages (PUBLIC_RATE_ANONYMOUS) is turned
off: every request here comes from one address, and would be answered 429 past it.

    uv run python bench/public_pages.py [--workers 4] [--seconds 8] [--rounds 3]
        [--database-url postgres://...] [--cache-url redis://127.0.0.1:6379/14]

wrk comes from Debian (apt-get install wrk); the script says so when it is missing.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 32
TARGETS = {
    "Badge (SVG)": 0.70,
    "Directory": 0.70,
    "City profile": 0.70,
    "Directory, uncached": 0.20,
}
P99_LIMIT_MS = 100.0
#: Pages built afresh each time have a limit of their own.
P99_LIMITS_MS = {"Directory, uncached": 250.0}

# Asks for a random directory page, sort, filter and search, with a session cookie: no request
# is served from the cache (parameters a page does not read no longer make a new cache key).
# One request in three searches (a word, a part of one, two words, accents, letters in capitals).
UNCACHED_SCRIPT = """
math.randomseed(os.time())
local sorts = {"name", "level", "year", "year_asc"}
local levels = {"", "silver", "gold", "platinum"}
local searches = {"", "", "", "", "", "", "san", "spring", "bogota", "Bogot%C3%A1", "la", "ville",
  "port+new", "MEDELL%C3%8DN", "lake", "ca", "fort", "s%C3%A3o"}
request = function()
  local path = "/cities/?page=" .. math.random(1, 100) .. "&sort=" .. sorts[math.random(1, 4)]
    .. "&level=" .. levels[math.random(1, 4)] .. "&q=" .. searches[math.random(1, #searches)]
  return wrk.format("GET", path, {["Cookie"] = "sessionid=bench" .. math.random(1, 1000000)})
end
"""


@dataclass
class Result:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float


def medians(rounds: dict[str, list[tuple[float, float, float]]]) -> list[Result]:
    """Each URL's median requests/s, p50 and p99 over its rounds, in the order measured."""
    return [
        Result(
            name,
            statistics.median(r[0] for r in runs),
            statistics.median(r[1] for r in runs),
            statistics.median(r[2] for r in runs),
        )
        for name, runs in rounds.items()
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(args, env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


#: The project's command line, run by this Python.
CITYCERT = [sys.executable, "-m", "citycert.cli"]


def prepare(env: dict[str, str], cities: int, events: int) -> None:
    """An empty database (as `env` names it) made ready to serve: migrated, the Standard
    loaded, `cities` generated with `events` in their histories, static files collected."""
    print("preparing: migrate, load the Standard, generate data, collect static files")
    run([*CITYCERT, "migrate", "--no-input"], env)
    run([*CITYCERT, "load_standard"], env)
    run([*CITYCERT, "generate_demo", "--force", f"--cities={cities}", f"--events={events}"], env)
    run([*CITYCERT, "collectstatic", "--no-input"], env)


def serve(env: dict[str, str], workers: int) -> tuple[subprocess.Popen[bytes], str]:
    """gunicorn with `workers` processes on a free port, once it answers; and its address."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "citycert.wsgi:application",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/stats/", timeout=2).read()
            break
        except OSError:
            time.sleep(0.2)
    return server, base


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, seconds: int, script: str | None = None) -> tuple[float, float, float]:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", script]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = milliseconds(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = milliseconds(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses\n{out}")
    return rps, p50, p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cities", type=int, default=5000)
    parser.add_argument("--events", type=int, default=25000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--cache-url", default="", help="default: a cache per worker process")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")

    with tempfile.TemporaryDirectory(prefix="citycert-bench-") as tmp:
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": options.database_url or f"sqlite:///{tmp}/bench.sqlite3",
            "STATIC_ROOT": f"{tmp}/static",
            "MEDIA_ROOT": f"{tmp}/media",
            "PUBLIC_RATE_ANONYMOUS": "",
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        if options.cache_url:
            env["CACHE_URL"] = options.cache_url
        started = time.perf_counter()
        prepare(env, options.cities, options.events)
        print(f"  ready in {time.perf_counter() - started:.0f} s")

        server, base = serve(env, options.workers)
        try:
            static = _static_path(Path(env["STATIC_ROOT"]))
            slug = _a_slug(base)
            urls = {
                "Static file": base + static,
                "Badge (SVG)": f"{base}/badge/{slug}.svg",
                "Directory": base + "/cities/",
                "City profile": f"{base}/cities/{slug}/",
            }
            script = Path(tmp) / "uncached.lua"
            script.write_text(UNCACHED_SCRIPT)
            for url in urls.values():  # warm every worker's cache
                wrk(url, 2)
            rounds: dict[str, list[tuple[float, float, float]]] = {name: [] for name in urls}
            rounds["Directory, uncached"] = []
            for _ in range(options.rounds):
                for name, url in urls.items():
                    rounds[name].append(wrk(url, options.seconds))
                rounds["Directory, uncached"].append(
                    wrk(base + "/cities/", options.seconds, str(script))
                )
        finally:
            server.terminate()
            server.wait(timeout=30)

    results = medians(rounds)
    baseline = results[0].rps
    database = "PostgreSQL" if options.database_url.startswith("postgres") else "SQLite"
    print(
        f"\n{options.cities} cities, {options.events} events; gunicorn, {options.workers} sync "
        f"workers; {database}; cache: {options.cache_url or 'per process'}; wrk, "
        f"{CONNECTIONS} connections, {options.seconds} s x {options.rounds} rounds (medians); "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    print(f"{'':22} {'requests/s':>11} {'vs static':>10} {'p50 ms':>8} {'p99 ms':>8}  target")
    for r in results:
        ratio = r.rps / baseline
        target = TARGETS.get(r.name)
        verdict = ""
        if target is not None:
            verdict = f">= {target:.0%}: {'met' if ratio >= target else 'MISSED'}"
        limit = P99_LIMITS_MS.get(r.name, P99_LIMIT_MS)
        if r.p99_ms >= limit:
            verdict += f" p99 over {limit:.0f} ms"
        print(f"{r.name:22} {r.rps:11.0f} {ratio:10.0%} {r.p50_ms:8.2f} {r.p99_ms:8.2f}  {verdict}")


def _static_path(root: Path) -> str:
    """The hashed name of the site's stylesheet, as the pages link it."""
    matches = sorted(root.glob("citycert/site.*.css"))
    if not matches:
        raise SystemExit("collectstatic did not produce the stylesheet")
    return "/static/" + matches[0].relative_to(root).as_posix()


def _a_slug(base: str) -> str:
    page = urllib.request.urlopen(base + "/cities/?sort=level", timeout=10).read().decode()
    found = re.search(r'<th scope="row"><a href="/cities/([a-z0-9-]+)/"', page)
    if not found:
        raise SystemExit("the directory lists no city")
    return found.group(1)


if __name__ == "__main__":
    main()
