"""Benchmark: draw the map of the Americas with 5,000 certified cities on it.

Prints the time `render_map` takes for 5,000 points (each a link with a title and a marker),
beside a baseline measured in the same run: joining 5,000 ready-made marker strings of the
same shape, with the coordinates already projected and nothing to escape, the least work any
renderer of this markup must do. Also prints the one-off cost of building the base map (the
first call in a process) and the size of the SVG. Medians of several rounds, the contenders
taking turns in each.

    uv run python bench/map_render.py [--points 5000] [--rounds 9]
"""

from __future__ import annotations

import argparse
import gzip
import platform
import random
import statistics
import time
from collections.abc import Callable

import django
from django.conf import settings

settings.configure(USE_I18N=True, LANGUAGE_CODE="en")
django.setup()

from citycert.public import geo  # noqa: E402 - needs the settings above
from citycert.public.geo import MapPoint, render_map  # noqa: E402


def synthetic(n: int, seed: int = 2024) -> list[MapPoint]:
    """`n` made-up cities scattered over the Americas, named with characters to escape."""
    rng = random.Random(seed)
    return [
        MapPoint(
            name=f"Ciudad {i} & São José",
            region="Región <Norte>, Country",
            latitude=rng.uniform(-50, 60),
            longitude=rng.uniform(-120, -40),
            level=rng.choice(geo.LEVELS),
            href=f"/cities/ciudad-{i}/",
        )
        for i in range(n)
    ]


def baseline(points: list[MapPoint], ready: list[tuple[int, int]]) -> str:
    """The markers alone, from coordinates already projected: one f-string and a join."""
    return "".join(
        f'<a href="{p.href}"><title>{p.name}, {p.region}, certified {p.level}</title>'
        f'<use href="#map-{p.level}" x="{x}" y="{y}"/></a>'
        for p, (x, y) in zip(points, ready, strict=True)
    )


def seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def interleaved(contenders: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Times of each contender over `rounds` rounds, taking turns within each round, so that a
    busy moment on a shared machine falls on all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            times[name].append(seconds(fn))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--points", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()

    points = synthetic(args.points)
    start = time.perf_counter()
    svg = render_map(points, title="Certified cities", description="Benchmark")
    first_call = time.perf_counter() - start
    frame = geo._basemap().frame
    ready = [tuple(round(v) for v in frame.place(p.longitude, p.latitude)) for p in points]

    times = interleaved(
        {
            "baseline": lambda: baseline(points, ready),  # type: ignore[arg-type]
            "links": lambda: render_map(points, title="Certified cities", description="B"),
            "no links": lambda: render_map(points, title="t", description="d", link=False),
        },
        args.rounds,
    )
    plain, drawn, static = (statistics.median(times[k]) for k in ("baseline", "links", "no links"))
    ratio = statistics.median(a / b for a, b in zip(times["links"], times["baseline"], strict=True))
    base_only = len(render_map([], title="Certified cities", description="Benchmark"))

    print(f"python {platform.python_version()} on {platform.machine()}")
    print(f"{args.points:,} points, medians of {args.rounds} interleaved rounds")
    print(f"first call (builds the base map once):  {first_call * 1000:8.1f} ms")
    print(f"baseline (join ready-made markers):     {plain * 1000:8.1f} ms")
    print(f"render_map, links (pages):              {drawn * 1000:8.1f} ms")
    print(f"render_map, no links (PDFs):            {static * 1000:8.1f} ms")
    print(f"render_map / baseline (median ratio):   {ratio:8.2f}")
    print(f"per point:                              {drawn / args.points * 1e6:8.1f} µs")
    print(
        f"SVG size: {len(svg) / 1024:,.0f} KiB ({len(gzip.compress(svg.encode())) / 1024:,.0f} KiB "
        f"gzipped), of which the base map {base_only / 1024:,.0f} KiB"
    )


if __name__ == "__main__":
    main()
