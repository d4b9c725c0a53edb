-- material.moved: stock is the sum of the quantities (+ received, − issued); the log makes each
-- movement count once. KEYS[3] stock hash; ARGV[3] itemId, ARGV[4] quantity.
redis.call('HINCRBY', KEYS[3], ARGV[3], ARGV[4])
return 1
