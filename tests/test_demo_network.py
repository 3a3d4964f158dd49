"""The offline demo news network (``demo`` package): served URLs, HTTP contracts, ground truth.

Only the standard library talks to the servers (urllib), so these tests check the network
itself, independently of the crawler.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from demo.network import DEFAULT_PORT_BASE, DemoNetwork, stable_ports
from demo.publishers import PUBLISHERS

ROOT = Path(__file__).resolve().parent.parent
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM_NS = "{http://www.w3.org/2005/Atom}"
EXPECTED_STATUS = {"404": 404, "500": 500}


# --- helpers ----------------------------------------------------------------------------------
class Fetched:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch(url: str, headers: dict[str, str] | None = None) -> Fetched:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return Fetched(resp.status, dict(resp.headers.items()), resp.read())
    except urllib.error.HTTPError as err:
        return Fetched(err.code, dict(err.headers.items()), err.read())


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (href, rel)
        self.paragraphs: list[str] = []
        self._p: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("a", "link") and a.get("href"):
            self.links.append((a["href"] or "", a.get("rel") or ""))
        if tag == "p":
            self._flush()
            self._p = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._p is not None:
            self._p.append(data)

    def _flush(self) -> None:
        if self._p is not None:
            self.paragraphs.append(re.sub(r"\s+", " ", "".join(self._p)).strip())
        self._p = None


def parse_html(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    parser.close()
    parser._flush()
    return parser


def is_article(slug: str, url: str) -> bool:
    pub = next(p for p in PUBLISHERS if p.slug == slug)
    return pub.is_article_path(urlsplit(url).path)


def xml_locs(body: bytes) -> list[str]:
    root = ET.fromstring(body)
    return [el.text.strip() for el in root.iter(f"{SITEMAP_NS}loc") if el.text]


def crawl_listing(start: str, older: str | None = None) -> tuple[list[str], list[str]]:
    """Follow rel=next (or, with ``older``, the links matching that regex) from ``start``;
    return (listing page URLs, every link found on them)."""
    pages, links, todo = [], [], [start]
    while todo and len(pages) < 50:
        url = todo.pop(0)
        if url in pages:
            continue
        resp = fetch(url)
        assert resp.status == 200, url
        pages.append(url)
        parsed = parse_html(resp.text)
        links += [urljoin(url, href) for href, _ in parsed.links]
        if older is None:
            todo += [urljoin(url, href) for href, rel in parsed.links if "next" in rel.split()][:1]
        else:
            todo += [urljoin(url, href) for href, _ in parsed.links if re.search(older, href)]
    return pages, links


def discover(net: DemoNetwork, slug: str) -> dict[str, set[str]]:
    """{source: article URLs} from the publisher's feeds, sitemaps and section pages."""
    base = net.base_url(slug)
    found: dict[str, set[str]] = defaultdict(set)
    if slug == "harbor_gazette":
        root = ET.fromstring(fetch(base + "/feed.xml").body)
        found["feed"] |= {el.text or "" for el in root.iter("link") if el.text and "/news/" in el.text}
        assert len(root.findall("./channel/item")) == 10
        found["section"] |= set(crawl_listing(base + "/news/")[1])
    elif slug == "valley_courier":
        root = ET.fromstring(fetch(base + "/atom.xml").body)
        entries = root.findall(f"{ATOM_NS}entry")
        assert len(entries) == 10
        found["feed"] |= {e.find(f"{ATOM_NS}link").get("href", "") for e in entries}  # type: ignore[union-attr]
        robots = fetch(base + "/robots.txt").text
        sitemaps = re.findall(r"^Sitemap: (\S+)$", robots, re.M)
        assert sitemaps == [base + "/sitemap-news.xml"]
        body = fetch(sitemaps[0]).body
        assert b"<news:publication_date>" in body and b"<news:title>" in body
        found["sitemap"] |= set(xml_locs(body))
    elif slug == "metro_daily":
        robots = fetch(base + "/robots.txt").text
        assert f"Sitemap: {base}/sitemap_index.xml" in robots
        children = xml_locs(fetch(base + "/sitemap_index.xml").body)
        assert [urlsplit(c).path for c in children] == [
            "/sitemaps/news-1.xml", "/sitemaps/news-2.xml", "/sitemaps/pages.xml"
        ]
        for child in children:
            body = fetch(child).body
            assert b"<lastmod>" in body
            found["sitemap"] |= set(xml_locs(body))
        found["section"] |= set(crawl_listing(base + "/section/city?page=1")[1])
    elif slug == "lakeside_ledger":
        assert "Sitemap:" not in fetch(base + "/robots.txt").text  # linked from the page footer only
        found["sitemap"] |= set(xml_locs(fetch(base + "/sitemap.xml").body))
        pages, links = crawl_listing(base + "/lakeshore/", older=r"^/lakeshore/\?pg=\d+$")
        assert len(pages) >= 2 and "rel=\"next\"" not in fetch(pages[0]).text
        found["section"] |= set(links)
    else:
        root = ET.fromstring(fetch(base + "/rss").body)
        found["feed"] |= {el.text or "" for el in root.iter("link") if el.text and "/wire/" in el.text}
        found["section"] |= set(crawl_listing(base + "/latest")[1])
    return {k: {u for u in v if u.startswith(base) and is_article(slug, u)} for k, v in found.items()}


