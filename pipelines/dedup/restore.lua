-- newsdedup: mark an indexed article as kept (a reviewer restored a dropped copy), and/or
-- record that two articles must never be merged. Layout and helpers: records.lua (put first).
-- ARGV: 1 prefix, 2 key shards, 3 window seconds, 4 article id to restore ('' = none),
--   5 distinct id a ('' = none), 6 distinct id b
-- Returns {1 when the article was found in the index and restored else 0, a new number of
-- <P>:seq}: the database records that number with the review, so an index restarted from a
-- copy older than the review is seen to be stale (its counter is below the database's).
local P, kshards, ttl = ARGV[1], tonumber(ARGV[2]), math.max(1, math.ceil(tonumber(ARGV[3])))
if ARGV[5] ~= '' then
  redis.call('SADD', P .. ':nd:' .. ARGV[5], ARGV[6])
  redis.call('SADD', P .. ':nd:' .. ARGV[6], ARGV[5])
  redis.call('EXPIRE', P .. ':nd:' .. ARGV[5], ttl)
  redis.call('EXPIRE', P .. ':nd:' .. ARGV[6], ttl)
end

local seq = redis.call('INCR', P .. ':seq')
local id = ARGV[4]
if id == '' then return {0, seq} end
local field = 'i' .. unhex(id)
local entries = redis.call('HGET', P .. ':k:' .. shard_of(field, kshards), field) or ''
for k = #entries - 3, 1, -4 do
  local num = num_of(string.sub(entries, k, k + 3))
  local rec = redis.call('GET', P .. ':d:' .. num)
  if rec then
    local ts, nsh, nwords, site, status, rid, kept, pos = struct.unpack(HDR, rec)
    if rid == unhex(id) then
      redis.call('SET', P .. ':d:' .. num,
                 struct.pack(HDR, ts, nsh, nwords, site, 0, rid, rid) .. string.sub(rec, pos), 'KEEPTTL')
      return {1, seq}
    end
  end
end
return {0, seq}
