-- Takes the sessions whose deadline is due out of the expiry index, so that exactly one node
-- checks (and notifies) each.
-- KEYS[1] expiry index zset <prefix>expiry (member <len(scope)>:<scope><sid>, score deadline ms)
-- ARGV[1] now ms (the caller's clock; expire.lua checks against Redis time)
-- ARGV[2] most members to take
-- ARGV[3] TTL ms of the index: renewed by every sweep, so it outlives its sessions only while
--         some node runs
-- Returns the members taken.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return due
