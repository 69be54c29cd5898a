-- Applies a deal snapshot to its stock counters: creates them for a deal heard of for the first
-- time, and otherwise updates the deal's terms (status, times, limits, queue) and its quantity,
-- keeping units already reserved or sold. An older version than the one applied changes nothing.
-- Counters that vanished (Redis lost its data) are not recreated here: a rebuild from
-- PostgreSQL does that, since only it knows the orders already taken.
-- KEYS: 1 stock hash
-- ARGV: 1 version, 2 status, 3 startsAt ms, 4 endsAt ms, 5 queueRequired (0|1), 6 perUserLimit,
--       7 quantity, 8 first time heard of (0|1)
-- Returns { outcome }.
local stock = KEYS[1]
local quantity = tonumber(ARGV[7])
if redis.call('EXISTS', stock) == 0 then
  if ARGV[8] ~= '1' then
    return { 'MISSING' }
  end
  redis.call('HSET', stock, 'quantity', quantity, 'remaining', quantity, 'reserved', 0, 'sold', 0)
else
  if tonumber(redis.call('HGET', stock, 'version') or '0') >= tonumber(ARGV[1]) then
    return { 'STALE' }
  end
  local counts = redis.call('HMGET', stock, 'reserved', 'sold')
  local taken = tonumber(counts[1]) + tonumber(counts[2])
  -- A quantity below what is already taken cannot take units back from buyers.
  if quantity < taken then
    quantity = taken
  end
  redis.call('HSET', stock, 'quantity', quantity, 'remaining', quantity - taken)
end
redis.call('HSET', stock, 'version', ARGV[1], 'status', ARGV[2], 'startsAt', ARGV[3], 'endsAt', ARGV[4],
  'queueRequired', ARGV[5], 'perUserLimit', ARGV[6])
return { 'SYNCED' }
