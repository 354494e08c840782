#!lua
-- Publishes messages to sockets' sessions (SocketStore.publish), one or more publishes in one
-- call (the node merges publishes that wait for the same round trip, and runs a batch of the API,
-- SocketStore.publishAll, as one call per slot): for each, reads the socket,
-- counts the use, queues the message for each session with queueMessages (queue.lua, put before
-- this text by LuaScripts; enqueue.lua queues with it too) and so wakes its holder on the holder's
-- node channel (wakeHolder, wakeup.lua: one PUBLISH per node and run); sessions found missing or closed leave the socket's index
-- (fields of the socket's hash: socket_index.lua, put before this text by LuaScripts).
-- Keys: every key is passed in KEYS except those of the sessions found in the socket's index,
-- which no caller can name before this script reads the index; for those (only) the script builds
-- them from the key prefix and the socket id, and they carry the socket's hash tag, so on a Redis
-- Cluster they are in the socket's slot, as every key of a call is (there the publishes of one
-- call are of one socket, or of sockets whose ids hash to one slot: a batch from the API).
-- Passing them in KEYS would take a second round trip per publish.
-- Replays: Redisson resends a call that got no answer in time, and a stalled Redis then runs every
-- copy. The call's reply key (KEYS[1], node-made id) holds the answers of the run that queued
-- anything, so a repeated call queues nothing and answers what the first run did. A publish that
-- carries the application's request id and queued anything has a reply key of its own (in the
-- socket's slot), so the application's retry of it in another call answers the same way; one that
-- queued nothing leaves no key (a retry of it is its first delivery).
-- KEYS[1] the call's reply key, <prefix>{<scope of the first publish>}:r:<call id>
-- ARGV[1] TTL ms of the call's reply key (longer than Redisson's retries take)
-- ARGV[2] TTL ms of a request id's reply key (how long an application may retry with it)
-- ARGV[3] idle TTL ms: a checked publish renews the socket's keys to ARGV[3] + ARGV[4] once fewer
--         than ARGV[3] + ARGV[4] / 2 remain, so most publishes write nothing and a socket still
--         lives at least ARGV[3] after its last use (unchecked publishes come at most ARGV[4] / 2
--         after a checked one)
-- ARGV[4] renewal slack ms
-- ARGV[5] the queue's bound, '<messages>:<bytes>' (queueBound, queue.lua)
-- ARGV[6] the engine's key prefix: of the sessions' keys read from an index,
--         <prefix>{<socketId>}:s:<sid> and q:<sid>, and of wake-up channels
-- Then the i-th publish (i from 0), its keys after those of the publishes before it:
--   KEYS socket hash (its index too), the socket's session set of earlier builds (folded); then
--        the request id's reply key
--        <prefix>{<socketId>}:r:<request digest> if ARGV[5i+11] is '1' or '2'; then the session's hash
--        and queue if ARGV[5i+9] names one
--   ARGV[5i+7] the socket's id (the scope of its sessions, named in their wake-ups)
--   ARGV[5i+8] the message
--   ARGV[5i+9] the one session to publish to; '' for every session in the index
--   ARGV[5i+10] '1' to check the socket's TTL (and renew it), '0' when the node checked it lately
--              (RenewalChecks): sessions in its index then prove that the socket lives (they are
--              fields of its hash); with none, the script asks EXISTS
--   ARGV[5i+11] '1' if the publish carries the application's request id (its reply key in KEYS);
--              '2' if it does but its application may remember no more (SocketStore.countRequestIds):
--              only a repeat is answered, anything else publishes nothing and answers renewed 3
-- Returns one answer per publish, in order: false if there is no socket, else
--   {application, client, renewed (0|1|2), {sid, status, length}*} (application and client '' unless
--   renewed): status 0 queued, 1 no session, 2 closed, 3 queue full (nothing queued); length is the
--   queue's length after the publish (0 unless queued or full). renewed 1 when the socket's TTL was
--   renewed (the caller renews the client key then); 2 when the answer is a request id's earlier
--   one given again (a repeat: this run queued and renewed nothing for it); 3 when a request id
--   under '2' was no repeat ({'', '', 3}: nothing done).
local done = redis.call('GET', KEYS[1])
if done then
  return cjson.decode(done)
