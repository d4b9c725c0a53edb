-- complaint.opened / responded / resolved, in any order.
-- KEYS[3] state hash, KEYS[4] opened by time, KEYS[5] resolved by time, KEYS[6] open by time,
-- KEYS[7] open by overdue moment.
-- ARGV[3] complaintId, ARGV[4] phase (opened|responded|resolved), ARGV[5] time ms, ARGV[6] event id,
-- ARGV[7] severity (opened only), ARGV[8..10] response deadline ms low/medium/high,
-- ARGV[11..13] resolution deadline ms low/medium/high, both from domain/complaints.ts
-- (complaintDeadlineArgs): the complaint is due at its response deadline until it is responded,
-- then at its resolution deadline.
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
redis.call('HSET', KEYS[3], id, cjson.encode(s))
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
