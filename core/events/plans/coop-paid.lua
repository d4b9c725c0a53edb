-- coop.claim.paid: each payment is its own event (the log counts it once); several for a claim
-- add up. Kept by event id whether or not its claim has arrived: it counts once the claim does.
-- KEYS[3] payments hash; ARGV[1] event id, ARGV[3] payment JSON {claimId, at, fen}.
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
return 1
