"""New names in a report, proposed for review: compounds and parks, organisations, armed groups, persons.

Rules, not a statistical model (nothing is downloaded; each proposal says which rule made it):

- compounds: a capitalised name ending in Technology Park, Park, Compound, Zone, City, Casino, Resort, Complex,
  Garden(s), Plaza ("Silver Heron Technology Park", "Jade River Compound", "Phoenix Bay Garden");
- organisations: a capitalised name ending in Group, Holdings, Company, Co., Ltd, Limited, Inc, Corporation,
  PLC, Bank, Exchange, Trading, Agency ("Bright Harbour Holdings Co., Ltd", "Prime Asia Recruitment Agency");
  a head alone or with generic words ("Recruitment Agency", "Working Group") is no name;
- armed groups: the region's armed groups by abbreviation (DKBA, KNA, BGF, UWSA, KNU, KNLA, MNDAA, TNLA ...)
  and names ending in Army, Guard Force, Militia, Brigade, Battalion;
- persons: titled names ("Mr. Anan Srisuk", "Col. Saw ..."; a single name keeps its title: "Colonel Aung"),
  names with the honorific or nickname-title they go by ("Boss Tan", "Madam Li", "Ko Htet", "Pak Hendra",
  "Coach Dennis"), and names given in quotes after "called himself", "known as", "knew only as", "everyone
  calls", "nicknamed", "alias" ("Brother Kai", "Boss Liang"). A question's first word is not part of a name
  ("Is Sovanna Bay Holdings the real operator?"). A sentence about a victim (victim, survivor, rescued,
  escaped ...) with no perpetrator's role in it proposes no person, and neither does a name given as a
  pseudonym or put beside a victim ("One victim, Ms. Ploy (a pseudonym)", "A returnee known to staff as
  "Dewi""): victims are never named in the graph.

Names the graph already holds, places, countries and platforms are not proposed (the loader links those),
nor a short form of a name the report gave in full ("Mr. Somchai" after "Mr. Somchai Boonmee"): that is the
same entity (``short_form_of``). The relationships between the names are found in ``relations``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Proposal", "find_names", "short_form_of", "short_forms", "ARMED_GROUP_ABBREVIATIONS"]

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
    rf"(?<![\w'’])({_WORD}(?:\s+(?:{_WORD}|(?:of|and|de|la)(?![\w'’])|&)){{0,7}}"
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
    # a question's first word ("Is Sovanna Bay Holdings the real operator?")
    "Is",
    "Was",
    "Are",
    "Were",
    "Does",
    "Did",
    "Do",
    "Has",
    "Have",
    "Had",
    "Can",
    "Could",
    "Will",
    "Would",
    "Should",
    "Who",
    "What",
    "Which",
    "Why",
    "How",
    "Where",
}
_COMPOUND_END = re.compile(
    r"\b(?:Technology Park|Tech Park|Science Park|Industrial Park|Park|Compound|Zone|New City|"
    r"City|Casino|Resort|Complex|Gardens?|Plaza)$"
)
_ORG_END = re.compile(
    r"\b(?:Group|Holdings?|Company|Co\.,?\s*Ltd\.?|Co\.?\s+Ltd\.?|Ltd\.?|Limited|Inc\.?|"
    r"Co\.|Corporation|Corp\.|PLC|Plc|LLC|LLP|GmbH|JSC|Joint Stock Company|Sdn\.?\s+Bhd\.?|Bhd\.?|Tbk\.?|"
    r"Bank|Exchange|Enterprises?|Trading|Agency)$"
)
# an Indonesian company is named with its form first: "PT Cahaya Mitra Karya" (perseroan terbatas)
_ORG_START = re.compile(r"^PT\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)+$")
_ARMED_END = re.compile(
    r"\b(?:Army|Guard Force|Militia|Brigade(?: \d+)?|Battalion|Defen[cs]e Force|"
    r"Liberation Front)$"
)
_GENERIC = re.compile(
    r"^(?:(?:Technology|Tech|Science|Industrial|Special|Economic|New|Border|Guard|National|Scam|Recruitment|"
    r"Employment|Travel|Working|Task|Contact|Expert|Advisory|Operations|Investment|Trading|Money|Crypto)\s+)*"
    r"(?:Park|Compound|Zone|City|Casino|Resort|Complex|Gardens?|Plaza|Group|Holdings?|Company|Bank|Army|Force|"
    r"Militia|Brigade|Battalion|Agency|Exchange|Trading|Enterprises?)$"
)
_NAME = r"((?:[A-Z][a-z][\w'’-]*)(?:\s+[A-Z][a-z][\w'’-]*){0,3})"
_TITLE = re.compile(
    r"\b(?:(?:(?:Mr|Ms|Mrs|Dr)\.?|(?:Col|Lt|Gen|Maj|Capt|Sgt|Brig|Pol)\.|Colonel|Captain|Commander|"
    rf"Mayor|Senator|Brigadier)\s+)+{_NAME}"
)
# honorifics and nickname-titles a person goes by, kept in the name: "Boss Tan", "Madam Li", "Ko Htet" (Burmese),
# "Pak Hendra", "Coach Dennis"
# "Saw Kyaw Thet", "Naw Paw" (Karen), "Ah Sheng" (Chinese), "Bang Andi" (Indonesian)
_HONORIFIC = re.compile(
    rf"\b((?:Boss|Madam|Madame|Auntie|Aunty|Uncle|Brother|Sister|Pak|Bang|Ko|Daw|Saw|Naw|Ah|Khun|Coach)\s+{_NAME})"
)
# a name given as someone's full name: "heard the full name Lin Haowen" ("his full name, X" names the person
# in view again, an alias of theirs: not a new person)
_FULL_NAME = re.compile(rf"(?<!\bhis )(?<!\bher )(?<!\btheir )\bfull name(?:\s+(?:is|was))?[:,]?\s+{_NAME}")
_ALIAS = re.compile(
    r"\b(?:call(?:ed|ing|s)\s+(?:himself|herself|themselves)|"
    r"known(?:\s+to\s+(?:\w+\s+){1,3}?)?\s*as|nicknamed|alias|a\.k\.a\.?|"
    r"(?:knew|know|knows)\s+(?:(?:him|her|them)\s+)?(?:only\s+)?as|"
    r"(?:man|woman|boss|broker|recruiter|manager|supervisor|agent|guard|driver)\s+(?:\w+\s+)?called|"
    r"(?:whom\s+)?(?:everyone|everybody|they|people|workers|staff|locals|we)\s+call(?:s|ed)?|"
    r"(?:went|goes|go)\s+by(?:\s+the\s+name(?:\s+of)?)?|under\s+the\s+name(?:\s+of)?|"
    r"who called himself)\s*,?\s+[\"“]([^\"”]{2,40})[\"”]"
)
# a name given for a victim: a pseudonym, or a name put beside a victim noun
_PSEUDONYM = re.compile(
    r"^[\"”’]?\s*[,(]?\s*(?:a\s+|the\s+)?(?:pseudonym|not\s+(?:his|her|their)\s+real\s+name|names?\s+"
    r"(?:has\s+been\s+|have\s+been\s+)?changed)",
    re.I,
)
_VICTIM_NOUN = re.compile(
    r"(?<!according to )(?<!according to the )\b(?:one|a|an|the|another)?\s*(?:\w+\s+)?"
    r"(?:victims?|survivors?|returnees?|interviewees?|respondents?|complainants?|escapees?|detainees?)"
    r"\s*[,(]?\s*$",
    re.I,
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


def _named(run: str, at: int) -> Proposal | None:
    """A capitalised run (found at ``at``) as a compound, organisation or armed group, by how it ends."""
    run = re.sub(r"(?:\s+(?:of|and|de|la|&))+$", "", run)  # "Grand Mekong Trading Co. and"
    raw = run.rstrip(".,")
    if raw.endswith(("Ltd", "Inc", "Co")) and run.endswith("."):
        raw += "."
    name, start = _strip(raw, at)
    if not name:
        return None
    end = start + len(name)
    if _COMPOUND_END.search(name):
        return Proposal("Compound", name, name, start, end, "compound name")
    if _ORG_END.search(name) or _ORG_START.match(name):
        return Proposal("Organization", name, name, start, end, "organisation name")
    if _ARMED_END.search(name):
        return Proposal("ArmedGroup", name, name, start, end, "armed group name")
    return None


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

    def victim(start: int, end: int, knower: bool = False) -> bool:
        """Whether the name at start:end is a victim's: a pseudonym, or put beside a victim ("One victim, Ms.
        Ploy", "A returnee known as"; not "the returnees knew him as", where the victim is the one who knows)."""
        if victim_only or _PSEUDONYM.match(sentence[end : end + 40]):
            return True
        return not knower and bool(_VICTIM_NOUN.search(sentence[max(0, start - 40) : start]))

    for m in _ALIAS.finditer(sentence):
        if not victim(
            m.start(),
            m.end(),
            knower=not m.group(0)
            .lower()
            .startswith(("known", "call", "nick", "alias", "a.k", "went", "go", "under", "who")),
        ):
            name = m.group(1).strip()
            add(Proposal("Person", name, m.group(0), m.start(1), m.end(1), "quoted alias", role))
    for m in _TITLE.finditer(sentence):
        name = re.sub(r"['’]s$", "", m.group(1))
        if victim(m.start(), m.start(1) + len(name)):
            continue
        if " " in name:  # "Col. Sok Vannak": the name without the title
            add(Proposal("Person", name, m.group(0), m.start(1), m.start(1) + len(name), "titled name", role))
        else:  # "Colonel Aung": a single name keeps its title
            whole = sentence[m.start() : m.start(1) + len(name)]
            add(Proposal("Person", whole, m.group(0), m.start(), m.start() + len(whole), "titled name", role))
    for m in _FULL_NAME.finditer(sentence):
        if not victim(m.start(1), m.end(1)):
            add(Proposal("Person", m.group(1), m.group(0), m.start(1), m.end(1), "full name", role))
    for m in _HONORIFIC.finditer(sentence):
        name = re.sub(r"['’]s$", "", m.group(1))
        if not victim(m.start(), m.start() + len(name)):
            add(Proposal("Person", name, m.group(0), m.start(), m.start() + len(name), "honorific name", role))
    for m in _RUN.finditer(sentence):
        named = _named(m.group(1), m.start(1))
        if named is None:  # "Jade Harbour Entertainment Group and Mr. Lim ...": the names either side of "and"
            at = m.start(1)
            for piece in re.split(r"(\s+(?:and|&)\s+)", m.group(1)):
                named = _named(piece, at)
                if named is not None:
                    add(named)
                at += len(piece)
        else:
            add(named)
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


