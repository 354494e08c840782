#!lua flags=allow-oom
-- Drops acknowledged messages from the queues of several sessions (SessionStore.acknowledge, batched
-- by the node over a few milliseconds); on a Redis Cluster all of them are of one scope (one slot).
-- KEYS[2i-1] session hash, KEYS[2i] queue list of the i-th session
-- ARGV[2i-1] receiver id that must hold the i-th session's slot
-- ARGV[2i] highest seq that receiver wrote
-- Returns one answer per session, in order: 1 done, 0 another receiver holds the slot (the caller
-- was evicted), -1 no session.
local answers = {}
for i = 1, #KEYS / 2 do
  local hash, queue = KEYS[2 * i - 1], KEYS[2 * i]
  local f = redis.call('HMGET', hash, 'st', 'h', 'a')
  if not f[1] then
    answers[i] = -1
  elseif f[2] ~= ARGV[2 * i - 1] then
    answers[i] = 0
  else
    local acked = tonumber(f[3])
    local wrote = tonumber(ARGV[2 * i])
    if wrote > acked then
      local upto = math.min(wrote, acked + redis.call('LLEN', queue))
      if upto > acked then
        redis.call('LTRIM', queue, upto - acked, -1)
        redis.call('HSET', hash, 'a', upto)
      end
    end
    answers[i] = 1
  end
end
return answers
