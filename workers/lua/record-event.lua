-- Prologue of every apply script: the event log is the idempotency check.
-- KEYS[1] log hash, KEYS[2] seq counter; ARGV[1] event id, ARGV[2] event JSON.
-- An id already in the log changes nothing and the script returns 0.
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return 0
end
redis.call('INCR', KEYS[2])
