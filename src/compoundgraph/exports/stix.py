"""STIX 2.1 bundles for MISP, OpenCTI and other threat-intelligence platforms (passes ``stix2-validator``).

Mapping (the ontology's ``stix`` field, refined where a type fits better):

==============  ==========================================================================================
compoundgraph   STIX 2.1
==============  ==========================================================================================
Compound        ``location`` (name, country, coordinates; no country and no coordinates: region
                ``south-eastern-asia``)
Location        ``location``
Organization    ``identity`` (class organization); ``intrusion-set`` when its org_type names a crime
                group, syndicate, gang or operator
ArmedGroup      ``threat-actor`` (crime-syndicate)
Person          ``threat-actor`` (criminal)
Account         ``user-account`` (SCO)
JobAd           ``indicator``: a ``url`` pattern when the ad has a URL, else a PCRE on its title
Platform        ``infrastructure``
Wallet          ``x-compoundgraph-wallet`` (custom SCO, see below) plus an ``indicator`` on its address
Case            ``note`` (internal profile only; ``partner`` never exports cases)
Event           ``report`` (report_types ``threat-report``, published on the event's date)
Source          ``report`` whose ``object_refs`` are the objects and relationships it supports
claim           ``relationship`` (type hyphenated: ``operates``, ``located-at``, ``transferred`` ...)
==============  ==========================================================================================

Grades: ``confidence`` from the Admiralty credibility (STIX 2.1 Appendix A, see ``grading.py``); none for
credibility 6. Handling: TLP markings H0 -> TLP:WHITE (TLP:CLEAR), H1 -> GREEN, H2 -> AMBER, H3 -> RED.

Custom extensions (both defined by ``extension-definition`` objects in every bundle, created by the fixed
identity "compoundgraph project"):

- ``x-compoundgraph-wallet`` (``new-sco``): a crypto address - ``chain``, ``address``, ``asset``,
  ``tags``; its id is derived from chain and address.
- compoundgraph grading (``property-extension``) on every exported object: ``compoundgraph_id``,
  ``grade`` (Admiralty), ``reliability``, ``credibility``, ``handling``, ``sources``, ``rel_type``
  (original claim type) and, for transfers, ``amount``, ``asset``, ``tx_hash``, ``log_index``,
  ``timestamp``.

The bundle is one JSON document written object by object from the spooled view (the bytes
``json.dumps(bundle, indent=1)`` gives): the TLP markings, which precede the objects, come from a first
pass; the STIX id of every object written is kept in the spool, not in memory. A source's ``report`` lists
every object it supports (for a chain export, every transfer): its ``object_refs`` are gathered in the
spool and written from there, sorted by SQLite. A case's ``note`` or an event's ``report`` holds the ids of
what its claims link it to while it is written (bounded by that case's or event's claims).
"""

from __future__ import annotations

import itertools
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import stix2
from stix2.properties import DictionaryProperty, IntegerProperty, ListProperty, StringProperty
from stix2.v21 import CustomExtension, CustomObservable

from ..grades import Grade
from ..models import Claim, Entity, Source
from .cytoscape import json_array
from .grading import stix_confidence, tlp_name
from .sink import Sink
from .spool import PAGE, SpooledView, load_entity

__all__ = ["write", "EXT_WALLET", "EXT_GRADING", "PROJECT_IDENTITY", "stix_id", "FILENAME"]

FILENAME = "stix-bundle.json"
_NS = uuid.UUID("5c0a9d7e-8d5e-4d1b-9a55-1f0b8f1f6c21")  # compoundgraph's namespace for uuid5 ids
_EPOCH = "2026-01-01T00:00:00.000Z"
PROJECT_IDENTITY = f"identity--{uuid.uuid5(_NS, 'compoundgraph project')}"
EXT_WALLET = f"extension-definition--{uuid.uuid5(_NS, 'x-compoundgraph-wallet 1.0')}"
EXT_GRADING = f"extension-definition--{uuid.uuid5(_NS, 'compoundgraph grading 1.0')}"
_TLP = {"white": stix2.TLP_WHITE, "green": stix2.TLP_GREEN, "amber": stix2.TLP_AMBER, "red": stix2.TLP_RED}
_REL_NAMES = {"LOCATED_IN": "located-at", "USES": "uses", "OWNS": "owns"}
_ORG_THREAT = re.compile(r"crime|criminal|syndicate|gang|operator", re.I)
# STIX 2.1 account-type-ov; another platform stays in the grading extension's ``platform``
_ACCOUNT_TYPES = {
    "facebook": "facebook",
    "twitter": "twitter",
    "x": "twitter",
    "x (twitter)": "twitter",
    "skype": "skype",
    "openid": "openid",
    "ldap": "ldap",
}
_EXT_FIELDS = ("amount", "asset", "tx_hash", "timestamp")


