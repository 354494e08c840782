-- Publishes messages to sockets' sessions (SocketStore.publish), one or more publishes in one
-- call (the node merges publishes that wait for the same round trip): for each, reads the socket,
-- counts the use, queues the message for each session as enqueue.lua does (keep the two in step)
-- and wakes its holder; sessions found missing or closed leave the socket's index.
-- The sessions' keys are built from the scope prefix rather than passed in KEYS, since the index
-- is read here; they carry the socket's hash tag, so on a Redis Cluster they are in its slot (and
-- there every publish of one call is of one socket).
-- Replays: Redisson resends a call that got no answer in time, and a stalled Redis then runs every
-- copy. The call's reply key (KEYS[1], node-made id) holds the answers of the run that queued
-- anything, so a repeated call queues nothing and answers what the first run did. A publish that
-- carries the application's request id has a reply key of its own (<prefix>r:<ARGV[5i+11]>, in the
-- socket's slot), so the application's retry of it in another call answers the same way.
-- KEYS[1] the call's reply key, <prefix>{<scope of the first publish>}:r:<call id>
-- ARGV[1] TTL ms of the call's reply key (longer than Redisson's retries take)
-- ARGV[2] TTL ms of a request id's reply key (how long an application may retry with it)
-- ARGV[3] idle TTL ms: a checked publish renews the socket's keys to ARGV[3] + ARGV[4] once fewer
--         than ARGV[3] + ARGV[4] / 2 remain, so most publishes write nothing and a socket still
--         lives at least ARGV[3] after its last use (unchecked publishes come at most ARGV[4] / 2
--         after a checked one)
-- ARGV[4] renewal slack ms
-- ARGV[5] max queue length
-- ARGV[6] publish command: SPUBLISH (Redis Cluster, sharded) | PUBLISH
-- Then the i-th publish (i from 0):
--   KEYS[3i+2] socket hash, KEYS[3i+3] socket's session set, KEYS[3i+4] the socket's wake-up channel
--   ARGV[5i+7] key prefix of the socket's sessions, <prefix>{<socketId>}: (then s:<sid>, q:<sid>)
--   ARGV[5i+8] the message
--   ARGV[5i+9] the one session to publish to; '' for every session in the index
--   ARGV[5i+10] '1' to check the socket's TTL (and renew it), '0' when the node checked it lately
--              (RenewalChecks): the socket's existence then follows from its session set, which
--              every script keeps with the socket's TTL (a set with members means a live socket)
--   ARGV[5i+11] the application's request id, made into a key name; '' for none
-- Returns one answer per publish, in order: false if there is no socket, else
--   {application, client, renewed (0|1), {sid, status, length}*} (application and client '' unless
--   renewed): status 0 queued, 1 no session, 2 closed, 3 queue full (nothing queued); length is the
--   queue's length after the publish (0 unless queued or full). renewed 1 when the socket's TTL was
--   renewed (the caller renews the client key then).
-- Wake-up as enqueue.lua's: m<len(sid)>:<sid><firstSeq>:1:<len(msg)>:<msg>
local done = redis.call('GET', KEYS[1])
if done then
  return cjson.decode(done)
end
local idle = tonumber(ARGV[3])
local slack = tonumber(ARGV[4])
local max = tonumber(ARGV[5])
local publish = ARGV[6]
local queuedAny = false

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
        queuedAny = true
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
for i = 0, (#KEYS - 1) / 3 - 1 do
  local prefix, request = ARGV[5 * i + 7], ARGV[5 * i + 11]
  local answer
  if request ~= '' then
    local requestKey = prefix .. 'r:' .. request
    local earlier = redis.call('GET', requestKey)
    if earlier then
      answer = cjson.decode(earlier)
    else
      answer = publishOne(KEYS[3 * i + 2], KEYS[3 * i + 3], KEYS[3 * i + 4], prefix, ARGV[5 * i + 8],
          ARGV[5 * i + 9], ARGV[5 * i + 10])
      redis.call('SET', requestKey, cjson.encode(answer), 'PX', ARGV[2])
    end
  else
    answer = publishOne(KEYS[3 * i + 2], KEYS[3 * i + 3], KEYS[3 * i + 4], prefix, ARGV[5 * i + 8],
        ARGV[5 * i + 9], ARGV[5 * i + 10])
  end
  answers[i + 1] = answer
end
if queuedAny then
  redis.call('SET', KEYS[1], cjson.encode(answers), 'PX', ARGV[1])
end
return answers
