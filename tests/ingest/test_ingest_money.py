"""Money that is not crypto, on both stores: bank accounts (IBAN and BIC checked), a money-service business,
and transfers between bank accounts and wallets (fiat on- and off-ramps), so a flow crosses both."""

from __future__ import annotations

from pathlib import Path

from compoundgraph.analytics import service
from compoundgraph.ingest import Options, ingest
from compoundgraph.store import ClaimFilter, GraphStore

SRC = "Ledger extract (fictional),https://example.org/ledger"
WALLET = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"


def test_bank_accounts_and_fiat_ramps(store: GraphStore, tmp_path: Path) -> None:
    (tmp_path / "entities.csv").write_text(
        "type,name,platform,iban,bic,bank,account_number,currency,org_type,chain,address,source_title,source_url\n"
        f"Account,Example GmbH account,bank,DE89 3704 0044 0532 0130 00,COBADEFFXXX,,,EUR,,,,{SRC}\n"
        f"Account,Collection account,bank,,,Example Bank Cambodia,001-234-567,USD,,,,{SRC}\n"
        f"Account,Mistyped IBAN,bank,GB82 WEST 1234 5698 7654 33,,,,GBP,,,,{SRC}\n"
        f"Account,Half an account,bank,,,Example Bank Cambodia,,USD,,,,{SRC}\n"
        f"Organization,Example Money Transfer,,,,,,,money service business,,,{SRC}\n"
        f"Wallet,{WALLET},,,,,,,,tron,{WALLET},{SRC}\n",
        encoding="utf-8",
    )
    (tmp_path / "claims.csv").write_text(
        "subject,subject_type,relation,object,object_type,grade,amount,asset,timestamp,source_title,source_url\n"
        "Example GmbH account,Account,TRANSFERRED,Collection account,Account,B2,25000.00,EUR,"
        f"2025-03-01T09:00:00Z,{SRC}\n"
        f"Collection account,Account,TRANSFERRED,{WALLET},Wallet,B2,24000,USDT,2025-03-02T10:00:00Z,{SRC}\n"
        f"{WALLET},Wallet,TRANSFERRED,Collection account,Account,C3,5000,USDT,2025-03-05T10:00:00Z,{SRC}\n"
        f"Example Money Transfer,Organization,USES,Collection account,Account,B2,,,,{SRC}\n",
        encoding="utf-8",
    )
    summary = ingest(store, [tmp_path / "entities.csv", tmp_path / "claims.csv"], Options(source_grade="B2"))
    rejects = {(r.where, r.field) for r in summary.rejects}
    assert rejects == {("line 4", "iban"), ("line 5", "iban")}, summary.rejects
    accounts = {e.name: e for e in store.iter_entities() if e.label == "Account"}
    de = accounts["Example GmbH account"]
    assert de.properties["iban"] == "DE89370400440532013000" and de.properties["country"] == "DE"
    assert de.properties["bic"] == "COBADEFFXXX" and de.properties["platform"] == "bank"
    assert "DE89370400440532013000" in de.identifiers
    collection = accounts["Collection account"]
    assert collection.properties["handle"] == "Example Bank Cambodia:001-234-567"
    assert [h.id for h in store.search("DE89370400440532013000", 3)][:1] == [de.id]
    # the flow: bank -> bank -> wallet (on-ramp) -> bank (off-ramp), with exact amounts
    flows = list(store.iter_claims(ClaimFilter.make(rel_types=["TRANSFERRED"])))
    labels = {e.id: e.label for e in store.iter_entities()}
    assert sorted((labels[c.subject], labels[c.object], str(c.properties["amount"])) for c in flows) == [
        ("Account", "Account", "25000.00"),
        ("Account", "Wallet", "24000"),
        ("Wallet", "Account", "5000"),
    ]
    # a money-flow trace starts at a bank account and follows the money into the wallet and back
    traced = service.trace(store, [collection.id], max_hops=3)
    hops = [(labels[f["from"]], labels[f["to"]], f["traced"]) for f in traced["flows"]]
    assert hops == [("Account", "Wallet", "24000"), ("Wallet", "Account", "5000")]
    msb = next(e for e in store.iter_entities() if e.name == "Example Money Transfer")
    assert msb.properties["org_type"] == "money service business"
    assert ingest(store, [tmp_path / "entities.csv", tmp_path / "claims.csv"], Options(source_grade="B2")).created == 0
