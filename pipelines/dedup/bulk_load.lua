-- Bulk insert of articles the database already decided, into a freshly reset index build
-- (see bulkload.py: it writes what replaying each one through check_and_insert.lua writes).
-- ARGV[1] prefix; ARGV[2] time generation (value of the '~' field of each hash);
-- ARGV[3] EXPIREAT of a hash on its first write; ARGV[4] record size in bytes;
-- ARGV[5] records, each: number (u32), expiry time (unix seconds, u32), the record bytes;
-- ARGV[6..9] band hash writes, ARGV[10..13] URL/text/id hash writes, each as four strings:
--   hashes (shard u32 + field count u16 each), their fields (4 or 9 bytes each, hash after
--   hash), the byte length of each field's new value (u8), the values (packed numbers: the
--   field's newest numbers, at most 6, oldest first).
-- ARGV[14] '1' when no hash of this call was written before in this build (no read needed).
-- A hash without its '~' field is new in this build: it gets '~' and its expiry. A value is
-- appended to what the field holds, keeping the newest 6 numbers. Returns the fields written.
local P, gen, expire_at, rsize = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local all_new = ARGV[14] == '1'

local function u32(s, i)
  local a, b, c, d = string.byte(s, i, i + 3)
  return ((a * 256 + b) * 256 + c) * 256 + d
end

local recs = ARGV[5]
for i = 1, #recs, 8 + rsize do
  redis.call('SET', P .. ':d:' .. u32(recs, i), string.sub(recs, i + 8, i + 7 + rsize), 'EXAT', u32(recs, i + 4))
end

local written = 0
local function apply(kind, fsize, heads, fields, lens, vals)
  local fi, li, vi = 1, 1, 1
  local formats = {}
  for h = 1, #heads, 6 do
    local key = P .. kind .. u32(heads, h)
    local n = string.byte(heads, h + 4) * 256 + string.byte(heads, h + 5)
    local fmt = formats[n]
    if not fmt then fmt = string.rep('c' .. fsize, n); formats[n] = fmt end
    local fl = {struct.unpack(fmt, fields, fi)}
    fi = fl[n + 1]
    fl[n + 1] = nil
    local ls = {string.byte(lens, li, li + n - 1)}
    li = li + n
    local old = all_new and {} or redis.call('HMGET', key, '~', unpack(fl))
    local args, a = {}, 0
    if not old[1] then args[1], args[2], a = '~', gen, 2 end
    for k = 1, n do
      local v = string.sub(vals, vi, vi + ls[k] - 1)
      vi = vi + ls[k]
      if old[k + 1] then
        v = old[k + 1] .. v
        if #v > 24 then v = string.sub(v, -24) end
      end
      args[a + 1], args[a + 2], a = fl[k], v, a + 2
    end
    redis.call('HSET', key, unpack(args, 1, a))
    if not old[1] then redis.call('EXPIREAT', key, expire_at) end
    written = written + n
  end
end

apply(':b:', 4, ARGV[6], ARGV[7], ARGV[8], ARGV[9])
apply(':k:', 9, ARGV[10], ARGV[11], ARGV[12], ARGV[13])
return written
