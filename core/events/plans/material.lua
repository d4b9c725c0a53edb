-- material.moved: stock is the sum of the quantities (+ received, − issued); the log makes each
-- movement count once. KEYS[3] stock hash; ARGV[3] itemId, ARGV[4] quantity, ARGV[5] the largest
-- stock either way (2^53 − 1, the largest whole number every reader holds exactly), ARGV[6] time ms;
-- KEYS[4] the movements by time (a stocktake compares the books at its own moment).
-- The stock is read and checked first: HINCRBY cannot fail once it runs.
local item, q, max = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local cur = redis.call('HGET', KEYS[3], item) or '0'
if not string.match(cur, '^%-?%d+$') then
  return -1, 'the stock of ' .. item .. ' is not a whole number: ' .. cur
end
local after = tonumber(cur) + q
if math.abs(after) > max then
  return -1, 'the stock of ' .. item .. ' would be ' .. string.format('%.0f', after) .. ', beyond ±' .. ARGV[5]
end
redis.call('HINCRBY', KEYS[3], item, ARGV[4])
redis.call('ZADD', KEYS[4], ARGV[6], item .. '|' .. ARGV[1] .. '|' .. ARGV[4])
return 1