_LEGAL = re.compile(r"[,\s]+(?:Co\.?,?\s*Ltd\.?|Co\.?|Ltd\.?|Inc\.?|Limited|PLC|Plc|LLC|Pte\.?\s+Ltd\.?|Corp\.?)$")
_TITLES = re.compile(r"^(?:(?:Mr|Ms|Mrs|Dr|Col|Lt|Gen|Maj|Capt|Sgt|Brig)\.?|Colonel|Captain|Commander)\s+")


def short_form_of(label: str, name: str, earlier: Iterable[tuple[str, str]]) -> str | None:
    """The full name, among ``earlier`` (label, name) pairs of the report, that ``name`` is a short form of:
    "Mr. Somchai" of "Somchai Boonmee", "Sapphire Crown Holdings" of "Sapphire Crown Holdings Ltd.",
    "Pearl Park" of "Riverside Pearl Park"."""
    for lab, full in earlier:
        if lab != label or full == name:
            continue
        if label == "Person":
            bare, words = _TITLES.sub("", name), full.split()
            if " " not in bare and len(words) > 1 and bare in (words[0], words[-1]):
                return full
        elif label == "Organization":
            a, b = _LEGAL.sub("", name), _LEGAL.sub("", full)
            if a == b or (len(a.split()) >= 2 and b.startswith(a + " ")):
                return full
        elif label == "Compound" and len(name.split()) >= 2 and full.endswith(" " + name):
            return full
    return None


def short_forms(label: str, name: str) -> list[str]:
    """The shorter ways a report writes an organisation it named in full, longest first: without the legal
    form, and the first two or more words ("Starbridge Logistics" of "Starbridge Logistics Co., Ltd", "Golden
    Myriad" of "Golden Myriad Investment Group"). Other labels have none here."""
    if label != "Organization":
        return []
    words = _LEGAL.sub("", name).split()
    return [" ".join(words[:k]) for k in range(len(words), 1, -1) if " ".join(words[:k]) != name]
