#!lua flags=allow-oom
-- Takes a dead process off the roster once its takeover is done (NodeRoster), unless a process
-- restarted under the same node id has listed itself since: the roster is per node id, and that
-- process's heartbeat moved the score.
-- KEYS[1] the roster <prefix>nodes (zset: node id -> last heartbeat ms)
-- ARGV[1] the dead node's id
-- ARGV[2] its last heartbeat (ms) when its takeover began
-- Returns 1 if removed, 0 if not listed, -1 if the score moved (left listed).
local seen = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not seen then
  return 0
end
if tonumber(seen) ~= tonumber(ARGV[2]) then
  return -1
end
redis.call('ZREM', KEYS[1], ARGV[1])
return 1
