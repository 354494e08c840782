-- Appends messages to an open session's queue and wakes its receiver (SessionStore.enqueue).
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
-- Wake-up (only while a receiver holds the slot), lengths in bytes:
--   m<len(sid)>:<sid><firstSeq>:<count>:{<len(msg)>:<msg>}*
if redis.call('EXISTS', KEYS[4]) == 1 then return 0 end
local f = redis.call('HMGET', KEYS[1], 'st', 'h', 'a')
if not f[1] then return 1 end
if f[1] ~= 'o' then return 2 end
local n = #ARGV - 4
local queued = redis.call('LLEN', KEYS[2])
if queued + n > tonumber(ARGV[1]) then return 3 end
local length = 0
for i = 5, #ARGV, 1000 do
  length = redis.call('RPUSH', KEYS[2], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
if queued == 0 then
  -- A new list: it takes the session's TTL (an existing one has it already).
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
end
if f[2] then
  local sid = ARGV[3]
  local out = {'m', #sid, ':', sid, tonumber(f[3]) + queued + 1, ':', n, ':'}
  for i = 5, #ARGV do
    local msg = ARGV[i]
    out[#out + 1] = #msg
    out[#out + 1] = ':'
    out[#out + 1] = msg
  end
  redis.call(ARGV[2], KEYS[3], table.concat(out))
end
redis.call('SET', KEYS[4], 0, 'PX', ARGV[4])
return 0
