#!lua flags=allow-oom
-- Closes an open session (SessionStore.close): its receiver gets what was queued, then the frame.
-- KEYS[1] session hash, KEYS[2] queue list, KEYS[3] the scope's wake-up channel
-- KEYS[4] the call's reply key <prefix>{<scope>}:r:<call id>: a close that closed records it, so a
--         repeat of the call (Redisson resends a call that got no answer in time) answers 1 again
-- ARGV[1] close frame text
-- ARGV[2] publish command: SPUBLISH | PUBLISH
-- ARGV[3] session id
-- ARGV[4] TTL ms of the reply key (longer than Redisson's retries take)
-- Returns 1 closed, 0 not open (missing or already closed).
-- Wake-up (only while a receiver holds the slot): c<len(sid)>:<sid><lastSeq>:<frame>
if redis.call('EXISTS', KEYS[4]) == 1 then return 1 end
local f = redis.call('HMGET', KEYS[1], 'st', 'h', 'a')
if f[1] ~= 'o' then return 0 end
redis.call('HSET', KEYS[1], 'st', 'c', 'cf', ARGV[1])
if f[2] then
  local sid = ARGV[3]
  local last = tonumber(f[3]) + redis.call('LLEN', KEYS[2])
  redis.call(ARGV[2], KEYS[3], table.concat({'c', #sid, ':', sid, last, ':', ARGV[1]}))
end
redis.call('SET', KEYS[4], 1, 'PX', ARGV[4])
return 1
