-- One record per id where the latest stands (by time, then the greater event id), whatever the
-- arrival order: a co-op claim's submission or decision, a material's stocktake.
-- KEYS[3] records hash; ARGV[3] id, ARGV[4] time ms, ARGV[5] event id, ARGV[6] payload (any text).
-- The record kept: 'time|event id|payload'.
local id, atS, eid = ARGV[3], ARGV[4], ARGV[5]
local cur = redis.call('HGET', KEYS[3], id)
if cur then
  local cAt, cEid = string.match(cur, '^([^|]*)|([^|]*)|')
  local a, ca = tonumber(atS), tonumber(cAt)
  if not ca then
    return -1, 'the record of ' .. id .. ' cannot be read: ' .. cur
  end
  if a < ca or (a == ca and eid <= cEid) then
    return 1
  end
end
redis.call('HSET', KEYS[3], id, atS .. '|' .. eid .. '|' .. ARGV[6])
return 1
