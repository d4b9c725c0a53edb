-- A callback that reached the customer. Same KEYS as callback-subject.lua.
-- ARGV[3] subject id, ARGV[4] callback time ms, ARGV[5] deadline ms; met as in domain/callbacks.ts.
-- ARGV[6] how long after its time an arrival is late (domain/revisions.ts): a reached call changes
-- the rate of its subject's period, so its late-event record is filed under the subject's time
-- and kept only when it arrived that long after it.
-- Both reads come before the first write (see record-event.lua).
local id, tS, d = ARGV[3], ARGV[4], tonumber(ARGV[5])
local t = tonumber(tS)
local prev = redis.call('HGET', KEYS[5], id)
local s = redis.call('ZSCORE', KEYS[3], id)
local met = false
local since = t
if s then
  local at = tonumber(s)
  met = t >= at and t <= at + d
  since = at
  LATE_AT = s
end
if LATE ~= '' then
  local arrived = tonumber(string.match(LATE, '|(%d+)|[^|]*$'))
  if (not met and s) or arrived - since <= tonumber(ARGV[6]) then
    LATE = ''
  end
end
redis.call('HSET', KEYS[5], id, prev and (prev .. ',' .. tS) or tS)
if met then
  redis.call('ZADD', KEYS[4], s, id)
end
return 1
