"""Entities, claims (relationships) and sources, validated against the ontology.

Every claim has a source and a grade; every entity is attested by at least one source. Strings are
stored exactly as given, but NUL and other control characters, lone surrogates and oversized values are
refused with an error that names the field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .errors import InvalidInput
from .grades import Grade
from .ids import claim_id, entity_id, source_id
from .ontology import SOURCE_LABEL, ontology

__all__ = [
    "Source",
    "Entity",
    "Claim",
    "Record",
    "MAX_NAME",
    "MAX_TEXT",
    "check_text",
    "iso_date",
    "iso_datetime",
    "check_claim_pair",
    "trusted",
    "record_json",
    "claim_fingerprint",
    "fingerprint",
]

MAX_NAME = 1_000  # characters in a name or alias
MAX_TEXT = 20_000  # characters in a quote, description or free-text property
MAX_LIST = 1_000  # items in a list property
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # controls and lone surrogates
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_GOOD_KEYS: set[str] = set()  # property names already checked (a hot path when loading millions)
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.:-]{1,127}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")

# Stored beside the properties on a node or relationship; a property may not take these names.
RESERVED = frozenset(
    "id label name aliases identifiers sources first_seen last_seen referents search_text type subject "
    "object source grade grade_r grade_c valid_from valid_to handling handling_rank quote key fp "
    "subject_label object_label match_keys".split()
)

Scalar = str | int | float | bool
PropValue = Scalar | list[Scalar] | None


def check_text(value: str, field: str, limit: int = MAX_TEXT) -> str:
    """Refuse what cannot be stored faithfully everywhere (controls, surrogates) or is too large."""
    if len(value) > limit:
        raise InvalidInput(f"{field} is {len(value):,} characters; the limit is {limit:,}")
    bad = _BAD.search(value)
    if bad:
        if _CONTROL.match(bad.group()):
            raise InvalidInput(f"{field} contains a control character (NUL or similar), refused")
        raise InvalidInput(f"{field} is not valid Unicode (lone surrogate)")
    return value


def iso_date(value: Any, field: str) -> str | None:
    """Dates travel and are stored as ``YYYY-MM-DD`` strings, so both stores compare them alike."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError as exc:
            raise InvalidInput(f"{field}: {value!r} is not a real date") from exc
    raise InvalidInput(f"{field}: expected a date YYYY-MM-DD, got {str(value)[:40]!r}")


