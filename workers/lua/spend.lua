-- spend.recorded: per spendId the record with the latest time (then the larger event id) stands,
-- so a correction wins whatever the arrival order and a resend is counted once.
-- KEYS[3] records hash, KEYS[4] fen by budget hash, KEYS[5] spend by time.
-- ARGV[3] spendId, ARGV[4] time ms, ARGV[5] event id, ARGV[6] budgetId, ARGV[7] fen.
local id, atS, eid, budget, fen = ARGV[3], ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7])
local cur = redis.call('HGET', KEYS[3], id)
if cur then
  local cAt, cEid, cBudget, cFen = string.match(cur, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)$')
  local a, ca = tonumber(atS), tonumber(cAt)
  if a < ca or (a == ca and eid <= cEid) then
    return 1
  end
  redis.call('HINCRBY', KEYS[4], cBudget, -tonumber(cFen))
end
redis.call('HSET', KEYS[3], id, atS .. '|' .. eid .. '|' .. budget .. '|' .. string.format('%d', fen))
redis.call('HINCRBY', KEYS[4], budget, fen)
redis.call('ZADD', KEYS[5], atS, id)
return 1
