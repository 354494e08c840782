#!lua flags=allow-oom
-- Ends sessions whose connection is gone (a websocket whose client left), many in one run
-- (SessionEnds): each is closed, deleted and taken out of its socket's index in one step, where
-- close.lua, a DEL and socket_remove_session.lua took three calls one after the other. No wake-up:
-- the only receiver of a websocket session is the connection that ended. (socket_index.lua,
-- put before this text by LuaScripts.)
-- Replays: a run Redis left unanswered may have run (Redisson resends it, and so does the node,
-- until an answer comes); a copy that runs after the first must answer as it did, since the node
-- tells the application of a session's end only on an answer "was open". The run's answers are
-- kept under its reply key, which every copy carries, and a copy that finds them changes nothing.
-- A session ended open gets an "end owed" mark, which the node deletes once the application heard
-- of the end: should the node die before (this run's answer lost), its takeover finds the session
-- gone and the mark there, and tells the application (expire.lua).
-- KEYS[1] the run's reply key, <prefix>{<scope of the first session>}:r:<call id>
-- KEYS[5i-3] session hash, KEYS[5i-2] queue list, KEYS[5i-1] socket hash (its index),
-- KEYS[5i] the socket's session set of earlier builds (folded), KEYS[5i+1] the end-owed mark,
-- of the i-th session
-- ARGV[1] socket idle TTL ms (leaving the index counts as use of the socket, as in
--         socket_remove_session.lua)
-- ARGV[2] TTL ms of the reply key and the marks (longer than the node sends the run again)
-- ARGV[i+2] the i-th session's id
-- Returns one answer per session, in order: 1 it was open (this ended it) and no one told of it yet,
-- 0 closed or gone, or told of by a takeover.
local done = redis.call('GET', KEYS[1])
if done then
  -- An end whose mark is gone was told of already: by a takeover that judged this node dead while
  -- the run went unanswered (the node deletes its marks only after it heard an answer).
  local answers = cjson.decode(done)
  for i = 1, #answers do
    if answers[i] == 1 and redis.call('EXISTS', KEYS[5 * i + 1]) == 0 then
      answers[i] = 0
    end
  end
  return answers
end
local answers = {}
for i = 1, #ARGV - 2 do
  local hash, queue, socket, legacy, owed = KEYS[5 * i - 3], KEYS[5 * i - 2], KEYS[5 * i - 1], KEYS[5 * i],
    KEYS[5 * i + 1]
  local wasOpen = redis.call('HGET', hash, 'st') == 'o'
  redis.call('DEL', hash, queue)
  foldLegacyIndex(socket, legacy)
  if redis.call('EXISTS', socket) == 1 then
    leaveSocket(socket, ARGV[i + 2])
    redis.call('PEXPIRE', socket, ARGV[1])
  end
  if wasOpen then
    redis.call('SET', owed, '1', 'PX', ARGV[2])
    answers[i] = 1
  else
    answers[i] = 0
  end
end
redis.call('SET', KEYS[1], cjson.encode(answers), 'PX', ARGV[2])
return answers
