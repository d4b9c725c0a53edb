-- A one-off alert that belongs to no condition (a manager's override): kept and handed to webhooks.
-- KEYS[1] alert data hash, KEYS[2] alert status hash, KEYS[3] alerts by time, KEYS[4] not yet handed to webhooks.
-- ARGV[1] alert id, ARGV[2] alert JSON, ARGV[3] at ms, ARGV[4] at ISO.
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return 0
end
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode({ state = 'open', history = { { at = ARGV[4], action = 'raised' } } }))
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[1])
return 1
