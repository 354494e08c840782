#!lua
-- Appends messages to an open session's queue and wakes its receiver (SessionStore.enqueue), with
-- queueMessages (queue.lua, put before this text by LuaScripts; publish.lua queues with it too).
-- A call that queued records it under its reply key, so a repeat of it (Redisson resends a call
-- that got no answer in time; a stalled Redis runs every copy) queues nothing and answers 0 again.
-- KEYS[1] session hash, KEYS[2] queue list, KEYS[3] the scope's wake-up channel
-- KEYS[4] the call's reply key, <prefix>{<scope>}:r:<call id>
-- ARGV[1] max queue length
-- ARGV[2] publish command: SPUBLISH (Redis Cluster, sharded) | PUBLISH
-- ARGV[3] session id (named in the wake-up)
-- ARGV[4] TTL ms of the reply key (longer than Redisson's retries take)
-- ARGV[5..] the messages, in order
-- Returns 0 queued, 1 no session, 2 closed, 3 queue full (nothing queued).
if redis.call('EXISTS', KEYS[4]) == 1 then return 0 end
local status = queueMessages(KEYS[1], KEYS[2], KEYS[3], ARGV[3], ARGV, 5, #ARGV, tonumber(ARGV[1]), ARGV[2])
if status == 0 then
  redis.call('SET', KEYS[4], 0, 'PX', ARGV[4])
end
return status
