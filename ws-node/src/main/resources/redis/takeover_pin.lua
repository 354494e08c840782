#!lua flags=allow-oom
-- Keeps a dead node's sessions' keys alive while its takeover runs (NodeRoster), as the node's own
-- hold renewal did (touch.lua): unrenewed they expire a hold TTL after its last renewal, and a
-- takeover that reached a session only after that found it gone and could not tell it from one
-- that ended normally, so it was never heard of. Also tells which are gone now.
-- On a Redis Cluster all sessions of one call are in one slot.
-- KEYS[2i-1] session hash, KEYS[2i] queue list of the i-th session
-- ARGV[1] TTL ms
-- ARGV[2] the dead node's id
-- ARGV[3] receiver numbers from this one up are of a process started after the death under the
--         same node id (ReceiverId.firstAfter): its sessions are not the dead one's
-- Returns one answer per session, in order: 1 held by the dead node (renewed), 0 there but not
-- held by it (released, or another receiver's), -1 gone.
local answers = {}
local bound = tonumber(ARGV[3])
for i = 1, #KEYS / 2 do
  local hash, queue = KEYS[2 * i - 1], KEYS[2 * i]
  local h = redis.call('HGET', hash, 'h')
  local node, number
  if h then node, number = string.match(h, '^(.*):(%d+)$') end
  if node == ARGV[2] and tonumber(number) < bound then
    redis.call('PEXPIRE', hash, ARGV[1])
    redis.call('PEXPIRE', queue, ARGV[1])
    answers[i] = 1
  elseif h or redis.call('EXISTS', hash) == 1 then
    answers[i] = 0
  else
    answers[i] = -1
  end
end
return answers
