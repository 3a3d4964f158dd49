"""Our Redis index: one Lua call checks an article and inserts it, atomically.

Keys (all under ``<prefix>:``): ``meta`` (hash: the index parameters), ``d:<id>`` (record:
struct-packed header + b-bit signature, expires after the window), ``k:<shard>`` (hash:
URL / normalised-text hash -> entries) and ``b:<shard>`` (hash: LSH band key -> entries).
Entries carry a time stamp; every match is also checked against the record's timestamp, so
an entry older than the window never matches. Hashes are small (about 64 fields) so Redis
keeps them in its compact encoding; each is compacted and given a new expiry by the first
write of each window-long generation. Nothing is pickled; no sweeper process runs.

On a Redis Cluster (redis-py ``RedisCluster``) the keys are ``{<prefix>}:…`` instead: one hash
tag puts the whole index (records, lookup and band hashes, learned footers and common lines) in
one hash slot, so each script call still touches one slot on one master, atomically, in one round
trip, and decides exactly as on one server (docs/distributed.md, "Redis Cluster"). Every script
call then names ``{<prefix>}:meta`` as its one key, which routes it to that slot's master. With
band groups (by default on a cluster, ``DEDUP_BAND_GROUPS``) the band hashes lie in groups of their
own and a check takes three round trips instead (``pipelines.dedup.groups``).
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass

import redis

from crawler.connection import is_cluster
from crawler.urls import url_key
from pipelines.dedup.fingerprint import Fingerprint
from pipelines.dedup.groups import BandGroups, band_groups, group_key_pattern
from pipelines.dedup.scripts import CHECK_AND_INSERT, RESTORE


class IndexParamsMismatch(RuntimeError):
    """The Redis index was built with other parameters than this process uses."""


class IndexGenerationChanged(RuntimeError):
    """The Redis index is not the build this process opened: it lost its data (a restart
    without them) or was rebuilt since. Nothing may be decided on it until the run restarts."""


GROUPED_RETRIES = 3  # a grouped check whose placeholder expired starts again, at most this often
STANDALONE = "-"  # generation of an index with no database behind it (tests, benchmarks, scoring)


@dataclass(frozen=True)
class IndexReply:
    """Raw verdict of the Lua script (see check_and_insert.lua)."""

    verdict: str  # new | update | duplicate | self | seen | replace
    target: str  # kept article id the verdict refers to ('' for new)
    method: str  # url | exact | near | containment | update | self | seen | new
    jaccard: float
    contained: float  # share of this article inside the target
    contains: float  # share of the target inside this article
    relation: str  # '' | kept_is_shorter | updates | updated_by
    merged: tuple[str, ...] = ()  # kept articles found to be copies of ``target`` (late merge)
    seq: int = 0  # number of the record this check inserted (0: none), the database's high-water mark
    decided_score: float = 0.0  # the score that decided (jaccard, containment, 1 for url/exact)
    decided_threshold: float = 0.0  # its threshold when it was decided
    decided_against: str = ""  # id of the record it was measured against (target or a copy of it)
    why: str = ""  # verdict replace: fuller | credited | earlier | canonical


def index_prefix(prefix: str, client: object) -> str:
    """The prefix of the index's keys on ``client``: ``prefix`` on one server, ``{prefix}`` (one
    hash tag, so one slot) on a Redis Cluster."""
    return f"{{{prefix}}}" if is_cluster(client) else prefix


def stored_generation(client: object, prefix: str) -> str:
    """The build of the index at key prefix ``prefix`` as its ``meta`` records it (``STANDALONE``
    when it records none), wherever the index's keys lie on ``client``."""
    generation = client.hget(f"{index_prefix(prefix, client)}:meta", "gen")  # type: ignore[attr-defined]
    return generation.decode() if generation else STANDALONE


def unlink_keys(client: object, keys: Iterable[bytes], batch: int = 1000) -> int:
    """``UNLINK`` ``keys`` (an iterator, read as it goes), ``batch`` at a time; how many existed."""
    deleted = 0
    chunk: list[bytes] = []  # itertools.batched would do this from Python 3.12
    for key in keys:
        chunk.append(key)
        if len(chunk) >= batch:
            deleted += client.unlink(*chunk)  # type: ignore[attr-defined]
            chunk = []
    if chunk:
        deleted += client.unlink(*chunk)  # type: ignore[attr-defined]
    return deleted


def site_key(site: str) -> int:
    """uint32 of a site name, stable across processes."""
    return int.from_bytes(hashlib.blake2b(site.encode("utf-8"), digest_size=4).digest(), "big")