end
local idle = tonumber(ARGV[3])
local slack = tonumber(ARGV[4])
local max = queueBound(ARGV[5])
local keyPrefix = ARGV[6]
local queuedAny = false
-- Whether the publish being run queued anything (publishOne sets it).
local queuedHere = false
-- Every holder node's wake-ups of this run in one PUBLISH at the end (wakeup.lua).
deferWakeups()

-- k: the index in KEYS of the publish's first key; a: of its first own argument.
local function publishOne(k, a)
  local socket = KEYS[k]
  local socketId, only, check = ARGV[a], ARGV[a + 2], ARGV[a + 3]
  if only ~= '' then
    foldLegacyIndex(socket, KEYS[k + 1])
  end
  local sessionKeys = ARGV[a + 4] ~= '0' and k + 3 or k + 2
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
      local fields = redis.call('HMGET', socket, 'a', 'c')
      reply = {fields[1], fields[2], 1}
    end
  end
  local sessions, prefix
  if only ~= '' then
    sessions = {only}
  else
    prefix = keyPrefix .. '{' .. socketId .. '}:'
    sessions = indexedSessions(socket)
    -- An index with a field was folded already (joinSocket folds before it adds one), so only an
    -- empty one can have a set of an earlier build left: one command fewer per publish.
    if #sessions == 0 and foldLegacyIndex(socket, KEYS[k + 1]) then
      sessions = indexedSessions(socket)
    end
    if #sessions == 0 and check ~= '1' and redis.call('EXISTS', socket) == 0 then
      return false
    end
  end
  for _, sid in ipairs(sessions) do
    local hash, queue
    if only ~= '' then
      hash, queue = KEYS[sessionKeys], KEYS[sessionKeys + 1]
    else
      hash, queue = prefix .. 's:' .. sid, prefix .. 'q:' .. sid
    end
    local status, length = queueMessages(hash, queue, keyPrefix, socketId, sid, ARGV, a + 1, a + 1, max)
    if status == 0 then
      queuedAny = true
      queuedHere = true
    elseif status == 1 or status == 2 then
      leaveSocket(socket, sid)
    end
    reply[#reply + 1] = sid
    reply[#reply + 1] = status
    reply[#reply + 1] = length
  end
  return reply
end

local answers = {}
local k = 2
for a = 7, #ARGV, 5 do
  local answer
  if ARGV[a + 4] ~= '0' then
    local requestKey = KEYS[k + 2]
    local earlier = redis.call('GET', requestKey)
    if earlier then
      answer = cjson.decode(earlier)
      -- A repeat: it queued and renewed nothing now, and the node charges its budget nothing.
      if answer then
        answer[3] = 2
      end
    elseif ARGV[a + 4] == '2' then
      answer = {'', '', 3}
    else
      queuedHere = false
      answer = publishOne(k, a)
      -- Remembered only if it queued: a publish that queued nothing (no socket, no session, queues
      -- full) has nothing to repeat, and remembering it let any caller write a key that lives
      -- for ARGV[2] per target named, uncharged, even for sockets that do not exist.
      if queuedHere then
        redis.call('SET', requestKey, cjson.encode(answer), 'PX', ARGV[2])
      end
    end
  else
    answer = publishOne(k, a)
  end
  answers[#answers + 1] = answer
  k = k + 2 + (ARGV[a + 4] ~= '0' and 1 or 0) + (ARGV[a + 2] ~= '' and 2 or 0)
end
if queuedAny then
  redis.call('SET', KEYS[1], cjson.encode(answers), 'PX', ARGV[1])
end
sendDeferredWakeups()
return answers
