#!lua
-- Counts one new socket of an application in the quota's window (NewSocketQuota), the first
-- count setting the key's TTL. A count repeated (a timed-out call sent again) only counts high.
-- KEYS[1] <prefix>new-sockets:{<application>}:<window>
-- ARGV[1] the key's TTL ms (two windows: it outlives the window it counts)
-- Returns the count, this one included.
local count = redis.call('INCR', KEYS[1])
if count == 1 then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return count
