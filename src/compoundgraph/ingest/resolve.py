"""Identity resolution: exact identifier matches merge automatically; fuzzy name matches become SAME_AS
candidates an editor accepts or rejects; an accepted merge keeps the merged ids as ``referents`` on the
surviving entity and can be undone.

Candidates. For each entity (all, or those an ingest touched), the store's own search is the blocking
step: its name, aliases, identifiers and an ASCII transliteration (``normality``: 陈伟明 -> "chen wei
ming") are searched, and every same-type hit is scored with ``rapidfuzz`` (best token-sort ratio over all
name / alias pairs, original and transliterated). A shared identifier (registration number, phone, handle,
address) is an exact match. A SAME_AS claim ``{"score", "status": "pending", "method"}`` is written for
each fuzzy pair at or above the threshold, made by the resolver's own source.

Merging through the store contract. The contract only grows entities (lists unite on upsert) and only
removes things a source at a time (``retract_source``). So a merge *re-writes the affected sources*:
it snapshots every claim and entity of each source that touches the merged entity, retracts those
sources, and loads them back with the merged entity's claims moved to the survivor (and the survivor
carrying the merged id in ``referents``). Undo does the same around the survivor and puts back exactly
what the decision log recorded. This is correct on both stores but costs a re-write of every source
involved; ``GraphStore.delete_claims`` / ``delete_entities`` / ``replace_entities`` would make it cheap,
and :func:`_Mutator` uses them when a store offers them.

Decisions (accept, reject, undo, auto-merge) are appended to a JSON-lines log (one object per decision,
with what undo needs) until the project's audit log takes them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from normality import ascii_text
from rapidfuzz import fuzz

from ..errors import Conflict, InvalidInput, NotFound
from ..ids import normalize
from ..models import Claim, Entity, Source
from ..ontology import ontology
from ..store.base import ClaimFilter, GraphStore

__all__ = [
    "Candidate",
    "RESOLVER_SOURCE",
    "find_candidates",
    "scan",
    "pending",
    "accept",
    "reject",
    "undo",
    "DecisionLog",
    "MergedIds",
    "score_names",
]

_ALL = ClaimFilter(proposals=True)  # a merge moves every claim, proposals awaiting review included

RESOLVER_SOURCE = Source(
    id="src-compoundgraph-resolver",
    title="compoundgraph identity resolution",
    publisher="compoundgraph",
    kind="resolver",
    reliability="F",
    handling="H1",
    description="Merge candidates proposed by name similarity; each needs an editor's decision.",
)
THRESHOLD = 88.0
# Accounts are one handle, phone or e-mail: similar handles are different accounts, so only a shared
# identifier makes two accounts one.
_IDENTIFIED_ONLY = {"Account", "Wallet"}
_SAME_AS_LABELS = {s for s, _ in ontology().relationships["SAME_AS"].pairs}


@dataclass(frozen=True)
class Candidate:
    a: str
    b: str
    label: str
    score: float
    method: str  # identifier | name
    matched: str


class DecisionLog:
    """Append-only JSON lines of resolution decisions (kept beside the store)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, entry: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        entry = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **entry}
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def last_accept(self, claim_id: str) -> dict[str, Any] | None:
        """The merge a SAME_AS claim led to, if it is still in force (not undone since)."""
        found = None
        for e in self.entries():
            if e.get("candidate") == claim_id and e["action"] in ("accept", "auto"):
                found = e
            elif e.get("candidate") == claim_id and e["action"] == "undo":
                found = None
        return found


def _forms(e: Entity) -> list[str]:
    out = []
    for n in (e.name, *e.aliases):
        for form in (normalize(n), normalize(ascii_text(n) or "")):
            if form and form not in out:
                out.append(form)
    return out


def score_names(a: Entity, b: Entity) -> tuple[float, str]:
    """Best token-sort similarity over names and aliases (and their transliterations), 0-100."""
    best, matched = 0.0, ""
    for x in _forms(a):
        for y in _forms(b):
            if re.findall(r"\d+", x) != re.findall(r"\d+", y):
                continue  # "Unit 7" and "Unit 9", "recruit01" and "recruit02": numbers tell things apart
            s = float(
                max(fuzz.ratio(x, y), fuzz.token_sort_ratio(x, y), fuzz.ratio(x.replace(" ", ""), y.replace(" ", "")))
            )
            if s > best:
                best, matched = s, f"{x} ~ {y}"
    return round(best, 1), matched