# --- fixtures ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def net() -> Iterator[DemoNetwork]:
    with DemoNetwork() as network:
        yield network


@pytest.fixture(scope="module")
def truth(net: DemoNetwork) -> dict[str, dict]:
    return {g["url"]: g for g in net.ground_truth()}


# --- discovery and status codes ---------------------------------------------------------------
@pytest.mark.parametrize("slug", [p.slug for p in PUBLISHERS])
def test_every_listed_article_url_answers_as_intended(net: DemoNetwork, truth: dict[str, dict], slug: str) -> None:
    found = discover(net, slug)
    assert all(found.values()), found.keys()
    urls = set().union(*found.values())
    for url in sorted(urls):
        assert url in truth, f"listed URL without ground truth: {url}"
        g = truth[url]
        resp = fetch(url)
        assert resp.status == EXPECTED_STATUS.get(g["broken"] or "", 200), url
        if g["broken"] == "binary":
            assert resp.headers["Content-Type"] == "application/pdf" and resp.body.startswith(b"%PDF")
        elif resp.status == 200:
            assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
    site_truth = {u for u, g in truth.items() if g["site"] == slug}
    assert site_truth <= urls | {u for u in site_truth if "?ref=" in u}, "ground-truth pages nobody links to"


def test_harbor_trending_links_the_query_duplicate(net: DemoNetwork, truth: dict[str, dict]) -> None:
    _, links = crawl_listing(net.base_url("harbor_gazette") + "/news/")
    dups = [u for u, g in truth.items() if g["site"] == "harbor_gazette" and g["role"] == "url_duplicate"]
    assert dups and all(d in links for d in dups)


def test_lakeside_sitemap_lists_only_the_newest_stories(net: DemoNetwork) -> None:
    # the older stories are only on /lakeshore/?pg=N pages (linked without rel=next)
    found = discover(net, "lakeside_ledger")
    limit = next(p for p in PUBLISHERS if p.slug == "lakeside_ledger").feed_limit
    assert len(found["sitemap"]) == limit and found["sitemap"] < found["section"]


def test_unknown_paths_are_404_html_with_validators(net: DemoNetwork) -> None:
    for slug in net.urls():
        resp = fetch(net.base_url(slug) + "/no/such/page")
        assert resp.status == 404
        assert resp.headers["Content-Type"].startswith("text/html")
        assert "Last-Modified" in resp.headers and "ETag" in resp.headers
        assert "<html lang=\"en\"" in resp.text


def test_home_pages_link_their_sections(net: DemoNetwork) -> None:
    wanted = {"harbor_gazette": "/news/", "metro_daily": "/section/city?page=1", "northern_wire": "/latest",
              "valley_courier": "/atom.xml", "lakeside_ledger": "/lakeshore/"}
    for slug, href in wanted.items():
        links = [h for h, _ in parse_html(fetch(net.base_url(slug) + "/").text).links]
        assert href in links, slug


