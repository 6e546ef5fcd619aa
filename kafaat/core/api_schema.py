"""Pieces every API router shares: the error body, bounded page numbers, choices that keep their own name."""

import re
from datetime import date
from enum import Enum
from typing import Annotated, Any

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from pydantic import BeforeValidator, WithJsonSchema

# Far beyond any list (a million pages of 100) and far below 64 bits: a larger page number would overflow
# the database's OFFSET (OverflowError on SQLite, DataError on PostgreSQL) and answer 500.
MAX_PAGE = 1_000_000


class Error(Schema):
    """Every 4xx answer: a message, the fields' messages, or the list of validation errors (422)."""

    detail: str | dict[str, Any] | list[Any]


class Pages(PageNumberPagination):
    """ninja's page-number pagination with a bounded page number (422 with a message beyond it)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: Any) -> Any:
    # pydantic also reads a number as seconds since 1970 (posted_to=0 was 1970-01-01): the schema says a date.
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DAY.fullmatch(value)):
        return value
    raise ValueError("a date is written YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_day)]  # a day as input: ISO text only


def inline_choices(choices: type[Enum]) -> Any:
    """The choices as an inline enum in the OpenAPI schema, not a shared component.

    ninja files each enum under its class name, so two enums of the same name (Territory.Level and training's
    Level, labour's and pathways' ContractType, …) overwrote each other: the published schema then offered
    values the API refuses. Validation is the enum's own."""
    values = [member.value for member in choices]
    return Annotated[choices, WithJsonSchema({"type": "string", "enum": values})]
