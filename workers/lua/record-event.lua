-- Prologue of every apply script. An event is applied whole or not at all: Redis does not undo a
-- script's earlier writes when a later command fails, so nothing is written until everything that
-- could make a command fail has been checked — here the event log, the type of every key and the
-- change counter; in the body what it reads and the sums it changes. The event enters the log
-- last, with its effect (record-event-end.lua): an event is never logged without being counted.
-- KEYS[1] log hash, KEYS[2] seq counter, KEYS[#KEYS] the store's rejected events (hash);
-- KEY_TYPES (set before this prologue) the type of each key but the last, one letter a key, its
-- last letter standing for any further key. ARGV[1] event id, ARGV[2] event JSON.
-- Returns 0 for an id already in the log (nothing changes), {-1, reason} for a refused event.
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  return 0
end
local TYPE_NAMES = { h = 'hash', s = 'string', t = 'set', z = 'zset' }
for i = 1, #KEYS do
  local letter = 'h'
  if i < #KEYS then
    local at = math.min(i, #KEY_TYPES)
    letter = string.sub(KEY_TYPES, at, at)
  end
  local have = redis.call('TYPE', KEYS[i])['ok']
  if have ~= 'none' and have ~= TYPE_NAMES[letter] then
    return {-1, KEYS[i] .. ' holds a ' .. have .. ', not a ' .. TYPE_NAMES[letter]}
  end
end
-- INCR fails on anything but an integer below 2^63: at most 18 digits.
local seq = redis.call('GET', KEYS[2])
if seq and not (string.match(seq, '^%d+$') and #seq <= 18) then
  return {-1, 'the change counter ' .. KEYS[2] .. ' is not a whole number: ' .. seq}
end
