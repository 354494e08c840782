#!lua flags=allow-oom
-- Drops acknowledged messages from the queues of several sessions (SessionStore.acknowledge, batched
-- by the node over a few milliseconds); on a Redis Cluster all of them are of one scope (one slot).
-- Trims with trimQueue (queue_trim.lua, put before this text by LuaScripts; release.lua trims with
-- it too), which counts the trimmed bytes off the session's qb.
-- KEYS[2i-1] session hash, KEYS[2i] queue list of the i-th session
-- ARGV[2i-1] receiver id that must hold the i-th session's slot
-- ARGV[2i] highest seq that receiver wrote
-- Returns one answer per session, in order: 1 done, 0 another receiver holds the slot (the caller
-- was evicted), -1 no session.
local answers = {}
for i = 1, #KEYS / 2 do
  local hash, queue = KEYS[2 * i - 1], KEYS[2 * i]
  local f = redis.call('HMGET', hash, 'st', 'h', 'a', 'qb')
  if not f[1] then
    answers[i] = -1
  elseif f[2] ~= ARGV[2 * i - 1] then
    answers[i] = 0
  else
    local acked = tonumber(f[3])
    local upto, queuedBytes = trimQueue(queue, acked, tonumber(ARGV[2 * i]), f[4])
    if upto > acked then
      redis.call('HSET', hash, 'a', upto, 'qb', queuedBytes)
    end
    answers[i] = 1
  end
end
return answers
