#!lua flags=allow-oom
-- Leases the due sessions of one shard of the expiry index to the caller: their score moves to the
-- lease's end in the same step, so no other node takes them while the caller checks them
-- (expire.lua). Once a check has concluded, the caller takes the member out (expiry_settle.lua) or
-- gives it its next deadline; a caller that dies meanwhile leaves them to come due again when the
-- lease ends.
-- Every running node sweeps every shard each sweep interval, so a long gap since the shard's last
-- sweep means that the store was away (stalled, restarting, a Cluster down) or every node was.
-- Clients could not come back meanwhile, so no session of the shard ends until a grace after the
-- gap: the checks it leases carry that time, and expire.lua waits for it.
-- KEYS[1] expiry index shard zset <prefix>expiry:{e<n>} (member <len(scope)>:<scope><sid>, score
--         deadline ms)
-- KEYS[2] the shard's sweep mark hash <prefix>expiry:{e<n>}:swept: 's' when it was last swept,
--         'g' until when none of its sessions ends (both ms, Redis's clock)
-- ARGV[1] now ms (the caller's clock; expire.lua checks against Redis time)
-- ARGV[2] most members to take
-- ARGV[3] score of the lease's end: ms and a half, so that it never equals a deadline (whole ms)
-- ARGV[4] TTL ms of the shard: renewed by every sweep, so it outlives its sessions only while
--         some node runs
-- ARGV[5] longest gap ms between two sweeps of the shard while the store and a node run
-- ARGV[6] grace ms after a longer gap
-- ARGV[7] '1' when the caller's last lease of this shard was answered only after a stall (it heard
--         nothing from the shard for longer than one): a grace from now, however short the gap
--         between sweeps looked here (no mark yet, or a stall shorter than ARGV[5])
-- Returns {ms (Redis's clock) before which no leased session may end, 0 for none; member...}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local mark = redis.call('HMGET', KEYS[2], 's', 'g')
local graceUntil = tonumber(mark[2] or '0')
if (mark[1] and now - tonumber(mark[1]) > tonumber(ARGV[5])) or ARGV[7] == '1' then
  graceUntil = math.max(graceUntil, now + tonumber(ARGV[6]))
end
redis.call('HSET', KEYS[2], 's', now, 'g', graceUntil)
redis.call('PEXPIRE', KEYS[2], ARGV[4])
local reply = {0}
if graceUntil > now then reply[1] = graceUntil end
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #due > 0 then
  local leased = {'XX'}
  for i = 1, #due do
    leased[2 * i] = ARGV[3]
    leased[2 * i + 1] = due[i]
    reply[i + 1] = due[i]
  end
  redis.call('ZADD', KEYS[1], unpack(leased))
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return reply