def _shared_identifier(a: Entity, b: Entity) -> str | None:
    ia = {normalize(i) for i in a.identifiers if normalize(i)}
    common = sorted(ia & {normalize(i) for i in b.identifiers})
    return common[0] if common else None


def find_candidates(
    store: GraphStore, ids: Iterable[str] | None = None, threshold: float = THRESHOLD
) -> list[Candidate]:
    """Pairs of same-type entities that may be one: by shared identifier, or by name similarity."""
    entities = store.get_entities(sorted(set(ids))) if ids is not None else {e.id: e for e in store.iter_entities()}
    decided = {tuple(sorted((c.subject, c.object))) for c in store.iter_claims(ClaimFilter.make(rel_types=["SAME_AS"]))}
    out: dict[tuple[str, str], Candidate] = {}
    for e in entities.values():
        if e.label not in _SAME_AS_LABELS or e.label == "Wallet" or e.properties.get("merged_into"):
            continue  # a wallet's id is its chain + address: two ids are two wallets
        queries = {e.name, *e.aliases, *e.identifiers, *(ascii_text(n) or "" for n in (e.name, *e.aliases))}
        hit_ids: set[str] = set()
        for q in queries:
            if q.strip() and normalize(q) and len(q) <= 500:
                hit_ids |= {h.id for h in store.search(q, 20) if h.label == e.label and h.id != e.id}
        if not hit_ids:
            continue
        for other in store.get_entities(sorted(hit_ids)).values():
            pair = (min(e.id, other.id), max(e.id, other.id))
            if pair in out or pair in decided:
                continue
            ident = _shared_identifier(e, other)
            if ident:
                out[pair] = Candidate(*pair, e.label, 100.0, "identifier", ident)
                continue
            if e.label in _IDENTIFIED_ONLY:
                continue
            score, matched = score_names(e, other)
            if score >= threshold:
                out[pair] = Candidate(*pair, e.label, score, "name", matched)
    return sorted(out.values(), key=lambda c: (-c.score, c.a, c.b))


def same_as_claim(c: Candidate, status: str = "pending") -> Claim:
    grade = "F2" if c.score >= 95 else "F3"
    return Claim(
        type="SAME_AS",
        subject=c.a,
        object=c.b,
        source=RESOLVER_SOURCE.id,
        grade=grade,
        quote=c.matched[:500],
        properties={"score": c.score, "status": status, "method": c.method},
    )


def scan(
    store: GraphStore,
    log: DecisionLog,
    ids: Iterable[str] | None = None,
    threshold: float = THRESHOLD,
    auto: bool = True,
) -> dict[str, int]:
    """Propose SAME_AS candidates; merge exact identifier matches at once when ``auto``."""
    cands = find_candidates(store, ids, threshold)
    store.upsert([RESOLVER_SOURCE])
    fuzzy = [c for c in cands if c.method == "name" or not auto]
    store.upsert(same_as_claim(c) for c in fuzzy)
    merged = 0
    for c in cands:
        if auto and c.method == "identifier":
            claim = same_as_claim(c)
            store.upsert([claim])
            survivor, gone = _pick_survivor(store, c.a, c.b)
            _merge(store, log, claim, survivor, gone, action="auto", editor="resolver")
            merged += 1
    return {"candidates": len(fuzzy), "merged": merged}


def _pick_survivor(store: GraphStore, a: str, b: str) -> tuple[str, str]:
    deg = store.degrees([a, b], ClaimFilter())
    return (a, b) if (-deg.get(a, 0), a) <= (-deg.get(b, 0), b) else (b, a)


def pending(store: GraphStore, status: str = "pending") -> list[tuple[Claim, Entity | None, Entity | None]]:
    claims = [
        c
        for c in store.iter_claims(ClaimFilter.make(rel_types=["SAME_AS"]))
        if status == "all" or c.properties.get("status") == status
    ]
    ents = store.get_entities(sorted({i for c in claims for i in (c.subject, c.object)}))
    claims.sort(key=lambda c: (-float(str(c.properties.get("score") or 0)), c.id))
    return [(c, ents.get(c.subject), ents.get(c.object)) for c in claims]


def _same_as(store: GraphStore, claim_id: str) -> Claim:
    for c in store.iter_claims(ClaimFilter.make(rel_types=["SAME_AS"])):
        if c.id == claim_id:
            return c
    raise NotFound(f"no SAME_AS candidate {claim_id!r} (see `compoundgraph resolve list`)")


def _with_status(c: Claim, status: str) -> Claim:
    return Claim.model_validate({**c.model_dump(), "properties": {**c.properties, "status": status}})


