"""Relationships a sentence states between the names in it, proposed for review with the sentence as quote.

Rules over the sentence's mentions (names the graph holds, names proposed from the report, places), not a
statistical model. Each rule is a cue and a voice:

- active, "X runs Y": the subject is the mention before the cue, the object the first one after it;
- passive, "Y is run by X", "Y, operated by X,": the other way round.

The mention before the cue is the head of its phrase: a name inside an appositive or relative clause
("The Blue Horizon Compound, operated by Blue Horizon Investment Group Ltd., is guarded by ...") or after
"of" ("Colonel Aung of the BGF protects ...") is passed over for the name it qualifies. A negated cue ("is not
owned by", "no longer guards", "denied that ...") states nothing. Nominal constructions have rules of their
own: guards or soldiers of an armed group ("militiamen from the BGF at the gate", "wearing the uniforms of
the DKBA", "Colonel Aung's men") protect the compound of the sentence or the one in view; "X's compound" is run
by X; "Colonel Aung of the BGF" is a member; "Its director, Pak Hendra" directs the organisation in view, "the
park's owner, Boss Chen" owns the park; "recruited by X for Y" makes X a recruiter for Y. The full list of
constructions is in docs/ingest.md.

"The compound", "the park", "the same casino", "the buildings" stand for the compound in view (the latest one
named with that word, else the one named most), "that place" for the compound named last (a name in a
comparison, "smaller than X", is not in view), "the company" or "the agency" for the latest organisation, "the
suspect" for the latest person, "his" or "her" before a role ("his title as director of Y", "his trading name")
for the person named last. A place phrase puts a compound or organisation in a place ("X in Sihanoukville",
"X is a walled block inside the Golden Triangle SEZ", "X, a shopfront in Mae Sot", "registered in Bangkok"):
LOCATED_IN; "south of", "near" or "outside" a town propose nothing. Only pairs the ontology allows are proposed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..ontology import ontology

__all__ = ["Mention", "find_relations", "referents"]


@dataclass(frozen=True)
class Mention:
    """An entity named in a sentence: a proposal, one the graph already holds, or a phrase standing for one."""

    id: str
    label: str
    name: str
    start: int
    end: int


@dataclass(frozen=True)
class _Rule:
    rel: str
    cue: re.Pattern[str]
    passive: bool = False
    reach: int = 90  # how far after the cue the object (active) or subject (passive) may start
    subjects: tuple[str, ...] = ()  # labels the subject must have, beyond the ontology's pairs


def _rule(rel: str, cue: str, passive: bool = False, reach: int = 90, subjects: tuple[str, ...] = ()) -> _Rule:
    return _Rule(rel, re.compile(cue, re.I), passive, reach, subjects)


_OF = 12  # "a subsidiary of (the) Y": the object follows at once
# Passive rules come first: an active cue inside a passive one ("operated" in "operated from Myawaddy by")
# is not read again.
RULES: tuple[_Rule, ...] = (
    _rule("PROTECTS", r"\b(?:protected|guarded|secured|patrolled|defended)\s+by\b", True),
    _rule("PROTECTS", r"\bunder\s+the\s+(?:armed\s+)?(?:protection|protective\s+umbrella)\s+of\b", True),
    _rule("OPERATES", r"\b(?:operated|run|managed)(?:\s+(?!by\b)[\w-]+){0,3}?\s+by\b", True),
    _rule("CONTROLS", r"\bcontrolled(?:\s+(?!by\b)[\w-]+){0,2}?\s+by\b", True),
    _rule("CONTROLS", r"\bunder\s+the\s+(?:\w+\s+)?control\s+of\b", True),
    _rule(
        "OWNS", r"\b(?:owned(?:\s+(?!by\b)[\w-]+){0,2}?\s+by|belongs?\s+to|belonged\s+to|the\s+property\s+of)\b", True
    ),
    _rule("OWNS", r"\b(?:financed|funded|bankrolled)(?:\s+(?!by\b)[\w-]+){0,2}?\s+by\b", True),
    _rule("EMPLOYED_BY", r"\b(?:employed|hired)\s+by\b", True),
    _rule(
        "PROTECTS",
        r"\b(?:protects|protect|protecting|protected|secures|secured|provides?\s+(?:armed\s+)?"
        r"(?:security|protection)\s+(?:for|to))\b",
    ),
    # "guards" is as often a noun: only an armed group guards
    _rule("PROTECTS", r"\b(?:guards|guard|guarded|guarding)\b", subjects=("ArmedGroup",)),
    _rule("OPERATES", r"\b(?:operates|operate|operated|operating|runs|ran|manages|managed)\b(?!\s+to\b)"),
    _rule(
        "OPERATES",
        r"\b(?:the|a)\s+(?:company|firm|group|consortium|developer|syndicate|network|people|man|woman)\s+behind\b"
        r"|\b(?:is|are|was|were)\s+(?:\w+ly\s+)?behind\b",
    ),
    _rule("OPERATES", r"\b(?:the|an?)\s+operators?\s+of\b", reach=_OF),
    _rule("CONTROLS", r"\b(?:controls|controlled|is\s+in\s+control\s+of)\b"),
    _rule("OWNS", r"\b(?:owns|owned|co-owns)\b"),
    _rule("OWNS", r"\b(?:the|an?)\s+(?:co-)?owners?\s+of\b", reach=_OF),
    # a financier's stake: the ontology has no financing type, OWNS (equity) is the nearest; the cue is kept
    _rule("OWNS", r"\b(?:financed|funded|bankrolled|bankrolls|invested\s+in|invests\s+in)\b"),
    _rule(
        "PART_OF",
        r"\b(?:(?:a|the)\s+(?:wholly[- ]owned\s+)?(?:subsidiary|unit|division|affiliate|branch|front\s+company)"
        r"|(?:is|was|are|were)\s+(?:a\s+)?part)\s+of\b",
        reach=_OF,
    ),
    _rule(
        "DIRECTS",
        r"\b(?:a|the|as)\s+(?:managing\s+)?(?:director|chairman|chairwoman|chair|manager|boss|head|leader|"
        r"founder|president|CEO)\s+of\b",
        reach=_OF,
    ),
    _rule(
        "RECRUITS_FOR",
        r"\brecruit(?:s|ed|ing)?\b(?!\s+by\b)[^;,]{0,80}?\b(?:for|to\s+work\s+(?:at|in|for)|to|into)\b",
    ),
    _rule(  # "sent more than 40 people to the Golden Lion Park"
        "RECRUITS_FOR",
        r"\b(?:sent|sends|sending|supplied|supplies|supplying|delivered|delivers|trafficked)\s+(?:[\w-]+\s+){0,4}?"
        r"(?:people|persons|workers|recruits|victims|them|women|men|girls|boys|jobseekers|nationals|staff|labou?r)"
        r"\s+(?:on\s+)?(?:to|into)\b",
        reach=40,
    ),
    _rule(
        "RECRUITS_FOR",
        r"\b(?:a|the|as\s+an?)\s+(?:recruiter|recruiting\s+agent|recruitment\s+agent|broker|agent)\s+for\b",
        reach=_OF,
    ),
    # a financial service moving a compound's money; an official in a compound's pay
    _rule("COLLUDES_WITH", r"\blaunder(?:s|ed|ing)?\b[^;,]{0,40}?\b(?:for|on\s+behalf\s+of)\b"),
    _rule(
        "COLLUDES_WITH",
        r"\b(?:handle[sd]?|handling|processe[sd]|moved|moves)\s+(?:the\s+)?(?:payments|money|funds|transfers|"
        r"proceeds)\s+(?:for|of)\b|\bcollud(?:es|ed|ing)\s+with\b|\bin\s+collusion\s+with\b|"
        r"\bon\s+the\s+payroll\s+of\b",
    ),
    _rule(
        "ALLIED_WITH",
        r"\b(?:allied|in\s+alliance)\s+with\b|\ban\s+ally\s+of\b|\b(?:cooperates|cooperated|partnered)\s+with\b",
    ),
    _rule(
        "EMPLOYED_BY",
        r"\b(?:works|worked|working)\s+(?:as\s+an?\s+[\w-]+(?:\s+[\w-]+)?\s+)?for\b|"
        r"\b(?:works|worked|working)\s+(?:out\s+of|at|inside)\b|"
        r"\b(?:an?\s+)?employee\s+of\b",
        reach=40,
    ),
    # "a driver for Starbridge Logistics", "the accountant at the park"
    _rule(
        "EMPLOYED_BY",
        r"\b(?:a|the|as\s+an?|as\s+the)\s+(?:driver|bodyguard|guard|accountant|translator|interpreter|"
        r"supervisor|team\s+leader|floor\s+manager|cook|cashier|employee|staff\s+member)\s+(?:for|at|of)\b",
        reach=_OF,
    ),
    # the route: a recruiter taking people along it ("drove them to Mae Sot"), or passing through it
    _rule(
        "TRANSITED",
        r"\b(?:drove|drives|driven|took|takes|flew|brought|escorted|smuggled|moved|transported|accompanied)\b"
        r"(?:\s+\w+){0,4}?\s+(?:to|across|into|through|via)\b",
        reach=40,
    ),
    _rule(
        "TRANSITED",
        r"\btransit(?:ed|s|ing)?(?:\s+(?:through|via|in|at))?\b|"
        r"\b(?:crossed|crosses)\s+(?:the\s+border\s+)?(?:back\s+)?(?:at|into|to|over\s+to|through|via)\b|"
        r"\b(?:passed|travel+ed|went|journeyed)\s+(?:through|via)\b|"
        # "travelled with the November group himself, through Chiang Rai and on to Chiang Saen"
        r"\b(?:travel+ed|journeyed)\b[^;.]{0,60}?\b(?:through|via)\b",
        reach=40,
    ),
)
_NEGATED = re.compile(r"\b(?:not|never|no\s+longer|nor|denie[sd]|deny|denying)\b[^,;:]*$|n['’]t\s+(?:\w+\s+)?$", re.I)
_REFERENT = re.compile(
    r"\b(?:the|this|that)\s+(?:same\s+)?(?:(compound|park|zone|casino|complex|resort|site|centre|center|garden|"
    r"plaza|buildings)|(company|firm|agency)|(suspect|accused|defendant)|(?<=th(?:is|at)\s)(place))\b(?!-\w)",
    re.I,
)
_GUARDS = re.compile(
    r"\b(?:guards?|soldiers?|militiamen|militia|troops|fighters|gunmen|sentries)\s+(?:from|of|belonging\s+to)"
    r"\s+(?:the\s+)?$|\b(?:insignia|uniforms?|badges?|patch(?:es)?|fatigues)\s+of\s+(?:the\s+)?$",
    re.I,
)
_GUARDS_AFTER = re.compile(r"^\s+(?:uniforms?|insignia|badges?|patch(?:es)?|fatigues|soldiers|troops|militiamen)\b")
_POSSESSIVE = re.compile(r"^['’]s\s+(?:own\s+)?(compound|park|zone|casino|resort|complex|site)\b", re.I)
_CLOSING = re.compile(
    r"^[\s.]*,\s*(?:(?:is|was|are|were|has|had|have|been|also|still|now|reportedly|allegedly)\s+)*$", re.I
)
_AND = re.compile(r"^\s+(?:and|&)\s+(?:(?:then|on|onward|onwards)\s+)?(?:\S+\s+)?$")  # "and on to Chiang Saen"
_MEMBER = re.compile(r"^,?\s+(?:of|from)\s+(?:the\s+)?$")
_MEN = re.compile(r"^['’]s\s+(?:armed\s+)?(?:men|soldiers|troops|militiamen|militia|guards|gunmen|fighters)\b")
_ROLES = {"owner": "OWNS", "operator": "OPERATES", "director": "DIRECTS", "chairman": "DIRECTS", "boss": "DIRECTS"}
_ROLE_OF = re.compile(r"^['’]s\s+(owner|operator|director|chairman|boss),?\s+(?:\w+\s+){0,2}?")
_RECRUITED_BY = re.compile(r"\brecruited\s+(?:\w+\s+){0,2}?by\b", re.I)
_HIS_ROLE = re.compile(  # "his title as director of Lanxiang ...": the person in view
    r"\b(?:his|her)\s+(?:title|role|position|post|job)\s+as\s+(?:the\s+)?(?:managing\s+)?"
    r"(director|chairman|chairwoman|founder|head|owner|boss|CEO|president)\s+of\s+(?:the\s+)?",
    re.I,
)
_SECURITY_AT = re.compile(r"\b(?:security|protection)\s+(?:at|for|of|around)\s+(?:the\s+)?$", re.I)
_PROVIDED_BY = re.compile(r"^\s+(?:is|was|are|were)\s+(?:\w+ly\s+)?(?:provided|handled)\s+by\s+(?:the\s+)?$", re.I)
_RANKS = (
    r"(?:officer|commander|member|soldier|fighter|leader|colonel|lieutenant\s+colonel|captain|major|general|"
    r"lieutenant|sergeant|brigadier)"
)
_MEMBER_OF = re.compile(  # "Saw Eh Kaw, an officer of the DKBA", "a commander of the DKBA's 5th Brigade"
    rf"^,?\s+(?:an?|the)\s+(?:\w+\s+)?{_RANKS}\s+(?:of|in|with|from)\s+(?:the\s+)?$", re.I
)
_MEMBER_BEFORE = re.compile(r"^,?\s+(?:an?|the)\s+(?:\w+\s+)?$", re.I)  # "Saw Eh Kaw, a senior DKBA officer"
_RANK_AFTER = re.compile(rf"^(?:['’]s)?\s+{_RANKS}\b", re.I)
_WHO_RUNS = re.compile(  # "The man who runs Lucky Pine Park day to day is known to the workers as Boss Lim."
    r"\b(?:the|a)\s+(?:man|woman|person|one|boss)\s+who\s+(?:\w+ly\s+)?"
    r"(runs|ran|operates|operated|manages|managed|owns|owned|controls|controlled)\s+(?:the\s+)?$",
    re.I,
)
_WHO_VERBS = {
    **dict.fromkeys(("runs", "ran", "operates", "operated", "manages", "managed"), "OPERATES"),
    **dict.fromkeys(("owns", "owned"), "OWNS"),
    **dict.fromkeys(("controls", "controlled"), "CONTROLS"),
}
# "Jade Orchid Park is a gated block ... inside the Golden Triangle SEZ", "Crescent Bay Compound in Sihanoukville",
# "Starbridge Logistics Co., Ltd, a two-room shopfront in Mae Sot": a place the name is in, nothing else between
_LOCATED = re.compile(
    r"^(?:,?\s+(?:(?:is|was)\s+)?(?:an?|the)\s+[^,;:()]{0,60}?|,?\s+(?:(?:is|was|are|were)\s+)?"
    r"(?:located|based|situated|registered|headquartered)|)\s+(?:in|inside|within)\s+(?:the\s+)?$",
    re.I,
)
_TRADING_NAME = re.compile(  # "Horizon Bridge Recruitment Agency ... appears to be nothing more than his trading name"
    r"\b(?:is|was|appears\s+to\s+be|seems\s+to\s+be)\s+(?:(?:nothing|little)\s+more\s+than\s+|just\s+|only\s+|"
    r"simply\s+)?(?:his|her)\s+(?:own\s+)?(?:trading\s+name|front(?:\s+company)?|shell(?:\s+company)?|"
    r"business\s+name)\b",
    re.I,
)
_ITS_ROLE = re.compile(
    r"\b(?:its|their)\s+(?:managing\s+)?(director|chairman|chairwoman|founder|boss|head|owner)\b", re.I
)


def _allowed(rel: str, subject: str, obj: str) -> bool:
    return (subject, obj) in ontology().relationships[rel].pairs


def _in_view(context: list[Mention], label: str, noun: str = "") -> Mention | None:
    """What "the compound" (``label`` Compound, ``noun`` compound) stands for: the latest one of that label
    named with that noun, else the latest named most often; for other labels the latest one."""
    pool = [m for m in context if m.label == label]
    if not pool:
        return None
    if noun:
        for m in reversed(pool):
            if noun.lower() in m.name.lower():
                return m
    if label != "Compound":
        return pool[-1]
    counts: dict[str, int] = {}
    for m in pool:
        counts[m.id] = counts.get(m.id, 0) + 1
    best = max(counts.values())
    return next(m for m in reversed(pool) if counts[m.id] == best)


def referents(sentence: str, mentions: list[Mention], context: list[Mention]) -> list[Mention]:
    """Phrases of the sentence that stand for an entity in view: "the compound", "the company", "the suspect"."""
    taken = [(m.start, m.end) for m in mentions]
    out: list[Mention] = []
    for r in _REFERENT.finditer(sentence):
        if any(r.start() < b and a < r.end() for a, b in taken):
            continue
        view_of = [*context, *sorted((m for m in mentions if m.end <= r.start()), key=lambda m: m.start)]
        if r.group(4):  # "that place": the compound named last
            view = next((m for m in reversed(view_of) if m.label == "Compound"), None)
        elif r.group(1):
            view = _in_view(view_of, "Compound", r.group(1))
        elif r.group(2):
            view = _in_view(view_of, "Organization")
        else:
            view = _in_view(view_of, "Person")
        if view is not None:
            out.append(Mention(view.id, view.label, view.name, r.start(), r.end()))
    return out


def _head(sentence: str, before: list[Mention], cue: int) -> Mention:
    """The mention a cue's left side is about: the nearest one, unless it closes an appositive or relative
    clause (", operated by X, is guarded by") or follows "of" ("Colonel Aung of the BGF protects"), then the
    name that clause or "of" qualifies."""
    i = len(before) - 1
    while i > 0:
        near = before[i]
        if _MEMBER.match(sentence[before[i - 1].end : near.start]):
            i -= 1
            continue
        if _CLOSING.match(sentence[near.end : cue]):
            opening = sentence.rfind(",", 0, near.start)
            heads = [k for k in range(i) if before[k].end <= opening]
            if heads:
                i = heads[-1]
                continue
        break
    return before[i]


def _negated(sentence: str, at: int) -> bool:
    clause = re.split(r"[,;:]", sentence[:at])[-1]
    return bool(_NEGATED.search(clause))


def find_relations(
    sentence: str, mentions: list[Mention], context: list[Mention]
) -> list[tuple[str, Mention, Mention, str]]:
    """(relationship, subject, object, cue) that the sentence states between the mentions; ``context`` holds
    what the report named before (for "the compound", "the company", "the suspect"), in order."""
    ms = sorted([*mentions, *referents(sentence, mentions, context)], key=lambda m: m.start)
    found: list[tuple[str, Mention, Mention, str]] = []
    read: list[tuple[int, int]] = []  # passive cues already read
    for rule in RULES if len(ms) > 1 else ():  # a cue needs a name either side
        # places are only ever the end of a route leg, never an owner, operator or protected site
        pool = [m for m in ms if (m.label == "Location") == (rule.rel == "TRANSITED") or m.label == "Person"]
        for c in rule.cue.finditer(sentence):
            if any(a <= c.start() < b for a, b in read) or _negated(sentence, c.start()):
                continue
            before = [m for m in pool if m.end <= c.start() and m.label != "Location"]
            after = [m for m in pool if c.end() <= m.start <= c.end() + rule.reach]
            after = [m for m in after if not re.search(r"[,;]", sentence[c.end() : m.start])]  # the same clause
            if not before or not after:
                continue
            left, rights = _head(sentence, before, c.start()), after[:1]
            if re.match(r"['’]s\s+[a-z]", sentence[left.end :]) and left.end < c.start() - 3:
                continue  # "the zone's guards belonged to the DKBA": the guards, not the zone, are the subject
            for m in after[1:]:  # "run jointly by Jade Harbour Entertainment Group and Mr. Lim Chee Keong"
                if not _AND.match(sentence[rights[-1].end : m.start]):
                    break
                rights.append(m)
            for right in rights:
                subj, obj = (right, left) if rule.passive else (left, right)
                if rule.subjects and subj.label not in rule.subjects:
                    continue
                if subj.id != obj.id and _allowed(rule.rel, subj.label, obj.label):
                    found.append((rule.rel, subj, obj, c.group(0)))
                    if rule.passive:
                        read.append((c.start(), c.end()))
    found.extend(_nominal(sentence, ms, context))
    seen: set[tuple[str, str, str]] = set()
    out = []
    for rel, s, o, cue_text in found:
        if (rel, s.id, o.id) not in seen:
            seen.add((rel, s.id, o.id))
            out.append((rel, s, o, cue_text))
    return out


def _nominal(sentence: str, ms: list[Mention], context: list[Mention]) -> list[tuple[str, Mention, Mention, str]]:
    """Relationships stated by a noun phrase rather than a verb."""
    out: list[tuple[str, Mention, Mention, str]] = []
    here = next((m for m in ms if m.label == "Compound"), None)
    for k, m in enumerate(ms):
        # "militiamen from the BGF at the gate", "wearing the uniforms of the DKBA", "in BGF uniforms"
        guards = _GUARDS.search(sentence[max(0, m.start - 50) : m.start])
        if not guards and _GUARDS_AFTER.match(sentence[m.end :]):
            if re.search(r"\b(?:wearing|wore|wear|in)\s+(?:the\s+)?$", sentence[max(0, m.start - 15) : m.start]):
                guards = _GUARDS_AFTER.match(sentence[m.end :])
        if guards and m.label == "ArmedGroup" and not _negated(sentence, m.start):
            target = here or _in_view(context, "Compound")
            if target is not None and _allowed("PROTECTS", m.label, target.label):
                out.append(("PROTECTS", m, target, guards.group(0).strip()))
        # "Boss Tan's compound", "Boss Tan's Golden Bay Park"
        possessive = _POSSESSIVE.match(sentence[m.end :])
        nxt = ms[k + 1] if k + 1 < len(ms) else None
        if possessive:
            target = _in_view(context, "Compound", possessive.group(1))
        elif nxt is not None and re.fullmatch(r"['’]s\s+", sentence[m.end : nxt.start]) and nxt.label == "Compound":
            target = nxt
        else:
            target = None
        if target is not None and target.id != m.id and _allowed("OPERATES", m.label, target.label):
            out.append(("OPERATES", m, target, sentence[m.start : m.end + (possessive.end() if possessive else 2)]))
        # "Colonel Aung of the BGF"
        if nxt is not None and m.label == "Person" and _MEMBER.match(sentence[m.end : nxt.start]):
            if _allowed("MEMBER_OF", m.label, nxt.label):
                out.append(("MEMBER_OF", m, nxt, sentence[m.start : nxt.end]))
        # "Colonel Aung's men guard the gate": his men protect the compound
        men = _MEN.match(sentence[m.end :])
        if men and m.label in ("ArmedGroup", "Person"):
            target = here or _in_view(context, "Compound")
            if target is not None and target.id != m.id and not _negated(sentence, m.start):
                out.append(("PROTECTS", m, target, sentence[m.start : m.end + men.end()]))
        # "the Royal Lotus Casino's owner, Boss Tan"
        role = _ROLE_OF.match(sentence[m.end :])
        if role and nxt is not None and nxt.label == "Person" and nxt.start - m.end <= role.end() + 2:
            rel = _ROLES[role.group(1).lower()]
            if _allowed(rel, nxt.label, m.label):
                out.append((rel, nxt, m, sentence[m.start : nxt.end]))
    # "were recruited by Auntie Mai for the Lucky Crane Casino Compound"
    for c in _RECRUITED_BY.finditer(sentence):
        agent = next((m for m in ms if c.end() <= m.start <= c.end() + 60), None)
        if agent is None or _negated(sentence, c.start()):
            continue
        for m in ms:
            gap = sentence[agent.end : m.start]
            if (
                m.start > agent.end
                and ";" not in gap
                and re.search(r"\b(?:for|to\s+work\s+(?:at|in|for)|to|into)\s", gap)
            ):
                if _allowed("RECRUITS_FOR", agent.label, m.label):
                    out.append(("RECRUITS_FOR", agent, m, c.group(0)))
                break
    out.extend(_nominal_more(sentence, ms, context))
    # "Its director, a man known as "Pak Hendra", ...": the organisation (or compound) named just before
    for role in _ITS_ROLE.finditer(sentence):
        person = next((m for m in ms if m.label == "Person" and 0 <= m.start - role.end() <= 60), None)
        owner = next((m for m in reversed(context) if m.label in ("Organization", "Compound")), None)
        rel = "OWNS" if role.group(1).lower() == "owner" else "DIRECTS"
        if person is not None and owner is not None and _allowed(rel, person.label, owner.label):
            out.append((rel, person, owner, role.group(0)))
    return out


def _person_in_view(sentence: str, ms: list[Mention], context: list[Mention], at: int) -> Mention | None:
    """Who "his" or "her" at ``at`` stands for: the person named last before it (this sentence, else before)."""
    here = [m for m in ms if m.label == "Person" and m.end <= at]
    return here[-1] if here else _in_view(context, "Person")


def _nominal_more(sentence: str, ms: list[Mention], context: list[Mention]) -> list[tuple[str, Mention, Mention, str]]:
    """Relationships stated by a role, a relative clause or a place phrase rather than by a verb between names."""
    out: list[tuple[str, Mention, Mention, str]] = []

    def add(rel: str, subj: Mention, obj: Mention, cue: str) -> None:
        if subj.id != obj.id and _allowed(rel, subj.label, obj.label):
            out.append((rel, subj, obj, cue))

    for k, m in enumerate(ms):
        nxt = ms[k + 1] if k + 1 < len(ms) else None
        gap = sentence[m.end : nxt.start] if nxt is not None else ""
        if nxt is not None and not _negated(sentence, m.start):
            # "Security at Ruby River Park is provided by the KNA"
            if _SECURITY_AT.search(sentence[max(0, m.start - 30) : m.start]) and _PROVIDED_BY.match(gap):
                add("PROTECTS", nxt, m, sentence[m.start : nxt.end])
            # "Saw Eh Kaw, an officer of the DKBA"; "Saw Eh Kaw, a DKBA officer"
            if m.label == "Person" and nxt.label in ("ArmedGroup", "Organization"):
                member = _MEMBER_OF.match(gap)
                rank = _MEMBER_BEFORE.match(gap) and _RANK_AFTER.match(sentence[nxt.end :])
                if member or rank:
                    add("MEMBER_OF", m, nxt, sentence[m.start : nxt.end])
            # "Crescent Bay Compound in Sihanoukville", "X, a two-room shopfront in Mae Sot"
            if m.label in ("Compound", "Organization") and nxt.label == "Location" and _LOCATED.match(gap):
                add("LOCATED_IN", m, nxt, sentence[m.start : nxt.end])
    # "The man who runs Lucky Pine Park day to day is known to the workers as Boss Lim."
    for k, m in enumerate(ms):
        who = _WHO_RUNS.search(sentence[max(0, m.start - 80) : m.start])
        if who is None or _negated(sentence, m.start):
            continue
        for person in ms[k + 1 :]:
            gap = sentence[m.end : person.start]
            if ";" in gap or ":" in gap:
                break
            if person.label == "Person" and re.search(r"\b(?:is|was)\b", gap):
                add(_WHO_VERBS[who.group(1).lower()], person, m, who.group(0).strip() + " " + m.name)
                break
    # "together with his title as director of Lanxiang Digital Technology Co., Ltd"
    for role in _HIS_ROLE.finditer(sentence):
        held = next((m for m in ms if m.start == role.end()), None)
        holder = _person_in_view(sentence, ms, context, role.start())
        if held is not None and holder is not None:
            rel = "OWNS" if role.group(1).lower() == "owner" else "DIRECTS"
            add(rel, holder, held, role.group(0).strip())
    # "Horizon Bridge Recruitment Agency, the name on the website, appears to be nothing more than his trading name"
    for t in _TRADING_NAME.finditer(sentence):
        org = next((m for m in ms if m.label == "Organization" and m.end <= t.start()), None)
        trader = _person_in_view(sentence, ms, context, t.start())
        if org is not None and trader is not None and not _negated(sentence, t.start()):
            add("OPERATES", trader, org, t.group(0))
    return out