@CustomObservable(
    "x-compoundgraph-wallet",
    [
        ("chain", StringProperty(required=True)),
        ("address", StringProperty(required=True)),
        ("asset", StringProperty()),
        ("tags", ListProperty(StringProperty)),
        ("name", StringProperty()),
    ],
    ["chain", "address"],
    EXT_WALLET,
)
class Wallet:
    """A crypto address as a STIX cyber-observable (the compoundgraph wallet extension)."""


@CustomExtension(
    EXT_GRADING,
    [
        ("compoundgraph_id", StringProperty()),
        ("grade", StringProperty()),
        ("reliability", StringProperty()),
        ("credibility", IntegerProperty()),
        ("handling", StringProperty()),
        ("sources", ListProperty(StringProperty)),
        ("rel_type", StringProperty()),
        ("amount", StringProperty()),
        ("asset", StringProperty()),
        ("tx_hash", StringProperty()),
        ("log_index", IntegerProperty()),
        ("timestamp", StringProperty()),
        ("label", StringProperty()),
        ("first_seen", StringProperty()),
        ("last_seen", StringProperty()),
        ("platform", StringProperty()),
        ("url", StringProperty()),
        ("properties", DictionaryProperty(spec_version="2.1")),
    ],
)
class Grading:
    """The compoundgraph grading property-extension."""

    extension_type = "property-extension"


def stix_id(kind: str, our_id: str) -> str:
    return f"{kind}--{uuid.uuid5(_NS, our_id)}"


def _ts(date: str | None, end: bool = False) -> str | None:
    if not date:
        return None
    if "T" in date:
        return date
    return f"{date}T23:59:59.999Z" if end else f"{date}T00:00:00.000Z"


def _definitions(exporter: stix2.Identity) -> list[Any]:
    project = stix2.Identity(
        id=PROJECT_IDENTITY,
        name="compoundgraph project",
        identity_class="organization",
        created=_EPOCH,
        modified=_EPOCH,
        description="Author of the compoundgraph STIX extensions.",
    )
    wallet = stix2.ExtensionDefinition(
        id=EXT_WALLET,
        created_by_ref=PROJECT_IDENTITY,
        created=_EPOCH,
        modified=_EPOCH,
        name="x-compoundgraph-wallet",
        version="1.0.0",
        extension_types=["new-sco"],
        description="A crypto address (wallet) as a cyber-observable.",
        schema="Properties: chain (string, required: the ledger, e.g. tron, ethereum, bitcoin), address "
        "(string, required: the address as written on that chain), asset (string: main asset, e.g. "
        "USDT), tags (list of strings, e.g. exchange), name (string). Id contributing properties: "
        "chain, address. Transfers between wallets are relationships of type 'transferred' carrying "
        "the compoundgraph grading extension's amount, asset, tx_hash, log_index and timestamp.",
    )
    grading = stix2.ExtensionDefinition(
        id=EXT_GRADING,
        created_by_ref=PROJECT_IDENTITY,
        created=_EPOCH,
        modified=_EPOCH,
        name="compoundgraph grading",
        version="1.0.0",
        extension_types=["property-extension"],
        description="Admiralty grade, handling code and provenance of a compoundgraph object or claim.",
        schema="Properties: compoundgraph_id, label (entity type), rel_type (claim type), grade (Admiralty "
        "A-F + 1-6, e.g. B2), reliability (A-F), credibility (1-6), handling (H0-H3; H0 TLP:CLEAR, "
        "H1 GREEN, H2 AMBER, H3 RED), sources (compoundgraph source ids), first_seen and last_seen "
        "(when compoundgraph's sources first and last reported it), platform (an account's platform "
        "when account-type-ov has no value for it), url (a source's address when the source has no "
        "document hash for an external reference), properties (every other property of the object "
        "or claim, as strings), and for transfers amount (decimal string), asset, tx_hash, "
        "log_index, timestamp (ISO 8601 UTC, to the second).",
    )
    return [project, wallet, grading, exporter]


