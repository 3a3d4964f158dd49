"""The near-duplicate engine: normalise -> fingerprint -> one atomic Redis check-and-insert.

Layers, cheapest first (decided inside one Lua call, see ``check_and_insert.lua``): URL
(normalised/final/canonical) -> exact normalised text -> MinHash-LSH candidates verified on
stored signatures (Jaccard) -> containment both ways (trimmed reprints; fuller copies that
arrive after their trimmed reprint). A same-site version that adds enough new text is kept
and linked. The first article stored wins.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

import redis

from pipelines.dedup.entry import IndexEntry, params_tag
from pipelines.dedup.fingerprint import Fingerprint, Fingerprinter
from pipelines.dedup.index import STANDALONE, IndexReply, RedisIndex, url_key
from pipelines.dedup.normalize import NORMALIZATION_VERSION, body_lines, normalize_chars
from pipelines.dedup.siteboiler import SiteBoilerplate

_SETTINGS = {  # DedupConfig field -> (setting name, type)
    "num_perm": ("DEDUP_NUM_PERM", int),
    "signature_bits": ("DEDUP_SIGNATURE_BITS", int),
    "seed": ("DEDUP_SEED", int),
    "shingle_size": ("DEDUP_SHINGLE_SIZE", int),
    "shingle_sample": ("DEDUP_SHINGLE_SAMPLE", int),
    "lsh_threshold": ("DEDUP_LSH_THRESHOLD", float),
    "jaccard_threshold": ("DEDUP_JACCARD_THRESHOLD", float),
    "containment_threshold": ("DEDUP_CONTAINMENT_THRESHOLD", float),
    "partial_containment": ("DEDUP_PARTIAL_CONTAINMENT", float),
    "partial_coverage": ("DEDUP_PARTIAL_COVERAGE", float),
    "min_jaccard": ("DEDUP_MIN_JACCARD", float),
    "confidence_z": ("DEDUP_CONFIDENCE_Z", float),
    "min_words_containment": ("DEDUP_MIN_WORDS_CONTAINMENT", int),
    "update_min_new_text": ("DEDUP_UPDATE_MIN_NEW_TEXT", float),
    "window_days": ("DEDUP_WINDOW_DAYS", float),
    "index_capacity": ("DEDUP_INDEX_CAPACITY", int),
    "max_candidates": ("DEDUP_MAX_CANDIDATES", int),
    "site_boilerplate": ("DEDUP_SITE_BOILERPLATE", bool),
    "key_prefix": ("DEDUP_KEY_PREFIX", str),
}


def _pow2(x: float) -> int:
    return 1 << max(0, math.ceil(math.log2(max(1.0, x))))


@functools.lru_cache(maxsize=16)
def _bands_rows(threshold: float, num_perm: int) -> tuple[int, int]:
    # Weighted towards recall (a missed candidate costs 9x a spurious one): candidates are verified.
    # datasketch integrates over every (b, r): ~1 s at 256 permutations, hence the cache. Imported
    # here: it imports scipy (~0.4 s), which only the processes that build an index need.
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=(0.1, 0.9))
    return lsh.b, lsh.r


@dataclass(frozen=True)
class DedupConfig:
    """Engine parameters; ``__post_init__`` rejects impossible values with clear errors."""

    num_perm: int = 128
    signature_bits: int = 8
    seed: int = 1
    shingle_size: int = 7
    shingle_sample: int = 1
    lsh_threshold: float = 0.25
    jaccard_threshold: float = 0.5
    containment_threshold: float = 0.65
    partial_containment: float = 0.55
    partial_coverage: float = 0.4
    min_jaccard: float = 0.1
    confidence_z: float = 1.5
    min_words_containment: int = 60
    update_min_new_text: float = 0.30
    window_days: float = 30.0
    index_capacity: int = 200_000
    max_candidates: int = 64
    site_boilerplate: bool = True
    key_prefix: str = "newsdedup"

    def __post_init__(self) -> None:
        for name in ("lsh_threshold", "jaccard_threshold", "containment_threshold", "partial_coverage"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name} must be in (0, 1], got {value}")
        if not 0.0 <= self.partial_containment <= self.containment_threshold:
            raise ValueError("partial_containment must be in [0, containment_threshold] (0 turns it off)")
        if self.lsh_threshold > self.jaccard_threshold:
            raise ValueError("lsh_threshold must not exceed jaccard_threshold (candidates would be missed)")
        if not 0.0 <= self.min_jaccard < self.jaccard_threshold:
            raise ValueError("min_jaccard must be in [0, jaccard_threshold)")
        if self.confidence_z < 0 or self.update_min_new_text < 0 or self.min_words_containment < 0:
            raise ValueError("confidence_z, update_min_new_text and min_words_containment must be >= 0")
        if self.window_days <= 0:
            raise ValueError(f"window_days must be > 0, got {self.window_days}")
        if self.index_capacity < 1 or self.max_candidates < 1:
            raise ValueError("index_capacity and max_candidates must be >= 1")
        if not self.key_prefix or any(c in self.key_prefix for c in " \n{}:"):
            raise ValueError(f"key_prefix must be a plain non-empty string without ':', got {self.key_prefix!r}")

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> DedupConfig:
        values = {}
        for name, (setting, kind) in _SETTINGS.items():
            if settings.get(setting) is not None:
                values[name] = settings.getbool(setting) if kind is bool else kind(settings.get(setting))
        return cls(**{**values, **overrides})

    @property
    def bands_rows(self) -> tuple[int, int]:
        """LSH bands and rows for ``lsh_threshold``, as datasketch computes them."""
        return _bands_rows(self.lsh_threshold, self.num_perm)

    @property
    def shards(self) -> int:
        """Band hashes per generation: a power of two giving about 64 entries per hash."""
        bands, _ = self.bands_rows
        return _pow2(self.index_capacity * bands / 64)

    @property
    def key_shards(self) -> int:
        """URL/text lookup hashes per generation (about 3 entries per article, 64 per hash)."""
        return _pow2(self.index_capacity * 3 / 64)

    def index_params(self) -> str:
        """What the Redis index records; a process with other values refuses to start."""
        bands, rows = self.bands_rows
        sample = f"/{self.shingle_sample}" if self.shingle_sample > 1 else ""
        return (
            f"norm=v{NORMALIZATION_VERSION};perm={self.num_perm};seed={self.seed};"
            f"shingle=char{self.shingle_size}{sample};bits={self.signature_bits};bands={bands}x{rows};"
            f"shards={self.shards}/{self.key_shards}"
        )

    def rules(self) -> str:
        """Decision thresholds as the Lua script reads them."""
        return ":".join(
            str(v)
            for v in (
                self.jaccard_threshold, self.containment_threshold, self.partial_containment,
                self.partial_coverage, self.update_min_new_text, self.min_jaccard, self.confidence_z,
                self.min_words_containment,
            )
        )


@dataclass(frozen=True)
class Decision:
    """What the engine decided for one article."""

    verdict: str  # new | update | duplicate | self | seen
    method: str  # url | exact | near | containment | update | self | seen | new
    duplicate_of: str | None = None  # kept article id when verdict is duplicate/seen
    updates: str | None = None  # the other version's article id (verdict update)
    scores: dict[str, float] = field(default_factory=dict)  # jaccard, contained, contains
    relation: str = ""  # kept_is_shorter | updates | updated_by
    merged: tuple[str, ...] = ()  # stored articles now known to be copies of duplicate_of
    seq: int = 0  # number of the index record this check inserted (0: none); kept by storage
    entry: bytes = b""  # IndexEntry blob: what a rebuild of the index replays for this article

    @property
    def is_duplicate(self) -> bool:
        return self.verdict in ("duplicate", "seen")


def _decision(reply: IndexReply, entry: bytes) -> Decision:
    scores = {"jaccard": reply.jaccard, "contained": reply.contained, "contains": reply.contains}
    if reply.verdict in ("duplicate", "seen"):
        return Decision(reply.verdict, reply.method, reply.target, None, scores, reply.relation, reply.merged,
                        reply.seq, entry)
    if reply.verdict == "update":
        return Decision("update", "update", None, reply.target, scores, reply.relation, (), reply.seq, entry)
    return Decision(reply.verdict, reply.method, None, None, {}, "", (), reply.seq, entry)


class Deduper:
    """Checks and indexes articles; shared by the pipeline and the offline ``dedup`` command."""

    def __init__(self, client: redis.Redis, config: DedupConfig, generation: str = STANDALONE) -> None:
        """``generation``: the index build this process decides on (``RedisIndex``); the default is
        an index with no database behind it."""
        self.config = config
        bands, rows = config.bands_rows
        self.fingerprinter = Fingerprinter(
            config.num_perm, config.seed, config.shingle_size, bands, rows, config.signature_bits,
            config.shingle_sample,
        )
        window = config.window_days * 86400
        self.index = RedisIndex(
            client, config.key_prefix, config.index_params(), window, config.shards, config.key_shards, generation
        )
        self.index.verify_params()
        self.sites = SiteBoilerplate(client if config.site_boilerplate else None, config.key_prefix, int(window))
        self._rules = config.rules()
        self.tag = params_tag(config.index_params())

    def fingerprint_entry(self, text: str, site: str, urls: tuple[str, ...] = ()) -> IndexEntry:
        """Normalise ``text``, strip ``site``'s learned trailing boilerplate (learning this page's
        tail), fingerprint it; with the URL keys, what the index and a rebuild of it need."""
        normalized = normalize_chars(text)
        lines = body_lines(normalized)
        tail: list[bytes] = []
        if self.config.site_boilerplate:
            body = self.sites.strip(site, lines)
            tail = self.sites.tail_keys(lines) if site else []
            self.sites.learn_keys(site, tail)
            lines = body
        keys = tuple(sorted({url_key(u) for u in urls if u}))
        return IndexEntry(self.tag, self.fingerprinter.fingerprint(lines, normalized), keys, tuple(tail))

    def fingerprint(self, text: str, site: str) -> Fingerprint:
        """Normalise ``text``, strip ``site``'s learned trailing boilerplate, fingerprint it."""
        return self.fingerprint_entry(text, site).fingerprint

    def check(
        self, doc_id: str, text: str, site: str, urls: tuple[str, ...] = (), distinct: tuple[str, ...] = ()
    ) -> Decision:
        """Decide whether ``text`` duplicates an indexed article, and index it; one Redis round trip.

        Raises ``IndexGenerationChanged`` when the index lost its data or was rebuilt since this
        process opened it, and redis-py's connection/timeout errors when Redis does not answer."""
        entry = self.fingerprint_entry(text, site, urls)
        reply = self.index.check_and_insert(
            doc_id, site, [], entry.fingerprint, rules=self._rules, max_candidates=self.config.max_candidates,
            distinct=distinct, url_keys=entry.url_keys,
        )
        return _decision(reply, entry.to_bytes())

    def restore(self, article_id: str) -> tuple[bool, int]:
        """A reviewer put dropped copy ``article_id`` back into storage: index it as kept.
        Returns (found in the index, index number of the change)."""
        return self.index.restore(article_id)

    def mark_distinct(self, a: str, b: str) -> int:
        """A reviewer said ``a`` and ``b`` are different stories: the engine never merges them.
        Returns the index number of the change."""
        for article_id in (a, b):
            if len(article_id) != 16 or any(c not in "0123456789abcdef" for c in article_id):
                raise ValueError(f"article ids are 16 lower-case hex digits, got {article_id!r}")
        return self.index.mark_distinct(a, b)

    def close(self) -> None:
        """Write pending learned site boilerplate to Redis."""
        self.sites.flush()
