"""From normalised text to what the Redis index needs: shingles, MinHash, band keys.

Signatures come from datasketch (``MinHash.update_batch`` with xxhash, deterministic and
independent of ``PYTHONHASHSEED``). What we keep of a signature is each hash value
truncated to 16 bits (b-bit MinHash): agreement on 128 positions still estimates Jaccard
with a chance collision of 2**-16 per position, at a quarter of the memory.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

import numpy as np
import xxhash
from datasketch import MinHash

SHINGLE_KINDS = ("char", "word", "anchored")


@dataclass(frozen=True)
class Fingerprint:
    """Everything the index stores or looks up for one text."""

    exact: str  # 16-hex hash of the normalised text
    signature: bytes  # num_perm big-endian uint16 values
    bands: tuple[bytes, ...]  # one 4-byte key per LSH band (band index mixed in)
    n_shingles: int  # size of the shingle set
    n_words: int  # words of the normalised text


def shingles(text: str, kind: str, size: int) -> set[bytes]:
    """Shingle set of normalised ``text``.

    ``char``: every ``size``-character window of the text with spaces removed (robust to typos,
    merged words and leftover encoding damage). ``word``: ``size``-word windows. ``anchored``:
    the ``size`` characters (spaces removed) starting at each word, about one shingle per word.
    A text shorter than one shingle gives one shingle: itself.
    """
    if kind == "word":
        words = text.split()
        if len(words) < size:
            return {" ".join(words).encode()} if words else set()
        return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}
    joined = text.replace(" ", "").replace("\n", "")
    if len(joined) <= size:
        return {joined.encode()} if joined else set()
    if kind == "char":
        return {joined[i : i + size].encode() for i in range(len(joined) - size + 1)}
    if kind == "anchored":
        starts, pos = [], 0
        for word in text.split():
            starts.append(pos)
            pos += len(word)
        return {joined[i : i + size].encode() for i in starts if i + size <= len(joined)} or {
            joined[-size:].encode()
        }
    raise ValueError(f"unknown shingle kind {kind!r}; expected one of {SHINGLE_KINDS}")


class Fingerprinter:
    """Computes ``Fingerprint``s with fixed parameters (validated like datasketch's MinHashLSH)."""

    def __init__(self, num_perm: int, seed: int, shingle: str, shingle_size: int, bands: int, rows: int):
        if num_perm < 16 or num_perm > 1024:
            raise ValueError(f"num_perm must be in [16, 1024], got {num_perm}")
        if shingle not in SHINGLE_KINDS:
            raise ValueError(f"shingle must be one of {SHINGLE_KINDS}, got {shingle!r}")
        if shingle_size < 1:
            raise ValueError(f"shingle_size must be >= 1, got {shingle_size}")
        if bands < 1 or rows < 1 or bands * rows > num_perm:
            raise ValueError(f"bands*rows must be <= num_perm ({bands}*{rows} > {num_perm})")
        self.num_perm, self.seed = num_perm, seed
        self.shingle, self.shingle_size = shingle, shingle_size
        self.bands, self.rows = bands, rows
        # Permutations are generated once (datasketch does it per MinHash object otherwise).
        self._template = MinHash(num_perm=num_perm, seed=seed, hashfunc=xxhash.xxh32_intdigest)

    def signature_values(self, shingle_set: set[bytes]) -> np.ndarray:
        """Full 32-bit MinHash values of ``shingle_set`` (uint64 array of ``num_perm``)."""
        m = self._template.copy()
        if shingle_set:
            m.update_batch(list(shingle_set))  # min() is order-free
        return m.hashvalues

    def fingerprint(self, normalized: str) -> Fingerprint:
        shingle_set = shingles(normalized, self.shingle, self.shingle_size)
        values = self.signature_values(shingle_set)
        bands = []
        for b in range(self.bands):
            chunk = values[b * self.rows : (b + 1) * self.rows].astype(">u4").tobytes()
            bands.append(hashlib.blake2b(chunk, digest_size=4, salt=struct.pack(">I", b)).digest())
        signature = (values & 0xFFFF).astype(">u2").tobytes()
        exact = hashlib.blake2b(normalized.encode("utf-8"), digest_size=8).hexdigest()
        return Fingerprint(exact, signature, tuple(bands), len(shingle_set), len(normalized.split()))
