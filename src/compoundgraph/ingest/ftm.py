"""FollowTheMoney entities (JSON lines from Aleph, OpenSanctions, ``ftm`` tools) onto the ontology.

Things become entities: Person; Organization, Company, LegalEntity (and other legal-entity schemata)
as Organization; CryptoWallet as Wallet (address checksum-validated); Address as Location; UserAccount
as Account. Interval schemata become claims: Ownership -> OWNS, Directorship -> DIRECTS, Membership ->
MEMBER_OF, Employment -> EMPLOYED_BY; Payment -> TRANSFERRED between two wallets, otherwise an Event
(kind ``payment``) that payer and beneficiary are INVOLVED_IN; Sanction -> an Event (kind ``sanction``)
the sanctioned entity is INVOLVED_IN. A wallet's holder gets HOLDS, an account's owner USES.

Nothing is dropped silently: every FtM property without a place in the ontology is kept on the entity or
claim as ``ftm_<property>`` (a list of strings), with ``ftm_id`` and ``ftm_schema``; a record whose schema
has no mapping, or whose ends do not form a pair the ontology allows, is rejected with the reason.
Entity ids derive from the FtM id (stable across re-exports of one dataset), except wallets, whose id is
chain + address everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from followthemoney import model
from followthemoney.exc import InvalidData

from ..errors import InvalidInput
from ..ids import entity_id
from ..models import Claim, Entity
from ..ontology import ontology
from .addresses import AddressError, validate_address
from .base import Context, Item, Options, Reject, RowError, build, file_source
from .fields import slug, to_date, wallet_id
from .gazetteer import country_code

__all__ = ["read_ftm", "THING_MAP", "EDGE_MAP", "MAX_LINE"]

MAX_LINE = 16 * 1024 * 1024
THING_MAP = {
    "Person": "Person",
    "Organization": "Organization",
    "Company": "Organization",
    "LegalEntity": "Organization",
    "PublicBody": "Organization",
    "CryptoWallet": "Wallet",
    "Address": "Location",
    "UserAccount": "Account",
}
# schema -> (relationship, subject property, object property)
EDGE_MAP = {
    "Ownership": ("OWNS", "owner", "asset"),
    "Directorship": ("DIRECTS", "director", "organization"),
    "Membership": ("MEMBER_OF", "member", "organization"),
    "Employment": ("EMPLOYED_BY", "employee", "employer"),
}
_SKIP = {"indexText"}  # derived by FtM tools, not data
_CHAINS = {
    "trx": "tron",
    "tron": "tron",
    "usdt-trc20": "tron",
    "eth": "ethereum",
    "ethereum": "ethereum",
    "btc": "bitcoin",
    "bitcoin": "bitcoin",
    "xbt": "bitcoin",
}


def _first(proxy: Any, prop: str) -> str | None:
    values = proxy.get(prop, quiet=True)
    return values[0] if values else None


def _leftovers(proxy: Any, used: set[str]) -> dict[str, Any]:
    """Every property not mapped, as ``ftm_<name>`` lists (never silently dropped)."""
    out: dict[str, Any] = {"ftm_id": proxy.id, "ftm_schema": proxy.schema.name}
    for prop, values in sorted(proxy.properties.items()):
        if prop in used or prop in _SKIP or not values:
            continue
        out[f"ftm_{slug(prop)}"] = sorted({str(v)[:20_000] for v in values})[:1000]
    return out


def _ftm_entity_id(label: str, ftm_id: str) -> str:
    return entity_id(label, f"ftm {ftm_id}")


def _thing(proxy: Any, label: str, source_id: str) -> Entity:
    names = proxy.get("name", quiet=True)
    props: dict[str, Any] = {}
    used = {"name", "alias", "weakAlias", "previousName"}
    aliases = [
        *proxy.get("alias", quiet=True),
        *proxy.get("weakAlias", quiet=True),
        *proxy.get("previousName", quiet=True),
    ]
    eid = _ftm_entity_id(label, proxy.id)
    country = _first(proxy, "country") if proxy.schema.get("country") else None
    if label == "Person":
        nat = _first(proxy, "nationality") or _first(proxy, "citizenship") or country
        if nat and country_code(nat):
            props["nationality"] = country_code(nat)
            used |= {"nationality"} if _first(proxy, "nationality") else {"citizenship"}
        birth = _first(proxy, "birthDate")
        if birth and birth[:4].isdigit():
            props["birth_year"] = int(birth[:4])
    elif label == "Organization":
        for p in ("jurisdiction", "country"):
            v = _first(proxy, p)
            if v and country_code(v):
                props["country"] = country_code(v)
                used.add(p)
                break
        regs = sorted({*proxy.get("registrationNumber", quiet=True), *proxy.get("taxNumber", quiet=True)})
        if regs:
            props["registration_ids"] = regs
            used |= {"registrationNumber", "taxNumber"}
        topics = proxy.get("topics", quiet=True)
        if topics:
            props["tags"] = sorted(topics)
            used.add("topics")
        if proxy.schema.name == "Company":
            props["org_type"] = "company"
    elif label == "Wallet":
        address = _first(proxy, "publicKey") or _first(proxy, "cryptoAddress") or _first(proxy, "address")
        if not address:
            raise RowError("publicKey", "a CryptoWallet needs its address (publicKey)")
        hint = (_first(proxy, "currency") or _first(proxy, "blockchain") or "").lower()
        try:
            w = validate_address(address, _CHAINS.get(hint))
        except AddressError as exc:
            raise RowError("publicKey", f"invalid wallet address: {exc}", address) from exc
        props.update(chain=w.chain, address=w.address)
        if _first(proxy, "currency"):
            props["asset"] = _first(proxy, "currency")
        used |= {"publicKey", "cryptoAddress", "address", "currency", "holder"}
        eid = wallet_id(w.chain, w.address)
        names = [w.address]
        if _first(proxy, "name"):
            aliases.append(_first(proxy, "name"))
    elif label == "Location":
        full = _first(proxy, "full")
        names = names or ([full] if full else [])
        if not names:
            parts = [_first(proxy, p) for p in ("street", "city", "region", "country")]
            names = [", ".join(p for p in parts if p)] if any(parts) else []
        used |= {"full"}
        if country and country_code(country):
            props["country"] = country_code(country)
            used.add("country")
        props["kind"] = "address"
        for src, dst in (("latitude", "lat"), ("longitude", "lon")):
            v = _first(proxy, src)
            if v:
                props[dst] = float(v)
                used.add(src)
    elif label == "Account":
        handle = _first(proxy, "username")
        service = _first(proxy, "service")
        if handle:
            props["handle"] = handle.lstrip("@")
        if service:
            props["platform"] = service
        email = _first(proxy, "email")
        if email:
            props["email"] = email.lower()
        if _first(proxy, "phone"):
            props["phone"] = _first(proxy, "phone")
        used |= {"username", "service", "email", "phone", "owner"}
        names = names or [handle or props.get("email") or props.get("phone") or proxy.id]
    if not names:
        raise RowError("name", f"the {proxy.schema.name} has no name")
    props.update(_leftovers(proxy, used | {"country"} if "country" in props or "nationality" in props else used))
    return build(
        Entity,
        {
            "id": eid,
            "label": label,
            "name": names[0],
            "aliases": [*names[1:], *aliases],
            "properties": props,
            "sources": [source_id],
        },
    )


def read_ftm(path: Path, options: Options, ctx: Context) -> Iterator[Item]:
    """Two passes: things first (so edges find their ends), then interval schemata."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InvalidInput(f"cannot read: {exc.strerror}", where=str(path)) from exc
    handle.close()
    source = file_source(path, options, kind="dataset", description="FollowTheMoney entities")
    yield source, "file"
    grade = str(options.grade)
    ids: dict[str, tuple[str, str]] = {}  # ftm id -> (entity id, label)
    pending: list[tuple[str, Any]] = []
    for where, proxy in _proxies(path):
        if isinstance(proxy, Reject):
            yield proxy
            continue
        label = THING_MAP.get(proxy.schema.name)
        if label is None and proxy.schema.is_a("LegalEntity") and not proxy.schema.edge:
            label = "Organization"
        if label is None:
            pending.append((where, proxy))
            continue
        try:
            e = _thing(proxy, label, source.id)
        except RowError as exc:
            yield Reject(str(path), where, exc.field, exc.reason, exc.value)
            continue
        ids[proxy.id] = (e.id, label)
        ctx.remember(e)
        yield e, where
        for prop, rel in (("holder", "HOLDS"), ("owner", "USES")):
            if label in ("Wallet", "Account") and proxy.schema.get(prop):
                for ref in proxy.get(prop, quiet=True):
                    pending.append((where, ("link", rel, ref, e.id, proxy)))
    for where, item in pending:
        try:
            yield from _edge(item, ids, source.id, grade, options, ctx, path, where)
        except RowError as exc:
            yield Reject(str(path), where, exc.field, exc.reason, exc.value)


