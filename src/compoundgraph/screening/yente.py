"""yente's matching API over the graph: FollowTheMoney example entities in, yente's response shape out.

A tool written against OpenSanctions' yente (``POST /match/{dataset}``) sends ``{"queries": {"q1": {"schema":
"Person", "properties": {"name": [...], "birthDate": [...], "nationality": [...]}}}}`` and reads
``responses.q1.results[]`` - each an FtM entity with ``score``, ``match`` (score at or above the threshold) and
``features``. Here each query becomes a screening row (:mod:`.inputs`) and its hits become those results: the
entity as FtM (its ontology type's FtM schema, names, aliases and the properties FtM knows), ``target`` true
when it is listed (``topics: ["sanction"]``), plus compoundgraph's own context under ``properties.notes``.

Results are limited to entities whose FtM schema the query's schema can match (a ``Person`` query does not
return companies; ``LegalEntity`` matches both), as yente does.
"""

from __future__ import annotations

from typing import Any

from followthemoney import model
from pydantic import BaseModel, ConfigDict, Field

from ..errors import InvalidInput, NotFound
from ..models import Entity
from ..ontology import ontology
from .engine import Hit
from .inputs import ScreenRow, parse_row
from .names import FEATURES

__all__ = [
    "DATASETS",
    "EntityExample",
    "EntityMatchQuery",
    "ScoredEntity",
    "EntityMatches",
    "EntityMatchResponse",
    "TotalSpec",
    "query_row",
    "schema_of",
    "scored_entity",
    "can_match",
    "matcher_docs",
    "check_dataset",
    "MAX_QUERIES",
]

# yente serves named datasets; the graph is one collection, offered under these names
DATASETS = {
    "default": "everything in the graph",
    "compoundgraph": "everything in the graph",
    "sanctions": "only entities listed in a sanction event (directly or through their holder)",
}
MAX_QUERIES = 100
# FtM property -> screening column
_PROPERTY_COLUMNS = {
    "name": "name",
    "alias": "name",
    "previousName": "name",
    "weakAlias": "name",
    "birthDate": "dob",
    "nationality": "country",
    "country": "country",
    "jurisdiction": "country",
    "citizenship": "country",
    "registrationNumber": "registration",
    "idNumber": "registration",
    "taxNumber": "registration",
    "leiCode": "registration",
    "innCode": "registration",
    "ogrnCode": "registration",
    "email": "email",
    "phone": "phone",
    "website": "domain",
    "publicKey": "wallet",
    "username": "handle",
}
_FTM_PROPS = {  # ontology property -> FtM property, for the answer's entities
    "nationality": "nationality",
    "country": "country",
    "registration_ids": "registrationNumber",
    "birth_year": "birthDate",
    "address": "publicKey",
    "chain": "blockchain",
    "asset": "currencySymbol",
    "handle": "username",
    "phone": "phone",
    "email": "email",
    "url": "sourceUrl",
    "domain": "website",
    "locality": "city",
    "admin_area": "region",
    "roles": "position",
}


class EntityExample(BaseModel):
    """An FtM entity given as an example to match (``schema`` and ``properties``; an ``id`` is optional)."""

    model_config = ConfigDict(populate_by_name=True)
    id: str | None = Field(None, max_length=200, examples=["my-entity-id"])
    schema_: str = Field(..., alias="schema", max_length=60, examples=["Person"])
    properties: dict[str, str | list[Any]] = Field(..., examples=[{"name": ["Chen Zhi"], "nationality": ["kh"]}])


class EntityMatchQuery(BaseModel):
    weights: dict[str, float] = Field({}, examples=[{"name_literal": 0.8}])
    config: dict[str, Any] = Field({}, description="accepted for compatibility; compoundgraph has no options here")
    queries: dict[str, EntityExample] = Field(
        ..., examples=[{"q1": {"schema": "Person", "properties": {"name": ["陈志"]}}}]
    )


class TotalSpec(BaseModel):
    value: int
    relation: str = "eq"


class ScoredEntity(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    id: str
    caption: str
    schema_: str = Field(..., alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str] = []
    referents: list[str] = []
    target: bool = False
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None
    score: float
    features: dict[str, float]
    match: bool = False


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntity]
    total: TotalSpec
    query: EntityExample


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    matcher: dict[str, dict[str, Any]]
    limit: int


