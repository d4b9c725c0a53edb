-- spend.recorded: per spendId the record with the latest time (then the larger event id) stands,
-- so a correction wins whatever the arrival order and a resend is counted once.
-- KEYS[3] records hash, KEYS[4] fen by budget hash, KEYS[5] spend by time, KEYS[6] co-op spends hash.
-- ARGV[3] spendId, ARGV[4] time ms, ARGV[5] event id, ARGV[6] budgetId, ARGV[7] fen,
-- ARGV[8] the largest sum of a budget either way, fen (2^53 − 1: read back exactly),
-- ARGV[9] the co-op spend's JSON when the record names a program, else ''. The standing record
-- decides: a correction without a program takes the spend out of the co-op ledger.
local id, atS, eid, budget, fen, max = ARGV[3], ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7]), tonumber(ARGV[8])
local cur = redis.call('HGET', KEYS[3], id)
local cBudget, cFen
if cur then
  local cAt, cEid
  cAt, cEid, cBudget, cFen = string.match(cur, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)$')
  local a, ca = tonumber(atS), tonumber(cAt)
  if a < ca or (a == ca and eid <= cEid) then
    return 1
  end
  cFen = tonumber(cFen)
end
-- The sums change only once both are known to stay whole numbers within ±max: HINCRBY cannot fail.
local function spentAfter(b, delta)
  local v = redis.call('HGET', KEYS[4], b) or '0'
  if not string.match(v, '^%-?%d+$') then
    return nil, 'the spend of budget ' .. b .. ' is not a whole number of fen: ' .. v
  end
  local after = tonumber(v) + delta
  if math.abs(after) > max then
    return nil, 'the spend of budget ' .. b .. ' would be ' .. string.format('%.0f', after) .. ' fen, beyond ±' .. ARGV[8]
  end
  return after
end
local ok, why
if cur and cBudget ~= budget then
  ok, why = spentAfter(cBudget, -cFen)
  if not ok then return -1, why end
end
ok, why = spentAfter(budget, fen - ((cur and cBudget == budget) and cFen or 0))
if not ok then return -1, why end
if cur then
  redis.call('HINCRBY', KEYS[4], cBudget, string.format('%d', -cFen))
end
redis.call('HSET', KEYS[3], id, atS .. '|' .. eid .. '|' .. budget .. '|' .. string.format('%d', fen))
redis.call('HINCRBY', KEYS[4], budget, string.format('%d', fen))
redis.call('ZADD', KEYS[5], atS, id)
if ARGV[9] ~= '' then
  redis.call('HSET', KEYS[6], id, ARGV[9])
else
  redis.call('HDEL', KEYS[6], id)
end
return 1
