#!lua flags=allow-oom
-- Gives up the receiver slot, acknowledging what was written, and starts the disconnect delay
-- (SessionStore.release). Trims with trimQueue (queue_trim.lua, put before this text by LuaScripts),
-- which counts the trimmed bytes off the session's qb.
-- KEYS[1] session hash, KEYS[2] queue list
-- ARGV[1] receiver id that must hold the slot
-- ARGV[2] highest seq the receiver wrote (0 for nothing)
-- ARGV[3] disconnect delay ms
-- ARGV[4] expiry margin ms (keys outlive their deadline by this, so a sweeper sees them)
-- Returns 1 released, 0 another receiver holds the slot, -1 no session.
local f = redis.call('HMGET', KEYS[1], 'st', 'h', 'a', 'qb')
if not f[1] then return -1 end
if f[2] ~= ARGV[1] then return 0 end
local acked, queuedBytes = trimQueue(KEYS[2], tonumber(f[3]), tonumber(ARGV[2]), f[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local delay = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], 'a', acked, 'qb', queuedBytes, 'dd', delay, 'x', now + delay)
redis.call('HDEL', KEYS[1], 'h')
redis.call('PEXPIRE', KEYS[1], delay + tonumber(ARGV[4]))
redis.call('PEXPIRE', KEYS[2], delay + tonumber(ARGV[4]))
return 1
