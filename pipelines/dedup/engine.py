"""The near-duplicate engine: normalise -> fingerprint -> one atomic Redis check-and-insert.

Layers, cheapest first (decided inside one Lua call, see ``check_and_insert.lua``): URL
(normalised/final/canonical) -> exact normalised text -> MinHash-LSH candidates verified on
stored signatures (Jaccard) -> containment both ways (trimmed reprints; fuller copies that
arrive after their trimmed reprint). A same-site version that adds enough new text is kept
and linked. With ``keep = "best"`` the stored member of a story is the best copy seen so far
(the source the other copies credit, then the fuller text that contains the others, then the
earlier stated date, then the cleaner text (rank blemishes), then the wording the story's other
copies carry; a site's canonical page over its
variants: the script's ``better_than``):
a better copy arriving later replaces the kept one in the same call (verdict ``replace``).
With ``keep = "first"`` the first article stored wins.

Only story text is evidence: before fingerprinting, a page loses its generic chrome and wall
lines (normalisation), its site's learned footer (``siteboiler``) and the lines learned as common
on its site or on several sites (``commonlines``). A page left with fewer than
``min_evidence_words`` units is **thin** (a registration wall, a form): it is kept and indexed
for re-crawls (its id and URLs) but compared with nothing, neither as a candidate nor by its
whole text (method ``thin``); URL duplicates of indexed articles are still dropped.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass, field
from typing import Any

import redis
import xxhash

from crawler.connection import redis_key_prefix
from crawler.urls import url_key
from pipelines.dedup.commonlines import CommonLines
from pipelines.dedup.entry import IndexEntry, params_tag, scores_between
from pipelines.dedup.fingerprint import Fingerprint, Fingerprinter
from pipelines.dedup.index import STANDALONE, IndexReply, RedisIndex
from pipelines.dedup.normalize import (
    NORMALIZATION_VERSION,
    body_and_chrome,
    body_lines,
    damage_kinds,
    normalize_chars,
)
from pipelines.dedup.rank import with_blemishes
from pipelines.dedup.siteboiler import SiteBoilerplate
from settings import base as defaults

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
    "band_groups": ("DEDUP_BAND_GROUPS", int),
    "site_boilerplate": ("DEDUP_SITE_BOILERPLATE", bool),
    "common_line_pages": ("DEDUP_COMMON_LINE_PAGES", int),
    "common_line_sites": ("DEDUP_COMMON_LINE_SITES", int),
    "min_evidence_words": ("DEDUP_MIN_EVIDENCE_WORDS", int),
    "keep": ("DEDUP_KEEP", str),
    "keep_fuller_margin": ("DEDUP_KEEP_FULLER_MARGIN", float),
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
    """Engine parameters; ``__post_init__`` rejects impossible values with clear errors.

    Each field's default is its setting's value in ``settings.base`` (``_SETTINGS`` names them).
    """

    num_perm: int = defaults.DEDUP_NUM_PERM
    signature_bits: int = defaults.DEDUP_SIGNATURE_BITS
    seed: int = defaults.DEDUP_SEED
    shingle_size: int = defaults.DEDUP_SHINGLE_SIZE
    shingle_sample: int = defaults.DEDUP_SHINGLE_SAMPLE
    lsh_threshold: float = defaults.DEDUP_LSH_THRESHOLD
    jaccard_threshold: float = defaults.DEDUP_JACCARD_THRESHOLD
    containment_threshold: float = defaults.DEDUP_CONTAINMENT_THRESHOLD
    partial_containment: float = defaults.DEDUP_PARTIAL_CONTAINMENT
    partial_coverage: float = defaults.DEDUP_PARTIAL_COVERAGE
    min_jaccard: float = defaults.DEDUP_MIN_JACCARD
    confidence_z: float = defaults.DEDUP_CONFIDENCE_Z
    min_words_containment: int = defaults.DEDUP_MIN_WORDS_CONTAINMENT
    update_min_new_text: float = defaults.DEDUP_UPDATE_MIN_NEW_TEXT
    window_days: float = defaults.DEDUP_WINDOW_DAYS
    index_capacity: int = defaults.DEDUP_INDEX_CAPACITY
    max_candidates: int = defaults.DEDUP_MAX_CANDIDATES
    band_groups: int = defaults.DEDUP_BAND_GROUPS
    site_boilerplate: bool = defaults.DEDUP_SITE_BOILERPLATE
    common_line_pages: int = defaults.DEDUP_COMMON_LINE_PAGES
    common_line_sites: int = defaults.DEDUP_COMMON_LINE_SITES
    min_evidence_words: int = defaults.DEDUP_MIN_EVIDENCE_WORDS
    key_prefix: str = defaults.REDIS_KEY_PREFIX
    keep: str = defaults.DEDUP_KEEP
    keep_fuller_margin: float = defaults.DEDUP_KEEP_FULLER_MARGIN

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
        if self.band_groups < 0:
            raise ValueError(f"band_groups must be >= 0 (0 = automatic), got {self.band_groups}")
        if self.index_capacity < 1 or self.max_candidates < 1:
            raise ValueError("index_capacity and max_candidates must be >= 1")
        if self.keep not in ("best", "first"):
            raise ValueError(f"keep must be 'best' or 'first', got {self.keep!r}")
        if not 0.0 <= self.keep_fuller_margin <= 10.0:
            raise ValueError(f"keep_fuller_margin must be in [0, 10], got {self.keep_fuller_margin}")
        if self.common_line_pages == 1 or self.common_line_pages < 0 or self.common_line_sites < 1:
            raise ValueError("common_line_pages must be 0 (off) or >= 2 (one page is no repetition), "
                             "common_line_sites >= 1")
        if self.min_evidence_words < 0:
            raise ValueError("min_evidence_words must be >= 0 (0 turns it off)")
        if not self.key_prefix or any(c in self.key_prefix for c in " \n{}:"):
            raise ValueError(f"key_prefix must be a plain non-empty string without ':', got {self.key_prefix!r}")

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> DedupConfig:
        values: dict[str, Any] = {"key_prefix": redis_key_prefix(settings)}
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

    def keep_policy(self) -> str:
        """The keep policy as the Lua script reads it: ``first`` or ``best:<fuller margin>``."""
        return "first" if self.keep == "first" else f"best:{self.keep_fuller_margin}"

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
    method: str  # url | exact | near | containment | update | self | seen | new | thin (kept, compared with nothing)
    duplicate_of: str | None = None  # kept article id when verdict is duplicate/seen
    updates: str | None = None  # the other version's article id (verdict update)
    # against duplicate_of (or, for a replacement, against the replaced article): jaccard,
    # contained (share of this text inside the other), contains (the reverse)
    scores: dict[str, float] = field(default_factory=dict)
    relation: str = ""  # kept_is_shorter | updates | updated_by
    merged: tuple[str, ...] = ()  # stored articles now known to be copies of duplicate_of
    seq: int = 0  # number of the index record this check inserted (0: none); kept by storage
    entry: bytes = b""  # IndexEntry blob: what a rebuild of the index replays for this article
    # score, threshold and the record measured (may be a copy of duplicate_of) that decided a match
    decided: dict[str, Any] = field(default_factory=dict)
    replaces: str | None = None  # kept article this one replaced (verdict new): it becomes its copy
    why: str = ""  # why it replaced it: fuller | credited | earlier | cleaner | carried | canonical

    @property
    def is_duplicate(self) -> bool:
        return self.verdict in ("duplicate", "seen")

    @property
    def rescore(self) -> Any:
        """Scores of a copy's entry blob against a kept article's, as the index computes them (for
        storage, which rescores copies it re-points after a late merge or a replacement)."""
        return scores_between


def _decision(reply: IndexReply, entry: bytes) -> Decision:
    scores = {"jaccard": reply.jaccard, "contained": reply.contained, "contains": reply.contains}
    decided = {"score": reply.decided_score, "threshold": reply.decided_threshold, "against": reply.decided_against}
    if reply.verdict == "duplicate":
        return Decision("duplicate", reply.method, reply.target, None, scores, reply.relation, reply.merged,
                        reply.seq, entry, decided)
    if reply.verdict == "self" and reply.why:  # a kept article that replaced another: storage re-applies it
        replaced, _, why = reply.why.partition(":")
        return Decision("self", "self", None, None, {}, "", (), reply.seq, entry, {}, replaced, why)
    if reply.verdict == "seen":  # ``replaces``: an article it replaced once, now a copy of the same story
        replaced, _, why = reply.why.partition(":")
        return Decision("seen", reply.method, reply.target, None, scores, reply.relation, (), reply.seq, entry,
                        replaces=replaced or None, why=why)
    if reply.verdict == "replace":
        return Decision("new", reply.method, None, None, scores, "", reply.merged, reply.seq, entry, decided,
                        reply.target, reply.why)
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
            client, config.key_prefix, config.index_params(), window, config.shards, config.key_shards, generation,
            groups=config.band_groups,
        )
        self.index.verify_params()
        # beside the index (one hash tag on a cluster: the same slot)
        self.sites = SiteBoilerplate(client if config.site_boilerplate else None, self.index.prefix, int(window))
        self.common = CommonLines(client, self.index.prefix, int(window), pages=config.common_line_pages,
                                  sites=config.common_line_sites)
        self._rules = config.rules()
        self._keep = config.keep_policy()
        self.tag = params_tag(config.index_params())

    def fingerprint_entry(self, text: str, site: str, urls: tuple[str, ...] = (), doc_id: str = "",
                          rank: bytes = b"") -> IndexEntry:
        """Normalise ``text``, strip ``site``'s learned trailing boilerplate (learning this page's
        tail) and its common lines, fingerprint what is left; with the URL keys and the ``rank``
        (``pipelines.dedup.rank``, its blemishes set from this text), what the index and a rebuild
        of it need. A thin page (see the
        module docstring) gets no bands and a text hash of its own (``doc_id`` and URLs mixed in).
        ``common_keys`` are the lines this page would teach (``check`` teaches them when the page
        is a page of its own)."""
        normalized = normalize_chars(text)
        body, chrome = body_and_chrome(normalized, fallback=False)
        if rank:
            rank = with_blemishes(rank, damage_kinds(text) + chrome)  # normalize.blemishes
        lines = body
        tail: list[bytes] = []
        if self.config.site_boilerplate and body:
            lines = self.sites.strip(site, body)
            tail = self.sites.tail_keys(body) if site else []
            self.sites.learn_keys(site, tail)
        evidence, words, common = self.common.scan(site, body, len(lines))  # the footer is a suffix of body
        keys = tuple(sorted({url_key(u) for u in urls if u}))
        fp = self.fingerprinter.fingerprint(evidence or lines or body_lines(normalized), normalized)
        if words < self.config.min_evidence_words:
            own = xxhash.xxh64_hexdigest(f"thin|{doc_id}|{','.join(keys)}|{fp.exact}".encode())
            fp = dataclasses.replace(fp, exact=own, bands=(), n_words=words)
        return IndexEntry(self.tag, fp, keys, tuple(tail), common, rank)

    def fingerprint(self, text: str, site: str) -> Fingerprint:
        """Normalise ``text``, strip ``site``'s learned trailing boilerplate, fingerprint it."""
        return self.fingerprint_entry(text, site).fingerprint

    def check(
        self, doc_id: str, text: str, site: str, urls: tuple[str, ...] = (), distinct: tuple[str, ...] = (),
        *, rank: bytes = b"", canonical: str = "",
    ) -> Decision:
        """Decide whether ``text`` duplicates an indexed article, and index it; one Redis round trip,
        three with band groups (``pipelines.dedup.groups``), plus, every ``flush_every`` pages, one
        for the learned common lines. ``rank``: the
        article's rank (``pipelines.dedup.rank.rank_bytes``); ``canonical``: its own URL when the
        page is at its canonical address (it then replaces a same-site variant).

        Raises ``IndexGenerationChanged`` when the index lost its data or was rebuilt since this
        process opened it, and redis-py's connection/timeout errors when Redis does not answer."""
        entry = self.fingerprint_entry(text, site, urls, doc_id, rank)
        reply = self.index.check_and_insert(
            doc_id, site, [], entry.fingerprint, rules=self._rules, max_candidates=self.config.max_candidates,
            distinct=distinct, url_keys=entry.url_keys, keep=self._keep, rank=entry.rank_bytes,
            own_url_key=url_key(canonical) if canonical else "",
        )
        # A page of its own teaches its lines: not a re-crawl, not the page of an indexed URL, not
        # a same-site version of a story (whose paragraphs its other versions carry too).
        own_page = reply.verdict not in ("self", "seen") and reply.method != "url" and reply.relation not in (
            "updates", "updated_by")
        if own_page:
            self.common.learn(site, entry.common_keys)
        elif entry.common_keys:
            entry = dataclasses.replace(entry, common_keys=())
        decision = _decision(reply, entry.to_bytes())
        if entry.thin and decision.verdict == "new" and not decision.replaces:
            decision = dataclasses.replace(decision, method="thin")
        return decision

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
        """Write pending learned site boilerplate and common lines to Redis."""
        self.sites.flush()
        self.common.flush()
