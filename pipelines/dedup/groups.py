"""A grouped index: its LSH band hashes spread over shard groups, its records and decisions in one.

On one Redis server the whole check is one script call (``check_and_insert.lua``). On a Redis
Cluster the band hashes — most of the index's memory and most of the Redis commands of a check
(about 200 of its 230: ``make bench-workers`` prints them) — are spread over ``groups`` hash tags
``{<prefix>:g<i>}`` (a band goes to group ``shard % groups``), so they spread over the masters;
the records, the URL/text/id hashes, reviewer marks and the decision stay in the index's own slot
``{<prefix>}``, where the decision script runs one check at a time. A check is three round
trips: phase ``first`` in the index's slot (id, URL and exact text decide most re-crawls and
copies there and then; otherwise it takes the article's number and a placeholder record), the
band phase (``bands.lua``: read, then append, in each group holding one of its bands, pipelined
per node) and phase ``decide`` in the index's slot with the candidates found. Why of racing
near-duplicates exactly one is kept: ``docs/distributed.md``, "Band groups".
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import redis

from crawler.connection import is_cluster
from pipelines.dedup.scripts import BANDS

CLUSTER_GROUPS = 16  # groups on a Redis Cluster when DEDUP_BAND_GROUPS is 0: spread over 3-8 masters


def band_groups(setting: int, client: object) -> int:
    """How many band groups an index has: ``setting`` when it is 1 or more, else (0, automatic)
    ``CLUSTER_GROUPS`` on a Redis Cluster and 1 (no grouping: one call per check) on one server."""
    if setting < 0:
        raise ValueError(f"DEDUP_BAND_GROUPS must be >= 0 (0 = automatic), got {setting}")
    if setting:
        return setting
    return CLUSTER_GROUPS if is_cluster(client) else 1


def group_prefix(prefix: str, group: int, client: object) -> str:
    """Key prefix of band group ``group`` of the index at ``prefix``: ``<prefix>:g<group>`` on one
    server, ``{<prefix>:g<group>}`` (its own hash tag) on a cluster."""
    name = f"{prefix}:g{group}"
    return f"{{{name}}}" if is_cluster(client) else name


def group_key_pattern(prefix: str, client: object) -> str:
    """A SCAN pattern matching the keys of every band group of the index at ``prefix`` (its band
    hashes ``…:b:<shard>`` and ``…:top``, the highest number appended there)."""
    return f"{{{prefix}:g[0-9]*}}:*" if is_cluster(client) else f"{prefix}:g[0-9]*:*"


class BandGroups:
    """The band phase of a grouped index's checks (``bands.lua`` in each group)."""

    def __init__(self, client: redis.Redis, prefix: str, groups: int, shards: int, window_seconds: float) -> None:
        """``prefix``: the index's key prefix as configured (without hash tag)."""
        if groups < 2:
            raise ValueError(f"a grouped index has at least 2 band groups, got {groups}")
        self.client, self.groups, self.shards, self.window = client, groups, shards, window_seconds
        self.prefixes = [group_prefix(prefix, g, client) for g in range(groups)]
        # the one key naming each group's slot, which routes its script call on a cluster
        self.routes = [[f"{p}:b"] if is_cluster(client) else [] for p in self.prefixes]
        self._sha = client.script_load(BANDS)  # on a cluster: on every master

    def split(self, bands: bytes) -> dict[int, bytes]:
        """This article's band keys (4 bytes each) by the group each lies in."""
        out: dict[int, list[bytes]] = {}
        for i in range(0, len(bands), 4):
            key = bands[i:i + 4]
            out.setdefault(int.from_bytes(key, "big") % self.shards % self.groups, []).append(key)
        return {g: b"".join(keys) for g, keys in out.items()}

    def run(self, num: int, oldest: int, gen: int, bands: bytes) -> bytes:
        """Append number ``num`` under each of ``bands`` in their groups, pipelined (one round trip
        per node, in parallel on a cluster). Returns the candidates found before the appends:
        number (u32) + band hits (u8) each."""
        if not bands:
            return b""
        try:
            replies = self._pipeline(num, oldest, gen, bands)
        except redis.exceptions.NoScriptError:  # a master that lost its scripts (a promoted replica)
            self._sha = self.client.script_load(BANDS)
            replies = self._pipeline(num, oldest, gen, bands)
        hits: Counter[bytes] = Counter()
        for found in replies:
            for i in range(0, len(found), 4):
                hits[found[i:i + 4]] += 1
        return b"".join(n + bytes([min(255, c)]) for n, c in hits.items())

    def tops(self) -> list[int]:
        """The highest number appended in each group (0: none), as the groups hold them now."""
        pipe = self.client.pipeline(transaction=False)
        for prefix in self.prefixes:
            pipe.get(f"{prefix}:top")
        return [int(x or 0) for x in pipe.execute()]

    def set_tops(self, tops: dict[int, int], expire_at: int) -> None:
        """Record the highest number appended in each group of ``tops`` (after a bulk load)."""
        pipe = self.client.pipeline(transaction=False)
        for group, num in tops.items():
            pipe.set(f"{self.prefixes[group]}:top", num, exat=expire_at)
        pipe.execute()

    def _pipeline(self, num: int, oldest: int, gen: int, bands: bytes) -> list[Any]:
        pipe = self.client.pipeline(transaction=False)
        for g, keys in self.split(bands).items():
            route = self.routes[g]
            pipe.evalsha(self._sha, len(route), *route, self.prefixes[g], self.shards, num, oldest, gen,
                         self.window, keys)
        return pipe.execute()
