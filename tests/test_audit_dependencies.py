"""The dependency audit's reading of its two sources (scripts/audit_dependencies.py): what counts
as checked, what as a vulnerability, and that a package it could not check is never counted
as clean."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "audit_dependencies.py"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


audit_dependencies = load()

REQUIREMENTS = """\
# exported by uv
django==6.1.3
    # via citycert
Pillow==12.0.0 ; sys_platform == 'linux'
python-dateutil==2.9.0.post0
"""


def test_the_lock_is_read_with_names_made_canonical() -> None:
    assert audit_dependencies.locked(REQUIREMENTS) == {
        "django": "6.1.3",
        "pillow": "12.0.0",
        "python-dateutil": "2.9.0.post0",
    }


def test_pip_audits_findings_and_skips_are_kept_apart() -> None:
    pins = audit_dependencies.locked(REQUIREMENTS)
    audit = audit_dependencies.Audit()
    report = {
        "dependencies": [
            {"name": "Django", "version": "6.1.3", "vulns": []},
            {
                "name": "pillow",
                "version": "12.0.0",
                "vulns": [{"id": "PYSEC-1", "fix_versions": ["12.0.1"]}],
            },
            {"name": "python_dateutil", "skip_reason": "Dependency not found on PyPI"},
        ]
    }
    audit_dependencies.from_pip_audit(report, pins, audit)
    assert audit.checked == {"django", "pillow"}
    assert audit.found == ["pillow 12.0.0: PYSEC-1 (fixed in 12.0.1)"]
    assert set(audit.unchecked) == {"python-dateutil"}


def test_a_project_page_speaks_only_for_its_latest_release() -> None:
    audit = audit_dependencies.Audit()
    audit.unchecked["pillow"] = "skipped"
    older = {"info": {"version": "12.1.0"}, "vulnerabilities": []}
    audit_dependencies.from_project_page("pillow", "12.0.0", older, audit)
    assert "pillow" in audit.unchecked and not audit.checked

    latest = {
        "info": {"version": "12.0.0"},
        "vulnerabilities": [
            {"id": "GHSA-x", "fixed_in": [], "withdrawn": None},
            {"id": "GHSA-old", "fixed_in": ["11.0"], "withdrawn": "2026-01-01T00:00:00"},
        ],
    }
    audit_dependencies.from_project_page("pillow", "12.0.0", latest, audit)
    assert audit.checked == {"pillow"} and "pillow" not in audit.unchecked
    assert audit.found == ["pillow 12.0.0: GHSA-x (fixed in no fixed release yet)"]
