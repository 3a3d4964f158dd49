-- newsdedup check_and_insert, part 2 of 3: which copy of a story is the better one
-- (keep policy "best"): ranks, credits and the rule order of better_than.

-- Jaccard of two stored signatures (b-bit values compared as such, chance agreement removed)
local function agree(x, y)
  local a, b, eq = {string.byte(x, 1, #x)}, {string.byte(y, 1, #y)}, 0
  for i = 1, #a, step do
    if a[i] == b[i] and (step == 1 or a[i + 1] == b[i + 1]) then eq = eq + 1 end
  end
  return math.max(0, (eq * step / #a - chance) / (1 - chance))
end

local my_rank = rank_of(rank)
local function credits(a, b)  -- does a name b's publisher as its source?
  for _, c in ipairs(a.credits) do
    if c ~= 0 and (c == b.names[1] or c == b.names[2]) then return true end
  end
  return false
end
local function earlier(a, b)  -- a stated earlier than b (by day when either states only a day)
  if a.pub == 0 or b.pub == 0 then return false end
  if a.pub % 2 == 1 or b.pub % 2 == 1 then return math.floor(a.pub / 2880) < math.floor(b.pub / 2880) end
  return a.pub < b.pub
end

-- Whose wording the story's other copies carry, a's or b's. At a MinHash position where the
-- signatures of a and b differ, a copy with a's value holds a's smallest shingle there (a vote
-- for a), one with b's value b's (a vote for b). Wording only one text has (a rephrased lead,
-- typos, a paragraph of its own) is in no copy; copies made from the original carry the
-- original's. Only when each text holds a fair part of what differs (BALANCE): when one is
-- mostly the other minus a passage, a copy that lacks that passage too votes for the shorter
-- one without carrying any wording of it. Returns the votes for a and for b.
local BALANCE = 0.5  -- |size difference| / symmetric difference at most this (each holds >= 1/4)
local function carried(a, na_sh, b, nb_sh, j, copies)
  if #copies == 0 or j >= 1 then return 0, 0 end
  local union = (na_sh + nb_sh) / (1 + j)
  if math.abs(na_sh - nb_sh) > BALANCE * (1 - j) * union then return 0, 0 end
  local x, y, va, vb, differ = {string.byte(a, 1, #a)}, {string.byte(b, 1, #b)}, 0, 0, {}
  for i = 1, #x, step do
    if x[i] ~= y[i] or (step == 2 and x[i + 1] ~= y[i + 1]) then differ[#differ + 1] = i end
  end
  for _, c in ipairs(copies) do
    if #c.sig == #a then
      for _, i in ipairs(differ) do
        local v1, v2 = string.byte(c.sig, i, i + step - 1)
        if v1 == x[i] and (step == 1 or v2 == x[i + 1]) then va = va + 1
        elseif v1 == y[i] and (step == 1 or v2 == y[i + 1]) then vb = vb + 1 end
      end
    end
  end
  return va, vb
end
-- Votes that decide: at least CARRIED_VOTES for the winner and CARRIED_RATIO times the other's.
local CARRIED_VOTES, CARRIED_RATIO = 4, 3

-- Why text a (rank ra, na words) is a better copy of the story than text b, or nil; s: point
-- estimates of the pair, c_old = share of b inside a, c_new = share of a inside b. A copy
-- naming the other's publisher as its source is never the better one (whatever its length: a
-- reprint adds a local paragraph); then the fuller text that contains the other (by a margin:
-- a near-equal copy never wins by length); then, among near-equal texts, the earlier stated date,
-- then the cleaner text (fewer blemishes: a count, so no two copies can each beat the other) when
-- it is at most CLEANER_SHORTER shorter (a byline or credit line the other carries, no more),
-- then the text whose wording the story's other copies carry (carried), on the same condition.
local CLEANER_SHORTER = 0.05
-- named_a: other copies of b's story name a's publisher as their source, and none names b's.
-- better_than: this article against the kept record k.
local function prefer(ra, na, rb, nb, s, named_a, carried_a)
  if credits(ra, rb) then return nil end
  if credits(rb, ra) or named_a then return 'credited' end
  if s.c_old >= tc and na >= (1 + fuller) * nb then return 'fuller' end
  if s.c_new >= tc and nb >= (1 + fuller) * na then return nil end
  if math.max(na, nb) > (1 + fuller) * math.min(na, nb) then return nil end
  if earlier(ra, rb) then return 'earlier' end
  if earlier(rb, ra) then return nil end
  -- cleaner, and as much story (a slightly trimmed clean copy is no better than its original)
  if ra.blem ~= 0 and rb.blem ~= 0 and ra.blem < rb.blem and na >= (1 - CLEANER_SHORTER) * nb then
    return 'cleaner'
  end
  if ra.blem ~= 0 and rb.blem ~= 0 and rb.blem < ra.blem and nb >= (1 - CLEANER_SHORTER) * na then
    return nil
  end
  -- the wording the story's other copies carry, and as much story
  if carried_a and na >= (1 - CLEANER_SHORTER) * nb then
    local va, vb = carried_a()
    if va >= CARRIED_VOTES and va >= CARRIED_RATIO * vb then return 'carried' end
  end
  return nil
end
local names_me, names_kept = {}, {}  -- kept id -> a copy of its story credits this article / it
local story_copies = {}  -- kept id -> records of the copies of its story this article matched
local function better_than(k, s)
  if not keep_best or not k or not s then return nil end
  local function carried_here() return carried(sig, nsh, k.sig, k.nsh, agree(sig, k.sig), story_copies[k.id] or {}) end
  return prefer(my_rank, nwords, rank_of(k.rank), k.nwords, s, names_me[k.id] and not names_kept[k.id], carried_here)
end
