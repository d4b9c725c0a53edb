-- Epilogue of every apply script: the body (`apply`) returned 1 when it applied the event, or -1
-- and a reason when it refused it before writing anything. An applied event enters the log, bumps
-- seq and leaves the rejected events; the prologue's checks leave these commands no way to fail.
local code, reason = apply()
if code ~= 1 then
  return {-1, reason or 'refused'}
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('INCR', KEYS[2])
if LATE ~= '' then
  redis.call('ZADD', KEYS[#KEYS - 1], LATE_AT, LATE)
end
if wasRejected then
  redis.call('HDEL', KEYS[#KEYS], ARGV[1])
end
return 1
