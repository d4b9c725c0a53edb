-- repair.opened: one subject per roId at its earliest time; booked once any of its events names an
-- appointment. KEYS[3] opened hash, KEYS[4] opened by time, KEYS[5] booked by time, KEYS[6] booked ids.
-- It also marks its appointment as shown: KEYS[7] appointment bookings hash, KEYS[8] cancelled
-- appointments, KEYS[9] appointment ids seen on a repair order, KEYS[10] shown appointments by
-- scheduled time.
-- ARGV[3] roId, ARGV[4] time ms, ARGV[5] appointmentId ('' when the visit was not booked).
-- Everything is read and checked before the first write (see record-event.lua).
local id, atS, appt = ARGV[3], ARGV[4], ARGV[5]
local cur = redis.call('HGET', KEYS[3], id)
local earliest = (not cur) or tonumber(atS) < tonumber(cur)
local booked = appt ~= '' or redis.call('SISMEMBER', KEYS[6], id) == 1
local shownAt
if appt ~= '' then
  local b = redis.call('HGET', KEYS[7], appt)
  if b and redis.call('SISMEMBER', KEYS[8], appt) == 0 then
    shownAt = string.match(b, '([^|]*)$')
    if not tonumber(shownAt) then
      return -1, 'the booking of appointment ' .. appt .. ' cannot be read: ' .. b
    end
  end
  redis.call('SADD', KEYS[6], id)
  redis.call('SADD', KEYS[9], appt)
  if shownAt then
    redis.call('ZADD', KEYS[10], shownAt, appt)
  end
end
if earliest then
  cur = atS
  redis.call('HSET', KEYS[3], id, cur)
  redis.call('ZADD', KEYS[4], cur, id)
end
if booked then
  redis.call('ZADD', KEYS[5], cur, id)
end
return 1