def reject(store: GraphStore, log: DecisionLog, claim_id: str, editor: str = "") -> Claim:
    c = _same_as(store, claim_id)
    if c.properties.get("status") != "pending":
        raise Conflict(f"candidate {claim_id} is {c.properties.get('status')}, not pending")
    done = _with_status(c, "rejected")
    store.upsert([done])
    log.append({"action": "reject", "candidate": claim_id, "a": c.subject, "b": c.object, "editor": editor})
    return done


def accept(store: GraphStore, log: DecisionLog, claim_id: str, survivor: str | None = None, editor: str = "") -> Entity:
    """Merge the candidate's two entities into one (``survivor``, default the better connected)."""
    c = _same_as(store, claim_id)
    if c.properties.get("status") != "pending":
        raise Conflict(f"candidate {claim_id} is {c.properties.get('status')}, not pending")
    if survivor is not None and survivor not in (c.subject, c.object):
        raise InvalidInput(f"the survivor must be {c.subject} or {c.object}")
    keep, gone = (
        (survivor, c.object if survivor == c.subject else c.subject)
        if survivor
        else _pick_survivor(store, c.subject, c.object)
    )
    return _merge(store, log, c, keep, gone, action="accept", editor=editor)


class _Mutator:
    """Removal through the contract: re-write whole sources without what must go."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def rewrite(
        self,
        source_ids: set[str],
        drop_claims: set[str],
        drop_entities: set[str],
        replace: dict[str, Entity],
        add_claims: list[Claim],
    ) -> None:
        store = self.store
        srcs = store.get_sources(sorted(source_ids))
        claims = [c for c in store.iter_claims(_ALL) if c.source in srcs or c.object in srcs]
        touched = {i for c in claims for i in (c.subject, c.object)} | set(replace)
        ents = [e for e in store.iter_entities(proposals=True) if e.id in touched or set(e.sources) & set(srcs)]
        # the resolver's own SAME_AS source and others go too; all come back below
        for sid in sorted(srcs):
            store.retract_source(sid)
        with store.writer() as w:
            w.add_all(srcs.values())
            w.flush()
            for e in ents:
                if e.id not in drop_entities:
                    w.add(replace.get(e.id, e))
            present = {e.id for e in ents}
            for e in replace.values():
                if e.id not in present:
                    w.add(e)
            w.flush()
            w.add_all(c for c in claims if c.id not in drop_claims)
            w.add_all(add_claims)


def _merge(
    store: GraphStore, log: DecisionLog, same_as: Claim, keep: str, gone: str, action: str, editor: str
) -> Entity:
    ents = store.get_entities([keep, gone])
    if keep not in ents or gone not in ents:
        raise NotFound(f"entity {keep if keep not in ents else gone} is no longer in the store")
    k, g = ents[keep], ents[gone]
    touching = [c for c in store.claims_of([gone], _ALL) if c.id != same_as.id]
    survivor = Entity.model_validate(
        {
            **k.model_dump(),
            "aliases": sorted({*k.aliases, g.name, *g.aliases} - {k.name}),
            "identifiers": sorted({*k.identifiers, *g.identifiers}),
            "properties": {**{p: v for p, v in g.properties.items()}, **k.properties},
            "sources": sorted({*k.sources, *g.sources}),
            "referents": sorted({*k.referents, gone, *g.referents}),
        }
    )
    existing = {c.id for c in store.claims_of([keep], _ALL)}
    moved: list[Claim] = []
    for c in touching:
        subj = keep if c.subject == gone else c.subject
        obj = keep if c.object == gone else c.object
        if subj == obj:
            continue  # a claim between the two becomes a loop: it lives on in the log for undo
        data = {
            **c.model_dump(),
            "id": "",
            "subject": subj,
            "object": obj,
            "properties": {**c.properties, "referent": gone},
        }
        moved.append(Claim.model_validate(data))
    accepted = _with_status(same_as, "accepted")
    # the accepted SAME_AS now joins the survivor to itself: keep it only in the log
    sources = set(g.sources) | {c.source for c in touching} | {same_as.source}
    _Mutator(store).rewrite(sources, {c.id for c in touching} | {same_as.id}, {gone}, {keep: survivor}, moved)
    log.append(
        {
            "action": action,
            "candidate": same_as.id,
            "survivor": keep,
            "merged": gone,
            "editor": editor,
            "score": same_as.properties.get("score"),
            "before": {
                "survivor": k.model_dump(mode="json"),
                "merged": g.model_dump(mode="json"),
                "claims": [c.model_dump(mode="json") for c in touching],
                "same_as": accepted.model_dump(mode="json"),
            },
            "created": sorted(c.id for c in moved if c.id not in existing),
        }
    )
    return survivor


def undo(store: GraphStore, log: DecisionLog, claim_id: str, editor: str = "") -> tuple[Entity, Entity]:
    """Put a merge back: the survivor as it was, the merged entity and its claims; SAME_AS pending again."""
    entry = log.last_accept(claim_id)
    if entry is None:
        for c, a, b in pending(store, "rejected"):
            if c.id == claim_id and a is not None and b is not None:
                store.upsert([_with_status(c, "pending")])
                log.append({"action": "undo", "candidate": claim_id, "editor": editor, "was": "rejected"})
                return a, b
        raise NotFound(f"no accepted or rejected decision on {claim_id!r} to undo")
    before = entry["before"]
    keep_before = Entity.model_validate(before["survivor"])
    gone = Entity.model_validate(before["merged"])
    claims = [Claim.model_validate(c) for c in before["claims"]]
    same_as = _with_status(Claim.model_validate(before["same_as"]), "pending")
    now = store.get_entities([keep_before.id])
    if keep_before.id not in now:
        raise Conflict(f"the survivor {keep_before.id} is no longer in the store; cannot undo")
    current = now[keep_before.id]
    around = store.claims_of([current.id], _ALL)
    # every source around the survivor is re-written, so it disappears and comes back exactly as before
    sources = set(current.sources) | {c.source for c in around}
    _Mutator(store).rewrite(
        sources, set(entry["created"]), set(), {current.id: keep_before, gone.id: gone}, [*claims, same_as]
    )
    log.append(
        {"action": "undo", "candidate": claim_id, "survivor": keep_before.id, "merged": gone.id, "editor": editor}
    )
    return keep_before, gone


class MergedIds:
    """Ids merged away by decisions still in force, and where they went, so that re-ingesting a file that
    still names them updates the survivor instead of bringing the merged entity back (a merge stays a merge).

    The decision log says which merges happened; the store confirms each (the survivor exists and lists the
    merged id in ``referents``). Chains (a survivor later merged itself) are followed to the end.
    """

    def __init__(self, store: GraphStore, log: DecisionLog) -> None:
        self.store = store
        moves: dict[str, str] = {}
        for e in log.entries():
            if e.get("action") in ("accept", "auto") and e.get("merged") and e.get("survivor"):
                moves[str(e["merged"])] = str(e["survivor"])
            elif e.get("action") == "undo" and e.get("merged"):
                moves.pop(str(e["merged"]), None)
        for gone in list(moves):
            seen, target = {gone}, moves[gone]
            while target in moves and target not in seen:
                seen.add(target)
                target = moves[target]
            moves[gone] = target
        survivors = store.get_entities(sorted(set(moves.values()))) if moves else {}
        self.to: dict[str, str] = {g: k for g, k in moves.items() if k in survivors and g in survivors[k].referents}
        self._survivors = survivors

    def __bool__(self) -> bool:
        return bool(self.to)

    def entity(self, e: Entity) -> Entity:
        """A merged-away entity's record as an update of its survivor (what the merge itself did)."""
        keep = self.to.get(e.id)
        if keep is None:
            return e
        k = self._survivors[keep]
        merged = Entity.model_validate(
            {
                **k.model_dump(),
                "aliases": sorted({*k.aliases, e.name, *e.aliases} - {k.name}),
                "identifiers": sorted({*k.identifiers, *e.identifiers}),
                "properties": {**e.properties, **k.properties},
                "sources": sorted({*k.sources, *e.sources}),
                "referents": sorted({*k.referents, e.id, *e.referents}),
            }
        )
        self._survivors[keep] = merged
        return merged

    def claim(self, c: Claim) -> Claim | None:
        """A claim naming a merged-away id, moved to the survivor as the merge moved it (None: a loop)."""
        subj, obj = self.to.get(c.subject, c.subject), self.to.get(c.object, c.object)
        if (subj, obj) == (c.subject, c.object):
            return c
        if subj == obj:
            return None
        gone = c.subject if subj != c.subject else c.object
        return Claim.model_validate(
            {
                **c.model_dump(),
                "id": "",
                "subject": subj,
                "object": obj,
                "properties": {**c.properties, "referent": gone},
            }
        )


def iter_log(log: DecisionLog) -> Iterator[dict[str, Any]]:
    yield from log.entries()
