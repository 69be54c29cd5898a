-- Copies a deal's state into its waiting room hash. Deal fields are taken only from a snapshot at
-- least as new as the stored one, the sold-out flag only from a stock change at least as new.
-- KEYS: state, waiting, admitted, tokens
-- ARGV: version, status, startsAtMs, endsAtMs, queueRequired (0|1), rate ('' = default),
--       soldOut (0|1), stockChangedAtMs, expireAtMs
local state = KEYS[1]
local storedVersion = tonumber(redis.call('HGET', state, 'version') or '0')
if tonumber(ARGV[1]) >= storedVersion then
  redis.call('HSET', state, 'version', ARGV[1], 'status', ARGV[2], 'startsAt', ARGV[3], 'endsAt', ARGV[4],
    'queueRequired', ARGV[5], 'expireAt', ARGV[9])
end
if ARGV[6] == '' then
  redis.call('HDEL', state, 'rate')
else
  redis.call('HSET', state, 'rate', ARGV[6])
end
local storedStockAt = tonumber(redis.call('HGET', state, 'stockAt') or '-1')
if tonumber(ARGV[8]) >= storedStockAt then
  redis.call('HSET', state, 'soldOut', ARGV[7], 'stockAt', ARGV[8])
end
local expireAt = redis.call('HGET', state, 'expireAt')
for _, key in ipairs(KEYS) do
  redis.call('PEXPIREAT', key, expireAt)
end
return 1
