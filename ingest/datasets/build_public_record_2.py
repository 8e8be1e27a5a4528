# ruff: noqa: E501 - the maps read best one entry per line
"""Builds ``src/compoundgraph/sample/public_record_2.jsonl`` from ``shared/research/public-record-2.md``.

The research file's tables are read as they are (sources; entities from the OFAC SDN file and from other
sources; relationships stated in the SDN file and elsewhere; crypto addresses; on-chain transfers; events),
so every fact keeps the source ids, the quote and the grade the file gives it. What the builder decides:

- Ids. An entity the first batch already has ("enriches existing entry", or "existing" in a relationship) keeps
  the first batch's id, name and type (``ENRICHES`` / ``EXISTING``), so both batches load into one graph and the
  SDN data lands on the entities the demo already shows. Every other entity gets the deterministic id the
  loaders make (``entity_id(label, name, key properties)``); wallets are keyed by chain + checksum-valid address.
- Types. SDN "Company" / "Organization" rows are Organizations (``org_type`` says company, bank, criminal
  organization); "Asset" rows (London buildings) are Locations of kind ``property``; the rest keep their type.
- Sources. Each source's reliability is the letter most of its rows are graded with (an official record A,
  near-verbatim copies B, interested parties C); every claim carries its own row's grade.
- Data minimisation, as in the research file: persons get OFAC UID, birth date, place of birth, nationality and
  city / country; no passport or ID numbers, no home addresses.
- Stance: where a row quotes an accusation and a source's denial (H028: the KNU denies running KK Park), the
  denying source's claim carries ``stance: denies`` and the denial as quote, so the link shows as contested.
- Left out, and listed when the script runs: relationships whose other end the file leaves unnamed ("unnamed
  Cambodian officials", "248 telecom-fraud groups") or gives only truncated (two hops of the TRON trace), and
  pairs the ontology does not allow. H021 (an analyst's identity inference) becomes a pending SAME_AS candidate,
  not a fact, as the file asks.
- Coordinates: compounds whose locality the curated gazetteer places (Shwe Kokko, KK Park, O'Smach, Bavet,
  Bamban) get them, marked ``geo_source: gazetteer`` with the gazetteer's reference.

Run: ``.venv/bin/python ingest/datasets/build_public_record_2.py [path/to/public-record-2.md]`` (default
``../shared/research/public-record-2.md`` beside the checkout; writes the sample file and checks it loads with
the first batch into a fresh embedded store).
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from compoundgraph.errors import CompoundGraphError  # noqa: E402
from compoundgraph.ids import entity_id  # noqa: E402
from compoundgraph.ingest.addresses import validate_address  # noqa: E402
from compoundgraph.ingest.fields import wallet_id  # noqa: E402
from compoundgraph.ingest.gazetteer import country_code  # noqa: E402
from compoundgraph.ingest.places import lookup  # noqa: E402
from compoundgraph.loader import load_jsonl, record_to_json  # noqa: E402
from compoundgraph.models import Claim, Entity, Source, check_claim_pair  # noqa: E402
from compoundgraph.ontology import ontology  # noqa: E402

OUT = ROOT / "src" / "compoundgraph" / "sample" / "public_record_2.jsonl"
RESEARCH = ROOT.parent / "shared" / "research" / "public-record-2.md"

# SDN rows that enrich an entity of the first batch -> that entity's name there
ENRICHES = {
    "E001": "Prince Group", "E015": "Chen Zhi", "E095": "Prince Bank Plc", "E145": "Jin Bei Group Co. Ltd",
    "E146": "Golden Fortune Resorts World Ltd", "E147": "KNA", "E148": "Saw Chit Thu", "E149": "Saw Htoo Eh Moo",
    "E150": "Saw Chit Chit", "E151": "Myanmar Yatai International Holding Group Co. Ltd",
    "E152": "Yatai International Holdings Group Ltd", "E153": "She Zhijiang", "E154": "Saw Min Min Oo",
    "E155": "Tin Win", "E156": "Chit Linn Myaing Group", "E170": "DKBA", "E175": "Chamu Sawang",
    "E176": "Trans Asia International Holding Group Thailand Co. Ltd", "E177": "Troth Star Company Ltd",
    "E178": "Funnull Technology Inc.", "E179": "Liu Lizhi", "E180": "Ly Yong Phat", "E181": "L.Y.P. Group Co. Ltd",
    "E182": "O-Smach Resort", "E187": "Zhao Wei", "E191": "Kings Romans International (HK) Co. Ltd",
    "E194": "Wan Kuok-koi",
}
# words in a relationship cell marked "existing" -> the first batch's entity
EXISTING = {
    "Tai Chang": "Tai Chang compound", "KK Park": "KK Park", "Shwe Kokko": "Shwe Kokko",
    "Huione Guarantee": "Haowang Guarantee", "Haowang": "Haowang Guarantee", "Huione Pay": "Huione Pay PLC",
    "Lucky South 99": "Lucky South 99 Outsourcing Inc.", "Baofu compound": "Baofu compound",
    "Hongsheng Gaming Technology": "Hongsheng Gaming Technology Inc.", "Zun Yuan Technology": "Zun Yuan Technology Inc.",
    "Myanmar military": "Myanmar military", "Ming family syndicate": "Ming family syndicate",
    "Bai Suocheng": "Bai Suocheng", "Qiu Wei Ren": "Qiu Wei Ren", "Alice Guo": "Alice Guo",
    "Cassandra Li Ong": "Cassandra Li Ong", "Chen Zhi": "Chen Zhi", "Saw Chit Thu": "Saw Chit Thu",
}
# (row, source) pairs where the source denies the row's claim: a denial, not a second assertion
DENIES = {("H028", "P2-72")}  # the Karen deny any involvement in the scams (KK Park)
# events of this batch that are the first batch's events (with more detail)
SAME_EVENT = {
    "EV01": "OFAC designation of the Prince Group TCO", "EV02": "OFAC designation of the KNA",
    "EV03": "OFAC designations of September 2025", "EV04": "OFAC designation of the DKBA",
    "EV05": "OFAC designation of Funnull Technology", "EV06": "OFAC Global Magnitsky designation of Ly Yong Phat",
    "EV07": "OFAC designation of the Zhao Wei TCO", "EV08": "OFAC Global Magnitsky designation of Wan Kuok-koi",
    "EV10": "UK sanctions on the Prince network", "EV22": "Military raid on KK Park",
    "EV29": "Conviction of Alice Guo for qualified trafficking",
}
# compounds placed by the curated gazetteer: entity name -> gazetteer place
COMPOUND_PLACES = {"Shwe Kokko": "Shwe Kokko", "KK Park": "KK Park area", "O-Smach Resort": "O'Smach",
                   "Heng He Bavet City": "Bavet", "Baofu compound": "Bamban",
                   "Golden Sun Sky Casino and Hotel complex": "Sihanoukville"}
TYPES = {"Company": "Organization", "Company (bank)": "Organization", "Organization": "Organization",
         "ArmedGroup": "ArmedGroup", "Person": "Person", "Compound": "Compound", "Platform": "Platform",
         "Asset": "Location", "Wallet": "Wallet"}
KIND_WORDS = [("designation", "sanction designation"), ("sanctions", "sanction designation"),
              ("raid", "raid"), ("execution", "execution"), ("verdict", "prosecution"), ("convicts", "prosecution"),
              ("complaint", "prosecution"), ("warrant", "arrest"), ("prosecution", "prosecution"),
              ("appeal", "prosecution"), ("extradition", "repatriation"), ("hands", "repatriation"),
              ("arrested", "arrest"), ("demolition", "demolition"), ("lease", "lease"), ("ban", "ban")]


def _first_batch() -> Any:
    spec = importlib.util.spec_from_file_location("build_public_record", Path(__file__).with_name("build_public_record.py"))
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def tables(text: str) -> dict[str, list[list[str]]]:
    """Rows of every table, keyed by the first cell's prefix (P2, E, R, H, W, T, EV)."""
    out: dict[str, list[list[str]]] = defaultdict(list)
    for line in text.splitlines():
        if not line.startswith("| ") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        m = re.match(r"^(P2|EV|E|R|H|W|T)-?\d+$", cells[0])
        if m:
            out[m.group(1)].append(cells)
    return out