def _proxies(path: Path) -> Iterator[tuple[str, Any]]:
    with path.open("rb") as f:
        for n, raw in enumerate(f, start=1):
            where = f"line {n}"
            if not raw.strip():
                continue
            if len(raw) > MAX_LINE:
                yield where, Reject(str(path), where, "record", f"line is {len(raw):,} bytes; limit {MAX_LINE:,}")
                continue
            try:
                data = json.loads(raw.decode("utf-8"))
                if not isinstance(data, dict) or "schema" not in data:
                    raise ValueError("not an FtM entity (no 'schema')")
                proxy = model.get_proxy(data, cleaned=False)
                if not proxy.id:
                    raise ValueError("the entity has no id")
            except UnicodeDecodeError:
                yield where, Reject(str(path), where, "record", "not UTF-8")
                continue
            except (ValueError, InvalidData, TypeError) as exc:
                yield (
                    where,
                    Reject(str(path), where, "schema" if "schema" in str(exc).lower() else "record", str(exc)[:300]),
                )
                continue
            yield where, proxy


def _end(ids: dict[str, tuple[str, str]], ctx: Context, ref: str | None, field: str) -> tuple[str, str]:
    if not ref:
        raise RowError(field, "missing")
    if ref in ids:
        return ids[ref]
    for label in ("Person", "Organization", "Wallet", "Location", "Account"):
        guess = _ftm_entity_id(label, ref)
        found = ctx.label_of(guess)
        if found:
            return guess, found
    raise RowError(field, "refers to an entity that is neither in the file nor in the store", ref)


