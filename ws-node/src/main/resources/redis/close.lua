#!lua flags=allow-oom
-- Closes an open session (SessionStore.close): its receiver gets what was queued, then the frame.
-- KEYS[1] session hash, KEYS[2] queue list
-- KEYS[3] the call's reply key <prefix>{<scope>}:r:<call id>: a close that closed records it, so a
--         repeat of the call (Redisson resends a call that got no answer in time) answers 1 again
-- ARGV[1] close frame text
-- ARGV[2] the engine's key prefix (the holder's wake-up channel is <prefix>wake:{<nodeId>})
-- ARGV[3] scope, ARGV[4] session id (named in the wake-up)
-- ARGV[5] TTL ms of the reply key (longer than Redisson's retries take)
-- Returns 1 closed, 0 not open (missing or already closed).
-- Wake-up (only while a receiver holds the slot, on its node's channel: wakeHolder, wakeup.lua,
-- put before this text by LuaScripts): c<len(scope)>:<scope><len(sid)>:<sid><lastSeq>:<frame>
if redis.call('EXISTS', KEYS[3]) == 1 then return 1 end
local f = redis.call('HMGET', KEYS[1], 'st', 'h', 'a')
if f[1] ~= 'o' then return 0 end
redis.call('HSET', KEYS[1], 'st', 'c', 'cf', ARGV[1])
if f[2] then
  local scope, sid = ARGV[3], ARGV[4]
  local last = tonumber(f[3]) + redis.call('LLEN', KEYS[2])
  wakeHolder(ARGV[2], f[2], {'c', #scope, ':', scope, #sid, ':', sid, last, ':', ARGV[1]})
end
redis.call('SET', KEYS[3], 1, 'PX', ARGV[5])
return 1
