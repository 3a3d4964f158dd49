"""What ranks an article among the copies of its story (``DEDUP_KEEP = "best"``).

Twenty-four bytes the index keeps with each record (``check_and_insert.lua``, ``better_than``):
the stated publication time, two name keys its site is known by, two name keys of the sources
the page credits (a credit line, a wire dateline, an agency byline, a crawled publisher it
names), and its blemishes (``normalize.blemishes``: leftover page chrome and broken characters)
plus one, 0 when unknown. Name keys are ``pipelines.credits.name_key`` strings hashed to u32
(``index.site_key``), so a page crediting "Northern Wire" names the site whose name keys include
"northern wire".
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from datetime import UTC, datetime

from pipelines.credits import is_own_name, own_names
from pipelines.dedup.index import site_key

_RANK = struct.Struct(">IIIIII")
RANK_SIZE = _RANK.size  # 24 (entry.RANK_SIZE); records and entries of earlier releases hold the first 20


def publication_code(published: str) -> int:
    """A stated publication date as the index compares it: minutes since 1970 times two, plus one
    when only the day is stated (compared by day then); 0 when unknown or unreadable."""
    text = (published or "").strip()
    if not text:
        return 0
    try:
        if len(text) == 10:
            when, day_only = datetime.fromisoformat(text).replace(tzinfo=UTC), True
        else:
            when, day_only = datetime.fromisoformat(text.replace("Z", "+00:00")), False
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
    except ValueError:
        return 0
    minutes = int(when.timestamp() // 60)
    if minutes <= 0 or minutes >= 2**31 - 1:
        return 0
    return minutes * 2 + (1 if day_only else 0)


def rank_bytes(published: str, names: Sequence[str], credits: Sequence[str], blemishes: int | None = None) -> bytes:
    """The rank of an article: ``published`` (ISO 8601), the name keys of its site, the name keys
    of the sources it credits (first two of each; its own names are not credits), its
    ``blemishes`` (None: unknown)."""
    own = [site_key(n) for n in dict.fromkeys(n for n in names if n)][:2]
    named = [site_key(c) for c in dict.fromkeys(c for c in credits if c and not is_own_name(c, names))][:2]
    own += [0] * (2 - len(own))
    named += [0] * (2 - len(named))
    return _RANK.pack(publication_code(published), *own, *named, blemish_code(blemishes))


def blemish_code(blemishes: int | None) -> int:
    """Blemishes as the index stores them: the count plus one, 0 when unknown."""
    return 0 if blemishes is None else min(max(0, blemishes), 2**32 - 2) + 1


def with_blemishes(rank: bytes, blemishes: int) -> bytes:
    """``rank`` (20 or 24 bytes) with its blemishes set; b"" (no rank) stays b""."""
    if not rank:
        return rank
    return rank[:20].ljust(20, b"\0") + blemish_code(blemishes).to_bytes(4, "big")


def article_rank(published: str, site: str, sitename: str, credits: Sequence[str]) -> bytes:
    """The rank of an extracted article (``Article.published``, ``site``, ``sitename``, ``credits``)."""
    return rank_bytes(published, own_names(site, sitename), credits)
