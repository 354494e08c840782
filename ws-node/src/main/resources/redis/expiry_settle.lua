#!lua flags=allow-oom
-- Takes out of one shard of the expiry index the sessions whose check has concluded, each only if
-- it still carries the caller's lease: an entry that got a new deadline meanwhile (a release, a
-- renewal, a claim of the same id) stays.
-- KEYS[1] expiry index shard zset <prefix>expiry:{e<n>}
-- ARGV[1] the lease's score, as given to expiry_lease.lua
-- ARGV[2..] members whose check has concluded
-- Returns how many were taken out.
local lease = tonumber(ARGV[1])
local removed = 0
for i = 2, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) == lease then
    removed = removed + redis.call('ZREM', KEYS[1], ARGV[i])
  end
end
return removed
