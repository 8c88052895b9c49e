"""What every request schema shares: text the database can store, and the shapes of path
parameters."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from ninja import Schema
from ninja.params import functions as params
from pydantic import field_validator

#: A city's short name in addresses.
SLUG = r"^[-a-zA-Z0-9_]{1,120}$"
#: A criterion's code, e.g. DM1.
CODE = r"^[A-Za-z0-9._-]{1,16}$"
#: The largest id a row can have.
MAX_ID = 2**63 - 1


def slug_path() -> Any:
    return params.Path(
        ..., pattern=SLUG, description="The city's short name, as in its page address."
    )


def code_path() -> Any:
    return params.Path(..., pattern=CODE, description="The criterion's code, e.g. DM1.")


#: A cohort's label: a year, or a year and month.
COHORT_LABEL = r"^[0-9]{4}(-[0-9]{2})?$"


def cohort_path() -> Any:
    return params.Path(..., pattern=COHORT_LABEL, description="A year, or year and month.")


def id_path() -> Any:
    return params.Path(..., ge=1, le=MAX_ID)


def _storable(value: Any) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(str(_("Text must not contain NUL characters.")))
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(str(_("Text must be valid Unicode."))) from None
    elif isinstance(value, list | tuple):
        for item in value:
            _storable(item)


class Input(Schema):
    """A request body: every text in it can be stored as it is."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        _storable(value)
        return value
