"""New names in a report, proposed for review: compounds and parks, organisations, armed groups, persons, and
the relationships sentences state between them.

Rules, not a statistical model (nothing is downloaded; each proposal says which rule made it):

- compounds: a capitalised name ending in Technology Park, Park, Compound, Zone, City, Casino, Resort, Complex
  ("Silver Heron Technology Park", "Jade River Compound");
- organisations: a capitalised name ending in Group, Holdings, Company, Co., Ltd, Limited, Inc, Corporation,
  PLC, Bank, Exchange ("Bright Harbour Holdings Co., Ltd");
- armed groups: the region's armed groups by abbreviation (DKBA, KNA, BGF, UWSA, KNU, KNLA, MNDAA, TNLA ...)
  and names ending in Army, Guard Force, Militia, Brigade, Battalion;
- persons: titled names ("Mr. Anan Srisuk", "Col. Saw ..."), and names given in quotes after "called
  himself", "known as", "nicknamed", "alias" ("Brother Kai", "Boss Liang"). A sentence about a victim
  (victim, survivor, rescued, escaped ...) with no perpetrator's role in it proposes no person: victims are
  never named in the graph.

Names the graph already holds, places, countries and platforms are not proposed (the loader links those).
Relationships: "X protects Y" / "Y is protected by X" / "guards wearing the insignia of X" (PROTECTS, Y the
compound of the sentence or the compound in view), "Y is operated / run / managed by X" and "X runs Y"
(OPERATES), "owned by" / "belongs to" / "owns" (OWNS), "recruits ... for" (RECRUITS_FOR), and a person taking
people along the route, "drove them to Mae Sot" (TRANSITED, person -> place); only pairs the ontology allows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..ontology import ontology

__all__ = ["Mention", "Proposal", "find_names", "find_relations", "ARMED_GROUP_ABBREVIATIONS"]

ARMED_GROUP_ABBREVIATIONS = {
    "DKBA": "Democratic Karen Benevolent Army",
    "KNA": "Karen National Army",
    "BGF": "Border Guard Force",
    "UWSA": "United Wa State Army",
    "KNU": "Karen National Union",
    "KNLA": "Karen National Liberation Army",
    "MNDAA": "Myanmar National Democratic Alliance Army",
    "TNLA": "Ta'ang National Liberation Army",
    "KIA": "Kachin Independence Army",
    "SSPP": "Shan State Progress Party",
    "NDAA": "National Democratic Alliance Army",
    "KPC": "Karen Peace Council",
    "SSA": "Shan State Army",
    "AA": "Arakan Army",
}
_WORD = r"[A-Z][\w'’&-]*\.?"
_RUN = re.compile(
    rf"(?<![\w'’])({_WORD}(?:\s+(?:{_WORD}|of|and|&|de|la)){{0,7}}"
    r"(?:,?\s+(?:Co\.,?\s*Ltd\.?|Co\.?\s+Ltd\.?|Ltd\.?|Inc\.?|Limited|PLC|Plc|LLC|Pte\.?\s+Ltd\.?))?)"
)
_LEADING = {
    "The",
    "A",
    "An",
    "From",
    "In",
    "At",
    "On",
    "By",
    "For",
    "With",
    "After",
    "Before",
    "During",
    "Then",
    "When",
    "While",
    "This",
    "That",
    "Its",
    "His",
    "Her",
    "Their",
    "Our",
    "Both",
    "Each",
    "Some",
    "Many",
    "Two",
    "Three",
    "Four",
    "Five",
    "Several",
    "According",
    "Guards",
    "Inside",
    "Outside",
    "Near",
    "To",
    "Into",
    "And",
    "But",
    "Or",
    "Former",
    "Ex",
    "Unruly",
    "New",
    "Old",
}
_COMPOUND_END = re.compile(
    r"\b(?:Technology Park|Tech Park|Science Park|Industrial Park|Park|Compound|Zone|New City|"
    r"City|Casino|Resort|Complex)$"
)
_ORG_END = re.compile(
    r"\b(?:Group|Holdings?|Company|Co\.,?\s*Ltd\.?|Co\.?\s+Ltd\.?|Ltd\.?|Limited|Inc\.?|"
    r"Corporation|Corp\.|PLC|Plc|LLC|Bank|Exchange|Enterprises?|Trading)$"
)
_ARMED_END = re.compile(
    r"\b(?:Army|Guard Force|Militia|Brigade(?: \d+)?|Battalion|Defen[cs]e Force|"
    r"Liberation Front)$"
)
_GENERIC = re.compile(
    r"^(?:(?:Technology|Tech|Science|Industrial|Special|Economic|New|Border|Guard|National|Scam)\s+)*"
    r"(?:Park|Compound|Zone|City|Casino|Resort|Complex|Group|Holdings?|Company|Bank|Army|Force|"
    r"Militia|Brigade|Battalion)$"
)
_TITLE = re.compile(
    r"\b(?:(?:Mr|Ms|Mrs|Dr)\.?|(?:Col|Lt|Gen|Maj|Capt|Sgt|Brig)\.|Colonel|Captain|Commander|Mayor|"
    r"Senator|Brigadier)\s+((?:[A-Z][a-z][\w'’-]*)(?:\s+[A-Z][a-z][\w'’-]*){0,3})"
)
_ALIAS = re.compile(
    r"\b(?:call(?:ed|ing|s)\s+(?:himself|herself|themselves)|"
    r"known(?:\s+to\s+(?:\w+\s+){1,3}?)?\s*as|nicknamed|alias|a\.k\.a\.?|"
    r"(?:went|goes|go)\s+by(?:\s+the\s+name(?:\s+of)?)?|under\s+the\s+name(?:\s+of)?|"
    r"who called himself)\s*,?\s+[\"“]([^\"”]{2,40})[\"”]"
)
_VICTIM = re.compile(
    r"\b(?:victims?|survivors?|rescued|escaped|trafficked|repatriated|released|detained workers?)\b", re.I
)
_PERPETRATOR = re.compile(
    r"\b(?:recruit\w*|boss\w*|manager|broker|guard\w*|smuggler|trafficker|agent|driver|"
    r"owner|director|chairman|commander|operat\w+)\b",
    re.I,
)
_RECRUIT = re.compile(r"\brecruit\w*|job (?:ad|advert|offer)\w*", re.I)


@dataclass(frozen=True)
class Mention:
    """An entity named in a sentence: a proposal, or one the graph already holds."""

    id: str
    label: str
    name: str
    start: int
    end: int


@dataclass(frozen=True)
class Proposal:
    label: str
    name: str
    text: str
    start: int
    end: int
    rule: str
    role: str = ""
    aliases: tuple[str, ...] = ()


def _strip(run: str, start: int) -> tuple[str, int]:
    """Drop leading function words ("The", "From", "Guards") from a capitalised run."""
    while True:
        m = re.match(r"(\S+)\s+", run)
        if not m or m.group(1).rstrip(".,") not in _LEADING:
            break
        start += m.end()
        run = run[m.end() :]
    return ("", start) if run.rstrip(".,") in _LEADING else (run, start)


def find_names(sentence: str, taken: Iterable[tuple[int, int]] = ()) -> list[Proposal]:
    """Names in the sentence that look like a compound, organisation, armed group or person."""
    spans = list(taken)
    out: list[Proposal] = []

    def free(a: int, b: int) -> bool:
        return not any(a < y and x < b for x, y in spans)

    def add(p: Proposal) -> None:
        if free(p.start, p.end) and not _GENERIC.match(p.name) and len(p.name) >= 3:
            spans.append((p.start, p.end))
            out.append(p)

    perpetrator = bool(_PERPETRATOR.search(sentence))
    victim_only = bool(_VICTIM.search(sentence)) and not perpetrator
    role = (
        "recruiter"
        if _RECRUIT.search(sentence)
        else "manager"
        if re.search(r"\b(?:manager|boss)\b", sentence, re.I)
        else ""
    )
    for m in _ALIAS.finditer(sentence):
        if not victim_only:
            name = m.group(1).strip()
            add(Proposal("Person", name, m.group(0), m.start(1), m.end(1), "quoted alias", role))
    for m in _TITLE.finditer(sentence):
        if not victim_only:
            add(Proposal("Person", m.group(1), m.group(0), m.start(1), m.end(1), "titled name", role))
    for m in _RUN.finditer(sentence):
        raw = m.group(1).rstrip(".,")
        if raw.endswith(("Ltd", "Inc", "Co")) and m.group(1).endswith("."):
            raw += "."
        name, start = _strip(raw, m.start(1))
        if not name:
            continue
        end = start + len(name)
        if _COMPOUND_END.search(name):
            add(Proposal("Compound", name, name, start, end, "compound name"))
        elif _ORG_END.search(name):
            add(Proposal("Organization", name, name, start, end, "organisation name"))
        elif _ARMED_END.search(name):
            add(Proposal("ArmedGroup", name, name, start, end, "armed group name"))
    for m in re.finditer(r"(?<![\w-])([A-Z]{2,6})(?![\w-])", sentence):
        if m.group(1) in ARMED_GROUP_ABBREVIATIONS:
            add(
                Proposal(
                    "ArmedGroup",
                    m.group(1),
                    m.group(1),
                    m.start(1),
                    m.end(1),
                    "armed group abbreviation",
                    aliases=(ARMED_GROUP_ABBREVIATIONS[m.group(1)],),
                )
            )
    return sorted(out, key=lambda p: p.start)


# (relationship, cue, passive): in the active voice the subject comes before the cue and the object after it
_RELATIONS: list[tuple[str, re.Pattern[str], bool]] = [
    ("PROTECTS", re.compile(r"\b(?:protected|guarded|secured)\s+by\b", re.I), True),
    (
        "PROTECTS",
        re.compile(
            r"\b(?:protects|protect|protecting|guards|provides?\s+(?:armed\s+)?(?:security|protection)"
            r"\s+(?:for|to))\b",
            re.I,
        ),
        False,
    ),
    ("OPERATES", re.compile(r"\b(?:operated|run|managed|controlled)\s+by\b", re.I), True),
    ("OPERATES", re.compile(r"\b(?:operates|runs|manages|ran)\b", re.I), False),
    ("OWNS", re.compile(r"\b(?:owned\s+by|belongs?\s+to|belonged\s+to)\b", re.I), True),
    ("OWNS", re.compile(r"\bowns\b", re.I), False),
    ("RECRUITS_FOR", re.compile(r"\brecruit(?:s|ed|ing)?\b(?:\s+\w+){0,5}?\s+for\b", re.I), False),
    # a recruiter or broker taking people along the route: "drove them to Mae Sot", "took the group across the Moei"
    (
        "TRANSITED",
        re.compile(
            r"\b(?:drove|drives|driven|took|takes|flew|brought|escorted|smuggled|moved|"
            r"transported|accompanied)\b(?:\s+\w+){0,4}?\s+(?:to|across|into|through|via)\b",
            re.I,
        ),
        False,
    ),
]
_ANAPHORA = re.compile(r"\s+(?:the|this|that)\s+(compound|park|zone|casino|complex|site|centre|center)\b", re.I)
_OPENING = re.compile(
    r"^(?:The|This|That|Its)\s+(compound|park|zone|casino|complex|site|centre|center)\b"
    r"[^,;]{0,40}$",
    re.I,
)
_INSIGNIA = re.compile(r"\b(?:insignia|uniforms?|badges?|patch(?:es)?)\s+of\s+(?:the\s+)?$", re.I)


def _allowed(rel: str, subject: str, obj: str) -> bool:
    return (subject, obj) in ontology().relationships[rel].pairs


def _in_view(context: list[Mention], noun: str = "") -> Mention | None:
    """The compound "the compound" means: the latest one named with that noun, else the one named most."""
    if not context:
        return None
    if noun:
        for m in reversed(context):
            if noun.lower() in m.name.lower():
                return m
    counts: dict[str, int] = {}
    for m in context:
        counts[m.id] = counts.get(m.id, 0) + 1
    best = max(counts.values())
    return next(m for m in reversed(context) if counts[m.id] == best)


def find_relations(
    sentence: str, mentions: list[Mention], context: list[Mention]
) -> list[tuple[str, Mention, Mention, str]]:
    """(relationship, subject, object, cue) that the sentence states between the mentions; ``context`` holds the
    compounds named so far in the report (for "the compound")."""
    found: list[tuple[str, Mention, Mention, str]] = []
    ms = sorted(mentions, key=lambda m: m.start)
    for rel, cue, passive in _RELATIONS:
        # places are only ever the end of a route leg here, never an owner, operator or protected site
        pool = [m for m in ms if (m.label == "Location") == (rel == "TRANSITED") or m.label == "Person"]
        for c in cue.finditer(sentence):
            before = [m for m in pool if m.end <= c.start() and m.label != "Location"]
            after = [m for m in pool if m.start >= c.end()]
            anaphor = _ANAPHORA.match(sentence[c.end() :])
            in_view = _in_view(context, anaphor.group(1)) if anaphor else None
            if not after and not passive and in_view is not None:
                after = [in_view]  # "... protects the compound": the compound in view
            opening = _OPENING.match(sentence[: c.start()])
            if not before and opening:  # "The zone is guarded by ...": the compound in view
                view = _in_view(context, opening.group(1))
                before = [view] if view is not None else []
            if not before or not after:
                continue
            left, right = before[-1], after[0]
            subj, obj = (right, left) if passive else (left, right)
            if c.group(0).lower().startswith("guard") and subj.label != "ArmedGroup":
                continue  # "guards" is as often a noun: only an armed group's guarding counts
            if _allowed(rel, subj.label, obj.label) and subj.id != obj.id:
                found.append((rel, subj, obj, c.group(0)))
    for m in ms:  # "guards wearing the insignia of the DKBA": the armed group protects the compound in view
        if m.label == "ArmedGroup" and _INSIGNIA.search(sentence[max(0, m.start - 40) : m.start]):
            target = next((x for x in ms if x.label == "Compound"), None) or _in_view(context)
            if target is not None and _allowed("PROTECTS", m.label, target.label):
                found.append(("PROTECTS", m, target, "insignia of"))
    seen: set[tuple[str, str, str]] = set()
    out = []
    for rel, s, o, cue_text in found:
        if (rel, s.id, o.id) not in seen:
            seen.add((rel, s.id, o.id))
            out.append((rel, s, o, cue_text))
    return out
