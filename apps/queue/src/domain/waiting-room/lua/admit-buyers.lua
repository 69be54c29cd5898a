-- One step of a deal's admission loop. Frees admissions that expired unused, then lets in the
-- next buyers in line as a token bucket allows (the deal's rate per second, at most one second's
-- worth at once) without exceeding the active admissions cap. The bucket lives here, in Redis, so
-- the rate holds in total however many replicas run the loop.
-- KEYS: state, waiting, admitted, tokens
-- ARGV: default rate per second, max active admissions, token ttl seconds
-- Returns { now, expiresAt, freed, userId... }: the admitted buyers, in line order.
local state, waiting, admitted, tokens = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local s = redis.call('HMGET', state, 'status', 'endsAt', 'soldOut', 'shuffled', 'rate', 'bucket', 'bucketAt',
  'expireAt')
if not s[1] then return { now, 0, 0 } end

local expired = redis.call('ZRANGEBYSCORE', admitted, '-inf', now)
for i = 1, #expired, 1000 do
  redis.call('HDEL', tokens, unpack(expired, i, math.min(i + 999, #expired)))
end
if #expired > 0 then redis.call('ZREMRANGEBYSCORE', admitted, '-inf', now) end

local admitting = s[4] == '1' and (s[1] == 'SCHEDULED' or s[1] == 'OPEN') and now < tonumber(s[2])
  and s[3] ~= '1'
if not admitting then return { now, 0, #expired } end

local rate = tonumber(s[5] or ARGV[1])
local bucket = tonumber(s[6] or '0')
local at = tonumber(s[7] or now)
bucket = math.min(rate, bucket + (now - at) * rate / 1000)
local room = tonumber(ARGV[2]) - redis.call('ZCARD', admitted)
local n = math.min(math.floor(bucket), room, redis.call('ZCARD', waiting))
local result = { now, 0, #expired }
if n > 0 then
  local popped = redis.call('ZPOPMIN', waiting, n)
  -- Whole seconds, so that the token's `exp` (seconds) and the slot's expiry are the same instant.
  local expiresAt = (math.floor(now / 1000) + tonumber(ARGV[3])) * 1000
  result[2] = expiresAt
  for i = 1, #popped, 2 do
    redis.call('ZADD', admitted, expiresAt, popped[i])
    result[#result + 1] = popped[i]
  end
  bucket = bucket - n
  redis.call('HINCRBY', state, 'admittedTotal', n)
  redis.call('PEXPIREAT', admitted, s[8])
end
redis.call('HSET', state, 'bucket', tostring(bucket), 'bucketAt', now)
return result
