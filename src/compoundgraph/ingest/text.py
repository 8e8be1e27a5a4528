"""Free-text reports (plain text, Markdown, HTML, PDF): the document becomes a Source, and what the text
proves becomes MENTIONED_IN claims (entity -> Source) with the sentence as ``quote``.

Extracted: countries and nationalities (gazetteer, demonyms too), platforms (gazetteer), entities already
in the graph (names and aliases), identifiers by pattern with validation (wallets, phones in E.164,
e-mails, URLs and domains, Telegram handles and t.me links).

Country roles. A country named in a report can be where victims come from, where compounds are, or the
nationality of perpetrators; a flat "mentioned" would lose that. Each country mention carries
``properties.role``, taken from the nearest cue before it in the same sentence:
``origin`` ("originating from", "countries of origin", "nationals of"), ``compound_location``
("compounds are located in", "scam centres in"), ``perpetrator_nationality`` ("perpetrated by",
"nationalities"), ``nationality`` (a demonym with no other cue), else ``mentioned``. Platforms carry
``role: recruitment`` when their sentence is about recruiting or job ads. One claim per entity, role and
sentence (``key`` = role + sentence hash), so re-loading the document changes nothing.

Metadata (title, publisher, url, date, kind, grade) come from the options, else from a sidecar file
``<name>.meta.yaml`` beside the document, else from the text (first heading; first written date).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import InvalidInput
from ..grades import Grade
from ..ids import digest, entity_id, normalize
from ..models import MAX_TEXT, Claim, Entity, Source
from ..store.base import ClaimFilter, GraphStore
from .base import Context, Item, Options, RowError, build
from .candidates import find_names, short_form_of, short_forms
from .fields import to_date, wallet_id
from .gazetteer import PLATFORMS, country_code, country_name, find_countries, find_platforms
from .identifiers import find_identifiers
from .places import Place, find_places, lookup
from .relations import Mention, find_relations
from .yaml_input import load_yaml

__all__ = ["read_text", "load_document", "sentences", "country_role", "EntityIndex"]

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")
MAX_DOCUMENT = 50 * 1024 * 1024
_CUES: list[tuple[str, re.Pattern[str]]] = [
    (
        "origin",
        re.compile(
            r"originat\w*|countr(?:y|ies) of origin|home countr\w*|nationals? of|"
            r"victims? (?:from|of \w+ nationality)|citizens? of|recruited from",
            re.I,
        ),
    ),
    (
        "compound_location",
        re.compile(
            r"(?:compounds?|cent(?:re|er)s?|parks?|hubs?)\s+(?:(?:are|were|is|was)\s+)?(?:\w+\s+)?"
            r"(?:located|based|operating|situated|found)?\s*(?:in|across)\b|held (?:captive )?in\b",
            re.I,
        ),
    ),
    ("perpetrator_nationality", re.compile(r"perpetrat\w*|nationalities|facilitated by", re.I)),
]
_RECRUIT = re.compile(r"recruit\w*|job (?:ad|advert|offer)\w*|jobs? |advertis\w*|employment", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[\"“‘(\[*_]*[A-Z0-9])")
_ABBREV = re.compile(
    r"(?:\b(?:Ref|No|Nos|Mr|Ms|Mrs|Dr|Col|Lt|Gen|Maj|Capt|St|Co|Ltd|Inc|para|art|e\.g|i\.e|"
    r"vs|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.K)\.)$"
)
_LEGAL_END = re.compile(r"\b(?:Co|Ltd|Inc)\.$")  # a company's name may end a sentence
_COMPARED = re.compile(r"\b(?:than|unlike)\s+(?:the\s+)?$", re.I)
_LEGAL_DOT = re.compile(r"\b(?:Co|Ltd|Inc)\.$")
_LEGAL_NEXT = re.compile(r"(?:Ltd|Limited|Pte|Bhd|Inc|Co)\b")
_DATE_IN_TEXT = re.compile(
    r"\b(\d{1,2} (?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December) \d{4}|\d{4}-\d{2}-\d{2})\b"
)


@dataclass
class Document:
    text: str
    title: str
    meta: dict[str, Any]
    sha256: str


def _decode(raw: bytes, path: Path) -> str:
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if raw.startswith(bom):
            return raw.decode(enc)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"not UTF-8 text (byte {exc.start}); convert it to UTF-8 first", where=str(path)) from exc


def load_document(path: Path) -> Document:
    """Text and a title from a txt / md / html / pdf file; raises InvalidInput if it cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read: {exc.strerror}", where=str(path)) from exc
    if len(raw) > MAX_DOCUMENT:
        raise InvalidInput(f"document is {len(raw):,} bytes; the limit is {MAX_DOCUMENT:,}", where=str(path))
    suffix = path.suffix.lower()
    title = ""
    if suffix == ".pdf":
        import pypdf

        try:
            reader = pypdf.PdfReader(path)
            text = "\n\n".join((page.extract_text() or "") for page in reader.pages)
            pdf_meta: Any = reader.metadata or {}
            title = str(pdf_meta.get("/Title") or "")
        except Exception as exc:
            raise InvalidInput(f"not a readable PDF: {exc}", where=str(path)) from exc
    elif suffix in (".html", ".htm"):
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(_decode(raw, path), "html.parser")
        for tag in soup(["script", "style", "noscript", "template"]):
            tag.decompose()  # scripts are never run, and their text is not the report's
        title = soup.title.get_text(" ", strip=True) if soup.title else ""
        if soup.title:
            soup.title.decompose()
        blocks = [
            b.get_text(" ", strip=True)
            for b in soup.find_all(["p", "li", "h1", "h2", "h3", "h4", "td", "div"])
            if not b.find(["p", "li", "div", "td"])
        ]
        text = "\n\n".join(b for b in blocks if b) or soup.get_text("\n")
    else:
        text = _decode(raw, path)
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", text)
    if not text.strip():
        raise InvalidInput("the document has no text (a scanned PDF needs OCR first)", where=str(path))
    if not title:
        for line in text.splitlines():
            clean = re.sub(r"[#*_`>]+", "", line).strip()
            if len(clean) >= 8:
                title = clean[:300]
                break
    meta: dict[str, Any] = {}
    for side in (path.with_name(path.name + ".meta.yaml"), path.with_suffix(".meta.yaml")):
        if side.exists():
            try:
                loaded = load_yaml(side.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
                raise InvalidInput(f"cannot read the metadata file: {exc}", where=str(side)) from exc
            if not isinstance(loaded, dict):
                raise InvalidInput("the metadata file should hold 'key: value' lines", where=str(side))
            meta = loaded
            break
    return Document(text, title or path.name, meta, hashlib.sha256(raw).hexdigest())


def sentences(text: str) -> Iterator[str]:
    """Sentences of the text: paragraphs split at sentence ends, abbreviations ("Ref.", "Col.") kept."""
    for para in re.split(r"\n\s*\n", text):
        para = re.sub(r"\s+", " ", re.sub(r"(?<!\w)[*_]{1,3}|[*_]{1,3}(?!\w)|^#+\s*", "", para, flags=re.M)).strip()
        if not para:
            continue
        start = 0
        for m in _SENTENCE_END.finditer(para):
            if _ABBREV.search(para[start : m.start()]) and not (
                _LEGAL_END.search(para[start : m.start()]) and not _LEGAL_NEXT.match(para[m.end() :])
            ):
                continue  # "Col. Sok", "Co. Ltd"; but "... Trading Co. Golden Sand ..." ends a sentence
            piece = para[start : m.start()].strip()
            if piece:
                yield piece
            start = m.end()
        tail = para[start:].strip()
        if tail:
            yield tail


def country_role(sentence: str, position: int, demonym: bool) -> str:
    """The role of a country named at ``position``: the nearest cue before it wins."""
    best: tuple[int, str] | None = None
    for role, pattern in _CUES:
        for m in pattern.finditer(sentence, 0, position):
            if best is None or m.start() > best[0]:
                best = (m.start(), role)
    if best:
        return best[1]
    return "nationality" if demonym else "mentioned"


CANDIDATE_HANDLING = "H3"  # a proposal stays in this agency (never exported) until an editor accepts it
PROPOSALS_SOURCE = Source(
    id="src-compoundgraph-proposals",
    title="compoundgraph text loader: names proposed for review",
    publisher="compoundgraph",
    kind="proposals",
    reliability="F",
    handling=CANDIDATE_HANDLING,
    description="Attests entities the text loader proposed from reports until an editor accepts them; "
    "each proposal's MENTIONED_IN claim names its report and sentence.",
)


def _quote(sentence: str) -> str:
    return sentence if len(sentence) <= MAX_TEXT else sentence[: MAX_TEXT - 1] + "…"


def place_properties(p: Place) -> dict[str, Any]:
    """A gazetteer place as a Location's properties, marked as gazetteer-derived with its source."""
    props: dict[str, Any] = {
        "country": p.country or None,  # a river on several borders has none
        "kind": p.kind,
        "geo_source": "gazetteer",
        "gazetteer": p.origin,
        "geo_ref": p.source or None,
        "admin_area": p.admin_area or None,
    }
    if p.lat is not None and p.lon is not None:
        props["lat"], props["lon"] = p.lat, p.lon
    if p.geonameid:
        props["geonameid"] = p.geonameid
    return props


class EntityIndex:
    """Names and aliases of the entities already in the graph, for finding them in sentences."""

    MAX_WORDS = 8

    def __init__(self, store: GraphStore | None) -> None:
        self.names: dict[str, set[tuple[str, str]]] = defaultdict(set)  # normalised -> {(id, label)}
        self.short: dict[str, set[tuple[str, str]]] = defaultdict(set)  # exact-case short names (acronyms)
        if store is None:
            return
        for e in store.iter_entities(proposals=True):  # proposals too: a report never proposes one twice
            if e.label in ("Case", "Wallet", "Account"):
                continue  # victims are never matched by name; wallets and accounts by identifier
            if (e.label == "Location" and e.properties.get("kind") == "country") or (
                e.label == "Platform" and e.name in PLATFORMS
            ):
                continue  # the gazetteers find these, with roles
            if e.properties.get("status") in ("pending", "rejected"):
                continue  # a proposal is no fact: proposed again (pending) or not at all (rejected)
            for n in (e.name, *e.aliases):
                norm = normalize(n)
                if len(norm) >= 5 and len(norm.split()) <= self.MAX_WORDS:
                    self.names[norm].add((e.id, e.label))
                elif 2 <= len(n.strip()) <= 4 and n.strip().isupper():
                    self.short[n.strip()].add((e.id, e.label))

    def knows(self, name: str) -> bool:
        """Whether a name (or an acronym, exactly as written) is one the graph already holds."""
        return normalize(name) in self.names or name.strip() in self.short

    def find(self, sentence: str) -> Iterator[tuple[str, str, str]]:
        """(id, label, name as written) of known entities named in the sentence."""
        words = normalize(sentence).split()
        seen: set[str] = set()
        for i in range(len(words)):
            for j in range(min(len(words), i + self.MAX_WORDS), i, -1):
                key = " ".join(words[i:j])
                if key in self.names:
                    for eid, label in sorted(self.names[key]):
                        if eid not in seen:
                            seen.add(eid)
                            yield eid, label, key
                    break
        for token in set(re.findall(r"\b[A-Z][A-Z0-9]{1,3}\b", sentence)):
            for eid, label in sorted(self.short.get(token, ())):
                if eid not in seen:
                    seen.add(eid)
                    yield eid, label, token


def _source(path: Path, doc: Document, options: Options) -> tuple[Source, Grade]:
    meta = doc.meta
    grade = Grade.parse(str(meta.get("grade") or options.source_grade))
    published = options.published or meta.get("published") or meta.get("date")
    if not published:
        head = "\n".join(doc.text.splitlines()[:40])
        m = _DATE_IN_TEXT.search(head)
        published = m.group(1) if m else None
    try:
        published = to_date(published, "published") if published else None
    except RowError:
        published = None
    src = build(
        Source,
        {
            "title": options.title or meta.get("title") or doc.title,
            "publisher": options.publisher or meta.get("publisher") or "",
            "url": options.url or meta.get("url") or "",
            "published": published,
            "kind": options.kind or meta.get("kind") or "report",
            "reliability": grade.reliability,
            "sha256": doc.sha256,
            "handling": meta.get("handling") or options.handling,
            "description": str(meta.get("description") or ""),
        },
        "source",
    )
    return src, grade


def read_text(path: Path, options: Options, ctx: Context, index: EntityIndex | None = None) -> Iterator[Item]:
    """The document as a Source, the entities it names, and one MENTIONED_IN claim per mention."""
    doc = load_document(path)
    source, grade = _source(path, doc, options)
    yield source, "document"
    index = index if index is not None else EntityIndex(ctx.store)
    made: set[str] = set()

    def entity(
        label: str, name: str, props: dict[str, Any], eid: str = "", attested: bool = True
    ) -> tuple[Entity | None, str]:
        if not eid:
            found = ctx.find(label, name) if label in ("Platform", "Location") else None
            if found:
                return None, found
        e = build(
            Entity,
            {
                "id": eid,
                "label": label,
                "name": name,
                "properties": props,
                "sources": [source.id] if attested else [PROPOSALS_SOURCE.id],
            },
        )
        if e.id in made:
            return None, e.id
        made.add(e.id)
        ctx.remember(e)
        return e, e.id

    def mention(eid: str, n: int, sentence: str, role: str, matched: str, **extra: Any) -> Claim:
        quote = _quote(sentence)
        return build(
            Claim,
            {
                "type": "MENTIONED_IN",
                "subject": eid,
                "object": source.id,
                "source": source.id,
                "grade": str(grade),
                "handling": source.handling,
                "quote": quote,
                "key": f"{role}:{digest(sentence, size=12)}",
                "properties": {"role": role, "matched": matched[:200], "sentence": n, **extra},
            },
        )

    def candidate(p: Any, n: int, sentence: str) -> tuple[Entity | None, Claim, str] | None:
        props: dict[str, Any] = {"status": "pending", "candidate_rule": p.rule, "proposed_in": source.id}
        if p.label == "Person" and p.role:
            props["roles"] = [p.role]
        if p.aliases:
            props["expansion"] = p.aliases[0]
        probe = build(Entity, {"label": p.label, "name": p.name, "properties": props, "sources": [PROPOSALS_SOURCE.id]})
        if probe.id not in made and ctx.store is not None:
            before = ctx.store.get_entities([probe.id]).get(probe.id)
            if before is not None and before.properties.get("status") != "pending":
                return None  # decided already: rejected, or accepted (then the index names it)
        # until it is accepted only the H3 proposals source attests a proposal, so partners never see it
        e, eid = entity(p.label, p.name, props, attested=False)
        c = build(
            Claim,
            {
                "type": "MENTIONED_IN",
                "subject": eid,
                "object": source.id,
                "source": source.id,
                "grade": str(grade),
                "handling": CANDIDATE_HANDLING,
                "quote": _quote(sentence),
                "key": f"candidate:{digest(sentence, size=12)}",
                "properties": {
                    "role": "candidate",
                    "status": "pending",
                    "proposed_label": p.label,
                    "matched": p.text[:200],
                    "rule": p.rule,
                    "sentence": n,
                },
            },
        )
        return e, c, eid

    def proposal(rel: str, s: Mention, o: Mention, cue: str, n: int, sentence: str) -> Claim:
        return build(
            Claim,
            {
                "type": "MENTIONED_IN",
                "subject": s.id,
                "object": source.id,
                "source": source.id,
                "grade": str(grade),
                "handling": CANDIDATE_HANDLING,
                "quote": _quote(sentence),
                "key": f"rel:{rel}:{o.id}:{digest(sentence, size=12)}",
                "properties": {
                    "role": "candidate-relation",
                    "status": "pending",
                    "proposed_type": rel,
                    "proposed_object": o.id,
                    "cue": cue[:200],
                    "sentence": n,
                },
            },
        )

    context: list[Mention] = []  # what the report named so far, for "the compound", "the suspect"
    proposing = False
    for n, sentence in enumerate(sentences(doc.text), start=1):
        where = f"sentence {n}"
        out: list[tuple[Entity | None, Claim]] = []
        for hit in find_countries(sentence):
            role = country_role(sentence, hit.start, hit.demonym)
            name = country_name(hit.code)
            e, eid = entity(
                "Location",
                name,
                {"country": hit.code, "kind": "country"},
                entity_id("Location", name, [hit.code, "country"]),
            )
            out.append((e, mention(eid, n, sentence, role, hit.text, country=hit.code)))
        countries_here = {c.properties.get("country") for _, c in out}
        place_spans: list[tuple[int, int]] = []
        places_here: list[Mention] = []
        hits = list(find_places(sentence))
        names_here = [(p.start, p.end) for p in find_names(sentence) if not lookup(p.name)] if hits else []
        for ph in hits:
            if any(a <= ph.start and ph.end <= b and b - a > ph.end - ph.start for a, b in names_here):
                continue  # "Riverside Pearl Park", "Kayin Peace Army": a place's name inside another name
            place_spans.append((ph.start, ph.end))
            e, eid = entity(
                "Location",
                ph.place.name,
                place_properties(ph.place),
                entity_id("Location", ph.place.name, [ph.place.country, ph.place.kind]),
            )
            out.append((e, mention(eid, n, sentence, "place", ph.text, country=ph.place.country or None)))
            places_here.append(Mention(eid, "Location", ph.place.name, ph.start, ph.end))
            if ph.place.country and ph.place.country not in countries_here:  # the place's country is named through it
                countries_here.add(ph.place.country)
                cname = country_name(ph.place.country)
                ce, ceid = entity(
                    "Location",
                    cname,
                    {"country": ph.place.country, "kind": "country"},
                    entity_id("Location", cname, [ph.place.country, "country"]),
                )
                role = country_role(sentence, ph.start, False)
                out.append((ce, mention(ceid, n, sentence, role, ph.text, country=ph.place.country, via="place")))
        spans: list[tuple[int, int]] = []
        recruiting = bool(_RECRUIT.search(sentence))
        for p in find_platforms(sentence):
            spans.append((p.start, p.end))
            kind, domain = PLATFORMS[p.name][0], PLATFORMS[p.name][1]
            e, eid = entity("Platform", p.name, {"kind": kind, "domain": domain})
            out.append((e, mention(eid, n, sentence, "recruitment" if recruiting else "mentioned", p.text)))
        for f in find_identifiers(sentence, options.region):
            if any(a <= f.start < b for a, b in spans):
                continue
            if f.kind == "wallet":
                e, eid = entity("Wallet", f.value, {"chain": f.extra, "address": f.value}, wallet_id(f.extra, f.value))
            elif f.kind == "phone":
                e, eid = entity("Account", f.value, {"platform": "phone", "phone": f.value})
            elif f.kind == "email":
                e, eid = entity("Account", f.value, {"platform": "email", "email": f.value})
            elif f.kind == "telegram":
                e, eid = entity(
                    "Account",
                    f"@{f.value}",
                    {"platform": "Telegram", "handle": f.value, "url": f"https://t.me/{f.value}"},
                )
            else:  # url or domain: the site is a Platform (a known one when the domain is known)
                known = next((name for name, (_k, d, _o) in PLATFORMS.items() if f.extra.endswith(d)), None)
                if known:
                    e, eid = entity("Platform", known, {"kind": PLATFORMS[known][0], "domain": PLATFORMS[known][1]})
                else:
                    e, eid = entity("Platform", f.extra, {"kind": "website", "domain": f.extra})
            extra = {"url": f.value} if f.kind == "url" else {}
            out.append((e, mention(eid, n, sentence, f.kind, f.text, **extra)))
        named = {c.subject for _, c in out}
        mentions: list[Mention] = []
        for eid, label, matched in index.find(sentence):
            at = re.search(re.escape(matched).replace(r"\ ", r"\W+"), sentence, re.I)
            if at:
                mentions.append(Mention(eid, label, matched, at.start(), at.end()))
            if eid in named:
                continue  # already found by a gazetteer or as an identifier
            out.append((None, mention(eid, n, sentence, "mentioned", matched)))
        # new names: proposed for review, never facts until an editor accepts them
        taken = [*spans, *place_spans, *((m.start, m.end) for m in mentions)]
        for new in find_names(sentence, taken):
            if index.knows(new.name):
                continue
            if new.rule != "armed group abbreviation" and (lookup(new.name) or country_code(new.name)):
                continue  # a place or a country ("KNA" is also St Kitts and Nevis' code: the armed group here)
            if _LEGAL_DOT.search(new.name) and not sentence[new.end :].strip(' "”’)'):
                # "... Co., Ltd." ending a sentence: the full stop is the sentence's when the report also
                # writes the name without it ("Lanxiang Digital Technology Co., Ltd, whose ...")
                if re.search(re.escape(new.name[:-1]) + r"(?![.\w])", doc.text):
                    new = dataclasses.replace(new, name=new.name[:-1], text=new.text.rstrip("."), end=new.end - 1)
            full = short_form_of(new.label, new.name, ((m.label, m.name) for m in context))
            if full is not None:  # "Mr. Somchai" after "Mr. Somchai Boonmee": the same one
                first = next(m for m in context if (m.label, m.name) == (new.label, full))
                mentions.append(Mention(first.id, first.label, first.name, new.start, new.end))
                continue
            made_candidate = candidate(new, n, sentence)
            if made_candidate is None:
                continue
            e, c, eid = made_candidate
            out.append((e, c))
            mentions.append(Mention(eid, new.label, new.name, new.start, new.end))
        # "Starbridge Logistics" after "Starbridge Logistics Co., Ltd": a short form the rules above do not propose
        taken = [*taken, *((m.start, m.end) for m in mentions)]
        for first in {m.id: m for m in context if m.label == "Organization"}.values():
            for short in short_forms(first.label, first.name):
                for at in re.finditer(rf"(?<![\w'’-]){re.escape(short)}(?![\w'’-]|\s+[A-Z])", sentence):
                    if not any(at.start() < b and a < at.end() for a, b in taken):
                        taken.append((at.start(), at.end()))
                        mentions.append(Mention(first.id, first.label, first.name, at.start(), at.end()))
        for rel, subj, obj, cue in find_relations(sentence, [*mentions, *places_here], context):
            prop = proposal(rel, subj, obj, cue, n, sentence)
            if ctx.store is not None and any(
                c.id == prop.id and c.properties.get("status") != "pending"
                for c in ctx.store.claims_of([subj.id], ClaimFilter.make(rel_types=["MENTIONED_IN"], proposals=True))
            ):
                continue  # decided already
            out.append((None, prop))
        # a name in a comparison ("smaller than Jade Orchid Park") is not the one the report is speaking of
        context.extend(
            m
            for m in sorted(mentions, key=lambda m: m.start)
            if not _COMPARED.search(sentence[max(0, m.start - 12) : m.start])
        )
        if not proposing and any(e is not None and PROPOSALS_SOURCE.id in e.sources for e, _c in out):
            proposing = True
            yield PROPOSALS_SOURCE, "proposals"
        for e, c in out:
            if e is not None:
                yield e, where
            yield c, where
