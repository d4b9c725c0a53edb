-- Events counted once each (the log already made them unique): showroom visits, test drives.
-- KEYS[3] zset of all, KEYS[4] zset of the flagged ones; ARGV[3] time ms, ARGV[4] '1' when flagged.
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
if ARGV[4] == '1' then
  redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
end
return 1
