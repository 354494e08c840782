#!lua flags=no-writes
-- The roster's clock and a node's last heartbeat on it (NodeRoster). Every time compared across
-- nodes is this master's TIME: heartbeats (roster_heartbeat.lua), the start a restarted process
-- numbers its receivers from, a takeover's lateness. The hosts' own clocks may differ by more
-- than a restart takes.
-- KEYS[1] the roster <prefix>nodes (zset: node id -> last heartbeat ms)
-- ARGV[1] a node id
-- Returns {now ms, the node's last heartbeat ms or -1 if not listed}.
local t = redis.call('TIME')
local seen = redis.call('ZSCORE', KEYS[1], ARGV[1])
return {tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), seen and tonumber(seen) or -1}
