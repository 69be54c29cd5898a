-- Caches a penalty count only if it is higher than the cached one. Penalties are only ever added,
-- so the highest count anyone read after a commit is the true one: a slow reader or writer can
-- never put back an older, lower count.
-- KEYS[1] the user's count key; ARGV[1] the count read from the database; ARGV[2] TTL in seconds.
local cached = tonumber(redis.call('GET', KEYS[1]) or '-1')
local given = tonumber(ARGV[1])
if given > cached then
  redis.call('SET', KEYS[1], given, 'EX', tonumber(ARGV[2]))
  return given
end
return cached
