-- newsdedup check_and_insert, part 1 of 3: its arguments and the index state it reads
-- (ARGV as documented in check_and_insert.lua; record helpers from records.lua).

local P = ARGV[1]
local now = tonumber(redis.call('TIME')[1])
local window, shards, kshards = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local ttl = math.max(1, math.ceil(window))
local gen = math.floor(now / ttl)
-- one read of the parameters and of the first numbers of this and the previous generation
local meta = redis.call('HMGET', P .. ':meta', 'params', 'g' .. (gen - 1), 'g' .. gen, 'gen')
if not meta[1] and ARGV[18] == '-' then
  redis.call('HSET', P .. ':meta', 'params', ARGV[2], 'gen', '-')
  meta[4] = '-'
elseif meta[1] and meta[1] ~= ARGV[2] then
  return redis.error_reply('NEWSDEDUP_PARAMS index ' .. P .. ' was built with ' .. meta[1])
end
-- an index that lost its data (a restart without it) or was rebuilt since: never decide on it
if meta[4] ~= ARGV[18] then
  return redis.error_reply('NEWSDEDUP_GENERATION index ' .. P .. ' is generation ' .. tostring(meta[4])
                           .. ', expected ' .. ARGV[18])
end
local gen_started = meta[3]
local oldest = tonumber(meta[2] or meta[3] or 0)
local id, site = ARGV[6], tonumber(ARGV[7])
local nsh, nwords = tonumber(ARGV[8]), tonumber(ARGV[9])
local exact, sig, bits = ARGV[10], ARGV[11], tonumber(ARGV[12])
local rule = {}
for v in string.gmatch(ARGV[13], '[^:]+') do rule[#rule + 1] = tonumber(v) end
local tj, tc, tcp, tcov, tnew, jmin, z, minwords =
  rule[1], rule[2], rule[3], rule[4], rule[5], rule[6], rule[7], rule[8]
local maxcand = tonumber(ARGV[14])
local distinct = {}  -- ids this article must never be merged with (a reviewer said so)
for d in string.gmatch(ARGV[15], '[^,]+') do distinct[d] = true end
for _, d in ipairs(redis.call('SMEMBERS', P .. ':nd:' .. ARGV[6])) do distinct[d] = true end
local keep_best = string.sub(ARGV[20] or 'first', 1, 5) == 'best:'
local fuller = keep_best and tonumber(string.sub(ARGV[20], 6)) or 0
local rank = ARGV[21] or ''
local own_url = ARGV[22] or ''
rank = full_rank(rank)
local urls, bands = {}, {}
for i = 1, #ARGV[16], 16 do urls[#urls + 1] = string.sub(ARGV[16], i, i + 15) end
for i = 1, #ARGV[17], 4 do bands[#bands + 1] = string.sub(ARGV[17], i, i + 3) end

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

local function record(num)
  local rec = redis.call('GET', P .. ':d:' .. num)
  if not rec then return nil end
  local ts, rsh, rwords, rsite, status, rid, kept, pos = struct.unpack(HDR, rec)
  if now - ts > window then return nil end
  local r = {num = num, ts = ts, nsh = rsh, nwords = rwords, site = rsite, status = status,
             id = hex(rid), kept = hex(kept), sig = string.sub(rec, pos, pos + #sig - 1),
             rank = full_rank(string.sub(rec, pos + #sig, pos + #sig + RANK_SIZE - 1))}
  return r
end

-- id, url and text fields: the newest fresh record under them (looked up once, reused at insert)
local keyed = {}
local function lookup(field)
  local key = P .. ':k:' .. shard_of(field, kshards)
  local entries, keygen = get(key, field)
  keyed[#keyed + 1] = {key, field, entries, keygen}
  local found = nums_of(entries)
  for k = #found, 1, -1 do
    local rec = record(found[k])
    if rec then return rec end
  end
  return nil
end

-- The kept article an id stands for now, following late merges and replacements (a bounded
-- number of hops), and that article's record (nil when it is not in the index any more).
local function kept_record(kept)
  for _ = 1, 8 do
    local key_field = 'i' .. unhex(kept)
    local found = nums_of(redis.call('HGET', P .. ':k:' .. shard_of(key_field, kshards), key_field))
    local rec = nil
    for k = #found, 1, -1 do
      local r = record(found[k])
      if r and r.id == kept then rec = r; break end
    end
    if not rec then return kept, nil end
    if rec.status == 0 or rec.kept == kept then return kept, rec end
    kept = rec.kept
  end
  return kept, nil
end

-- Similarity of this article and a record from their signatures: Jaccard corrected for the
-- chance agreement of b-bit values; nil when the signatures are not comparable.
local step = bits / 8
local n = #sig / step
local chance = 1 / (2 ^ bits)
local mine = {string.byte(sig, 1, #sig)}
local function jaccard(rec)
  if #rec.sig ~= #sig then return nil end
  local eq = 0
  local other = {string.byte(rec.sig, 1, #rec.sig)}
  if step == 1 then
    for i = 1, n do if mine[i] == other[i] then eq = eq + 1 end end
  else
    for i = 1, #sig, 2 do
      if mine[i] == other[i] and mine[i + 1] == other[i + 1] then eq = eq + 1 end
    end
  end
  return math.max(0, (eq / n - chance) / (1 - chance))
end

-- Point estimates reported (and stored) for this article against a record: Jaccard, the share
-- of this text inside the record's (c_new) and of the record's inside this one (c_old).
local function point(rec, j)
  j = j or jaccard(rec)
  if not j then return nil end
  local inter = j * (nsh + rec.nsh) / (1 + j)
  return {j = j, c_new = math.min(1, inter / math.max(1, nsh)), c_old = math.min(1, inter / math.max(1, rec.nsh))}
end
