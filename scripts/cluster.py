"""citycert as a cluster of real parts on loopback: `make cluster` starts it, `make cluster-stop`
stops it (docs/deploy.md).

    Varnish (CDN, xkey)  :18600  ->  HAProxy  :18601  ->  gunicorn a :18611, b :18612
    two task workers (citycert worker); PgBouncer (transaction pooling) :18621 ->
    PostgreSQL 127.0.0.1:5432, database cl_citycert (created afresh, migrated);
    Redis 127.0.0.1:6379/10 (cache, rate limits); moto's S3 server :18631, bucket citycert-cluster.

The configuration files are deploy/cluster/{haproxy.cfg,default.vcl,pgbouncer.ini}, used as
they are. Everything runs in the background, each part in its own process group, with its pid
file and log in var/cluster/; var/cluster/env holds the settings every part runs with (the tests
read it too). Missing Debian packages are installed with apt-get.

    python scripts/cluster.py start | stop | restart PART | status
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "deploy" / "cluster"
RUN = Path(os.environ.get("CITYCERT_CLUSTER_DIR", ROOT / "var" / "cluster"))
BIN = Path(sys.executable).parent

PACKAGES = {
    "haproxy": "/usr/sbin/haproxy",
    "pgbouncer": "/usr/sbin/pgbouncer",
    "varnish": "/usr/sbin/varnishd",
    "varnish-modules": "/usr/lib/x86_64-linux-gnu/varnish/vmods/libvmod_xkey.so",
}
DATABASE = "cl_citycert"
BUCKET = "citycert-cluster"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS_DB = 10
PORTS = {
    "varnish": 18600,
    "haproxy": 18601,
    "app-a": 18611,
    "app-b": 18612,
    "pgbouncer": 18621,
    "moto": 18631,
}
APPS = ("app-a", "app-b")
WORKERS = ("worker-1", "worker-2")
#: Start order; stopped in reverse.
PARTS = ("moto", "pgbouncer", *APPS, *WORKERS, "haproxy", "varnish")


def settings_env() -> dict[str, str]:
    """The settings of every citycert process of the cluster: production ones (DEBUG off)."""
    return {
        "DJANGO_SETTINGS_MODULE": "citycert.settings",
        "DEBUG": "false",
        "SECRET_KEY": (RUN / "secret-key").read_text().strip(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CITYCERT_VAR_DIR": str(RUN),
        "STATIC_ROOT": str(RUN / "static"),
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PORTS['pgbouncer']}/{DATABASE}",
        # Transaction pooling: no connection kept between requests, no server-side cursors.
        "CONN_MAX_AGE": "0",
        "DISABLE_SERVER_SIDE_CURSORS": "true",
        "CACHE_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{PORTS['moto']}",
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "cluster",
        "AWS_SECRET_ACCESS_KEY": "cluster",  # moto accepts any key
        "CDN_PURGE_URL": f"http://127.0.0.1:{PORTS['varnish']}/",
        # Each process trusts its copy of the public revision for 1 s; the second purge comes
        # after that, so the CDN never keeps a page made from the old data.
        "PUBLIC_REVISION_TTL": "1",
        "CDN_PURGE_DELAY": "3",
        "TASK_STALE_MINUTES": "1",
        # Varnish sets X-Forwarded-For, HAProxy adds Varnish's address: the client is 2 back.
        "API_PROXY_COUNT": "2",
        # Counted in Redis, so across both app servers; per hour, so that the cluster test of
        # it cannot straddle two windows.
        "API_RATE_ANONYMOUS": "30/hour",
        "SITE_URL": f"http://127.0.0.1:{PORTS['varnish']}",
        # Loopback speaks plain HTTP; everything else is as in production.
        "SECURE_SSL_REDIRECT": "false",
        "EMAIL_URL": "consolemail://",
        "LOG_LEVEL": "WARNING",
    }


def commands() -> dict[str, list[str]]:
    gunicorn = [
        *(str(BIN / "gunicorn"), "citycert.wsgi", "--workers", "2", "--timeout", "60"),
        # Loaded before the workers fork (their first request is not the slow one); no control
        # socket, whose default path the two servers would share.
        *("--preload", "--no-control-socket"),
    ]
    worker = [str(BIN / "citycert"), "worker", "--no-reload", "--interval", "0.2"]
    return {
        "moto": [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(PORTS["moto"])],
        # PgBouncer refuses to run as root: as the PostgreSQL account Debian creates.
        "pgbouncer": ["/usr/sbin/pgbouncer", "-u", "postgres", str(CONF / "pgbouncer.ini")],
        "app-a": [*gunicorn, "--bind", f"127.0.0.1:{PORTS['app-a']}"],
        "app-b": [*gunicorn, "--bind", f"127.0.0.1:{PORTS['app-b']}"],
        "worker-1": [*worker, "--worker-id", "worker-1"],
        "worker-2": [*worker, "--worker-id", "worker-2"],
        "haproxy": ["/usr/sbin/haproxy", "-db", "-f", str(CONF / "haproxy.cfg")],
        "varnish": [
            "/usr/sbin/varnishd",
            "-F",
            "-n",
            str(RUN / "varnish"),
            "-a",
            f"127.0.0.1:{PORTS['varnish']}",
            "-T",
            "none",
            "-f",
            str(CONF / "default.vcl"),
            "-s",
            "malloc,64m",
        ],
    }


def log(message: str) -> None:
    print(f"cluster: {message}", flush=True)


def ensure_packages() -> None:
    missing = [name for name, path in PACKAGES.items() if not Path(path).exists()]
    if not missing:
        return
    log(f"installing the Debian packages that are missing: {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
        check=True,
        env=env,
    )


def citycert(*args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run([str(BIN / "citycert"), *args], check=True, cwd=ROOT, env=env)


def static_stamp() -> str:
    """What the collected static files were made from: the lock (other apps' files) and ours."""
    import hashlib

    digest = hashlib.sha256((ROOT / "uv.lock").read_bytes())
    for path in sorted((ROOT / "src" / "citycert" / "static").rglob("*")):
        if path.is_file():
            digest.update(f"{path}:{path.stat().st_size}:{path.stat().st_mtime_ns}".encode())
    return digest.hexdigest()


def collect_static(env: dict[str, str]) -> None:
    """Collect (hash and compress) the static files, unless those collected are current: it
    takes a minute, and a release does it once (the Dockerfile does it at build time)."""
    stamp, wanted = RUN / "static.stamp", static_stamp()
    if stamp.exists() and stamp.read_text() == wanted and (RUN / "static").exists():
        return
    log("collecting the static files (once per change of them)")
    citycert("collectstatic", "--no-input", "-v", "0", env=env)
    stamp.write_text(wanted)


def fresh_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')


def fresh_cache() -> None:
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).flushdb()


