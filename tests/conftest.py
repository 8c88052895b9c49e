from __future__ import annotations

import pytest

from citycert.standards.definitions import load_file, packaged_files
from citycert.standards.services import load_standard


@pytest.fixture
def standard(db: None) -> None:
    """Every shipped standard version, loaded into the test database."""
    for path in packaged_files():
        load_standard(load_file(path), path.name)
