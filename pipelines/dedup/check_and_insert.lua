-- newsdedup: check one article against the index and insert it, atomically, in one call.
-- Records are struct-packed binary strings; nothing is ever pickled or unpickled.
--
-- ARGV: 1 prefix, 2 params (must equal <prefix>:meta.params), 3 window seconds,
--   4 band shards, 5 doc id (16 hex), 6 site hash (uint32), 7 n_shingles, 8 n_words,
--   9 exact hash (16 hex), 10 signature (num_perm x uint16, big endian),
--   11 rules 'tj:tc:tcp:tcov:tnew:jmin:z:minwords', 12 max candidates, 13 n_urls,
--   14 distinct ids (comma separated, may be empty), then n_urls url keys, then one 4-byte
--   key per LSH band.
-- Returns {verdict, target_id, method, jaccard*1e4, contained*1e4, contains*1e4, relation}
--   verdict: new | update (same-site version; relation updates | updated_by) | duplicate
--            (method url | exact | near | containment) | self (re-crawl of a kept article)
--            | seen (re-crawl of a dropped one)

local P = ARGV[1]
local meta = redis.call('HGET', P .. ':meta', 'params')
if not meta then
  redis.call('HSET', P .. ':meta', 'params', ARGV[2])
elseif meta ~= ARGV[2] then
  return redis.error_reply('NEWSDEDUP_PARAMS index ' .. P .. ' was built with ' .. meta)
end

