"""Source credits (pipelines.credits): name keys, each credit pattern class, things that are no
credit, and every credited reprint of the demo network carrying its source's name."""

from __future__ import annotations

import urllib.request

import pytest

from crawler.items import ArticlePage
from demo.network import DemoNetwork
from demo.publishers import publisher
from demo.stories import REPRINTS, STORIES
from pipelines.credits import credited_names, is_own_name, name_key, named_publishers, own_names, with_named
from pipelines.dedup.rank import rank_bytes
from pipelines.drops import ExtractionDrop
from pipelines.extract import ArticleExtractor

BODY = "The assembly approved a $310 million plan to bring high-speed internet to rural households on Wednesday."


@pytest.mark.parametrize(("name", "key"), [
    ("Northern Wire Service", "northern wire"),
    ("Northern Wire Service staff", "northern wire"),
    ("The Harbor Gazette", "harbor gazette"),
    ("THE  Harbor-Gazette!", "harbor gazette"),
    ("Ｍｅｔｒｏ Daily", "metro daily"),  # NFKC: full-width letters
    ("Metro Daily staff writers", "metro daily"),
    ("Valley Courier Staff Writer", "valley courier"),
    ("Lakeside Ledger news desk", "lakeside ledger news"),
    ("Reuters Ltd.", "reuters"),
    ("Thessaly Times", "thessaly times"),  # "the" only as a whole word
    ("wire service", ""),
    ("The Wire Service", ""),
    ("Staff", ""),
    ("Staff and wire reports", ""),
    ("", ""),
    ("  -- ", ""),
])
def test_name_key(name: str, key: str) -> None:
    assert name_key(name) == key


def test_own_names() -> None:
    assert own_names("northern_wire", "Northern Wire Service") == ["northern wire"]
    assert own_names("harbor_gazette", "The Harbor Gazette") == ["harbor gazette"]
    assert own_names("metro_daily", "Metro Daily Media") == ["metro daily media", "metro daily"]
    assert own_names("valley_courier", "") == ["valley courier"]


@pytest.mark.parametrize(("text", "credited"), [
    # credit lines, anywhere in the text
    (f"{BODY}\nThis story was originally published by Northern Wire Service.", ["northern wire"]),
    (f"{BODY}\nOriginally published by ProPublica.", ["propublica"]),
    (f"{BODY}\nThis story first appeared in The Harbor Gazette and is republished with permission.",
     ["harbor gazette"]),
    (f"{BODY}\nA version of this article first appeared on Metro Daily.", ["metro daily"]),
    (f"{BODY}\nThis article is republished from The Conversation under a Creative Commons license.",
     ["conversation"]),
    (f"{BODY}\nRepublished with permission from Valley Courier.", ["valley courier"]),
    (f"{BODY}\nReprinted with permission of the Associated Press.", ["associated press"]),
    (f"{BODY}\nReprinted from Kaiser Health News.", ["kaiser health news"]),
    (f"{BODY} Reprinted with permission from Metro Daily.", ["metro daily"]),  # sentence at a paragraph's end
    (f"{BODY}\nSource: Northern Wire", ["northern wire"]),
    (f"{BODY}\nThis story was produced by ProPublica, a nonprofit newsroom.", ["propublica"]),
    (f"{BODY}\n© 2026 The Associated Press. All rights reserved.", ["associated press"]),
    (f"{BODY}\n(c) 2025 Reuters Ltd.", ["reuters"]),
    (f"{BODY}\nCopyright © 2026 Metro Daily. All rights reserved.", ["metro daily"]),
    # wire datelines at the start of the first paragraph
    (f"HARBORTON (Northern Wire) — {BODY}", ["northern wire"]),
    (f"KESTREL CITY (Northern Wire) – {BODY}", ["northern wire"]),
    (f"PARIS, Dec. 3 (Reuters) - {BODY}", ["reuters"]),
    (f"Local News\nBroadband bill reaches rural edges\nNORTHGATE (AP) — {BODY}", ["ap"]),
    # bylines naming an agency
    (f"By Northern Wire Service staff\n{BODY}", ["northern wire"]),
    (f"By Jane Doe for Northern Wire Service\n{BODY}", ["northern wire"]),
    (f"By Jane Doe, Metro Daily Staff\n{BODY}", ["metro daily"]),
    # several credits: in order of appearance, unique, at most three
    (f"By Metro Daily staff\nHARBORTON (Northern Wire) — {BODY}\nSource: Northern Wire\n"
     "Reprinted from Valley Courier.\nThis story first appeared in The Lakeside Ledger.",
     ["metro daily", "northern wire", "valley courier"]),
])
def test_credit_patterns(text: str, credited: list[str]) -> None:
    assert credited_names(text, []) == credited


