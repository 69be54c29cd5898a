-- Turns a paid reservation into sold units: reserved goes down, sold up, and the buyer keeps the
-- units counted against the per-user limit. Committing twice changes nothing.
-- KEYS: 1 stock hash, 2 reservations hash, 3 deadlines sorted set
-- ARGV: 1 reservation id
-- Returns { outcome, quantity committed }.
local entry = redis.call('HGET', KEYS[2], ARGV[1])
if not entry then
  return { 'ABSENT', 0 }
end
local quantity = tonumber(string.match(entry, ' (%d+)$'))
redis.call('HINCRBY', KEYS[1], 'reserved', -quantity)
redis.call('HINCRBY', KEYS[1], 'sold', quantity)
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return { 'COMMITTED', quantity }
