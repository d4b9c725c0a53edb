-- A rule condition no longer holds: forget it and clear its alert, so that a recurrence raises a
-- new one. With ARGV[3] = 'forget' the condition has only left the rule's window (a callback
-- missed last month): it is forgotten and its alert left as it is.
-- KEYS[1] condition state hash, KEYS[2] alert status hash.
-- ARGV[1] condition, ARGV[2] now ISO, ARGV[3] 'clear' | 'forget'.
-- Returns {alert id or '', updated status JSON or ''}.
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur then
  return {'', ''}
end
redis.call('HDEL', KEYS[1], ARGV[1])
local id = string.match(cur, '^[^|]*|([^|]*)|')
if ARGV[3] ~= 'clear' or not id or id == '' then
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
table.insert(st.history, { at = ARGV[2], action = 'cleared' })
local json = cjson.encode(st)
redis.call('HSET', KEYS[2], id, json)
return {id, json}