def iso_datetime(value: Any, field: str) -> str | None:
    """Timestamps are UTC ``YYYY-MM-DDTHH:MM:SSZ`` strings."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        moment = value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo is not None else value
        return moment.isoformat(timespec="seconds") + "Z"
    if isinstance(value, str):
        text = value.strip().replace(" ", "T")
        if _DATETIME.match(text):
            return text
        try:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as exc:
            raise InvalidInput(f"{field}: {value[:40]!r} is not an ISO timestamp") from exc
        return iso_datetime(parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC), field)
    raise InvalidInput(f"{field}: expected an ISO timestamp, got {str(value)[:40]!r}")


def _clean_props(props: dict[str, Any], where: str) -> dict[str, PropValue]:
    out: dict[str, PropValue] = {}
    for key, value in props.items():
        if value is None:
            continue  # absent and null are the same thing in every store
        if key not in _GOOD_KEYS:
            if key in RESERVED:
                raise InvalidInput(f"{where}: {key!r} is a reserved field name, not a property")
            if not isinstance(key, str) or not _KEY.match(key):
                raise InvalidInput(f"{where}: property name {str(key)[:40]!r} is not a plain identifier")
            if len(_GOOD_KEYS) < 10_000:
                _GOOD_KEYS.add(key)
        kind = type(value)
        if kind is str:
            out[key] = check_text(value, where)
        elif kind is int or kind is float or kind is bool:
            out[key] = value
        else:
            out[key] = _clean_value(value, f"{where}.{key}")
    return out


def _clean_value(value: Any, where: str) -> PropValue:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return check_text(value, where)
    if isinstance(value, (list, tuple)):
        if len(value) > MAX_LIST:
            raise InvalidInput(f"{where} has {len(value)} items; the limit is {MAX_LIST}")
        items = [_clean_value(v, where) for v in value]
        if any(isinstance(v, list) or v is None for v in items):
            raise InvalidInput(f"{where}: lists hold plain values only")
        if len({type(v) for v in items}) > 1:
            raise InvalidInput(f"{where}: a list holds values of one type only")
        return items  # type: ignore[return-value]
    raise InvalidInput(f"{where}: unsupported value of type {type(value).__name__}")


_WEB_URL = re.compile(r"https?://[^\s/?#]+\S*\Z", re.IGNORECASE)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=False)


class Source(_Model):
    """A document or dataset that makes claims."""

    id: str = ""
    title: str
    publisher: str = ""
    url: str = ""
    published: str | None = None
    kind: str = "report"  # report, notice, court, news, dataset, partner-package, ...
    reliability: str = "F"
    sha256: str = ""
    handling: str = "H1"
    description: str = ""

    @field_validator("title", "publisher", "url", "kind", "description", "sha256")
    @classmethod
    def _text(cls, v: str, info: Any) -> str:
        return check_text(v, f"source.{info.field_name}")

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        # the UI and reports turn it into a link: javascript:, data:, file: and the like would run or leak there
        if v and not _WEB_URL.match(v):
            raise InvalidInput(f"source.url {v[:60]!r} is not an http(s) URL (other schemes are refused)")
        return v

    @field_validator("published", mode="before")
    @classmethod
    def _date(cls, v: Any) -> str | None:
        return iso_date(v, "source.published")

    @field_validator("reliability")
    @classmethod
    def _rel(cls, v: str) -> str:
        Grade.parse(f"{v}1")
        return v.upper()

    @field_validator("handling")
    @classmethod
    def _handling(cls, v: str) -> str:
        ontology().handling_rank(v)
        return v

    @model_validator(mode="after")
    def _id(self) -> Source:
        if not self.title.strip():
            raise InvalidInput("source.title is empty")
        if not self.id:
            self.id = source_id(self.sha256 or None, self.url or None, self.title)
        elif not _ID.match(self.id):
            raise InvalidInput(f"source.id {self.id[:40]!r} is not a valid id")
        return self


class Entity(_Model):
    """A node: one of the ontology's labels, with a stable id."""

    id: str = ""
    label: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    identifiers: list[str] = Field(default_factory=list)
    properties: dict[str, PropValue] = Field(default_factory=dict)
    sources: list[str] = Field(default_factory=list)
    first_seen: str | None = None
    last_seen: str | None = None
    referents: list[str] = Field(default_factory=list)

    @field_validator("label")
    @classmethod
    def _label(cls, v: str) -> str:
        return ontology().label(v)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        check_text(v, "entity.name", MAX_NAME)
        if not v.strip():
            raise InvalidInput("entity.name is empty")
        return v

    @field_validator("aliases", "identifiers")
    @classmethod
    def _names(cls, v: list[str], info: Any) -> list[str]:
        if len(v) > MAX_LIST:
            raise InvalidInput(f"entity.{info.field_name} has {len(v)} items; limit {MAX_LIST}")
        seen: dict[str, None] = {}
        for item in v:
            if not isinstance(item, str):
                raise InvalidInput(f"entity.{info.field_name} holds strings only")
            check_text(item, f"entity.{info.field_name}", MAX_NAME)
            if item.strip():
                seen.setdefault(item, None)
        return sorted(seen)  # canonical order, so a re-load compares equal

    @field_validator("properties", mode="before")
    @classmethod
    def _props(cls, v: dict[str, Any]) -> dict[str, PropValue]:
        if not isinstance(v, dict):
            raise InvalidInput("entity.properties must be an object")
        return _clean_props(v, "entity.properties")

    @field_validator("first_seen", "last_seen", mode="before")
    @classmethod
    def _dates(cls, v: Any, info: Any) -> str | None:
        return iso_date(v, f"entity.{info.field_name}")

    @model_validator(mode="after")
    def _finish(self) -> Entity:
        if not self.sources:
            raise InvalidInput(f"entity {self.name[:60]!r} has no source; every entity needs one")
        spec = ontology().labels[self.label]
        if not self.id:
            keys = [self.properties.get(k) for k in spec.key]
            by_key = spec.key_only and any(k is not None for k in keys)
            self.id = entity_id(self.label, "" if by_key else self.name, keys)
        elif not _ID.match(self.id):
            raise InvalidInput(f"entity.id {self.id[:40]!r} is not a valid id")
        # identifier-bearing properties are searchable without being listed twice by the loader
        extra = []
        for key in spec.identifiers:
            value = self.properties.get(key)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and item and item not in self.identifiers:
                    extra.append(item)
        self.identifiers = sorted({*self.identifiers, *extra})
        self.aliases = [a for a in self.aliases if a != self.name]
        self.sources = sorted(set(self.sources))
        return self


