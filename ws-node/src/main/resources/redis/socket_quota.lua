#!lua
-- Counts one new socket of an application in the quota's window (NewSocketQuota), and its charged
-- bytes, each first count setting its key's TTL; refuses (counting nothing) a socket past the
-- window's count, or whose bytes would pass its bytes budget: refused ones charge no bytes (else
-- an application's retries past its count spent the bytes its sockets' callbacks may grow by).
-- A count repeated (a timed-out call sent again) only counts high.
-- KEYS[1] <prefix>new-sockets:{<application>}:<window>
-- KEYS[2] <prefix>new-socket-bytes:{<application>}:<window> (the same slot)
-- ARGV[1] the keys' TTL ms (two windows: they outlive the window they count)
-- ARGV[2] the socket's charged bytes
-- ARGV[3] the application's bytes budget per window
-- ARGV[4] '0' to charge the bytes only (an existing socket's callback grew), else '1'
-- ARGV[5] the application's new sockets per window (with ARGV[4] '1')
-- Returns the count, this one included (0 with ARGV[4] '0'; past ARGV[5] when the count refused
-- it, counting nothing), or -1 when the bytes budget refused it.
local charged = tonumber(ARGV[2])
if ARGV[4] ~= '0' then
    local counted = tonumber(redis.call('GET', KEYS[1]) or '0')
    if counted >= tonumber(ARGV[5]) then
        return counted + 1
    end
end
local bytes = tonumber(redis.call('GET', KEYS[2]) or '0')
if bytes + charged > tonumber(ARGV[3]) then
    return -1
end
local count = 0
if ARGV[4] ~= '0' then
    count = redis.call('INCR', KEYS[1])
    if count == 1 then
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
    end
end
if redis.call('INCRBY', KEYS[2], charged) == charged then
    redis.call('PEXPIRE', KEYS[2], ARGV[1])
end
return count
