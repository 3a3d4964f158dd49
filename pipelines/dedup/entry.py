"""What the database keeps of each dedup decision, so the Redis index can be rebuilt from it.

The index is derived state: every stored article and recorded duplicate carries the
``IndexEntry`` its check inserted (fingerprint, URL keys, the site-footer line keys and the
common-line keys it taught, its rank) as an opaque blob. A rebuild replays those blobs in
arrival order without reading a text again; a blob made under other index parameters
(``params_tag`` differs) is not used and the text is fingerprinted anew instead.

Layout (big endian): magic ``b"NDE3"``, params tag (4), n_shingles (u32), n_words (u32),
exact hash (8), bits (u8), signature length (u16), bands (u8), URL keys (u8), tail keys
(u8), common-line keys (u8), then the signature, the 4-byte band keys, the 8-byte URL keys,
the 8-byte tail keys, the 8-byte common-line keys and the 24-byte rank
(``pipelines.dedup.rank``). Entries of earlier layouts are still read: ``b"NDE2"`` (a 20-byte
rank: blemishes unknown), ``b"NDE1"`` (no common-line keys, no rank). Plain ``struct`` data: nothing is ever unpickled.

``scores_between`` measures two entries as the index script does (its point estimates), so
the database can rescore a copy against a new kept article without Redis.
"""

from __future__ import annotations

import hashlib
import math
import struct
from dataclasses import dataclass

from pipelines.dedup.fingerprint import Fingerprint

MAGIC, MAGIC_V2, MAGIC_V1 = b"NDE3", b"NDE2", b"NDE1"
RANK_SIZE = 24  # pipelines.dedup.rank.RANK_SIZE (this module stays free of the index client)
_HEAD = struct.Struct(">4s4sII8sBHBBBB")
_HEAD_V1 = struct.Struct(">4s4sII8sBHBBB")


def params_tag(params: str) -> bytes:
    """4 bytes naming index parameters (``DedupConfig.index_params()``)."""
    return hashlib.blake2b(params.encode("utf-8"), digest_size=4).digest()


@dataclass(frozen=True)
class IndexEntry:
    """One article's contribution to the index: enough to insert it again as it was."""

    tag: bytes  # params_tag of the index parameters the fingerprint was made with
    fingerprint: Fingerprint
    url_keys: tuple[str, ...]  # 16-hex keys of its normalised/final/canonical URLs (index.url_key)
    tail_keys: tuple[bytes, ...] = ()  # site-footer line keys its text taught (siteboiler.line_key)
    common_keys: tuple[bytes, ...] = ()  # common-line keys its page taught (commonlines.line_key)
    rank: bytes = b""  # what ranks it among copies of its story (rank.Rank.to_bytes); b"": unknown

    @property
    def thin(self) -> bool:
        """Too little story text to compare: indexed without LSH bands (``Deduper``)."""
        return not self.fingerprint.bands

    def to_bytes(self) -> bytes:
        fp = self.fingerprint
        head = _HEAD.pack(
            MAGIC, self.tag, fp.n_shingles, fp.n_words, bytes.fromhex(fp.exact), fp.bits, len(fp.signature),
            len(fp.bands), len(self.url_keys), len(self.tail_keys), len(self.common_keys),
        )
        return b"".join((head, fp.signature, *fp.bands, *(bytes.fromhex(k) for k in self.url_keys),
                         *self.tail_keys, *self.common_keys, self.rank_bytes))

    @property
    def rank_bytes(self) -> bytes:
        """The rank as the index stores it (24 bytes, zeros when unknown)."""
        return self.rank if len(self.rank) == RANK_SIZE else bytes(RANK_SIZE)

    @classmethod
    def from_bytes(cls, blob: bytes) -> IndexEntry:
        """Parse ``blob``; ``ValueError`` when it is not an entry of this layout."""
        if blob[:4] in (MAGIC, MAGIC_V2) and len(blob) >= _HEAD.size:
            magic, tag, n_sh, n_words, exact, bits, n_sig, n_bands, n_urls, n_tail, n_common = _HEAD.unpack_from(blob)
            pos, rank_size = _HEAD.size, RANK_SIZE if magic == MAGIC else 20
        elif blob[:4] == MAGIC_V1 and len(blob) >= _HEAD_V1.size:
            magic, tag, n_sh, n_words, exact, bits, n_sig, n_bands, n_urls, n_tail = _HEAD_V1.unpack_from(blob)
            pos, n_common, rank_size = _HEAD_V1.size, 0, 0
        else:
            raise ValueError("not an index entry")
        if len(blob) != pos + n_sig + 4 * n_bands + 8 * n_urls + 8 * n_tail + 8 * n_common + rank_size:
            raise ValueError("index entry of the wrong length")
        signature = blob[pos : pos + n_sig]
        pos += n_sig
        bands = tuple(blob[pos + 4 * i : pos + 4 * i + 4] for i in range(n_bands))
        pos += 4 * n_bands
        urls = tuple(blob[pos + 8 * i : pos + 8 * i + 8].hex() for i in range(n_urls))
        pos += 8 * n_urls
        tail = tuple(blob[pos + 8 * i : pos + 8 * i + 8] for i in range(n_tail))
        pos += 8 * n_tail
        common = tuple(blob[pos + 8 * i : pos + 8 * i + 8] for i in range(n_common))
        pos += 8 * n_common
        fp = Fingerprint(exact=exact.hex(), signature=signature, bits=bits, bands=bands, n_shingles=n_sh,
                         n_words=n_words)
        rank = blob[pos : pos + rank_size].ljust(RANK_SIZE, b"\0") if rank_size else b""
        return cls(tag, fp, urls, tail, common, b"" if rank == bytes(RANK_SIZE) else rank)  # zeros: unknown


def _rounded(x: float) -> float:
    return math.floor(x * 10000 + 0.5) / 10000  # as the index script reports scores


def scores_between(copy: bytes, kept: bytes) -> dict[str, float] | None:
    """``jaccard``, ``contained`` (share of ``copy``'s text inside ``kept``'s) and ``contains`` (the
    reverse) of two entry blobs, computed as the index script computes its reported scores; None
    when either blob is unreadable or the two were made with other signature parameters."""
    try:
        a, b = IndexEntry.from_bytes(bytes(copy)).fingerprint, IndexEntry.from_bytes(bytes(kept)).fingerprint
    except (ValueError, TypeError):
        return None
    if a.bits != b.bits or len(a.signature) != len(b.signature) or not a.signature:
        return None
    step = a.bits // 8
    n = len(a.signature) // step
    eq = sum(a.signature[i : i + step] == b.signature[i : i + step] for i in range(0, len(a.signature), step))
    chance = 1 / 2**a.bits
    j = max(0.0, (eq / n - chance) / (1 - chance))
    inter = j * (a.n_shingles + b.n_shingles) / (1 + j)
    return {"jaccard": _rounded(j), "contained": _rounded(min(1.0, inter / max(1, a.n_shingles))),
            "contains": _rounded(min(1.0, inter / max(1, b.n_shingles)))}
