"""Who may do what with a saved investigation, and what a partner sees of one.

Access (the one place it is decided):

- the **owner** (the key that created it) may open, save, share and delete it;
- a **share** gives ``read`` or ``edit`` to one key (``key:<id>``) or to every key of a role or above
  (``role:<role>``); edit lets a key save new versions, never share or delete;
- a **partner** key is only ever a reader, whatever the share says;
- anyone else gets 404, exactly as for an id that does not exist (a private investigation is not revealed).

A partner opening a shared investigation gets it redacted by the partner read rule of
:mod:`compoundgraph.api.redaction` (called, not restated): entities and sources partners cannot read leave the
chart with their notes, claim notes stay only on claims between visible entities that pass the partner
filter, saved traces are dropped (tracing needs the investigator role), and the share list is not shown.
"""

from __future__ import annotations

from typing import Literal

from ..errors import Forbidden, NotFound
from ..investigations.model import Chart, Investigation, Summary
from ..store import GraphStore
from ..store.investigations import InvestigationStore
from .redaction import attested, check_visible, claim_filter
from .security import Principal, role_rank

__all__ = ["Access", "access_of", "require", "redact_chart"]

Access = Literal["owner", "edit", "read"]
_RANK = {"read": 0, "edit": 1, "owner": 2}


def access_of(s: Summary, principal: Principal) -> Access | None:
    """The caller's access to ``s``: owner, edit, read, or None (not theirs and not shared with them)."""
    if s.owner == principal.key_id:
        return "owner"
    best: Access | None = None
    for share in s.shares:
        kind, who = share.to.split(":", 1)
        by_role = kind == "role" and role_rank(principal.role) >= role_rank(who)
        if by_role or (kind == "key" and who == principal.key_id):
            level: Access = "read" if principal.is_partner else share.access
            if best is None or _RANK[level] > _RANK[best]:
                best = level
    return best


def require(store: InvestigationStore, inv_id: str, principal: Principal, needed: Access) -> tuple[Summary, Access]:
    """The summary when the caller has at least ``needed``; 404 when they have no access at all (as for an
    unknown id), 403 when they can see it but not do this."""
    s = store.summary(inv_id)
    have = access_of(s, principal)
    if have is None:
        raise NotFound(f"no investigation with id {inv_id[:80]!r}")
    if _RANK[have] < _RANK[needed]:
        what = {"edit": "saving it", "owner": "sharing or deleting it"}[needed]
        raise Forbidden(
            f"this investigation is shared with you for {have}; {what} needs "
            + ("its owner" if needed == "owner" else "edit access")
        )
    return s, have


def redact_chart(principal: Principal, store: GraphStore, chart: Chart) -> Chart:
    """What a partner may see of ``chart`` (anyone else gets it unchanged)."""
    if not principal.is_partner:
        return chart
    flt = claim_filter(principal, store)
    ids = chart.entity_ids()
    entities = store.get_entities(ids)
    keep = attested(store, flt, entities)
    for sid in store.get_sources([i for i in ids if i not in entities]):
        try:
            check_visible(principal, store, flt, [sid])
        except NotFound:
            continue
        keep.add(sid)
    claims = {c.id for c in store.claims_between(sorted(keep), flt)} if keep else set()
    notes = chart.notes.model_copy(
        update={
            "entities": {k: v for k, v in chart.notes.entities.items() if k in keep},
            "claims": {k: v for k, v in chart.notes.claims.items() if k in claims},
        }
    )
    saved_claims = None if chart.claims is None else [c for c in chart.claims if c in claims]
    return chart.model_copy(
        update={
            "entities": [e for e in chart.entities if e.id in keep],
            "claims": saved_claims,
            "notes": notes,
            "traces": [],
        }
    )


def partner_view(inv: Investigation, chart: Chart) -> dict[str, object]:
    """The metadata a partner sees beside a redacted chart: counts of what is shown, no share list."""
    return {
        **inv.summary().model_dump(),
        "shares": [],
        "entities": len(chart.entities),
        "size": len(chart.model_dump_json().encode()),
    }
