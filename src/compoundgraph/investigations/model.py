"""What an investigation is: a saved, annotated chart, its owner, its version and who it is shared with.

The content (:class:`Chart`) is what the web UI saves and reopens: the entities on the chart with their
positions, pinned and hidden state, the filters and *as of* date, notes on the investigation, on entities and
on claims, the layout, and saved money-flow traces. :func:`parse_chart` is the one gate every save passes:
it refuses a corrupt layout (non-finite numbers, unknown layout kind, positions for entities not on the
chart) with the field at fault named, and an oversized save with the limit named - before anything is
written.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from collections.abc import Callable, Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import InvalidInput, TooLarge
from ..models import iso_date

__all__ = [
    "MAX_ENTITIES",
    "MAX_NOTES_BYTES",
    "MAX_TITLE",
    "LAYOUTS",
    "ACCESS",
    "ChartEntity",
    "Filters",
    "Notes",
    "Layout",
    "SavedTrace",
    "Chart",
    "Share",
    "Investigation",
    "Summary",
    "parse_chart",
    "parse_shares",
    "new_id",
    "now",
]

MAX_ENTITIES = 20_000
MAX_NOTES_BYTES = 5 * 1024 * 1024  # UTF-8 bytes of every note together
MAX_TITLE = 200
LAYOUTS = ("manual", "force", "hierarchical", "grid", "circle", "flow", "server")
ACCESS = ("read", "edit")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _finite(value: float, what: str) -> float:
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value}")
    if abs(value) > 1e9:
        raise ValueError(f"{what} is out of range (|{what}| <= 1e9), got {value}")
    return value


class ChartEntity(_Strict):
    """One entity on the chart: its id, where it sits, and whether it is pinned or hidden."""

    id: str = Field(min_length=1, max_length=200, examples=["compound-golden-lotus"])
    # checked in pydantic's core (a chart holds up to 20,000 of these): finite, within +-1e9
    x: float = Field(allow_inf_nan=False, ge=-1e9, le=1e9, examples=[120.5])
    y: float = Field(allow_inf_nan=False, ge=-1e9, le=1e9, examples=[-40.0])
    pinned: bool = False
    hidden: bool = False


class Filters(_Strict):
    """The chart's filters, as the subgraph endpoints take them."""

    types: list[str] = Field(default_factory=list, max_length=50, examples=[["Compound", "Person"]])
    rel_types: list[str] = Field(default_factory=list, max_length=50)
    min_grade: str | None = Field(default=None, max_length=2, examples=["B3"])


class Notes(_Strict):
    """Free text on the investigation, and per entity id and per claim id."""

    investigation: str = ""
    entities: dict[str, str] = Field(default_factory=dict)
    claims: dict[str, str] = Field(default_factory=dict)

    def size(self) -> int:
        """UTF-8 bytes of every note together (keys included)."""
        n = len(self.investigation.encode("utf-8"))
        for part in (self.entities, self.claims):
            n += sum(len(k.encode("utf-8")) + len(v.encode("utf-8")) for k, v in part.items())
        return n


class Viewport(_Strict):
    x: float = 0.0
    y: float = 0.0
    scale: float = 1.0

    @field_validator("x", "y")
    @classmethod
    def _coords(cls, v: float, info: Any) -> float:
        return _finite(v, f"viewport.{info.field_name}")

    @field_validator("scale")
    @classmethod
    def _scale(cls, v: float) -> float:
        _finite(v, "viewport.scale")
        if v <= 0:
            raise ValueError(f"viewport.scale must be above 0, got {v}")
        return v


class Layout(_Strict):
    """How the chart is laid out: the algorithm (``manual`` keeps the saved positions), its options (small
    JSON values only), and the viewport."""

    kind: Literal["manual", "force", "hierarchical", "grid", "circle", "flow", "server"] = "manual"
    options: dict[str, str | float | int | bool | None] = Field(default_factory=dict, max_length=50)
    viewport: Viewport = Field(default_factory=Viewport)

    @field_validator("options")
    @classmethod
    def _options(cls, v: dict[str, Any]) -> dict[str, Any]:
        for k, x in v.items():
            if isinstance(x, float):
                _finite(x, f"options.{k}")
        return v


class SavedTrace(_Strict):
    """A money-flow trace kept in the investigation: the parameters it ran with and its reproducibility
    stamp (reopening compares the stamp with a fresh run)."""

    title: str = Field(default="", max_length=MAX_TITLE)
    params: dict[str, Any] = Field(default_factory=dict)
    stamp: dict[str, Any] = Field(default_factory=dict)


