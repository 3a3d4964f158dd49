"""Fill a freshly reset index build with articles the database already decided, in bulk.

``BulkLoader`` writes exactly the keys that replaying each row through
``check_and_insert.lua`` (its replay mode, ``RedisIndex.replay``) writes — the same record
bytes, hash fields, entry lists (newest 6 numbers), ``~`` generation fields, expiries and
numbers. ``tests/test_index_rebuild.py`` pins the equivalence key by key against the replay.

Why not the replay itself: it makes about five Redis calls per field inside the script (a
lookup and an append per URL/text field and per each of 48 LSH bands, the first write of
each hash compacting it). Measured on this machine (``make bench``, 10k rows): 1,767 rows/s
from SQLite, 2,042 from PostgreSQL, where a rebuild must reach 5,000. Replay into an empty
build needs no lookups: every number it inserts is fresh, and the only decision ("already
indexed under this id?") is a Python set. The appends are grouped per hash with numpy and
written by ``bulk_load.lua`` as one ``HSET`` per hash, from a few packed binary arguments.
Measured alternatives (10k rows, capacity 10k): an ``HSET`` per hash with every field as a
redis-py argument, 1,229 rows/s (packing a million arguments on the client); one ``HSETNX``
per field inside the script, 3,000-3,500 rows/s; one ``HSET`` per hash per chunk of rows,
4,400 rows/s; this design, 6,800-7,600 rows/s.

Only valid right after ``RedisIndex.reset``: the loader assumes the build holds nothing
but what it wrote itself.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import redis

from pipelines.dedup.entry import RANK_SIZE
from pipelines.dedup.fingerprint import Fingerprint
from pipelines.dedup.index import RedisIndex, site_key
from pipelines.dedup.scripts import BULK_LOAD

RECORD_HEADER = struct.Struct(">IIIIB8s8s")  # the Lua script's struct '>IIIIBc8c8'
KEEP_ENTRIES = 6  # numbers kept per field, newest last (the Lua append keeps 6)


@dataclass(frozen=True)
class LoadRow:
    """One decided article: ``kept`` (an article, not a duplicate), ``kept_id`` (itself or the
    article it duplicates), ``bands`` (its check indexed LSH bands), ``ts`` (unix time of the
    decision)."""

    doc_id: str
    site: str
    kept: bool
    kept_id: str
    bands: bool
    ts: float
    fingerprint: Fingerprint
    url_keys: tuple[str, ...]
    rank: bytes = b""  # its 24-byte rank (IndexEntry.rank_bytes); zeros when empty


def _shard(field: bytes, n: int) -> int:
    """The Lua ``shard_of``: the field's first 4 bytes, big endian, modulo ``n``."""
    return int.from_bytes(field[:4], "big") % n


CALL_ROWS = 2000  # records per script call
CALL_FIELDS = 40_000  # hash fields per script call (about 25 ms of Redis time: other clients wait no longer)
MAX_FIELDS = 1000  # fields per HSET (Lua unpack() takes about 8,000 values)
SPILL_APPENDS = 20_000_000  # appends held before they are written (about 0.25 GB): see ``BulkLoader``


