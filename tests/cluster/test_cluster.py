"""citycert as a cluster: Varnish -> HAProxy -> two app servers -> PgBouncer -> PostgreSQL,
Redis shared, two task workers, moto's S3 server for files. Each test speaks real HTTP to the
parts `make cluster` started; they run in this order (the last ones stop parts and start them
again)."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest

from tests.factories import TINY_PDF

from .conftest import HAPROXY, NODE_A, NODE_B, VARNISH, Browser, act, parts, pid, restart

pytestmark = pytest.mark.cluster

API = "/api/v1"


def evidence_url(seeded: dict[str, Any]) -> str:
    return f"{API}/my/cities/{seeded['slug']}/assessment/answers/{seeded['code']}/evidence"


def bearer(seeded: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {seeded['token']}"}


def bucket() -> Any:
    return boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{parts.PORTS['moto']}",
        region_name="us-east-1",
        aws_access_key_id="cluster",
        aws_secret_access_key="cluster",
    )


def test_it_shows_a_published_cohort_through_both_nodes_and_the_cdn_once_purged(
    seeded: dict[str, Any],
) -> None:
    """Each process trusts its copy of the public revision for PUBLIC_REVISION_TTL (1 s here);
    the CDN is purged at once and again CDN_PURGE_DELAY (3 s) later, so that a page a process
    made from the old data in between is not kept."""
    city = seeded["to_publish"]
    first = httpx.get(f"{VARNISH}/cities/")
    again = httpx.get(f"{VARNISH}/cities/")
    assert first.status_code == again.status_code == 200
    assert again.headers["X-Cache"] == "HIT"  # the CDN keeps the directory
    assert city not in again.text
    assert "Surrogate-Key" not in again.headers  # the CDN's business, not the browser's

    outcome = act("publish", seeded["cohort"])  # publishes and waits for both purges

    assert outcome["purges_queued"] == 2  # at once, and again after CDN_PURGE_DELAY
    assert outcome["second_runs_after"] >= 3
    assert outcome["statuses"] == ["SUCCESSFUL", "SUCCESSFUL"]
    assert outcome["purged"] == [True, True]
    through_cdn = httpx.get(f"{VARNISH}/cities/")
    assert through_cdn.headers["X-Cache"] == "MISS"
    assert city in through_cdn.text
    assert city in httpx.get(f"{NODE_B}/cities/").text
    assert city in httpx.get(f"{NODE_A}/cities/").text


def test_it_keeps_a_session_made_on_one_node_on_the_other(seeded: dict[str, Any]) -> None:
    browser = Browser()
    signed_in = browser.sign_in(NODE_A, seeded["email"], seeded["password"])
    assert signed_in.status_code == 302, signed_in.text[:500]
    assert "sessionid" in browser.cookies
    dashboard = signed_in.headers["Location"]

    on_b = browser.request("GET", f"{NODE_B}{dashboard}")
    stranger = httpx.get(f"{NODE_B}{dashboard}")

    assert on_b.status_code == 200
    assert seeded["email"] in on_b.text
    assert stranger.status_code == 302  # to the sign-in page


def test_evidence_uploaded_through_one_node_downloads_through_the_other(
    seeded: dict[str, Any],
) -> None:
    content = TINY_PDF + b"% node a\n"
    uploaded = httpx.post(
        f"{NODE_A}{evidence_url(seeded)}",
        headers=bearer(seeded),
        files={"file": ("minutes.pdf", content, "application/pdf")},
        timeout=30,
    )
    assert uploaded.status_code == 201, uploaded.text
    number = uploaded.json()["id"]

    downloaded = httpx.get(f"{NODE_B}{evidence_url(seeded)}/{number}", headers=bearer(seeded))

    assert downloaded.status_code == 200
    assert downloaded.content == content
    key = act("evidence", number)["files"][str(number)]
    stored = bucket().get_object(Bucket=parts.BUCKET, Key=key)["Body"].read()
    assert stored == content  # in the object store, not on either node's disk


def group_alive(group: int) -> bool:
    """Whether a process of this process group is still running (zombies are not)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _parent, pgrp = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError):
            continue
        if int(pgrp) == group and state != "Z":
            return True
    return False


