#!lua flags=allow-oom
-- Renews a takeover lease (NodeRoster) while the caller holds it, and takes it back if it lapsed
-- with nobody taking it meanwhile (a step of the takeover outlasted the lease: a journal read on
-- a loaded Cluster); giving up then left the dead node's sessions to expire unnoticed. A taker
-- whose lease went to another node stops instead: that node ends the rest.
-- KEYS[1] the lease <prefix>takeover:{<dead node>} (string: the taker's node id)
-- ARGV[1] the caller's node id
-- ARGV[2] the lease's TTL ms from now
-- Returns 1 if renewed, 2 if taken back after it lapsed, 0 if another node holds it.
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 2
end
return 0
