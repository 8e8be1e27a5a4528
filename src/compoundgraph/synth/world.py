"""The people-and-places half of a synthetic world: sources, shared entities and compound cells.

Records are plain JSON-ready dicts in the loader's format (``{"record": "entity", ...}``) with their ids
already computed exactly as the models compute them, so the fast path can write them without building
pydantic objects; tests validate a sample through the models. Everything is invented; place names of
provinces are real (compounds sit in real border areas) but every locality, person, company, group,
platform and case is fictional.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..ids import claim_id, digest, entity_id, source_id
from ..ontology import ontology
from .names import NameMaker
from .plan import LOCATIONS_PER_AREA, PLATFORMS, Plan

__all__ = ["World", "Area", "AREAS", "SOURCES", "Rec", "model_entity_id", "wallet_id"]

Rec = dict[str, Any]


@dataclass(frozen=True)
class Area:
    country: str
    admin_area: str
    lat: float
    lon: float
    weight: int


# Border areas where compounds are reported (anchors approximate; compounds scatter within ~15 km).
AREAS = (
    Area("MM", "Kayin State", 16.70, 98.50, 6),
    Area("MM", "Shan State (East)", 20.45, 99.88, 4),
    Area("MM", "Shan State (North)", 23.75, 98.60, 3),
    Area("KH", "Preah Sihanouk", 10.62, 103.52, 5),
    Area("KH", "Banteay Meanchey", 13.66, 102.57, 3),
    Area("KH", "Svay Rieng", 11.08, 106.12, 2),
    Area("KH", "Oddar Meanchey", 14.40, 103.50, 1),
    Area("LA", "Bokeo", 20.35, 100.08, 3),
    Area("LA", "Luang Namtha", 21.18, 101.67, 1),
    Area("PH", "Tarlac", 15.27, 120.56, 2),
    Area("PH", "Pampanga", 15.17, 120.58, 2),
    Area("PH", "Cavite", 14.40, 120.90, 1),
    Area("TH", "Tak", 16.72, 98.57, 1),
)
AREA_PICK = [i for i, a in enumerate(AREAS) for _ in range(a.weight)]
_ARMED_AREAS = [0, 1, 2, 0, 1, 2, 7, 4, 0, 8]  # armed groups sit mostly on Myanmar's borders
_COUNTRY_CENTRE = {
    "MM": (19.7, 96.1),
    "KH": (12.6, 104.9),
    "LA": (18.0, 102.6),
    "PH": (14.6, 121.0),
    "TH": (13.8, 100.5),
}

# (key, title, publisher, kind, reliability, handling, credibility range)
SOURCES = (
    ("police", "Regional police raid bulletins (synthetic)", "Synthetic Border Police", "notice", "A", "H1", (1, 2)),
    ("ngo", "Field report on border compounds (synthetic)", "Synthetic Watch NGO", "report", "B", "H1", (2, 3)),
    ("media", "Investigative series on scam compounds (synthetic)", "The Synthetic Daily", "news", "C", "H0", (2, 4)),
    ("tip", "Tip-line submissions (synthetic)", "Synthetic task-force tip line", "tip", "D", "H2", (3, 5)),
    (
        "casework",
        "Victim-support casework extract (synthetic)",
        "Synthetic Support Network",
        "casework",
        "B",
        "H2",
        (1, 3),
    ),
    (
        "fiu",
        "Wallet attribution note (synthetic)",
        "Synthetic Financial Intelligence Unit",
        "report",
        "B",
        "H2",
        (2, 3),
    ),
    ("tron", "TRC-20 token transfer export (synthetic)", "Synthetic block explorer", "dataset", "A", "H1", (1, 1)),
    ("eth", "ERC-20 and ETH transfer export (synthetic)", "Synthetic block explorer", "dataset", "A", "H1", (1, 1)),
)

_PLATFORMS = (
    ("Chatterly", "messaging"),
    ("Jobnest", "job-board"),
    ("Flikbook", "social"),
    ("Tiklo", "social"),
    ("Linkora", "social"),
    ("Whispr", "messaging"),
    ("Heartmatch", "dating"),
    ("Workpal", "job-board"),
    ("Vidzo", "social"),
    ("Pingo", "messaging"),
)
assert len(_PLATFORMS) == PLATFORMS
COMPOUND_KINDS = (
    ("Park", "compound"),
    ("Compound", "compound"),
    ("Zone", "special zone"),
    ("Garden City", "compound"),
    ("Resort", "casino complex"),
    ("Tech Park", "compound"),
    ("Plaza", "casino complex"),
    ("Industrial Estate", "compound"),
)
OP_SUFFIX = ("Technology Co., Ltd.", "Group", "Network Co.", "Development Co.", "Entertainment Ltd.")
FRONT_SUFFIX = ("Trading Ltd.", "Investment Co.", "Real Estate Co.", "Logistics Ltd.", "Hospitality Co.")
_ARMED_KINDS = ("Border Guard Force", "People's Militia", "Democratic Army", "Defence Army")
NATIONALITIES = ("CN", "MM", "TH", "KH", "LA", "MY", "TW", "PH")
ORIGINS = (
    "ID",
    "VN",
    "PH",
    "TH",
    "MM",
    "CN",
    "MY",
    "KE",
    "UG",
    "ET",
    "IN",
    "LK",
    "NP",
    "BD",
    "PK",
    "BR",
    "TW",
    "KR",
    "LA",
    "KH",
)
JOBS = (
    "Customer service",
    "Data entry",
    "Online marketing",
    "IT support",
    "Translator",
    "Sales assistant",
    "Game tester",
    "Casino host",
)
CITIES = ("Bangkok", "Kuala Lumpur", "Singapore", "Dubai", "Ho Chi Minh City", "Phnom Penh", "Manila", "Taipei")
INDICATORS = (
    "passport confiscated",
    "debt bondage",
    "threats of violence",
    "physical violence",
    "restricted movement",
    "withheld wages",
    "forced to commit fraud",
    "excessive hours",
)
OUTCOMES = ("escaped", "released", "repatriated", "detained", "unknown")
_SERVICE_TYPES = ("exchange", "otc", "payment-provider")
_SERVICE_NAMES = {"exchange": "{} Exchange", "otc": "{} OTC Desk", "payment-provider": "{}Pay Services"}
_EPOCH = dt.date(2019, 1, 1)

# name tables (one per kind of name, so a compound and a company never share an invented word by design)
T_COMPOUND, T_OPERATOR, T_FRONT, T_BOSS, T_MANAGER, T_RECRUITER = range(6)
T_ARMED, T_SYNDICATE, T_OFFICIAL, T_SERVICE, T_TOWN, T_HANDLE = range(6, 12)


def model_entity_id(label: str, name: str, props: dict[str, Any]) -> str:
    """The id :class:`~compoundgraph.models.Entity` gives a record without one (tests hold us to it)."""
    spec = ontology().labels[label]
    keys = [props.get(k) for k in spec.key]
    by_key = spec.key_only and any(k is not None for k in keys)
    return entity_id(label, "" if by_key else name, keys)


def wallet_id(chain: str, address: str) -> str:
    """:func:`model_entity_id` for a wallet, without Unicode folding (addresses are ASCII letters/digits)."""
    lowered = address.lower()
    return f"wallet-{digest('Wallet', '', chain, lowered)}"


def day(n: int) -> str:
    return (_EPOCH + dt.timedelta(days=n)).isoformat()


class World:
    """Builds the records of one world; ``cell(i)`` is a pure function of (seed, i)."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.names = NameMaker(plan.seed)
        self.src: dict[str, str] = {}
        self.grade_range: dict[str, tuple[str, int, int]] = {}
        self.handling: dict[str, str] = {}
        for key, title, _pub, _kind, rel, handling, (lo, hi) in SOURCES:
            sid = source_id(None, self._source_url(key), title)
            self.src[key] = sid
            self.grade_range[sid] = (rel, lo, hi)
            self.handling[sid] = handling
        self.platforms = [
            (entity_id("Platform", name, []), name, kind, f"{name.lower()}.example") for name, kind in _PLATFORMS
        ]
        self.countries = {
            cc: entity_id("Location", cc_name, [cc, "country"]) for cc, cc_name in self._country_names().items()
        }
        self.provinces = [entity_id("Location", a.admin_area, [a.country, "province"]) for a in AREAS]
        self.towns = [[self._town(a, k) for k in range(LOCATIONS_PER_AREA - 1)] for a in range(len(AREAS))]
        self.armed = [self._armed(g) for g in range(plan.armed_groups)]
        self.armed_by_area: dict[int, list[int]] = {}
        for g, (_gid, _name, area) in enumerate(self.armed):
            self.armed_by_area.setdefault(area, []).append(g)
        self.syndicates = [
            self._org(T_SYNDICATE, s, "Syndicate", "KH" if s % 2 else "MM") for s in range(plan.syndicates)
        ]
        self.service = [self._service_org(s) for s in range(plan.service_orgs)]
        self.officials = [self._official(g) for g in range(plan.officials)]

    # -- ids and helpers -------------------------------------------------------------------------
    def _source_url(self, key: str) -> str:
        return f"https://synthetic.example/seed-{self.plan.seed}/{key}"

    @staticmethod
    def _country_names() -> dict[str, str]:
        return {"MM": "Myanmar", "KH": "Cambodia", "LA": "Lao PDR", "PH": "Philippines", "TH": "Thailand"}

    def _town(self, area: int, k: int) -> tuple[str, str]:
        a = AREAS[area]
        name = f"{self.names.word(T_TOWN, area * 8 + k)} (synthetic town)"
        return entity_id("Location", name, [a.country, "town"]), name

    def _armed(self, g: int) -> tuple[str, str, int]:
        area = _ARMED_AREAS[g % len(_ARMED_AREAS)]
        name = f"{self.names.word(T_ARMED, g)} {_ARMED_KINDS[g % len(_ARMED_KINDS)]}"
        return entity_id("ArmedGroup", name, [AREAS[area].country]), name, area

    def _org(self, table: int, i: int, suffix: str, country: str) -> tuple[str, str, str]:
        name = f"{self.names.word(table, i)} {suffix}"
        return entity_id("Organization", name, [country]), name, country

    def _service_org(self, s: int) -> tuple[str, str, str, str]:
        kind = _SERVICE_TYPES[s % 3]
        country = ("KH", "PH", "TH", "LA", "MY", "SG")[s % 6]
        name = _SERVICE_NAMES[kind].format(self.names.word(T_SERVICE, s))
        return entity_id("Organization", name, [country]), name, country, kind

    def grade(self, rng: random.Random, source: str) -> str:
        rel, lo, hi = self.grade_range[source]
        return f"{rel}{rng.randint(lo, hi)}"

    def entity(
        self,
        label: str,
        name: str,
        props: dict[str, Any],
        sources: Sequence[str],
        aliases: Sequence[str] = (),
        eid: str | None = None,
    ) -> Rec:
        if eid is None:
            eid = model_entity_id(label, name, props)
        rec: Rec = {"record": "entity", "id": eid, "label": label, "name": name}
        if aliases:
            rec["aliases"] = list(aliases)
        rec["properties"] = props
        rec["sources"] = sorted(set(sources))
        return rec

    def claim(
        self,
        rng: random.Random | None,
        rel: str,
        subject: str,
        obj: str,
        source: str,
        *,
        grade: str | None = None,
        valid_from: str | None = None,
        valid_to: str | None = None,
        quote: str = "",
    ) -> Rec:
        rec: Rec = {
            "record": "claim",
            "id": claim_id(subject, rel, obj, source),
            "type": rel,
            "subject": subject,
            "object": obj,
            "source": source,
        }
        if grade is None:
            assert rng is not None, "a claim without a fixed grade draws one"
            grade = self.grade(rng, source)
        rec["grade"] = grade
        if valid_from:
            rec["valid_from"] = valid_from
        if valid_to:
            rec["valid_to"] = valid_to
        rec["handling"] = self.handling[source]
        if quote:
            rec["quote"] = quote
        return rec

    # -- sources and shared entities -------------------------------------------------------------
    def sources(self) -> Iterator[Rec]:
        for n, (key, title, publisher, kind, rel, handling, _g) in enumerate(SOURCES):
            yield {
                "record": "source",
                "id": self.src[key],
                "title": title,
                "publisher": publisher,
                "url": self._source_url(key),
                "published": day(2_190 + 30 * n),
                "kind": kind,
                "reliability": rel,
                "handling": handling,
                "description": f"Synthetic data generated by compoundgraph synth, seed {self.plan.seed}.",
            }

    def shared_entities(self) -> Iterator[Rec]:
        ngo, fiu = self.src["ngo"], self.src["fiu"]
        rng = random.Random(f"compoundgraph-synth:{self.plan.seed}:shared")
        for pid, name, kind, domain in self.platforms:
            yield self.entity("Platform", name, {"kind": kind, "domain": domain}, [ngo], eid=pid)
        for cc, cc_name in self._country_names().items():
            lat, lon = _COUNTRY_CENTRE[cc]
            yield self.entity(
                "Location",
                cc_name,
                {"country": cc, "kind": "country", "lat": lat, "lon": lon},
                [ngo],
                eid=self.countries[cc],
            )
        for a, area in enumerate(AREAS):
            yield self.entity(
                "Location",
                area.admin_area,
                {"country": area.country, "kind": "province", "lat": area.lat, "lon": area.lon},
                [ngo],
                eid=self.provinces[a],
            )
            for tid, tname in self.towns[a]:
                lat, lon = self._jitter(rng, area, 0.2)
                yield self.entity(
                    "Location", tname, {"country": area.country, "kind": "town", "lat": lat, "lon": lon}, [ngo], eid=tid
                )
        for g, (gid, name, home) in enumerate(self.armed):
            short = "".join(w[0] for w in name.replace("'", "").split()).upper()
            yield self.entity(
                "ArmedGroup",
                name,
                {"country": AREAS[home].country, "areas": [AREAS[home].admin_area]},
                [ngo],
                aliases=[short],
                eid=gid,
            )
            oid, oname, oprops = self.officials[g]
            yield self.entity("Person", oname, oprops, [self.src["tip"]], eid=oid)
        for sid, name, country in self.syndicates:
            yield self.entity("Organization", name, {"org_type": "crime group", "country": country}, [ngo], eid=sid)
        for oid, name, country, kind in self.service:
            yield self.entity(
                "Organization", name, {"org_type": kind, "country": country, "tags": [kind]}, [fiu], eid=oid
            )

    def _official(self, g: int) -> tuple[str, str, dict[str, Any]]:
        rng = random.Random(f"compoundgraph-synth:{self.plan.seed}:official:{g}")
        name = f"{self.names.given(rng)} {self.names.word(T_OFFICIAL, g)}"
        props: dict[str, Any] = {
            "roles": ["official"],
            "nationality": AREAS[self.armed[g][2]].country,
            "birth_year": rng.randint(1955, 1985),
        }
        return entity_id("Person", name, [props["nationality"], props["birth_year"]]), name, props

    @staticmethod
    def _jitter(rng: random.Random, area: Area, spread: float) -> tuple[float, float]:
        return (round(area.lat + rng.uniform(-spread, spread), 5), round(area.lon + rng.uniform(-spread, spread), 5))

    def shared_claims(self) -> Iterator[Rec]:
        rng = random.Random(f"compoundgraph-synth:{self.plan.seed}:shared-claims")
        ngo, tip, media = self.src["ngo"], self.src["tip"], self.src["media"]
        for a, area in enumerate(AREAS):
            yield self.claim(rng, "LOCATED_IN", self.provinces[a], self.countries[area.country], ngo, grade="A1")
            for tid, _ in self.towns[a]:
                yield self.claim(rng, "LOCATED_IN", tid, self.provinces[a], ngo, grade="A1")
        for g, (gid, _name, home) in enumerate(self.armed):
            yield self.claim(rng, "LOCATED_IN", gid, self.provinces[home], ngo)
            yield self.claim(
                rng,
                "COLLUDES_WITH",
                self.officials[g][0],
                gid,
                tip,
                quote="An official is said to take payments from the group.",
            )
            others = self.armed_by_area.get(home, [])
            for h in others:
                if h > g:
                    yield self.claim(rng, "ALLIED_WITH", gid, self.armed[h][0], media)
        for s, (sid, _name, _cc) in enumerate(self.syndicates):
            g = s % len(self.armed)
            yield self.claim(rng, "ALLIED_WITH", sid, self.armed[g][0], media, valid_from=day(365 + 40 * s % 900))
