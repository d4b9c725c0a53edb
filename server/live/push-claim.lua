-- Asks for the turn to push a live room's snapshot, for every server at once (push-claim.ts).
-- KEYS[1]: the room's turn, a HASH: lease (ms, Redis time: until when a turn is held, or when the
--          next push may go out), owner (the holder's token), seq (the last pushed), at (its time);
-- KEYS[2]: for a store's room only, the store's seq counter (same hash tag).
-- ARGV[1]: the caller's token; ARGV[2]: how long a turn may be held (ms): a server that died
-- holding one loses it then; ARGV[3]: a push is due anyway this long after the last (ms, the
-- heartbeat); ARGV[4]: the HASH's time to live (ms).
-- Returns {0, ms to wait}: another server holds the turn, or the last push was under the minimum gap ago;
--         {1, ms since the last push}: nothing to push (the store's seq is not above the last pushed
--             one and no heartbeat is due);
--         {2, last pushed seq or -1, ms since the last push or -1, 1 if a heartbeat is due}: the
--             turn is the caller's, until it ends it (push-done.lua) or ARGV[2] ms have passed.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local h = redis.call('HMGET', KEYS[1], 'lease', 'seq', 'at')
local lease = tonumber(h[1]) or 0
if lease > now then
  return {0, lease - now}
end
local last = tonumber(h[2]) or -1
local at = tonumber(h[3])
local age = -1
if at then
  age = now - at
end
local due = (at == nil) or (age >= tonumber(ARGV[3]))
if #KEYS > 1 and not due then
  local seq = tonumber(redis.call('GET', KEYS[2]) or '0')
  if seq <= last then
    return {1, age}
  end
end
redis.call('HSET', KEYS[1], 'lease', now + tonumber(ARGV[2]), 'owner', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {2, last, age, due and 1 or 0}
