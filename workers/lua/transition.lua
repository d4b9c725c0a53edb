-- Records the new state of an alert condition and returns the previous one, atomically, so that
-- several workers seeing the same crossing raise one alert.
-- KEYS[1] alert state hash; ARGV[1] condition, ARGV[2] new state.
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old ~= ARGV[2] then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
return old or ''