class _Ids:
    """Our id -> STIX id of the objects written so far, kept in the spool (sources' are computed)."""

    def __init__(self, view: SpooledView) -> None:
        self.view = view
        self.pending: list[tuple[str, str]] = []
        view.db.executescript(
            "DROP TABLE IF EXISTS temp.stix_ids; CREATE TEMP TABLE stix_ids (id TEXT PRIMARY KEY, sid TEXT);"
            "DROP TABLE IF EXISTS temp.source_refs;"
            "CREATE TEMP TABLE source_refs (source TEXT, ref TEXT, PRIMARY KEY (source, ref)) WITHOUT ROWID;"
        )

    def __setitem__(self, node_id: str, sid: str) -> None:
        self.pending.append((node_id, sid))
        if len(self.pending) >= PAGE:
            self.flush()

    def flush(self) -> None:
        with self.view.db:
            self.view.db.executemany("INSERT OR REPLACE INTO stix_ids (id, sid) VALUES (?, ?)", self.pending)
        self.pending = []

    def __getitem__(self, node_id: str) -> str:
        if node_id in self.view.sources:
            return stix_id("report", node_id)
        self.flush()
        row = self.view.db.execute("SELECT sid FROM stix_ids WHERE id = ?", (node_id,)).fetchone()
        if row is None:
            raise KeyError(node_id)
        return str(row[0])


