#!lua flags=allow-oom
-- Keeps held sessions' keys alive and checks that this node still holds them (the node's periodic
-- renewal); on a Redis Cluster all of them are of one scope (one slot).
-- KEYS[2i-1] session hash, KEYS[2i] queue list of the i-th session
-- ARGV[1] hold TTL ms
-- ARGV[i+1] receiver id expected to hold the i-th session's slot
-- Returns one answer per session, in order: 1 still held (TTL renewed), 0 another receiver holds
-- the slot, -1 no session.
local answers = {}
for i = 1, #KEYS / 2 do
  local hash, queue = KEYS[2 * i - 1], KEYS[2 * i]
  local h = redis.call('HGET', hash, 'h')
  if not h then
    if redis.call('EXISTS', hash) == 0 then answers[i] = -1 else answers[i] = 0 end
  elseif h ~= ARGV[i + 1] then
    answers[i] = 0
  else
    redis.call('PEXPIRE', hash, ARGV[1])
    redis.call('PEXPIRE', queue, ARGV[1])
    answers[i] = 1
  end
end
return answers
