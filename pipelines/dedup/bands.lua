-- newsdedup bands, part 2 of 2: one band group's phase of a check in a grouped index, atomic
-- in the group's slot: read the numbers under each of this article's bands here, then append
-- this article's number to them (compacting as check_and_insert.lua's append does).
-- Returns the fresh numbers found before the append, 4 bytes each, one per band hit.
-- <P>:top holds the highest number appended in the group: a group whose master lost writes
-- (a failover, a restart without them) is behind the numbers the database recorded
-- (crawler/index_sync.py rebuilds the index then).
me = bin_of(tonumber(ARGV[3]))
local found = {}
for i = 1, #ARGV[7], 4 do
  local bk = string.sub(ARGV[7], i, i + 3)
  local key = P .. ':b:' .. shard_of(bk, shards)
  local entries, keygen = get(key, bk)
  local before = fresh(entries)
  for k = 1, #before, 4 do
    local e = string.sub(before, k, k + 3)
    if e ~= me then found[#found + 1] = e end
  end
  append(key, bk, entries, keygen)
end
local num = tonumber(ARGV[3])
if num > tonumber(redis.call('GET', P .. ':top') or '0') then
  redis.call('SET', P .. ':top', num)
  redis.call('EXPIREAT', P .. ':top', (gen + 2) * ttl + 1)
end
return table.concat(found)
