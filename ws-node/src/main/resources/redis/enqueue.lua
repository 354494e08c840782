#!lua
-- Appends messages to an open session's queue and wakes its receiver (SessionStore.enqueue), with
-- queueMessages (queue.lua, put before this text by LuaScripts; publish.lua queues with it too).
-- A call that queued records it under its reply key, so a repeat of it (Redisson resends a call
-- that got no answer in time; a stalled Redis runs every copy) queues nothing and answers 0 again.
-- KEYS[1] session hash, KEYS[2] queue list
-- KEYS[3] the call's reply key, <prefix>{<scope>}:r:<call id>
-- ARGV[1] the queue's bound, '<messages>:<bytes>' (queueBound, queue.lua)
-- ARGV[2] the engine's key prefix (the holder's wake-up channel is <prefix>wake:{<nodeId>})
-- ARGV[3] scope, ARGV[4] session id (named in the wake-up)
-- ARGV[5] TTL ms of the reply key (longer than Redisson's retries take)
-- ARGV[6..] the messages, in order
-- Returns 0 queued, 1 no session, 2 closed, 3 queue full (nothing queued).
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local status = queueMessages(KEYS[1], KEYS[2], ARGV[2], ARGV[3], ARGV[4], ARGV, 6, #ARGV, queueBound(ARGV[1]))
if status == 0 then
  redis.call('SET', KEYS[3], 0, 'PX', ARGV[5])
end
return status
