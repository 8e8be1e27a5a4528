"""Batch screening through the store contract: each row's identifiers and names against the graph.

For a batch of rows (:mod:`.inputs`):

1. **Identifiers first.** A wallet is looked up by its id (chain + canonical address: the primary key) and,
   like every other identifier, through the store's blocking index (``GraphStore.match_candidates``); a
   candidate is a hit only when one of its identifiers equals the row's - as written (``exact identifier``)
   or in canonical form (``normalised identifier``: case for EIP-55, E.164 for phones).
2. **Names.** Each name and its transliteration go through the same blocking index; every candidate of a
   screenable type is scored (:func:`.names.score_name`) and kept at or above the caller's threshold.
3. **Context** for every entity hit, read once per entity: the events it is ``INVOLVED_IN`` - a sanction
   is an Event whose kind starts with "sanction", and a hit is *listed* when it has one, directly or - for a
   wallet or account - through whoever holds, controls or uses it; and its distance in hops to the nearest
   compound or armed group along the actors' network, with the best weakest-link grade among the shortest
   such paths.

What the caller may see is a :class:`Policy`: the API builds one from the caller's key with the partner
redaction functions, so a partner screens only against what a partner may read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..errors import InvalidInput, NotFound
from ..grades import Grade
from ..ids import normalize
from ..ingest.fields import wallet_id
from ..models import Entity
from ..ontology import ontology
from ..store import ClaimFilter, GraphStore
from ..store.base import EntityDetail, SearchHit
from ..store.filters import is_proposal
from ..store.match_keys import NAME_LABELS
from .inputs import Batch, Ident, ScreenRow
from .names import forms, score_name

__all__ = [
    "Options",
    "Policy",
    "EventLink",
    "Distance",
    "Hit",
    "RowResult",
    "Screening",
    "screen",
    "NAMED_LABELS",
    "IDENTIFIED_LABELS",
    "TARGET_LABELS",
    "HOW_ORDER",
]

# Which entities a name may hit (wallets and accounts are named by their address or handle: identifiers only)
NAMED_LABELS = NAME_LABELS
IDENTIFIED_LABELS = frozenset(
    {"Person", "Organization", "ArmedGroup", "Compound", "Platform", "Account", "Wallet", "JobAd"}
)
TARGET_LABELS = ("Compound", "ArmedGroup")
# The actors' network that distances are measured on: not through sources, events, places or platforms (one
# sanction notice, one city or one social network would put everyone two hops from everyone), nor through
# merge candidates, nor along transfers between wallets (a wallet is placed by who holds it; where its money
# went is a trace's question, and the traces flag listed wallets themselves).
_WALK_EXCLUDED_TYPES = {"Event", "Location", "Platform"}
_WALK_EXCLUDED_RELS = {"MENTIONED_IN", "SAME_AS", "INVOLVED_IN", "LOCATED_IN", "ON_PLATFORM", "TRANSFERRED"}
_HOLDER_RELS = ["HOLDS", "CONTROLS", "USES"]
HOW_ORDER = {"exact identifier": 0, "normalised identifier": 1, "name": 2}
_CHUNK = 500
_CANDIDATES = 50
_MAX_WALK = 5_000  # nodes reached before a distance search gives up


@dataclass(frozen=True)
class Options:
    """How to screen: the name threshold (0-1), hits per row, hops searched for a compound or armed group,
    and the claim filter's grade and date."""

    threshold: float = 0.85
    limit: int = 5
    max_hops: int = 3
    min_grade: str | None = None
    as_of: str | None = None

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise InvalidInput(f"threshold must be above 0 and at most 1, got {self.threshold}", where="threshold")
        if not 1 <= self.limit <= 100:
            raise InvalidInput(f"limit must be between 1 and 100, got {self.limit}", where="limit")
        if not 0 <= self.max_hops <= 6:
            raise InvalidInput(f"max_hops must be between 0 and 6, got {self.max_hops}", where="max_hops")


FilterMaker = Callable[[Sequence[str] | None, Sequence[str] | None, str | None, str | None], ClaimFilter]


def _plain_filter(
    rel_types: Sequence[str] | None, entity_types: Sequence[str] | None, min_grade: str | None, as_of: str | None
) -> ClaimFilter:
    return ClaimFilter.make(rel_types, entity_types, min_grade, as_of)


@dataclass(frozen=True)
class Policy:
    """What the caller may see. ``claim_filter(rel_types, entity_types, min_grade, as_of)`` makes every filter
    the screening reads with; ``visible_hits`` drops hits the caller may not see; ``redact_detail``, when set,
    is applied to each hit entity's detail (a ``NotFound`` from it drops the hit) and only the sanction
    claims it keeps are reported."""

    claim_filter: FilterMaker = _plain_filter
    visible_hits: Callable[[list[SearchHit]], list[SearchHit]] | None = None
    redact_detail: Callable[[EntityDetail], EntityDetail] | None = None


