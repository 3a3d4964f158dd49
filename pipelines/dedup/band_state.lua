-- newsdedup bands, part 1 of 2: the arguments of one band group's phase of a check (records.lua
-- before it, hashes.lua and bands.lua after it).
-- ARGV: 1 the group's key prefix, 2 band shards, 3 this article's number, 4 the oldest fresh
--   number, 5 the time generation, 6 window seconds, 7 this article's band keys that lie in
--   this group (4 bytes each, concatenated).
local P = ARGV[1]
local shards = tonumber(ARGV[2])
local oldest, gen = tonumber(ARGV[4]), tonumber(ARGV[5])
local ttl = math.max(1, math.ceil(tonumber(ARGV[6])))