class RedisIndex:
    """Check-and-insert against the Redis index. ``params`` must match the stored ones, and
    ``generation`` the build recorded in ``<prefix>:meta`` (``STANDALONE``: created on first use)."""

    def __init__(
        self, client: redis.Redis, prefix: str, params: str, window_seconds: float, shards: int, key_shards: int,
        generation: str = STANDALONE, groups: int = 0,
    ):
        """``groups``: band groups (``pipelines.dedup.groups.band_groups``; 0 = automatic: grouped
        on a Redis Cluster only). An index with groups records their number in its params."""
        if window_seconds <= 0:
            raise ValueError(f"window must be positive, got {window_seconds}")
        if shards < 1:
            raise ValueError(f"shards must be >= 1, got {shards}")
        groups = band_groups(groups, client)
        if groups > 1:
            params = f"{params};groups={groups}"
        self.key_prefix = prefix  # as configured, without hash tag
        self.client, self.prefix, self.params = client, index_prefix(prefix, client), params
        # on a cluster, the one key that routes each script call to the index's slot
        self.route: list[str] = [f"{self.prefix}:meta"] if is_cluster(client) else []
        self.window, self.shards, self.key_shards = window_seconds, shards, key_shards
        self.generation = generation
        self._script = client.register_script(CHECK_AND_INSERT)
        self._restore = client.register_script(RESTORE)
        self.band_groups = BandGroups(client, prefix, groups, shards, window_seconds) if groups > 1 else None
        self.round_trips = 0  # sequential round trips of this process's checks (for the benchmarks)

    def restore(self, doc_id: str) -> tuple[bool, int]:
        """Mark indexed article ``doc_id`` as kept (a reviewer restored it): (found, index number
        of the change, for the database's high-water mark)."""
        found, seq = self._restore(keys=self.route, args=[self.prefix, self.key_shards, self.window, doc_id, "", ""])
        return bool(found), int(seq)

    def mark_distinct(self, a: str, b: str) -> int:
        """Record that articles ``a`` and ``b`` are different stories: never merge them. Returns
        the index number of the change."""
        return int(self._restore(keys=self.route, args=[self.prefix, self.key_shards, self.window, "", a, b])[1])

    # --- the index's identity: which build, for which database, how far it has counted -------------

    def state(self) -> dict[str, str | int | None]:
        """``params``, ``gen`` (generation id), ``db`` (database id) as stored, and ``seq``."""
        pipe = self.client.pipeline(transaction=False)
        pipe.hmget(f"{self.prefix}:meta", "params", "gen", "db")
        pipe.get(f"{self.prefix}:seq")
        (params, gen, db), seq = pipe.execute()
        return {"params": params and params.decode(), "gen": gen and gen.decode(), "db": db and db.decode(),
                "seq": int(seq or 0)}

    # what ``reset`` deletes: <prefix>:<kind>[:...]
    INDEX_KEYS = ("meta", "seq", "d", "k", "b", "nd", "rp", "site", "cl", "late")

    def reset(self, generation: str, database_id: str, floor_seq: int) -> int:
        """Delete every key of the index (not the seen-store or crawl frontier under the same
        prefix), then start build ``generation`` for ``database_id`` counting on from
        ``floor_seq``. Returns the number of keys deleted."""
        start = len(self.prefix) + 1
        kinds = {kind.encode() for kind in self.INDEX_KEYS}
        # one pass over the prefix (a SCAN per kind walked the whole keyspace seven times), and
        # one over the band groups' keys (those of any number of groups)
        own = (key for key in self.client.scan_iter(f"{self.prefix}:*", count=10_000)
               if key[start:].split(b":", 1)[0] in kinds)
        groups = self.client.scan_iter(group_key_pattern(self.key_prefix, self.client), count=10_000)
        deleted = unlink_keys(self.client, itertools.chain(own, groups))
        pipe = self.client.pipeline(transaction=True)
        pipe.set(f"{self.prefix}:seq", floor_seq)
        pipe.hset(f"{self.prefix}:meta", mapping={"params": self.params, "gen": generation, "db": database_id})
        pipe.execute()
        self.generation = generation
        return deleted

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
        distinct: tuple[str, ...] = (), *, url_keys: tuple[str, ...] | None = None, replay: str = "",
        keep: str = "first", rank: bytes = b"", own_url_key: str = "",
    ) -> list[object]:
        """ARGV of check_and_insert.lua (also used by the benchmarks to pipeline inserts)."""
        keys = sorted(set(url_keys if url_keys is not None else (url_key(u) for u in urls if u)))
        return [
            self.prefix, self.params, self.window, self.shards, self.key_shards, doc_id, site_key(site),
            fp.n_shingles, fp.n_words, fp.exact, fp.signature, fp.bits, rules, max_candidates,
            ",".join(distinct), "".join(keys), b"".join(fp.bands), self.generation, replay, keep,
            rank or bytes(24), own_url_key,
        ]

    def _call(self, args: list[object], client: object = None) -> object:
        try:
            return self._script(keys=self.route, args=args, client=client)
        except redis.ResponseError as exc:
            if "NEWSDEDUP_PARAMS" in str(exc):
                self.verify_params()
            if "NEWSDEDUP_GENERATION" in str(exc):
                raise IndexGenerationChanged(str(exc).split(" ", 1)[1]) from None
            raise

    def replay(self, entries: list[tuple[str, str, bool, str, int, int]], fps: list[Fingerprint],
               url_keys: list[tuple[str, ...]], ranks: list[bytes] | None = None) -> int:
        """Insert already decided articles as the database recorded them, in order, pipelined:
        ``entries`` are (doc id, site, kept?, kept id, with bands?, unix time), ``ranks`` their
        20-byte ranks (zeros when None). Returns how many were inserted (entries older than the
        window and ids already indexed are passed over)."""
        if self.route:  # a cluster pipeline does not load scripts itself
            self.client.script_load(CHECK_AND_INSERT)
        grouped = ["replay"] if self.band_groups else []  # bands: appended in their groups below
        pipe = self.client.pipeline(transaction=False)
        for i, ((doc_id, site, kept, kept_id, bands, ts), fp, keys) in enumerate(
                zip(entries, fps, url_keys, strict=True)):
            replay = f"{0 if kept else 1}:{kept_id}:{1 if bands else 0}:{int(ts)}"
            rank = ranks[i] if ranks else b""
            self._call([*self.script_args(doc_id, site, [], fp, "0", 0, url_keys=keys, replay=replay, rank=rank),
                        *grouped], client=pipe)
        try:
            replies = pipe.execute()
        except redis.ResponseError as exc:
            if "NEWSDEDUP_GENERATION" in str(exc):
                raise IndexGenerationChanged(str(exc).split(" ", 1)[1]) from None
            raise
        if self.band_groups:
            oldest, gen = self._clock()
            for (_, _, _, _, bands, _), fp, reply in zip(entries, fps, replies, strict=True):
                if reply[0] == b"replayed" and bands:
                    self.band_groups.run(int(reply[8]), oldest, gen, b"".join(fp.bands))
        return sum(1 for r in replies if r[0] == b"replayed")

    def _clock(self) -> tuple[int, int]:
        """(oldest fresh number, time generation) of the index now, as its scripts compute them."""
        ttl = max(1, math.ceil(self.window))
        gen = int(self.client.time()[0]) // ttl
        previous, current = self.client.hmget(f"{self.prefix}:meta", f"g{gen - 1}", f"g{gen}")
        return int(previous or current or 0), gen

    def _checked(self, args: list[object]) -> list[object]:
        """The script's reply for a check with ``args``: one call on an index without band groups;
        with them, phase ``first``, then (unless that decided) the band phase and phase ``decide``."""
        self.round_trips += 1
        if self.band_groups is None:
            return self._call(args)  # type: ignore[return-value]
        for attempt in range(GROUPED_RETRIES):
            if attempt:
                self.round_trips += 1  # phase first again, with a new number
            raw = self._call([*args, "first", "", b""])
            if raw[0] != b"bands":  # type: ignore[index]
                return raw  # type: ignore[return-value]
            num, oldest, gen = (int(x) for x in raw[1:4])  # type: ignore[index]
            found = self.band_groups.run(num, oldest, gen, args[16])  # type: ignore[arg-type]
            raw = self._call([*args, "decide", num, found])
            self.round_trips += 2  # the band phase and phase decide
            if raw[0] != b"retry":  # type: ignore[index]
                return raw  # type: ignore[return-value]
        raise redis.exceptions.TimeoutError(
            f"a grouped dedup check took longer than its placeholder lives, {GROUPED_RETRIES} times")

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
        url_keys: tuple[str, ...] | None = None,
        keep: str = "first",
        rank: bytes = b"",
        own_url_key: str = "",
    ) -> IndexReply:
        """One EVALSHA (with band groups: three round trips, ``_checked``): check ``fp`` against the
        index and insert it (see the Lua header). URLs are given as ``urls`` or already hashed as
        ``url_keys``; ``keep`` is the policy
        (``first`` or ``best:<fuller margin>``), ``rank`` the article's rank bytes and
        ``own_url_key`` the key of its own URL when it is its canonical address."""
        raw = self._checked(self.script_args(doc_id, site, urls, fp, rules, max_candidates, distinct,
                                             url_keys=url_keys, keep=keep, rank=rank, own_url_key=own_url_key))
        verdict, target, method, j, c1, c2, relation, merged, seq, score, threshold, against, why = raw
        return IndexReply(
            verdict.decode(), target.decode(), method.decode(), j / 1e4, c1 / 1e4, c2 / 1e4, relation.decode(),
            tuple(m for m in merged.decode().split(",") if m), int(seq), score / 1e4, threshold / 1e4,
            against.decode(), why.decode(),
        )
