-- newsdedup: the index record layout and byte helpers, shared by the index scripts
-- (pipelines/dedup/scripts.py puts this file first in check_and_insert and restore).
--
-- Layout of the index keys:
--   <P>:seq         counter: each indexed article gets a number n (4 bytes in the hashes).
--   <P>:d:<n>       record: header (time, sizes, site, status, own id, kept id) + signature +
--                   rank (24 bytes, ARGV 21; 20 or none in records of earlier releases); expires
--                   after the window.
--   <P>:b:<shard>   hash: band key -> numbers; <P>:k:<shard> hash: 'i' + id, 'u' + url hash or
--                   'x' + text hash -> numbers. Hashes hold ~64 fields of a few bytes, so Redis
--                   keeps them in its compact encoding.
--   <P>:meta        params, 'gen' (generation id: which build of the index this is, also
--                   recorded in the database), 'db' (the database it serves), and
--                   'g<gen>' = first number of each generation (one per window):
--                   a number below the first of the previous generation is stale. The field
--                   '~' of a hash holds the generation in which it last got its expiry: the
--                   first write of a new generation drops its stale numbers and moves its
--                   expiry two windows ahead. No sweeper process is needed.

local HDR = '>IIIIBc8c8'

local function hex(bin)  -- 8 bytes -> 16 hex digits, one format call
  return string.format('%02x%02x%02x%02x%02x%02x%02x%02x', string.byte(bin, 1, 8))
end

local function unhex(h)  -- 16 hex digits -> 8 bytes
  local b = {}
  for i = 1, 15, 2 do b[#b + 1] = tonumber(string.sub(h, i, i + 1), 16) end
  return string.char(unpack(b))
end

local function shard_of(bin, n)
  local b1, b2, b3, b4 = string.byte(bin, 1, 4)
  return (((b1 * 256 + b2) * 256 + b3) * 256 + b4) % n
end

local function num_of(bin)
  local b1, b2, b3, b4 = string.byte(bin, 1, 4)
  return ((b1 * 256 + b2) * 256 + b3) * 256 + b4
end

local function bin_of(x)
  return string.char(math.floor(x / 16777216) % 256, math.floor(x / 65536) % 256,
                     math.floor(x / 256) % 256, x % 256)
end

local RANK_SIZE = 24
local function full_rank(r)  -- a rank as records hold it: 24 bytes (20: an earlier release's)
  if #r == 20 then return r .. string.rep('\0', 4) end
  if #r ~= RANK_SIZE then return string.rep('\0', RANK_SIZE) end
  return r
end

-- Ranks: (stated publication time, names the site is known by, names of sources it credits,
-- blemishes + 1: leftover page chrome and broken characters, 0 unknown)
local function rank_of(bytes)
  local pub, n1, n2, c1, c2, blem = struct.unpack('>IIIIII', bytes)
  return {pub = pub, names = {n1, n2}, credits = {c1, c2}, blem = blem}
end
