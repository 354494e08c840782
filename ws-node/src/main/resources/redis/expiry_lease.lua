#!lua flags=allow-oom
-- Leases the due sessions of one shard of the expiry index to the caller: their score moves to the
-- lease's end in the same step, so no other node takes them while the caller checks them
-- (expire.lua). Once a check has concluded, the caller takes the member out (expiry_settle.lua) or
-- gives it its next deadline; a caller that dies meanwhile leaves them to come due again when the
-- lease ends.
-- KEYS[1] expiry index shard zset <prefix>expiry:{e<n>} (member <len(scope)>:<scope><sid>, score
--         deadline ms)
-- ARGV[1] now ms (the caller's clock; expire.lua checks against Redis time)
-- ARGV[2] most members to take
-- ARGV[3] score of the lease's end: ms and a half, so that it never equals a deadline (whole ms)
-- ARGV[4] TTL ms of the shard: renewed by every sweep, so it outlives its sessions only while
--         some node runs
-- Returns the members leased.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #due > 0 then
  local leased = {'XX'}
  for i = 1, #due do
    leased[2 * i] = ARGV[3]
    leased[2 * i + 1] = due[i]
  end
  redis.call('ZADD', KEYS[1], unpack(leased))
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return due
