-- Ends a live room's push turn (push-claim.ts), if the caller still holds it.
-- KEYS[1]: the room's turn (see push-claim.lua); ARGV[1]: the caller's token; ARGV[2]: the seq it
-- is about to push, or '' when it pushes nothing; ARGV[3]: the minimum gap between two pushes of
-- the room (ms); ARGV[4]: the HASH's time to live (ms).
-- Returns 1; or 0 when the turn had already passed to another server (held past its bound): the
-- caller must not push.
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then
  return 0
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if ARGV[2] == '' then
  -- Nothing pushed: the next server may go at once, and the last push stays what it was.
  redis.call('HSET', KEYS[1], 'lease', 0)
else
  redis.call('HSET', KEYS[1], 'lease', now + tonumber(ARGV[3]), 'seq', ARGV[2], 'at', now)
end
redis.call('HDEL', KEYS[1], 'owner')
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
