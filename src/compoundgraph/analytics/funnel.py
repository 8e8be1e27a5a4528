"""The recruitment funnel: job ad -> account -> recruiter -> transit places -> compound, for a compound, a
recruiter or a case.

One pass over the store contract (``claims_of``), so it answers the same on both stores:

- the cases: those held at or sold to the compound (``HELD_AT``, ``SOLD_TO``); those recruited via the
  recruiter (a person or organisation), the accounts it uses (``USES``) or the job ads those accounts posted
  (``POSTED``); or the one case asked for;
- per case, each stage with what the claims say and when: the job ads, accounts, platforms, persons and
  organisations it was recruited via (``RECRUITED_VIA``), the accounts that posted the ads (``POSTED``) and the
  platforms they ran on (``ON_PLATFORM``), the recruiters who use those accounts (``USES``) or recruit for the
  compound (``RECRUITS_FOR``), the places it passed through (``TRANSITED``, in route order: ``order``, then the
  date), and the compounds it was held at or sold to, with dates;
- and, over all cases, how many went through each ad, account, recruiter, place and compound - the funnel;
- and, without any case, the recruiters' own network: for a compound the persons and organisations that
  recruit for it (``RECRUITS_FOR``), or the recruiter asked for, with the accounts they use, the job ads those
  accounts posted, their platforms, the places the recruiters passed through and the compounds they recruit
  for (``network``: what a reader who may not see victim cases - a partner - still gets).

Victims stay pseudonymous: a case is its id and pseudonymous name only. The filter (grade, date, handling,
hidden sources) is the caller's, as for every query.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..errors import InvalidInput, NotFound
from ..models import Claim
from ..store.base import ClaimFilter, GraphStore
from ..store.filters import is_proposal

__all__ = ["funnel", "STAGES"]

STAGES = ("job_ads", "accounts", "platforms", "recruiters", "transit", "compounds")


def _with_types(flt: ClaimFilter, types: tuple[str, ...]) -> ClaimFilter:
    from dataclasses import replace

    return replace(flt, rel_types=tuple(sorted(types)))


def _step(c: Claim, other: str, names: dict[str, Any]) -> dict[str, Any]:
    e = names.get(other)
    return {
        "id": other,
        "name": e.name if e else other,
        "label": e.label if e else "",
        "claim": c.id,
        "grade": c.grade,
        "date": c.valid_from,
        "source": c.source,
    }


_RECRUITERS = ("Person", "Organization")


def funnel(
    store: GraphStore,
    compound: str | None = None,
    case: str | None = None,
    flt: ClaimFilter | None = None,
    recruiter: str | None = None,
) -> dict[str, Any]:
    """The funnel into ``compound`` (every case held at or sold to it), out of ``recruiter`` (every case
    recruited via it, its accounts or their ads), or the route of one ``case``."""
    given = [(k, v) for k, v in (("compound", compound), ("recruiter", recruiter), ("case", case)) if v is not None]
    if len(given) != 1:
        raise InvalidInput("give one of a compound, a recruiter or a case")
    kind, start = given[0]
    flt = flt or ClaimFilter()
    found = store.get_entities([start])
    labels = {"compound": ("Compound",), "recruiter": _RECRUITERS, "case": ("Case",)}[kind]
    if (
        start not in found
        or found[start].label not in labels
        or (not flt.proposals and is_proposal(found[start].properties))
    ):
        raise NotFound(f"no {kind} {start!r}")
    if recruiter:
        accounts = sorted(
            {c.object for c in store.claims_of([recruiter], _with_types(flt, ("USES",))) if c.subject == recruiter}
        )
        posted = store.claims_of(accounts, _with_types(flt, ("POSTED",))) if accounts else []
        ads = sorted({c.object for c in posted if c.subject in accounts})
        targets = {recruiter, *accounts, *ads}
        cases = sorted(
            {
                c.subject
                for c in store.claims_of(sorted(targets), _with_types(flt, ("RECRUITED_VIA",)))
                if c.object in targets
            }
        )
    elif compound:
        cases = sorted(
            {
                c.subject
                for c in store.claims_of([compound], _with_types(flt, ("HELD_AT", "SOLD_TO")))
                if c.object == compound
            }
        )
    else:
        cases = [start]
    around = store.claims_of(cases, _with_types(flt, ("RECRUITED_VIA", "TRANSITED", "HELD_AT", "SOLD_TO")))
    via = [c for c in around if c.type == "RECRUITED_VIA"]
    ads = sorted({c.object for c in via})
    second = store.claims_of(ads, _with_types(flt, ("POSTED", "ON_PLATFORM", "USES", "RECRUITS_FOR"))) if ads else []
    posters = sorted({c.subject for c in second if c.type == "POSTED"})
    accounts = sorted(set(posters) | {c.object for c in via})
    third = store.claims_of(accounts, _with_types(flt, ("USES", "ON_PLATFORM"))) if accounts else []
    ids = {
        *cases,
        *(c.object for c in around),
        *(c.subject for c in second),
        *(c.object for c in second),
        *(c.subject for c in third),
        *(c.object for c in third),
    }
    names = store.get_entities(sorted(ids))
    label = {i: e.label for i, e in names.items()}
    routes = []
    counts: dict[str, Counter[str]] = {s: Counter() for s in STAGES}
    for k in cases:
        mine = [c for c in around if c.subject == k]
        stages: dict[str, list[dict[str, Any]]] = {s: [] for s in STAGES}
        for c in mine:
            if c.type == "RECRUITED_VIA":
                kind = {"JobAd": "job_ads", "Account": "accounts", "Platform": "platforms"}.get(
                    label.get(c.object, ""), "recruiters"
                )
                stages[kind].append(_step(c, c.object, names))
            elif c.type == "TRANSITED":
                stages["transit"].append(
                    {**_step(c, c.object, names), "order": c.properties.get("order"), "mode": c.properties.get("mode")}
                )
            else:
                stages["compounds"].append({**_step(c, c.object, names), "how": c.type, "until": c.valid_to})
        ad_ids = {s["id"] for s in stages["job_ads"]}
        for c in second:
            if c.type == "POSTED" and c.object in ad_ids:
                stages["accounts"].append(_step(c, c.subject, names))
            elif c.type == "ON_PLATFORM" and c.subject in ad_ids:
                stages["platforms"].append(_step(c, c.object, names))
        acct_ids = {s["id"] for s in stages["accounts"]}
        for c in third:
            if c.type == "USES" and c.object in acct_ids and label.get(c.subject) in ("Person", "Organization"):
                stages["recruiters"].append(_step(c, c.subject, names))
            elif c.type == "ON_PLATFORM" and c.subject in acct_ids:
                stages["platforms"].append(_step(c, c.object, names))
        stages["transit"].sort(key=lambda s: (s["order"] if isinstance(s["order"], int) else 10**6, s["date"] or ""))
        stages["compounds"].sort(key=lambda s: (s["date"] or "", s["name"]))
        for s in STAGES:  # one entry per entity and stage, the first claim found
            seen: set[str] = set()
            stages[s] = [x for x in stages[s] if not (x["id"] in seen or seen.add(x["id"]))]  # type: ignore[func-returns-value]
            counts[s].update(x["id"] for x in stages[s])
        case_entity = names.get(k)
        routes.append({"case": k, "name": case_entity.name if case_entity else k, "stages": stages})
    return {
        "network": _network(store, flt, compound, recruiter),
        "compound": compound,
        "recruiter": recruiter,
        "case": case,
        "cases": len(cases),
        "routes": routes,
        "funnel": {
            s: [{"id": i, "name": names[i].name if i in names else i, "cases": n} for i, n in counts[s].most_common()]
            for s in STAGES
        },
    }


def _network(store: GraphStore, flt: ClaimFilter, compound: str | None, recruiter: str | None) -> dict[str, Any]:
    """The stages reached from the recruiters through claims that touch no case."""
    out: dict[str, list[dict[str, Any]]] = {s: [] for s in STAGES}
    if compound:
        claims = store.claims_of([compound], _with_types(flt, ("RECRUITS_FOR",)))
        recruiters = sorted({c.subject for c in claims if c.object == compound})
    elif recruiter:
        recruiters = [recruiter]
    else:
        return out
    if not recruiters:
        return out
    first = store.claims_of(recruiters, _with_types(flt, ("USES", "TRANSITED", "RECRUITS_FOR")))
    uses = [c for c in first if c.type == "USES" and c.subject in recruiters]
    accounts = sorted({c.object for c in uses})
    second = store.claims_of(accounts, _with_types(flt, ("POSTED", "ON_PLATFORM"))) if accounts else []
    posted = [c for c in second if c.type == "POSTED" and c.subject in accounts]
    ads = sorted({c.object for c in posted})
    third = store.claims_of(ads, _with_types(flt, ("ON_PLATFORM",))) if ads else []
    ids = {*recruiters, *(c.object for c in first), *accounts, *ads, *(c.object for c in (*second, *third))}
    names = store.get_entities(sorted(ids))
    accounts_kept = {a for a in accounts if names.get(a) is not None and names[a].label == "Account"}
    for r in recruiters:
        if r in names and names[r].label in _RECRUITERS:
            out["recruiters"].append({"id": r, "name": names[r].name, "label": names[r].label})
    out["accounts"] = [_step(c, c.object, names) for c in uses if c.object in accounts_kept]
    out["job_ads"] = [_step(c, c.object, names) for c in posted if c.subject in accounts_kept]
    out["platforms"] = [
        _step(c, c.object, names)
        for c in (*second, *third)
        if c.type == "ON_PLATFORM" and c.subject in {*accounts, *ads}
    ]
    transit = [c for c in first if c.type == "TRANSITED" and c.subject in recruiters]
    out["transit"] = [
        {**_step(c, c.object, names), "order": c.properties.get("order"), "mode": c.properties.get("mode")}
        for c in sorted(transit, key=lambda c: (c.valid_from or "", c.object))
    ]
    out["compounds"] = [
        {**_step(c, c.object, names), "how": c.type}
        for c in first
        if c.type == "RECRUITS_FOR"
        and c.subject in recruiters
        and names.get(c.object) is not None
        and names[c.object].label == "Compound"
    ]
    for s in STAGES:  # one entry per entity and stage
        seen: set[str] = set()
        out[s] = sorted(
            (x for x in out[s] if not (x["id"] in seen or seen.add(x["id"]))),  # type: ignore[func-returns-value]
            key=lambda x: (str(x.get("date") or ""), str(x["name"])),
        )
    return out
