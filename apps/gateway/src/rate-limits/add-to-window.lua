-- Adds the requests one gateway process counted since its last sync to a bucket's window, and
-- starts the window (the key's expiry) when these are its first requests.
-- KEYS: 1 the bucket's counter
-- ARGV: 1 requests to add, 2 window length in ms
-- Returns { the window's count, its remaining ms }.
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
local remaining = redis.call('PTTL', KEYS[1])
if remaining < 0 then
  remaining = tonumber(ARGV[2])
  redis.call('PEXPIRE', KEYS[1], remaining)
end
return { count, remaining }