def check_dataset(name: str) -> None:
    if name not in DATASETS:
        raise NotFound(f"no dataset {name[:60]!r}; datasets: {', '.join(DATASETS)}")


def _schema(name: str, where: str) -> Any:
    s = model.get(name)
    if s is None:
        raise InvalidInput(f"unknown FollowTheMoney schema {name[:60]!r}", where=where)
    return s


def schema_of(label: str) -> str:
    return ontology().labels[label].ftm or "Thing"


def can_match(query_schema: str, label: str) -> bool:
    q = _schema(query_schema, "schema")
    e = model.get(schema_of(label))
    return bool(e is not None and q.can_match(e))


def query_row(n: int, key: str, example: EntityExample) -> ScreenRow:
    """The screening row of one example; a value that fails its check is a 422 naming the query and property."""
    where = f"queries.{key}"
    schema = _schema(example.schema_, f"{where}.schema")
    if not schema.matchable:
        raise InvalidInput(f"schema {schema.name} cannot be matched", where=f"{where}.schema")
    cells: dict[str, list[str]] = {}
    props = dict(example.properties)
    first, last = props.get("firstName"), props.get("lastName")
    if first and last and not props.get("name"):  # yente builds a name from its parts too
        firsts, lasts = (v if isinstance(v, list) else [v] for v in (first, last))
        props["name"] = [f"{f} {la}" for f in firsts for la in lasts]
    for prop, value in props.items():
        column = _PROPERTY_COLUMNS.get(prop)
        if column is None:
            continue
        values = value if isinstance(value, list) else [value]
        cells.setdefault(column, []).extend(str(v) for v in values if v is not None and str(v).strip())
    row, _unknown = parse_row(n, where, {"key": key, **{c: v for c, v in cells.items()}})
    if row.errors and not (row.names or row.identifiers):
        raise InvalidInput("; ".join(row.errors), where=where)
    return row


def _values(v: Any) -> list[str]:
    return [str(x) for x in (v if isinstance(v, list) else [v]) if x is not None and str(x) != ""]


def scored_entity(hit: Hit, entity: Entity | None, threshold: float) -> ScoredEntity:
    """A hit as yente answers it: the entity in FtM form with score, match and features."""
    schema = schema_of(hit.label)
    props: dict[str, list[str]] = {"name": [hit.name]}
    if entity is not None:
        if entity.aliases:
            props["alias"] = list(entity.aliases)
        ftm = model.get(schema)
        for key, value in sorted(entity.properties.items()):
            prop = _FTM_PROPS.get(key)
            if prop and ftm is not None and ftm.get(prop) is not None:
                props.setdefault(prop, []).extend(_values(value))
    if hit.listed:
        props["topics"] = ["sanction"]
        props["program"] = sorted({e.name for e in hit.sanctions})
    notes = [f"matched by {hit.how}: {hit.matched}"]
    notes += [
        f"{e.kind}: {e.name}" + (f" ({e.date})" if e.date else "") + (f" via {e.via}" if e.via else "")
        for e in hit.events
    ]
    if hit.distance is not None:
        d = hit.distance
        notes.append(
            "is a " + d.target_label
            if d.hops == 0
            else f"{d.hops} hops from {d.target_label} {d.target_name} (grade {d.grade})"
        )
    props["notes"] = notes
    return ScoredEntity(
        id=hit.entity,
        caption=hit.name,
        schema=schema,
        properties=props,
        datasets=["compoundgraph"],
        referents=list(entity.referents) if entity else [],
        target=hit.listed,
        first_seen=entity.first_seen if entity else None,
        last_seen=entity.last_seen if entity else None,
        last_change=entity.last_seen if entity else None,
        score=hit.score,
        features=hit.features,
        match=hit.score >= threshold,
    )


def matcher_docs() -> dict[str, dict[str, Any]]:
    """yente's ``matcher`` block: each feature with its description and coefficient."""
    return {
        name: {"description": text, "coefficient": 1.0 if not name.endswith("_mismatch") else -1.0, "url": ""}
        for name, text in FEATURES.items()
    }
