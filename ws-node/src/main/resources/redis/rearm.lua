#!lua flags=allow-oom
-- Starts a released session's disconnect delay again from now, for a release whose answer reached
-- the node late: Redis ran it and then stalled, so the deadline it set ran while the client still
-- waited for its answer (or for its next poll's claim). Only ever
-- moves the deadline later, so a repeat, or a release since, loses nothing.
-- KEYS[1] session hash, KEYS[2] queue list
-- ARGV[1] disconnect delay ms
-- ARGV[2] expiry margin ms (keys outlive their deadline by this, so a sweeper sees them)
-- Returns the deadline (ms, Redis's clock), or 0 when the session is gone or held (no deadline runs).
local f = redis.call('HMGET', KEYS[1], 'st', 'h', 'x')
if not f[1] or f[2] or not f[3] then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local deadline = math.max(tonumber(f[3]), now + tonumber(ARGV[1]))
redis.call('HSET', KEYS[1], 'x', deadline)
redis.call('PEXPIRE', KEYS[1], deadline - now + tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[2], deadline - now + tonumber(ARGV[2]))
return deadline
