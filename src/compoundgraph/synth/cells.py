"""One compound cell: a compound with its operators, protectors, recruiters, job ads and cases.

Structure (each line a claim, from the synthetic source named in brackets):

- operator OPERATES compound [ngo]; front company OWNS compound [media]; boss DIRECTS operator [ngo] and
  OWNS the front company [media]; manager DIRECTS compound [ngo]; operator and boss MEMBER_OF a syndicate;
- an armed group of the same border area PROTECTS the compound [ngo] (until the raid, if there was one);
- recruiters MEMBER_OF / RECRUITS_FOR; recruiters USE accounts ON_PLATFORM; accounts POSTED job ads
  ON_PLATFORM that ADVERTISE_FOR the compound or its front company;
- cases RECRUITED_VIA a job ad / account / recruiter, HELD_AT the compound, sometimes SOLD_TO another
  cell's compound (and HELD_AT there), dates in order; a raid Event with the cases rescued in it;
- a few contested claims: the tip line names another cell's operator; the media repeats OPERATES with a
  weaker grade (parallel edges).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from ..ids import entity_id
from .plan import CellSize, cell_rng, cell_size
from .world import (
    AREA_PICK,
    AREAS,
    CITIES,
    COMPOUND_KINDS,
    FRONT_SUFFIX,
    INDICATORS,
    JOBS,
    NATIONALITIES,
    OP_SUFFIX,
    ORIGINS,
    OUTCOMES,
    T_BOSS,
    T_COMPOUND,
    T_FRONT,
    T_HANDLE,
    T_MANAGER,
    T_OPERATOR,
    T_RECRUITER,
    Rec,
    World,
    day,
)

__all__ = ["CellHead", "head", "build_cell"]

_STATUS = ("active",) * 14 + ("relocated",) * 2 + ("closed",) * 2 + ("unknown",) * 2
HORIZON = 2_370  # last day of the synthetic timeline (mid-2025)


@dataclass
class CellHead:
    rng: random.Random
    size: CellSize
    area: int
    compound: str
    name: str
    kind: int
    operator: str
    operator_name: str


def head(world: World, i: int) -> CellHead:
    """The part of cell ``i`` other cells refer to (its compound and operator), cheap to rebuild."""
    rng = cell_rng(world.plan.seed, i)
    size = cell_size(rng)
    area = rng.choice(AREA_PICK)
    kind = rng.randrange(len(COMPOUND_KINDS))
    cc = AREAS[area].country
    name = f"{world.names.word(T_COMPOUND, i)} {COMPOUND_KINDS[kind][0]}"
    op_name = f"{world.names.word(T_OPERATOR, i)} {OP_SUFFIX[i % len(OP_SUFFIX)]}"
    return CellHead(
        rng,
        size,
        area,
        entity_id("Compound", name, [cc]),
        name,
        kind,
        entity_id("Organization", op_name, [cc]),
        op_name,
    )


def build_cell(world: World, i: int, collection: Sequence[str] | None = None) -> tuple[list[Rec], list[Rec]]:
    """Entities and claims of cell ``i``. ``collection``: ids of collection wallets (claims pass only)."""
    plan, names, src = world.plan, world.names, world.src
    h = head(world, i)
    r, size, area = h.rng, h.size, AREAS[h.area]
    cc = area.country
    ngo, media, tip, police, case_src, fiu = (src[k] for k in ("ngo", "media", "tip", "police", "casework", "fiu"))
    ents: list[Rec] = []
    cls: list[Rec] = []

    def claim(rel: str, s: str, o: str, source: str, **kw: object) -> None:
        cls.append(world.claim(r, rel, s, o, source, **kw))  # type: ignore[arg-type]

    opened = r.randint(0, 1_400)
    raid_day = r.randint(max(opened + 300, 1_100), HORIZON - 20) if size.raided else None
    status = "raided" if raid_day is not None else r.choice(_STATUS)
    lat = round(area.lat + r.uniform(-0.15, 0.15), 5)
    lon = round(area.lon + r.uniform(-0.15, 0.15), 5)
    town_id, town_name = world.towns[h.area][r.randrange(len(world.towns[h.area]))]
    compound_props = {
        "country": cc,
        "admin_area": area.admin_area,
        "locality": town_name,
        "lat": lat,
        "lon": lon,
        "kind": COMPOUND_KINDS[h.kind][1],
        "status": status,
        "est_workers": r.randrange(2, 80) * 100,
    }
    code = f"{h.name.split()[0][:3].upper()}-{i:05d}"
    ents.append(world.entity("Compound", h.name, compound_props, [ngo, media], aliases=[code], eid=h.compound))
    ents.append(
        world.entity("Organization", h.operator_name, {"org_type": "operator", "country": cc}, [ngo], eid=h.operator)
    )
    front_name = f"{names.word(T_FRONT, i)} {FRONT_SUFFIX[r.randrange(len(FRONT_SUFFIX))]}"
    front = world.entity(
        "Organization",
        front_name,
        {"org_type": "front company", "country": cc, "registration_ids": [f"REG-{cc}-{i:07d}"]},
        [media],
    )
    ents.append(front)
    people = []
    for table, role, n in ((T_BOSS, "boss", 1), (T_MANAGER, "manager", 1), (T_RECRUITER, "recruiter", size.recruiters)):
        for k in range(n):
            idx = i * 4 + k if table == T_RECRUITER else i
            name = f"{names.given(r)} {names.word(table, idx)}"
            nat = cc if role == "recruiter" and r.random() < 0.5 else r.choice(NATIONALITIES)
            props = {"roles": [role], "nationality": nat, "birth_year": r.randint(1960, 2000)}
            ents.append(world.entity("Person", name, props, [ngo]))
            people.append((ents[-1]["id"], role))
    boss, manager = people[0][0], people[1][0]
    recruiters = [p for p, role in people if role == "recruiter"]
    compound, operator = h.compound, h.operator
    since = day(opened)
    claim("OPERATES", operator, compound, ngo, valid_from=since, quote="The operator runs the compound.")
    claim("OWNS", front["id"], compound, media, valid_from=since)
    claim("DIRECTS", boss, operator, ngo)
    claim("OWNS", boss, front["id"], media)
    claim("DIRECTS", manager, compound, ngo, valid_from=day(opened + r.randint(0, 200)))
    claim("EMPLOYED_BY", manager, operator, ngo)
    syndicate = world.syndicates[i % len(world.syndicates)][0]
    claim("MEMBER_OF", boss, syndicate, media)
    claim("MEMBER_OF", operator, syndicate, ngo)
    claim("LOCATED_IN", compound, town_id, ngo, grade="A2")
    # protection: the armed group of this border area, if there is one; else sometimes an official
    guards = world.armed_by_area.get(h.area, [])
    if guards:
        g = guards[i % len(guards)]
        claim(
            "PROTECTS",
            world.armed[g][0],
            compound,
            ngo,
            valid_from=day(opened + r.randint(0, 90)),
            valid_to=day(raid_day) if raid_day else None,
            quote="Armed guards of the group man the gates.",
        )
    elif r.random() < 0.4:
        claim("PROTECTS", world.officials[i % len(world.officials)][0], compound, world.src["tip"])
    # contested: another source, another grade, sometimes another operator
    if plan.cells > 1 and r.random() < 0.06:
        other = head(world, (i + 1 + r.randrange(plan.cells - 1)) % plan.cells)
        claim("OPERATES", other.operator, compound, tip, quote="The tip says another group runs it.")
        claim("OPERATES", operator, compound, media, grade=f"C{r.randint(4, 5)}")
    # recruitment
    ads: list[str] = []
    accounts: list[str] = []
    ad_no = 0
    acct_no = 0
    for k, recruiter in enumerate(recruiters):
        claim("MEMBER_OF", recruiter, operator, ngo)
        claim("RECRUITS_FOR", recruiter, compound if r.random() < 0.7 else operator, ngo)
        for _ in range(size.accounts[k]):
            pid, pname, _pkind, domain = world.platforms[r.randrange(len(world.platforms))]
            handle = f"{names.word(T_HANDLE, i * 16 + acct_no).lower()}_{r.choice(('jobs', 'hr', 'work', 'agent'))}"
            props = {"platform": pname, "handle": handle, "url": f"https://{domain}/{handle}"}
            if r.random() < 0.3:
                props["email"] = f"{handle}@mail.example"
            ents.append(world.entity("Account", f"@{handle}", props, [ngo]))
            account = ents[-1]["id"]
            accounts.append(account)
            claim("USES", recruiter, account, ngo)
            claim("ON_PLATFORM", account, pid, ngo, grade="A2")
            for _ in range(size.ads[acct_no]):
                posted = day(r.randint(opened, HORIZON - 60))
                salary = f"USD {r.randrange(8, 40) * 100:,}/month"
                city = r.choice(CITIES)
                job = r.choice(JOBS)
                props2 = {
                    "platform": pname,
                    "posted_at": posted,
                    "claimed_location": city,
                    "claimed_salary": salary,
                    "text": f"{job} wanted in {city}. {salary}, visa and flight paid. Message us.",
                    "url": f"https://{domain}/jobs/{i:06d}{ad_no:03d}",
                }
                ents.append(world.entity("JobAd", f"{job}, {city}, {salary}", props2, [ngo]))
                ad = ents[-1]["id"]
                ads.append(ad)
                claim("POSTED", account, ad, ngo, valid_from=posted)
                claim("ON_PLATFORM", ad, pid, ngo, grade="A2")
                claim("ADVERTISES_FOR", ad, compound if r.random() < 0.6 else front["id"], ngo)
                ad_no += 1
            acct_no += 1
    # the raid
    event = None
    if raid_day is not None:
        ref = f"OP-{day(raid_day)[:4]}-{i:05d}"
        ents.append(
            world.entity(
                "Event",
                f"Raid on {h.name}",
                {
                    "kind": "raid",
                    "date": day(raid_day),
                    "authority": f"{area.admin_area} police (synthetic)",
                    "reference": ref,
                },
                [police],
            )
        )
        event = ents[-1]["id"]
        claim("INVOLVED_IN", compound, event, police, valid_from=day(raid_day))
        claim("LOCATED_IN", event, town_id, police)
    # cases: pseudonymous, numbered; never a name
    last = (raid_day - 20) if raid_day is not None else HORIZON - 30
    first = min(opened + 10, last - 1)
    for k in range(size.cases):
        number = plan.case_offsets[i] + k
        recruited = r.randint(first, last)
        arrived = recruited + r.randint(2, 14)
        indicators = sorted(r.sample(INDICATORS, r.randint(1, 4)))
        sold = plan.cells > 1 and r.random() < 0.2 and arrived + 60 < HORIZON - 10
        sale_day = min(arrived + r.randint(30, 200), HORIZON - 10) if sold else None
        rescued = event is not None and not sold and raid_day is not None and arrived < raid_day
        if sold:
            indicators = sorted({*indicators, "sold to another compound"})
        props = {
            "nationality": r.choice(ORIGINS),
            "age_band": r.choice(("18-24", "25-34", "35-44", "45+")),
            "gender": r.choice(("f", "m")),
            "recruited_on": day(recruited),
            "period": f"{day(recruited)[:4]}-Q{(int(day(recruited)[5:7]) - 1) // 3 + 1}",
            "indicators": indicators,
            "outcome": "rescued" if rescued else r.choice(OUTCOMES),
        }
        ents.append(world.entity("Case", f"Case {number:06d}", props, [case_src]))
        case = ents[-1]["id"]
        via = r.random()
        if via < 0.6 and ads:
            claim("RECRUITED_VIA", case, r.choice(ads), case_src, valid_from=day(recruited))
        elif via < 0.85 and accounts:
            claim("RECRUITED_VIA", case, r.choice(accounts), case_src, valid_from=day(recruited))
        else:
            claim("RECRUITED_VIA", case, r.choice(recruiters), case_src, valid_from=day(recruited))
        until = day(sale_day) if sale_day else day(raid_day) if rescued and raid_day else None
        claim("HELD_AT", case, compound, case_src, valid_from=day(arrived), valid_to=until)
        if sale_day is not None:
            buyer = head(world, (i + 1 + r.randrange(plan.cells - 1)) % plan.cells).compound
            claim("SOLD_TO", case, buyer, case_src, valid_from=day(sale_day))
            claim("HELD_AT", case, buyer, case_src, valid_from=day(sale_day))
        if rescued and event is not None:
            claim("INVOLVED_IN", case, event, police, valid_from=day(raid_day or 0))
    # wallets the cell's operator and boss hold (collection wallets k = i, i + cells, ...)
    if collection is not None:
        for n, k in enumerate(range(i, len(collection), plan.cells)):
            claim("HOLDS", operator if n % 2 == 0 else boss, collection[k], fiu)
    return ents, cls
