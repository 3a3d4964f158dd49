-- newsdedup: check one article against the index and insert it, atomically, in one call.
-- Records are struct-packed binary strings; nothing is ever pickled or unpickled.
--
-- ARGV: 1 prefix, 2 params (must equal <P>:meta.params), 3 window seconds, 4 band shards,
--   5 key shards, 6 doc id (16 hex), 7 site hash (uint32), 8 n_shingles, 9 n_words,
--   10 exact hash (16 hex), 11 signature (num_perm values of `bits` bits), 12 bits (8|16),
--   13 rules 'tj:tc:tcp:tcov:tnew:jmin:z:minwords', 14 max candidates,
--   15 distinct ids (comma separated, may be empty), 16 url hashes (16 hex each, concatenated),
--   17 LSH band keys (4 bytes each, concatenated), 18 generation id of the index (must equal
--   <P>:meta.gen; '-' = a standalone index with no database behind it, created on first use),
--   19 replay ('' = decide; 'status:kept:bands:ts' = insert this already decided article as
--   the database recorded it, at its original time: the rebuild of the index from storage),
--   20 keep policy ('first' | 'best:<fuller margin>'), 21 rank (24 bytes: stated publication
--   time u32 (minutes * 2 + 1 when only the day is stated; 0 unknown), two name keys the site is
--   known by, two name keys of the sources the page credits (u32 each, 0 none), blemishes + 1
--   (u32, 0 unknown); 20 bytes from clients of earlier releases: blemishes unknown),
--   22 own URL key (16 hex: the page is at its canonical address; '' otherwise),
--   23-25 the phase of a check of a grouped index (its bands in shard groups; check_state.lua;
--   'replay': a replayed article whose bands the caller appends in its groups).
--   Few, packed arguments: each one costs the client and the server a little, and there are
--   about 50 bands.
-- Layout of the keys: records.lua. The script is records.lua, check_state.lua (arguments and
-- index state), hashes.lua (hashes of numbers), lookups.lua (records and lookups), best_copy.lua
-- (better_than) and this file, concatenated (scripts.py).
-- Returns {verdict, target_id, method, jaccard*1e4, contained*1e4, contains*1e4, relation,
--          merged ids, number of this article's record (new, or found for self/seen; 0 if none),
--          deciding score*1e4, its threshold*1e4, the record it was measured against (id),
--          why this article replaced the kept one ('' | fuller | credited | earlier | cleaner
--          | carried | canonical)}
--   verdict: new | update (same-site version; relation updates | updated_by) | duplicate
--            (method url | exact | near | containment) | self (re-crawl of a kept article)
--            | seen (re-crawl of a dropped one) | replace (this article is the better copy of
--            kept target: it is kept, the target becomes its duplicate)
--   Scores are point estimates of this article against the target (the kept article), whatever
--   record the decision was measured against; the deciding score is the one that decided.

local banded = {}
local stamp = now  -- the record's time: now, or the original time of a replayed article
local inserted = 0
local written = false  -- this article's record was written (a grouped check's placeholder replaced)
local PENDING_TTL = 600  -- seconds a grouped check may take from its number to its decision

-- a grouped check without bands (a thin page) has nothing to look up in the band groups
if phase == 'first' and #bands == 0 then phase, grouped = '', false end

-- the next number of the index (the first of its time generation is recorded in meta)
local function take_number()
  local num = redis.call('INCR', P .. ':seq')
  if not gen_started then
    redis.call('HSET', P .. ':meta', 'g' .. gen, num)
    redis.call('HDEL', P .. ':meta', 'g' .. (gen - 2))
    gen_started = num
  end
  return num
end

local function insert(status, kept, with_bands)
  local num = given or take_number()
  me = bin_of(num)
  inserted = num
  written = true
  redis.call('SET', P .. ':d:' .. num,
             struct.pack(HDR, stamp, nsh, nwords, site, status, unhex(id), unhex(kept)) .. sig .. rank,
             'EX', math.max(1, ttl - (now - stamp)))
  for _, k in ipairs(keyed) do append(k[1], k[2], k[3], k[4]) end
  if with_bands and not grouped then  -- a grouped check appended its bands in its band phase
    for _, b in ipairs(banded) do append(b[1], b[2], b[3], b[4]) end
  end
