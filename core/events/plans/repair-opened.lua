-- repair.opened: one subject per roId at its earliest time; booked once any of its events names an
-- appointment. KEYS[3] opened by time (a repair's score is its earliest time), KEYS[4] booked by
-- time, KEYS[5] booked ids. It also marks its appointment as shown: KEYS[6] appointment bookings
-- hash, KEYS[7] cancelled appointments, KEYS[8] appointment ids seen on a repair order, KEYS[9]
-- shown appointments by scheduled time.
-- ARGV[3] roId, ARGV[4] time ms, ARGV[5] appointmentId ('' when the visit was not booked).
-- Everything is read and checked before the first write (see record-event.lua).
local id, atS, appt = ARGV[3], ARGV[4], ARGV[5]
local cur = redis.call('ZSCORE', KEYS[3], id)
local earliest = (not cur) or tonumber(atS) < tonumber(cur)
local booked = appt ~= '' or redis.call('SISMEMBER', KEYS[5], id) == 1
local shownAt
if appt ~= '' then
  local b = redis.call('HGET', KEYS[6], appt)
  if b and redis.call('SISMEMBER', KEYS[7], appt) == 0 then
    shownAt = string.match(b, '([^|]*)$')
    if not tonumber(shownAt) then
      return -1, 'the booking of appointment ' .. appt .. ' cannot be read: ' .. b
    end
  end
  redis.call('SADD', KEYS[5], id)
  redis.call('SADD', KEYS[8], appt)
  if shownAt then
    redis.call('ZADD', KEYS[9], shownAt, appt)
  end
end
if earliest then
  cur = atS
  redis.call('ZADD', KEYS[3], cur, id)
end
if booked then
  redis.call('ZADD', KEYS[4], cur, id)
end
return 1
