"""Lists the API pages through: only the page asked for is read and shaped."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, overload

from django.db.models import QuerySet


class Shaped(Sequence[dict[str, Any]]):
    """A queryset whose rows become the API's dictionaries only when read. Ninja's pagination
    counts it (one COUNT query) and slices it (one query, and its prefetches, for the page), so
    a list costs the same whether the database holds ten rows or ten thousand."""

    def __init__(self, rows: QuerySet[Any], shape: Callable[[Any], dict[str, Any]]) -> None:
        self.rows = rows
        self.shape = shape

    def __len__(self) -> int:
        return self.rows.count()

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [self.shape(row) for row in self.rows[index]]
        return self.shape(self.rows[index])
