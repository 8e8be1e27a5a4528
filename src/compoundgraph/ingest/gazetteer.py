"""Gazetteers: countries (names, official names, common short forms, demonyms) and platforms.

Countries come from ``pycountry`` (ISO 3166-1) plus the short forms UN and ASEAN texts use ("Lao PDR",
"Viet Nam", "Republic of Korea") and demonyms for the region's nationalities. Platforms are the social,
messaging, dating and job-board services recruitment reports name. Matching is on word boundaries;
names that are also ordinary words ("Hinge", "Line", "Signal") match only when capitalised.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import pycountry

__all__ = [
    "CountryHit",
    "PlatformHit",
    "country_code",
    "country_name",
    "find_countries",
    "find_platforms",
    "PLATFORMS",
    "platform_info",
]

# Short forms and spellings pycountry does not list; the UN's own spellings first.
_COUNTRY_ALIASES = {
    "LA": ["Lao PDR", "Laos", "Lao People's Democratic Republic", "Lao"],
    "VN": ["Viet Nam", "Vietnam"],
    "KR": ["Republic of Korea", "South Korea", "Korea"],
    "KP": ["North Korea", "DPRK", "Democratic People's Republic of Korea"],
    "MM": ["Myanmar", "Burma"],
    "CN": ["China", "People's Republic of China", "PRC", "Mainland China"],
    "TW": ["Taiwan", "Taiwan Province of China", "Taiwan Province of the People's Republic of China"],
    "HK": ["Hong Kong", "Hong Kong SAR", "Hong Kong Special Administrative Region"],
    "MO": ["Macau", "Macao"],
    "RU": ["Russia"],
    "GB": ["United Kingdom", "UK", "Britain", "Great Britain"],
    "US": ["United States", "USA", "United States of America"],
    "PH": ["Philippines", "the Philippines"],
    "IR": ["Iran"],
    "SY": ["Syria"],
    "TZ": ["Tanzania"],
    "BO": ["Bolivia"],
    "VE": ["Venezuela"],
    "CZ": ["Czech Republic", "Czechia"],
    "TR": ["Turkey", "Türkiye"],
    "CI": ["Ivory Coast", "Côte d'Ivoire"],
    "MD": ["Moldova"],
}
# Demonyms (nationality adjectives) for the countries these reports are about, and common others.
_DEMONYMS = {
    "MM": ["Myanmar national", "Burmese"],
    "KH": ["Cambodian", "Khmer"],
    "LA": ["Lao", "Laotian"],
    "TH": ["Thai"],
    "VN": ["Vietnamese"],
    "CN": ["Chinese"],
    "TW": ["Taiwanese"],
    "HK": ["Hong Konger"],
    "MY": ["Malaysian"],
    "ID": ["Indonesian"],
    "PH": ["Filipino", "Filipina", "Philippine"],
    "SG": ["Singaporean"],
    "JP": ["Japanese"],
    "KR": ["Korean", "South Korean"],
    "IN": ["Indian"],
    "BD": ["Bangladeshi"],
    "NP": ["Nepali", "Nepalese"],
    "PK": ["Pakistani"],
    "LK": ["Sri Lankan"],
    "BT": ["Bhutanese"],
    "KE": ["Kenyan"],
    "UG": ["Ugandan"],
    "ET": ["Ethiopian"],
    "NG": ["Nigerian"],
    "GH": ["Ghanaian"],
    "TZ": ["Tanzanian"],
    "BR": ["Brazilian"],
    "US": ["American"],
    "GB": ["British"],
    "RU": ["Russian"],
    "UA": ["Ukrainian"],
    "TR": ["Turkish"],
    "EG": ["Egyptian"],
    "MA": ["Moroccan"],
    "KP": ["North Korean"],
    "MO": ["Macanese"],
    "AU": ["Australian"],
    "CA": ["Canadian"],
    "UZ": ["Uzbek", "Uzbekistani"],
    "KZ": ["Kazakh", "Kazakhstani"],
    "KG": ["Kyrgyz"],
    "TJ": ["Tajik"],
    "MN": ["Mongolian"],
    "BN": ["Bruneian"],
    "TL": ["Timorese"],
    "AE": ["Emirati"],
    "SD": ["Sudanese"],
    "ZW": ["Zimbabwean"],
    "ZM": ["Zambian"],
    "CM": ["Cameroonian"],
    "RW": ["Rwandan"],
    "BI": ["Burundian"],
    "SO": ["Somali"],
    "ER": ["Eritrean"],
    "SN": ["Senegalese"],
    "CI": ["Ivorian"],
    "MW": ["Malawian"],
    "ZA": ["South African"],
    "IR": ["Iranian"],
    "AF": ["Afghan"],
    "BY": ["Belarusian"],
    "GE": ["Georgian"],
    "FR": ["French"],
    "DE": ["German"],
    "IT": ["Italian"],
    "ES": ["Spanish"],
    "CZ": ["Czech"],
    "PL": ["Polish"],
}
# Nouns for people of a nationality: "two Filipinos", "Sri Lankans", "the Thais". Adjectives ending in -ese,
# -ish, -ch, or that are also a language ("Lao", "Khmer") have no plural of their own ("Burmese", "Swiss").
_NO_PLURAL = ("ese", "ish", "ch", "ss", "Lao", "Khmer", "Myanmar national", "Philippine", "Swiss")
for _code, _forms in list(_DEMONYMS.items()):
    _DEMONYMS[_code] = [*_forms, *(f + "s" for f in _forms if not f.endswith(_NO_PLURAL))]
_DEMONYMS["MM"].append("Myanmar nationals")
# Names of countries that are also ordinary words in English prose, or parts of others' names.
_NEEDS_CAPITAL = {"Chad", "Guinea", "Jordan", "Georgia", "Niger", "Turkey", "Lao", "Korea", "Khmer"}


@dataclass(frozen=True)
class CountryHit:
    code: str  # ISO 3166-1 alpha-2
    text: str  # as written
    start: int
    end: int
    demonym: bool  # matched a nationality adjective ("Thai") rather than a country name


@dataclass(frozen=True)
class PlatformHit:
    name: str  # canonical platform name
    text: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """lower-case name -> alpha-2 (names, official names, common names, aliases)."""
    names: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                names.setdefault(value.lower(), c.alpha_2)
        # "Korea, Republic of" style names also as "Republic of Korea"
        if "," in c.name:
            head, tail = (p.strip() for p in c.name.split(",", 1))
            names.setdefault(f"{tail} {head}".lower(), c.alpha_2)
    for code, aliases in _COUNTRY_ALIASES.items():
        for a in aliases:
            names[a.lower()] = code
    return names


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, str]:
    return {d.lower(): code for code, ds in _DEMONYMS.items() for d in ds}


def country_code(text: str) -> str | None:
    """ISO alpha-2 for a country name, alias, alpha-2 or alpha-3 code; None if unknown."""
    t = text.strip()
    if not t:
        return None
    if len(t) == 2 and pycountry.countries.get(alpha_2=t.upper()):
        return t.upper()
    if len(t) == 3 and t.isalpha() and t.upper() == t:
        c = pycountry.countries.get(alpha_3=t.upper())
        if c:
            return str(c.alpha_2)
    return _country_names().get(t.lower()) or _demonyms().get(t.lower())


# Display names: the short forms reports use, not ISO's long ones ("Lao PDR", not "Lao People's ...").
_DISPLAY = {
    "LA": "Lao PDR",
    "VN": "Viet Nam",
    "KR": "Republic of Korea",
    "TW": "Taiwan",
    "RU": "Russia",
    "KP": "North Korea",
    "IR": "Iran",
    "SY": "Syria",
    "BO": "Bolivia",
    "VE": "Venezuela",
    "TZ": "Tanzania",
    "MD": "Moldova",
    "CZ": "Czechia",
    "HK": "Hong Kong",
    "MO": "Macao",
}


def country_name(code: str) -> str:
    if code in _DISPLAY:
        return _DISPLAY[code]
    c = pycountry.countries.get(alpha_2=code)
    return str(getattr(c, "common_name", None) or c.name) if c else code


@lru_cache(maxsize=1)
def _country_pattern() -> re.Pattern[str]:
    keys = sorted({*_country_names(), *_demonyms()}, key=len, reverse=True)
    keys = [k for k in keys if len(k) > 2 or k in ("uk",)]
    return re.compile(r"(?<![\w'])(" + "|".join(re.escape(k) for k in keys) + r")(?![\w'])", re.I)


def find_countries(text: str) -> Iterator[CountryHit]:
    """Countries and nationalities named in ``text`` (longest name wins: "Republic of Korea" over "Korea")."""
    names, dem = _country_names(), _demonyms()
    for m in _country_pattern().finditer(text):
        raw = m.group(1)
        key = raw.lower()
        if raw.lower() == "uk" and raw != "UK":
            continue
        if any(key == n.lower() for n in _NEEDS_CAPITAL) and not raw[0].isupper():
            continue
        if key in names:
            yield CountryHit(names[key], raw, m.start(1), m.end(1), False)
        elif key in dem:
            if not raw[0].isupper():
                continue
            yield CountryHit(dem[key], raw, m.start(1), m.end(1), True)


# name -> (kind, domain, other spellings)
PLATFORMS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "Facebook": ("social", "facebook.com", ("FB",)),
    "Instagram": ("social", "instagram.com", ()),
    "TikTok": ("social", "tiktok.com", ("Tik Tok", "Douyin")),
    "WeChat": ("messaging", "wechat.com", ("Weixin",)),
    "Telegram": ("messaging", "t.me", ()),
    "WhatsApp": ("messaging", "whatsapp.com", ()),
    "LINE": ("messaging", "line.me", ("Line app",)),
    "Viber": ("messaging", "viber.com", ()),
    "Signal": ("messaging", "signal.org", ()),
    "Zalo": ("messaging", "zalo.me", ()),
    "KakaoTalk": ("messaging", "kakaocorp.com", ("Kakao",)),
    "X (Twitter)": ("social", "x.com", ("Twitter",)),
    "YouTube": ("social", "youtube.com", ()),
    "LinkedIn": ("job-board", "linkedin.com", ()),
    "Jobs.com": ("job-board", "jobs.com", ()),
    "JobStreet": ("job-board", "jobstreet.com", ()),
    "Indeed": ("job-board", "indeed.com", ()),
    "Tinder": ("dating", "tinder.com", ()),
    "Hinge": ("dating", "hinge.co", ()),
    "Bumble": ("dating", "bumble.com", ()),
    "Badoo": ("dating", "badoo.com", ()),
    "Skype": ("messaging", "skype.com", ()),
    "Discord": ("messaging", "discord.com", ()),
    "Reddit": ("social", "reddit.com", ()),
}
# Ordinary English words: only match when written with a capital letter.
_PLATFORM_CAPITAL = {"Hinge", "LINE", "Signal", "Indeed", "Line app", "Kakao"}


@lru_cache(maxsize=1)
def _platform_table() -> tuple[re.Pattern[str], dict[str, str]]:
    spellings: dict[str, str] = {}
    for name, (_kind, _domain, others) in PLATFORMS.items():
        for s in (name, *others):
            spellings[s.lower()] = name
    keys = sorted(spellings, key=len, reverse=True)
    pat = re.compile(r"(?<![\w.@/])(" + "|".join(re.escape(k) for k in keys) + r")(?![\w])", re.I)
    return pat, spellings


def platform_info(name: str) -> tuple[str, str] | None:
    """(kind, domain) of a known platform name or spelling."""
    _, spellings = _platform_table()
    canon = spellings.get(name.strip().lower())
    return (PLATFORMS[canon][0], PLATFORMS[canon][1]) if canon else None


def find_platforms(text: str) -> Iterator[PlatformHit]:
    pat, spellings = _platform_table()
    for m in pat.finditer(text):
        raw = m.group(1)
        canon = spellings[raw.lower()]
        if canon in _PLATFORM_CAPITAL or raw in _PLATFORM_CAPITAL:
            if canon == "LINE" and raw != "LINE":
                continue
            if not raw[0].isupper():
                continue
        if canon == "Signal" and raw != "Signal":
            continue
        yield PlatformHit(canon, raw, m.start(1), m.end(1))
