-- newsdedup: check one article against the index and insert it, atomically, in one call.
-- Never stores or reads pickles: records are struct-packed binary strings.
--
-- ARGV: 1 prefix, 2 params (must equal <prefix>:meta.params), 3 window seconds,
--   4 band shards, 5 doc id (16 hex), 6 site hash (uint32), 7 n_shingles, 8 n_words,
--   9 exact hash (16 hex), 10 signature (num_perm x uint16, big endian),
--   11 jaccard threshold, 12 containment thresholds 'full:partial:coverage', 13 update min new text,
--   14 min shingles, 15 max candidates, 16 n_urls, 17 distinct ids (comma separated, may be empty),
--   then n_urls url hashes, then one 4-byte key per band.
-- Returns {verdict, target_id, method, jaccard*1e4, contained*1e4, contains*1e4, relation}
--   verdict: new | update (a same-site version: relation updates | updated_by) | duplicate | self | seen

local P = ARGV[1]
local meta = redis.call('HGET', P .. ':meta', 'params')
if not meta then
  redis.call('HSET', P .. ':meta', 'params', ARGV[2])
elseif meta ~= ARGV[2] then
  return redis.error_reply('NEWSDEDUP_PARAMS index ' .. P .. ' was built with ' .. meta)
end

local t = redis.call('TIME')
local now = tonumber(t[1])
local window = tonumber(ARGV[3])
local shards = tonumber(ARGV[4])
local id = ARGV[5]
local site = tonumber(ARGV[6])
local nsh = tonumber(ARGV[7])
local nwords = tonumber(ARGV[8])
local exact = ARGV[9]
local sig = ARGV[10]
local tj, tnew = tonumber(ARGV[11]), tonumber(ARGV[13])
-- containment: "full:partial:coverage" -- a copy is contained if at least `full` of it lies
-- inside the other text, or at least `partial` of it while it also covers `coverage` of the other
local tc, tcp, tcov = string.match(ARGV[12], '([^:]+):([^:]+):([^:]+)')
tc, tcp, tcov = tonumber(tc), tonumber(tcp), tonumber(tcov)
local minsh, maxcand = tonumber(ARGV[14]), tonumber(ARGV[15])
local nurls = tonumber(ARGV[16])
local distinct = {}
for d in string.gmatch(ARGV[17], '[^,]+') do distinct[d] = true end
local urls, bands = {}, {}
for i = 18, 17 + nurls do urls[#urls + 1] = ARGV[i] end
for i = 18 + nurls, #ARGV do bands[#bands + 1] = ARGV[i] end

local HDR = '>IIIIBc16'
local ttl = math.max(1, math.ceil(window))

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

local function insert(status, kept, with_bands)
  redis.call('SET', P .. ':d:' .. id, struct.pack(HDR, now, nsh, nwords, site, status, kept) .. sig,
             'EX', ttl)
  for _, u in ipairs(urls) do redis.call('SET', P .. ':u:' .. u, id, 'EX', ttl) end
  redis.call('SET', P .. ':x:' .. exact, id, 'EX', ttl, 'NX')
  if with_bands then
    local gen = math.floor(now / ttl)
    local expire_at = (gen + 2) * ttl + 1
    local bid = unhex(id)
    for _, bk in ipairs(bands) do
      local b1, b2, b3, b4 = string.byte(bk, 1, 4)
      local key = P .. ':b:' .. gen .. ':' .. (((b1 * 256 + b2) * 256 + b3) * 256 + b4) % shards
      local cur = redis.call('HGET', key, bk)
      if cur and #cur >= 128 then cur = string.sub(cur, 9) end  -- keep the newest 16 ids
      redis.call('HSET', key, bk, (cur or '') .. bid)
      redis.call('EXPIREAT', key, expire_at)
    end
  end
end

local function reply(verdict, target, method, j, c1, c2, relation)
  return {verdict, target or '', method or '', math.floor((j or 0) * 10000 + 0.5),
          math.floor((c1 or 0) * 10000 + 0.5), math.floor((c2 or 0) * 10000 + 0.5), relation or ''}
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
      return reply('duplicate', rec.kept, 'url', 1, 1, 1)
    end
  end
end

-- 2. exact layer: same normalised text
local same = redis.call('GET', P .. ':x:' .. exact)
if same then
  local rec = record(same)
  if rec and not distinct[rec.kept] then
    insert(1, rec.kept, false)
    return reply('duplicate', rec.kept, 'exact', 1, 1, 1)
  end
end

-- 3. LSH candidates, most band hits first
local hits, order = {}, {}
if nsh >= minsh then
  local gen = math.floor(now / ttl)
  for g = gen - 1, gen do
    for _, bk in ipairs(bands) do
      local b1, b2, b3, b4 = string.byte(bk, 1, 4)
      local key = P .. ':b:' .. g .. ':' .. (((b1 * 256 + b2) * 256 + b3) * 256 + b4) % shards
      local ids = redis.call('HGET', key, bk)
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
end
table.sort(order, function(a, b) if hits[a] ~= hits[b] then return hits[a] > hits[b] end return a < b end)

-- 4. verify: Jaccard from signature agreement, containment from Jaccard and set sizes
local n = #sig / 2
local best, update = nil, nil
for k = 1, math.min(#order, maxcand) do
  local rec = record(order[k])
  if rec and rec.nsh >= minsh and not distinct[rec.kept] and #rec.sig == #sig then
    local eq = 0
    for i = 1, #sig, 2 do
      local a1, a2 = string.byte(sig, i, i + 1)
      local b1, b2 = string.byte(rec.sig, i, i + 1)
      if a1 == b1 and a2 == b2 then eq = eq + 1 end
    end
    local j = eq / n
    local inter = j * (nsh + rec.nsh) / (1 + j)
    local c_new = math.min(1, inter / nsh)      -- share of the new text inside the old one
    local c_old = math.min(1, inter / rec.nsh)  -- share of the old text inside the new one
    local added = math.max(0, nsh - inter) / rec.nsh    -- new text this one adds to the old one
    local missing = math.max(0, rec.nsh - inter) / nsh  -- text the old one has beyond this one
    local cand = {id = order[k], kept = rec.kept, j = j, c_new = c_new, c_old = c_old}
    -- Same site, one text inside the other, and enough new text: two versions of a story.
    if rec.site == site and c_old >= tc and added >= tnew then
      cand.score, cand.relation = c_old, 'updates'
    elseif rec.site == site and c_new >= tc and missing >= tnew then
      cand.score, cand.relation = c_new, 'updated_by'
    end
    if cand.relation and (not update or cand.score > update.score) then update = cand end
    local inside = c_new >= tc or (c_new >= tcp and c_old >= tcov)     -- a (trimmed) copy of the old
    local around = c_old >= tc or (c_old >= tcp and c_new >= tcov)     -- the old is a copy of this
    if cand.relation then
      -- a version; handled below
    elseif j >= tj or inside or around then
      if j >= tj then cand.method = 'near' else cand.method = 'containment' end
      if j < tj and not inside then cand.relation = 'kept_is_shorter' end
      cand.score = math.max(j, c_new, c_old)
      if not best or cand.score > best.score then best = cand end
    end
  end
end

-- Matching a copy of the other version does not make a version a duplicate.
if best and update and best.kept == update.kept then best = nil end

if best then
  insert(1, best.kept, true)
  return reply('duplicate', best.kept, best.method, best.j, best.c_new, best.c_old, best.relation)
end
insert(0, id, true)
if update then
  return reply('update', update.kept, 'update', update.j, update.c_new, update.c_old, update.relation)
end
return reply('new', id, 'new')
