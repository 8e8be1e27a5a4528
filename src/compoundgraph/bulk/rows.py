"""The heads of the importer's rows: the fields every claim or entity has, formatted from the validated
model straight into CSV text.

They are the properties the Neo4j store gives a relationship or a node (:func:`~compoundgraph.store.neo4j.
claim_props`, :func:`~compoundgraph.store.neo4j.entity_props`), without building those dictionaries and
reading them back cell by cell, which a large load would do ten million times. Every fixed field has its
column, typed once when the file is opened, even where a value is absent (an empty, unquoted field: no
property); the free ``properties`` follow, with columns made as they come (:class:`.csvfiles.ImportFiles`).
``tests/ingest/test_bulk_rows.py`` reads these rows back and holds them equal to the two functions.
"""

from __future__ import annotations

from functools import cache

from ..grades import Grade
from ..models import Claim, Entity
from ..ontology import ontology
from ..store.neo4j import match_keys_text
from ..store.ranking import search_text
from .csvfiles import ARRAY_DELIMITER, text_cell

__all__ = ["CLAIM_COLUMNS", "ENTITY_COLUMNS", "claim_head", "entity_head"]

CLAIM_COLUMNS = (
    ":START_ID",
    ":END_ID",
    *(f"{f}:string" for f in ("id", "source", "grade", "valid_from", "valid_to", "first_seen", "last_seen")),
    *(f"{f}:string" for f in ("handling", "quote", "key")),
    *(f"{f}:long" for f in ("grade_r", "grade_c", "handling_rank")),
    "fp:string",
)
ENTITY_COLUMNS = (
    "id:ID",
    *(f"{f}:string" for f in ("label", "name")),
    *(f"{f}:string[]" for f in ("aliases", "identifiers", "sources")),
    *(f"{f}:string" for f in ("first_seen", "last_seen")),
    "referents:string[]",
    *(f"{f}:string" for f in ("search_text", "match_keys")),
)


@cache
def _ranks(grade: str, handling: str) -> str:
    """The cells of grade_r, grade_c and handling_rank (a load has a handful of grades and codes)."""
    g = Grade.parse(grade)
    return f'"{g.r}","{g.c}","{ontology().handling_rank(handling)}"'


def _date(value: str | None) -> str:
    return "" if value is None else '"' + value + '"'


def claim_head(c: Claim, fp: str) -> str:
    """The cells of :data:`CLAIM_COLUMNS`: start, end, the claim's fields, ranks and fingerprint ``fp``.

    Ids (letters, digits and ``_.:-``), grades, dates (``YYYY-MM-DD``) and handling codes are as the
    model checked them, with no quote to double; the quote and key are free text."""
    f = c.__dict__
    return (
        f'"{f["subject"]}","{f["object"]}","{f["id"]}","{f["source"]}","{f["grade"]}",{_date(f["valid_from"])},'
        f'{_date(f["valid_to"])},{_date(f["first_seen"])},{_date(f["last_seen"])},"{f["handling"]}",'
        f'{text_cell(f["quote"])},{text_cell(f["key"])},{_ranks(f["grade"], f["handling"])},"{fp}"'
    )


def _list(items: list[str]) -> str:
    return text_cell(ARRAY_DELIMITER.join(items))


def entity_head(e: Entity) -> str:
    """The cells of :data:`ENTITY_COLUMNS`: the id, the entity's fields, its search text and match keys."""
    f = e.__dict__
    return (
        f'"{f["id"]}","{f["label"]}",{text_cell(f["name"])},{_list(f["aliases"])},{_list(f["identifiers"])},'
        f"{_list(f['sources'])},{_date(f['first_seen'])},{_date(f['last_seen'])},{_list(f['referents'])},"
        f"{text_cell(search_text(e))},{text_cell(match_keys_text(e))}"
    )