@dataclass(frozen=True)
class EventLink:
    """An event the entity is ``INVOLVED_IN`` (directly, or ``via`` its holder or user)."""

    event: str
    name: str
    kind: str
    date: str | None
    authority: str | None
    grade: str
    via: str | None = None  # the holder or user through whom a wallet or account is listed

    @property
    def is_sanction(self) -> bool:
        return self.kind.strip().lower().startswith("sanction")


@dataclass(frozen=True)
class Distance:
    hops: int
    target: str
    target_name: str
    target_label: str
    grade: str | None  # best weakest-link grade among the shortest paths (None at 0 hops)


@dataclass
class Hit:
    entity: str
    label: str
    name: str
    how: str  # exact identifier | normalised identifier | name
    query: str  # the row's value that matched
    matched: str  # the entity's name, alias or identifier that matched
    score: float
    features: dict[str, float]
    events: list[EventLink] = field(default_factory=list)
    distance: Distance | None = None

    @property
    def sanctions(self) -> list[EventLink]:
        return [e for e in self.events if e.is_sanction]

    @property
    def listed(self) -> bool:
        return bool(self.sanctions)


@dataclass
class RowResult:
    row: ScreenRow
    hits: list[Hit]

    @property
    def listed(self) -> bool:
        return any(h.listed for h in self.hits)


@dataclass
class Screening:
    rows: list[RowResult]
    unknown_columns: list[str]
    options: Options

    def summary(self) -> dict[str, int]:
        return {
            "rows": len(self.rows),
            "rows_with_hits": sum(1 for r in self.rows if r.hits),
            "rows_listed": sum(1 for r in self.rows if r.listed),
            "rows_with_errors": sum(1 for r in self.rows if r.row.errors),
            "hits": sum(len(r.hits) for r in self.rows),
        }


