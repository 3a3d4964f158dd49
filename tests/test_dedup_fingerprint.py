"""Fingerprints: datasketch's MinHash values, character shingles that survive damage."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash

from pipelines.dedup.fingerprint import Fingerprinter, joined_bytes, shingle_hashes


@pytest.mark.parametrize("n", [0, 1, 700, 9000])
def test_signature_values_equal_datasketch_update_batch(n: int) -> None:
    hashes = np.random.default_rng(n).integers(0, 2**32, n, dtype=np.uint32)
    fingerprinter = Fingerprinter(num_perm=128, seed=7, shingle_size=7, bands=48, rows=2)
    reference = MinHash(num_perm=128, seed=7, hashfunc=lambda x: x, scheme="affine32")
    if n:
        reference.update_batch(hashes.tolist())
    assert np.array_equal(fingerprinter.signature_values(hashes), reference.hashvalues)


def test_character_shingles_survive_merged_words_and_case() -> None:
    a = shingle_hashes(joined_bytes(["The council approved the budget on Tuesday."]), 7)
    b = shingle_hashes(joined_bytes(["the council approvedthe budget on  tuesday"]), 7)
    assert np.array_equal(a, b)
    assert len(shingle_hashes(joined_bytes(["tiny"]), 7)) == 1  # shorter than a shingle: itself
    assert len(shingle_hashes(b"", 7)) == 0
