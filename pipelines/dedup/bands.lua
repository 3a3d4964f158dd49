-- newsdedup bands, part 2 of 2: one band group's phase of a check in a grouped index, atomic
-- in the group's slot: read the numbers under each of this article's bands here, then append
-- this article's number to them (compacting as check_and_insert.lua's append does).
-- Returns the fresh numbers found before the append, 4 bytes each, one per band hit.
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
return table.concat(found)
