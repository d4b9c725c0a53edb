-- A rule condition reached a level: raises its alert once per upward crossing, atomically, so
-- that several workers evaluating the same store at once raise one alert between them.
-- KEYS[1] condition state hash (condition -> 'level|alertId|sinceMs'), KEYS[2] alert data hash,
-- KEYS[3] alert status hash, KEYS[4] alerts by time, KEYS[5] alerts not yet handed to webhooks.
-- ARGV[1] condition, ARGV[2] level, ARGV[3] since ms, ARGV[4] alert id ('' = record silently,
-- '~ms' = held since ms, to be announced once settled),
-- ARGV[5] alert JSON, ARGV[6] raised-at ms, ARGV[7] raised-at ISO, ARGV[8] alerts kept.
-- Returns {code, the replaced alert's updated status JSON or '', its id}: code 1 raised, 2 recorded
-- silently, 3 lowered, 0 unchanged.
local cond, level, since, id = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local cur = redis.call('HGET', KEYS[1], cond)
local curLevel, curId = 0, ''
if cur then
  local l, i = string.match(cur, '^([^|]*)|([^|]*)|')
  curLevel, curId = tonumber(l), i
end
-- '~ms' instead of an alert id: the condition has held since ms but waits to settle before it is
-- announced. Announcing it (or settling it silently) now counts as a rise.
local pending = string.sub(curId, 1, 1) == '~'
if pending and string.sub(id, 1, 1) ~= '~' then
  curLevel, curId = 0, ''
end
if curLevel == level then
  return {0, '', ''}
end
if string.sub(id, 1, 1) == '~' then
  redis.call('HSET', KEYS[1], cond, level .. '|' .. id .. '|' .. since)
  return {2, '', ''}
end

-- The previous alert of this condition is over: cleared when the level falls, superseded when it rises.
local updated = ''
if curId ~= '' then
  local raw = redis.call('HGET', KEYS[3], curId)
  if raw then
    local st = cjson.decode(raw)
    if st.state ~= 'cleared' then
      st.state = 'cleared'
      st.clearedAt = ARGV[7]
      table.insert(st.history, { at = ARGV[7], action = (level > curLevel) and 'superseded' or 'cleared' })
      updated = cjson.encode(st)
      redis.call('HSET', KEYS[3], curId, updated)
    end
  end
end

if level < curLevel then
  redis.call('HSET', KEYS[1], cond, level .. '||' .. since)
  return {3, updated, curId}
end
if id == '' then
  redis.call('HSET', KEYS[1], cond, level .. '||' .. since)
  return {2, updated, curId}
end
redis.call('HSET', KEYS[1], cond, level .. '|' .. id .. '|' .. since)
redis.call('HSET', KEYS[2], id, ARGV[5])
redis.call('HSET', KEYS[3], id, cjson.encode({ state = 'open', history = { { at = ARGV[7], action = 'raised' } } }))
redis.call('ZADD', KEYS[4], ARGV[6], id)
redis.call('SADD', KEYS[5], id)
-- Keep the newest alerts only; the oldest go with their data.
local keep = tonumber(ARGV[8])
local n = redis.call('ZCARD', KEYS[4])
if n > keep then
  local old = redis.call('ZRANGE', KEYS[4], 0, n - keep - 1)
  for _, oid in ipairs(old) do
    redis.call('HDEL', KEYS[2], oid)
    redis.call('HDEL', KEYS[3], oid)
    redis.call('SREM', KEYS[5], oid)
  end
  redis.call('ZREMRANGEBYRANK', KEYS[4], 0, n - keep - 1)
end
return {1, updated, curId}
