#!lua
-- Counts request ids an application's publishes may remember in a window (SocketStore.countRequestIds),
-- unless the count would pass the bound; or takes back ones counted that were not remembered.
-- The first count sets the key's TTL. A count repeated (a timed-out call sent again) only counts high;
-- a take-back is sent once, never resent (RedisSocketStore.uncountRequestIds): lost, it errs high too.
-- KEYS[1] <prefix>request-ids:{<application>}:<window>
-- ARGV[1] how many to count; negative to take back (never below what is counted, nor onto a key gone)
-- ARGV[2] the bound of the window's count
-- ARGV[3] the key's TTL ms (two windows: it outlives the window it counts)
-- Returns 1 if counted (or taken back), 0 if counting would pass the bound (nothing counted).
local count = tonumber(ARGV[1])
local counted = tonumber(redis.call('GET', KEYS[1]) or '0')
if count < 0 then
  if counted > 0 then
    redis.call('DECRBY', KEYS[1], math.min(counted, -count))
  end
  return 1
end
if counted + count > tonumber(ARGV[2]) then
  return 0
end
if redis.call('INCRBY', KEYS[1], count) == count then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return 1
