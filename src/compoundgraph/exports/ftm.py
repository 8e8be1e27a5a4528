"""FollowTheMoney (v4) JSON lines for Aleph, OpenSanctions tooling and ``ftm`` / ``nomenklatura``.

Entities take the FtM schema the ontology names (``schema.yaml``: ``ftm``). Sources become ``Article``
(a ``Document``) entities; every entity and every claim points at its sources through ``proof``, so Aleph shows where a
fact comes from. Claims become the FtM interval that fits their endpoints - ``Ownership``, ``Control``,
``Directorship``, ``Membership``, ``Employment``, ``Associate``, ``Payment`` (transfers),
``Documentation`` (``MENTIONED_IN``) - checked against the FtM property ranges, else ``UnknownLink`` with
the relationship as its ``role``. An interval's ``summary`` carries the Admiralty grade and handling code,
its ``description`` the quote.

FtM payments are between *parties*, not wallets: a ``TRANSFERRED`` claim becomes a ``Payment`` whose payer
and beneficiary are the holders of the two wallets (``HOLDS`` claims in the export); a wallet with no
known holder gets a placeholder ``LegalEntity`` ("Unknown holder of wallet T...", id ``<wallet id>-holder``)
which is also set as the wallet's ``holder``. Every value is added through FtM's own cleaning, so the
file re-parses unchanged.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterator
from typing import Any

from followthemoney import ValueEntity, model

from ..models import Claim, Entity, Source
from ..ontology import ontology
from ..store.filters import stance_of
from .common import flat
from .sink import Sink
from .spool import SpooledView

__all__ = ["write", "entities", "FILENAME", "INTERVALS"]

FILENAME = "ftm.jsonl"

# relationship type -> (FtM schema, subject property, object property, extra properties)
INTERVALS: dict[str, tuple[str, str, str, dict[str, str]]] = {
    "OWNS": ("Ownership", "owner", "asset", {}),
    "CONTROLS": ("Control", "controller", "controlled", {}),
    "DIRECTS": ("Directorship", "director", "organization", {}),
    "MEMBER_OF": ("Membership", "member", "organization", {}),
    "EMPLOYED_BY": ("Employment", "employee", "employer", {}),
    "ALLIED_WITH": ("Associate", "person", "associate", {"relationship": "allied with"}),
    "COLLUDES_WITH": ("Associate", "person", "associate", {"relationship": "colludes with"}),
}

# ontology property -> FtM property, per FtM schema (absent: goes into ``notes``)
_PROPS: dict[str, dict[str, str]] = {
    "Address": {
        "country": "country",
        "locality": "city",
        "admin_area": "region",
        "lat": "latitude",
        "lon": "longitude",
    },
    "Organization": {"country": "country", "org_type": "classification", "registration_ids": "registrationNumber"},
    "Person": {"nationality": "nationality", "birth_year": "birthDate", "roles": "position"},
    "UserAccount": {
        "platform": "service",
        "handle": "username",
        "phone": "phone",
        "email": "email",
        "url": "sourceUrl",
    },
    "CryptoWallet": {"address": "publicKey", "chain": "blockchain", "asset": "currencySymbol"},
    "Event": {"date": "date", "kind": "summary"},
    "Note": {"url": "sourceUrl", "text": "description"},
}


def _schema_for(e: Entity) -> str:
    return ontology().labels[e.label].ftm or "Thing"


def _add(proxy: ValueEntity, prop: str, value: Any) -> None:
    if value is None or value == "" or value == []:
        return
    values = value if isinstance(value, list) else [value]
    proxy.add(prop, [str(v) for v in values], quiet=True)


def _entity(e: Entity, view: SpooledView) -> ValueEntity:
    schema = _schema_for(e)
    proxy = ValueEntity(model[schema], {"id": e.id})
    _add(proxy, "name", e.name)
    _add(proxy, "alias", e.aliases)
    mapping = _PROPS.get(schema, {})
    notes = []
    for key, value in sorted(e.properties.items()):
        prop = mapping.get(key)
        if prop and proxy.schema.get(prop):
            _add(proxy, prop, value)
        else:
            notes.append(f"{key}: {flat(value)}")
    if schema == "Address":
        _add(
            proxy,
            "full",
            ", ".join(str(e.properties[k]) for k in ("locality", "admin_area", "country") if e.properties.get(k))
            or e.name,
        )
    if schema == "UserAccount" and not proxy.has("username"):  # FtM requires one
        _add(proxy, "username", e.properties.get("phone") or e.properties.get("email") or e.name)
    if schema == "Note" and not proxy.has("description"):
        _add(proxy, "description", e.name)
    _add(proxy, "summary" if not proxy.has("summary") else "notes", f"compoundgraph {e.label}")
    _add(proxy, "notes", notes)
    _add(proxy, "proof", [s for s in e.sources if s in view.sources])
    _add(
        proxy,
        "publisher",
        sorted({view.sources[s].publisher for s in e.sources if s in view.sources and view.sources[s].publisher}),
    )
    proxy.first_seen, proxy.last_seen = e.first_seen, e.last_seen
    proxy.datasets = {"compoundgraph"}
    return proxy


def _document(s: Source) -> ValueEntity:
    # Article, not Document: FtM requires a fileName of a Document, and a source is a report, not a file
    proxy = ValueEntity(model["Article"], {"id": s.id})
    _add(proxy, "title", s.title)
    _add(proxy, "name", s.title)
    _add(proxy, "publisher", s.publisher)
    _add(proxy, "sourceUrl", s.url)
    _add(proxy, "publishedAt", s.published)
    _add(proxy, "summary", f"{s.kind}; source reliability {s.reliability}; handling {s.handling}")
    _add(proxy, "description", s.description)
    proxy.datasets = {"compoundgraph"}
    return proxy


def _utc_seconds(ts: Any) -> str | None:
    """An ISO timestamp as FtM keeps it to the second: UTC, without an offset (FtM's date cleaning cuts
    ``...T10:00:07Z`` to the minute, but keeps ``...T10:00:07``)."""
    if not isinstance(ts, str) or not ts:
        return None
    try:
        when = dt.datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return ts
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when.isoformat(timespec="seconds")


def _fits(schema: str, prop: str, node_schema: str) -> bool:
    p = model[schema].get(prop)
    return p is not None and p.range is not None and model[node_schema].is_a(p.range)


def _interval(c: Claim, schema: str, view: SpooledView) -> ValueEntity:
    proxy = ValueEntity(model[schema], {"id": c.id})
    src = view.sources.get(c.source)
    _add(proxy, "startDate", c.valid_from)
    _add(proxy, "endDate", c.valid_to)
    _add(proxy, "recordId", c.id)
    denied = "; the source denies it" if stance_of(c) == "denies" else ""
    _add(proxy, "summary", f"{c.type}; Admiralty {c.grade}; handling {c.handling}{denied}")
    _add(proxy, "description", c.quote)
    _add(proxy, "proof", c.source)
    if src:
        _add(proxy, "publisher", src.publisher)
        _add(proxy, "sourceUrl", src.url)
    proxy.datasets = {"compoundgraph"}
    return proxy


def _legal_labels() -> list[str]:
    """The labels whose FtM schema is a LegalEntity (they can hold a wallet, be involved in an event)."""
    return sorted(label for label, spec in ontology().labels.items() if model[spec.ftm or "Thing"].is_a("LegalEntity"))


def _schema_of_label(label: str) -> str:
    spec = ontology().labels.get(label)
    return (spec.ftm if spec else None) or "Thing"


def _legal(label: str) -> bool:
    return model[_schema_of_label(label)].is_a("LegalEntity")


def _holders(view: SpooledView, wallet_id: str, legal: str) -> list[str]:
    """Sorted ids of the legal entities a ``HOLDS`` claim in the view names as holders of ``wallet_id``."""
    rows = view.db.execute(
        "SELECT DISTINCT h.subject FROM claims h JOIN entities s ON s.id = h.subject "
        "WHERE h.type = 'HOLDS' AND h.object = ? AND s.label IN (SELECT value FROM json_each(?)) ORDER BY 1",
        (wallet_id, legal),
    )
    return [r[0] for r in rows]


def _placeholders(view: SpooledView, legal: str) -> Iterator[tuple[str, str]]:
    """(wallet id, wallet name) of the transfer ends with no known holder, in order of first appearance
    among the transfers (by claim id, payer before beneficiary)."""
    return iter(
        view.db.execute(
            """
            WITH ends AS (
              SELECT subject AS w, id, 0 AS side FROM claims WHERE type = 'TRANSFERRED'
              UNION ALL SELECT object AS w, id, 1 AS side FROM claims WHERE type = 'TRANSFERRED'),
            firsts AS (SELECT w, id, side, row_number() OVER (PARTITION BY w ORDER BY id, side) AS rn FROM ends)
            SELECT f.w, e.name FROM firsts f JOIN entities e ON e.id = f.w
            WHERE f.rn = 1 AND NOT EXISTS (
              SELECT 1 FROM claims h JOIN entities s ON s.id = h.subject
              WHERE h.type = 'HOLDS' AND h.object = f.w AND s.label IN (SELECT value FROM json_each(?)))
            ORDER BY f.id, f.side
            """,
            (legal,),
        )
    )


def _placeholder(wallet_id: str, name: str) -> ValueEntity:
    p = ValueEntity(model["LegalEntity"], {"id": f"{wallet_id}-holder"})
    _add(p, "name", f"Unknown holder of wallet {name}")
    _add(p, "summary", "placeholder: FtM payments join parties, and this wallet's holder is unknown")
    p.datasets = {"compoundgraph"}
    return p


def _in_transfers(view: SpooledView, entity_id: str) -> bool:
    row = view.db.execute(
        "SELECT EXISTS (SELECT 1 FROM claims WHERE type = 'TRANSFERRED' AND subject = ?) "
        "OR EXISTS (SELECT 1 FROM claims WHERE type = 'TRANSFERRED' AND object = ?)",
        (entity_id, entity_id),
    ).fetchone()
    return bool(row[0])


def entities(view: SpooledView) -> Iterator[ValueEntity]:
    """Every FtM entity of the export, one at a time, in a stable order (documents, entities,
    placeholders, intervals). What an entity learns from claims (a wallet's holders, an event's
    participants) is asked of the spool when the entity is written."""
    legal = json.dumps(_legal_labels())
    yield from (_document(s) for s in view.sources.values())

    for e in view.iter_entities():
        proxy = _entity(e, view)
        holders_found = False
        for c in view.claims_touching(e.id, ("HOLDS", "INVOLVED_IN")):
            subject = view.labels([c.subject]).get(c.subject)
            if subject is None or not _legal(subject):
                continue
            if c.type == "HOLDS":
                _add(proxy, "holder", c.subject)
                holders_found = True
            elif _schema_for(e) == "Event":
                _add(proxy, "involved", c.subject)
        if not holders_found and _in_transfers(view, e.id):
            _add(proxy, "holder", f"{e.id}-holder")
        yield proxy

    for wallet_id, name in _placeholders(view, legal):
        yield _placeholder(wallet_id, name)

    @functools.lru_cache(maxsize=4096)
    def party(wallet_id: str) -> tuple[str, ...]:
        return tuple(_holders(view, wallet_id, legal) or [f"{wallet_id}-holder"])

    for x in view.iter_edges():
        c = x.claim
        if c.type == "MENTIONED_IN" and c.object in view.sources:
            doc = _interval(c, "Documentation", view)
            _add(doc, "document", c.object)
            _add(doc, "entity", c.subject)
            _add(doc, "role", "mentioned in")
            yield doc
            continue
        if c.type == "TRANSFERRED":
            pay = _interval(c, "Payment", view)
            _add(pay, "payer", list(party(c.subject)))
            _add(pay, "beneficiary", list(party(c.object)))
            p = c.properties
            _add(pay, "amount", p.get("amount"))
            _add(pay, "currency", p.get("asset"))
            _add(pay, "transactionNumber", p.get("tx_hash"))
            _add(pay, "sequenceNumber", p.get("log_index"))
            _add(pay, "date", _utc_seconds(p.get("timestamp")))
            _add(pay, "purpose", f"crypto transfer {x.subject_name} -> {x.object_name}")
            yield pay
            continue
        spec = INTERVALS.get(c.type)
        subject_schema, object_schema = _schema_of_label(x.subject_label), _schema_of_label(x.object_label)
        if spec and _fits(spec[0], spec[1], subject_schema) and _fits(spec[0], spec[2], object_schema):
            link = _interval(c, spec[0], view)
            _add(link, spec[1], c.subject)
            _add(link, spec[2], c.object)
            for k, v in spec[3].items():
                _add(link, k, v)
            _add(link, "role", c.type.replace("_", " ").lower())
        else:
            link = _interval(c, "UnknownLink", view)
            _add(link, "subject", c.subject)
            _add(link, "object", c.object)
            _add(link, "role", c.type.replace("_", " ").lower())
        yield link


def _line(proxy: ValueEntity) -> bytes:
    data = proxy.to_dict()
    data.update(datasets=sorted(proxy.datasets))
    if proxy.first_seen:
        data["first_seen"] = proxy.first_seen
    if proxy.last_seen:
        data["last_seen"] = proxy.last_seen
    return (json.dumps({"id": data.pop("id"), **data}, ensure_ascii=False) + "\n").encode("utf-8")


def write(view: SpooledView, sink: Sink) -> None:
    with sink.open(FILENAME) as fh:
        for proxy in entities(view):
            fh.write(_line(proxy))
