-- Sets the quantity of one line of a buyer's cart, refusing a new line beyond the cart's size,
-- and keeps the cart for its lifetime from now.
-- KEYS: 1 cart hash (deal id -> quantity)
-- ARGV: 1 deal id, 2 quantity, 3 max lines, 4 lifetime (s)
-- Returns 1 when set, 0 when the cart is full.
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
  redis.call('EXPIRE', KEYS[1], ARGV[4])
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
