"""The entries of an RSS 2.0, RSS 1.0 (RDF), Atom or JSON Feed as (link, date) pairs; the kind of
a sitemap and the publication dates of a Google News sitemap; feed and sitemap dates read.

lxml reads an XML feed in recover mode, so a feed with a stray entity or an unclosed tag still
gives its entries; ``NotAFeed`` is raised only for a document that is not XML or JSON, not a
feed (``<html>``, ``<urlset>``, JSON without a ``https://jsonfeed.org/version/…`` version…) or
so broken that no entry has a usable link. (trafilatura's feed reader is not used here: it gives
links without their dates, so the date window could not apply, and it cannot tell a broken feed
from an empty one. Likewise ``trafilatura.sitemaps`` finds a sitemap's links by regex, without
their ``lastmod`` or ``news:publication_date``; Scrapy's ``Sitemap`` reads the links and
``lastmod``, ``news_dates`` the publication dates it drops.)
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from lxml import etree
from parsel import Selector

FEED_ROOTS = frozenset({"rss", "feed", "RDF"})
ENTRY_LINK = "link/text()"
ENTRY_HREF = "link[not(@rel) or @rel='alternate']/@href"
ENTRY_DATE = "pubDate/text() | published/text() | updated/text() | date/text()"


class NotAFeed(ValueError):
    """The document is not a readable feed (the message says why, one line)."""


def _usable(link: str) -> bool:
    """True when ``link`` can name a page: an http(s) URL with a host, or a relative URL."""
    parts = urlsplit(link)
    if parts.scheme:
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    return bool(parts.netloc or parts.path)


def parse_entry_date(value: str) -> datetime:
    """A feed or sitemap date (RFC 822 or ISO 8601) as an aware datetime (UTC if no zone)."""
    when = parsedate_to_datetime(value) if value[:1].isalpha() else datetime.fromisoformat(value.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def latest_date(*values: str | None) -> str | None:
    """The latest readable date text of ``values`` (an unreadable one only when none is readable;
    None when all are empty): a sitemap entry's date from its ``lastmod`` and news publication date."""
    dated = []
    for value in filter(None, values):
        try:
            dated.append((parse_entry_date(value.strip()), value))
        except (TypeError, ValueError, IndexError):
            continue
    return max(dated)[1] if dated else next(filter(None, values), None)


def json_feed_entries(body: bytes) -> list[tuple[str, str | None]]:
    """Every item of the JSON Feed (https://jsonfeed.org, versions 1 and 1.1) in ``body``: its
    ``url`` (else its ``id`` when that is a URL; "" when none) and ``date_published`` (else
    ``date_modified``). Raises ``NotAFeed``."""
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise NotAFeed(f"not JSON ({str(exc)[:120]})") from None
    version = document.get("version") if isinstance(document, dict) else None
    if not isinstance(version, str) or not version.startswith(("https://jsonfeed.org/version/",
                                                                "http://jsonfeed.org/version/")):
        raise NotAFeed("not a feed: JSON without a jsonfeed.org version")
    items = document.get("items")
    if not isinstance(items, list):
        raise NotAFeed("not a feed: JSON Feed without an items list")
    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        url, ident = item.get("url"), item.get("id")
        link = url if isinstance(url, str) else ident if isinstance(ident, str) and "://" in ident else ""
        date = next((v for v in (item.get("date_published"), item.get("date_modified")) if isinstance(v, str)), None)
        entries.append((link.strip(), date))
    return entries


def feed_entries(body: bytes) -> list[tuple[str, str | None]]:
    """Every entry (``item`` / ``entry``; a JSON Feed's ``items``) of the feed in ``body``: its link
    ("" when it has none, relative links as given) and its date text (None when undated).
    Raises ``NotAFeed``."""
    if body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        return json_feed_entries(body)
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(body, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise NotAFeed(f"not XML ({exc})") from None
    errors = [e.message.strip() for e in parser.error_log]
    if root is None:
        raise NotAFeed(f"not XML ({errors[0] if errors else 'no element'})")
    tag = etree.QName(root).localname
    if tag not in FEED_ROOTS:
        raise NotAFeed(f"not a feed: the document is <{tag}>")
    selector = Selector(root=root, type="xml")
    selector.remove_namespaces()
    entries = [
        ((e.xpath(ENTRY_LINK).get() or e.xpath(ENTRY_HREF).get() or "").strip(), e.xpath(ENTRY_DATE).get())
        for e in selector.xpath("//item | //entry")
    ]
    if errors and not any(_usable(link) for link, _date in entries):
        raise NotAFeed(f"broken XML ({errors[0]})")
    return entries


NEWS_DATE = "//*[local-name()='url']"


def news_dates(body: bytes) -> dict[str, str]:
    """``{loc: news:publication_date}`` of the entries of a Google News sitemap (an entry without
    one is left out; {} for any other sitemap or a body lxml cannot read)."""
    if b"publication_date" not in body:
        return {}
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(body, parser)
    except (etree.XMLSyntaxError, ValueError):
        return {}
    dates = {}
    for url in root.xpath(NEWS_DATE) if root is not None else ():
        loc = url.xpath("string(*[local-name()='loc'])").strip()
        date = url.xpath("string(*[local-name()='news']/*[local-name()='publication_date'])").strip()
        if loc and date:
            dates[loc] = date
    return dates


def sitemap_type(body: bytes) -> str:
    """The root element of a sitemap body as Scrapy's ``Sitemap`` reads it (``urlset``,
    ``sitemapindex``, …; "" when it is not XML)."""
    from scrapy.utils.sitemap import Sitemap

    try:
        return str(Sitemap(body).type or "")
    except Exception:  # lxml and iterparse raise several kinds (StopIteration on an empty body)
        return ""