class Claim(_Model):
    """A relationship asserted by one source, with a grade. One edge per subject-type-object-source."""

    id: str = ""
    type: str
    subject: str
    object: str
    source: str
    grade: str
    valid_from: str | None = None
    valid_to: str | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    handling: str = "H1"
    quote: str = ""
    key: str = ""  # discriminator for repeated claims from one source (a transfer's tx hash:log index)
    properties: dict[str, PropValue] = Field(default_factory=dict)

    @field_validator("type")
    @classmethod
    def _type(cls, v: str) -> str:
        return ontology().rel(v)

    @field_validator("grade", mode="before")
    @classmethod
    def _grade(cls, v: Any) -> str:
        if v is None or v == "":
            raise InvalidInput("claim.grade is missing; every claim needs an Admiralty grade")
        return str(Grade.parse(v))

    @field_validator("subject", "object", "source", "key")
    @classmethod
    def _ids(cls, v: str, info: Any) -> str:
        if info.field_name == "key":
            return check_text(v, "claim.key", 300)
        if not v:
            raise InvalidInput(
                f"claim.{info.field_name} is missing"
                + ("; a claim without a source is refused" if info.field_name == "source" else "")
            )
        if not _ID.match(v):
            raise InvalidInput(f"claim.{info.field_name} {v[:40]!r} is not a valid id")
        return v

    @field_validator("quote")
    @classmethod
    def _quote(cls, v: str) -> str:
        return check_text(v, "claim.quote")

    @field_validator("valid_from", "valid_to", "first_seen", "last_seen", mode="before")
    @classmethod
    def _dates(cls, v: Any, info: Any) -> str | None:
        return iso_date(v, f"claim.{info.field_name}")

    @field_validator("handling")
    @classmethod
    def _handling(cls, v: str) -> str:
        ontology().handling_rank(v)
        return v

    @field_validator("properties", mode="before")
    @classmethod
    def _props(cls, v: dict[str, Any]) -> dict[str, PropValue]:
        if not isinstance(v, dict):
            raise InvalidInput("claim.properties must be an object")
        if v.get("stance") not in (None, "asserts", "denies"):
            raise InvalidInput(f"claim.properties.stance is {str(v['stance'])[:20]!r}; asserts or denies")
        if "timestamp" in v:
            v = {**v, "timestamp": iso_datetime(v["timestamp"], "claim.properties.timestamp")}
        if "amount" in v and v["amount"] is not None:
            try:
                v = {**v, "amount": str(Decimal(str(v["amount"])))}
            except Exception as exc:
                raise InvalidInput(f"claim.properties.amount {str(v['amount'])[:40]!r} is not a number") from exc
        return _clean_props(v, "claim.properties")

    @model_validator(mode="after")
    def _finish(self) -> Claim:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise InvalidInput(f"claim {self.type}: valid_to {self.valid_to} is before valid_from {self.valid_from}")
        if self.type == "TRANSFERRED" and not self.key:
            tx = self.properties.get("tx_hash")
            if tx:
                self.key = f"{tx}:{self.properties.get('log_index', 0)}"
        if not self.id:
            self.id = claim_id(self.subject, self.type, self.object, self.source, self.key)
        elif not _ID.match(self.id):
            raise InvalidInput(f"claim.id {self.id[:40]!r} is not a valid id")
        return self

    @property
    def grade_obj(self) -> Grade:
        return Grade.parse(self.grade)

    def in_force(self, as_of: str | None) -> bool:
        """Whether the claim held on ``as_of`` (open-ended when dates are missing)."""
        if as_of is None:
            return True
        return (self.valid_from is None or self.valid_from <= as_of) and (
            self.valid_to is None or self.valid_to >= as_of
        )


