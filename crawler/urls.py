"""URL normalisation and the article id derived from it.

``canonicalize_url`` (w3lib, what Scrapy itself uses) sorts the query and drops the
fragment; on top we strip tracking parameters and default ports, so that the same page
reached from a feed, a sitemap or a shared link gets one identity.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ref", "ref_src", "cmpid",
     "ocid", "share", "at_medium", "at_campaign", "_ga", "yclid", "spm"}
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")


def normalize_url(url: str) -> str:
    """Return the identity form of ``url``: canonical, no tracking parameters, no default port."""
    parts = urlsplit(canonicalize_url(url.strip()))
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    netloc = parts.netloc.lower()
    if (parts.scheme == "http" and netloc.endswith(":80")) or (
        parts.scheme == "https" and netloc.endswith(":443")
    ):
        netloc = netloc.rsplit(":", 1)[0]
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, urlencode(query), ""))


def article_id(url: str) -> str:
    """Stable 16-hex id of an article, from its normalised URL (no Python ``hash()``)."""
    return hashlib.blake2b(normalize_url(url).encode("utf-8"), digest_size=8).hexdigest()


def url_key(url: str) -> str:
    """Compact key of a normalised URL (16 hex digits): how the dedup index and the seen-store name it."""
    return hashlib.blake2b(url.encode("utf-8"), digest_size=8).hexdigest()
