-- Publishes one message to a socket's sessions (SocketStore.publish) in one step: reads the socket,
-- counts the use, queues the message for each session as enqueue.lua does (keep the two in step)
-- and wakes its holder; sessions found missing or closed leave the socket's index.
-- The sessions' keys are built from ARGV[5] rather than passed in KEYS, since the index is read
-- here; they carry the socket's hash tag, so on a Redis Cluster they are in KEYS[1]'s slot.
-- KEYS[1] socket hash, KEYS[2] socket's session set, KEYS[3] the socket's wake-up channel
-- ARGV[1] idle TTL ms: a use renews the socket's keys to ARGV[1] + ARGV[2] once fewer than ARGV[1]
--         remain, so most uses write nothing and an unused socket still lives at least ARGV[1]
-- ARGV[2] renewal slack ms
-- ARGV[3] max queue length
-- ARGV[4] publish command: SPUBLISH (Redis Cluster, sharded) | PUBLISH
-- ARGV[5] key prefix of the socket's sessions, <prefix>{<socketId>}: (then s:<sid>, q:<sid>)
-- ARGV[6] the message
-- ARGV[7] the one session to publish to; absent for every session in the index
-- Returns nil if there is no socket, else {application, client, renewed (0|1), {sid, status, length}*}
--   (application and client '' unless renewed):
--   status 0 queued, 1 no session, 2 closed, 3 queue full (nothing queued); length is the queue's
--   length after the publish (0 unless queued or full). renewed 1 when the socket's TTL was renewed
--   (the caller renews the client key then).
-- Wake-up as enqueue.lua's: m<len(sid)>:<sid><firstSeq>:1:<len(msg)>:<msg>
-- PTTL alone tells whether the socket lives (-2: no key); its fields are read only when needed.
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -2 then
  return nil
end
local idle = tonumber(ARGV[1])
local reply = {'', '', 0}
if ttl < idle then
  redis.call('PEXPIRE', KEYS[1], idle + tonumber(ARGV[2]))
  redis.call('PEXPIRE', KEYS[2], idle + tonumber(ARGV[2]))
  local socket = redis.call('HMGET', KEYS[1], 'a', 'c')
  reply = {socket[1], socket[2], 1}
end
local sessions
if ARGV[7] then
  sessions = {ARGV[7]}
else
  sessions = redis.call('SMEMBERS', KEYS[2])
end
local max = tonumber(ARGV[3])
local msg = ARGV[6]
for _, sid in ipairs(sessions) do
  local hash = ARGV[5] .. 's:' .. sid
  local queue = ARGV[5] .. 'q:' .. sid
  local f = redis.call('HMGET', hash, 'st', 'h', 'l', 'a')
  local status, length = 0, 0
  if not f[1] then
    status = 1
  elseif f[1] ~= 'o' then
    status = 2
  else
    local last = tonumber(f[3])
    length = last - tonumber(f[4])
    if length + 1 > max then
      status = 3
    else
      length = redis.call('RPUSH', queue, msg)
      redis.call('HSET', hash, 'l', last + 1)
      if length == 1 then
        -- A new list: it takes the session's TTL (an existing one has it already).
        local ttl = redis.call('PTTL', hash)
        if ttl > 0 then redis.call('PEXPIRE', queue, ttl) end
      end
      if f[2] then
        redis.call(ARGV[4], KEYS[3], table.concat({'m', #sid, ':', sid, last + 1, ':1:', #msg, ':', msg}))
      end
    end
  end
  if status == 1 or status == 2 then
    redis.call('SREM', KEYS[2], sid)
  end
  reply[#reply + 1] = sid
  reply[#reply + 1] = status
  reply[#reply + 1] = length
end
return reply