end

-- Phase 'first' of a grouped check, not decided by id, URL or exact text: take this article's
-- number and hold it with a placeholder record until phase 'decide' writes the record. A check
-- that finds a placeholder among its candidates leaves its owner a note (phase 'decide').
local function to_bands()
  local num = take_number()
  redis.call('SET', P .. ':d:' .. num, 'p', 'EX', PENDING_TTL)
  return {'bands', num, oldest, gen}
end

local merged = {}  -- kept articles found to be copies of the survivor (late merge)

local function reply(verdict, target, method, c, relation, decided, why)
  c, decided = c or {}, decided or {}
  if given and not written then redis.call('DEL', P .. ':d:' .. given) end  -- its placeholder
  return {verdict, target or '', method or '', math.floor((c.j or 0) * 10000 + 0.5),
          math.floor((c.c_new or 0) * 10000 + 0.5), math.floor((c.c_old or 0) * 10000 + 0.5),
          relation or '', table.concat(merged, ','), inserted,
          math.floor((decided[1] or 0) * 10000 + 0.5), math.floor((decided[2] or 0) * 10000 + 0.5),
          decided[3] or '', why or ''}
end

-- band fields of this article (read once; written when it is inserted with its bands)
local function collect_bands()
  if #banded > 0 or grouped then return end
  for _, bk in ipairs(bands) do
    local key = P .. ':b:' .. shard_of(bk, shards)
    local entries, keygen = get(key, bk)
    banded[#banded + 1] = {key, bk, entries, keygen}
  end
end

-- Phase 'decide': the placeholder taken in phase 'first' must still be there, else notes left
-- for this number may have been missed: the caller starts the check again with a new number.
if phase == 'decide' and redis.call('GET', P .. ':d:' .. given) ~= 'p' then return {'retry'} end

-- Replay: the database decided this article already (rebuild of a lost or stale index).
-- Its id, URL and text fields and (for kept articles and near copies) its bands are indexed
-- exactly as the original check indexed them, with its original time.
if ARGV[19] ~= '' then
  local r = {}
  for v in string.gmatch(ARGV[19], '[^:]+') do r[#r + 1] = v end
  stamp = math.min(now, tonumber(r[4]))
  if now - stamp > window then return reply('expired', r[2], '') end
  local own = lookup('i' .. unhex(id))
  if own and own.id == id then return reply('self', id, 'self') end
  for _, u in ipairs(urls) do lookup('u' .. unhex(u)) end
  lookup('x' .. unhex(exact))
  if r[3] == '1' then collect_bands() end
  insert(tonumber(r[1]), r[2], r[3] == '1')
  return reply('replayed', r[2], '')
end


-- This article replaces kept record k: k's record now points here (a copy of this article,
-- like a late merge), and this article is inserted as kept, with its bands.
local function replace(k, method, s, why, decided)
  redis.call('SET', P .. ':d:' .. k.num,
             struct.pack(HDR, k.ts, k.nsh, k.nwords, k.site, 1, unhex(k.id), unhex(id)) .. k.sig .. k.rank,
             'KEEPTTL')
  collect_bands()
  insert(0, id, true)
  -- what this article replaced, for its re-check after a crash before storage committed it
  redis.call('SET', P .. ':rp:' .. id, k.id .. ':' .. why, 'EX', ttl)
  return reply('replace', k.id, method, s, '', decided, why)
end

-- 0. this very article indexed before (a re-crawl)
local own = lookup('i' .. unhex(id))
if own and own.id ~= id then own = nil end
if own then
  inserted = own.num  -- the number it was indexed under (its storage may have failed before)
  if own.status == 0 then  -- kept; when it replaced an article, say which (storage may not have it yet)
    local rp = redis.call('GET', P .. ':rp:' .. id)
    return reply('self', id, 'self', nil, '', nil, rp or '')
  end
  -- a copy now; if it replaced an article before, that one is a copy of the same story too
  return reply('seen', (kept_record(own.kept)), 'seen', nil, '', nil, redis.call('GET', P .. ':rp:' .. id) or '')
end

-- 1. URL layer: normalised / final / canonical URL indexed under another id. A page at its
-- canonical address replaces a variant of it (an AMP page) that the same site had stored.
local url_match, url_rec, via_own = nil, nil, false
for _, u in ipairs(urls) do
  local rec = lookup('u' .. unhex(u))
  if rec and rec.id ~= id and not url_match and not distinct[rec.kept] then
    url_match, url_rec, via_own = rec.kept, rec, u == own_url
  end
end
-- 2. exact layer: same normalised text
local same = lookup('x' .. unhex(exact))
if url_match then
  local kid, k = kept_record(url_match)
  local s = (k and point(k)) or {j = 1, c_new = 1, c_old = 1}
  local decided = {1, 1, url_rec.id}
  if keep_best and via_own and k and k.site == site and not distinct[kid] then
    if phase == 'first' then return to_bands() end  -- kept: it needs its bands
    return replace(k, 'url', s, 'canonical', decided)
  end
  insert(1, kid, false)
  return reply('duplicate', kid, 'url', s, '', decided)
end
if same and not distinct[same.kept] then
  local kid, k = kept_record(same.kept)
  local s = (k and point(k)) or {j = 1, c_new = 1, c_old = 1}
  local decided = {1, 1, same.id}
  local why = not distinct[kid] and better_than(k, s)
  if why then
    if phase == 'first' then return to_bands() end  -- kept: it needs its bands
    return replace(k, 'exact', s, why, decided)
  end
  insert(1, kid, false)
  return reply('duplicate', kid, 'exact', s, '', decided)
end

if phase == 'first' then return to_bands() end

-- 3. LSH candidates, most band hits first
local hits, order = {}, {}
local function hit(cn, count)
  if not hits[cn] then hits[cn] = 0; order[#order + 1] = cn end
  hits[cn] = hits[cn] + count
end
if grouped then
  -- what the band phase found, and the checks that found this article there before it had its
  -- record (their notes); of each shared band one of the two found the other, so the hits add up
  local c = ARGV[25]
  for i = 1, #c, 5 do hit(num_of(string.sub(c, i, i + 3)), string.byte(c, i + 4)) end
  local late = redis.call('HGETALL', P .. ':late:' .. given)
  for k = 1, #late, 2 do hit(tonumber(late[k]), tonumber(late[k + 1])) end
  if #late > 0 then redis.call('DEL', P .. ':late:' .. given) end
  -- a candidate still being checked decides after this article: note this article for it
  local ready = {}
  for _, cn in ipairs(order) do
    local raw = redis.call('GET', P .. ':d:' .. cn)
    if raw == 'p' then
      redis.call('HINCRBY', P .. ':late:' .. cn, given, hits[cn])
      redis.call('EXPIRE', P .. ':late:' .. cn, PENDING_TTL)
    elseif raw then
      ready[#ready + 1] = cn
    end
  end
  order = ready
else
  collect_bands()
  for _, b in ipairs(banded) do
    for _, cn in ipairs(nums_of(b[3])) do hit(cn, 1) end
  end
end
table.sort(order, function(a, b) if hits[a] ~= hits[b] then return hits[a] > hits[b] end return a < b end)

-- 4. verify: Jaccard from signature agreement; containment from a lower confidence bound of
--    Jaccard and the set sizes. Each match keeps the score that decided it and its threshold.
--    A copy's record names the kept article of its time; a replacement or a late merge since
--    may have moved the story to another one: matches are taken for the kept article now.
local current = {}
local function kept_now(kid)
  if not current[kid] then current[kid] = {kept_record(kid)} end
  return current[kid][1], current[kid][2]
end
local dups, version, versioned = {}, nil, {}
for k = 1, math.min(#order, maxcand) do
  local rec = record(order[k])
  local kept, krec = nil, nil
  if rec and rec.status == 0 then kept, krec = rec.kept, rec elseif rec then kept, krec = kept_now(rec.kept) end
  if rec and rec.id ~= id and not distinct[kept] and not distinct[rec.id] and #rec.sig == #sig then
    local j = jaccard(rec)
    local jlo = math.max(0, j - z * math.sqrt(j * (1 - j) / n))
    local inter = jlo * (nsh + rec.nsh) / (1 + jlo)
    local c = {kept = kept, krec = krec, ts = rec.ts, j = j, rec = rec,
               c_new = math.min(1, inter / math.max(1, nsh)),       -- this text inside the old
               c_old = math.min(1, inter / math.max(1, rec.nsh))}   -- the old text inside this
    if rec.site == site and c.c_old >= tc and nwords * (1 - c.c_new) >= tnew * rec.nwords then
      c.relation = 'updates'       -- same site, adds enough new text: a newer version
    elseif rec.site == site and c.c_new >= tc and rec.nwords * (1 - c.c_old) >= tnew * nwords then
      c.relation = 'updated_by'    -- same site, the stored one adds enough: an older version
    end
    if c.relation then
      versioned[kept] = true
      if not version or c.j > version.j then version = c end
    else
      local dup = j >= tj
      if dup then c.decided = {j, tj} end
      if not dup and j >= jmin then
        if c.c_new >= tc and nwords >= minwords then
          dup, c.method, c.decided = true, 'containment', {c.c_new, tc}
        elseif c.c_old >= tc and rec.nwords >= minwords then
          dup, c.method, c.relation, c.decided = true, 'containment', 'kept_is_shorter', {c.c_old, tc}
        elseif tcp > 0 and math.min(nwords, rec.nwords) >= minwords then
          -- both ways substantial (a half-length reprint plus its own paragraph): the point
          -- estimate is used, the two-sided condition already guards against noise
          local pinter = j * (nsh + rec.nsh) / (1 + j)
          local pnew, pold = pinter / math.max(1, nsh), pinter / math.max(1, rec.nsh)
          if pnew >= tcp and pold >= tcov then
            dup, c.method, c.decided = true, 'containment', {pnew, tcp}
          elseif pold >= tcp and pnew >= tcov and rec.nwords >= minwords then
            dup, c.method, c.relation, c.decided = true, 'containment', 'kept_is_shorter', {pold, tcp}
          end
        end
      end
      if dup then
        c.method = c.method or 'near'
        dups[#dups + 1] = c
        if krec and rec.id ~= krec.id then  -- a copy of that story: whom does it name as its source?
          local copies = story_copies[krec.id] or {}
          copies[#copies + 1] = rec
          story_copies[krec.id] = copies
          local rr = rank_of(rec.rank)
          if credits(rr, my_rank) then names_me[krec.id] = true end
          if credits(rr, rank_of(krec.rank)) then names_kept[krec.id] = true end
        end
      end
    end
  end
end

-- The most similar (Jaccard, then earliest) match wins; matching a copy of a story this
-- article is a version of does not make it a duplicate, nor does matching a kept text that
-- shares text with that version (a piece of the story stored apart, or its updated copy).
if version then
  for _, c in ipairs(dups) do
    if not versioned[c.kept] and agree(c.rec.sig, version.rec.sig) >= jmin then versioned[c.kept] = true end
  end
end
local best = nil
for _, c in ipairs(dups) do
  if not versioned[c.kept] and (not best or c.j > best.j or (c.j == best.j and c.ts < best.ts)
                                or (c.j == best.j and c.ts == best.ts and c.kept < best.kept)) then
    best = c
  end
end

-- Late merge: this article duplicates stored stories that overlap each other (two trimmed
-- reprints seen before their original; a piece of a story kept apart). Each but one (the
-- survivor) becomes a copy of it: with keep = best the better copy (prefer; else the fuller by
-- the margin), else the earlier stored. The two kept texts must share text (Jaccard of their
-- own signatures >= jmin), so a roundup holding two unrelated stories merges nothing. Versions
-- stay apart: a kept text with a text of an earlier stored story (its kept one or a copy this
-- article matched) on its site, one adding tnew new text to the other, is a version kept beside
-- that story (an update) and takes no part in the merge.
local function pair(a, b, j)  -- point estimates of a against b: b inside a is c_old
  local inter = j * (a.nsh + b.nsh) / (1 + j)
  return {j = j, c_new = math.min(1, inter / math.max(1, a.nsh)), c_old = math.min(1, inter / math.max(1, b.nsh))}
end
local function version_of(x, k)  -- kept text x and kept record k's story: one site's versions?
  local texts = {k}
  for _, c in ipairs(dups) do
    if c.kept == k.id and c.rec.id ~= k.id then texts[#texts + 1] = c.rec end
  end
  for _, t in ipairs(texts) do
    if t.site == x.site and t.id ~= x.id then
      -- as an arriving article's version relation is decided (step 4): Jaccard's lower bound
      local j = agree(x.sig, t.sig)
      local s = pair(x, t, math.max(0, j - z * math.sqrt(j * (1 - j) / n)))
      if (s.c_old >= tc and x.nwords * (1 - s.c_new) >= tnew * t.nwords)
         or (s.c_new >= tc and t.nwords * (1 - s.c_old) >= tnew * x.nwords) then
        return true
      end
    end
  end
  return false
end
local function survives(x, y)  -- with keep = best: is kept text x the better copy than y?
  local s = pair(x, y, agree(x.sig, y.sig))
  return prefer(rank_of(x.rank), x.nwords, rank_of(y.rank), y.nwords, s)
         or (not prefer(rank_of(y.rank), y.nwords, rank_of(x.rank), x.nwords, {c_old = s.c_new, c_new = s.c_old})
             and x.nwords >= (1 + fuller) * y.nwords)
end
if best and step == 1 then
  local stories, listed = {}, {}
  for _, c in ipairs(dups) do
    local k = c.krec
    if k and k.status == 0 and not listed[c.kept] and not versioned[c.kept] then
      listed[c.kept] = true
      stories[#stories + 1] = {c = c, rec = k}
    end
  end
  table.sort(stories, function(a, b) return a.rec.num < b.rec.num end)
  local apart = {}  -- a kept version of an earlier story here is no part of the merge
  for i = 2, #stories do
    for h = 1, i - 1 do
      if not apart[h] and (version_of(stories[i].rec, stories[h].rec) or version_of(stories[h].rec, stories[i].rec)) then
        apart[i] = true
        break
      end
    end
  end
  for i = #stories, 2, -1 do
    if apart[i] then table.remove(stories, i) end
  end
  if #stories > 1 then
    local survivor = stories[1]
    for i = 2, #stories do
      if keep_best and survives(stories[i].rec, survivor.rec) then survivor = stories[i] end
    end
    for _, st in ipairs(stories) do
      local r, kept = st.rec, survivor.rec
      local shared = st ~= survivor and agree(r.sig, kept.sig)
      if shared and shared >= jmin and redis.call('SISMEMBER', P .. ':nd:' .. r.id, kept.id) == 0 then
        redis.call('SET', P .. ':d:' .. r.num,
                   struct.pack(HDR, r.ts, r.nsh, r.nwords, r.site, 1, unhex(r.id), unhex(kept.id)) .. r.sig .. r.rank,
                   'KEEPTTL')
        merged[#merged + 1] = r.id
      end
    end
    if #merged > 0 then best = survivor.c end
  end
end

if best then
  local kid, k = kept_record(best.kept)
  local s = (k and (k.id == best.rec.id and point(k, best.j) or point(k))) or point(best.rec, best.j)
  local decided = {best.decided[1], best.decided[2], best.rec.id}
  local relation = (k and k.id == best.rec.id) and best.relation or ''
  local why = not distinct[kid] and better_than(k, s)
  if why then return replace(k, best.method, s, why, decided) end
  insert(1, kid, true)
  return reply('duplicate', kid, best.method, s, relation, decided)
end
insert(0, id, true)
if version then return reply('update', version.kept, 'update', point(version.rec, version.j), version.relation) end
return reply('new', id, 'new')