# --- page contents ----------------------------------------------------------------------------
def test_article_pages_follow_the_template_contract(net: DemoNetwork, truth: dict[str, dict]) -> None:
    jsonld_sites = set()
    for url, g in truth.items():
        if g["broken"] in ("404", "500", "binary", "not_article"):
            continue
        html = fetch(url).body.decode("cp1252" if g["broken"] == "wrong_charset" else "utf-8")
        assert f'<html lang="{g["lang"]}"' in html, url
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html)
        assert canonical and canonical.group(1) == g["canonical"], url
        published = re.search(r'<meta property="article:published_time" content="([^"]+)"', html)
        assert published and datetime.fromisoformat(published.group(1)).tzinfo is not None
        for needle in ('property="og:title"', 'name="author"', "<article", "We use cookies", "Accept all",
                       "Related stories", "Advertisement", "Leave a Reply", "No votes yet.", "©"):
            assert needle in html, (url, needle)
        assert ("<h1" in html) != (g["layout"] == "table"), url  # a table page's headline is in its cell
        if '"@type": "NewsArticle"' in html:
            jsonld_sites.add(g["site"])
        if g["broken"] in ("empty", "malformed"):
            continue
        paragraphs = parse_html(html).paragraphs
        if g["layout"] == "table":  # no <p>: headline, byline and paragraphs in one cell, <br> between
            cell = unescape(re.search(r'<td class="wire-copy-cell"[^>]*>(.*?)</td>', html, re.S).group(1))
            paragraphs = [p.strip() for p in re.split(r"<br>\s*<br>", re.sub(r"<(?!br>)[^>]+>", "", cell))]
            assert paragraphs[0].startswith(g["headline"]), url
        for para in g["text"].split("\n"):
            assert unescape(para) in paragraphs, (url, para[:60])
    assert len(jsonld_sites) >= 2


def test_publishers_use_distinct_markup(net: DemoNetwork, truth: dict[str, dict]) -> None:
    classes = {}
    for slug in net.urls():
        url = next(u for u, g in truth.items() if g["site"] == slug and g["role"] == "original")
        classes[slug] = set(re.findall(r'class="([^"]+)"', fetch(url).text))
    for a, b in [(a, b) for a in classes for b in classes if a < b]:
        assert len(classes[a] & classes[b]) <= 2, (a, b, classes[a] & classes[b])


def test_wrong_charset_page_is_cp1252_labelled_utf8(net: DemoNetwork, truth: dict[str, dict]) -> None:
    (url,) = [u for u, g in truth.items() if g["broken"] == "wrong_charset"]
    resp = fetch(url)
    assert resp.status == 200 and resp.headers["Content-Type"] == "text/html; charset=utf-8"
    with pytest.raises(UnicodeDecodeError):
        resp.body.decode("utf-8")
    html = resp.body.decode("cp1252")
    assert "Café Rosé" in html and "“" in html and "’" in html
    assert truth[url]["expect"] == "store" and "José Marchand" in truth[url]["text"]


def test_malformed_empty_and_not_article_pages(net: DemoNetwork, truth: dict[str, dict]) -> None:
    by_kind = {g["broken"]: (u, g) for u, g in truth.items() if g["broken"]}
    url, g = by_kind["malformed"]
    html = fetch(url).text
    assert "</p>" not in html and "</html>" not in html and g["expect"] == "store"
    first_words = " ".join(g["text"].split()[2:12])
    assert first_words in html
    url, g = by_kind["empty"]
    assert g["expect"] == "drop_empty" and g["text"] == ""
    assert "<h1" in fetch(url).text
    url, g = by_kind["not_article"]
    page = parse_html(fetch(url).text)
    assert g["expect"] == "drop_not_article" and urlsplit(url).path.endswith("/index.html")
    assert sum(1 for href, _ in page.links if is_article("harbor_gazette", href)) >= 3
    assert max(len(p.split()) for p in page.paragraphs) < 25


