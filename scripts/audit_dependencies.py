"""Check the locked packages against known vulnerabilities, and say how much could be checked.

    python scripts/audit_dependencies.py build/requirements.txt [--report build/audit.json]

The requirements file is `uv export --format requirements.txt --no-hashes` of the lock. Two
sources of vulnerability data are asked, in turn:

1. pip-audit, with PyPI's vulnerability service (the advisories for each exact release).
2. For each package pip-audit could not check (some registries and mirrors serve only a
   project's own JSON page, not a release's), that page: it lists the known vulnerabilities of
   the project's latest release only, so a package locked at its latest release is checked
   there, and one locked at an older release cannot be, and is named.

It exits 1 when a locked package has a known vulnerability. Otherwise it exits 0 and says how
many packages were checked; when no vulnerability data at all could be reached it says so in
capitals, because "no known vulnerabilities" would then mean nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_JSON = "https://pypi.org/pypi/{name}/json"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(requirements: str) -> dict[str, str]:
    """Package name (canonical) → the exact version pinned in an exported requirements file."""
    pins = {}
    for line in requirements.splitlines():
        match = PIN.match(line.strip())
        if match:
            pins[canonical(match[1])] = match[2]
    return pins


@dataclass
class Audit:
    checked: set[str] = field(default_factory=set)
    unchecked: dict[str, str] = field(default_factory=dict)  # name → why
    found: list[str] = field(default_factory=list)  # "name version: id (fixed in ...)"

    def vulnerable(self, name: str, version: str, ident: str, fixed: list[str]) -> None:
        fix = ", ".join(fixed) if fixed else "no fixed release yet"
        self.found.append(f"{name} {version}: {ident} (fixed in {fix})")


def from_pip_audit(report: dict[str, Any], pins: dict[str, str], audit: Audit) -> None:
    """What pip-audit's JSON report says: checked packages, and their vulnerabilities."""
    for dependency in report.get("dependencies", []):
        name = canonical(dependency["name"])
        if name not in pins:
            continue
        if "skip_reason" in dependency:
            audit.unchecked[name] = dependency["skip_reason"]
            continue
        audit.checked.add(name)
        for vuln in dependency.get("vulns", []):
            audit.vulnerable(name, pins[name], vuln["id"], vuln.get("fix_versions", []))


def from_project_page(name: str, version: str, page: dict[str, Any], audit: Audit) -> None:
    """What a project's JSON page says about the locked `version` (only if it is the latest)."""
    latest = page.get("info", {}).get("version")
    if latest != version:
        audit.unchecked[name] = (
            f"locked at {version}; the registry gives vulnerability data for {latest} only"
        )
        return
    audit.unchecked.pop(name, None)
    audit.checked.add(name)
    for vuln in page.get("vulnerabilities", []):
        if vuln.get("withdrawn"):
            continue
        audit.vulnerable(name, version, vuln["id"], vuln.get("fixed_in", []))


def run_pip_audit(requirements: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pip-audit.json"
        command = [
            sys.executable,
            "-m",
            "pip_audit",
            "--requirement",
            str(requirements),
            "--no-deps",
            "--disable-pip",
            "--vulnerability-service",
            "pypi",
            "--timeout",
            "10",
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--output",
            str(out),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
        if not out.exists():
            print(f"pip-audit did not run: {done.stderr.strip()[-500:]}")
            return {}
        result: dict[str, Any] = json.loads(out.read_text())
        return result


def fetch_page(name: str) -> dict[str, Any] | None:
    try:
        url = PROJECT_JSON.format(name=name)  # always https, to the registry
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310
            page: dict[str, Any] = json.load(response)
            return page
    except (urllib.error.URLError, TimeoutError, ValueError):
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("requirements", type=Path)
    parser.add_argument("--report", type=Path, help="write what was found here, as JSON")
    args = parser.parse_args()
    pins = locked(args.requirements.read_text())
    audit = Audit()
    from_pip_audit(run_pip_audit(args.requirements), pins, audit)
    failures = 0
    for name in sorted(set(pins) - audit.checked):
        # A registry that does not answer three times running is not asked again: an offline
        # machine learns so in a minute, not in one timeout per package.
        page = fetch_page(name) if failures < 3 else None
        if page is None:
            failures += 1
            audit.unchecked[name] = "no vulnerability data could be fetched"
        else:
            failures = 0
            from_project_page(name, pins[name], page, audit)

    if args.report:
        args.report.write_text(
            json.dumps(
                {
                    "packages": len(pins),
                    "checked": sorted(audit.checked),
                    "unchecked": audit.unchecked,
                    "vulnerabilities": audit.found,
                },
                indent=2,
            )
        )
    for line in audit.found:
        print(f"VULNERABLE {line}")
    for name, why in sorted(audit.unchecked.items()):
        print(f"not checked: {name} {pins[name]}: {why}")
    if not audit.checked:
        print(
            f"NO VULNERABILITY DATA COULD BE REACHED: none of the {len(pins)} locked packages "
            "was checked, so the dependency audit was NOT done."
        )
    else:
        print(
            f"{len(audit.checked)} of {len(pins)} locked packages checked against known "
            f"vulnerabilities; {len(audit.unchecked)} could not be (listed above); "
            f"{len(audit.found)} vulnerabilities found."
        )
    return 1 if audit.found else 0


if __name__ == "__main__":
    sys.exit(main())