def _edge(
    item: Any,
    ids: dict[str, tuple[str, str]],
    source_id: str,
    grade: str,
    options: Options,
    ctx: Context,
    path: Path,
    where: str,
) -> Iterator[Item]:
    if isinstance(item, tuple):
        _, rel, ref, obj_id, proxy = item
        subj, subj_label = _end(ids, ctx, ref, "holder" if rel == "HOLDS" else "owner")
        obj_label = "Wallet" if rel == "HOLDS" else "Account"
        if not ontology().relationships[rel].allows(subj_label, obj_label):
            _bad_pair(rel, subj_label, obj_label)
        yield (
            build(
                Claim,
                {
                    "type": rel,
                    "subject": subj,
                    "object": obj_id,
                    "source": source_id,
                    "grade": grade,
                    "handling": options.handling,
                    "properties": {"ftm_id": proxy.id},
                },
            ),
            where,
        )
        return
    proxy = item
    name = proxy.schema.name
    dates = {
        "valid_from": to_date((_first(proxy, "startDate") or "")[:10] or None, "startDate"),
        "valid_to": to_date((_first(proxy, "endDate") or "")[:10] or None, "endDate"),
    }
    if name in EDGE_MAP:
        rel, sp, op = EDGE_MAP[name]
        subj, sl = _end(ids, ctx, _first(proxy, sp), sp)
        obj, ol = _end(ids, ctx, _first(proxy, op), op)
        if not ontology().relationships[rel].allows(sl, ol):
            _bad_pair(rel, sl, ol)
        props = _leftovers(proxy, {sp, op, "startDate", "endDate"})
        yield (
            build(
                Claim,
                {
                    "type": rel,
                    "subject": subj,
                    "object": obj,
                    "source": source_id,
                    "grade": grade,
                    "handling": options.handling,
                    "key": proxy.id,
                    "properties": props,
                    **dates,
                },
            ),
            where,
        )
        return
    if name in ("Payment", "Sanction"):
        yield from _event(proxy, ids, ctx, source_id, grade, options, where)
        return
    raise RowError("schema", f"FtM schema {name} has no mapping onto the ontology; record kept out", name)


