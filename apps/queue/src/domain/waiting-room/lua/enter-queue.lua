-- Looks up a buyer in a deal's waiting room and, when ARGV[2] is '1', puts a newcomer at the back.
-- One entry per buyer: someone already waiting or admitted keeps their place. Arrival order is a
-- counter; entries before the opening are shuffled by open-queue.lua.
-- KEYS: state, waiting, admitted
-- ARGV: userId, join (0|1), prequeueMs
-- Returns { outcome, rank, admittedUntil, now, status, startsAt, endsAt, soldOut, shuffled, rate }
-- with outcome NOT_FOUND | NOT_REQUIRED | NOT_OPEN | CLOSED | ABSENT | WAITING | ADMITTED.
local state, waiting, admitted = KEYS[1], KEYS[2], KEYS[3]
local user = ARGV[1]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local s = redis.call('HMGET', state, 'status', 'startsAt', 'endsAt', 'queueRequired', 'soldOut', 'shuffled',
  'rate', 'expireAt')
local status, startsAt, endsAt = s[1], tonumber(s[2] or '0'), tonumber(s[3] or '0')

local function answer(outcome, rank, admittedUntil)
  return { outcome, rank, admittedUntil, now, status or '', startsAt, endsAt, s[5] or '0', s[6] or '0', s[7] or '' }
end

if not status or status == 'HIDDEN' then return answer('NOT_FOUND', -1, -1) end
if s[4] ~= '1' then return answer('NOT_REQUIRED', -1, -1) end

local admittedUntil = tonumber(redis.call('ZSCORE', admitted, user) or '0')
if admittedUntil > now then return answer('ADMITTED', -1, admittedUntil) end
local rank = redis.call('ZRANK', waiting, user)
if rank then return answer('WAITING', rank, -1) end

if ARGV[2] ~= '1' then return answer('ABSENT', -1, -1) end
if status == 'ENDED' or status == 'SUSPENDED' or now >= endsAt then return answer('CLOSED', -1, -1) end
if now < startsAt - tonumber(ARGV[3]) then return answer('NOT_OPEN', -1, -1) end

redis.call('ZADD', waiting, redis.call('HINCRBY', state, 'seq', 1), user)
redis.call('PEXPIREAT', waiting, s[8])
return answer('WAITING', redis.call('ZRANK', waiting, user), -1)