def test_killing_an_app_server_under_writes_loses_no_acknowledged_write(
    seeded: dict[str, Any],
) -> None:
    acknowledged: list[int] = []
    after_kill: list[int] = []  # status of each write begun once the server was gone
    killed = threading.Event()
    stop = threading.Event()

    def write() -> None:
        with httpx.Client(base_url=HAPROXY, headers=bearer(seeded), timeout=30) as client:
            n = 0
            while not stop.is_set():
                n += 1
                begun_after_kill = killed.is_set()
                try:
                    response = client.post(
                        evidence_url(seeded),
                        files={"file": (f"load-{n}.pdf", TINY_PDF, "application/pdf")},
                    )
                    status = response.status_code
                except httpx.HTTPError:
                    status = 0
                if status == 201:
                    acknowledged.append(response.json()["id"])
                if begun_after_kill:
                    after_kill.append(status)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(acknowledged) < 10 and writer.is_alive():
            time.sleep(0.05)
        group = pid("app-a")
        os.killpg(group, signal.SIGKILL)
        # Gone means every process of the server (its workers too, which hold the listening
        # socket): until the last one dies the kernel still completes connections to it, and
        # resets them once the socket closes, which no balancer can route around.
        while group_alive(group):
            time.sleep(0.01)
        killed.set()
        while len(after_kill) < 30 and writer.is_alive():
            time.sleep(0.05)
    finally:
        stop.set()
        writer.join()

    try:
        assert len(after_kill) >= 30
        assert set(after_kill) == {201}, after_kill  # the balancer routes around it
        stored = act("evidence", *acknowledged)["files"]
        assert sorted(int(k) for k in stored) == sorted(acknowledged)
        keys = {
            item["Key"]
            for page in bucket().get_paginator("list_objects_v2").paginate(Bucket=parts.BUCKET)
            for item in page.get("Contents", [])
        }
        assert set(stored.values()) <= keys
    finally:
        restart("app-a")


def test_a_pdf_whose_worker_is_killed_is_made_by_the_other_worker(
    seeded: dict[str, Any],
) -> None:
    os.kill(pid("worker-2"), signal.SIGSTOP)  # worker-1 takes the task
    try:
        killed = act("pdf_then_kill", seeded["assessment"], seeded["email"], pid("worker-1"))
    finally:
        os.kill(pid("worker-2"), signal.SIGCONT)
    try:
        # Killed mid-way: the task and the report stay "running" until recovered.
        assert killed["task_status"] == "RUNNING"
        assert killed["report_status"] == "running"

        # The operator's recover_work (run as if TASK_STALE_MINUTES had passed), then the city
        # asks again from the report page: the other worker makes it.
        done = act("recover_and_retry", killed["report"], seeded["email"], TASK_STALE_MINUTES="0")
    finally:
        restart("worker-1")

    assert done["recovered_tasks"] >= 1 and done["recovered_reports"] == 1
    assert done["after_recover"] == {"report": "failed", "task": "FAILED"}
    assert done["status"] == "ready"
    assert done["worker_ids"] == ["worker-2"]
    assert done["pdf_head"] == "%PDF-"


def test_a_rate_limit_counts_across_nodes() -> None:
    """API_RATE_ANONYMOUS is 30/hour in the cluster: 15 requests to each node use it up."""
    statuses = [
        httpx.get(f"{node}{API}/standards").status_code
        for _ in range(15)
        for node in (NODE_A, NODE_B)
    ]
    assert set(statuses) == {200}
    assert httpx.get(f"{NODE_A}{API}/standards").status_code == 429
    assert httpx.get(f"{NODE_B}{API}/standards").status_code == 429
