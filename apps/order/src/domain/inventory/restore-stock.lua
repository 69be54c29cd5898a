-- Writes a deal's counters rebuilt from PostgreSQL, unless they exist again by now.
-- KEYS: 1 stock hash, 2 holders hash, 3 reservations hash, 4 deadlines sorted set,
--       5 returned-orders set
-- ARGV: 1 JSON { stock = {field = value}, holders = {user = units},
--       reservations = [{ id, userId, quantity, deadline }], returned = [order id] }
-- Returns 1 when written, 0 when the counters already existed.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
local state = cjson.decode(ARGV[1])
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
for field, value in pairs(state.stock) do
  redis.call('HSET', KEYS[1], field, value)
end
for user, units in pairs(state.holders) do
  redis.call('HSET', KEYS[2], user, units)
end
for _, r in ipairs(state.reservations) do
  redis.call('HSET', KEYS[3], r.id, r.userId .. ' ' .. r.quantity)
  redis.call('ZADD', KEYS[4], r.deadline, r.id)
end
-- Paid orders cancelled before the rebuild read them are already left out of sold: an unsell
-- still on its way must not take them out again.
for _, id in ipairs(state.returned) do
  redis.call('SADD', KEYS[5], id)
end
return 1
