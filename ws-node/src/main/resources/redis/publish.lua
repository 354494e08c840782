-- Publishes messages to sockets' sessions (SocketStore.publish), one or more publishes in one
-- call (the node merges publishes that wait for the same round trip): for each, reads the socket,
-- counts the use, queues the message for each session as enqueue.lua does (keep the two in step)
-- and wakes its holder; sessions found missing or closed leave the socket's index.
-- The sessions' keys are built from the scope prefix rather than passed in KEYS, since the index
-- is read here; they carry the socket's hash tag, so on a Redis Cluster they are in its slot (and
-- there every publish of one call is of one socket).
-- ARGV[1] idle TTL ms: a checked publish renews the socket's keys to ARGV[1] + ARGV[2] once fewer
--         than ARGV[1] + ARGV[2] / 2 remain, so most publishes write nothing and a socket still
--         lives at least ARGV[1] after its last use (unchecked publishes come at most ARGV[2] / 2
--         after a checked one)
-- ARGV[2] renewal slack ms
-- ARGV[3] max queue length
-- ARGV[4] publish command: SPUBLISH (Redis Cluster, sharded) | PUBLISH
-- Then the i-th publish (i from 0):
--   KEYS[3i+1] socket hash, KEYS[3i+2] socket's session set, KEYS[3i+3] the socket's wake-up channel
--   ARGV[4i+5] key prefix of the socket's sessions, <prefix>{<socketId>}: (then s:<sid>, q:<sid>)
--   ARGV[4i+6] the message
--   ARGV[4i+7] the one session to publish to; '' for every session in the index
--   ARGV[4i+8] '1' to check the socket's TTL (and renew it), '0' when the node checked it lately
--              (RenewalChecks): the socket's existence then follows from its session set, which
--              every script keeps with the socket's TTL (a set with members means a live socket)
-- Returns one answer per publish, in order: false if there is no socket, else
--   {application, client, renewed (0|1), {sid, status, length}*} (application and client '' unless
--   renewed): status 0 queued, 1 no session, 2 closed, 3 queue full (nothing queued); length is the
--   queue's length after the publish (0 unless queued or full). renewed 1 when the socket's TTL was
--   renewed (the caller renews the client key then).
-- Wake-up as enqueue.lua's: m<len(sid)>:<sid><firstSeq>:1:<len(msg)>:<msg>
local idle = tonumber(ARGV[1])
local slack = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
local publish = ARGV[4]

local function publishOne(socket, index, channel, prefix, msg, only, check)
  local reply = {'', '', 0}
  if check == '1' or only ~= '' then
    -- PTTL alone tells whether the socket lives (-2: no key); its fields are read only when needed.
    local ttl = redis.call('PTTL', socket)
    if ttl == -2 then
      return false
    end
    -- Renewed once less than idle + slack/2 remains: the node skips checks for up to slack/2
    -- after this one (RenewalChecks), and the socket must still outlive its last use by idle.
    if check == '1' and ttl < idle + slack / 2 then
      redis.call('PEXPIRE', socket, idle + slack)
      redis.call('PEXPIRE', index, idle + slack)
      local fields = redis.call('HMGET', socket, 'a', 'c')
      reply = {fields[1], fields[2], 1}
    end
  end
  local sessions
  if only ~= '' then
    sessions = {only}
  else
    sessions = redis.call('SMEMBERS', index)
    if #sessions == 0 and check ~= '1' and redis.call('EXISTS', socket) == 0 then
      return false
    end
  end
  for _, sid in ipairs(sessions) do
    local hash = prefix .. 's:' .. sid
    local f = redis.call('HMGET', hash, 'st', 'h', 'a')
    local status, length = 0, 0
    if not f[1] then
      status = 1
    elseif f[1] ~= 'o' then
      status = 2
    else
      -- Push first and take it back when that overflows: one call fewer per message than reading
      -- the length first, and the queue is full only when its client stopped reading.
      local queue = prefix .. 'q:' .. sid
      length = redis.call('RPUSH', queue, msg)
      if length > max then
        redis.call('RPOP', queue)
        length = length - 1
        status = 3
      else
        if length == 1 then
          -- A new list: it takes the session's TTL (an existing one has it already).
          local ttl = redis.call('PTTL', hash)
          if ttl > 0 then redis.call('PEXPIRE', queue, ttl) end
        end
        if f[2] then
          local seq = tonumber(f[3]) + length
          redis.call(publish, channel, table.concat({'m', #sid, ':', sid, seq, ':1:', #msg, ':', msg}))
        end
      end
    end
    if status == 1 or status == 2 then
      redis.call('SREM', index, sid)
    end
    reply[#reply + 1] = sid
    reply[#reply + 1] = status
    reply[#reply + 1] = length
  end
  return reply
end

local answers = {}
for i = 0, #KEYS / 3 - 1 do
  answers[i + 1] = publishOne(KEYS[3 * i + 1], KEYS[3 * i + 2], KEYS[3 * i + 3],
      ARGV[4 * i + 5], ARGV[4 * i + 6], ARGV[4 * i + 7], ARGV[4 * i + 8])
end
return answers
