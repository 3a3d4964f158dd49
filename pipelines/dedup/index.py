"""Our Redis index: one Lua call checks an article and inserts it, atomically.

Keys (all under ``<prefix>:``): ``meta`` (hash: the index parameters), ``d:<id>`` (record:
struct-packed header + b-bit signature, expires after the window), ``k:<shard>`` (hash:
URL / normalised-text hash -> entries) and ``b:<shard>`` (hash: LSH band key -> entries).
Entries carry a time stamp; every match is also checked against the record's timestamp, so
an entry older than the window never matches. Hashes are small (about 64 fields) so Redis
keeps them in its compact encoding; each is compacted and given a new expiry by the first
write of each window-long generation. Nothing is pickled; no sweeper process runs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import redis

from pipelines.dedup.fingerprint import Fingerprint

LUA = (Path(__file__).with_name("check_and_insert.lua")).read_text(encoding="utf-8")
RESTORE_LUA = (Path(__file__).with_name("restore.lua")).read_text(encoding="utf-8")


class IndexParamsMismatch(RuntimeError):
    """The Redis index was built with other parameters than this process uses."""


@dataclass(frozen=True)
class IndexReply:
    """Raw verdict of the Lua script (see check_and_insert.lua)."""

    verdict: str  # new | update | duplicate | self | seen
    target: str  # kept article id the verdict refers to ('' for new)
    method: str  # url | exact | near | containment | update | self | seen | new
    jaccard: float
    contained: float  # share of this article inside the target
    contains: float  # share of the target inside this article
    relation: str  # '' | kept_is_shorter | updates | updated_by
    merged: tuple[str, ...] = ()  # kept articles found to be copies of ``target`` (late merge)


def url_key(url: str) -> str:
    """Compact key of a normalised URL."""
    return hashlib.blake2b(url.encode("utf-8"), digest_size=8).hexdigest()


def site_key(site: str) -> int:
    """uint32 of a site name, stable across processes."""
    return int.from_bytes(hashlib.blake2b(site.encode("utf-8"), digest_size=4).digest(), "big")


class RedisIndex:
    """Check-and-insert against the Redis index. ``params`` must match the stored ones."""

    def __init__(
        self, client: redis.Redis, prefix: str, params: str, window_seconds: float, shards: int, key_shards: int
    ):
        if window_seconds <= 0:
            raise ValueError(f"window must be positive, got {window_seconds}")
        if shards < 1:
            raise ValueError(f"shards must be >= 1, got {shards}")
        self.client, self.prefix, self.params = client, prefix, params
        self.window, self.shards, self.key_shards = window_seconds, shards, key_shards
        self._script = client.register_script(LUA)
        self._restore = client.register_script(RESTORE_LUA)

    def restore(self, doc_id: str) -> bool:
        """Mark indexed article ``doc_id`` as kept (a reviewer restored it); False if not indexed."""
        return bool(self._restore(args=[self.prefix, self.key_shards, self.window, doc_id, "", ""]))

    def mark_distinct(self, a: str, b: str) -> None:
        """Record that articles ``a`` and ``b`` are different stories: never merge them."""
        self._restore(args=[self.prefix, self.key_shards, self.window, "", a, b])

    def verify_params(self) -> None:
        """Raise ``IndexParamsMismatch`` (writing nothing) when the stored params differ."""
        stored = self.client.hget(f"{self.prefix}:meta", "params")
        if stored is not None and stored.decode() != self.params:
            raise IndexParamsMismatch(
                f"The dedup index at prefix {self.prefix!r} was built with parameters {stored.decode()!r}, "
                f"but this process is configured with {self.params!r}. Use the same DEDUP_* settings, "
                f"or another DEDUP_KEY_PREFIX for a new index."
            )

    def script_args(
        self, doc_id: str, site: str, urls: list[str], fp: Fingerprint, rules: str, max_candidates: int,
        distinct: tuple[str, ...] = (),
    ) -> list[object]:
        """ARGV of check_and_insert.lua (also used by the benchmarks to pipeline inserts)."""
        url_keys = sorted({url_key(u) for u in urls if u})
        return [
            self.prefix, self.params, self.window, self.shards, self.key_shards, doc_id, site_key(site),
            fp.n_shingles, fp.n_words, fp.exact, fp.signature, fp.bits, rules, max_candidates,
            ",".join(distinct), "".join(url_keys), b"".join(fp.bands),
        ]

    def check_and_insert(
        self,
        doc_id: str,
        site: str,
        urls: list[str],
        fp: Fingerprint,
        *,
        rules: str,
        max_candidates: int,
        distinct: tuple[str, ...] = (),
    ) -> IndexReply:
        """One EVALSHA: check ``fp`` against the index and insert it (see the Lua header)."""
        args = self.script_args(doc_id, site, urls, fp, rules, max_candidates, distinct)
        try:
            raw = self._script(args=args)
        except redis.ResponseError as exc:
            if "NEWSDEDUP_PARAMS" in str(exc):
                self.verify_params()
            raise
        verdict, target, method, j, c1, c2, relation, merged = raw
        return IndexReply(
            verdict.decode(), target.decode(), method.decode(), j / 1e4, c1 / 1e4, c2 / 1e4, relation.decode(),
            tuple(m for m in merged.decode().split(",") if m),
        )
