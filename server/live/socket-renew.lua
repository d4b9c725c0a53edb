-- Renews the entries of one server's open sockets of an API key (socket-leases.ts).
-- KEYS[1]: the key's open sockets (ZSET); ARGV[1]: the lease (ms); ARGV[2..]: the members.
-- Only members still present are renewed (XX): a socket let go meanwhile is not brought back.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local args = {}
for i = 2, #ARGV do
  args[#args + 1] = now
  args[#args + 1] = ARGV[i]
end
local renewed = redis.call('ZADD', KEYS[1], 'XX', 'CH', unpack(args))
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return renewed
