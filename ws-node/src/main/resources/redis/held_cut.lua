#!lua flags=allow-oom
-- Rewrites a dead node's held list for its takeover (NodeRoster): cut to what is left to end, or
-- with its journal added. Only while the caller holds the takeover's lease, and a cut (sent by the
-- takeover's timer, on another connection) only while the list exists: one that arrives after the
-- takeover's final DEL would bring the list back, stale, for twice the hold TTL, and a later
-- takeover under the same node id would read sessions long ended.
-- KEYS[1] the held list <prefix>held:{<dead node>}
-- KEYS[2] the takeover lease <prefix>takeover:{<dead node>} (the same slot)
-- ARGV[1] the taker's node id
-- ARGV[2] the list's TTL ms
-- ARGV[3] 1 if the list may be missing (the journal added: the node may not have renewed yet), else 0
-- ARGV[4] the list (HeldList.encode); empty to delete it
-- Returns 1 if written, 0 if not (another node's lease, or the list gone).
if redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return 0
end
if ARGV[4] == '' then
  return redis.call('DEL', KEYS[1])
end
if ARGV[3] ~= '1' and redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[2])
return 1
