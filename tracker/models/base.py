"""What every table shares: the constraint naming convention, UTC time, checked field types."""

from datetime import datetime, UTC
from typing import Annotated, Any

from pydantic import AfterValidator
from sqlalchemy import Index, text
from sqlmodel import SQLModel

# Named constraints from the first migration on, so later migrations (and SQLite's batch mode)
# can find them by name on every engine.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CODE_LENGTH = 40
SHORT_TEXT = 200
LONG_TEXT = 20_000


def merged_index(table: str) -> Index:
    """The index of the rows merged into another (``merged_into_id = ?``), holding only those.

    Nearly every row is not merged. A full index offered SQLite, which keeps no statistics,
    ``merged_into_id IS NULL`` as a cheap way into a table: it then read every incident to
    find a person's other incidents of one month (issue 17). A partial index serves only the
    lookups that name a row, on both engines.
    """
    condition = text("merged_into_id IS NOT NULL")
    return Index(f"ix_{table}_merged_into_id", "merged_into_id", sqlite_where=condition, postgresql_where=condition)


def utcnow() -> datetime:
    """Now, as an aware UTC datetime: SQLModel stores aware times and reads them back in UTC."""
    return datetime.now(UTC)


def reporter_time() -> datetime:
    """Now, to the hour, for what a reporter's own actions stamp (a report sent, a file received,
    a reply, a message read): an exact time could be matched against a network log of who
    reached the server when (issue 16, item 7; DESIGN §2). Order comes from ids instead."""
    return utcnow().replace(minute=0, second=0, microsecond=0)


def _vocabulary_check(vocabulary: str):
    def check(value: str) -> str:
        from .. import taxonomy

        if not taxonomy.is_code(vocabulary, value):
            raise ValueError(f"not a known {vocabulary} code")
        return value

    return AfterValidator(check)


def _country_check(value: str) -> str:
    from ..countries import is_country

    if not is_country(value):
        raise ValueError("not an ISO 3166-1 alpha-2 country code")
    return value


class _EnumOf:
    """JSON Schema metadata: the allowed codes as an enum, read when a schema is generated
    (the OpenAPI document lists every code; taxonomy is imported late as in the checks above)."""

    def __init__(self, vocabulary: str):
        self.vocabulary = vocabulary

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        from .. import taxonomy
        from ..countries import country_codes

        schema = handler(core_schema)
        codes = country_codes() if self.vocabulary == "country" else taxonomy.codes(self.vocabulary)
        return {**schema, "enum": sorted(codes)}


def Code(vocabulary: str):  # noqa: N802 - reads as a type in annotations: Code("tactic")
    """A string that must be a code of this taxonomy vocabulary."""
    return Annotated[str, _vocabulary_check(vocabulary), _EnumOf(vocabulary)]


Country = Annotated[str, AfterValidator(_country_check), _EnumOf("country")]


class HasCodes:
    """A row whose taxonomy codes are child rows (``codes``: vocabulary, code), like reports and incidents.

    No annotation for ``codes`` here: SQLModel would take it for a column; each table declares it.
    """

    def codes_of(self, vocabulary: str) -> list[str]:
        """The row's codes from one vocabulary (tactic, channel, demand, perpetrator_type), sorted."""
        return sorted(c.code for c in self.codes if c.vocabulary == vocabulary)  # type: ignore[attr-defined]
