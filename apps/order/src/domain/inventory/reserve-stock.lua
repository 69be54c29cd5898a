-- Reserves units of a deal for one buyer, atomically: the deal is open, the admission token (when
-- the deal needs one) is unused, the buyer stays within the per-user limit, and stock remains.
-- KEYS: 1 stock hash, 2 holders hash (user -> units held), 3 reservations hash (id -> "user qty"),
--       4 deadlines sorted set (id by deadline ms), 5 the admission token's used-marker
-- ARGV: 1 reservation id, 2 user id, 3 quantity, 4 deadline ms, 5 now ms, 6 jti ('' if none),
--       7 how long the used-marker lives (ms)
-- Returns { outcome, remaining }.
local stock = KEYS[1]
if redis.call('EXISTS', stock) == 0 then
  return { 'UNKNOWN_DEAL', -1 }
end
local deal = redis.call('HMGET', stock, 'status', 'startsAt', 'endsAt', 'queueRequired', 'perUserLimit', 'remaining')
local remaining = tonumber(deal[6])
local now = tonumber(ARGV[5])
if (deal[1] ~= 'SCHEDULED' and deal[1] ~= 'OPEN') or now < tonumber(deal[2]) or now >= tonumber(deal[3]) then
  return { 'DEAL_NOT_OPEN', remaining }
end

local queued = deal[4] == '1'
if queued then
  if ARGV[6] == '' then
    return { 'ADMISSION_REQUIRED', remaining }
  end
  if redis.call('EXISTS', KEYS[5]) == 1 then
    return { 'ADMISSION_USED', remaining }
  end
end

local quantity = tonumber(ARGV[3])
local held = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0')
if held + quantity > tonumber(deal[5]) then
  return { 'PURCHASE_LIMIT_EXCEEDED', remaining }
end
if remaining < quantity then
  return { 'SOLD_OUT', remaining }
end

redis.call('HINCRBY', stock, 'remaining', -quantity)
redis.call('HINCRBY', stock, 'reserved', quantity)
redis.call('HINCRBY', KEYS[2], ARGV[2], quantity)
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2] .. ' ' .. quantity)
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[1])
if queued then
  redis.call('SET', KEYS[5], ARGV[1], 'PX', ARGV[7])
end
return { 'RESERVED', remaining - quantity }
