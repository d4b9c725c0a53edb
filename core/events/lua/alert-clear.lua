-- A rule condition no longer holds: forget it and clear its alert, so that a recurrence raises a
-- new one. With ARGV[3] = 'expire' the condition has only left the rule's window (a callback
-- missed last week, last month's budget): its alert is cleared as expired.
-- KEYS[1] condition state hash, KEYS[2] alert status hash.
-- ARGV[1] condition, ARGV[2] now ISO, ARGV[3] 'clear' | 'expire'.
-- Returns {alert id or '', updated status JSON or ''}.
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur then
  return {'', ''}
end
redis.call('HDEL', KEYS[1], ARGV[1])
local id = string.match(cur, '^[^|]*|([^|]*)|')
if not id or id == '' then
  return {'', ''}
end
local raw = redis.call('HGET', KEYS[2], id)
if not raw then
  return {'', ''}
end
local st = cjson.decode(raw)
if st.state == 'cleared' then
  return {'', ''}
end
st.state = 'cleared'
st.clearedAt = ARGV[2]
local entry = { at = ARGV[2], action = 'cleared' }
if ARGV[3] == 'expire' then
  entry.note = 'expired'
end
table.insert(st.history, entry)
local json = cjson.encode(st)
redis.call('HSET', KEYS[2], id, json)
return {id, json}
