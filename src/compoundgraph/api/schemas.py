"""Response and request models: the typed, documented shapes of the API (OpenAPI is built from them)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "NodeOut",
    "EdgeOut",
    "PathOut",
    "Subgraph",
    "EntityOut",
    "ClaimOut",
    "SourceOut",
    "EntityDetailOut",
    "HitOut",
    "SearchOut",
    "HealthOut",
    "StatsOut",
    "CypherIn",
    "CypherOut",
    "TraceIn",
    "IngestOut",
    "Stamped",
]

Prop = str | int | float | bool | list[str | int | float | bool] | None


class SupernodeOut(BaseModel):
    degree: int


class NodeOut(BaseModel):
    id: str = Field(examples=["compound-golden-lotus"])
    label: str = Field(examples=["Compound"])
    name: str = Field(examples=["Golden Lotus Park"])
    hop: int | None = Field(None, description="hops from the centre (ego networks)")
    colour: str = Field(examples=["#d62728"])
    icon: str
    supernode: SupernodeOut | None = Field(None, description="set when the node was not expanded: its degree")


class EdgeOut(BaseModel):
    id: str
    type: str = Field(examples=["OPERATES"])
    from_: str = Field(alias="from", examples=["org-lotus-holdings"])
    to: str = Field(examples=["compound-golden-lotus"])
    grade: str = Field(examples=["B2"])
    source: str
    valid_from: str | None = None
    valid_to: str | None = None
    handling: str = Field(examples=["H1"])
    quote: str = ""
    stance: Literal["asserts", "denies"] = Field(
        "asserts", description="whether this claim's source asserts the link or denies it"
    )
    contested: bool = Field(
        description="the link is disputed: a source denies it, or the sources asserting it give different "
        "periods (every claim stays visible)"
    )
    corroborated: bool = Field(
        False, description="two or more sources assert the link and none denies it (a link can be both)"
    )
    properties: dict[str, Prop] = {}

    model_config = ConfigDict(populate_by_name=True)


class PathOut(BaseModel):
    nodes: list[str]
    edges: list[str]
    grade: str = Field(description="weakest grade along the path", examples=["C3"])
    hops: int


class Subgraph(BaseModel):
    """The one subgraph shape shared by the API, the web UI and the chart exports (``views.py``)."""

    center: str | None
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    supernodes: dict[str, int] = Field(description="id -> neighbour count of nodes not expanded")
    truncated: bool = Field(description="the node limit was reached; page with exclude=")
    paths: list[PathOut] | None = None


class EntityOut(BaseModel):
    id: str
    label: str
    name: str
    aliases: list[str]
    identifiers: list[str]
    properties: dict[str, Prop]
    sources: list[str]
    first_seen: str | None
    last_seen: str | None
    referents: list[str]


class ClaimOut(BaseModel):
    id: str
    type: str
    subject: str
    object: str
    source: str
    grade: str
    valid_from: str | None
    valid_to: str | None
    first_seen: str | None
    last_seen: str | None
    handling: str
    quote: str
    key: str
    properties: dict[str, Prop]


class SourceOut(BaseModel):
    id: str
    title: str
    publisher: str
    url: str
    published: str | None
    kind: str
    reliability: str
    sha256: str
    handling: str
    description: str


class NodeRef(BaseModel):
    id: str
    label: str
    name: str


class EntityDetailOut(BaseModel):
    entity: EntityOut
    claims: list[ClaimOut]
    sources: dict[str, SourceOut]
    neighbours: dict[str, NodeRef]


class HitOut(BaseModel):
    id: str
    label: str
    name: str
    score: float = Field(examples=[95.0])
    matched: str = Field(description="the name, alias or identifier that matched")


class SearchOut(BaseModel):
    query: str
    hits: list[HitOut]


class HealthOut(BaseModel):
    status: Literal["ok", "unavailable"]
    store: dict[str, Any]
    versions: dict[str, str]
    demo: bool


class StatsOut(BaseModel):
    store: str
    labels: dict[str, int]
    relationships: dict[str, int]
    sources: dict[str, int]


class CypherIn(BaseModel):
    query: str = Field(min_length=1, max_length=20_000, examples=["MATCH (c:Compound) RETURN c.name LIMIT 10"])
    params: dict[str, Any] = Field(default_factory=dict, description="query parameters ($name)")


class CypherOut(BaseModel):
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = Field(description="the row cap was reached")
    row_cap: int
    query_type: str = Field(examples=["r"])
    elapsed_ms: float


class TraceIn(BaseModel):
    wallets: list[str] = Field(min_length=1, max_length=100, examples=[["wallet-collect"]])
    direction: Literal["forward", "backward"] = "forward"
    max_hops: int = Field(4, ge=1, le=20)
    min_amount: str | None = Field(None, pattern=r"^\d{1,30}(\.\d{1,18})?$", examples=["100"])
    since: str | None = Field(None, description="ISO date or timestamp")
    until: str | None = Field(None, description="ISO date or timestamp")
    method: Literal["haircut", "fifo"] = "haircut"
    stop_tags: list[str] | None = Field(None, max_length=20, description="default: exchange, otc, payment-provider")
    asset: str | None = Field(
        None, min_length=1, max_length=40, description="only transfers of this asset (default: every asset)"
    )
    as_of: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")


class Stamped(BaseModel):
    """An analytic result: JSON-ready, with the stamp of what it was computed on."""

    model_config = ConfigDict(extra="allow")
    stamp: dict[str, Any]


class IngestOut(BaseModel):
    """The ingest summary (counts created / updated / unchanged / rejected, the first rejects with where and
    why) with what the file yielded (``found``) and the screening of what it wrote."""

    model_config = ConfigDict(extra="allow")
    filename: str
    sha256: str
    bytes: int
    dry_run: bool
    found: dict[str, Any] | None = Field(
        None,
        description="the reports read (their source ids), entities per type, and for reports the places, "
        "countries (with roles), proposals awaiting review and known entities named, at most 100 of each "
        "(totals exact)",
    )
    screening: dict[str, Any] | None = Field(
        None, description="records written that are listed or hit a listed actor (not on a dry run)"
    )
