"""Every command the README and the docs show works as written, from a plain shell after
`make install`: no uv on PATH, no DJANGO_SETTINGS_MODULE, no SECRET_KEY."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# What the commands may start with; an inline `...` starting otherwise is prose, not a command.
RUNNABLE = ("bin/citycert", "make", ".venv/bin/", "uv", "(cd ", "python", "citycert.")
# Cheap and harmless to run for real, exactly as the docs write them.
RUN_FOR_REAL = {"help", "score", "check"}


def shell_lines(doc: Path) -> list[str]:
    """The commands of a document: each line of its ```sh blocks (continuations joined,
    comments dropped) and each inline `code` that starts like a command."""
    text = doc.read_text()
    found: list[str] = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, re.S | re.M):
        command = ""
        for line in block.splitlines():
            command += line
            if command.endswith("\\"):
                command = command[:-1]
                continue
            try:
                words = shlex.split(command, comments=True)
            except ValueError:  # a quoted argument goes on to the next line
                command += "\n"
                continue
            if words:
                found.append(" ".join(words))
            command = ""
    outside = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    for span in re.findall(r"`([^`]+)`", outside):
        span = " ".join(span.split())
        if span.startswith(RUNNABLE) and " " in span:
            found.append(span)
    return found


def without_assignments(words: list[str]) -> list[str]:
    while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
        words = words[1:]
    return words


@cache
def make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-z][\w-]*):", makefile, re.M))


def clean_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """A newcomer's shell: system PATH without uv, no settings of any kind."""
    path = os.pathsep.join(
        d for d in ("/usr/local/bin", "/usr/bin", "/bin") if not (Path(d) / "uv").exists()
    )
    env = {"PATH": path, "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8"}
    return {**env, "CITYCERT_VAR_DIR": str(var_dir), **extra}


@cache
def citycert_commands() -> frozenset[str]:
    with tempfile.TemporaryDirectory() as var_dir:
        listing = subprocess.run(
            [ROOT / "bin/citycert", "help", "--commands"],
            capture_output=True,
            text=True,
            check=True,
            env=clean_env(Path(var_dir)),
        ).stdout
    return frozenset(listing.split())


def problem_with(line: str, cwd: Path) -> str | None:
    """Why `line` cannot work as written from `cwd`, or None."""
    if line.startswith("(cd ") and line.endswith(")"):
        inner = line[len("(cd ") : -1]
        directory, _, rest = inner.partition(" && ")
        if not (cwd / directory).is_dir():
            return f"no directory {directory}"
        return problem_with(rest, cwd / directory)
    words = without_assignments(shlex.split(line))
    if not words:
        return None
    program, *args = words
    if program in {"export", "curl"}:  # setting variables; calls to a running site (api.md)
        return None
    if program == "make":
        targets = [a for a in args if not a.startswith("-") and "=" not in a]
        missing = [t for t in targets if t not in make_targets()]
        return f"no make target {missing}" if missing else None
    if program.endswith("bin/citycert"):
        if (cwd / program).resolve() != ROOT / "bin/citycert":
            return f"{program} is not bin/citycert from {cwd}"
        if args and args[0] not in citycert_commands() | {"help"}:
            return f"citycert has no command {args[0]!r}"
        return None
    if program.startswith(".venv/bin/"):
        if not (cwd / program).exists():
            return f"{program} is not installed by make install"
        scripts = [a for a in args if a.endswith(".py")]
        missing = [s for s in scripts if not (cwd / s).is_file()]
        return f"no script {missing}" if missing else None
    return f"{program!r} is not something a newcomer has after make install"


def documented() -> list[tuple[str, str]]:
    return [(doc.relative_to(ROOT).as_posix(), line) for doc in DOCS for line in shell_lines(doc)]


def test_the_docs_show_commands_at_all() -> None:
    lines = [line for _, line in documented()]
    assert "bin/citycert migrate" in lines
    assert "make demo" in lines
    assert "bin/citycert help" in lines
    assert sum(line.startswith(".venv/bin/python bench/") for line in lines) >= 6


@pytest.mark.parametrize(("doc", "line"), documented())
def test_each_documented_command_refers_to_something_that_exists(doc: str, line: str) -> None:
    assert problem_with(line, ROOT) is None, f"{doc}: {line}: {problem_with(line, ROOT)}"


@pytest.mark.parametrize(
    "line",
    sorted(
        {
            line
            for _, line in documented()
            if line.startswith("bin/citycert ")
            and line.split()[1] in RUN_FOR_REAL
            and "--deploy" not in line  # production settings: tests/test_settings.py
        }
        | {"bin/citycert check"}
    ),
)
def test_the_cheap_ones_run_from_a_plain_shell(line: str, tmp_path: Path) -> None:
    words = shlex.split(line)
    completed = subprocess.run(
        [ROOT / words[0], *words[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=clean_env(tmp_path),
    )
    assert completed.returncode == 0, completed.stderr
    assert "Traceback" not in completed.stderr
    assert completed.stderr.startswith("citycert: development settings (DEBUG=true")


def test_it_runs_as_production_when_a_secret_key_is_set(tmp_path: Path) -> None:
    env = clean_env(tmp_path, SECRET_KEY="k" * 60, ALLOWED_HOSTS="certify.example.org")
    code = "from django.conf import settings; print(settings.DEBUG)"
    completed = subprocess.run(
        [ROOT / "bin/citycert", "shell", "-c", code],
        capture_output=True,
        text=True,
        env=env,
    )
    assert completed.returncode == 0, completed.stderr
    assert "development settings" not in completed.stderr
    assert completed.stdout.endswith("\nFalse\n")


def test_debug_false_without_a_key_is_one_sentence(tmp_path: Path) -> None:
    completed = subprocess.run(
        [ROOT / "bin/citycert", "check"],
        capture_output=True,
        text=True,
        env=clean_env(tmp_path, DEBUG="false"),
    )
    assert completed.returncode == 2
    assert completed.stderr == (
        "citycert: SECRET_KEY is not set: set it in the environment (any long random string), "
        "or set DEBUG=true for development.\n"
    )


def test_it_says_to_run_make_install_when_nothing_is_installed(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    shutil.copy(ROOT / "bin/citycert", tmp_path / "bin/citycert")
    completed = subprocess.run(
        [tmp_path / "bin/citycert", "help"], capture_output=True, text=True, env=clean_env(tmp_path)
    )
    assert completed.returncode == 1
    assert completed.stderr == (
        f"citycert is not installed in {tmp_path}: run `make install` there first.\n"
    )
