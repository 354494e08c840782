#!lua flags=allow-oom
-- Lists a node as alive now, on the roster's clock (this master's TIME: see roster_seen.lua).
-- KEYS[1] the roster <prefix>nodes (zset: node id -> last heartbeat ms)
-- ARGV[1] the node's id
-- ARGV[2] the roster's TTL ms
-- ARGV[3] the start (ms, this clock) the process's receivers are numbered from: no heartbeat is
--         listed before it, so that a takeover's bound (ReceiverId.firstAfter) is above all of
--         them, should this clock step back (a failover to a replica whose host clock is behind)
-- Returns this clock's time now (ms).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], string.format('%.0f', math.max(now, tonumber(ARGV[3]))), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return now