@pytest.mark.parametrize("text", [
    f"By John Smith\n{BODY}",  # a person's byline
    f"By Jane Doe, Staff Writer\n{BODY}",  # a person, with a generic title
    f"{BODY} Fisheries scientists credit a rotating closure system, introduced in 2019, for the catch.",
    f"{BODY} Survey coordinator Halvard Nyquist credited floating nest platforms.",
    f"{BODY} The book, originally published by Penguin in 1960, is back in print.",
    f"{BODY} The symptoms first appeared on Monday, officials said.",
    f"{BODY} Councillors said staff would publish the figures. Source: officials familiar with the plan.",
    f"{BODY}\nSource: a person familiar with the talks said the deal was close to being signed, officials said",
    f"{BODY} The seal, whom staff named Pickle, was released.",
    f"{BODY}\n© Jane Doe",  # a photographer's credit (no year)
    f"{BODY} Copyright law changed in 2020.",
    f"UN (United Nations)-backed talks resumed. {BODY}",
    f"HARBORTON — {BODY}",  # a dateline naming no agency
    f"{BODY}\nLONDON (Reuters) — a dateline below the first paragraph is no dateline.",
    f"Harborton (Northern Wire) — {BODY}",  # not an upper-case city
    "",
])
def test_no_credit(text: str) -> None:
    assert credited_names(text, []) == []


def test_authors() -> None:
    assert credited_names(BODY, ["Northern Wire Service"]) == ["northern wire"]
    assert credited_names(BODY, ["Metro Daily staff", "Jane Doe"]) == ["metro daily"]
    assert credited_names(BODY, ["Jane Doe", "John Smith"]) == []
    assert credited_names(BODY, ["Staff"]) == []
    # text credits come first, then the authors'
    assert credited_names(f"{BODY}\nSource: Valley Courier", ["Northern Wire Service"]) == [
        "valley courier", "northern wire"]


def test_long_text_is_read_in_linear_time() -> None:
    import time

    text = ("This story was about the story. " * 2000 + "(c) " * 5000 + "\n" + "By " * 3000) * 5
    start = time.perf_counter()
    credited_names(text, ["x"] * 100)
    assert time.perf_counter() - start < 2.0


@pytest.fixture(scope="module")
def demo_articles() -> dict[tuple[str, str], object]:
    """{(site, story id): Article} of every article page of the demo network (held ones released)."""
    extractor, articles = ArticleExtractor(), {}
    with DemoNetwork() as net:
        net.publish_more(len(net.held_remaining()))
        for page in net.ground_truth():
            if page["story"] is None or page["role"] not in ("original", "reprint", "independent", "update"):
                continue
            html = urllib.request.urlopen(page["url"]).read().decode("utf-8", "replace")
            try:
                articles[(page["site"], page["story"])] = extractor.extract(
                    ArticlePage(page["url"], page["url"], page["site"], "", html))
            except ExtractionDrop:
                pass
    return articles


def test_demo_reprints_credit_their_source(demo_articles) -> None:
    stories = {s.id: s for s in STORIES}
    credited = [r for r in REPRINTS if r.dateline or r.credit_bottom or r.byline_top or r.author]
    assert len(credited) >= 15
    missing = []
    for r in credited:
        source = stories[r.source]
        article, original = demo_articles.get((r.site, r.source)), demo_articles[(source.site, source.id)]
        key = name_key(publisher(source.site).name)
        assert key in own_names(source.site, original.sitename), (source.site, original.sitename)
        if article is None or key not in article.credits:
            missing.append((r.site, r.source, article.credits if article else "dropped"))
    assert not missing


def test_demo_originals_credit_no_other_site(demo_articles) -> None:
    stories = {s.id: s for s in STORIES}
    sites = {p: own_names(p, "") for p in {s.site for s in STORIES}}
    wrong = []
    for (site, story), article in demo_articles.items():
        if stories[story].site != site:
            continue  # a reprint
        others = {key for other, keys in sites.items() if other != site for key in keys}
        if others & set(article.credits):
            wrong.append((site, story, article.credits))
    assert not wrong
    # the one original with an agency byline credits its own publisher, which dedup can tell apart
    assert demo_articles[("metro_daily", "md-five-things")].credits == ["metro daily"]


def test_a_credit_after_two_spaces_is_read() -> None:
    text = "The story.\n\nDistributed by Allied Press.  Originally published by Redmarsh Evening Post.\n"
    assert credited_names(text, []) == ["redmarsh evening post"]


def test_named_publishers() -> None:
    known = ["harbor gazette", "guardian", "metro daily"]
    text = "As the Harbor  Gazette reported, a legal guardian spoke. METRO-DAILY readers knew."
    assert named_publishers(text, known) == ["harbor gazette", "metro daily"]
    assert named_publishers("The Guardian said so.", known) == ["guardian"]
    assert named_publishers(text, known, own=["harbor gazette"]) == ["metro daily"]
    assert with_named(["allied press", "metro daily"], ["harbor gazette"], set(known)) == [
        "metro daily", "harbor gazette", "allied press"]


def test_own_name_with_more_words_is_no_credit() -> None:
    assert is_own_name("metro daily media group", ["metro daily"])
    assert not is_own_name("metro dailyish", ["metro daily"])
    own_copyright = rank_bytes("", ["metro daily"], ["metro daily media group"])
    assert own_copyright == rank_bytes("", ["metro daily"], [])