class _Builder:
    def __init__(self, view: SpooledView, exporter: str) -> None:
        self.view = view
        self.now = view.exported_at
        self.me = stix2.Identity(
            id=stix_id("identity", f"exporter:{exporter}"),
            name=exporter,
            identity_class="organization",
            created=self.now,
            modified=self.now,
        )
        self.ids = _Ids(view)
        self.objects: list[Any] = []
        self.markings: set[str] = set()

    def common(self, handling: str, ext: dict[str, Any]) -> dict[str, Any]:
        colour = tlp_name(handling)
        self.markings.add(colour)
        # ids and plain dicts, not objects: stix2 deep-copies objects passed in, per object
        return {
            "object_marking_refs": [_TLP[colour].id],
            "extensions": {EXT_GRADING: {"extension_type": "property-extension", **ext}},
        }

    def sdo(self, handling: str, ext: dict[str, Any]) -> dict[str, Any]:
        return {"created_by_ref": self.me.id, "created": self.now, "modified": self.now, **self.common(handling, ext)}

    def entity_handling(self, e: Entity) -> str:
        codes = [self.view.sources[s].handling for s in e.sources if s in self.view.sources]
        return max(codes, default="H1")

    def add_entity(self, e: Entity) -> None:
        p = e.properties
        handling = self.entity_handling(e)
        ext = _seen(
            {"compoundgraph_id": e.id, "label": e.label, "handling": handling, "sources": list(e.sources)},
            e.first_seen,
            e.last_seen,
        )
        kw = self.sdo(handling, ext)
        desc = "; ".join(f"{k}: {v}" for k, v in sorted(p.items()) if k not in ("text",))
        obj: Any
        if e.label in ("Compound", "Location"):
            loc: dict[str, Any] = {}
            lat, lon = p.get("lat"), p.get("lon")
            if isinstance(lat, (int, float)) and isinstance(lon, (int, float)):
                loc.update(latitude=float(lat), longitude=float(lon))
            if p.get("country"):
                loc["country"] = str(p["country"])
            if p.get("locality"):
                loc["city"] = str(p["locality"])
            if not loc:
                loc["region"] = "south-eastern-asia"
            obj = stix2.Location(id=stix_id("location", e.id), name=e.name, description=desc or None, **loc, **kw)
        elif e.label == "Organization" and _ORG_THREAT.search(str(p.get("org_type", ""))):
            obj = stix2.IntrusionSet(
                id=stix_id("intrusion-set", e.id),
                name=e.name,
                aliases=e.aliases or None,
                description=desc or None,
                **kw,
            )
        elif e.label == "Organization":
            obj = stix2.Identity(
                id=stix_id("identity", e.id), name=e.name, identity_class="organization", description=desc or None, **kw
            )
        elif e.label in ("Person", "ArmedGroup"):
            kinds = ["criminal"] if e.label == "Person" else ["crime-syndicate"]
            obj = stix2.ThreatActor(
                id=stix_id("threat-actor", e.id),
                name=e.name,
                threat_actor_types=kinds,
                aliases=e.aliases or None,
                description=desc or None,
                **kw,
            )
        elif e.label == "Platform":
            obj = stix2.Infrastructure(id=stix_id("infrastructure", e.id), name=e.name, description=desc or None, **kw)
        elif e.label == "Account":
            login = p.get("handle") or p.get("phone") or p.get("email") or e.name
            platform = str(p.get("platform", ""))
            if platform:
                ext["platform"] = platform
            obj = stix2.UserAccount(
                account_login=str(login),
                display_name=e.name,
                account_type=_ACCOUNT_TYPES.get(platform.strip().lower()),
                **self.common(handling, ext),
            )
        elif e.label == "Wallet":
            tags = p.get("tags")
            obj = Wallet(
                chain=str(p.get("chain", "unknown")),
                address=str(p.get("address", e.name)),  # type: ignore[call-arg]
                asset=str(p["asset"]) if p.get("asset") else None,
                tags=[str(t) for t in tags] if isinstance(tags, list) and tags else None,
                name=e.name,
                **self.common(handling, ext),
            )
            self.objects.append(
                stix2.Indicator(
                    id=stix_id("indicator", f"wallet:{e.id}"),
                    name=f"Wallet {e.name}",
                    description=f"Crypto address on {p.get('chain', 'an unknown chain')} named in compoundgraph.",
                    pattern=f"[x-compoundgraph-wallet:address = '{_quote(str(p.get('address', e.name)))}']",
                    pattern_type="stix",
                    valid_from=self.now,
                    indicator_types=["attribution"],
                    **kw,
                )
            )
        elif e.label == "JobAd":
            url = p.get("url")
            pattern, ptype = (f"[url:value = '{_quote(str(url))}']", "stix") if url else (re.escape(e.name), "pcre")
            obj = stix2.Indicator(
                id=stix_id("indicator", e.id),
                name=e.name,
                description=str(p.get("text") or desc or e.name),
                pattern=pattern,
                pattern_type=ptype,
                valid_from=_ts(str(p["posted_at"])) if p.get("posted_at") else self.now,
                indicator_types=["malicious-activity"],
                **kw,
            )
        elif e.label == "Case":
            obj = None  # notes need their object_refs: written once claims are known
        elif e.label == "Event":
            obj = None
        else:  # pragma: no cover - every label is mapped above
            raise ValueError(e.label)
        if obj is not None:
            self.ids[e.id] = obj.id
            self.objects.append(obj)

    def add_referring(self, e: Entity, refs: list[str]) -> None:
        """Cases (notes) and events (reports) need the ids of what they refer to."""
        handling = self.entity_handling(e)
        ext = _seen(
            {"compoundgraph_id": e.id, "label": e.label, "handling": handling, "sources": list(e.sources)},
            e.first_seen,
            e.last_seen,
        )
        refs = sorted(set(refs)) or [self.me.id]
        desc = "; ".join(f"{k}: {v}" for k, v in sorted(e.properties.items()))
        if e.label == "Case":
            obj: Any = stix2.Note(
                id=stix_id("note", e.id),
                abstract=e.name,
                content=desc or e.name,
                object_refs=refs,
                allow_custom=True,
                **self.sdo(handling, ext),
            )
        else:
            date = e.properties.get("date")
            obj = stix2.Report(
                id=stix_id("report", e.id),
                name=e.name,
                description=desc or None,
                published=_ts(str(date)) if date else self.now,
                report_types=["threat-report"],
                object_refs=refs,
                allow_custom=True,
                **self.sdo(handling, ext),
            )
        self.ids[e.id] = obj.id
        self.objects.append(obj)

    def add_claim(self, c: Claim, target: str) -> str:
        g = Grade.parse(c.grade)
        ext: dict[str, Any] = {
            "compoundgraph_id": c.id,
            "grade": c.grade,
            "reliability": g.reliability,
            "credibility": g.credibility,
            "handling": c.handling,
            "sources": [c.source],
            "rel_type": c.type,
        }
        _seen(ext, c.first_seen, c.last_seen)
        for k in _EXT_FIELDS:
            if c.properties.get(k) is not None:
                ext[k] = str(c.properties[k])
        if isinstance(c.properties.get("log_index"), int):
            ext["log_index"] = c.properties["log_index"]
        other = {k: _text(v) for k, v in sorted(c.properties.items()) if k not in (*_EXT_FIELDS, "log_index")}
        if other:
            ext["properties"] = other
        ts = c.properties.get("timestamp")
        # a transfer happened at its timestamp, to the second; its validity date is only that day
        start = str(ts) if isinstance(ts, str) and ts else _ts(c.valid_from)
        stop = _ts(c.valid_to, end=True)
        if start and stop and stop <= start:
            stop = None
        rel = stix2.Relationship(
            id=stix_id("relationship", c.id),
            relationship_type=_REL_NAMES.get(c.type, c.type.lower().replace("_", "-")),
            source_ref=self.ids[c.subject],
            target_ref=target,
            description=c.quote or None,
            confidence=stix_confidence(g),
            start_time=start,
            stop_time=stop,
            allow_custom=True,
            **self.sdo(c.handling, ext),
        )
        self.objects.append(rel)
        return str(rel.id)

    def add_source(self, s: Source, refs: list[str]) -> None:
        """A source's report; ``refs`` may be ``[_REFS]``, a placeholder the writer streams the refs into."""
        ext = {"compoundgraph_id": s.id, "label": "Source", "handling": s.handling, "reliability": s.reliability}
        ref: dict[str, Any] = {"source_name": s.publisher or "compoundgraph", "external_id": s.id}
        if s.url and s.sha256:
            # STIX wants a URL in an external reference pinned by the hash of what it pointed to
            ref.update(url=s.url, hashes={"SHA-256": s.sha256})
        elif s.url:
            ext["url"] = s.url
        obj = stix2.Report(
            id=self.ids[s.id],
            name=s.title,
            description=s.description or None,
            published=_ts(s.published) or self.now,
            report_types=["threat-report"],
            object_refs=refs if refs == [_REFS] else sorted(set(refs)) or [self.me.id],
            external_references=[ref],
            allow_custom=True,
            **self.sdo(s.handling, ext),
        )
        self.objects.append(obj)


