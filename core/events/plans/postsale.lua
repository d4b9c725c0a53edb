-- postsale.task (一条龙服务): one task per taskId. Done from its first `done` event on; its kind and
-- due time come from its latest event (by time, then event id) that carries them.
-- KEYS[3] state hash (taskId → JSON), KEYS[4] done tasks by first done time,
-- KEYS[5..9] open tasks of each kind (inspection, plate, insurance, loan, pickup_notice) by due time.
-- ARGV[3] taskId, ARGV[4] time ms, ARGV[5] event id, ARGV[6] kind index (0-4), ARGV[7] status,
-- ARGV[8] due time ms or ''.
-- The state, kept small: a done task keeps only {done} (its kind and due time no longer count for
-- anything, and it never reopens); an open one {k, ka, ke} (kind, from the event at ka with id ke)
-- and {d, da, de} (due time, likewise), da and de left out when they equal ka and ke. States
-- written before kept every field; both read the same.
-- The new state is worked out and checked before the first write (see record-event.lua).
local id, atS, eid, kind, status, due = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local a = tonumber(atS)
local raw = redis.call('HGET', KEYS[3], id)
local s = raw and cjson.decode(raw) or {}
if type(s) ~= 'table' then
  return -1, 'the state of task ' .. id .. ' cannot be read: ' .. raw
end
if s.d and not s.da then
  s.da, s.de = s.ka, s.ke
end
local function later(t, e)
  return (not t) or a > tonumber(t) or (a == tonumber(t) and eid > e)
end
if status == 'done' and ((not s.done) or a < tonumber(s.done)) then
  s.done = atS
end
if s.done then
  if not tonumber(s.done) then
    return -1, 'the state of task ' .. id .. ' cannot be read: ' .. raw
  end
  redis.call('HSET', KEYS[3], id, cjson.encode({ done = s.done }))
  for i = 5, 9 do
    redis.call('ZREM', KEYS[i], id)
  end
  redis.call('ZADD', KEYS[4], s.done, id)
  return 1
end
if later(s.ka, s.ke) then
  s.k = kind
  s.ka = atS
  s.ke = eid
end
if due ~= '' and later(s.da, s.de) then
  s.d = due
  s.da = atS
  s.de = eid
end
local k = tonumber(s.k)
if not (k and k >= 0 and k <= 4) or (s.d and not tonumber(s.d)) then
  return -1, 'the state of task ' .. id .. ' cannot be read: ' .. raw
end
if s.d and s.da == s.ka and s.de == s.ke then
  s.da, s.de = nil, nil
end
redis.call('HSET', KEYS[3], id, cjson.encode(s))
for i = 5, 9 do
  redis.call('ZREM', KEYS[i], id)
end
redis.call('ZADD', KEYS[5 + k], s.d or '+inf', id)
return 1