# --- conditional GET --------------------------------------------------------------------------
def test_conditional_get(net: DemoNetwork, truth: dict[str, dict]) -> None:
    article = next(u for u, g in truth.items() if g["role"] == "reprint")
    feed, index = net.base_url("harbor_gazette") + "/feed.xml", net.base_url("metro_daily") + "/sitemap_index.xml"
    for url in (article, feed, index):
        first = fetch(url)
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert fetch(url, {"If-None-Match": etag}).status == 304
        assert fetch(url, {"If-Modified-Since": modified}).status == 304
        older = format_datetime(parsedate_to_datetime(modified).replace(year=2025), usegmt=True)
        assert fetch(url, {"If-Modified-Since": older}).status == 200
        assert fetch(url, {"If-None-Match": '"something-else"', "If-Modified-Since": modified}).status == 200


# --- ground truth -----------------------------------------------------------------------------
def test_ground_truth_counts_and_shape(truth: dict[str, dict]) -> None:
    gts = list(truth.values())
    keys = {"url", "site", "story", "role", "same_story_as", "updates", "broken", "expect", "text"}
    assert all(keys <= set(g) for g in gts)
    stories = {g["story"] for g in gts if g["story"] and g["expect"].startswith("store")}
    assert len(stories) >= 44
    roles = Counter(g["role"] for g in gts)
    assert roles["reprint"] >= 14 and roles["update"] >= 1 and roles["url_duplicate"] >= 1
    events = defaultdict(set)
    for g in gts:
        if g["role"] == "independent":
            events[g["event"]].add(g["site"])
    assert sum(1 for sites in events.values() if len(sites) >= 2) >= 3
    assert {g["broken"] for g in gts} >= {"404", "500", "malformed", "not_article", "empty", "wrong_charset", "binary"}
    for g in gts:
        for other in g["same_story_as"]:
            assert g["url"] in truth[other]["same_story_as"] and truth[other]["story"] == g["story"]
        if g["role"] in ("original", "reprint"):
            assert g["expect"] == "store_one_of_story"
        if g["role"] == "independent":
            assert g["same_story_as"] == []


def test_trap_layouts_and_languages(net: DemoNetwork, truth: dict[str, dict]) -> None:
    by_layout = defaultdict(list)
    for g in truth.values():
        by_layout[g["layout"]].append(g)
        assert g["expect"] in ("store_one_of_story", "store", "drop_url_duplicate", "drop_error", "drop_not_article",
                               "drop_empty"), g["url"]
    (feature,) = by_layout["feature"]
    html = fetch(feature["url"]).text
    captions = re.findall(r"<figcaption[^>]*>(.*?)</figcaption>", html)
    quotes = [unescape(q) for q in re.findall(r'<blockquote class="pullquote[^"]*">(.*?)</blockquote>', html)]
    assert 1500 <= len(feature["text"].split()) + sum(len(f.split()) for f in feature["furniture"]) <= 2200
    assert len(captions) >= 3 and all(40 <= len(c.split()) <= 80 for c in captions)
    assert len(quotes) >= 2 and all(q in feature["text"] for q in quotes)
    (roundup,) = by_layout["roundup"]
    html = fetch(roundup["url"]).text
    items = re.findall(r"<li[^>]*><h3[^>]*>(.*?)</h3>(.*?)</li>", html, re.S)
    assert len(roundup["text"].split()) >= 400 and len(items) >= 5
    assert all(1 <= body.count("<a href=") <= 2 for _, body in items)
    (reprint,) = by_layout["paywall_template"]
    html = fetch(reprint["url"]).text
    blocks = [json.loads(b) for b in re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html)]
    marked = [b for b in blocks if b.get("isAccessibleForFree") is False]
    assert marked and all(b["@type"] != "NewsArticle" for b in marked)
    assert 80 <= len(reprint["text"].split()) <= 130 and reprint["role"] == "reprint"
    assert reprint["expect"] == "store_one_of_story"
    langs = defaultdict(list)
    for g in truth.values():
        langs[g["lang"]].append(g)
    assert set(langs) >= {"en", "zh", "ja", "ko", "ar", "ru"}
    for lang, pages in langs.items():
        assert lang == "en" or all(len(g["text"].split("\n")) >= 5 for g in pages if g["role"] == "original"), lang
    (original,) = [g for g in langs["zh"] if g["role"] == "original"]
    (copy,) = [g for g in langs["zh"] if g["role"] == "reprint"]
    assert len(original["text"]) >= 350 and len(original["text"].split("\n")) >= 5
    assert copy["headline"] != original["headline"] and copy["site"] != original["site"]
    assert copy["same_story_as"] == [original["url"]] and original["text"].startswith(copy["text"])


