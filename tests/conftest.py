from __future__ import annotations

import pytest

from citycert.standards.services import load_files


@pytest.fixture
def standard(db: None) -> None:
    """Every shipped standard version, loaded into the test database."""
    load_files()
