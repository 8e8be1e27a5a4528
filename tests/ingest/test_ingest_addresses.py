"""Checksums and identifier normalisation (no store)."""

from __future__ import annotations

import pytest

from compoundgraph.ingest.addresses import AddressError, keccak256, to_checksum_address, validate_address
from compoundgraph.ingest.gazetteer import country_code, find_platforms
from compoundgraph.ingest.identifiers import find_identifiers, normalize_phone


def test_keccak_and_eip55_vectors() -> None:
    assert keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    for a in (
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ):
        assert to_checksum_address(a.lower()) == a
        assert validate_address(a).address == a
    with pytest.raises(AddressError):
        validate_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")


@pytest.mark.parametrize(
    "address,chain",
    [
        ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "tron"),
        ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "bitcoin"),
        ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "bitcoin"),
        ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "bitcoin"),
        ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "bitcoin"),
    ],
)
def test_valid_addresses(address: str, chain: str) -> None:
    assert validate_address(address).chain == chain


@pytest.mark.parametrize(
    "address",
    [
        "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u",  # tron, one character off
        "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3",
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr",
        # a v1 program with a bech32 (not bech32m) checksum must fail (BIP-350)
        "bc1pw508d6qejxtdg4c3dxh4ag0fj6ujpdgzfe9yqy",
    ],
)
def test_invalid_addresses(address: str) -> None:
    with pytest.raises(AddressError):
        validate_address(address)


def test_identifiers_and_gazetteer() -> None:
    found = {
        (f.kind, f.value)
        for f in find_identifiers(
            "Call +855 12 345 678, write to HR@Example.com, join t.me/Lotus_Jobs or @other_handle; see jobs.com."
        )
    }
    assert ("phone", "+85512345678") in found and ("email", "hr@example.com") in found
    assert ("telegram", "lotus_jobs") in found and ("telegram", "other_handle") in found
    assert ("domain", "jobs.com") in found
    assert normalize_phone("012 345 678", "KH") == "+85512345678" and normalize_phone("12") is None
    assert country_code("Lao PDR") == country_code("LAO") == country_code("la") == "LA"
    assert country_code("Burmese") == "MM" and country_code("Atlantis") is None
    assert [p.name for p in find_platforms("a door hinge on Hinge and LINE, not line")] == ["Hinge", "LINE"]
