-- Gives a lease up if ARGV[1] still holds it, so another replica takes over without waiting.
-- KEYS: lease
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