Record = Source | Entity | Claim

_M = TypeVar("_M", Source, Entity, Claim)


def trusted(cls: type[_M], data: dict[str, Any]) -> _M:
    """Rebuild a record the store validated on the way in, without validating it again.

    A traversal reads thousands of claims per request; pydantic's ``model_construct`` costs several times
    more than this, which only fills the defaults of absent fields.
    """
    m = cls.__new__(cls)
    values = dict(data)
    for name, default in _defaults(cls):
        if name not in values:
            values[name] = default() if callable(default) else default
    object.__setattr__(m, "__dict__", values)
    object.__setattr__(m, "__pydantic_fields_set__", set(data))
    object.__setattr__(m, "__pydantic_extra__", None)
    object.__setattr__(m, "__pydantic_private__", None)
    return m


@cache
def _defaults(cls: type[BaseModel]) -> tuple[tuple[str, Any], ...]:
    out = []
    for name, field in cls.model_fields.items():
        if field.default_factory is not None:
            out.append((name, field.default_factory))
        elif not field.is_required():
            out.append((name, field.default))
    return tuple(out)


def record_json(record: Entity | Claim) -> bytes:
    """The canonical JSON of a validated record: its fields with sorted keys (what ``model_dump_json``
    writes, faster). Stores keep it as the record's document; fingerprints hash it."""
    try:
        return orjson.dumps(record.__dict__, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # a value orjson does not know; pydantic's serialiser does
        return orjson.dumps(orjson.loads(record.model_dump_json()), option=orjson.OPT_SORT_KEYS)


def claim_fingerprint(c: Claim) -> str:
    """A 96-bit digest (24 hex digits) of everything a claim says, ends and source included.

    Both stores keep it beside each claim: a re-load tells unchanged from updated by it, and an analysis
    stamp hashes the fingerprints of the claims it ran on instead of re-reading every claim in full.
    """
    return fingerprint(record_json(c))


def fingerprint(doc: bytes) -> str:
    """The fingerprint of a claim from its :func:`record_json` bytes (for a store that has them already)."""
    return hashlib.blake2b(doc, digest_size=12).hexdigest()


def check_claim_pair(claim: Claim, subject_label: str, object_label: str) -> None:
    """Refuse a claim whose endpoints are not a pair the ontology allows for its type."""
    refused = _pair_refusal(claim.type, subject_label, object_label)
    if refused is not None:
        raise InvalidInput(refused)


@cache
def _pair_refusal(rel: str, subject_label: str, object_label: str) -> str | None:
    """The ontology's verdict on one (type, subject label, object label): it depends on these three only,
    and a load asks it once per claim."""
    if object_label == SOURCE_LABEL and rel == "MENTIONED_IN":
        return None
    try:
        ontology().check_pair(rel, subject_label, object_label)
    except InvalidInput as exc:
        return exc.detail
    return None
