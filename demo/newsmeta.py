"""What a demo article page states beside its text, and its ground truth: the lead image, the
description, tags, section and free access a news user expects (``news_of``).

Each publisher states them its own way (``demo/templates/<slug>/base.html``), so the extraction
stage's metadata reader meets the common forms: ``og:image`` (absolute, or root-relative on
the Valley Courier), ``twitter:image`` (Metro Daily), ``article:tag`` per tag, ``<meta
name="keywords">`` (Northern Wire), tags only in JSON-LD ``keywords`` (Metro Daily), the section
as ``article:section`` or JSON-LD ``articleSection``. Harbor Gazette's NewsArticle block says
``"isAccessibleForFree": true``. Every demo article is free: the ``paywall_template`` page's
sitewide ``isAccessibleForFree: false`` is about the publisher's offer, not the article.
"""

from __future__ import annotations

from typing import Any

from demo.model import Page

#: Each publisher's section for its plain articles; roundups and features have their own.
SECTIONS = {"harbor_gazette": "Local News", "valley_courier": "Alder Valley", "metro_daily": "City",
            "northern_wire": "General news", "lakeside_ledger": "Lakeshore"}
LAYOUT_SECTIONS = {"roundup": "Roundups", "feature": "Features"}
RELATIVE_IMAGE_PUBLISHERS = frozenset({"valley_courier"})  # og:image given root-relative


def news_of(page: Page, base_url: str) -> dict[str, Any] | None:
    """``image`` (absolute URL), ``image_src`` (as the page writes it), ``description``, ``tags``,
    ``section`` and ``free_access`` of an article page; None for a story-less page."""
    if page.story is None:
        return None
    topic = " ".join(page.story.split("-")[1:]).capitalize() or page.story
    event = page.event.replace("-", " ").capitalize() if page.event else ""
    tags = [topic, *([event] if event and event != topic else [])]
    src = f"/images/{page.story}.jpg"
    return {
        "image": base_url + src,
        "image_src": src if page.site in RELATIVE_IMAGE_PUBLISHERS else base_url + src,
        "description": page.summary if page.paragraphs else "",
        "tags": tags,
        "section": LAYOUT_SECTIONS.get(page.layout, SECTIONS[page.site]),
        "free_access": True,
    }
