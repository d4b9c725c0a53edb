-- A person takes an alert. Acknowledging twice changes nothing; a cleared alert cannot be taken.
-- KEYS[1] alert status hash. ARGV[1] alert id, ARGV[2] by, ARGV[3] note ('' = none), ARGV[4] now ISO.
-- Returns {code, status JSON}: 1 acknowledged, 0 already acknowledged, -1 unknown, -2 cleared.
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then
  return {-1, ''}
end
local st = cjson.decode(raw)
if st.state == 'cleared' then
  return {-2, raw}
end
if st.state == 'acked' then
  return {0, raw}
end
st.state = 'acked'
local entry = { at = ARGV[4], action = 'acked', by = ARGV[2] }
st.ack = { by = ARGV[2], at = ARGV[4] }
if ARGV[3] ~= '' then
  entry.note = ARGV[3]
  st.ack.note = ARGV[3]
end
table.insert(st.history, entry)
local json = cjson.encode(st)
redis.call('HSET', KEYS[1], ARGV[1], json)
return {1, json}