def test_wire_stories_and_their_reprints(truth: dict[str, dict]) -> None:
    gts = list(truth.values())
    wire_originals = [g for g in gts if g["site"] == "northern_wire" and g["role"] == "original" and g["same_story_as"]]
    assert len(wire_originals) >= 8
    earlier = 0
    for g in wire_originals:
        reprints = [truth[u] for u in g["same_story_as"]]
        assert 1 <= len(reprints) <= 3 and all(r["role"] == "reprint" and r["site"] != g["site"] for r in reprints)
        when = datetime.fromisoformat(g["published"])
        earlier += sum(datetime.fromisoformat(r["published"]) < when for r in reprints)
    assert earlier >= 1
    non_wire = [g for g in gts if g["role"] == "reprint" and truth[g["same_story_as"][0]]["site"] != "northern_wire"]
    assert len(non_wire) >= 2


def test_update_and_url_duplicate(truth: dict[str, dict]) -> None:
    (update,) = [g for g in truth.values() if g["role"] == "update"]
    base = truth[update["updates"]]
    assert update["site"] == base["site"] and update["url"] != base["url"]
    assert update["headline"].startswith("UPDATED:") and "UPDATE, Nov. 13, 4:05 p.m.:" in update["text"]
    assert update["text"].startswith(base["text"]) and update["story"] != base["story"]
    added = update["text"][len(base["text"]):].split()
    assert len(added) >= 0.4 * len(base["text"].split())
    for dup in (g for g in truth.values() if g["role"] == "url_duplicate"):
        assert dup["canonical"] != dup["url"] and truth[dup["canonical"]]["text"] == dup["text"]
        assert dup["expect"] == "drop_url_duplicate"


def test_independent_reports_share_a_quote_but_not_the_text(truth: dict[str, dict]) -> None:
    events = defaultdict(list)
    for g in truth.values():
        if g["role"] == "independent":
            events[g["event"]].append(g)

    def shingles(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"\w+", text.lower())
        return {tuple(words[i: i + 5]) for i in range(len(words) - 4)}

    for pair in events.values():
        a, b = pair
        quotes_a = set(re.findall(r'"([^"]{20,}?[.,?!])', a["text"]))
        quotes_b = set(re.findall(r'"([^"]{20,}?[.,?!])', b["text"]))
        assert quotes_a & quotes_b, a["event"]
        sa, sb = shingles(a["text"]), shingles(b["text"])
        assert len(sa & sb) / len(sa | sb) < 0.1


def test_reprints_resemble_their_originals(truth: dict[str, dict]) -> None:
    for g in truth.values():
        if g["role"] != "reprint":
            continue
        original = next(truth[u] for u in g["same_story_as"] if truth[u]["role"] == "original")
        norm = str.maketrans("“”’", "\"\"'")
        kept = [p for p in original["text"].split("\n") if p in g["text"].translate(norm)]
        share = len(kept) / len(original["text"].split("\n"))
        assert share >= 0.5 or g["text"].translate(norm).count(original["text"].split("\n")[1]) == 1, g["url"]


