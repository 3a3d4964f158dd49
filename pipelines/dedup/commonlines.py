"""Learned common lines: short lines seen on many distinct pages of a site, or common on several sites.

A wall ("Registered users can read up to 3 reports…"), a standard disclaimer or a sign-off that a
site prints on every page is no evidence that two pages tell one story; neither is a line that
several sites print on many of their pages (a shared paywall provider, a CMS's form). The frozen
patterns of the normalisation (``boilerplate_v6``) know common wordings; this table learns the
others from the pages themselves.

- A line is **common on a site** once ``pages`` distinct pages of that site carried it. Within one
  site a story appears about once (a re-crawl, a URL duplicate or a same-site version of a story
  does not count: ``Deduper`` teaches only other pages), so its paragraphs do not reach it.
- A line is **common everywhere** once it is common on ``sites`` sites. A wire story reprinted by
  any number of sites appears about once on each, so it is common on none: "many sites" means
  many pages on each of several sites, more than a story's copies.

Only lines of at most ``MAX_UNITS`` units (``pipelines.textunits``) are learned: the boilerplate
bound of the normalisation, longer paragraphs are article text. Keys are position-free (unlike
``siteboiler``, which learns trailing lines by their distance from the end).

State lives in Redis (``learn_lines.lua`` describes the keys), bounded per site and overall. It
is loaded once per site per process and written in batches, one script call per batch, whose
answer brings back the counts other processes added for the lines this one saw and the lines
common everywhere (eventually consistent, like ``siteboiler``).
"""

from __future__ import annotations

import hashlib
import struct

import redis
import xxhash

from crawler.connection import is_cluster
from pipelines.dedup.scripts import LEARN_LINES
from pipelines.textunits import count_units
from settings import base as defaults

MAX_UNITS = 30  # longer lines are never learned
MAX_KEYS = 64  # lines learned per page at most (the first ones, by key order)
_COUNT = struct.Struct(">H")


def line_key(line: str) -> bytes:
    """Position-free 8-byte key of a body line (case-folded)."""
    return xxhash.xxh64_digest(line.lower().encode("utf-8"), seed=0x636C)


def site_hash(site: str) -> str:
    return hashlib.blake2b(site.encode("utf-8"), digest_size=8).hexdigest()


