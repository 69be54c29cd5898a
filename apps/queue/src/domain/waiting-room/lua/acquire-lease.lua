-- Takes or renews a lease (the right to run one deal's admission loop) for ARGV[1], for ARGV[2] ms.
-- KEYS: lease
-- Returns 1 when the caller holds the lease.
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
