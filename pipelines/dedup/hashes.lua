-- newsdedup: the index's hashes of numbers (band, URL/text/id fields): read, append, compact.
-- Needs the locals `oldest` (the first number not stale), `gen` (the time generation) and `ttl`
-- (the window in seconds), declared by the part before it (check_state.lua, band_state.lua);
-- `me` (this article's number, 4 bytes) is set before the first append.

-- numbers of a field that are not stale, as a packed string
local function fresh(entries)
  if not entries then return '' end
  local out = {}
  for k = 1, #entries, 4 do
    local e = string.sub(entries, k, k + 3)
    if num_of(e) >= oldest then out[#out + 1] = e end
  end
  return table.concat(out)
end

-- the field's value and the hash's expiry generation
local function get(key, field)
  local got = redis.call('HMGET', key, field, '~')
  return got[1], tonumber(got[2])
end

local me = nil  -- this article's number (4 bytes), taken at insert
-- append this article to a field, keeping the newest 6 numbers; on the first write of a
-- generation, compact the hash and move its expiry
local function append(key, field, entries, keygen)
  if keygen ~= gen then
    local all = redis.call('HGETALL', key)
    for k = 1, #all, 2 do
      if all[k] ~= '~' and all[k] ~= field then
        local kept = fresh(all[k + 1])
        if kept == '' then redis.call('HDEL', key, all[k])
        elseif kept ~= all[k + 1] then redis.call('HSET', key, all[k], kept) end
      end
    end
    entries = fresh(entries)
    redis.call('HSET', key, '~', gen)
    redis.call('EXPIREAT', key, (gen + 2) * ttl + 1)
  end
  entries = entries or ''
  if #entries >= 24 then entries = string.sub(entries, 5) end
  redis.call('HSET', key, field, entries .. me)
end

-- fresh numbers of a field, oldest first
local function nums_of(entries)
  local out = {}
  if entries then
    for k = 1, #entries, 4 do
      local x = num_of(string.sub(entries, k, k + 3))
      if x >= oldest then out[#out + 1] = x end
    end
  end
  return out
end
