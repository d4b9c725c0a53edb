-- appointment.booked / appointment.cancelled in any order. The latest booking (by time, then event
-- id: a reschedule) gives the scheduled time; the latest cancellation removes the appointment when
-- it comes after that booking, and a booking after the cancellation books it again. Whether the
-- customer came is told by repair.opened (see repair-opened.lua), which may arrive first.
-- KEYS[3] bookings hash (id → 'at|eid|scheduledMs'), KEYS[4] cancelled set (as things stand),
-- KEYS[5] ids seen on a repair order, KEYS[6] live appointments by scheduled time, KEYS[7] the
-- shown ones by scheduled time, KEYS[8] cancellations hash (id → 'at|eid|' of the latest).
-- ARGV[3] appointmentId, ARGV[4] phase (booked|cancelled), ARGV[5] time ms, ARGV[6] event id,
-- ARGV[7] scheduled time ms.
-- Everything is read before the first write (see record-event.lua).
local id, phase, atS, eid = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local booking = redis.call('HGET', KEYS[3], id)
local cancellation = redis.call('HGET', KEYS[8], id)
if phase == 'cancelled' then
  if keptStands(cancellation, atS, eid, true) then
    return 1
  end
  redis.call('HSET', KEYS[8], id, atS .. '|' .. eid .. '|')
  -- Before the latest booking: that booking stands.
  if keptStands(booking, atS, eid, true) then
    return 1
  end
  redis.call('SADD', KEYS[4], id)
  redis.call('ZREM', KEYS[6], id)
  redis.call('ZREM', KEYS[7], id)
  return 1
end
-- The latest booking stands.
if keptStands(booking, atS, eid, true) then
  return 1
end
local seen = redis.call('SISMEMBER', KEYS[5], id) == 1
redis.call('HSET', KEYS[3], id, atS .. '|' .. eid .. '|' .. ARGV[7])
-- A cancellation after this booking still removes it.
if cancellation and keptStands(cancellation, atS, eid, true) then
  redis.call('SADD', KEYS[4], id)
  redis.call('ZREM', KEYS[6], id)
  redis.call('ZREM', KEYS[7], id)
  return 1
end
redis.call('SREM', KEYS[4], id)
redis.call('ZADD', KEYS[6], ARGV[7], id)
if seen then
  redis.call('ZADD', KEYS[7], ARGV[7], id)
end
return 1
