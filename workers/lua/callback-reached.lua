-- A callback that reached the customer. Same KEYS as callback-subject.lua.
-- ARGV[3] subject id, ARGV[4] callback time ms, ARGV[5] deadline ms.
local id, tS, d = ARGV[3], ARGV[4], tonumber(ARGV[5])
local t = tonumber(tS)
local prev = redis.call('HGET', KEYS[6], id)
redis.call('HSET', KEYS[6], id, prev and (prev .. ',' .. tS) or tS)
local s = redis.call('HGET', KEYS[3], id)
if s then
  local at = tonumber(s)
  if t >= at and t <= at + d then
    redis.call('ZADD', KEYS[5], s, id)
  end
end
return 1
