-- Puts the units of a paid order that was cancelled back on sale: sold goes down, remaining up,
-- and the buyer no longer holds them. If the payment was never committed here (the reservation
-- is still live), the reservation is released instead. The returned-orders set makes a repeat
-- change nothing.
-- KEYS: 1 stock hash, 2 holders hash, 3 reservations hash, 4 deadlines sorted set,
--       5 returned-orders set
-- ARGV: 1 order id, 2 user id, 3 quantity
-- Returns { outcome, remaining before, quantity returned }.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return { 'MISSING', -1, 0 }
end
if redis.call('SADD', KEYS[5], ARGV[1]) == 0 then
  return { 'ABSENT', -1, 0 }
end
local before = tonumber(redis.call('HGET', KEYS[1], 'remaining') or '0')
local quantity = tonumber(ARGV[3])
local entry = redis.call('HGET', KEYS[3], ARGV[1])
if entry then
  quantity = tonumber(string.match(entry, ' (%d+)$'))
  redis.call('HINCRBY', KEYS[1], 'reserved', -quantity)
  redis.call('HDEL', KEYS[3], ARGV[1])
  redis.call('ZREM', KEYS[4], ARGV[1])
else
  redis.call('HINCRBY', KEYS[1], 'sold', -quantity)
end
redis.call('HINCRBY', KEYS[1], 'remaining', quantity)
if redis.call('HINCRBY', KEYS[2], ARGV[2], -quantity) <= 0 then
  redis.call('HDEL', KEYS[2], ARGV[2])
end
return { 'RETURNED', before, quantity }
