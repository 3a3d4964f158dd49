"""Page classification for the extraction stage: listing pages, paywall teasers, prose.

Pure functions over the extracted text and the page's parsed tree; ``pipelines.extract``
turns their verdicts into drop reasons (``NotAnArticle``, ``PaywallTeaser``, ``NoArticleText``).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from pipelines.textunits import count_units

_TEASER_END = ("…", "...")


def listing_share(tree: Any, text: str, stop_below: float = 0.0) -> float:
    """Share of the extracted words in lines that look like a listing: link texts (also as
    list items, which trafilatura writes ``- item``) and truncated teasers ending in an ellipsis.

    A section, tag, archive or search page extracts as a run of headlines and teasers;
    an article is mostly paragraphs that are none of these. List items of plain text (a
    guide's bullet points) are prose: on the dev corpus counting every list item dropped 25
    of 400 real articles.

    With ``stop_below`` the answer is exact only when it is ``stop_below`` or more: lines are
    read longest first, and as soon as the share can no longer reach ``stop_below`` the bound
    reached so far (below it) is returned. On an article that stops after its few long
    paragraphs; testing every line against every anchor text was ~1 ms a page.
    """
    lines = [line for line in (" ".join(raw.split()) for raw in text.splitlines()) if line]
    total = sum(count_units(line) for line in lines)
    if not total:
        return 0.0
    anchors = {" ".join(" ".join(a.itertext()).split()).lower() for a in tree.iter("a")}
    anchors = {a for a in anchors if count_units(a) >= 2}
    if stop_below > 0:
        lines.sort(key=len, reverse=True)
    listed, remaining = 0, total
    for line in lines:
        words = count_units(line)
        remaining -= words
        lowered = line.lower()
        if lowered.startswith(("- ", "* ", "• ")):
            lowered = lowered[2:]
        if line.endswith(_TEASER_END) or lowered in anchors:
            listed += words
        else:  # headlines glued into one line, or a link inside a list item: count the anchor texts
            in_links = min(words, sum(count_units(a) for a in anchors if a in lowered))
            listed += words if line[:2] in ("- ", "* ", "• ") and in_links * 2 >= words else in_links
        if listed + remaining < stop_below * total:
            return (listed + remaining) / total
    return listed / total


def listing_limit(base: float, prose: int, share: float, margin: float, full_at: int) -> float:
    """The listing-share limit for a text with ``prose`` words in sentence-length lines, ``share`` of
    its words listed: ``base`` raised by up to ``margin``, in proportion to the prose outside the
    listed lines (``prose * (1 - share)``) up to ``full_at`` words. A page with hundreds of words of
    paragraph prose (a "10 things to know today" roundup under linked headings) is not a listing by
    link share alone; a tag page of linked headlines has next to no prose outside its links."""
    if margin <= 0 or full_at <= 0:
        return base
    outside = max(0.0, prose * (1.0 - share))
    return base + margin * min(1.0, outside / full_at)


def prose_words(text: str, min_line_words: int = 8) -> int:
    """Words in lines long enough to be sentences (menus, labels and buttons are not)."""
    return sum(n for n in (count_units(line) for line in text.splitlines()) if n >= min_line_words)


# --- page classification ----------------------------------------------------------------------

# Paths that end on a listing: /tag/x, /category/x/, /search?q=, /author/x, /page/3, /archive/2026/11
_LISTING_PATH = re.compile(
    r"/(tags?|categor(y|ies)|topics?|sections?|search|authors?|archives?|page)(/[^/]*){0,2}/?$"
    r"|/(index|default)\.\w+$|^/?$",
    re.IGNORECASE,
)
_SEARCH_QUERY = re.compile(r"(^|&)(q|s|query|search|tag|category)=", re.IGNORECASE)


def looks_like_listing_url(url: str) -> bool:
    """True for URLs shaped like section, tag, author, search or pagination pages."""
    parts = urlsplit(url)
    return bool(_LISTING_PATH.search(parts.path) or _SEARCH_QUERY.search(parts.query))


# Generic paywall / registration-wall notices (English, plus a few common German/French/Spanish ones).
_PAYWALL = re.compile(
    r"(subscribe|subscription|sign in|log in|login|register)\b.{0,40}\b(to|and) (continue|keep|read|access|unlock)"
    r"|(to|and) (continue|keep) reading.{0,40}\b(subscribe|subscription|sign in|log in|register|become a)"
    r"|(this|the) (article|story|content|post) is (only )?(available |reserved )?(for|to) "
    r"(subscribers|members|premium|paying)"
    r"|(exclusive|only|available) (to|for) (paid |premium |digital )?(subscribers|members)"
    r"|already (a )?(subscriber|member|have an account)\W{0,3}\s*(log|sign) ?in"
    r"|(unlock|get) (full|unlimited|this) (access|article|story)"
    r"|you('ve| have) (reached|used) (your|all( of)? your) (free|monthly|article) (article|limit|stories|views)"
    r"|(subscribe|subscribers?) (now|today) (to|for) (read|continue|unlock|full)"
    r"|premium (article|content|story)"
    r"|weiterlesen mit|jetzt abonnieren|réservé aux abonnés|contenido exclusivo para suscriptores",
    re.IGNORECASE,
)
_PAYWALL_CLASS = re.compile(r"paywall|regwall|piano-|premium-(wall|content|banner)|subscriber-only|meter-", re.I)
_NOT_FREE = re.compile(r'"isAccessibleForFree"\s*:\s*"?(false|False|no)"?')
_JSONLD = re.compile(r"<script[^>]*application/ld\+json[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL)
_WORDS = re.compile(r"\w+")


def paywall_notice(text: str, tail_words: int = 80) -> str:
    """The paywall phrase in the last ``tail_words`` words of ``text``, or ""."""
    tail = " ".join(text.split()[-tail_words:])
    match = _PAYWALL.search(tail)
    return match.group(0) if match else ""


def _url_key(value: Any) -> str:
    """A URL without scheme, ``www.``, query, fragment and trailing slash ("" for a non-string)."""
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url") or ""
    if not isinstance(value, str) or not value.strip():
        return ""
    parts = urlsplit(value.strip())
    host = parts.netloc.lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}" if host else ""


def _title_key(value: Any) -> str:
    return " ".join(_WORDS.findall(value.lower())) if isinstance(value, str) else ""


def _not_free(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() in ("false", "no"))


def _owns(node: dict, page_url: str, title: str) -> bool:
    """Whether a JSON-LD object describes this page's article: its url, @id or mainEntityOfPage is
    the page's URL, or its headline/name is the page's title (one starting the other)."""
    urls = {_url_key(node.get(k)) for k in ("url", "@id", "mainEntityOfPage")} - {""}
    if page_url and page_url in urls:
        return True
    for key in ("headline", "name"):
        head = _title_key(node.get(key))
        if head and title and len(head.split()) >= 3 and (title.startswith(head) or head.startswith(title)):
            return True
    return False


def _owned_not_free(data: Any, page_url: str, title: str) -> bool:
    """Whether some object with ``isAccessibleForFree: false`` in ``data`` belongs to this page's
    article: it, or an object holding it (a ``hasPart`` paywalled section), is the page's own."""
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        value, owned = stack.pop()
        if isinstance(value, dict):
            owned = owned or _owns(value, page_url, title)
            if owned and _not_free(value.get("isAccessibleForFree")):
                return True
            stack.extend((v, owned) for v in value.values() if isinstance(v, (dict, list)))
        elif isinstance(value, list):
            stack.extend((v, owned) for v in value)
    return False


def own_not_free(html: str, url: str = "", title: str = "") -> bool:
    """Whether the JSON-LD object of the page's own article (its url or headline is this page's:
    ``url``, ``title``) says ``isAccessibleForFree: false``; a template's block about another
    article, or about no article (the publisher's offer), does not count."""
    if not _NOT_FREE.search(html):
        return False
    page_url, wanted = _url_key(url), _title_key(title)
    for block in _JSONLD.findall(html):
        if not _NOT_FREE.search(block):
            continue
        try:
            data = json.loads(block.strip())
        except ValueError:
            continue
        if _owned_not_free(data, page_url, wanted):
            return True
    return False


def paywall_in_tree(tree: Any, html: str, url: str = "", title: str = "") -> str:
    """A paywall marker of the page's own article: a schema.org ``isAccessibleForFree: false`` on
    the JSON-LD object whose url or headline is this page's (``url``, ``title``), not a template's
    leftover about another article or about no article; or a visible element of a paywall class
    whose text is a paywall notice."""
    if own_not_free(html, url, title):
        return "isAccessibleForFree: false"
    for element in tree.xpath("//*[@class or @id]"):
        marker = f"{element.get('class', '')} {element.get('id', '')}"
        if _PAYWALL_CLASS.search(marker):
            notice = paywall_notice(" ".join(element.itertext()), 200)
            if notice:
                return notice
    return ""


# --- metadata -----------------------------------------------------------------------------------
