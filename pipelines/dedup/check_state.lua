-- newsdedup check_and_insert, part 1 of 4: its arguments and the index state it reads
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
-- A grouped index (its bands in shard groups, bands.lua; docs/distributed.md, "Band groups"):
-- ARGV 23 phase: '' = the whole check in this call (one index, bands here);
--   'first' = decide by id, URL and exact text only; when they do not decide, take this
--   article's number and return {'bands', number, oldest fresh number, generation}: the
--   caller then runs bands.lua in every band group and calls again with phase
--   'decide' = decide with ARGV 24 (this article's number) and ARGV 25 (the candidates its
--   band phase found: number u32 + band hits u8 each).
local phase = ARGV[23] or ''
local grouped = phase ~= ''
local given = tonumber(ARGV[24] or '')
