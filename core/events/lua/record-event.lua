-- Prologue of every apply script. An event is applied whole or not at all: Redis does not undo a
-- script's earlier writes when a later command fails, so nothing is written until everything that
-- could make a command fail has been checked — here the event log, the rejected events, the
-- change counter and the type of each key marked in KEY_TYPES; in the body what it reads and the
-- sums it changes. The event enters the log last, with its effect (record-event-end.lua): an
-- event is never logged without being counted.
-- KEYS[1] the event id's bucket of the log (core/events/event-log.ts), KEYS[2] seq counter,
-- KEYS[#KEYS - 3] the log hash written before the buckets (read only), KEYS[#KEYS - 2] how many
-- events the buckets hold (string), KEYS[#KEYS - 1] the store's late events (sorted set),
-- KEYS[#KEYS] the store's rejected events (hash).
-- KEY_TYPES (set before this prologue): one letter for each key but the last, its last letter
-- standing for any further key: h hash, s string, t set, z sorted set, or '-' for a key the body
-- reads, or writes first, before any other write (a wrong type then fails before anything is
-- written, so it need not be checked). ARGV[1] event id, ARGV[2] event JSON, ARGV[#ARGV - 1] the
-- event's time (ms) and ARGV[#ARGV] its late-event record ('' when on time: domain/revisions.ts);
-- a body may file the record under another time (LATE_AT) or drop it (LATE = '').
-- Returns 0 for an id already in the log (nothing changes), {-1, reason} for a refused event.
-- The id's field in its bucket: the id, or NUL + the id when it begins below ' ' (where a tail's
-- field begins, event-log.ts).
local HEAD = ARGV[1]
if string.byte(HEAD, 1) < 32 then
  HEAD = '\0' .. HEAD
end
if redis.call('HEXISTS', KEYS[1], HEAD) == 1 or redis.call('HEXISTS', KEYS[#KEYS - 3], ARGV[1]) == 1 then
  return 0
end
local wasRejected = redis.call('HEXISTS', KEYS[#KEYS], ARGV[1]) == 1
local TYPE_NAMES = { h = 'hash', s = 'string', t = 'set', z = 'zset' }
-- The reason a key cannot be written as `letter`, or nil. Bodies use it too.
local function wrongType(key, letter)
  local have = redis.call('TYPE', key)['ok']
  if have ~= 'none' and have ~= TYPE_NAMES[letter] then
    return key .. ' holds a ' .. have .. ', not a ' .. TYPE_NAMES[letter]
  end
end
-- Whether the copy of a record already kept ('at|eid|…', or nil) stands against the event at
-- `atS` with id `eid`: the later of the two when `later`, else the earlier; the same time goes to
-- the greater event id either way. Bodies use it so that any order of arrival keeps the same copy.
local function keptStands(cur, atS, eid, later)
  if not cur then
    return false
  end
  local cAt, cEid = string.match(cur, '^([^|]*)|([^|]*)|')
  local a, ca = tonumber(atS), tonumber(cAt)
  if later then
    return a < ca or (a == ca and eid <= cEid)
  end
  return a > ca or (a == ca and eid >= cEid)
end
local LATE, LATE_AT = ARGV[#ARGV], ARGV[#ARGV - 1]
if LATE ~= '' then
  local why = wrongType(KEYS[#KEYS - 1], 'z')
  if why then
    return {-1, why}
  end
end
for i = 1, #KEYS - 4 do
  local at = math.min(i, #KEY_TYPES)
  local letter = string.sub(KEY_TYPES, at, at)
  if letter ~= '-' then
    local why = wrongType(KEYS[i], letter)
    if why then
      return {-1, why}
    end
  end
end
-- INCR fails on a wrong type and on anything but an integer below 2^63: at most 18 digits.
local seq = redis.call('GET', KEYS[2])
if seq and not (string.match(seq, '^%d+$') and #seq <= 18) then
  return {-1, 'the change counter ' .. KEYS[2] .. ' is not a whole number: ' .. seq}
end
local whyCount = wrongType(KEYS[#KEYS - 2], 's')
if whyCount then
  return {-1, whyCount}
end
local logged = redis.call('GET', KEYS[#KEYS - 2])
if logged and not (string.match(logged, '^%d+$') and #logged <= 18) then
  return {-1, 'the log counter ' .. KEYS[#KEYS - 2] .. ' is not a whole number: ' .. logged}
end
