-- complaint.opened / responded / resolved, in any order.
-- KEYS[3] state hash, KEYS[4] opened by time, KEYS[5] resolved by time, KEYS[6] open by time,
-- KEYS[7] open by overdue moment, KEYS[8] closed by the later of opening and resolution,
-- KEYS[9] / KEYS[10] the starts / ends of the spans in which the complaint is overdue.
-- ARGV[3] complaintId, ARGV[4] phase (opened|responded|resolved), ARGV[5] time ms, ARGV[6] event id,
-- ARGV[7] severity (opened only), ARGV[8..10] response deadline ms low/medium/high,
-- ARGV[11..13] resolution deadline ms low/medium/high, both from domain/complaints.ts
-- (complaintDeadlineArgs): the complaint is due at its response deadline until it is responded,
-- then at its resolution deadline.
-- A period's report counts from these with two range counts each, however long the history:
-- open at its end E = opened before E − closed before E (KEYS[8]); overdue at E = span starts
-- before E − span ends before E, each span (start, end] being (response deadline, the first of
-- response, resolution and resolution deadline] and (resolution deadline, resolution].
-- Each moment is the earliest reported; the opening with the earliest time (then the smallest
-- event id) gives the severity, so the state is the same whatever the arrival order.
-- The new state and its overdue moment are worked out before the first write (see record-event.lua).
local id, phase, atS, eid = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local at = tonumber(atS)
local raw = redis.call('HGET', KEYS[3], id)
local s = raw and cjson.decode(raw) or {}
if type(s) ~= 'table' then
  return -1, 'the state of complaint ' .. id .. ' cannot be read: ' .. raw
end
for _, moment in ipairs({ 'o', 'r', 'x' }) do
  if s[moment] ~= nil and not tonumber(s[moment]) then
    return -1, 'the state of complaint ' .. id .. ' cannot be read: ' .. raw
  end
end
if phase == 'opened' then
  local o = s.o and tonumber(s.o)
  if (not o) or at < o or (at == o and eid < s.oid) then
    s.o = atS
    s.oid = eid
    s.sev = ARGV[7]
  end
elseif phase == 'responded' then
  if (not s.r) or at < tonumber(s.r) then s.r = atS end
else
  if (not s.x) or at < tonumber(s.x) then s.x = atS end
end
local due
if s.o and not s.x then
  local idx = ({ low = 0, medium = 1, high = 2 })[s.sev] or 0
  local o = tonumber(s.o)
  if s.r then
    due = o + tonumber(ARGV[11 + idx])
  else
    due = o + tonumber(ARGV[8 + idx])
  end
end
local spans = {}
if s.o then
  local idx = ({ low = 0, medium = 1, high = 2 })[s.sev] or 0
  local o = tonumber(s.o)
  local respond, resolve = o + tonumber(ARGV[8 + idx]), o + tonumber(ARGV[11 + idx])
  local x = s.x and tonumber(s.x) or math.huge
  local r = s.r and tonumber(s.r) or math.huge
  spans[1] = { respond, math.min(x, r, resolve) }
  spans[2] = { resolve, x }
end
local function score(v)
  return v == math.huge and '+inf' or string.format('%d', v)
end
redis.call('HSET', KEYS[3], id, cjson.encode(s))
if s.o and s.x then
  redis.call('ZADD', KEYS[8], score(math.max(tonumber(s.o), tonumber(s.x))), id)
end
for i = 1, 2 do
  local span, member = spans[i], id .. ':' .. i
  if span and span[1] < span[2] then
    redis.call('ZADD', KEYS[9], score(span[1]), member)
    redis.call('ZADD', KEYS[10], score(span[2]), member)
  else
    redis.call('ZREM', KEYS[9], member)
    redis.call('ZREM', KEYS[10], member)
  end
end
if s.o then redis.call('ZADD', KEYS[4], s.o, id) end
if s.x then redis.call('ZADD', KEYS[5], s.x, id) end
if due then
  redis.call('ZADD', KEYS[6], s.o, id)
  redis.call('ZADD', KEYS[7], string.format('%d', due), id)
else
  redis.call('ZREM', KEYS[6], id)
  redis.call('ZREM', KEYS[7], id)
end
return 1
