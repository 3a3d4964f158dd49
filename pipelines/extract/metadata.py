"""Article metadata for the extraction stage: dates (ISO 8601 with time zone when the page
states them), authors as a list, language, read once from the parsed tree (the lead image,
description, tags, section and free access: ``pipelines.extract.newsmeta``).
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime
from typing import Any

import trafilatura

logger = logging.getLogger(__name__)

_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "datepublished", "publishdate", "pubdate",
    "publish-date", "publish_date", "dc.date.issued", "dcterms.created", "sailthru.date", "parsely-pub-date",
    "date",
)
_UPDATED_META = ("article:modified_time", "og:updated_time", "datemodified", "last-modified", "dcterms.modified")
_JSONLD_DATE = re.compile(r'"(datePublished|dateModified)"\s*:\s*"([^"]{8,40})"')


def normalize_date(value: str | None) -> str:
    """ISO 8601: ``YYYY-MM-DDTHH:MM:SS±HH:MM`` when the value has a time (and zone), else
    ``YYYY-MM-DD``; "" when it cannot be read."""
    if not value:
        return ""
    value = value.strip()
    candidate = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    candidate = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", candidate)  # +0100 -> +01:00
    try:
        parsed = datetime.fromisoformat(candidate.replace(" ", "T", 1))
    except ValueError:
        match = re.match(r"\d{4}-\d{2}-\d{2}", value)
        return match.group(0) if match else ""
    if len(value) <= 10 or (parsed.hour, parsed.minute, parsed.second) == (0, 0, 0) and parsed.tzinfo is None:
        return parsed.date().isoformat()
    return parsed.replace(microsecond=0).isoformat()


def stated_dates(tree: Any, html: str) -> tuple[list[str], list[str]]:
    """Published and modified timestamps stated in meta tags, ``<time>`` and JSON-LD, in order."""
    published: list[str] = []
    updated: list[str] = []
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = meta.get("content") or ""
        if key in _PUBLISHED_META:
            published.append(content)
        elif key in _UPDATED_META:
            updated.append(content)
    for kind, value in _JSONLD_DATE.findall(html):
        (published if kind == "datePublished" else updated).append(value)
    for element in tree.xpath("//time[@datetime][@itemprop]"):
        prop = element.get("itemprop", "").lower()
        if prop in ("datepublished", "datemodified"):
            (published if prop == "datepublished" else updated).append(element.get("datetime"))
    return published, updated


def best_timestamp(day: str, stated: list[str]) -> str:
    """The first stated timestamp on ``day`` (any day when ``day`` is empty), with its time."""
    for value in stated:
        iso = normalize_date(value)
        if iso and (not day or iso[:10] == day) and len(iso) > 10:
            return iso
    return day


def split_authors(value: str | None) -> list[str]:
    """trafilatura joins authors with "; "; a list, without "By " prefixes and repeats."""
    authors: list[str] = []
    for part in (value or "").split(";"):
        name = re.sub(r"^\s*by\s+", "", part, flags=re.IGNORECASE).strip(" ,")
        if name and name.lower() not in (a.lower() for a in authors):
            authors.append(name)
    return authors


def language_of(tree: Any, doc: Any) -> str:
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    if not lang:
        for meta in tree.iter("meta"):
            if (meta.get("http-equiv") or "").lower() == "content-language" or meta.get("property") == "og:locale":
                lang = meta.get("content") or ""
                break
    lang = lang or (getattr(doc, "language", None) or "")
    return re.split(r"[-_]", lang.strip())[0].lower() if lang.strip() else ""


HTMLDATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def today() -> str:
    return datetime.now().astimezone().strftime("%Y-%m-%d")


_AUTHOR_XPATH = (
    "//*[@rel='author' or @itemprop='author' or contains(@class, 'author-name') or contains(@class, 'byline')"
    " or contains(@class, 'author') and not(contains(@class, 'author-bio') or contains(@class, 'authors'))]"
)


def _byline_author(tree: Any) -> str | None:
    """A short author name from the page's byline markup (rel/itemprop/class ``author``,
    ``byline``): a cheap stand-in for ``trafilatura.metadata.extract_author``, which deep-copies
    the tree and costs about 9 ms a page."""
    for element in tree.xpath(_AUTHOR_XPATH)[:6]:
        name = " ".join(" ".join(element.itertext()).split())
        name = re.sub(r"^(written |posted |reviewed |words |story )?by\s*:?\s*", "", name, flags=re.IGNORECASE)
        if 1 < len(name.split()) <= 5 and not re.search(r"\d|@|https?:|\b(share|follow|more|posts?)\b", name, re.I):
            return name
    return None


def read_metadata(tree: Any, url: str) -> Any:
    """trafilatura's metadata (meta tags, JSON-LD, title, author, canonical URL, site name)
    without the parts we do not use (categories, tags, license: a third of its cost) and
    without its date, which ``ArticleExtractor`` reads itself. Falls back to
    ``trafilatura.extract_metadata`` if trafilatura's internals change."""
    try:
        from trafilatura import metadata as tm

        doc = tm.examine_meta(tree)
        if doc.author and " " not in doc.author:
            doc.author = None
        try:
            doc = tm.extract_meta_json(tree, doc)
        except Exception:  # noqa: BLE001 (trafilatura's JSON-LD parser on a broken page)
            logger.debug("JSON-LD metadata unreadable: %s", url)
        doc.title = doc.title or tm.extract_title(tree)
        doc.author = doc.author or _byline_author(tree)
        doc.url = doc.url or tm.extract_url(tree, url)
        if not doc.sitename:
            doc.sitename = tm.extract_sitename(tree)
        if doc.sitename:
            doc.sitename = doc.sitename.lstrip("@")
            if "." not in doc.sitename and not doc.sitename[:1].isupper():
                doc.sitename = doc.sitename.title()
        return doc
    except (AttributeError, TypeError):
        return trafilatura.extract_metadata(tree, default_url=url, extensive=False)


# --- the extractor ------------------------------------------------------------------------------


_URL_DAY = re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?:/|-|$)")


def url_day(url: str) -> str:
    """The ``/YYYY/MM/DD/`` day in ``url`` as ``YYYY-MM-DD``, or ""."""
    match = _URL_DAY.search(url or "")
    if not match:
        return ""
    try:
        return date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        return ""


def local_publication_day(published: str, url: str) -> str:
    """``published``, or the day of ``url``'s ``/YYYY/MM/DD/`` path when ``published`` is a UTC
    timestamp one day off it: a late-evening (or early-morning) post stamped in UTC falls on the
    next (previous) day, while the site dates it, in its URL, by its own clock."""
    day = url_day(url)
    if not day or len(published) <= 10 or not published.endswith(("+00:00", "Z")) or published[:10] == day:
        return published
    try:
        apart = abs((date.fromisoformat(published[:10]) - date.fromisoformat(day)).days)
    except ValueError:
        return published
    return day if apart == 1 else published

