-- Admits one more live socket of an API key if the key holds fewer than its cap, across every
-- server at once (socket-leases.ts). KEYS[1]: the key's open sockets, a ZSET of
-- `serverId:socketId` scored by when their server last renewed them (ms, Redis time).
-- ARGV[1]: the new member; ARGV[2]: the cap; ARGV[3]: the lease (ms): entries not renewed for
-- that long belong to a server that died, and are dropped here first.
-- Returns 1 (admitted, the member added) or 0 (the key is at its cap).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - lease))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], lease)
return 1
