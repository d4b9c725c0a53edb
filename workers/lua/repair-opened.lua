-- repair.opened: one subject per roId at its earliest time; booked once any of its events names an
-- appointment. KEYS[3] opened hash, KEYS[4] opened by time, KEYS[5] booked by time, KEYS[6] booked ids.
-- ARGV[3] roId, ARGV[4] time ms, ARGV[5] '1' when the event carries an appointmentId.
local id, atS = ARGV[3], ARGV[4]
local booked
if ARGV[5] == '1' then
  redis.call('SADD', KEYS[6], id)
  booked = true
else
  booked = redis.call('SISMEMBER', KEYS[6], id) == 1
end
local cur = redis.call('HGET', KEYS[3], id)
if (not cur) or tonumber(atS) < tonumber(cur) then
  cur = atS
  redis.call('HSET', KEYS[3], id, cur)
  redis.call('ZADD', KEYS[4], cur, id)
end
if booked then
  redis.call('ZADD', KEYS[5], cur, id)
end
return 1