class CommonLines:
    """Count short lines per site in Redis under ``prefix``; strip the common ones from a page.

    ``pages`` = 0 turns learning and stripping off (``client`` None: counts kept in this process only);
    ``pages`` and ``sites`` default to ``DEDUP_COMMON_LINE_PAGES`` and ``DEDUP_COMMON_LINE_SITES``."""

    def __init__(
        self,
        client: redis.Redis | None,
        prefix: str,
        ttl_seconds: int,
        *,
        pages: int = defaults.DEDUP_COMMON_LINE_PAGES,
        sites: int = defaults.DEDUP_COMMON_LINE_SITES,
        max_lines_per_site: int = 5000,
        max_everywhere: int = 20_000,
        flush_every: int = 100,
    ) -> None:
        if pages == 1 or pages < 0 or sites < 1:
            raise ValueError(f"common lines need pages 0 (off) or >= 2 and sites >= 1, got {pages} and {sites}")
        self.client, self.prefix, self.ttl = client, prefix, max(1, int(ttl_seconds))
        self.pages, self.sites = pages, sites
        self.max_lines, self.max_everywhere, self.flush_every = max_lines_per_site, max_everywhere, flush_every
        self.counts: dict[str, dict[bytes, int]] = {}
        self.everywhere: set[bytes] = set()
        self._everywhere_loaded = False
        self._pending: dict[str, dict[bytes, int]] = {}
        self._pending_pages = 0
        self._script = client.register_script(LEARN_LINES) if client is not None else None

    @property
    def enabled(self) -> bool:
        return self.pages > 0

    def _load_everywhere(self) -> None:
        if not self._everywhere_loaded:
            self._everywhere_loaded = True
            if self.client is not None:
                self.everywhere = set(self.client.smembers(f"{self.prefix}:cl:glob"))

    def _table(self, site: str) -> dict[bytes, int]:
        table = self.counts.get(site)
        if table is None:
            table = {}
            if self.client is not None:
                raw = self.client.hgetall(f"{self.prefix}:cl:{site_hash(site)}")
                table = {k: int(v) for k, v in raw.items()}
            self.counts[site] = table
        return table

    def scan(self, site: str, body: list[str], kept: int) -> tuple[list[str], int, tuple[bytes, ...]]:
        """One pass over a page's body ``lines``, of which the first ``kept`` are still in (the rest
        is a stripped footer): those of the first ``kept`` that are not common on ``site`` nor
        everywhere, their units, and the keys ``learn`` records for the page (its short lines)."""
        if not self.enabled:
            lines = body[:kept]
            return lines, sum(map(count_units, lines)), ()
        table = self._table(site) if site else {}
        self._load_everywhere()
        pages, everywhere = self.pages, self.everywhere
        out: list[str] = []
        words = 0
        keys: set[bytes] = set()
        for i, line in enumerate(body):
            # body lines are single-spaced (``body_lines``): an ASCII line has one word more than spaces
            n = line.count(" ") + 1 if line.isascii() else count_units(line)
            if n <= MAX_UNITS:
                key = line_key(line)
                keys.add(key)
                if key in everywhere or table.get(key, 0) >= pages:
                    continue
            if i < kept:
                out.append(line)
                words += n
        return out, words, tuple(sorted(keys)[:MAX_KEYS]) if site else ()

    def strip(self, site: str, lines: list[str]) -> list[str]:
        """``lines`` without the lines common on ``site`` or common everywhere (possibly none left)."""
        return self.scan(site, lines, len(lines))[0]

    def learn(self, site: str, keys: tuple[bytes, ...] | list[bytes]) -> None:
        """Count one more distinct page of ``site`` carrying the lines of ``keys`` (from ``scan``)."""
        if not self.enabled or not site or not keys:
            return
        table, pending = self._table(site), self._pending.setdefault(site, {})
        self._load_everywhere()
        for key in keys:
            count = table[key] = table.get(key, 0) + 1
            pending[key] = pending.get(key, 0) + 1
            if count == self.pages and key not in self.everywhere:  # common here now: on enough sites?
                if sum(t.get(key, 0) >= self.pages for t in self.counts.values()) >= self.sites:
                    self.everywhere.add(key)
        if len(table) > self.max_lines:  # bound the state: forget the least seen lines, never a common one
            excess = len(table) - int(self.max_lines * 0.9)
            for floor in range(1, self.pages):
                for key in [k for k, c in table.items() if c == floor][:excess]:
                    del table[key]
                    excess -= 1
                if excess <= 0:
                    break
        self._pending_pages += 1
        if self._pending_pages >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        """Write the pending counts to Redis (one script call) and take back the merged counts of
        those lines and the lines common everywhere."""
        pending, self._pending, self._pending_pages = self._pending, {}, 0
        if self._script is None or not pending:
            return
        args: list[object] = [self.prefix, self.pages, self.sites, self.ttl, self.max_lines, self.max_everywhere]
        order = list(pending)
        for site in order:
            args += [site_hash(site), b"".join(k + _COUNT.pack(min(c, 65535)) for k, c in pending[site].items())]
        # on a cluster, the key that routes the call to the slot of ``prefix`` (a hash tag)
        reply = self._script(keys=[f"{self.prefix}:cl:glob"] if is_cluster(self.client) else [], args=args)
        for site, packed in zip(order, reply[:-1], strict=True):
            table = self.counts.setdefault(site, {})
            for i in range(0, len(packed), 10):
                table[packed[i : i + 8]] = _COUNT.unpack_from(packed, i + 8)[0]
        glob = reply[-1]
        self.everywhere = {glob[i : i + 8] for i in range(0, len(glob), 8)}
        self._everywhere_loaded = True
