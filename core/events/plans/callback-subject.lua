-- A callback subject arrives: vehicle.delivered (sales, by orderId) or repair.closed (service, by roId).
-- KEYS[3] subjects by time (a subject's score is its time), KEYS[4] met zset, KEYS[5] reached
-- callbacks hash, KEYS[6] subject → event id hash (to find the customer for the work list).
-- ARGV[3] subject id, ARGV[4] subject time ms, ARGV[5] deadline ms, ARGV[6] 'first' or 'last'.
-- Met as in domain/callbacks.ts (callbackMeets): a reached call from the subject time up to its
-- deadline, both included.
-- The subject's time is that of its earliest event ('first', a repair) or its latest ('last', a
-- delivery: where copies disagree the latest stands), whichever arrives first; the same time goes
-- to the greater event id. Met is re-derived from every reached callback already seen, so a
-- callback reported before its delivery still counts.
-- Everything is read before the first write (see record-event.lua).
local id, atS, d, policy = ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6]
local at = tonumber(atS)
local old = redis.call('ZSCORE', KEYS[3], id)
if old then
  local o = tonumber(old)
  local oldEid = redis.call('HGET', KEYS[6], id) or ''
  local kept
  if policy == 'last' then
    kept = o > at or (o == at and oldEid >= ARGV[1])
  else
    kept = o < at or (o == at and oldEid >= ARGV[1])
  end
  if kept then
    return 1
  end
end
local met = false
local times = redis.call('HGET', KEYS[5], id)
if times then
  for t in string.gmatch(times, '[^,]+') do
    local tn = tonumber(t)
    if tn >= at and tn <= at + d then
      met = true
      break
    end
  end
end
redis.call('HSET', KEYS[6], id, ARGV[1])
redis.call('ZADD', KEYS[3], atS, id)
if met then
  redis.call('ZADD', KEYS[4], atS, id)
else
  redis.call('ZREM', KEYS[4], id)
end
return 1
