"""The case report of a saved investigation (``GET /investigations/{id}/report``) on both stores: every
claim numbered with grade, dates, quote and source; the most restrictive handling code with its caveat; the
partner redaction; escaping; and the page opened in Chromium and printed to PDF (read back with pypdf).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from compoundgraph.store import ClaimFilter, GraphStore
from compoundgraph.store.investigations import investigations_of
from tests.support.api import Api, make_api, problem
from tests.support.ui import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

IDS = [
    "compound-golden-lotus",
    "org-lotus-holdings",
    "person-tan-weiming",
    "person-aung-zaw",
    "armed-northern-hills",
    "case-0001",
    "jobad-bangkok-cs",
    "compound-jade-river",
]


@pytest.fixture
def api(world: GraphStore, tmp_path: Path) -> Iterator[Api]:
    investigations_of(world).purge(confirm=True)
    a = make_api(world, tmp_path)
    yield a
    a.client.close()


def save(a: Api, title: str = "Golden Lotus <b>network</b>", hidden: str = "compound-jade-river") -> str:
    chart = {
        "entities": [
            {"id": i, "x": 100.0 * (n % 4), "y": 80.0 * (n // 4), "hidden": i == hidden} for n, i in enumerate(IDS)
        ],
        "as_of": "2024-06-30",
        "notes": {
            "investigation": "Shown to the supervisor on Monday.",
            "entities": {"person-tan-weiming": "Boss per two sources"},
        },
    }
    r = a.post("/investigations", role="investigator", json={"title": title, "chart": chart})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


class Claims(HTMLParser):
    """Collects the claim items' ids and text, and whether there is any script or external reference."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[str] = []
        self.external: list[str] = []
        self.scripts = 0
        self._in: int = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        for k in ("src", "href"):
            if tag != "a" and a.get(k):
                self.external.append(str(a[k]))
        if tag == "li" and (a.get("id") or "").startswith("claim-"):
            self.items.append("")
            self._in += 1
        elif self._in and tag == "li":
            self._in += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self._in:
            self._in -= 1

    def handle_data(self, data: str) -> None:
        if self._in:
            self.items[-1] += data


def test_report_lists_every_claim_with_its_source(api: Api) -> None:
    inv = save(api)
    r = api.get(f"/investigations/{inv}/report", role="investigator")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    parsed = Claims()
    parsed.feed(page)
    assert parsed.scripts == 0 and parsed.external == []  # self-contained
    visible = [i for i in IDS if i != "compound-jade-river"]
    expected = api.store.claims_between(visible, ClaimFilter.make(as_of="2024-06-30"))
    assert len(parsed.items) == len(expected) > 5
    for n, text in enumerate(parsed.items, 1):
        assert text.startswith(f"[{n}] ") and re.search(r"grade [A-F][1-6]", text) and "Source: " in text
    assert "Mekong Watch field report: compounds of the northern border" in page
    assert "https://example.org/mekong-watch/2024-field-report" in page
    assert "Anonymous tip-line submission 0042" in page
    assert "<blockquote>Lotus Holdings runs the park.</blockquote>" in page
    assert "Golden Lotus &lt;b&gt;network&lt;/b&gt;" in page and "<b>network</b>" not in page
    assert "As of:</b> 2024-06-30" in page and "1 hidden entities left out" in page
    assert 'class="caveat">Handling H2: Internal - this agency only.' in page
    assert "Shown to the supervisor on Monday." in page and "Boss per two sources" in page
    assert "Jade River" not in page  # hidden on the chart: not drawn, not listed
    assert page.count("<circle") == len(visible)
    assert problem(api.get(f"/investigations/{inv}/report", role="analyst"))["status"] == 404  # private


def test_partner_report_is_redacted(api: Api) -> None:
    inv = save(api)
    url = f"/investigations/{inv}"
    partner = api.keys["partner"].split("_")[1]
    api.client.put(
        url + "/shares",
        headers={"X-API-Key": api.keys["investigator"]},
        json={"shares": [{"to": f"key:{partner}", "access": "read"}]},
    )
    page = api.get(url + "/report", role="partner").text
    assert "Anonymous tip-line submission 0042" not in page and "Colonel Aung Zaw" not in page
    assert "Case 0001" not in page and "case-0001" not in page
    assert re.findall(r'class="handling">(H\d)<', page) and set(re.findall(r'class="handling">(H\d)<', page)) <= {
        "H0",
        "H1",
    }
    assert 'class="caveat">Handling H1' in page or 'class="caveat">Handling H0' in page
    assert "Mekong Watch field report" in page and "Golden Lotus Park" in page


def test_report_prints_to_pdf_in_chromium(api: Api) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    inv = save(api, title="Golden Lotus network")
    page_html = api.get(f"/investigations/{inv}/report", role="investigator").text
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_content(page_html)
            pdf = page.pdf(format="A4", print_background=True)
        finally:
            browser.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "investigation-report.pdf").write_bytes(pdf)
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) >= 2
    first = reader.pages[0].extract_text()
    # the chart, its caption and legend stay together on the first page; the claims start after the break
    assert "Golden Lotus network" in first and "Legend" in first and "claims" in first
    assert "source reliability A–B" in first.replace("\u2013", "–")
    rest = "".join(pg.extract_text() for pg in reader.pages[1:])
    assert "Claims (" in rest and "[1]" in rest and "Mekong Watch" in rest
