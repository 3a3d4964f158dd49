"""The five demo publishers: names, time zones and URL schemes.

URL schemes (paths relative to each publisher's base URL):

================  ==========================================  ===================================
publisher         article URL                                 discovery
================  ==========================================  ===================================
harbor_gazette    /news/YYYY/MM/DD/<slug>.html                /feed.xml (RSS, 10 newest),
                                                              /news/, /news/page/N/ (8 per page)
valley_courier    /story/<id>-<slug>                          /atom.xml (10 newest),
                                                              /sitemap-news.xml (robots.txt)
metro_daily       /articles/<slug>-<id>                       /sitemap_index.xml (robots.txt),
                                                              /section/city?page=N (8 per page)
northern_wire     /wire/<id>/<slug>                           /rss (all), /latest, /latest?p=N
lakeside_ledger   /YYYY/MM/DD/<slug>/                         /sitemap.xml (4 newest, not in
                                                              robots.txt), /lakeshore/,
                                                              /lakeshore/?pg=N (4 per page, no
                                                              rel=next)
================  ==========================================  ===================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone


@dataclass(frozen=True)
class Publisher:
    """A demo publisher. ``article_pattern`` is searched (``re.search``) in a URL or path."""

    slug: str
    name: str
    city: str
    utc_offset_hours: int
    article_pattern: str
    entry_points: tuple[str, ...]
    per_page: int = 8
    feed_limit: int | None = 10  # items in the feed (lakeside_ledger: in the sitemap); None = all

    @property
    def tz(self) -> timezone:
        """The publisher's fixed UTC offset (dates are shown and put in URLs in this zone)."""
        return timezone(timedelta(hours=self.utc_offset_hours))

    def article_path(self, published: datetime, slug: str, num: int) -> str:
        """Path of an article under this publisher's URL scheme."""
        local = published.astimezone(self.tz)
        if self.slug == "harbor_gazette":
            return f"/news/{local:%Y/%m/%d}/{slug}.html"
        if self.slug == "valley_courier":
            return f"/story/{num}-{slug}"
        if self.slug == "metro_daily":
            return f"/articles/{slug}-{num}"
        if self.slug == "northern_wire":
            return f"/wire/{num}/{slug}"
        if self.slug == "lakeside_ledger":
            return f"/{local:%Y/%m/%d}/{slug}/"
        raise ValueError(self.slug)

    def duplicate_path(self, path: str) -> str:
        """The second URL of a URL-duplicate page (same text, canonical -> ``path``)."""
        if self.slug == "metro_daily":
            return "/amp" + path  # AMP copy: still matches the article pattern
        return path + "?ref=trending"  # tracking-parameter copy

    def is_article_path(self, path: str) -> bool:
        """True when ``path`` (no query) follows the article URL scheme."""
        return re.search(self.article_pattern, path) is not None

    def format_date(self, dt: datetime) -> str:
        """Human date line in the publisher's house style."""
        local = dt.astimezone(self.tz)
        hour = local.hour % 12 or 12
        ampm = "a.m." if local.hour < 12 else "p.m."
        if self.slug == "harbor_gazette":
            month = local.strftime("%b") + ("." if local.month not in (5, 6, 7) else "")
            return f"{month} {local.day}, {local.year} at {hour}:{local:%M} {ampm}"
        if self.slug == "valley_courier":
            return f"{local:%B} {local.day}, {local.year}"
        if self.slug == "metro_daily":
            return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"
        if self.slug == "lakeside_ledger":
            meridiem = "AM" if local.hour < 12 else "PM"
            return f"{local:%A}, {local:%B} {local.day}, {local.year} · {hour}:{local:%M} {meridiem}"
        return f"{local:%Y-%m-%d %H:%M} UTC"


PUBLISHERS: tuple[Publisher, ...] = (
    Publisher(
        "harbor_gazette", "The Harbor Gazette", "Harborton", -5,
        r"/news/\d{4}/\d{2}/\d{2}/[^/?]+\.html$", ("/feed.xml", "/news/"),
    ),
    Publisher(
        "valley_courier", "Valley Courier", "Fenwick", -6,
        r"/story/\d+-[\w-]+$", ("/atom.xml", "/sitemap-news.xml", "/robots.txt"),
    ),
    Publisher(
        "metro_daily", "Metro Daily", "Kestrel City", -5,
        r"/articles/[\w-]+-\d+$", ("/sitemap_index.xml", "/section/city?page=1", "/robots.txt"),
    ),
    Publisher(
        "northern_wire", "Northern Wire Service", "Northgate", 0,
        r"/wire/\d+/[\w-]+$", ("/rss", "/latest"), feed_limit=None,
    ),
    Publisher(
        "lakeside_ledger", "The Lakeside Ledger", "Wrenfield", -7,
        r"/\d{4}/\d{2}/\d{2}/[\w-]+/$", ("/sitemap.xml", "/lakeshore/"), per_page=4, feed_limit=4,
    ),
)

#: Numeric article ids: first id and step per publisher (assigned in date order).
NUM_SCHEME: dict[str, tuple[int, int]] = {
    "harbor_gazette": (0, 0),  # no numeric ids in its URLs
    "valley_courier": (40112, 7),
    "metro_daily": (58301, 11),
    "northern_wire": (731004, 13),
    "lakeside_ledger": (0, 0),  # no numeric ids in its URLs
}


def publisher(slug: str) -> Publisher:
    """The publisher with ``slug`` (KeyError if unknown)."""
    for pub in PUBLISHERS:
        if pub.slug == slug:
            return pub
    raise KeyError(slug)