@dataclass
class HashWrites:
    """Appends grouped for bulk_load.lua: ``heads`` (shard, field count) per HSET, then the
    fields, each field's value length in bytes, and the values' numbers, in that order."""

    heads: np.ndarray
    fields: np.ndarray
    lens: np.ndarray
    values: np.ndarray

    @classmethod
    def of(cls, fields: np.ndarray, nums: np.ndarray, shards: int) -> HashWrites:
        """Appends ``fields[i]`` <- ``nums[i]`` (fixed-width ``S`` fields) sorted by hash, field
        and number; a (field, number) pair once; each field's newest ``KEEP_ENTRIES`` numbers."""
        width = fields.dtype.itemsize
        head = np.frombuffer(fields.tobytes(), dtype=np.dtype([("h", ">u4"), ("rest", f"V{width - 4}")]) if width > 4
                             else np.dtype([("h", ">u4")]))["h"]
        shard = head.astype(np.int64) % shards
        order = np.lexsort((nums, fields, shard))
        fields, nums, shard = fields[order], nums[order], shard[order]
        fresh = np.ones(len(fields), dtype=bool)  # a band repeated within one row is appended once
        fresh[1:] = (fields[1:] != fields[:-1]) | (nums[1:] != nums[:-1])
        fields, nums, shard = fields[fresh], nums[fresh], shard[fresh]
        starts_field = np.ones(len(fields), dtype=bool)
        starts_field[1:] = fields[1:] != fields[:-1]
        first = np.flatnonzero(starts_field)
        count = np.diff(np.append(first, len(fields)))
        owner = np.cumsum(starts_field) - 1
        keep = (np.arange(len(fields)) - first[owner]) >= count[owner] - KEEP_ENTRIES
        field_shard = shard[first]
        starts_hash = np.ones(len(first), dtype=bool)
        starts_hash[1:] = field_shard[1:] != field_shard[:-1]
        rank = np.arange(len(first)) - np.flatnonzero(starts_hash)[np.cumsum(starts_hash) - 1]
        starts_hash |= rank % MAX_FIELDS == 0  # a long run of one hash: several HSETs
        hash_first = np.flatnonzero(starts_hash)
        heads = np.empty(len(hash_first), dtype=[("shard", ">u4"), ("n", ">u2")])
        heads["shard"] = field_shard[hash_first]
        heads["n"] = np.diff(np.append(hash_first, len(first)))
        return cls(heads, fields[first], (np.minimum(count, KEEP_ENTRIES) * 4).astype(np.uint8),
                   nums[keep].astype(">u4"))

    def calls(self) -> list[list[bytes]]:
        """The writes cut into script calls of about ``CALL_FIELDS`` fields, at HSET boundaries."""
        out: list[list[bytes]] = []
        field_end = np.cumsum(self.heads["n"].astype(np.int64))
        value_end = np.cumsum(self.lens.astype(np.int64) // 4)
        h0 = f0 = v0 = 0
        while h0 < len(self.heads):
            h1 = int(np.searchsorted(field_end, f0 + CALL_FIELDS, side="right"))
            h1 = max(h1, h0 + 1)
            f1 = int(field_end[h1 - 1])
            v1 = int(value_end[f1 - 1])
            out.append([self.heads[h0:h1].tobytes(), self.fields[f0:f1].tobytes(), self.lens[f0:f1].tobytes(),
                        self.values[v0:v1].tobytes()])
            h0, f0, v0 = h1, f1, v1
        return out


class BulkLoader:
    """Insert decided rows into the empty build ``index`` (see the module docstring): ``load``
    each chunk in arrival order, then ``finish``.

    Records are written as they come (on one background thread, in order, while the caller
    reads the next rows). Hash appends are held until ``finish`` (8 bytes per band, 13 per
    URL/text/id field, about 430 bytes per article: 86 MB for a 200,000-article window), then
    written sorted by hash, so each hash gets one ``HSET`` however its fields arrived — a
    hash written chunk by chunk cost a read and a write per chunk. Beyond ``SPILL_APPENDS``
    appends they are written early; a later write to a hash appends to what it holds."""

    def __init__(self, client: redis.Redis, index: RedisIndex) -> None:
        self.client, self.index, self.prefix = client, index, index.prefix
        self.now = int(client.time()[0])
        self.window = float(index.window)
        self.ttl = max(1, math.ceil(self.window))
        self.gen = self.now // self.ttl
        self.seq = int(client.get(f"{self.prefix}:seq") or 0)
        self.ids: set[bytes] = set()  # ids indexed so far (the replay's "self" check)
        self.inserted = 0
        self.first: int | None = None  # number of the first row inserted
        self._script = client.register_script(BULK_LOAD)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="index-bulk-load")
        self._pending: list[Future] = []
        self._bands: list[tuple[np.ndarray, np.ndarray]] = []
        self._keyed: list[tuple[np.ndarray, np.ndarray]] = []
        self._held = 0
        self._size = 0
        self._spilled = False  # hashes were written before ``finish``: later writes append
        self._tops: dict[int, int] = {}  # band group -> highest number written there

    def load(self, rows: Iterable[LoadRow]) -> int:
        """Queue ``rows`` (in arrival order) for indexing; returns how many will be inserted (rows
        older than the window and ids already indexed are passed over)."""
        records: list[bytes] = []
        bands: list[bytes] = []  # the band keys of rows indexed with bands, row after row
        band_nums: list[int] = []  # their numbers, one per row
        per_row = 0
        keyed: list[bytes] = []  # URL, text and id fields
        keyed_nums: list[int] = []  # their numbers
        done = 0
        for row in rows:
            stamp = min(self.now, int(row.ts))
            if self.now - stamp > self.window:
                continue
            doc = bytes.fromhex(row.doc_id)
            if doc in self.ids:
                continue
            self.ids.add(doc)
            self.seq += 1
            if self.first is None:
                self.first = self.seq
            fp = row.fingerprint
            record = RECORD_HEADER.pack(stamp, fp.n_shingles, fp.n_words, site_key(row.site), 0 if row.kept else 1,
                                        doc, bytes.fromhex(row.kept_id)) + fp.signature + (row.rank or bytes(RANK_SIZE))
            if self._size and len(record) != self._size:
                raise ValueError("records of one build have one size (same signature parameters)")
            self._size = len(record)
            # the record expires a window after its time, as the replay's "EX ttl - (now - stamp)"
            # does; given as a time, so how long the load takes to write it does not move it
            expire_at = max(self.now + 1, stamp + self.ttl)
            records.append(self.seq.to_bytes(4, "big") + expire_at.to_bytes(4, "big")
                           + record)
            fields = {b"i" + doc, b"x" + bytes.fromhex(fp.exact), *(b"u" + bytes.fromhex(k) for k in row.url_keys)}
            keyed.extend(fields)
            keyed_nums.extend([self.seq] * len(fields))
            if row.bands and fp.bands:
                if per_row and len(fp.bands) != per_row:
                    raise ValueError("rows of one build have one band count (same LSH parameters)")
                per_row = len(fp.bands)
                bands.append(b"".join(fp.bands))
                band_nums.append(self.seq)
            done += 1
            if len(records) >= CALL_ROWS:
                self._submit([b"".join(records)])
                records = []
        if records:
            self._submit([b"".join(records)])
        if bands:
            self._bands.append((np.frombuffer(b"".join(bands), dtype="S4"),
                                np.repeat(np.asarray(band_nums, dtype=np.uint32), per_row)))
        if keyed:
            self._keyed.append((np.array(keyed, dtype="S9"), np.asarray(keyed_nums, dtype=np.uint32)))
        self._held += len(bands) * per_row + len(keyed)
        if self._held >= SPILL_APPENDS:
            self._spill()
        self.inserted += done
        return done

    def _submit(self, records: list[bytes], bands: list[bytes] | None = None, keyed: list[bytes] | None = None,
                group: int | None = None) -> None:
        """One bulk_load.lua call; ``group``: the band group whose hashes ``bands`` writes."""
        none = [b""] * 4
        groups = self.index.band_groups
        prefix, route = (self.prefix, self.index.route) if group is None or groups is None else (
            groups.prefixes[group], groups.routes[group])
        args = [prefix, self.gen, (self.gen + 2) * self.ttl + 1, self._size, *records, *(bands or none),
                *(keyed or none), "0" if self._spilled else "1"]
        while len(self._pending) >= 2:  # bound memory: at most two calls waiting
            self._pending.pop(0).result()
        self._pending.append(self._writer.submit(self._script, keys=route, args=args))

    def _write_hashes(self) -> None:
        groups = self.index.band_groups
        for held, shards, band in ((self._bands, self.index.shards, True), (self._keyed, self.index.key_shards, False)):
            if held:
                fields, nums = np.concatenate([f for f, _ in held]), np.concatenate([n for _, n in held])
                if band and groups is not None:  # each group's hashes in calls of their own
                    group = np.frombuffer(fields.tobytes(), dtype=">u4").astype(np.int64) % shards % groups.groups
                    parts = [(g, fields[group == g], nums[group == g]) for g in range(groups.groups)]
                else:
                    parts = [(None, fields, nums)]
                for g, part_fields, part_nums in parts:
                    if len(part_fields) == 0:
                        continue
                    if g is not None:
                        self._tops[g] = max(self._tops.get(g, 0), int(part_nums.max()))
                    for call in HashWrites.of(part_fields, part_nums, shards).calls():
                        self._submit([b""], call if band else None, None if band else call, group=g)
                held.clear()
        self._held = 0

    def _spill(self) -> None:
        self._write_hashes()
        self._spilled = True

    def finish(self) -> int:
        """Wait for the queued writes, then record the build's counter and the first number of
        its time generation (what the replay's first insert records). Returns ``inserted``."""
        try:
            self._write_hashes()
            for future in self._pending:
                future.result()
        finally:
            self._pending.clear()
            self._writer.shutdown(wait=True)
        pipe = self.client.pipeline(transaction=True)
        if self.first is not None:
            pipe.hset(f"{self.prefix}:meta", f"g{self.gen}", self.first)
            pipe.hdel(f"{self.prefix}:meta", f"g{self.gen - 2}")
        pipe.set(f"{self.prefix}:seq", self.seq)
        pipe.execute()
        if self._tops:  # what each band group's appends would have recorded (bands.lua)
            self.index.band_groups.set_tops(self._tops, (self.gen + 2) * self.ttl + 1)  # type: ignore[union-attr]
        return self.inserted


__all__ = ["BulkLoader", "LoadRow"]