def wait_for_port(name: str, port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not running(name):
            raise SystemExit(f"cluster: {name} stopped; see {RUN / (name + '.log')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"cluster: {name} did not open port {port}; see {RUN / (name + '.log')}")


def pid_of(name: str) -> int | None:
    path = RUN / f"{name}.pid"
    return int(path.read_text()) if path.exists() else None


def running(name: str) -> bool:
    pid = pid_of(name)
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child of ours not yet reaped is a zombie: not running.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def start_part(name: str, env: dict[str, str]) -> None:
    logfile = (RUN / f"{name}.log").open("ab")
    process = subprocess.Popen(
        commands()[name],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=logfile,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped as one, apart from ours
    )
    (RUN / f"{name}.pid").write_text(str(process.pid))
    if name in PORTS:
        wait_for_port(name, PORTS[name])
    if name in (*APPS, "haproxy", "varnish"):
        wait_for_health(name, PORTS[name])


#: What the load balancer and the script ask an app server to know it is up.
HEALTH = "/health/live"


def wait_for_health(name: str, port: int, timeout: float = 60) -> None:
    """Wait until the part answers the health check with 200 (through it, for the balancers)."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{HEALTH}", timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise SystemExit(f"cluster: {name} is not healthy; see {RUN / (name + '.log')}")


def stop_part(name: str) -> None:
    pid = pid_of(name)
    if pid is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while running(name) and time.monotonic() < deadline:
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    (RUN / f"{name}.pid").unlink(missing_ok=True)


def process_env() -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TZ")}
    return {**keep, **settings_env()}


def write_env_file() -> None:
    lines = [f"{key}={value}" for key, value in settings_env().items()]
    (RUN / "env").write_text("\n".join(lines) + "\n")
    (RUN / "env").chmod(0o600)


def start() -> None:
    if any(running(name) for name in PARTS):
        stop()
    ensure_packages()
    RUN.mkdir(parents=True, exist_ok=True)
    for old in RUN.glob("*.log"):
        old.unlink()
    shutil.rmtree(RUN / "varnish", ignore_errors=True)
    (RUN / "varnish").mkdir()
    key = RUN / "secret-key"
    if not key.exists():
        key.write_text(secrets.token_urlsafe(50))
        key.chmod(0o600)
    write_env_file()
    env = process_env()
    log(f"database {DATABASE} afresh, migrated, with the Standard")
    fresh_database()
    fresh_cache()
    direct = {**env, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}"}
    citycert("migrate", "--no-input", "-v", "0", env=direct)
    citycert("load_standard", "-v", "0", env=direct)
    collect_static(env)
    for name in PARTS:
        start_part(name, env)
        if name == "moto":
            create_bucket()
    log("running; parts, pid files and logs in " + str(RUN))
    print(
        f"  CDN (Varnish)          http://127.0.0.1:{PORTS['varnish']}/\n"
        f"  load balancer (HAProxy) http://127.0.0.1:{PORTS['haproxy']}/\n"
        f"  app server a           http://127.0.0.1:{PORTS['app-a']}/\n"
        f"  app server b           http://127.0.0.1:{PORTS['app-b']}/\n"
        f"  PgBouncer              postgres://postgres@127.0.0.1:{PORTS['pgbouncer']}/{DATABASE}\n"
        f"  PostgreSQL             127.0.0.1:5432, database {DATABASE}\n"
        f"  Redis                  redis://127.0.0.1:6379/{REDIS_DB}\n"
        f"  S3 (moto)              http://127.0.0.1:{PORTS['moto']}/{BUCKET}\n"
        f"  workers                {', '.join(WORKERS)}\n"
        f"  settings               {RUN / 'env'}\n"
        "stop it with: make cluster-stop",
        flush=True,
    )


def create_bucket() -> None:
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{PORTS['moto']}",
        region_name="us-east-1",
        aws_access_key_id="cluster",
        aws_secret_access_key="cluster",  # noqa: S106 - moto accepts any key
    )
    s3.create_bucket(Bucket=BUCKET)


def stop() -> None:
    for name in reversed(PARTS):
        if pid_of(name) is not None:
            stop_part(name)
    log("stopped")


def restart(name: str) -> None:
    if name not in PARTS:
        raise SystemExit(f"cluster: no part {name}; parts: {', '.join(PARTS)}")
    stop_part(name)
    start_part(name, process_env())


def status() -> None:
    for name in PARTS:
        print(f"{name:10} {'running' if running(name) else 'stopped'} pid {pid_of(name)}")


def main(argv: list[str]) -> None:
    match argv:
        case ["start"]:
            try:
                start()
            except BaseException:
                stop()  # nothing half-started is left behind
                raise
        case ["stop"]:
            stop()
        case ["restart", name]:
            restart(name)
        case ["status"]:
            status()
        case _:
            raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
