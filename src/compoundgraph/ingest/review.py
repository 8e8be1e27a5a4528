"""Review of what the text loader proposes: new entities and the relationships sentences state.

A proposal is not a fact. A proposed entity carries ``properties.status = "pending"`` and is linked to its
report only by a MENTIONED_IN claim with ``role: candidate`` and handling ``H3`` (never exported, so never
shown to partners); a proposed relationship is a MENTIONED_IN claim on its subject with ``role:
candidate-relation``, ``proposed_type`` and ``proposed_object``, not an edge between the two entities, so
analytics, paths and flows never see it.

- ``accept`` an entity: its status becomes ``accepted`` and its mentions take the report's own handling.
- ``accept`` a relationship (both ends must be accepted or already known): the typed claim (PROTECTS,
  OPERATES ...) is written with the report as source, the report's grade and the sentence as quote.
- ``reject``: the status becomes ``rejected`` (kept, so the same report loaded again proposes nothing anew);
  rejecting an entity rejects the relationships proposed around it.
- ``edit`` a pending entity: a new name, type or aliases; when the id changes (name or type), the proposal
  and its mentions move to the new id.

Every decision is appended to a JSON-lines log beside the store (as the resolver's decisions are).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Conflict, InvalidInput, NotFound
from ..models import Claim, Entity
from ..ontology import ontology
from ..settings import Settings
from ..store.base import ClaimFilter, GraphStore
from .resolve import DecisionLog, _Mutator

__all__ = ["Candidate", "candidates", "accept", "reject", "edit", "decision_log", "STATUSES"]

STATUSES = ("pending", "accepted", "rejected")
_MENTIONS = ClaimFilter.make(rel_types=["MENTIONED_IN"], proposals=True)


@dataclass(frozen=True)
class Candidate:
    id: str  # the entity id, or the proposal claim's id
    kind: str  # entity | relation
    status: str
    label: str  # the entity's type, or the proposed relationship type
    name: str  # the entity's name, or "subject -> object"
    quote: str
    source: str
    rule: str


def decision_log(settings: Settings) -> DecisionLog:
    """Review decisions are logged beside the store, as merge decisions are (the CLI and the API alike)."""
    return DecisionLog(Path(settings.embedded_path).parent / "review-decisions.jsonl")


def _proposals(store: GraphStore) -> list[Claim]:
    return [c for c in store.iter_claims(_MENTIONS) if c.properties.get("role") in ("candidate", "candidate-relation")]


def candidates(store: GraphStore, status: str = "pending", source: str | None = None) -> list[Candidate]:
    """Proposed entities and relationships with the sentence each came from (``status``: or ``all``);
    with ``source``, only those one report proposed."""
    if status != "all" and status not in STATUSES:
        raise InvalidInput(f"status must be one of {', '.join((*STATUSES, 'all'))}")
    claims = [c for c in _proposals(store) if source is None or c.source == source]
    ids = {c.subject for c in claims} | {str(c.properties.get("proposed_object")) for c in claims}
    ents = store.get_entities(sorted(ids))
    out: list[Candidate] = []
    seen: set[str] = set()
    for c in sorted(claims, key=lambda c: (c.source, int(str(c.properties.get("sentence") or 0)), c.id)):
        if c.properties.get("role") == "candidate":
            e = ents.get(c.subject)
            if e is None or e.id in seen:
                continue
            seen.add(e.id)
            st = str(e.properties.get("status") or "accepted")
            if status in ("all", st):
                out.append(
                    Candidate(
                        e.id,
                        "entity",
                        st,
                        e.label,
                        e.name,
                        c.quote,
                        c.source,
                        str(e.properties.get("candidate_rule") or ""),
                    )
                )
        else:
            st = str(c.properties.get("status"))
            if status in ("all", st):
                s, o = ents.get(c.subject), ents.get(str(c.properties.get("proposed_object")))
                out.append(
                    Candidate(
                        c.id,
                        "relation",
                        st,
                        str(c.properties.get("proposed_type")),
                        f"{s.name if s else c.subject} -> {o.name if o else '?'}",
                        c.quote,
                        c.source,
                        str(c.properties.get("cue") or ""),
                    )
                )
    return out


def _find(store: GraphStore, cid: str) -> tuple[Entity | None, Claim | None, list[Claim]]:
    claims = _proposals(store)
    for c in claims:
        if c.id == cid and c.properties.get("role") == "candidate-relation":
            return None, c, claims
    ents = store.get_entities([cid])
    e = ents.get(cid)
    if e is not None and "candidate_rule" in e.properties:
        return e, None, claims
    raise NotFound(f"no proposed entity or relationship {cid!r} (see `compoundgraph review list`)")


def _with(c: Claim, **props: Any) -> Claim:
    data = c.model_dump()
    handling = props.pop("handling", None)
    if handling:
        data["handling"] = handling
    data["properties"] = {**c.properties, **props}
    return Claim.model_validate(data)


def _status(e: Entity | None) -> str:
    return str(e.properties.get("status") or "accepted") if e is not None else "missing"


def accept(store: GraphStore, log: DecisionLog, cid: str, editor: str = "") -> Entity | Claim:
    """Accept a proposed entity (it becomes a fact of the graph) or relationship (the typed claim is written)."""
    e, rel, claims = _find(store, cid)
    if e is not None:
        if _status(e) != "pending":
            raise Conflict(f"{e.name} ({e.id}) is {_status(e)}, not pending")
        sources = store.get_sources(sorted({c.source for c in claims if c.subject == e.id}))
        done = Entity.model_validate(
            {
                **e.model_dump(),
                "properties": {**e.properties, "status": "accepted"},
                "sources": sorted({*e.sources, *sources}),
            }
        )  # now its report attests it
        mentions = [
            _with(c, status="accepted", handling=sources[c.source].handling if c.source in sources else None)
            for c in claims
            if c.subject == e.id and c.properties.get("role") == "candidate"
        ]
        store.upsert([done, *mentions])
        log.append({"action": "accept", "candidate": e.id, "kind": "entity", "editor": editor})
        return done
    assert rel is not None
    if rel.properties.get("status") != "pending":
        raise Conflict(f"proposal {cid} is {rel.properties.get('status')}, not pending")
    obj = str(rel.properties["proposed_object"])
    ends = store.get_entities([rel.subject, obj])
    waiting = [ends[i].name if i in ends else i for i in (rel.subject, obj) if _status(ends.get(i)) != "accepted"]
    if waiting:
        raise Conflict(f"accept the proposed entities first: {', '.join(waiting)}")
    source = store.get_sources([rel.source])[rel.source]
    fact = Claim(
        type=ontology().rel(str(rel.properties["proposed_type"])),
        subject=rel.subject,
        object=obj,
        source=rel.source,
        grade=rel.grade,
        quote=rel.quote,
        handling=source.handling,
        properties={"proposal": rel.id, "cue": rel.properties.get("cue"), "reviewed_by": editor or None},
    )
    store.upsert([fact, _with(rel, status="accepted", handling=source.handling)])
    log.append({"action": "accept", "candidate": rel.id, "kind": "relation", "claim": fact.id, "editor": editor})
    return fact


def reject(store: GraphStore, log: DecisionLog, cid: str, editor: str = "") -> Entity | Claim:
    """Reject a proposal; rejecting an entity rejects the relationships proposed around it."""
    e, rel, claims = _find(store, cid)
    if e is not None:
        if _status(e) != "pending":
            raise Conflict(f"{e.name} ({e.id}) is {_status(e)}, not pending")
        done = Entity.model_validate({**e.model_dump(), "properties": {**e.properties, "status": "rejected"}})
        around = [
            _with(c, status="rejected")
            for c in claims
            if (c.subject == e.id or c.properties.get("proposed_object") == e.id)
            and c.properties.get("status") == "pending"
        ]
        store.upsert([done, *around])
        log.append(
            {
                "action": "reject",
                "candidate": e.id,
                "kind": "entity",
                "editor": editor,
                "relations": [c.id for c in around if c.properties.get("role") == "candidate-relation"],
            }
        )
        return done
    assert rel is not None
    if rel.properties.get("status") != "pending":
        raise Conflict(f"proposal {cid} is {rel.properties.get('status')}, not pending")
    done_rel = _with(rel, status="rejected")
    store.upsert([done_rel])
    log.append({"action": "reject", "candidate": rel.id, "kind": "relation", "editor": editor})
    return done_rel


def edit(
    store: GraphStore,
    log: DecisionLog,
    cid: str,
    name: str | None = None,
    label: str | None = None,
    aliases: list[str] | None = None,
    editor: str = "",
) -> Entity:
    """Correct a pending proposed entity: its name, type or aliases (it stays pending)."""
    e, _rel, claims = _find(store, cid)
    if e is None:
        raise InvalidInput("only a proposed entity can be edited; reject a relationship and accept the right one")
    if _status(e) != "pending":
        raise Conflict(f"{e.name} ({e.id}) is {_status(e)}; only a pending proposal can be edited")
    new_label = ontology().label(label) if label else e.label
    props = {
        k: v
        for k, v in e.properties.items()
        if k in ("status", "candidate_rule", "proposed_in", "roles") or new_label == e.label
    }
    data: dict[str, Any] = {
        "label": new_label,
        "name": name or e.name,
        "aliases": sorted({*e.aliases, *(aliases or ())} - {name or e.name}),
        "properties": props,
        "sources": e.sources,
    }
    fresh = Entity.model_validate(data)
    if fresh.id == e.id:
        store.upsert([Entity.model_validate({**data, "id": e.id})])
        log.append({"action": "edit", "candidate": e.id, "name": fresh.name, "editor": editor})
        return fresh
    if store.get_entities([fresh.id]):
        raise Conflict(
            f"{fresh.label} {fresh.name!r} is already in the graph ({fresh.id}); reject this "
            "proposal instead, or resolve the two as duplicates"
        )
    touching = [c for c in claims if c.subject == e.id or c.properties.get("proposed_object") == e.id]
    moved = []
    for c in touching:
        d = c.model_dump()
        d["id"] = ""
        if c.subject == e.id:
            d["subject"] = fresh.id
        if c.properties.get("proposed_object") == e.id:
            d["properties"] = {**c.properties, "proposed_object": fresh.id}
            d["key"] = f"rel:{c.properties.get('proposed_type')}:{fresh.id}:{str(c.key).rsplit(':', 1)[-1]}"
        d["properties"] = (
            {**d["properties"], "proposed_label": new_label}
            if c.subject == e.id and c.properties.get("role") == "candidate"
            else d["properties"]
        )
        moved.append(Claim.model_validate(d))
    _Mutator(store).rewrite(
        set(e.sources) | {c.source for c in touching}, {c.id for c in touching}, {e.id}, {fresh.id: fresh}, moved
    )
    log.append(
        {
            "action": "edit",
            "candidate": e.id,
            "new_id": fresh.id,
            "name": fresh.name,
            "label": new_label,
            "editor": editor,
        }
    )
    return fresh
