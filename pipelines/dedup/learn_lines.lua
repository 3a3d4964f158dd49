-- newsdedup: add the lines some pages carried to the common-line counts (commonlines.py), atomically.
--
-- ARGV: 1 prefix, 2 pages (a line on this many distinct pages of a site is common there),
--   3 sites (a line common on this many sites is common everywhere), 4 ttl seconds,
--   5 max lines per site, 6 max lines in the everywhere set, then pairs: site hash (16 hex),
--   packed counts (8-byte line key + 2-byte big-endian count of pages, repeated).
-- Keys: <P>:cl:<site hash>  hash line key -> distinct pages of the site that carried it;
--       <P>:cl:all          hash line key -> sites on which it became common;
--       <P>:cl:glob         set of line keys common on `sites` sites or more.
-- A line's site count crosses `pages` in exactly one call (HINCRBY is atomic), so each site is
-- counted once in <P>:cl:all. Bounds: a site hash above its maximum forgets lines of the lowest
-- counts (never a common one) down to 90 %; the everywhere hash forgets lines common on fewer
-- than `sites` sites, the set random members.
-- Returns one packed string per site pair (line key + the new 2-byte count of each line given),
-- then the members of <P>:cl:glob concatenated.

local P = ARGV[1]
local pages, sites, ttl = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local max_lines, max_glob = tonumber(ARGV[5]), tonumber(ARGV[6])
local ALL, GLOB = P .. ':cl:all', P .. ':cl:glob'
local out = {}

local function forget(key, limit, below)
  local all = redis.call('HGETALL', key)
  local excess = #all / 2 - math.floor(limit * 0.9)
  for c = 1, below - 1 do
    for k = 1, #all, 2 do
      if excess <= 0 then return end
      if tonumber(all[k + 1]) == c then
        redis.call('HDEL', key, all[k])
        excess = excess - 1
      end
    end
  end
end

for a = 7, #ARGV, 2 do
  local key = P .. ':cl:' .. ARGV[a]
  local packed = ARGV[a + 1]
  local counts = {}
  for i = 1, #packed, 10 do
    local line = string.sub(packed, i, i + 7)
    local hi, lo = string.byte(packed, i + 8, i + 9)
    local add = hi * 256 + lo
    local now = redis.call('HINCRBY', key, line, add)
    if now >= pages and now - add < pages then
      if redis.call('HINCRBY', ALL, line, 1) == sites then redis.call('SADD', GLOB, line) end
    end
    now = math.min(now, 65535)
    counts[#counts + 1] = line .. string.char(math.floor(now / 256), now % 256)
  end
  redis.call('EXPIRE', key, ttl)
  if redis.call('HLEN', key) > max_lines then forget(key, max_lines, pages) end
  out[#out + 1] = table.concat(counts)
end
if redis.call('EXISTS', ALL) == 1 then
  redis.call('EXPIRE', ALL, ttl)
  if redis.call('HLEN', ALL) > max_glob then forget(ALL, max_glob, sites) end
end
if redis.call('EXISTS', GLOB) == 1 then
  redis.call('EXPIRE', GLOB, ttl)
  local extra = redis.call('SCARD', GLOB) - max_glob
  if extra > 0 then redis.call('SPOP', GLOB, extra) end
end
out[#out + 1] = table.concat(redis.call('SMEMBERS', GLOB))
return out
