-- order.signed / order.cancelled in any order. An order counts once, as its latest signing (by
-- time, then the greater event id) has it, and not at all once any cancellation names it.
-- KEYS[3] records hash (orderId → 'at|eid|fen|campaignId'), KEYS[4] cancelled set,
-- KEYS[5] signed-and-not-cancelled orders by time.
-- ARGV[3] orderId, ARGV[4] phase, ARGV[5] time ms, ARGV[6] event id, ARGV[7] fen, ARGV[8] campaignId.
local id, phase, atS, eid = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
if phase == 'cancelled' then
  redis.call('SADD', KEYS[4], id)
  redis.call('ZREM', KEYS[5], id)
  return 1
end
-- The latest signing stands.
if keptStands(redis.call('HGET', KEYS[3], id), atS, eid, true) then
  return 1
end
redis.call('HSET', KEYS[3], id, atS .. '|' .. eid .. '|' .. ARGV[7] .. '|' .. ARGV[8])
if redis.call('SISMEMBER', KEYS[4], id) == 0 then
  redis.call('ZADD', KEYS[5], atS, id)
end
return 1
