-- Epilogue of every apply script: the body (`apply`) returned 1 when it applied the event, or -1
-- and a reason when it refused it before writing anything. An applied event enters the log, bumps
-- seq and leaves the rejected events; the prologue's checks leave these commands no way to fail.
local code, reason = apply()
if code ~= 1 then
  return {-1, reason or 'refused'}
end
-- The event's encoding in its bucket, cut into pieces of at most 64 bytes so that the bucket stays a
-- listpack (core/events/event-log.ts): a head (one character: how many tails; then at most 63
-- bytes) and tails under chr(j) .. id, each ending on a UTF-8 character's boundary.
local V = ARGV[2]
if #V <= 64 then
  redis.call('HSET', KEYS[1], HEAD, V)
else
  local pieces, from, room = {}, 1, 63
  while from <= #V do
    local to = math.min(from + room - 1, #V)
    -- Back off while the next byte continues a character (10xxxxxx).
    while to < #V do
      local b = string.byte(V, to + 1)
      if b < 128 or b >= 192 then
        break
      end
      to = to - 1
    end
    pieces[#pieces + 1] = string.sub(V, from, to)
    from, room = to + 1, 64
  end
  if #pieces > 32 then
    redis.call('HSET', KEYS[1], HEAD, V)
  else
    local args = { HEAD, string.char(#pieces - 1) .. pieces[1] }
    for j = 2, #pieces do
      args[#args + 1] = string.char(j - 1) .. ARGV[1]
      args[#args + 1] = pieces[j]
    end
    redis.call('HSET', KEYS[1], unpack(args))
  end
end
redis.call('INCR', KEYS[2])
redis.call('INCR', KEYS[#KEYS - 2])
if LATE ~= '' then
  redis.call('ZADD', KEYS[#KEYS - 1], LATE_AT, LATE)
end
if wasRejected then
  redis.call('HDEL', KEYS[#KEYS], ARGV[1])
end
return 1
