"""What one publisher serves: a map from request target to a prepared :class:`Resource`.

``Site.publish(families)`` (re)builds every response for the given set of published story
families. A response whose bytes did not change keeps its ``Last-Modified``/``ETag``; a
changed one gets ``Last-Modified`` strictly later than before (so conditional GETs see it).
Article pages never change when stories are added (their "Related stories" blocks only
point at stories published from the start), so only listings, feeds and sitemaps do.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from demo import feeds
from demo.catalog import Catalog
from demo.model import Page
from demo.publishers import Publisher
from demo.render import render_article, render_listing, render_page

EPOCH = datetime(2026, 10, 1, 6, 0, tzinfo=UTC)  # Last-Modified of static pages
HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
PDF = "application/pdf"

#: Bytes served for the ``binary`` broken page: a small (fake) PDF.
PDF_BYTES = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n3 0 obj\n<< /Length 256 >>\nstream\n"
    + bytes(range(256))
    + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


@dataclass(frozen=True)
class Resource:
    """A prepared response. ``last_modified`` is UTC with whole seconds."""

    status: int
    content_type: str
    body: bytes
    last_modified: datetime
    etag: str


_Draft = tuple[int, str, bytes, datetime]  # status, content type, body, natural Last-Modified


def etag_of(body: bytes) -> str:
    """Strong ETag of a body."""
    return '"' + hashlib.blake2b(body, digest_size=10).hexdigest() + '"'


def _utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC).replace(microsecond=0)


class Site:
    """One publisher of a running network, bound to its base URL."""

    def __init__(self, pub: Publisher, catalog: Catalog, base_url: str) -> None:
        self.pub = pub
        self.base_url = base_url
        self.pages = catalog.by_key()
        self.own = catalog.for_site(pub.slug)
        self._resources: dict[str, Resource] = {}
        body = self._error_page(404, "Page not found", "Sorry, we could not find the page you were looking for.")
        self.not_found = Resource(404, HTML, body, EPOCH, etag_of(body))

    # --- serving ----------------------------------------------------------------------------
    def lookup(self, target: str) -> Resource:
        """The response for a request target (path plus optional query); 404 resource if none.

        An article path with an unknown query string is served as the article itself.
        """
        resources = self._resources  # one consistent snapshot
        res = resources.get(target)
        if res is None and "?" in target:
            path = target.split("?", 1)[0]
            if self.pub.is_article_path(path):
                res = resources.get(path)
        return res if res is not None else self.not_found

    def targets(self) -> list[str]:
        """Every request target with a prepared response (for tests and debugging)."""
        return list(self._resources)

    def publish(self, families: set[str]) -> list[str]:
        """Rebuild for ``families`` (published story families); return changed targets."""
        old = self._resources
        new: dict[str, Resource] = {}
        changed = []
        for target, (status, ctype, body, natural) in self._build(families).items():
            prev = old.get(target)
            if prev is not None and prev.body == body and prev.status == status:
                new[target] = prev
                continue
            lm = _utc(natural)
            if prev is not None:
                lm = max(lm, prev.last_modified + timedelta(seconds=1))
                changed.append(target)
            new[target] = Resource(status, ctype, body, lm, etag_of(body))
        changed += [t for t in old if t not in new]
        self._resources = new
        return changed

    # --- building ---------------------------------------------------------------------------
    def url(self, path: str) -> str:
        """Absolute URL of a path of this site."""
        return self.base_url + path

    def _build(self, families: set[str]) -> dict[str, _Draft]:
        visible = [p for p in self.own if p.family in families]
        listed = sorted((p for p in visible if p.listed), key=lambda p: (p.published, p.key), reverse=True)
        out: dict[str, _Draft] = {}
        for page in visible:
            draft = self._article(page, visible)
            if draft is not None:
                out[page.path] = draft
        out.update(self._static())
        builder: Callable[[list[Page], list[Page]], dict[str, _Draft]] = getattr(self, f"_build_{self.pub.slug}")
        out.update(builder(listed, visible))
        return out

    def _article(self, page: Page, visible: list[Page]) -> _Draft | None:
        when = page.published
        if page.broken == "404":
            return None
        if page.broken == "500":
            body = self._error_page(500, "Internal Server Error", "Something went wrong on our end. Please try again.")
            return 500, HTML, body, when
        if page.broken == "binary":
            return 200, PDF, PDF_BYTES, when
        if page.broken == "not_article":
            return 200, HTML, self._day_archive(page, visible), when
        html = render_article(self.pub, page, self.base_url, self.pages)
        if page.broken == "wrong_charset":
            return 200, HTML, html.encode("cp1252"), when  # header says utf-8: bytes are cp1252
        return 200, HTML, html.encode("utf-8"), when

    def _error_page(self, status: int, heading: str, text: str) -> bytes:
        html = render_page(
            self.pub, self.base_url, title=f"{status} {heading}", heading=heading, canonical=self.url("/"),
            paragraphs=[text], links=[{"href": "/", "label": "Go to the home page"}], body_class=f"error{status}",
        )
        return html.encode("utf-8")

    def _static(self) -> dict[str, _Draft]:
        pub = self.pub
        about = [
            f"{pub.name} is an independent news organisation based in {pub.city}, Norland.",
            "This is an offline demonstration site: every person, place and story on it is invented.",
        ]
        contact = [f"Newsroom: news@{pub.slug.replace('_', '-')}.example", "Phone: 555-0100 (weekdays, 9 to 5)"]
        out: dict[str, _Draft] = {}
        for path, heading, paras in (("/about", f"About {pub.name}", about), ("/contact", "Contact us", contact)):
            html = render_page(pub, self.base_url, title=heading, heading=heading, canonical=self.url(path),
                               paragraphs=paras)
            out[path] = (200, HTML, html.encode("utf-8"), EPOCH)
        out["/robots.txt"] = (200, TEXT, self._robots(), EPOCH)
        return out

    def _robots(self) -> bytes:
        slug = self.pub.slug
        if slug == "valley_courier":
            return feeds.robots(["/wp-admin/"], [self.url("/sitemap-news.xml")])
        if slug == "metro_daily":
            return feeds.robots(["/search", "/api/"], [self.url("/sitemap_index.xml")])
        if slug == "northern_wire":
            return feeds.robots(["/client/"])
        if slug == "lakeside_ledger":
            return feeds.robots(["/account/"])  # its sitemap is linked from the footer only
        return feeds.robots()

    # --- shared listing helpers -------------------------------------------------------------
    def _item(self, p: Page, short: bool = False) -> dict[str, Any]:
        summary = p.summary if p.paragraphs else ""
        if short and summary:
            summary = " ".join(summary.split()[:10]) + " …"
        return {"href": p.path, "headline": p.headline, "date_display": self.pub.format_date(p.published),
                "published_iso": p.published.isoformat(), "summary": summary}

    def _feed_items(self, pages: list[Page]) -> list[feeds.FeedItem]:
        return [feeds.FeedItem(self.url(p.path), p.headline, p.published, p.summary if p.paragraphs else "",
                               p.author) for p in pages]

    @staticmethod
    def _newest(pages: list[Page]) -> datetime:
        return max((p.published for p in pages), default=EPOCH)

    def _paged(
        self, listed: list[Page], path_of: Callable[[int], str], canonical_of: Callable[[int], str],
        heading: str, extra: dict[str, Any],
    ) -> dict[str, _Draft]:
        per = self.pub.per_page
        chunks = [listed[i: i + per] for i in range(0, len(listed), per)] or [[]]
        out: dict[str, _Draft] = {}
        for n, chunk in enumerate(chunks, start=1):
            html = render_listing(
                self.pub, self.base_url, title=heading if n == 1 else f"{heading} – page {n}",
                heading=heading, canonical=self.url(canonical_of(n)), items=[self._item(p) for p in chunk],
                prev_href=path_of(n - 1) if n > 1 else None, next_href=path_of(n + 1) if n < len(chunks) else None,
                page_no=n, body_class="section-page", **extra,
            )
            out[path_of(n)] = (200, HTML, html.encode("utf-8"), self._newest(chunk))
        return out

    def _home(self, listed: list[Page], count: int, sections: list[dict[str, str]], extra: dict[str, Any]) -> _Draft:
        top = listed[:count]
        html = render_listing(
            self.pub, self.base_url, title=f"{self.pub.name} – news from {self.pub.city}",
            heading="Latest news", canonical=self.url("/"), items=[self._item(p) for p in top],
            sections=sections, body_class="home", **extra,
        )
        return 200, HTML, html.encode("utf-8"), self._newest(top)

    def _trending(self, listed: list[Page], visible: list[Page]) -> list[dict[str, str]]:
        dups = [{"href": p.path, "headline": p.headline} for p in visible if p.role == "url_duplicate"]
        plain = [{"href": p.path, "headline": p.headline} for p in listed if p.role in ("original", "reprint")][:2]
        return dups + plain

    def _day_archive(self, page: Page, visible: list[Page]) -> bytes:
        day = page.published
        near = [p for p in visible if p.listed and p.story and abs((p.published - day).days) <= 3]
        near.sort(key=lambda p: p.published, reverse=True)
        html = render_listing(
            self.pub, self.base_url, title=page.headline, heading=page.headline, canonical=self.url(page.path),
            intro="Stories published around this day. Select a headline to read the full story.",
            items=[self._item(p, short=True) for p in near], body_class="archive date",
        )
        return html.encode("utf-8")

    # --- per publisher ----------------------------------------------------------------------
    def _build_harbor_gazette(self, listed: list[Page], visible: list[Page]) -> dict[str, _Draft]:
        pub = self.pub
        archive = [{"href": p.path, "label": p.headline.replace("Daily archive: ", "")}
                   for p in visible if p.broken == "not_article"]
        extra = {"trending": self._trending(listed, visible), "archive": archive}
        out = self._paged(listed, lambda n: "/news/" if n == 1 else f"/news/page/{n}/",
                          lambda n: "/news/" if n == 1 else f"/news/page/{n}/", "Local news", extra)
        out["/news"] = out["/news/"]
        out["/"] = self._home(listed, 6, [{"href": "/news/", "label": "All local news"}], extra)
        top = listed[: pub.feed_limit]
        out["/feed.xml"] = (200, RSS, feeds.rss(pub.name, self.url("/"), self.url("/feed.xml"),
                                                "Harborton news from The Harbor Gazette", self._feed_items(top)),
                            self._newest(top))
        return out

    def _build_valley_courier(self, listed: list[Page], visible: list[Page]) -> dict[str, _Draft]:
        pub = self.pub
        out = {"/": self._home(listed, 12, [{"href": "/atom.xml", "label": "Subscribe to our feed"}], {})}
        top = listed[: pub.feed_limit]
        out["/atom.xml"] = (200, ATOM, feeds.atom(pub.name, self.base_url, self.url("/atom.xml"),
                                                  self._feed_items(top)), self._newest(top))
        out["/sitemap-news.xml"] = (200, XML, feeds.news_sitemap(pub.name, self._feed_items(listed)),
                                    self._newest(listed))
        return out

    def _build_metro_daily(self, listed: list[Page], visible: list[Page]) -> dict[str, _Draft]:
        extra = {"trending": self._trending(listed, visible)}
        out = self._paged(listed, lambda n: f"/section/city?page={n}", lambda n: f"/section/city?page={n}",
                          "City", extra)
        out["/section/city"] = out["/section/city?page=1"]
        out["/"] = self._home(listed, 6, [{"href": "/section/city?page=1", "label": "City"}], extra)
        october = [p for p in listed if p.published.astimezone(self.pub.tz).month == 10]
        later = [p for p in listed if p.published.astimezone(self.pub.tz).month != 10]
        index = []
        for name, chunk in (("news-1", october), ("news-2", later)):
            entries = [(self.url(p.path), p.published) for p in sorted(chunk, key=lambda p: p.published)]
            out[f"/sitemaps/{name}.xml"] = (200, XML, feeds.urlset(entries), self._newest(chunk))
            index.append((self.url(f"/sitemaps/{name}.xml"), _utc(self._newest(chunk))))
        statics = [(self.url(p), EPOCH) for p in ("/", "/about", "/contact", "/section/city?page=1")]
        out["/sitemaps/pages.xml"] = (200, XML, feeds.urlset(statics), EPOCH)
        index.append((self.url("/sitemaps/pages.xml"), EPOCH))
        out["/sitemap_index.xml"] = (200, XML, feeds.sitemap_index(index), max(t for _, t in index))
        return out

    def _build_northern_wire(self, listed: list[Page], visible: list[Page]) -> dict[str, _Draft]:
        pub = self.pub
        out = self._paged(listed, lambda n: "/latest" if n == 1 else f"/latest?p={n}",
                          lambda n: "/latest" if n == 1 else f"/latest?p={n}", "Latest stories", {})
        out["/latest?p=1"] = out["/latest"]
        out["/"] = self._home(listed, 6, [{"href": "/latest", "label": "All latest stories"}], {})
        out["/rss"] = (200, RSS, feeds.rss(pub.name, self.url("/"), self.url("/rss"),
                                           "All stories from Northern Wire Service", self._feed_items(listed)),
                       self._newest(listed))
        return out

    def _build_lakeside_ledger(self, listed: list[Page], visible: list[Page]) -> dict[str, _Draft]:
        # "Older stories" links without rel=next (a spider needs section_pagination); the
        # sitemap lists only the newest stories, so the older ones are reachable from page 2 on
        out = self._paged(listed, lambda n: "/lakeshore/" if n == 1 else f"/lakeshore/?pg={n}",
                          lambda n: "/lakeshore/" if n == 1 else f"/lakeshore/?pg={n}", "Lakeshore news", {})
        out["/"] = self._home(listed, 4, [{"href": "/lakeshore/", "label": "All Lakeshore news"}], {})
        top = listed[: self.pub.feed_limit]
        entries = [(self.url(p.path), p.published) for p in top]
        statics = [(self.url(p), EPOCH) for p in ("/", "/lakeshore/", "/about", "/contact")]
        out["/sitemap.xml"] = (200, XML, feeds.urlset(entries + statics), self._newest(top))
        return out