class _Screener:
    def __init__(self, store: GraphStore, options: Options, policy: Policy) -> None:
        self.store, self.options, self.policy = store, options, policy
        ont = ontology()
        walk_types = [t for t in ont.labels if t not in _WALK_EXCLUDED_TYPES]
        walk_rels = [r for r in ont.relationships if r not in _WALK_EXCLUDED_RELS]
        make = policy.claim_filter
        self.walk_filter = make(walk_rels, walk_types, options.min_grade, options.as_of)
        self.event_filter = make(["INVOLVED_IN"], ["Event"], options.min_grade, options.as_of)
        self.holders = make(_HOLDER_RELS, None, options.min_grade, options.as_of)
        self.detail_filter = make(None, None, options.min_grade, options.as_of)
        self._sanctions: dict[str, list[EventLink]] = {}
        self._distance: dict[str, Distance | None] = {}
        self._visible: dict[str, bool] = {}

    # -- matching --------------------------------------------------------------------------------
    def match_chunk(self, rows: list[ScreenRow]) -> list[list[Hit]]:
        wallet_ids = {wallet_id(i.chain, i.value) for row in rows for i in row.identifiers if i.kind == "wallet"}
        # a wallet is found by its id (chain + address: the primary key); only the others need the index
        entities = self.store.get_entities(sorted(wallet_ids)) if wallet_ids else {}
        # an identifier matches in normal form, of the value as read or in canonical form (E.164, EIP-55)
        ident_queries = list(
            dict.fromkeys(
                q
                for row in rows
                for i in row.identifiers
                if i.kind != "wallet" or wallet_id(i.chain, i.value) not in entities
                for q in (i.value, i.raw)
            )
        )
        name_queries = list(dict.fromkeys(q for row in rows for name in row.names for q in forms(name) if q))
        found = (
            dict(zip(ident_queries, self.store.match_candidates(ident_queries, _CANDIDATES, names=False), strict=True))
            if ident_queries
            else {}
        )
        named = (
            dict(zip(name_queries, self.store.match_candidates(name_queries, _CANDIDATES), strict=True))
            if name_queries
            else {}
        )
        more = sorted({i for ids in (*found.values(), *named.values()) for i in ids} - entities.keys())
        if more:
            entities.update(self.store.get_entities(more))
        # proposals awaiting review (or rejected) are not facts: no row is screened against them
        entities = {k: e for k, e in entities.items() if not is_proposal(e.properties)}
        out = []
        for row in rows:
            hits: dict[str, Hit] = {}
            for ident in row.identifiers:
                cands = [*found.get(ident.value, []), *found.get(ident.raw, [])]
                if ident.kind == "wallet":
                    cands.insert(0, wallet_id(ident.chain, ident.value))
                for eid in dict.fromkeys(cands):
                    e = entities.get(eid)
                    hit = _identifier_hit(ident, e) if e is not None else None
                    if hit and (eid not in hits or HOW_ORDER[hit.how] < HOW_ORDER[hits[eid].how]):
                        hits[eid] = hit
            for name in row.names:
                n, t = forms(name)
                for eid in dict.fromkeys([*named.get(n, []), *named.get(t, [])]):
                    e = entities.get(eid)
                    if e is None or e.label not in NAMED_LABELS or (eid in hits and hits[eid].how != "name"):
                        continue
                    score, matched, feats = score_name(name, e, row.country, row.birth_year, self.options.threshold)
                    if score >= self.options.threshold and (eid not in hits or score > hits[eid].score):
                        hits[eid] = Hit(e.id, e.label, e.name, "name", name, matched, score, feats)
            ranked = sorted(hits.values(), key=lambda h: (HOW_ORDER[h.how], -h.score, normalize(h.name), h.entity))
            out.append(ranked)
        return out

    # -- what the caller may see -------------------------------------------------------------------
    def visible(self, hits: list[Hit]) -> list[Hit]:
        unknown = [h for h in hits if h.entity not in self._visible]
        if unknown:
            as_hits = [SearchHit(h.entity, h.label, h.name, h.score, h.matched) for h in unknown]
            shown = {h.id for h in self.policy.visible_hits(as_hits)} if self.policy.visible_hits else None
            for h in unknown:
                self._visible[h.entity] = shown is None or h.entity in shown
        return [h for h in hits if self._visible[h.entity]]

    # -- context -----------------------------------------------------------------------------------
    def context(self, hits: list[Hit]) -> None:
        labels = {h.entity: h.label for h in hits}
        todo = [i for i in labels if i not in self._sanctions]
        if not todo:
            return
        allowed: dict[str, set[str]] | None = None
        if self.policy.redact_detail is not None:
            allowed = {}
            for eid in todo:
                try:
                    d = self.policy.redact_detail(self.store.entity(eid, self.detail_filter))
                except NotFound:
                    self._visible[eid] = False
                    continue
                allowed[eid] = {c.id for c in d.claims}
            todo = [i for i in todo if i in allowed]
        direct = self._events_of(todo, allowed)
        # wallets and accounts are listed through whoever holds, controls or uses them
        held = [i for i in todo if labels[i] in ("Wallet", "Account")]
        holder_claims = (
            [c for c in self.store.claims_of(held, self.holders) if c.object in held and c.subject not in held]
            if held
            else []
        )
        holders = sorted({c.subject for c in holder_claims})
        through = self._events_of(holders, None)
        for eid in todo:
            listed = list(direct.get(eid, []))
            for c in holder_claims:
                if c.object == eid and (allowed is None or c.id in allowed.get(eid, set())):
                    listed += [
                        EventLink(
                            s.event,
                            s.name,
                            s.kind,
                            s.date,
                            s.authority,
                            str(Grade.parse(s.grade).weakest(Grade.parse(c.grade))),
                            c.subject,
                        )
                        for s in through.get(c.subject, [])
                        if s.is_sanction
                    ]
            best: dict[tuple[str, str | None], EventLink] = {}
            for s in listed:
                k = (s.event, s.via)
                if k not in best or Grade.parse(s.grade).sort_key() < Grade.parse(best[k].grade).sort_key():
                    best[k] = s
            self._sanctions[eid] = sorted(best.values(), key=lambda s: (s.date or "", s.event, s.via or ""))

    def _events_of(self, ids: list[str], allowed: dict[str, set[str]] | None) -> dict[str, list[EventLink]]:
        if not ids:
            return {}
        claims = [
            c for c in self.store.claims_of(ids, self.event_filter) if c.type == "INVOLVED_IN" and c.subject in ids
        ]
        if allowed is not None:
            claims = [c for c in claims if c.id in allowed.get(c.subject, set())]
        events = self.store.get_entities(sorted({c.object for c in claims}))
        out: dict[str, list[EventLink]] = {}
        for c in claims:
            ev = events.get(c.object)
            if ev is None:
                continue
            p = ev.properties
            out.setdefault(c.subject, []).append(
                EventLink(
                    ev.id, ev.name, str(p.get("kind", "")), _text(p.get("date")), _text(p.get("authority")), c.grade
                )
            )
        return out

    def events(self, eid: str) -> list[EventLink]:
        return self._sanctions.get(eid, [])

    def distance(self, eid: str) -> Distance | None:
        return self._distance.get(eid)

    def walk(self, hits: list[Hit]) -> None:
        """Distances of every hit entity not walked yet, breadth-first from all of them at once: one claims
        query and one labels query per depth for the whole batch. Each start keeps its own best grades; at
        the first depth where a start reaches a target, the best grade among those targets is its answer."""
        starts: dict[str, dict[str, Grade | None]] = {}
        frontiers: dict[str, list[str]] = {}
        for h in hits:
            if h.entity in self._distance or h.entity in starts:
                continue
            if h.label in TARGET_LABELS:
                self._distance[h.entity] = Distance(0, h.entity, h.name, h.label, None)
                continue
            self._distance[h.entity] = None
            starts[h.entity] = {h.entity: None}
            frontiers[h.entity] = [h.entity]
        for depth in range(1, self.options.max_hops + 1):
            if not frontiers:
                return
            union = sorted({n for f in frontiers.values() for n in f})
            adjacent: dict[str, list[tuple[str, Grade]]] = {}
            for c in self.store.claims_of(union, self.walk_filter):
                g = Grade.parse(c.grade)
                adjacent.setdefault(c.subject, []).append((c.object, g))
                adjacent.setdefault(c.object, []).append((c.subject, g))
            reached_by: dict[str, dict[str, Grade]] = {}
            for start, frontier in frontiers.items():
                best = starts[start]
                reached: dict[str, Grade] = {}
                for here in frontier:
                    prior = best[here]
                    for there, g in adjacent.get(here, ()):
                        if there in best:
                            continue
                        g2 = g if prior is None else prior.weakest(g)
                        if there not in reached or g2.sort_key() < reached[there].sort_key():
                            reached[there] = g2
                if reached:
                    reached_by[start] = reached
            labels = self.store.node_labels(sorted({n for r in reached_by.values() for n in r}))
            frontiers = {}
            for start, reached in reached_by.items():
                targets = [labels[n] for n in reached if n in labels and labels[n].label in TARGET_LABELS]
                if targets:
                    t = min(targets, key=lambda n: (reached[n.id].sort_key(), normalize(n.name), n.id))
                    self._distance[start] = Distance(depth, t.id, t.name, t.label, str(reached[t.id]))
                    continue
                starts[start].update(reached)
                if len(starts[start]) <= _MAX_WALK:
                    frontiers[start] = sorted(reached)


