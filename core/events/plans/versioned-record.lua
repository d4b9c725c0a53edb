-- One record per business id (a lead, a media mention, a survey, a member) whatever the number of
-- events that name it: policy 'first' keeps the earliest event, 'last' the latest; the same time
-- goes to the greater event id either way, so the outcome does not depend on arrival order.
-- KEYS[3] records hash, KEYS[4..] the family's sorted sets (the last four keys are the log hash
-- written before its buckets, the buckets' event count, the late and the rejected events').
-- ARGV[3] record id, ARGV[4] time ms, ARGV[5] event id, ARGV[6] policy,
-- ARGV[7] membership 'i;i' (i: index into KEYS; each set scores the record by its time), ARGV[8]
-- payload (no '|'). The record kept: 'time|event id|membership|payload'; records written before
-- named a score with each index ('i=score;…'), read as well.
-- The record standing so far is read and checked before the first write (see record-event.lua);
-- the family's sorted sets are checked here, only those it writes.
local id, atS, eid, policy, membership = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local cur = redis.call('HGET', KEYS[3], id)
local stale = {}
if cur then
  local cAt, cEid, cMembership = string.match(cur, '^([^|]*)|([^|]*)|([^|]*)|')
  local a, ca = tonumber(atS), tonumber(cAt)
  local wins
  if policy == 'first' then
    wins = a < ca or (a == ca and eid > cEid)
  else
    wins = a > ca or (a == ca and eid > cEid)
  end
  if not wins then
    return 1
  end
  for i in string.gmatch(cMembership, '(%d+)[^;]*') do
    local n = tonumber(i)
    if n < 4 or n >= #KEYS - 3 then
      return -1, 'the record of ' .. id .. ' cannot be read: ' .. cur
    end
    table.insert(stale, KEYS[n])
  end
end
-- The sorted sets it writes, the old record's and the new one's, are checked first (record-event.lua).
local written = {}
for _, key in ipairs(stale) do
  written[key] = true
end
for i in string.gmatch(membership, '%d+') do
  written[KEYS[tonumber(i)]] = true
end
for key in pairs(written) do
  local why = wrongType(key, 'z')
  if why then return -1, why end
end
for _, key in ipairs(stale) do
  redis.call('ZREM', key, id)
end
redis.call('HSET', KEYS[3], id, atS .. '|' .. eid .. '|' .. membership .. '|' .. ARGV[8])
for i in string.gmatch(membership, '%d+') do
  redis.call('ZADD', KEYS[tonumber(i)], atS, id)
end
return 1
