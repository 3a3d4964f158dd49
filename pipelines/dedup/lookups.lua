-- newsdedup check_and_insert, part 2 of 4: records and the URL/text/id lookups, the kept article
-- a copy stands for, and similarity from signatures (helpers from records.lua and hashes.lua).

local function record(num)
  local rec = redis.call('GET', P .. ':d:' .. num)
  if not rec or #rec < 33 then return nil end  -- none, or a check's placeholder (check_and_insert.lua)
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
