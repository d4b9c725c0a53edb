-- Counts one request of an API key in its current window (a fixed window that the first request
-- opens). KEYS[1]: the key's counter for one budget; ARGV[1]: the window in ms.
-- Returns {requests in this window, ms left in it}. Refused requests count too: a client that
-- keeps hammering stays refused until the window ends, and no longer.
local n = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
return {n, left}
