#!lua flags=allow-oom
-- Renews a takeover lease (NodeRoster) only while the caller still holds it: a taker whose lease
-- lapsed and went to another node stops instead of taking the lease back.
-- KEYS[1] the lease <prefix>takeover:{<dead node>} (string: the taker's node id)
-- ARGV[1] the caller's node id
-- ARGV[2] the lease's TTL ms from now
-- Returns 1 if renewed, 0 if the lease is another node's or gone.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
