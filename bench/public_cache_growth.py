"""Benchmark: how much the public cache grows when someone asks for made-up searches.

Builds a database of its own (SQLite in a temporary folder), fills it with `generate_demo`,
starts gunicorn in production settings with the cache on Redis (a database of its own, emptied
first), then, from this process:

1. the baseline: visits every public page a person can reach by following links (the
   directory's pages and sorts, every profile, badge, the map, statistics, announcements);
2. the attack: 2,000 map and directory requests with a random `?q=` and a random parameter the
   pages do not read.

It prints the keys and the memory Redis reports after each step, and the median time of a
request in each step.

    uv run python bench/public_cache_growth.py [--cities 500] [--requests 2000]
        [--cache-url redis://127.0.0.1:6379/14]
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))
from public_pages import prepare, serve


def fetch(url: str) -> float:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise SystemExit(f"{url}: {exc}") from None
    return time.perf_counter() - started


def footprint(store: redis.Redis) -> tuple[int, float]:
    info = store.info("memory")
    return int(store.dbsize()), float(info["used_memory"]) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", type=int, default=500)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/14")
    options = parser.parse_args()
    store = redis.Redis.from_url(options.cache_url)
    store.flushdb()

    with tempfile.TemporaryDirectory(prefix="citycert-bench-") as tmp:
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "STATIC_ROOT": f"{tmp}/static",
            "MEDIA_ROOT": f"{tmp}/media",
            "CACHE_URL": options.cache_url,
            # One address asks for everything here; the per-address page limit would stop it.
            "PUBLIC_RATE_ANONYMOUS": "",
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        prepare(env, options.cities, options.events)
        server, base = serve(env, workers=2)
        try:
            slugs: list[str] = []
            pages, number = 1, 1
            while number <= pages:  # the directory's pages name every certified city
                with urllib.request.urlopen(f"{base}/cities/?page={number}", timeout=30) as r:
                    page = r.read().decode()
                slugs += re.findall(r'<th scope="row"><a href="/cities/([a-z0-9-]+)/"', page)
                found = re.search(r"Page \d+ of (\d+)", page)
                pages, number = int(found.group(1)) if found else 1, number + 1
            store.flushdb()
            before = footprint(store)
            baseline_urls = [
                *(
                    f"{base}/cities/?page={p}&sort={s}"
                    for p in range(1, pages + 1)
                    for s in ("name", "level", "year")
                ),
                *(f"{base}/cities/{slug}/" for slug in slugs),
                *(f"{base}/badge/{slug}.svg" for slug in slugs),
                f"{base}/cities/map/",
                f"{base}/stats/",
                f"{base}/cohorts/",
                f"{base}/data/",
            ]
            baseline_times = [fetch(url) for url in baseline_urls]
            after_baseline = footprint(store)
            attack_times = []
            for i in range(options.requests):
                page = "map/" if i % 2 else ""
                junk = secrets.token_hex(8)
                attack_times.append(fetch(f"{base}/cities/{page}?q={junk}&{junk[:4]}=1"))
            after_attack = footprint(store)
        finally:
            server.terminate()
            server.wait(timeout=30)
    store.flushdb()

    print(f"\n{options.cities} cities; gunicorn, 2 workers; SQLite; cache on Redis")
    print(f"{'':34} {'requests':>9} {'keys':>7} {'Redis MB':>9} {'median ms':>10}")
    print(f"{'empty cache':34} {'':>9} {before[0]:7} {before[1]:9.1f}")
    print(
        f"{'every public page once (baseline)':34} {len(baseline_urls):9} {after_baseline[0]:7} "
        f"{after_baseline[1]:9.1f} {statistics.median(baseline_times) * 1000:10.1f}"
    )
    print(
        f"{'random searches and parameters':34} {options.requests:9} {after_attack[0]:7} "
        f"{after_attack[1]:9.1f} {statistics.median(attack_times) * 1000:10.1f}"
    )
    grown = after_attack[1] - after_baseline[1]
    print(
        f"growth from the random requests: {after_attack[0] - after_baseline[0]} keys, "
        f"{grown:+.1f} MB"
    )


if __name__ == "__main__":
    main()