def _seen(ext: dict[str, Any], first: str | None, last: str | None) -> dict[str, Any]:
    if first:
        ext["first_seen"] = first
    if last:
        ext["last_seen"] = last
    return ext


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value).lower() if isinstance(value, bool) else str(value)


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")


def _markings(view: SpooledView) -> list[Any]:
    """The TLP markings the objects will carry (a first pass: they come before the objects)."""
    codes = {r[0] for r in view.db.execute("SELECT DISTINCT handling FROM claims")}
    codes |= {s.handling for s in view.sources.values()}
    for e in view.iter_entities():
        codes.add(max((view.sources[s].handling for s in e.sources if s in view.sources), default="H1"))
    colours = {tlp_name(c) for c in codes}
    return [_TLP[m] for m in ("white", "green", "amber", "red") if m in colours]


def _objects(b: _Builder) -> Iterator[Any]:
    """Every object of the bundle after the definitions and markings, in the order the bundle lists them."""
    view = b.view
    referring = ("Case", "Event")
    for e in view.iter_entities():
        b.add_entity(e)
        yield from b.objects
        b.objects.clear()
    for e in _merged(view, referring):
        b.add_referring(e, _referring_refs(b, e.id, referring))
        yield from b.objects
        b.objects.clear()
    b.ids.flush()
    db = view.db
    # a source's report lists the objects it supports: its entities, then (below) its claims' relationships
    with db:
        db.execute(
            "INSERT OR IGNORE INTO source_refs (source, ref) SELECT es.source, s.sid FROM entity_sources es "
            "JOIN stix_ids s ON s.id = es.entity JOIN srcs ON srcs.id = es.source"
        )
    pending: list[tuple[str, str]] = []
    for c in view.iter_claims():
        rel = b.add_claim(c, b.ids[c.object])
        pending.append((c.source, rel))
        if len(pending) >= PAGE:
            with db:
                db.executemany("INSERT OR IGNORE INTO source_refs (source, ref) VALUES (?, ?)", pending)
            pending = []
        yield from b.objects
        b.objects.clear()
    with db:
        db.executemany("INSERT OR IGNORE INTO source_refs (source, ref) VALUES (?, ?)", pending)
    for s in view.sources.values():
        has = db.execute("SELECT EXISTS (SELECT 1 FROM source_refs WHERE source = ?)", (s.id,)).fetchone()[0]
        b.add_source(s, [_REFS] if has else [])
        for obj in b.objects:
            yield _Streamed(obj, s.id) if has else obj
        b.objects.clear()


