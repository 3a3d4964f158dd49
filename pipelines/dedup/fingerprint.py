"""From body lines to what the Redis index needs: shingles, MinHash, band keys.

Shingles are character k-grams of the lower-cased text with spaces and ASCII punctuation
removed (robust to typos, merged or split words and leftover encoding damage), hashed with
numpy in one vectorised pass. Signatures are datasketch ``MinHash`` values of those 32-bit
hashes (its ``affine32`` scheme and permutations; bit-identical, see ``signature_values``):
deterministic, independent of ``PYTHONHASHSEED``. The index keeps each value truncated to 8
or 16 bits (b-bit MinHash, the chance agreement of 2**-bits is corrected for when Jaccard is
estimated);
LSH band keys are built from the full values of the first ``bands * rows`` permutations.

Scripts written without spaces get code-point shingles instead (``text_shingles``): a 7-byte
window of UTF-8 holds only ~2 Han or kana characters (3 bytes each), character bigrams that
unrelated Chinese or Japanese stories share a lot of, and 2-3 Thai code points. Their letters
are taken out of the byte text and shingled as windows of ``CJK_SHINGLE_CHARS`` Han/kana
characters and ``SEA_SHINGLE_CHARS`` Thai/Lao/Khmer/Myanmar code points (each concatenated
across the other text, like the byte text across spaces); text without such letters is
shingled exactly as before. These sizes are part of the normalisation (``NORMALIZATION_VERSION``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import xxhash
from datasketch import MinHash

from pipelines.textunits import count_units

_FNV_PRIME = np.uint64(0x100000001B3)
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_ASCII_NOT_ALNUM = bytes(b for b in range(0x80) if not (0x30 <= b <= 0x39 or 0x61 <= b <= 0x7A))
MIN_SAMPLED = 16  # fewer sampled shingles than this: a very short text keeps them all
# Han + kana, ~2 words. Two unrelated Japanese stories of the test samples: Jaccard 0.017 with
# 3 characters, 0.049 with 2, 0.033 with 7-byte windows; a trimmed reprint is fully contained with each.
CJK_SHINGLE_CHARS = 3
SEA_SHINGLE_CHARS = 6  # Thai, Lao, Khmer, Myanmar code points (vowel and tone marks included): ~1.4 words
# Frozen here (not shared with the extraction's unit counting): changing them changes fingerprints.
_CJK = ("\u3005\u3007\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
        "\uff66-\uff9d\U00020000-\U0003134f")
_SEA = "\u0e01-\u0e5b\u0e81-\u0edf\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\uaa60-\uaa7f"
_CJK_RE = re.compile(f"[{_CJK}]+")
_SEA_RE = re.compile(f"[{_SEA}]+")
# What the byte shingles skip in a text with unspaced letters: those letters and the CJK, fullwidth and
# general punctuation written between them (shared by every such text, it would make them look alike).
_UNSPACED_RUN = re.compile(f"[{_CJK}{_SEA}\u2010-\u206f\u3000-\u3004\u3008-\u303f\u30fb"
                           "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+")
_CJK_SALT = np.uint64(0x243F6A8885A308D3)
_SEA_SALT = np.uint64(0x13198A2E03707344)


@dataclass(frozen=True)
class Fingerprint:
    """Everything the index stores or looks up for one text."""

    exact: str  # 16-hex hash of the whole normalised text (before boilerplate removal)
    signature: bytes  # num_perm values truncated to ``bits`` bits (big endian)
    bits: int  # 8 or 16
    bands: tuple[bytes, ...]  # one 4-byte key per LSH band (band index mixed in)
    n_shingles: int  # size of the shingle set
    n_words: int  # word-sized units of the body text (``pipelines.textunits.count_units``)


def joined_bytes(lines: list[str]) -> bytes:
    """UTF-8 of the lower-cased text without ASCII spaces/punctuation (non-ASCII kept)."""
    return " ".join(lines).lower().encode("utf-8").translate(None, _ASCII_NOT_ALNUM)


def shingle_hashes(joined: bytes, k: int, sample: int = 1) -> np.ndarray:
    """Distinct 32-bit hashes of the character ``k``-grams of ``joined``.

    ``sample`` (a power of two) keeps only the hashes divisible by it: the same k-gram is kept
    or skipped in every text, so the kept sets are a consistent sample and their Jaccard
    similarity and containment estimate those of the whole sets (Broder's mod-m sampling).
    A text whose sample would hold fewer than ``MIN_SAMPLED`` hashes keeps all of them. A text
    shorter than ``k`` characters is one shingle (itself); an empty text has none.
    """
    if not joined:
        return np.zeros(0, dtype=np.uint32)
    if len(joined) < k:
        return np.array([xxhash.xxh32_intdigest(joined)], dtype=np.uint32)
    n = len(joined) - k + 1
    if k <= 8:
        # Each k-gram is read as one little-endian uint64 at every byte offset (k bytes kept),
        # then hashed multiplicatively: one pass instead of k.
        grams = np.ndarray(shape=(n,), dtype="<u8", buffer=joined + b"\0" * 8, offset=0, strides=(1,))
        h = ((grams & np.uint64((1 << (8 * k)) - 1)) * _MIX) >> np.uint64(32)
    else:  # FNV-1a, one pass per byte of the k-gram
        b = np.frombuffer(joined, dtype=np.uint8).astype(np.uint64)
        h = np.full(n, _FNV_OFFSET, dtype=np.uint64)
        for j in range(k):
            h = (h ^ b[j : j + n]) * _FNV_PRIME
        h ^= h >> np.uint64(32)
    h32 = h.astype(np.uint32)
    if sample > 1:
        kept = h32[(h32 & np.uint32(sample - 1)) == 0]
        if len(kept) >= MIN_SAMPLED:
            h32 = kept
    h32.sort()  # sort + mask is ~5x faster than np.unique here
    return h32[np.concatenate(([True], h32[1:] != h32[:-1]))]


def codepoint_hashes(chars: str, n: int, salt: np.uint64) -> np.ndarray:
    """32-bit hashes (unsorted, with repeats) of the ``n``-code-point windows of ``chars``; a text
    shorter than ``n`` is one shingle, an empty one none. ``salt`` keeps scripts apart."""
    if not chars:
        return np.zeros(0, dtype=np.uint32)
    cps = np.frombuffer(chars.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    m = max(1, len(cps) - n + 1)
    h = np.full(m, salt, dtype=np.uint64)
    for j in range(min(n, len(cps))):  # multiply-xorshift per code point
        h = (h ^ cps[j : j + m]) * _MIX
        h ^= h >> np.uint64(29)
    return (h >> np.uint64(32)).astype(np.uint32)


def text_shingles(lines: list[str], k: int, sample: int = 1) -> np.ndarray:
    """Distinct 32-bit shingle hashes of body ``lines``: ``shingle_hashes`` of ``joined_bytes``
    for text without unspaced-script letters (unchanged), else the union of the byte shingles
    of the rest and the code-point shingles of the Han/kana and of the Thai/Lao/Khmer/Myanmar
    letters (``sample`` as in ``shingle_hashes``, applied to the union)."""
    text = " ".join(lines).lower()
    if text.isascii() or not (_CJK_RE.search(text) or _SEA_RE.search(text)):
        return shingle_hashes(joined_bytes(lines), k, sample)
    rest = joined_bytes([_UNSPACED_RUN.sub(" ", text)])
    parts = [
        shingle_hashes(rest, k) if rest else np.zeros(0, dtype=np.uint32),
        codepoint_hashes("".join(_CJK_RE.findall(text)), CJK_SHINGLE_CHARS, _CJK_SALT),
        codepoint_hashes("".join(_SEA_RE.findall(text)), SEA_SHINGLE_CHARS, _SEA_SALT),
    ]
    h32 = np.concatenate(parts)
    if sample > 1:
        kept = h32[(h32 & np.uint32(sample - 1)) == 0]
        if len(kept) >= MIN_SAMPLED:
            h32 = kept
    h32 = np.sort(h32)
    return h32[np.concatenate(([True], h32[1:] != h32[:-1]))] if len(h32) else h32


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer: the pre-mix datasketch's ``affine32`` scheme applies."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


class Fingerprinter:
    """Computes ``Fingerprint``s with fixed parameters (validated like datasketch's MinHashLSH)."""

    def __init__(
        self, num_perm: int, seed: int, shingle_size: int, bands: int, rows: int, bits: int = 16, sample: int = 1
    ) -> None:
        if not 16 <= num_perm <= 1024:
            raise ValueError(f"num_perm must be in [16, 1024], got {num_perm}")
        if shingle_size < 2:
            raise ValueError(f"shingle_size must be >= 2 characters, got {shingle_size}")
        if bands < 1 or rows < 1 or bands * rows > num_perm:
            raise ValueError(f"bands*rows must be <= num_perm ({bands}*{rows} > {num_perm})")
        if sample < 1 or sample & (sample - 1):
            raise ValueError(f"shingle sample must be a power of two >= 1, got {sample}")
        if bits not in (8, 16):
            raise ValueError(f"signature bits must be 8 or 16, got {bits}")
        self.num_perm, self.seed, self.shingle_size, self.bits = num_perm, seed, shingle_size, bits
        self.bands, self.rows, self.sample = bands, rows, sample
        # datasketch draws the permutations (a, b) of its default ``affine32`` scheme for this seed.
        self._template = MinHash(num_perm=num_perm, seed=seed, scheme="affine32")  # never updated
        a, b = self._template.permutations
        self._a, self._b = a.astype(np.uint32)[:, None], b.astype(np.uint32)[:, None]
        # Shingles per block: bounds the (num_perm x block) temporary to 4 MB.
        self._step = max(256, (1 << 20) // num_perm)
        self._band_salt = (np.arange(bands, dtype=np.uint64) + np.uint64(1)) * _MIX

    def signature_values(self, hashes: np.ndarray) -> np.ndarray:
        """Full 32-bit MinHash values (uint32 array of ``num_perm``) of shingle hashes.

        The same values as datasketch's ``MinHash.update_batch(hashes)`` (a test checks it),
        min over shingles of ``a * fmix32(h) + b`` mod 2**32 per permutation. We apply the
        permutations ourselves because ``update_batch`` builds a (shingle x permutation) array
        and reduces across rows; the (permutation x shingle) layout reduces along contiguous
        memory and is 3-4x faster for 1,000-10,000 shingles (measured: 290 against 750 us).
        """
        out = self._template.hashvalues.copy()  # the scheme's maximum: an empty set
        mixed = _fmix32(hashes.astype(np.uint32, copy=False))
        for i in range(0, len(mixed), self._step):
            block = np.multiply(self._a, mixed[None, i : i + self._step])
            block += self._b
            np.minimum(out, block.min(axis=1), out=out)
        return out

    def fingerprint(self, lines: list[str], exact_text: str) -> Fingerprint:
        """``lines``: non-empty, single-spaced body lines (``body_lines``); ``exact_text``: the
        normalised text the exact layer hashes."""
        hashes = text_shingles(lines, self.shingle_size, self.sample)
        values = self.signature_values(hashes).astype(np.uint64)
        rows = values[: self.bands * self.rows].reshape(self.bands, self.rows)
        mixed = self._band_salt.copy()
        for r in range(self.rows):  # 64-bit multiply-xorshift mix of each band's rows
            mixed = (mixed ^ rows[:, r]) * _MIX
            mixed ^= mixed >> np.uint64(29)
        bands = (mixed >> np.uint64(32)).astype(">u4").tobytes()
        return Fingerprint(
            exact=xxhash.xxh64_hexdigest(joined_bytes([exact_text])),
            signature=(values & np.uint64((1 << self.bits) - 1)).astype(">u2" if self.bits == 16 else "u1").tobytes(),
            bits=self.bits,
            bands=tuple(bands[i : i + 4] for i in range(0, len(bands), 4)),
            n_shingles=len(hashes),
            n_words=sum(count_units(line) for line in lines),  # word-sized units (pipelines.textunits)
        )