def _bad_pair(rel: str, s: str, o: str) -> None:
    raise RowError("schema", f"{rel} cannot join a {s} to a {o} in the ontology")


def _event(
    proxy: Any, ids: dict[str, tuple[str, str]], ctx: Context, source_id: str, grade: str, options: Options, where: str
) -> Iterator[Item]:
    name = proxy.schema.name
    if name == "Payment":
        payer, pl = _end(ids, ctx, _first(proxy, "payer"), "payer")
        ben, bl = _end(ids, ctx, _first(proxy, "beneficiary"), "beneficiary")
        amount = _first(proxy, "amount")
        date = (_first(proxy, "date") or _first(proxy, "startDate") or "")[:10] or None
        if pl == bl == "Wallet":
            tx = _first(proxy, "transactionNumber") or proxy.id
            props = {"tx_hash": tx, "amount": amount, "asset": _first(proxy, "currency")}
            props.update(_leftovers(proxy, {"payer", "beneficiary", "amount", "currency", "transactionNumber", "date"}))
            yield (
                build(
                    Claim,
                    {
                        "type": "TRANSFERRED",
                        "subject": payer,
                        "object": ben,
                        "source": source_id,
                        "grade": grade,
                        "handling": options.handling,
                        "key": proxy.id,
                        "valid_from": to_date(date, "date"),
                        "properties": props,
                    },
                ),
                where,
            )
            return
        ends = [(payer, "payer"), (ben, "beneficiary")]
        event_props: dict[str, Any] = {"kind": "payment", "date": to_date(date, "date")}
        if amount:
            event_props["amount"] = str(amount)
        if _first(proxy, "currency"):
            event_props["currency"] = _first(proxy, "currency")
        used = {"payer", "beneficiary", "amount", "currency", "date"}
    else:  # Sanction
        ent, _ = _end(ids, ctx, _first(proxy, "entity"), "entity")
        ends = [(ent, "sanctioned")]
        date = (_first(proxy, "startDate") or _first(proxy, "listingDate") or _first(proxy, "date") or "")[:10] or None
        event_props = {
            "kind": "sanction",
            "date": to_date(date, "startDate"),
            "authority": _first(proxy, "authority"),
            "reference": _first(proxy, "unscId") or _first(proxy, "programId") or _first(proxy, "program"),
        }
        used = {"entity", "authority", "startDate"}
    event_props.update(_leftovers(proxy, used))
    title = f"{name} {proxy.caption}" if proxy.caption and proxy.caption != name else f"{name} {proxy.id}"
    event = build(
        Entity,
        {
            "id": _ftm_entity_id("Event", proxy.id),
            "label": "Event",
            "name": title[:300],
            "properties": event_props,
            "sources": [source_id],
        },
    )
    ctx.remember(event)
    yield event, where
    for eid, role in ends:
        yield (
            build(
                Claim,
                {
                    "type": "INVOLVED_IN",
                    "subject": eid,
                    "object": event.id,
                    "source": source_id,
                    "grade": grade,
                    "handling": options.handling,
                    "properties": {"role": role},
                },
            ),
            where,
        )


def sniff_is_ftm(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            for raw in f:
                if raw.strip():
                    data = json.loads(raw)
                    return isinstance(data, dict) and "schema" in data and "record" not in data
    except (OSError, ValueError):
        return False
    return False
