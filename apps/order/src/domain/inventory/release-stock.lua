-- Gives a reservation's units back to the deal; a reservation already released (or never made)
-- changes nothing, so releasing is safe to repeat.
-- KEYS: 1 stock hash, 2 holders hash, 3 reservations hash, 4 deadlines sorted set
-- ARGV: 1 reservation id
-- Returns { outcome, remaining before the release, quantity released }.
local entry = redis.call('HGET', KEYS[3], ARGV[1])
if not entry then
  return { 'ABSENT', -1, 0 }
end
local user, quantity = string.match(entry, '^(%S+) (%d+)$')
quantity = tonumber(quantity)
local before = tonumber(redis.call('HGET', KEYS[1], 'remaining') or '0')
redis.call('HINCRBY', KEYS[1], 'remaining', quantity)
redis.call('HINCRBY', KEYS[1], 'reserved', -quantity)
if redis.call('HINCRBY', KEYS[2], user, -quantity) <= 0 then
  redis.call('HDEL', KEYS[2], user)
end
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
return { 'RELEASED', before, quantity }
