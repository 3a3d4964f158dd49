"""XML documents: RSS 2.0, Atom 1.0, sitemaps (plain, Google news, index), robots.txt.

Every function takes already-absolute URLs and returns UTF-8 bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed or sitemap."""

    url: str
    title: str
    published: datetime
    summary: str = ""
    author: str = ""


def _x(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def rss(title: str, site_url: str, self_url: str, description: str, items: Sequence[FeedItem]) -> bytes:
    """An RSS 2.0 channel (with ``dc:creator`` and an ``atom:link rel=self``)."""
    built = max((i.published for i in items), default=None)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom">',
        "<channel>",
        f"<title>{_x(title)}</title>",
        f"<link>{_x(site_url)}</link>",
        f'<atom:link href="{_x(self_url)}" rel="self" type="application/rss+xml"/>',
        f"<description>{_x(description)}</description>",
        "<language>en</language>",
    ]
    if built is not None:
        out.append(f"<lastBuildDate>{format_datetime(built)}</lastBuildDate>")
    for i in items:
        out += [
            "<item>",
            f"<title>{_x(i.title)}</title>",
            f"<link>{_x(i.url)}</link>",
            f'<guid isPermaLink="true">{_x(i.url)}</guid>',
            f"<pubDate>{format_datetime(i.published)}</pubDate>",
        ]
        if i.author:
            out.append(f"<dc:creator>{_x(i.author)}</dc:creator>")
        if i.summary:
            out.append(f"<description>{_x(i.summary)}</description>")
        out.append("</item>")
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out).encode("utf-8")


def atom(title: str, site_url: str, self_url: str, items: Sequence[FeedItem]) -> bytes:
    """An Atom 1.0 feed; entry ids are the article URLs."""
    updated = max((i.published for i in items), default=None)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
        f"<title>{_x(title)}</title>",
        f"<id>{_x(site_url)}/</id>",
        f'<link rel="alternate" type="text/html" href="{_x(site_url)}/"/>',
        f'<link rel="self" type="application/atom+xml" href="{_x(self_url)}"/>',
    ]
    if updated is not None:
        out.append(f"<updated>{updated.isoformat()}</updated>")
    for i in items:
        out += [
            "<entry>",
            f'<title type="text">{_x(i.title)}</title>',
            f'<link rel="alternate" type="text/html" href="{_x(i.url)}"/>',
            f"<id>{_x(i.url)}</id>",
            f"<published>{i.published.isoformat()}</published>",
            f"<updated>{i.published.isoformat()}</updated>",
        ]
        if i.author:
            out.append(f"<author><name>{_x(i.author)}</name></author>")
        if i.summary:
            out.append(f'<summary type="text">{_x(i.summary)}</summary>')
        out.append("</entry>")
    out += ["</feed>", ""]
    return "\n".join(out).encode("utf-8")


def news_sitemap(publication: str, items: Iterable[FeedItem]) -> bytes:
    """A Google news sitemap (``urlset`` with ``news:news`` per URL)."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">',
    ]
    for i in items:
        out += [
            "<url>",
            f"<loc>{_x(i.url)}</loc>",
            f"<lastmod>{i.published.isoformat()}</lastmod>",
            "<news:news>",
            "<news:publication>",
            f"<news:name>{_x(publication)}</news:name>",
            "<news:language>en</news:language>",
            "</news:publication>",
            f"<news:publication_date>{i.published.isoformat()}</news:publication_date>",
            f"<news:title>{_x(i.title)}</news:title>",
            "</news:news>",
            "</url>",
        ]
    out += ["</urlset>", ""]
    return "\n".join(out).encode("utf-8")


def urlset(entries: Iterable[tuple[str, datetime | None]]) -> bytes:
    """A plain sitemap: (absolute URL, lastmod or None) pairs."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url, lastmod in entries:
        out.append("<url>")
        out.append(f"<loc>{_x(url)}</loc>")
        if lastmod is not None:
            out.append(f"<lastmod>{lastmod.isoformat()}</lastmod>")
        out.append("</url>")
    out += ["</urlset>", ""]
    return "\n".join(out).encode("utf-8")


def sitemap_index(entries: Iterable[tuple[str, datetime]]) -> bytes:
    """A sitemap index: (absolute sitemap URL, lastmod) pairs."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for url, lastmod in entries:
        out += ["<sitemap>", f"<loc>{_x(url)}</loc>", f"<lastmod>{lastmod.isoformat()}</lastmod>", "</sitemap>"]
    out += ["</sitemapindex>", ""]
    return "\n".join(out).encode("utf-8")


def robots(disallow: Sequence[str] = (), sitemaps: Sequence[str] = ()) -> bytes:
    """robots.txt for all user agents; articles, feeds and sections are always allowed."""
    lines = ["User-agent: *"]
    lines += [f"Disallow: {d}" for d in disallow] or ["Allow: /"]
    lines.append("")
    lines += [f"Sitemap: {s}" for s in sitemaps]
    return ("\n".join(lines) + "\n").encode("utf-8")