# --- publishing more --------------------------------------------------------------------------
def test_publish_more_changes_only_listings() -> None:
    with DemoNetwork() as net:
        before = {g["url"] for g in net.ground_truth()}
        listings = [net.base_url("harbor_gazette") + "/feed.xml", net.base_url("northern_wire") + "/rss",
                    net.base_url("metro_daily") + "/sitemaps/news-2.xml", net.base_url("valley_courier") + "/atom.xml"]
        articles = sorted(before)[:12]
        old = {u: fetch(u) for u in listings + articles}
        unchanged_listing = net.base_url("metro_daily") + "/sitemaps/news-1.xml"
        news1 = fetch(unchanged_listing)
        lakeside_sitemap = net.base_url("lakeside_ledger") + "/sitemap.xml"
        lakeside_before = fetch(lakeside_sitemap)
        held = [net.base_url(p.site) + p.path for p in net.catalog.pages if p.held]
        assert held and all(fetch(url).status == 404 for url in held)
        new = net.publish_more(n=3)
        assert len(new) >= 3 and all(g["held"] for g in new)
        assert {g["url"] for g in net.ground_truth()} == before | {g["url"] for g in new}
        for g in new:
            assert fetch(g["url"]).status == 200
        for url in listings:
            now = fetch(url, {"If-None-Match": old[url].headers["ETag"]})
            assert now.status == 200 and now.headers["ETag"] != old[url].headers["ETag"], url
            assert parsedate_to_datetime(now.headers["Last-Modified"]) > parsedate_to_datetime(
                old[url].headers["Last-Modified"])
        assert fetch(unchanged_listing, {"If-None-Match": news1.headers["ETag"]}).status == 304
        assert fetch(lakeside_sitemap, {"If-None-Match": lakeside_before.headers["ETag"]}).status == 304
        for url in articles:
            if old[url].status == 200:
                assert fetch(url, {"If-None-Match": old[url].headers["ETag"]}).status == 304, url
        wire_feed = fetch(net.base_url("northern_wire") + "/rss").text
        assert all(g["url"] in wire_feed for g in new if g["site"] == "northern_wire")
        while net.held_remaining():
            net.publish_more()
        assert net.publish_more() == []
        first_ice = [g["url"] for g in net.ground_truth() if g["story"] == "ll-first-ice"]
        assert first_ice and first_ice[0] in fetch(lakeside_sitemap).text


def test_multiply_serves_distinct_copies() -> None:
    with DemoNetwork(multiply=2) as net:
        gts = net.ground_truth()
        with DemoNetwork() as single:
            base = single.ground_truth()
        story_pages = [g for g in base if g["story"]]
        assert len(gts) == len(base) + len(story_pages)
        assert len({g["url"] for g in gts}) == len(gts)
        copies = [g for g in gts if g["story"] and g["story"].endswith("~k2")]
        for g in copies[:10] + [c for c in copies if c["role"] == "reprint"][:5]:
            assert fetch(g["url"]).status == EXPECTED_STATUS.get(g["broken"] or "", 200)
            assert all(truth_url in {x["url"] for x in gts} for truth_url in g["same_story_as"])


# --- lifecycle --------------------------------------------------------------------------------
def test_stop_frees_the_ports_and_restarts_fast() -> None:
    net = DemoNetwork().start()
    ports = net.ports()
    assert len(set(ports.values())) == len(PUBLISHERS) == 5
    assert fetch(net.base_url("northern_wire") + "/rss").status == 200
    started = time.monotonic()
    net.stop()
    assert time.monotonic() - started < 2
    for port in ports.values():
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("127.0.0.1", port))
    with DemoNetwork(ports=ports) as again:
        assert again.ports() == ports
        assert fetch(again.base_url("harbor_gazette") + "/news/").status == 200
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"http://127.0.0.1:{ports['harbor_gazette']}/", timeout=2)


def test_stable_ports() -> None:
    assert DEFAULT_PORT_BASE == 8701
    assert stable_ports() == {"harbor_gazette": 8701, "valley_courier": 8702, "metro_daily": 8703,
                              "northern_wire": 8704, "lakeside_ledger": 8705}
    assert list(stable_ports(9000).values()) == [9000, 9001, 9002, 9003, 9004]


def test_requests_are_not_logged(net: DemoNetwork, capfd: pytest.CaptureFixture[str]) -> None:
    fetch(net.base_url("valley_courier") + "/atom.xml")
    fetch(net.base_url("valley_courier") + "/missing")
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_command_line_serve_prints_urls() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "demo.network", "serve"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        assert proc.stdout is not None
        while not lines or lines[-1].strip() != "}":
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else ""
            lines.append(line)
        urls = json.loads("".join(lines))
        assert list(urls) == [p.slug for p in PUBLISHERS]
        assert fetch(urls["metro_daily"] + "/robots.txt").status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
