"""The entries of an RSS 2.0, RSS 1.0 (RDF) or Atom feed as (link, date) pairs; the kind of a sitemap.

lxml reads the feed in recover mode, so a feed with a stray entity or an unclosed tag still
gives its entries; ``NotAFeed`` is raised only for a document that is not XML, not a feed
(``<html>``, ``<urlset>``…) or so broken that no entry has a usable link. (trafilatura's feed
reader is not used here: it gives links without their dates, so the date window could not
apply, and it cannot tell a broken feed from an empty one.)
"""

from __future__ import annotations

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


def feed_entries(body: bytes) -> list[tuple[str, str | None]]:
    """Every entry (``item`` / ``entry``) of the feed in ``body``: its link ("" when it has none,
    relative links as given) and its date text (None when undated). Raises ``NotAFeed``."""
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


def sitemap_type(body: bytes) -> str:
    """The root element of a sitemap body as Scrapy's ``Sitemap`` reads it (``urlset``,
    ``sitemapindex``, …; "" when it is not XML)."""
    from scrapy.utils.sitemap import Sitemap

    try:
        return str(Sitemap(body).type or "")
    except Exception:  # lxml and iterparse raise several kinds (StopIteration on an empty body)
        return ""
