-- Opens a deal's waiting room once its start has come: everyone who entered before the opening is
-- put in a random order, once, so that clicking first before the start gives no advantage. Later
-- arrivals take counter values above every shuffled place, so they queue behind them.
-- KEYS: state, waiting
-- ARGV: random seed
-- Returns the number of buyers shuffled, or -1 when already open or not yet time.
local state, waiting = KEYS[1], KEYS[2]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local s = redis.call('HMGET', state, 'shuffled', 'startsAt')
if s[1] == '1' or not s[2] or now < tonumber(s[2]) then return -1 end

math.randomseed(tonumber(ARGV[1]))
local members = redis.call('ZRANGE', waiting, 0, -1)
for i = #members, 2, -1 do
  local j = math.random(i)
  members[i], members[j] = members[j], members[i]
end
local batch = {}
for i, member in ipairs(members) do
  batch[#batch + 1] = i
  batch[#batch + 1] = member
  if #batch >= 2000 or i == #members then
    redis.call('ZADD', waiting, unpack(batch))
    batch = {}
  end
end
-- The counter must stay above every shuffled place (it already is: one increment per entry).
if tonumber(redis.call('HGET', state, 'seq') or '0') < #members then redis.call('HSET', state, 'seq', #members) end
redis.call('HSET', state, 'shuffled', '1', 'openedAt', now, 'bucket', '0', 'bucketAt', now)
return #members
