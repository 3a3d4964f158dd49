-- newsdedup: mark an indexed article as kept (a reviewer restored a dropped copy), and/or
-- record that two articles must never be merged. Layout as in check_and_insert.lua.
-- ARGV: 1 prefix, 2 key shards, 3 window seconds, 4 article id to restore ('' = none),
--   5 distinct id a ('' = none), 6 distinct id b
-- Returns {1 when the article was found in the index and restored else 0, a new number of
-- <P>:seq}: the database records that number with the review, so an index restarted from a
-- copy older than the review is seen to be stale (its counter is below the database's).
local P, kshards, ttl = ARGV[1], tonumber(ARGV[2]), math.max(1, math.ceil(tonumber(ARGV[3])))
local HDR = '>IIIIBc8c8'

local function unhex(h)
  local b = {}
  for i = 1, 15, 2 do b[#b + 1] = tonumber(string.sub(h, i, i + 1), 16) end
  return string.char(unpack(b))
end

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
local b1, b2, b3, b4 = string.byte(field, 1, 4)
local shard = (((b1 * 256 + b2) * 256 + b3) * 256 + b4) % kshards
local entries = redis.call('HGET', P .. ':k:' .. shard, field) or ''
for k = #entries - 3, 1, -4 do
  local c1, c2, c3, c4 = string.byte(entries, k, k + 3)
  local num = ((c1 * 256 + c2) * 256 + c3) * 256 + c4
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
