"""Re-ingesting files after identity resolution merged entities changes nothing: a merge stays a merge."""

from __future__ import annotations

from pathlib import Path

from compoundgraph.ingest import Options, ingest
from compoundgraph.ingest.resolve import DecisionLog, pending, reject, undo
from compoundgraph.store import ClaimFilter, GraphStore


def _files(tmp: Path) -> list[Path]:
    a = tmp / "a-persons.csv"
    a.write_text(
        "id,name,identifiers,source_title,source_url\n"
        "person-tan-a,Tan Wei Ming,REG-00123,Bulletin A,https://example.org/a\n",
        encoding="utf-8",
    )
    b = tmp / "b-persons.csv"
    b.write_text(
        "id,name,aliases,identifiers,source_title,source_url\n"
        "person-tan-b,Tan W. M.,Boss T,REG-00123,Bulletin B,https://example.org/b\n",
        encoding="utf-8",
    )
    orgs = tmp / "organizations.csv"
    orgs.write_text(
        "id,name,source_title,source_url\norg-river-holdings,River Holdings,Bulletin B,https://example.org/b\n",
        encoding="utf-8",
    )
    claims = tmp / "links.csv"
    claims.write_text(
        "subject,subject_type,relation,object,object_type,source_title,source_url\n"
        "person-tan-b,Person,DIRECTS,org-river-holdings,Organization,Bulletin B,"
        "https://example.org/b\n",
        encoding="utf-8",
    )
    return [a, b, orgs, claims]


def test_reingest_after_an_automatic_merge_is_a_no_op(store: GraphStore, tmp_path: Path) -> None:
    files = _files(tmp_path)
    log = DecisionLog(tmp_path / "decisions.jsonl")
    first = ingest(store, files, Options(), report_dir=None, resolve_log=log)
    assert first.merged == 1 and first.rejected == 0
    ids = {e.id for e in store.iter_entities()}
    assert len({"person-tan-a", "person-tan-b"} & ids) == 1
    keep = "person-tan-a" if "person-tan-a" in ids else "person-tan-b"
    gone = "person-tan-b" if keep == "person-tan-a" else "person-tan-a"
    before = {c.id for c in store.iter_claims()}
    for _ in range(2):
        again = ingest(store, files, Options(), report_dir=None, resolve_log=log)
        assert (again.created, again.updated, again.merged) == (0, 0, 0), again.line()
        assert gone not in {e.id for e in store.iter_entities()}
        assert {c.id for c in store.iter_claims()} == before
    survivor = store.get_entities([keep])[keep]
    assert gone in survivor.referents and "Boss T" in [*survivor.aliases, survivor.name]
    assert [c.object for c in store.claims_of([keep], ClaimFilter.make(rel_types=["DIRECTS"]))] == [
        "org-river-holdings"
    ]


def test_reingest_brings_new_facts_to_the_survivor(store: GraphStore, tmp_path: Path) -> None:
    files = _files(tmp_path)
    log = DecisionLog(tmp_path / "decisions.jsonl")
    ingest(store, files, Options(), report_dir=None, resolve_log=log)
    ids = {e.id for e in store.iter_entities()}
    keep = "person-tan-a" if "person-tan-a" in ids else "person-tan-b"
    b = files[1]
    b.write_text(b.read_text(encoding="utf-8").replace("Boss T", "Boss T;Uncle Tan"), encoding="utf-8")
    again = ingest(store, files, Options(), report_dir=None, resolve_log=log)
    assert again.created == 0 and again.merged == 0
    assert "Uncle Tan" in store.get_entities([keep])[keep].aliases


def test_an_undone_merge_is_not_redirected(store: GraphStore, tmp_path: Path) -> None:
    files = _files(tmp_path)
    log = DecisionLog(tmp_path / "decisions.jsonl")
    ingest(store, files, Options(), report_dir=None, resolve_log=log)
    accepted = [e for e in log.entries() if e["action"] == "auto"]
    undo(store, log, accepted[0]["candidate"])
    reject(store, log, accepted[0]["candidate"])
    assert {"person-tan-a", "person-tan-b"} <= {e.id for e in store.iter_entities()}
    again = ingest(store, files, Options(), report_dir=None, resolve_log=log)
    assert {"person-tan-a", "person-tan-b"} <= {e.id for e in store.iter_entities()}
    assert again.created == 0 and not pending(store)
