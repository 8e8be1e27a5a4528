"""Run readers over files and land what they yield in a store through ``store.writer()``.

Every file is checked before anything is written (a file that cannot be read at all fails the run with
one message and leaves the store unchanged). Then, file by file, each record is checked against what the
store and this run already hold - an entity must not change type, a claim's ends must exist and be a
pair the ontology allows - so a bad row becomes a reject and never breaks a write batch.
"""

from __future__ import annotations

import gc
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import CompoundGraphError, InvalidInput
from ..loader import parse_record
from ..memory import gc_paused
from ..models import Claim, Entity, Source, check_claim_pair
from ..ontology import SOURCE_LABEL
from ..store.base import GraphStore, Writer
from .base import Context, Item, Options, Reject
from .chain import read_chain, sniff_is_chain
from .found import Found
from .ftm import read_ftm, sniff_is_ftm
from .places import with_coordinates
from .resolve import DecisionLog, MergedIds, scan
from .spreadsheet import iter_rows, read_spreadsheet
from .summary import IngestSummary, write_report
from .text import TEXT_SUFFIXES, EntityIndex, load_document, read_text

__all__ = ["FORMATS", "detect_format", "ingest", "is_package"]

FORMATS = ("spreadsheet", "ftm", "chain", "text", "jsonl", "package")
Progress = Callable[[str, int, int | None], None]  # (file, items done, total or None)


def is_package(path: Path) -> bool:
    """A partner task-force package: a folder or zip holding ``manifest.json``."""
    if path.is_dir():
        return (path / "manifest.json").exists()
    if path.suffix.lower() == ".zip" and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return any(n == "manifest.json" or n.endswith("/manifest.json") for n in z.namelist())
    return False


def detect_format(path: Path) -> str:
    """The format of a file from its name and first bytes."""
    if is_package(path):
        return "package"
    if path.is_dir():
        raise InvalidInput("a folder is only read as a partner package (it has no manifest.json)", where=str(path))
    if not path.exists():
        raise InvalidInput("no such file", where=str(path))
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".ftm", ".json") and sniff_is_ftm(path):
        return "ftm"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".csv", ".tsv") and sniff_is_chain(path):
        return "chain"
    if suffix in (".csv", ".tsv", ".xlsx", ".json", ".yaml", ".yml"):
        return "spreadsheet"
    if suffix in TEXT_SUFFIXES:
        return "text"
    raise InvalidInput(
        f"cannot tell the format of a {suffix or 'extension-less'} file; pass --format ({', '.join(FORMATS)})",
        where=str(path),
    )


def _precheck(path: Path, fmt: str, options: Options) -> None:
    """Fail before writing anything if the file cannot be read at all."""
    if fmt == "package":
        return
    try:
        if not path.is_file():
            raise InvalidInput("no such file", where=str(path))
        with path.open("rb") as f:
            f.read(1)
    except OSError as exc:
        raise InvalidInput(f"cannot read: {exc.strerror}", where=str(path)) from exc
    if fmt == "spreadsheet":
        for _ in iter_rows(path):
            break
    elif fmt == "text":
        load_document(path)
    elif fmt == "chain":
        from .chain import get_mapping, match_mapping, read_header

        header = read_header(path)
        mapping = get_mapping(options.mapping) if options.mapping else match_mapping(header)
        if mapping is None:
            raise InvalidInput("no chain mapping matches this header; pass --mapping", where=str(path))
        try:
            mapping.resolve(header)
        except InvalidInput as exc:
            raise InvalidInput(exc.detail, where=str(path)) from exc


_ORDER = {"package": 0, "jsonl": 1, "ftm": 2, "spreadsheet": 3, "chain": 5, "text": 6}


def _has_claims(path: Path) -> bool:
    for _sheet, _where, row in iter_rows(path):
        return "relation" in row
    return False


