"""HTML rendering with the per-publisher Jinja2 templates in ``demo/templates/<slug>/``.

Links inside pages are root-relative (``/news/…``); ``<link rel="canonical">``, og:url and
JSON-LD use absolute URLs built from the running base URL.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup, escape

from demo.model import Page
from demo.newsmeta import news_of
from demo.publishers import Publisher

TEMPLATES = "templates"  # this package's folder of templates, <slug>/*.html (PackageLoader: also from an egg)
JSONLD_PUBLISHERS = frozenset({"harbor_gazette", "valley_courier", "metro_daily", "lakeside_ledger"})
KICKERS = {"harbor_gazette": "Local News", "valley_courier": "Alder Valley",
           "metro_daily": "City", "northern_wire": "General news", "lakeside_ledger": "Lakeshore"}


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The shared Jinja2 environment (autoescaping on, strict undefined)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader(__package__, TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def _common(pub: Publisher, base_url: str, **ctx: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "pub": pub, "base_url": base_url, "og_type": "website", "description": None, "author": None,
        "published_iso": None, "jsonld": None, "body_class": "", "amphtml": None, "slugline": "",
        "intro": None, "sections": [], "trending": [], "archive": [], "prev_href": None,
        "next_href": None, "page_no": 1, "links": [], "paragraphs": [], "lang": "en", "rtl": False,
        "layout": "standard", "site_jsonld": None, "roundup": [], "news": None,
    }
    out.update(ctx)
    out.setdefault("og_title", out.get("title", pub.name))
    return out


def _jsonld(pub: Publisher, page: Page, url: str, base_url: str) -> str:
    news = news_of(page, base_url) or {}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.headline,
        "datePublished": page.published.isoformat(),
        "dateModified": page.published.isoformat(),
        "author": {"@type": "Person", "name": page.author},
        "publisher": {"@type": "Organization", "name": pub.name, "url": base_url + "/"},
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "description": page.summary,
    }
    if news:
        data.update(image=news["image"], articleSection=news["section"], keywords=news["tags"])
        if pub.slug == "harbor_gazette":
            data["isAccessibleForFree"] = True
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def _site_jsonld(pub: Publisher, base_url: str) -> str:
    """A sitewide Organization block of a subscription publisher: the paywall flag belongs to
    the publisher's offer, not to the article on the page."""
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": pub.name,
        "url": base_url + "/",
        "isAccessibleForFree": False,
        "subjectOf": {"@type": "WebPage", "name": f"{pub.name} Insider membership", "isAccessibleForFree": False},
    }
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def _linked(text: str, links: tuple[tuple[str, str], ...], pages: dict[str, Page]) -> Markup:
    """``text`` escaped, with the first occurrence of each anchor text linked to its page."""
    html = str(escape(text))
    for anchor, key in links:
        target = str(escape(anchor))
        html = html.replace(target, f'<a href="{escape(pages[key].path)}">{target}</a>', 1)
    return Markup(html)  # noqa: S704 (built from escaped parts)


def _roundup(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Blocks grouped under their ``h`` headings (blocks before the first heading are dropped:
    the template renders them as the introduction)."""
    items: list[dict[str, Any]] = []
    for b in blocks:
        if b["kind"] == "h":
            items.append({"heading": b["text"], "blocks": []})
        elif items:
            items[-1]["blocks"].append(b)
    return items


def render_article(pub: Publisher, page: Page, base_url: str, pages: dict[str, Page]) -> str:
    """The article HTML of ``page``; ``pages`` resolves related, read-more and in-text link keys."""
    canonical_page = pages[page.canonical] if page.canonical else page
    canonical = base_url + canonical_page.path
    blocks = [
        {"kind": b.kind, "text": b.text, "href": pages[b.ref].path if b.ref else None,
         "html": _linked(b.text, b.links, pages)} for b in page.blocks
    ]
    intro = blocks
    if page.layout == "roundup":
        first = next((i for i, b in enumerate(blocks) if b["kind"] == "h"), len(blocks))
        intro = blocks[:first]
    related = [{"href": pages[k].path, "headline": pages[k].headline} for k in page.related]
    ctx = _common(
        pub, base_url,
        title=page.headline, og_title=page.headline, og_type="article", canonical=canonical,
        news=news_of(page, base_url),
        description=page.summary if page.paragraphs else None, author=page.author,
        published_iso=page.published.isoformat(), published_display=pub.format_date(page.published),
        headline=page.headline, blocks=intro, related=related, kicker=KICKERS[pub.slug],
        lang=page.lang, rtl=page.lang in ("ar", "he", "fa", "ur"), layout=page.layout,
        roundup=_roundup(blocks) if page.layout == "roundup" else [],
        site_jsonld=_site_jsonld(pub, base_url) if page.layout == "paywall_template" else None,
        num=page.num, body_class="single single-post article-page",
        slugline=re.sub(r"[^A-Z0-9]+", "-", page.headline.upper())[:32].strip("-"),
        jsonld=_jsonld(pub, page, canonical, base_url) if pub.slug in JSONLD_PUBLISHERS else None,
        amphtml=base_url + pub.duplicate_path(page.path)
        if (pub.slug == "metro_daily" and any(p.canonical == page.key for p in pages.values())) else None,
    )
    html = environment().get_template(f"{pub.slug}/article.html").render(ctx)
    if page.broken == "malformed":
        html = malform(html)
    return html


def malform(html: str) -> str:
    """Break an article's markup but keep its text: drop ``</p>`` and most closing tags,
    mis-nest inline tags, leave a table unclosed and cut the document end."""
    head, sep, body = html.partition("<body")
    body = body.replace("</p>", "")
    body = re.sub(r"<p class=\"md-p\">(\S+ \S+)", r'<p class="md-p"><b><i>\1</b></i>', body, count=1)
    for tag in ("</article>", "</section>", "</aside>", "</h1>"):
        body = body.replace(tag, "", 1)
    body = body.replace('<div class="md-article__meta">', '<div class="md-article__meta"><table><tr><td>', 1)
    body = body.replace("</body>", "").replace("</html>", "")
    return head + sep + body.rstrip() + "\n<div class=\"md-footer-extra\"><span>\n"


def render_listing(pub: Publisher, base_url: str, **ctx: Any) -> str:
    """A listing page (home, section pages, day archive) from ``listing.html``.

    Expected keys: title, heading, canonical, items (dicts with href, headline, date_display,
    published_iso, summary); optional: intro, sections, trending, archive, prev_href,
    next_href, page_no.
    """
    return environment().get_template(f"{pub.slug}/listing.html").render(_common(pub, base_url, **ctx))


def render_page(pub: Publisher, base_url: str, **ctx: Any) -> str:
    """A static page (about, contact, error pages) from ``page.html``.

    Expected keys: title, heading, canonical; optional: paragraphs, links (dicts href/label).
    """
    return environment().get_template(f"{pub.slug}/page.html").render(_common(pub, base_url, **ctx))