local now = tonumber(redis.call('TIME')[1])
local window = tonumber(ARGV[3])
local shards = tonumber(ARGV[4])
local id, site = ARGV[5], tonumber(ARGV[6])
local nsh, nwords = tonumber(ARGV[7]), tonumber(ARGV[8])
local exact, sig = ARGV[9], ARGV[10]
local rule = {}
for v in string.gmatch(ARGV[11], '[^:]+') do rule[#rule + 1] = tonumber(v) end
local tj, tc, tcp, tcov, tnew, jmin, z, minwords =
  rule[1], rule[2], rule[3], rule[4], rule[5], rule[6], rule[7], rule[8]
local maxcand, nurls = tonumber(ARGV[12]), tonumber(ARGV[13])
local distinct = {}
for d in string.gmatch(ARGV[14], '[^,]+') do distinct[d] = true end
local urls, bands = {}, {}
for i = 15, 14 + nurls do urls[#urls + 1] = ARGV[i] end
for i = 15 + nurls, #ARGV do bands[#bands + 1] = ARGV[i] end

local HDR = '>IIIIBc16'
local ttl = math.max(1, math.ceil(window))
local gen = math.floor(now / ttl)

local function record(rid)
  local rec = redis.call('GET', P .. ':d:' .. rid)
  if not rec then return nil end
  local ts, rsh, rwords, rsite, status, kept, pos = struct.unpack(HDR, rec)
  if now - ts > window then return nil end
  return {ts = ts, nsh = rsh, nwords = rwords, site = rsite, status = status, kept = kept,
          sig = string.sub(rec, pos)}
end

local function hex(bin)
  return (string.gsub(bin, '.', function(c) return string.format('%02x', string.byte(c)) end))
end

local function unhex(h)
  return (string.gsub(h, '..', function(cc) return string.char(tonumber(cc, 16)) end))
end

local function band_key(g, bk)
  local b1, b2, b3, b4 = string.byte(bk, 1, 4)
  return P .. ':b:' .. g .. ':' .. (((b1 * 256 + b2) * 256 + b3) * 256 + b4) % shards
end

local function insert(status, kept, with_bands)
  redis.call('SET', P .. ':d:' .. id, struct.pack(HDR, now, nsh, nwords, site, status, kept) .. sig,
             'EX', ttl)
  for _, u in ipairs(urls) do redis.call('SET', P .. ':u:' .. u, id, 'EX', ttl) end
  redis.call('SET', P .. ':x:' .. exact, id, 'EX', ttl, 'NX')
  if with_bands then
    local bid, expire_at = unhex(id), (gen + 2) * ttl + 1
    for _, bk in ipairs(bands) do
      local key = band_key(gen, bk)
      local cur = redis.call('HGET', key, bk)
      if cur and #cur >= 128 then cur = string.sub(cur, 9) end  -- keep the newest 16 ids
      redis.call('HSET', key, bk, (cur or '') .. bid)
      redis.call('EXPIREAT', key, expire_at)
    end
  end
end

local function reply(verdict, target, method, c, relation)
  c = c or {}
  return {verdict, target or '', method or '', math.floor((c.j or 0) * 10000 + 0.5),
          math.floor((c.c_new or 0) * 10000 + 0.5), math.floor((c.c_old or 0) * 10000 + 0.5),
          relation or ''}
end

-- 0. this very article indexed before (a re-crawl)
local own = record(id)
if own then
  if own.status == 0 then return reply('self', id, 'self') end
  return reply('seen', own.kept, 'seen')
end

-- 1. URL layer: normalised / final / canonical URL already indexed under another id
for _, u in ipairs(urls) do
  local other = redis.call('GET', P .. ':u:' .. u)
  if other and other ~= id then
    local rec = record(other)
    if rec and not distinct[rec.kept] then
      insert(1, rec.kept, false)
      return reply('duplicate', rec.kept, 'url', {j = 1, c_new = 1, c_old = 1})
    end
  end
end

-- 2. exact layer: same normalised text
local same = redis.call('GET', P .. ':x:' .. exact)
if same then
  local rec = record(same)
  if rec and not distinct[rec.kept] then
    insert(1, rec.kept, false)
    return reply('duplicate', rec.kept, 'exact', {j = 1, c_new = 1, c_old = 1})
  end
end

-- 3. LSH candidates from this and the previous generation, most band hits first
local hits, order = {}, {}
for g = gen - 1, gen do
  for _, bk in ipairs(bands) do
    local ids = redis.call('HGET', band_key(g, bk), bk)
    if ids then
      for k = 1, #ids, 8 do
        local cid = hex(string.sub(ids, k, k + 7))
        if cid ~= id then
          if not hits[cid] then hits[cid] = 0; order[#order + 1] = cid end
          hits[cid] = hits[cid] + 1
        end
      end
    end
  end
end
table.sort(order, function(a, b) if hits[a] ~= hits[b] then return hits[a] > hits[b] end return a < b end)

-- 4. verify: Jaccard from signature agreement; containment from a lower confidence bound
--    of Jaccard and the set sizes (a small text against a large one is a noisy estimate)
local n = #sig / 2
local dups, version, versioned = {}, nil, {}
for k = 1, math.min(#order, maxcand) do
  local rec = record(order[k])
  if rec and not distinct[rec.kept] and #rec.sig == #sig then
    local eq = 0
    for i = 1, #sig, 2 do
      local a1, a2 = string.byte(sig, i, i + 1)
      local b1, b2 = string.byte(rec.sig, i, i + 1)
      if a1 == b1 and a2 == b2 then eq = eq + 1 end
    end
    local j = eq / n
    local jlo = math.max(0, j - z * math.sqrt(j * (1 - j) / n))
    local inter = jlo * (nsh + rec.nsh) / (1 + jlo)
    local c = {id = order[k], kept = rec.kept, ts = rec.ts, j = j,
               c_new = math.min(1, inter / math.max(1, nsh)),       -- this text inside the old
               c_old = math.min(1, inter / math.max(1, rec.nsh))}   -- the old text inside this
    if rec.site == site and c.c_old >= tc and nwords * (1 - c.c_new) >= tnew * rec.nwords then
      c.relation = 'updates'       -- same site, adds enough new text: a newer version
    elseif rec.site == site and c.c_new >= tc and rec.nwords * (1 - c.c_old) >= tnew * nwords then
      c.relation = 'updated_by'    -- same site, the stored one adds enough: an older version
    end
    if c.relation then
      versioned[rec.kept] = true
      if not version or c.j > version.j then version = c end
    else
      local dup = j >= tj
      if not dup and j >= jmin then
        if c.c_new >= tc and nwords >= minwords then
          dup, c.method = true, 'containment'
        elseif c.c_old >= tc and rec.nwords >= minwords then
          dup, c.method, c.relation = true, 'containment', 'kept_is_shorter'
        elseif tcp > 0 and c.c_new >= tcp and c.c_old >= tcov and nwords >= minwords then
          dup, c.method = true, 'containment'
        end
      end
      if dup then
        c.method = c.method or 'near'
        dups[#dups + 1] = c
      end
    end
  end
end

-- The most similar (Jaccard, then earliest) match wins; matching a copy of a story this
-- article is a version of does not make it a duplicate.
local best = nil
for _, c in ipairs(dups) do
  if not versioned[c.kept] and (not best or c.j > best.j or (c.j == best.j and c.ts < best.ts)) then
    best = c
  end
end

if best then
  insert(1, best.kept, true)
  return reply('duplicate', best.kept, best.method, best, best.relation)
end
insert(0, id, true)
if version then return reply('update', version.kept, 'update', version, version.relation) end
return reply('new', id, 'new')
