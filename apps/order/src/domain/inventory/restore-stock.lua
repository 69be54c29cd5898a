-- Writes a deal's counters rebuilt from PostgreSQL, unless they exist again by now.
-- KEYS: 1 stock hash, 2 holders hash, 3 reservations hash, 4 deadlines sorted set
-- ARGV: 1 JSON { stock = {field = value}, holders = {user = units},
--       reservations = [{ id, userId, quantity, deadline }] }
-- Returns 1 when written, 0 when the counters already existed.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
local state = cjson.decode(ARGV[1])
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
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
return 1
