-- Closes an open session (SessionStore.close): its receiver gets what was queued, then the frame.
-- KEYS[1] session hash, KEYS[2] queue list, KEYS[3] the scope's wake-up channel
-- ARGV[1] close frame text
-- ARGV[2] publish command: SPUBLISH | PUBLISH
-- ARGV[3] session id
-- Returns 1 closed, 0 not open (missing or already closed).
-- Wake-up (only while a receiver holds the slot): c<len(sid)>:<sid><lastSeq>:<frame>
local f = redis.call('HMGET', KEYS[1], 'st', 'h', 'a')
if f[1] ~= 'o' then return 0 end
redis.call('HSET', KEYS[1], 'st', 'c', 'cf', ARGV[1])
if f[2] then
  local sid = ARGV[3]
  local last = tonumber(f[3]) + redis.call('LLEN', KEYS[2])
  redis.call(ARGV[2], KEYS[3], table.concat({'c', #sid, ':', sid, last, ':', ARGV[1]}))
end
return 1
