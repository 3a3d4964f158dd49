"""The near-duplicate engine: normalise -> fingerprint -> one atomic Redis check-and-insert.

Layers, cheapest first (all decided inside one Lua call, see ``check_and_insert.lua``):
URL (normalised/final/canonical) -> exact normalised text -> MinHash-LSH candidates
verified on stored signatures (Jaccard) -> containment both ways (trimmed reprints,
fuller copies arriving late). A same-site version adding enough new text is an update:
kept and linked. The first article stored wins.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import redis
from datasketch import MinHashLSH

from pipelines.dedup.fingerprint import Fingerprinter
from pipelines.dedup.index import IndexReply, RedisIndex
from pipelines.dedup.normalize import NORMALIZATION_VERSION, normalize


@dataclass(frozen=True)
class DedupConfig:
    """Engine parameters; ``__post_init__`` rejects impossible values with clear errors."""

    num_perm: int = 128
    seed: int = 1
    shingle: str = "char"
    shingle_size: int = 7
    lsh_threshold: float = 0.2
    jaccard_threshold: float = 0.6
    containment_threshold: float = 0.75
    partial_containment: float = 0.55
    partial_coverage: float = 0.4
    min_shingles: int = 30
    update_min_new_text: float = 0.30
    window_days: float = 30.0
    index_capacity: int = 200_000
    max_candidates: int = 64
    key_prefix: str = "newsdedup"

    def __post_init__(self) -> None:
        for name in (
            "lsh_threshold", "jaccard_threshold", "containment_threshold", "partial_containment", "partial_coverage"
        ):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name} must be in (0, 1], got {value}")
        if self.lsh_threshold > self.jaccard_threshold:
            raise ValueError("lsh_threshold must not exceed jaccard_threshold (candidates would be missed)")
        if self.partial_containment > self.containment_threshold:
            raise ValueError("partial_containment must not exceed containment_threshold")
        if self.update_min_new_text < 0:
            raise ValueError(f"update_min_new_text must be >= 0, got {self.update_min_new_text}")
        if self.window_days <= 0:
            raise ValueError(f"window_days must be > 0, got {self.window_days}")
        if self.index_capacity < 1 or self.max_candidates < 1 or self.min_shingles < 1:
            raise ValueError("index_capacity, max_candidates and min_shingles must be >= 1")
        if not self.key_prefix or any(c in self.key_prefix for c in " \n{}"):
            raise ValueError(f"key_prefix must be a plain non-empty string, got {self.key_prefix!r}")

    @classmethod
    def from_settings(cls, settings: Any) -> DedupConfig:
        return cls(
            num_perm=settings.getint("DEDUP_NUM_PERM"),
            seed=settings.getint("DEDUP_SEED"),
            shingle=settings.get("DEDUP_SHINGLE"),
            shingle_size=settings.getint("DEDUP_SHINGLE_SIZE"),
            lsh_threshold=settings.getfloat("DEDUP_LSH_THRESHOLD"),
            jaccard_threshold=settings.getfloat("DEDUP_JACCARD_THRESHOLD"),
            containment_threshold=settings.getfloat("DEDUP_CONTAINMENT_THRESHOLD"),
            partial_containment=settings.getfloat("DEDUP_PARTIAL_CONTAINMENT"),
            partial_coverage=settings.getfloat("DEDUP_PARTIAL_COVERAGE"),
            min_shingles=settings.getint("DEDUP_MIN_SHINGLES"),
            update_min_new_text=settings.getfloat("DEDUP_UPDATE_MIN_NEW_TEXT"),
            window_days=settings.getfloat("DEDUP_WINDOW_DAYS"),
            index_capacity=settings.getint("DEDUP_INDEX_CAPACITY"),
            max_candidates=settings.getint("DEDUP_MAX_CANDIDATES"),
            key_prefix=settings.get("DEDUP_KEY_PREFIX"),
        )

    @property
    def bands_rows(self) -> tuple[int, int]:
        """LSH bands and rows for ``lsh_threshold``, as datasketch computes them."""
        lsh = MinHashLSH(threshold=self.lsh_threshold, num_perm=self.num_perm)
        return lsh.b, lsh.r

    @property
    def shards(self) -> int:
        """Band hashes per generation: a power of two giving about 64 entries per hash."""
        bands, _ = self.bands_rows
        return 1 << max(0, math.ceil(math.log2(max(1, self.index_capacity * bands / 64))))

    def index_params(self) -> str:
        """What the Redis index records; a process with other values refuses to start."""
        bands, rows = self.bands_rows
        return (
            f"norm=v{NORMALIZATION_VERSION};perm={self.num_perm};seed={self.seed};"
            f"shingle={self.shingle}:{self.shingle_size};bands={bands}x{rows};shards={self.shards}"
        )


@dataclass(frozen=True)
class Decision:
    """What the engine decided for one article."""

    verdict: str  # new | update | duplicate | self | seen
    method: str  # url | exact | near | containment | update | self | seen | new
    duplicate_of: str | None = None  # kept article id when verdict is duplicate/seen
    updates: str | None = None  # article id this one updates (verdict update)
    scores: dict[str, float] = field(default_factory=dict)  # jaccard, contained, contains
    relation: str = ""  # kept_is_shorter: the kept copy is shorter than this dropped one

    @property
    def is_duplicate(self) -> bool:
        return self.verdict in ("duplicate", "seen")


def _decision(reply: IndexReply) -> Decision:
    scores = {"jaccard": reply.jaccard, "contained": reply.contained, "contains": reply.contains}
    if reply.verdict in ("duplicate", "seen"):
        return Decision(reply.verdict, reply.method, reply.target, None, scores, reply.relation)
    if reply.verdict == "update":
        return Decision("update", "update", None, reply.target, scores, reply.relation)
    return Decision(reply.verdict, reply.method, None, None, {}, "")


class Deduper:
    """Checks and indexes articles; shared by the pipeline and the offline ``dedup`` command."""

    def __init__(self, client: redis.Redis, config: DedupConfig) -> None:
        self.config = config
        bands, rows = config.bands_rows
        self.fingerprinter = Fingerprinter(
            config.num_perm, config.seed, config.shingle, config.shingle_size, bands, rows
        )
        self.index = RedisIndex(
            client, config.key_prefix, config.index_params(), config.window_days * 86400, config.shards
        )
        self.index.verify_params()

    def check(
        self, doc_id: str, text: str, site: str, urls: tuple[str, ...] = (), distinct: tuple[str, ...] = ()
    ) -> Decision:
        """Decide whether ``text`` duplicates an indexed article, and index it; one Redis round trip."""
        fp = self.fingerprinter.fingerprint(normalize(text))
        c = self.config
        reply = self.index.check_and_insert(
            doc_id, site, list(urls), fp,
            jaccard=c.jaccard_threshold,
            containment=(c.containment_threshold, c.partial_containment, c.partial_coverage),
            update_min_new=c.update_min_new_text, min_shingles=c.min_shingles,
            max_candidates=c.max_candidates, distinct=distinct,
        )
        return _decision(reply)