class Chart(_Strict):
    """The saved content of an investigation."""

    entities: list[ChartEntity] = Field(default_factory=list)
    # the claims the chart showed (ids): reopening and the report keep to them (plus claims on entities merged
    # since); null: every claim between the entities
    claims: list[str] | None = Field(default=None, max_length=200_000)
    filters: Filters = Field(default_factory=Filters)
    as_of: str | None = Field(default=None, examples=["2024-06-30"])
    notes: Notes = Field(default_factory=Notes)
    layout: Layout = Field(default_factory=Layout)
    traces: list[SavedTrace] = Field(default_factory=list, max_length=100)

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_of(cls, v: Any) -> str | None:
        try:
            return iso_date(v, "as_of")
        except InvalidInput as exc:
            raise ValueError(exc.detail) from exc

    @model_validator(mode="after")
    def _consistent(self) -> Chart:
        ids = [e.id for e in self.entities]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise ValueError(f"entity {dup[:80]!r} is on the chart twice")
        stray = sorted(set(self.notes.entities) - set(ids))
        if stray:
            raise ValueError(f"notes.entities: {stray[0][:80]!r} is not an entity on the chart")
        return self

    def entity_ids(self) -> list[str]:
        return [e.id for e in self.entities]

    def claim_keeper(self, merged_into: Iterable[str]) -> Callable[[str, str, str], bool]:
        """Whether a claim (id, subject, object) belongs on this chart: every claim when no list was saved,
        else a saved one or one touching an entity another was merged into since."""
        if self.claims is None:
            return lambda _id, _s, _o: True
        saved, merged = frozenset(self.claims), frozenset(merged_into)
        return lambda cid, subj, obj: cid in saved or subj in merged or obj in merged


class Share(_Strict):
    """Access given to another key (``key:<key id>``) or to every key of a role (``role:<role>``)."""

    to: str = Field(
        pattern=r"^(key:[A-Za-z0-9_-]{1,64}|role:(partner|investigator|analyst|editor|admin))$",
        examples=["key:3f2a9c", "role:analyst"],
    )
    access: Literal["read", "edit"] = "read"


class Summary(BaseModel):
    """An investigation without its content: what a list shows."""

    id: str
    title: str
    owner: str
    created: str
    modified: str
    modified_by: str
    version: int
    entities: int
    size: int  # bytes of the saved content
    shares: list[Share] = Field(default_factory=list)
    deleted: str | None = None
    deleted_by: str | None = None


class Investigation(Summary):
    chart: Chart

    def summary(self) -> Summary:
        return Summary.model_validate(self.model_dump(exclude={"chart"}))


def _first_error(exc: ValidationError) -> tuple[str, str]:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    msg = str(err["msg"]).removeprefix("Value error, ")
    return where, msg


def parse_chart(data: Any, where: str = "chart") -> Chart:
    """Validate a chart from JSON: 413 with the limit named when it is too large, 422 naming the field when
    it is malformed (a corrupt layout included)."""
    if isinstance(data, Chart):
        chart = data
    else:
        if not isinstance(data, dict):
            raise InvalidInput(f"expected a JSON object, got {type(data).__name__}", where=where)
        entities = data.get("entities")
        if isinstance(entities, list) and len(entities) > MAX_ENTITIES:
            raise TooLarge(
                f"{len(entities):,} entities on the chart; the limit is {MAX_ENTITIES:,}", where=f"{where}.entities"
            )
        try:
            chart = Chart.model_validate(data)
        except ValidationError as exc:
            at, msg = _first_error(exc)
            raise InvalidInput(msg, where=f"{where}.{at}" if at else where) from exc
    if len(chart.entities) > MAX_ENTITIES:
        raise TooLarge(
            f"{len(chart.entities):,} entities on the chart; the limit is {MAX_ENTITIES:,}", where=f"{where}.entities"
        )
    size = chart.notes.size()
    if size > MAX_NOTES_BYTES:
        raise TooLarge(
            f"the notes hold {size:,} bytes; the limit is {MAX_NOTES_BYTES:,} bytes (5 MB)", where=f"{where}.notes"
        )
    return chart


def parse_shares(data: Any) -> list[Share]:
    if not isinstance(data, list):
        raise InvalidInput("expected a list of shares", where="shares")
    out: dict[str, Share] = {}
    for i, item in enumerate(data):
        try:
            s = Share.model_validate(item)
        except ValidationError as exc:
            at, msg = _first_error(exc)
            raise InvalidInput(msg, where=f"shares.{i}.{at}" if at else f"shares.{i}") from exc
        out[s.to] = s  # one entry per recipient: the last word wins
    return sorted(out.values(), key=lambda s: s.to)


def new_id() -> str:
    return "inv-" + secrets.token_hex(8)


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