def _merged(view: SpooledView, labels: tuple[str, ...]) -> Iterator[Entity]:
    j = json.dumps(list(labels))
    rows = view.db.execute("SELECT doc FROM entities WHERE label IN (SELECT value FROM json_each(?)) ORDER BY id", (j,))
    for (doc,) in rows:
        yield load_entity(doc)


def _referring_refs(b: _Builder, entity_id: str, referring: tuple[str, ...]) -> list[str]:
    """STIX ids of what a case or event is linked to by a claim (entities other than cases and events, and
    sources)."""
    b.ids.flush()
    rows = b.view.db.execute(
        """SELECT DISTINCT s.sid FROM (
             SELECT object AS other FROM claims WHERE subject = ?1
             UNION SELECT subject AS other FROM claims WHERE object = ?1) o
           JOIN stix_ids s ON s.id = o.other JOIN entities e ON e.id = o.other
           WHERE e.label NOT IN (SELECT value FROM json_each(?2))""",
        (entity_id, json.dumps(list(referring))),
    )
    refs = [r[0] for r in rows]
    others = b.view.db.execute(
        "SELECT object FROM claims WHERE subject = ?1 UNION SELECT subject FROM claims WHERE object = ?1",
        (entity_id,),
    )
    refs += [stix_id("report", o) for (o,) in others if o in b.view.sources and o != entity_id]
    return refs


@dataclass(frozen=True)
class _Streamed:
    """A source's report whose ``object_refs`` are streamed from the spool when it is written."""

    obj: Any
    source: str


_REFS = stix_id("relationship", "compoundgraph streamed object_refs")  # stands for the streamed list
_MARK = "\x00refs\x00"


def _write_object(fh: IO[bytes], item: Any, view: SpooledView, first: bool) -> None:
    obj = item.obj if isinstance(item, _Streamed) else item
    data = json.loads(obj.serialize())
    inner = "\n  "
    fh.write((("[" if first else ",") + inner).encode("utf-8"))
    if not isinstance(item, _Streamed):
        fh.write(json.dumps(data, ensure_ascii=False, indent=1).replace("\n", inner).encode("utf-8"))
        return
    data["object_refs"] = _MARK
    head, tail = json.dumps(data, ensure_ascii=False, indent=1).replace("\n", inner).split(json.dumps(_MARK))
    fh.write(head.encode("utf-8"))
    refs = view.db.execute("SELECT ref FROM source_refs WHERE source = ? ORDER BY ref", (item.source,))
    json_array(fh, (r[0] for r in refs), depth=3)
    fh.write(tail.encode("utf-8"))


def write(view: SpooledView, sink: Sink, exporter: str = "compoundgraph export") -> None:
    """The bundle, object by object (see the module doc for what is held)."""
    b = _Builder(view, exporter)
    head = json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": _MARK}, indent=1)
    before, after = head.split(json.dumps(_MARK))
    with sink.open(FILENAME) as fh:
        fh.write(before.encode("utf-8"))
        first = True
        for obj in itertools.chain(_definitions(b.me), _markings(view), _objects(b)):
            _write_object(fh, obj, view, first)
            first = False
        fh.write(("\n ]" if not first else "[]").encode("utf-8"))
        fh.write(after.encode("utf-8"))
