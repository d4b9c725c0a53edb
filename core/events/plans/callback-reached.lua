-- A callback that reached the customer. Same KEYS as callback-subject.lua.
-- ARGV[3] subject id, ARGV[4] callback time ms, ARGV[5] deadline ms; met as in domain/callbacks.ts.
-- Both reads come before the first write (see record-event.lua).
local id, tS, d = ARGV[3], ARGV[4], tonumber(ARGV[5])
local t = tonumber(tS)
local prev = redis.call('HGET', KEYS[6], id)
local s = redis.call('HGET', KEYS[3], id)
local met = false
if s then
  local at = tonumber(s)
  met = t >= at and t <= at + d
end
redis.call('HSET', KEYS[6], id, prev and (prev .. ',' .. tS) or tS)
if met then
  redis.call('ZADD', KEYS[5], s, id)
end
return 1