def _read_jsonl(path: Path) -> Iterator[Item]:
    with path.open("rb") as f:
        for n, raw in enumerate(f, start=1):
            where = f"line {n}"
            if not raw.strip():
                continue
            try:
                record = parse_record(json.loads(raw.decode("utf-8")), where)
            except UnicodeDecodeError:
                yield Reject(str(path), where, "record", "not UTF-8")
                continue
            except json.JSONDecodeError as exc:
                yield Reject(str(path), where, "record", f"not JSON: {exc.msg}")
                continue
            except CompoundGraphError as exc:
                field = exc.detail.split(":")[0] if ":" in exc.detail else "record"
                yield Reject(str(path), where, field[:60], exc.detail)
                continue
            yield record, where


def _items(path: Path, fmt: str, options: Options, ctx: Context, index: list[EntityIndex]) -> Iterator[Item]:
    if fmt == "spreadsheet":
        return read_spreadsheet(path, options, ctx)
    if fmt == "chain":
        return read_chain(path, options, ctx)
    if fmt == "ftm":
        return read_ftm(path, options, ctx)
    if fmt == "text":
        if not index:
            index.append(EntityIndex(ctx.store))
        return read_text(path, options, ctx, index[0])
    if fmt == "jsonl":
        return _read_jsonl(path)
    raise InvalidInput(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")


def _count_lines(path: Path, fmt: str) -> int | None:
    if fmt not in ("chain", "ftm", "jsonl", "spreadsheet") or path.suffix.lower() not in (
        ".csv",
        ".tsv",
        ".jsonl",
        ".ndjson",
        ".ftm",
        ".json",
    ):
        return None
    with path.open("rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def _check(record: Source | Entity | Claim, ctx: Context, path: Path, where: str) -> Reject | None:
    """Store-level checks done per record, so that a batch never fails on one bad row."""
    if isinstance(record, Claim):  # first: a transfer export is nearly all claims
        return _check_claim(record, ctx, path, where)
    if isinstance(record, Source):
        ctx.labels[record.id] = SOURCE_LABEL
        return None
    if isinstance(record, Entity):
        known = ctx.label_of(record.id)
        if known and known != record.label:
            return Reject(
                str(path),
                where,
                "type",
                f"entity {record.id} is a {known} in the graph; this row says {record.label}",
                record.name[:200],
            )
        for s in record.sources:
            if ctx.label_of(s) != SOURCE_LABEL:
                return Reject(str(path), where, "sources", f"cites {s}, which is not a source in the graph")
        ctx.labels[record.id] = record.label
        return None
    return _check_claim(record, ctx, path, where)


def _check_claim(record: Claim, ctx: Context, path: Path, where: str) -> Reject | None:
    known = ctx.labels
    subject = known.get(record.subject) or ctx.label_of(record.subject)
    obj = known.get(record.object) or ctx.label_of(record.object)
    source = known.get(record.source) or ctx.label_of(record.source)
    if subject is None or obj is None or source is None:
        field, ref = next(
            (f, r)
            for f, r, lab in (
                ("subject", record.subject, subject),
                ("object", record.object, obj),
                ("source", record.source, source),
            )
            if lab is None
        )
        return Reject(str(path), where, field, f"{ref} is neither in this file nor in the graph")
    if source != SOURCE_LABEL:
        return Reject(str(path), where, "source", f"{record.source} is not a source")
    try:
        check_claim_pair(record, subject, obj)
    except CompoundGraphError as exc:
        return Reject(str(path), where, "relation", exc.detail)
    return None


_GC_EVERY = 200_000


def ingest(
    store: GraphStore,
    paths: list[Path],
    options: Options | None = None,
    progress: Progress | None = None,
    report_dir: Path | None = None,
    resolve_log: DecisionLog | None = None,
    screen: bool = True,
) -> IngestSummary:
    """Ingest files into ``store``; returns the summary (and writes the report files when asked).

    With ``screen``, the entities the run wrote are screened against the graph's listed actors afterwards
    (``summary.screening``: the records that are listed or hit a listed entity)."""
    options = options or Options()
    options.grade  # noqa: B018 - refuse a bad --source-grade before reading anything
    summary = IngestSummary(files=[str(p) for p in paths], dry_run=options.dry_run)
    plan = []
    for path in paths:
        fmt = options.format or detect_format(path)
        if fmt not in FORMATS:
            raise InvalidInput(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}", where=str(path))
        _precheck(path, fmt, options)
        plan.append((path, fmt))
        summary.formats[str(path)] = fmt
    # entities before the claims that name them, whatever order the files were given in; reports last,
    # so that they find the entities the other files brought
    plan.sort(key=lambda pf: _ORDER.get(pf[1], 5) + (1 if pf[1] == "spreadsheet" and _has_claims(pf[0]) else 0))
    ctx = Context(store)
    index: list[EntityIndex] = []
    findings = Found()
    # ids that identity resolution merged away: their rows update the survivor (re-ingesting is a no-op)
    merged = MergedIds(store, resolve_log) if resolve_log is not None else None
    for path, fmt in plan:
        if fmt == "package":
            _package(store, path, options, summary)
            continue
        total = _count_lines(path, fmt)
        writer: Writer | None = None if options.dry_run else store.writer()
        done = 0
        try:
            with gc_paused():  # the loop still collects every _GC_EVERY items
                for item in _items(path, fmt, options, ctx, index):
                    done += 1
                    if done % 2_000 == 0:
                        if progress:
                            progress(str(path), done, total)
                        if done % _GC_EVERY == 0:
                            gc.collect(1)
                    if isinstance(item, Reject):
                        summary.rejects.append(item)
                        continue
                    record, where = item
                    if merged:
                        if isinstance(record, Entity):
                            record = merged.entity(record)
                        elif isinstance(record, Claim):
                            moved = merged.claim(record)
                            if moved is None:
                                continue  # a claim between the merged pair: it lives on in the decision log
                            record = moved
                    if isinstance(record, Entity) and record.label == "Location":
                        record = with_coordinates(record)
                    bad = _check(record, ctx, path, where)
                    if bad:
                        summary.rejects.append(bad)
                        continue
                    findings.add(record, path.name, fmt)
                    if isinstance(record, Claim):
                        summary.claims += 1
                    elif isinstance(record, Entity):
                        summary.entities += 1
                    else:
                        summary.sources += 1
                    if writer is not None:
                        writer.add(record)
                if writer is not None:
                    writer.flush()
                    writer.close()
        except BaseException:
            if writer is not None:
                writer.discard()
            raise
        if progress:
            progress(str(path), done, total)
        if writer is not None:
            summary.created += writer.summary.created
            summary.updated += writer.summary.updated
            summary.unchanged += writer.summary.unchanged
    summary.rejected = len(summary.rejects)
    summary.found = findings.as_dict(store)
    if resolve_log is not None and not options.dry_run:
        # identity resolution over what this run touched: identifier matches merge, names become candidates
        touched = [i for i, label in ctx.labels.items() if label not in (SOURCE_LABEL, "Wallet")]
        if touched:
            found = scan(store, resolve_log, touched)
            summary.candidates, summary.merged = found["candidates"], found["merged"]
    if screen and not options.dry_run:
        from ..screening.on_ingest import screen_records

        written = [i for i, label in ctx.labels.items() if label != SOURCE_LABEL]
        summary.screening = screen_records(store, written) if written else {"screened": 0, "listed": []}
    if report_dir is not None:
        write_report(summary, report_dir)
    return summary


def _package(store: GraphStore, path: Path, options: Options, summary: IngestSummary) -> None:
    """Partner packages are verified and imported by the exports module, which keeps their provenance."""
    try:
        from ..exports.package import import_package
    except ImportError as exc:
        raise InvalidInput(
            "this is a partner package (it has manifest.json), but package import "
            "(compoundgraph.exports.package) is not installed",
            where=str(path),
        ) from exc
    if options.dry_run:
        raise InvalidInput("--dry-run is not available for partner packages", where=str(path))
    from ..exports.trust import TrustStore

    result: Any = import_package(
        store, path, trust=TrustStore(options.trust_path), accept_fingerprint=options.accept_fingerprint
    )
    for f in ("sources", "entities", "claims", "created", "updated", "unchanged"):
        setattr(summary, f, getattr(summary, f) + int(getattr(result, f, 0)))