def _iso(text: str) -> str | None:
    m = re.search(r"\d{4}-\d{2}-\d{2}", text)
    return m.group(0) if m else None


def _quote(cell: str) -> str:
    return cell.strip().strip('"').strip("“”")


def _halves(quote: str) -> tuple[str, str]:
    """(accusation, denial) of a row quoting both ("… / the Karen … deny …")."""
    parts = [p.strip().strip('"“”') for p in quote.split(" / ")]
    denial = next((p for p in parts if re.search(r"\bden(?:y|ies|ied)\b", p)), quote)
    return next((p for p in parts if p != denial), quote), denial


def _country(location: str) -> str | None:
    first = location.split(" / ")[0]
    if "Hong Kong" in first:
        return "HK"
    if "Virgin Islands, British" in first:
        return "VG"
    parts = [p.strip() for p in first.split(",")]
    for p in reversed(parts):
        code = country_code(re.sub(r"\(.*?\)", "", p).strip())
        if code:
            return code
    return None


class Builder:
    def __init__(self, text: str) -> None:
        self.t = tables(text)
        self.first = _first_batch()
        first_records = self.first.build()
        self.first_entities = {r.name: r for r in first_records if isinstance(r, Entity)}
        self.records: list[Source | Entity | Claim] = []
        self.sources: dict[str, Source] = {}
        self.ids: dict[str, str] = {}  # E-key / EV-key -> id
        self.labels: dict[str, str] = {}  # id -> label
        self.entities: dict[str, Entity] = {}
        self.quotes: dict[str, str] = {}
        self.left_out: list[str] = []
        self.groups: dict[str, list[str]] = defaultdict(list)

    # -- sources --------------------------------------------------------------------------------------------------
    def build_sources(self) -> None:
        grades: dict[str, Counter[str]] = defaultdict(Counter)
        for prefix, col_src, col_grade in (("E", -1, None), ("R", 6, 8), ("H", 6, 8), ("W", 7, 9), ("T", 7, 9),
                                           ("EV", 5, 6)):
            for row in self.t[prefix]:
                if prefix == "E":
                    srcs, grade = (row[6], row[7]) if len(row) == 8 else (row[-1], "A1")
                else:
                    srcs, grade = row[col_src], row[col_grade or 0]
                for k in re.findall(r"P2-\d+", srcs):
                    grades[k][grade[:1]] += 1
        for row in self.t["P2"]:
            key, title, publisher, date, url_cell = row[:5]
            urls = re.findall(r"https?://[^\s)]+", url_cell)
            rel = grades[key].most_common(1)[0][0] if grades[key] else "B"
            kind = "sanctions-list" if key == "P2-01" else "dataset" if key in ("P2-02", "P2-03") else "news"
            s = Source(title=title.replace("`", "")[:300], publisher=publisher, url=urls[0] if urls else "",
                       published=_iso(date) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else None, kind=kind,
                       reliability=rel, handling="H0",
                       description=f"{url_cell.replace('`', '')} (date: {date}) [public-record-2.md {key}]")
            self.sources[key] = s
            self.records.append(s)

    # -- entities -------------------------------------------------------------------------------------------------
    def _add(self, key: str, e: Entity) -> None:
        if e.id in self.entities:  # one record per id: unite aliases and sources
            old = self.entities[e.id]
            e = old.model_copy(update={"aliases": sorted({*old.aliases, *e.aliases} - {old.name}),
                                       "sources": sorted({*old.sources, *e.sources}),
                                       "properties": {**e.properties, **old.properties}})
        self.entities[e.id] = e
        self.ids[key] = e.id
        self.labels[e.id] = e.label

    def _existing(self, name: str, extra: dict[str, Any], aliases: list[str], sources: list[str],
                  identifiers: list[str] = ()) -> Entity:  # type: ignore[assignment]
        old = self.first_entities[name]
        return Entity(id=old.id, label=old.label, name=old.name, aliases=sorted({*old.aliases, *aliases} - {old.name}),
                      identifiers=sorted(set(identifiers)), properties={**old.properties, **extra},
                      sources=sorted({*old.sources, *sources}))

    def _new(self, label: str, name: str, aliases: list[str], props: dict[str, Any], sources: list[str],
             identifiers: list[str] = ()) -> Entity:  # type: ignore[assignment]
        key_props = [props.get(k) for k in ontology().labels[label].key]
        return Entity(id=entity_id(label, name, key_props), label=label, name=name, aliases=aliases,
                      identifiers=sorted(set(identifiers)), properties=props, sources=sources)

    def build_sdn_entities(self) -> None:
        group = ""
        for row in self.t["E"]:
            if len(row) != 9:
                continue
            key, typ, listed, aliases_cell, location, idents, personal, _vs, src = row
            label = TYPES[typ]
            m = re.match(r"^(.*?)\s*\[=\s*(.*?)\]$", listed)
            name, aliases = (m.group(2), [m.group(1)]) if m else (listed, [])
            aliases += [re.sub(r"\s*\((?:original script|low-quality a\.k\.a\.)\)", "", a).strip()
                        for a in aliases_cell.split(";") if a.strip() not in ("–", "")]
            uid = re.search(r"OFAC UID (\d+)", idents)
            props: dict[str, Any] = {"ofac_uid": uid.group(1) if uid else None, "sanctions": "OFAC SDN",
                                     "sdn_identifiers": [i.strip() for i in idents.split(";") if i.strip()]}
            registration = [i.strip() for i in idents.split(";")
                            if re.match(r"\s*(Company Number|Registration|Tax ID|Identification Number|Business Registration|C\.R\. No|Legal Entity|Global Intermediary)", i)]
            identifiers = [f"OFAC UID {uid.group(1)}"] if uid else []
            if label == "Person":
                nat = re.search(r"Nationality: ([^;]+)", personal)
                birth = re.search(r"Birthdate: ([\d-]+(?: to [\d-]+)?)", personal)
                pob = re.search(r"Place of Birth: ([^;]+)", personal)
                cits = re.findall(r"Citizenship: ([^;]+)", personal)
                props.update({"nationality": country_code(nat.group(1).strip()) if nat else None,
                              "birth_date": birth.group(1) if birth else None,
                              "place_of_birth": pob.group(1).strip() if pob else None,
                              "citizenship": [c for c in (country_code(x.strip()) for x in cits) if c] or None,
                              "city": location})
            else:
                props.update({"country": _country(location), "address": location,
                              "org_type": ("bank" if "bank" in typ else "criminal organization"
                                           if "Criminal Organization" in idents else "company" if typ.startswith("Company")
                                           else None) if label == "Organization" else None,
                              "registration_ids": registration or None})
            props = {k: v for k, v in props.items() if v not in (None, [], "")}
            srcs = [self.sources[k].id for k in re.findall(r"P2-\d+", src)]
            if key in ENRICHES:
                e = self._existing(ENRICHES[key], props, [listed, *aliases] if listed != ENRICHES[key] else aliases,
                                   srcs, identifiers)
            else:
                e = self._new(label, name, aliases, props, srcs, identifiers)
            self._add(key, e)
            n = int(key[1:])
            group = next(g for g, (lo, hi) in {"G1": (1, 146), "G2": (147, 150), "G3": (151, 159), "G4": (160, 169),
                                                "G5": (170, 177), "G6": (178, 179), "G7": (180, 185),
                                                "G8": (186, 193), "G9": (194, 197)}.items() if lo <= n <= hi)
            self.groups[group].append(key)

    def build_other_entities(self) -> None:
        for row in self.t["E"]:
            if len(row) != 8:
                continue
            key, typ, name, notes, country, _idents, src, grade = row
            label = TYPES[typ]
            srcs = [self.sources[k].id for k in re.findall(r"P2-\d+", src)]
            if "…" in src:  # "P2-54 … P2-57"
                lo, hi = (int(x) for x in re.findall(r"P2-(\d+)", src))
                srcs = [self.sources[f"P2-{i:02d}"].id for i in range(lo, hi + 1) if f"P2-{i:02d}" in self.sources]
            code = country_code(country.split(" ")[0]) if country not in ("–", "?") else None
            props: dict[str, Any] = {"note": notes, "research_grade": grade}
            if label == "Wallet":
                address = re.search(r"`([^`]+)`", name)
                assert address, name
                w = validate_address(address.group(1), "tron")
                e = Entity(id=wallet_id(w.chain, w.address), label="Wallet", name=w.address,
                           properties={"chain": w.chain, "address": w.address, "note": notes}, sources=srcs)
                self._add(key, e)
                continue
            if key in ENRICHES:
                self._add(key, self._existing(ENRICHES[key], {"note": notes}, [name], srcs))
                continue
            paren = re.match(r"^(.*?)\s*\((.*?)\)$", name)
            aliases: list[str] = []
            if paren and label != "Location" and paren.group(2)[:1].islower():
                name = f"{paren.group(1)} {paren.group(2)}"  # "... Zone (administration)": part of the name
            elif paren and label != "Location":
                name, inner = paren.group(1), paren.group(2)
                if not re.match(r"^(Dato|Datuk|Gen\.|Maj\. Gen\.|SpaceX)", inner) or label == "Platform":
                    aliases.append(inner)
                else:
                    props["title"] = inner
            if label == "Person":
                props["nationality"] = code
            elif label == "Location":
                props.update({"country": code, "kind": "property"})
            else:
                props["country"] = code
            if label == "Compound":
                props["status"] = "unknown"
            if label == "Organization":
                props["org_type"] = "company" if typ == "Company" else None
            if label == "Platform":
                props["kind"] = "service"
            props = {k: v for k, v in props.items() if v not in (None, "")}
            self._add(key, self._new(label, name, aliases, props, srcs))

    def place_compounds(self) -> None:
        for eid, e in list(self.entities.items()):
            place = COMPOUND_PLACES.get(e.name)
            p = lookup(place) if place else None
            if p is not None and p.lat is not None and e.label == "Compound":
                self.entities[eid] = e.model_copy(update={"properties": {
                    **e.properties, "lat": p.lat, "lon": p.lon, "geo_source": "gazetteer", "geo_ref": p.source}})
        for name, place in COMPOUND_PLACES.items():  # first-batch compounds this batch does not touch
            if name in self.first_entities and self.first_entities[name].id not in self.entities:
                old = self.first_entities[name]
                p = lookup(place)
                if p is not None and p.lat is not None and old.label == "Compound":
                    self.entities[old.id] = old.model_copy(update={"properties": {
                        **old.properties, "lat": p.lat, "lon": p.lon, "geo_source": "gazetteer",
                        "geo_ref": p.source}})
                    self.labels[old.id] = old.label

    # -- events ---------------------------------------------------------------------------------------------------
    def build_events(self) -> None:
        first_events = {r.name: r for r in self.first.build() if isinstance(r, Entity) and r.label == "Event"}
        self.first_events = first_events
        for row in self.t["EV"]:
            key, name, dates, place, parts, src, grade, note = row
            kind = next((k for w, k in KIND_WORDS if w in name.lower()), "event")
            srcs = [self.sources[k].id for k in re.findall(r"P2-\d+", src) if k in self.sources]
            if "…" in src:
                lo, hi = (int(x) for x in re.findall(r"P2-(\d+)", src))
                srcs = [self.sources[f"P2-{i:02d}"].id for i in range(lo, hi + 1) if f"P2-{i:02d}" in self.sources]
            props = {"kind": kind, "date": _iso(dates), "dates": dates, "place": place if place != "–" else None,
                     "note": note if note != "–" else None, "research_grade": grade}
            props = {k: v for k, v in props.items() if v}
            if key in SAME_EVENT:
                old = first_events[SAME_EVENT[key]]
                e = old.model_copy(update={"aliases": sorted({*old.aliases, name}), "sources": sorted({*old.sources, *srcs}),
                                           "properties": {**props, **old.properties, "detail": name}})
            else:
                e = Entity(label="Event", name=name, properties=props, sources=srcs)
            self._add(key, e)
            # participants: a whole SDN group, or entity keys and ranges
            members: list[str] = []
            for g in re.findall(r"G\d", parts):
                members += self.groups[g]
            for lo, hi in re.findall(r"E(\d{3})[–-]E(\d{3})", parts):
                members += [f"E{i:03d}" for i in range(int(lo), int(hi) + 1)]
            members += re.findall(r"\bE\d{3}\b", re.sub(r"E\d{3}[–-]E\d{3}", "", parts))
            for m in dict.fromkeys(members):
                if m not in self.ids:
                    continue
                for k in re.findall(r"P2-\d+", src) or []:
                    self._claim(self.ids[m], "INVOLVED_IN", e.id, k, grade, f"{name}", {"research_key": key,
                                "role": "designated" if kind == "sanction designation" else "participant"},
                                e.properties.get("date"))

    # -- claims ---------------------------------------------------------------------------------------------------
    def _claim(self, subj: str, rel: str, obj: str, src_key: str, grade: str, quote: str,
               props: dict[str, Any], date: str | None) -> bool:
        try:
            check_claim_pair(Claim(type=rel, subject=subj, object=obj, source=self.sources[src_key].id, grade=grade),
                             self.labels[subj], self.labels[obj])
        except CompoundGraphError:
            return False
        s = self.sources[src_key]
        self.records.append(Claim(type=rel, subject=subj, object=obj, source=s.id, grade=grade, quote=quote[:2000],
                                  handling="H0", first_seen=s.published or date,
                                  properties={k: v for k, v in props.items() if v not in (None, "", "–")}))
        return True

    def _resolve(self, cell: str, rel: str, as_object: bool) -> list[str]:
        out: list[str] = []
        for part in re.split(r";|/(?= [A-Z])", cell):
            keys = re.findall(r"\((E\d{3})\)", part) + re.findall(r"\bE\d{3}\b", part.split("(")[0])
            evs = re.findall(r"\b(EV\d\d)\b", part)
            if keys:
                out += [self.ids[k] for k in keys if k in self.ids]
            elif evs:
                out += [self.ids[k] for k in evs if k in self.ids]
            else:
                hit = next((v for k, v in sorted(EXISTING.items(), key=lambda kv: -len(kv[0])) if k in part), None)
                if hit and hit in self.first_entities:
                    e = self.first_entities[hit]
                    self.labels[e.id] = e.label
                    out.append(e.id)
                elif rel == "LOCATED_IN" and as_object:
                    out.append(self._location(part))
        return out

    def _location(self, text: str) -> str:
        clean = re.sub(r"\(.*?\)", "", text).strip()
        parts = [p.strip() for p in clean.split(",")]
        p = None
        for cand in parts:
            p = lookup(cand)
            if p is not None:
                break
        if p is not None:
            props = {"country": p.country, "kind": p.kind, "geo_source": "gazetteer", "geo_ref": p.source}
            if p.lat is not None:
                props.update({"lat": p.lat, "lon": p.lon})
            name = p.name
        else:
            props = {"country": _country(clean), "kind": "locality"}
            name = clean
        props = {k: v for k, v in props.items() if v is not None}
        e = Entity(id=entity_id("Location", name, [props.get("country"), props["kind"]]), label="Location", name=name,
                   properties=props, sources=[self.sources["P2-01"].id])
        if e.id not in self.entities:
            self._add(f"loc:{name}", e)
        return e.id

    def build_relationships(self) -> None:
        for prefix in ("R", "H"):
            for row in self.t[prefix]:
                key, subj, rel, obj, qualifier, date, src, quote, grade, reason = row[:10]
                same = re.match(r"\(same quote as (H\d+)\)", quote)
                quote = self.quotes.get(same.group(1), quote) if same else _quote(quote)
                self.quotes[key] = quote
                if key == "H021":  # an analyst's inference: a merge candidate, not a fact
                    a, b = self.ids["E215"], self.ids["E175"]
                    self.records.append(Claim(type="SAME_AS", subject=min(a, b), object=max(a, b),
                                              source=self.sources["P2-14"].id, grade=grade, quote=quote, handling="H0",
                                              properties={"status": "pending", "method": "alias", "score": 100.0,
                                                          "research_key": key}))
                    continue
                subjects = self._resolve(subj, rel, False)
                objects = self._resolve(obj, rel, True)
                if not subjects or not objects:
                    self.left_out.append(f"{key}: {subj} {rel} {obj} (an end the file leaves unnamed)")
                    continue
                made = False
                extra: dict[str, Any] = {}
                if rel == "OWNS" and all(self.labels[o] == "Person" for o in objects):
                    rel, extra = "CONTROLS", {"research_type": "OWNS"}  # a group does not own a person
                for s in subjects:
                    for o in objects:
                        for k in re.findall(r"P2-\d+", src):
                            stance = "denies" if (key, k) in DENIES else None
                            said = _halves(quote)[1 if stance else 0] if any(r == key for r, _ in DENIES) else quote
                            made |= self._claim(s, rel, o, k, grade, said,
                                                {"qualifier": qualifier, "reason": reason, "date": date,
                                                 "research_key": key, "stance": stance, **extra}, _iso(date))
                if not made:
                    self.left_out.append(f"{key}: {subj} {rel} {obj} (a pair the ontology does not allow)")

    def build_wallets(self) -> None:
        for row in self.t["W"]:
            key, holder, chain, addr, feature, rel, date, src, quote, grade, reason = row[:11]
            address = addr.strip("`")
            chain_name = "bitcoin" if "XBT" in chain else "ethereum" if "ETH" in chain else "tron"
            w = validate_address(address, chain_name)  # raises on a bad checksum: nothing mistyped lands
            asset = {"bitcoin": "BTC", "ethereum": "ETH", "tron": "TRX"}[w.chain]
            e = Entity(id=wallet_id(w.chain, w.address), label="Wallet", name=w.address,
                       properties={"chain": w.chain, "address": w.address, "asset": asset, "tags": ["OFAC SDN"],
                                   "ofac_feature_id": feature, "listed": date},
                       sources=[self.sources[k].id for k in re.findall(r"P2-\d+", src)])
            self._add(key, e)
            for k in re.findall(r"P2-\d+", src):
                self._claim(self._resolve(holder, rel, False)[0], "HOLDS", e.id, k, grade, quote,
                            {"research_key": key, "ofac_feature_id": feature, "reason": reason}, _iso(date))
        for row in self.t["T"]:
            key, frm, rel, to, amount, date, tx, src, quote, grade, reason = row[:11]
            if rel == "HOLDS":
                holder = self._resolve(frm, rel, False)
                wallet = self._resolve(to, rel, True)
                if holder and wallet:
                    self._claim(holder[0], "HOLDS", wallet[0], "P2-71", grade, _quote(quote), {"research_key": key}, None)
                continue
            ends = [re.search(r"`(T[1-9A-HJ-NP-Za-km-z]{33})`", c) for c in (frm, to)]
            if not all(ends) or not re.fullmatch(r"[0-9a-f]{64}", tx):
                self.left_out.append(f"{key}: transfer {frm[:40]} -> {to[:40]} (address or hash given only truncated)")
                continue
            a, b = (wallet_id("tron", validate_address(m.group(1), "tron").address) for m in ends if m)
            for wid in (a, b):
                if wid not in self.labels:
                    raise SystemExit(f"{key}: wallet {wid} is not defined in the file")
            qty = re.match(r"([\d,]+(?:\.\d+)?)\s*(\w+)", amount)
            assert qty, amount
            self.records.append(Claim(
                type="TRANSFERRED", subject=a, object=b, source=self.sources["P2-71"].id, grade=grade,
                quote=_quote(quote), handling="H0", key=tx,
                properties={"tx_hash": tx, "amount": qty.group(1).replace(",", ""), "asset": qty.group(2),
                            "timestamp": date.replace(" ", "T") + ":00Z", "research_key": key, "reason": reason}))

    def build(self) -> list[Source | Entity | Claim]:
        self.build_sources()
        self.build_sdn_entities()
        self.build_other_entities()
        self.build_events()
        self.build_wallets()
        self.build_relationships()
        self.place_compounds()
        return [*self.records[: len(self.sources)], *self.entities.values(), *self.records[len(self.sources):]]


def main() -> None:
    research = Path(sys.argv[1]) if len(sys.argv) > 1 else RESEARCH
    builder = Builder(research.read_text(encoding="utf-8"))
    records = builder.build()
    order = {Source: 0, Entity: 1, Claim: 2}
    records.sort(key=lambda r: order[type(r)])
    with OUT.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(record_to_json(r), ensure_ascii=False) + "\n")
    from compoundgraph.store import EmbeddedStore

    with tempfile.TemporaryDirectory() as tmp:
        store = EmbeddedStore(Path(tmp) / "check.sqlite")
        first = load_jsonl(store, [OUT.with_name("public_record.jsonl")])
        summary = load_jsonl(store, [OUT])
        store.close()
    counts = Counter(type(r).__name__ for r in records)
    print(f"wrote {len(records)} records to {OUT} ({dict(counts)}); on a fresh store after the first batch "
          f"({first.created} created): {summary.created} created, {summary.updated} updated")
    print(f"left out ({len(builder.left_out)}):")
    for line in builder.left_out:
        print("  " + line)


if __name__ == "__main__":
    main()
