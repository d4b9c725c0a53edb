-- appointment.booked / appointment.cancelled in any order. The latest booking (a reschedule)
-- gives the scheduled time; a cancellation removes the appointment for good. Whether the customer
-- came is told by repair.opened (see repair-opened.lua), which may arrive first.
-- KEYS[3] bookings hash (id → 'at|eid|scheduledMs'), KEYS[4] cancelled set, KEYS[5] ids seen on a
-- repair order, KEYS[6] live appointments by scheduled time, KEYS[7] the shown ones by scheduled time.
-- ARGV[3] appointmentId, ARGV[4] phase (booked|cancelled), ARGV[5] time ms, ARGV[6] event id,
-- ARGV[7] scheduled time ms.
local id, phase, atS, eid = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
if phase == 'cancelled' then
  redis.call('SADD', KEYS[4], id)
  redis.call('ZREM', KEYS[6], id)
  redis.call('ZREM', KEYS[7], id)
  return 1
end
-- The latest booking stands.
if keptStands(redis.call('HGET', KEYS[3], id), atS, eid, true) then
  return 1
end
redis.call('HSET', KEYS[3], id, atS .. '|' .. eid .. '|' .. ARGV[7])
if redis.call('SISMEMBER', KEYS[4], id) == 1 then
  return 1
end
redis.call('ZADD', KEYS[6], ARGV[7], id)
if redis.call('SISMEMBER', KEYS[5], id) == 1 then
  redis.call('ZADD', KEYS[7], ARGV[7], id)
end
return 1
