-- Drops acknowledged messages from the queue (SessionStore.acknowledge).
-- KEYS[1] session hash, KEYS[2] queue list
-- ARGV[1] receiver id that must hold the slot
-- ARGV[2] highest seq the receiver wrote
-- Returns 1 done, 0 another receiver holds the slot (the caller was evicted), -1 no session.
local f = redis.call('HMGET', KEYS[1], 'st', 'h', 'a', 'l')
if not f[1] then return -1 end
if f[2] ~= ARGV[1] then return 0 end
local acked = tonumber(f[3])
local upto = math.min(tonumber(ARGV[2]), tonumber(f[4]))
if upto > acked then
  redis.call('LTRIM', KEYS[2], upto - acked, -1)
  redis.call('HSET', KEYS[1], 'a', upto)
end
return 1