def _text(v: object) -> str | None:
    return None if v is None else str(v)


def _identifier_hit(ident: Ident, e: Entity) -> Hit | None:
    if e.label not in IDENTIFIED_LABELS:
        return None
    values = list(e.identifiers)
    if e.label == "Wallet" and isinstance(e.properties.get("address"), str):
        values.append(str(e.properties["address"]))
    want = {normalize(ident.value), normalize(ident.raw)}
    for v in values:
        if v == ident.raw.strip():
            return Hit(e.id, e.label, e.name, "exact identifier", ident.raw, v, 1.0, {"identifier_exact": 1.0})
    for v in values:
        if v == ident.value or normalize(v) in want:
            if (
                e.label == "Wallet"
                and ident.kind == "wallet"
                and ident.chain
                and e.properties.get("chain") not in (None, ident.chain)
            ):
                continue  # the same string on another chain is another wallet
            return Hit(
                e.id, e.label, e.name, "normalised identifier", ident.raw, v, 1.0, {"identifier_normalised": 1.0}
            )
    return None


def screen(
    store: GraphStore,
    batch: Batch,
    options: Options | None = None,
    policy: Policy | None = None,
    progress: Callable[[int], None] | None = None,
) -> Screening:
    """Screen every row of ``batch``; rows come back in input order, each with its hits (identifiers first)."""
    options = options or Options()
    s = _Screener(store, options, policy or Policy())
    results: list[RowResult] = []
    with store.reading():
        for start in range(0, len(batch.rows), _CHUNK):
            rows = batch.rows[start : start + _CHUNK]
            matched = s.match_chunk(rows)
            matched = [s.visible(h) for h in matched]
            s.context([h for hits in matched for h in hits])
            kept_rows = [s.visible(hits)[: options.limit] for hits in matched]
            s.walk([h for hits in kept_rows for h in hits])
            for row, kept in zip(rows, kept_rows, strict=True):
                for h in kept:
                    h.events = s.events(h.entity)
                    h.distance = s.distance(h.entity)
                results.append(RowResult(row, kept))
            if progress:
                progress(len(results))
    return Screening(results, batch.unknown_columns, options)
