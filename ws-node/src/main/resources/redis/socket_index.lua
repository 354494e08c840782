-- A socket's session index (LuaScripts puts this text before every script that takes a socket's
-- keys): a field 's:<sid>' (value '') per session in the socket's own hash, beside the socket's
-- fields a, c and cb. Since issue 16; before, a set of its own (<prefix>{<socketId>}:sessions),
-- which cost an idle session 224-248 bytes of Redis where a field costs 0-32 (BENCHMARKS.md).
-- The old set's name is still the socket's second key: foldLegacyIndex moves a set left by an
-- earlier build into the hash the first time a script touches its socket, so nodes restarted
-- onto this build keep the index entries of the sessions that outlived the restart. (Old and new
-- builds cannot run side by side anyway, README "Nodes of different builds"; the fold can go once
-- no store holds data of a build before it: one socket idle timeout after the restart.)
local INDEX_FIELD = 's:'
-- The socket's own fields (socket_authorize.lua writes all three at once): a, c, cb.
local SOCKET_FIELDS = 3

-- Returns true if there was a set to fold.
local function foldLegacyIndex(socket, legacy)
  if redis.call('EXISTS', legacy) == 0 then
    return false
  end
  if redis.call('EXISTS', socket) == 1 then
    for _, sid in ipairs(redis.call('SMEMBERS', legacy)) do
      redis.call('HSET', socket, INDEX_FIELD .. sid, '')
    end
  end
  redis.call('DEL', legacy)
  return true
end

-- The session ids in the socket's index; none when the socket is gone.
local function indexedSessions(socket)
  local sessions = {}
  for _, field in ipairs(redis.call('HKEYS', socket)) do
    if string.sub(field, 1, 2) == INDEX_FIELD then
      sessions[#sessions + 1] = string.sub(field, 3)
    end
  end
  return sessions
end

-- joinSocket's part once the socket is known to exist (folded): claim_open.lua checks that first.
-- joinLiveSocket(socket hash, session id, most sessions allowed, socket TTL ms): 1 added (or already
-- there), 0 limit reached.
local function joinLiveSocket(socket, sid, most, ttl)
  local field = INDEX_FIELD .. sid
  if redis.call('HEXISTS', socket, field) == 0 then
    if redis.call('HLEN', socket) - SOCKET_FIELDS >= tonumber(most) then
      return 0
    end
    redis.call('HSET', socket, field, '')
  end
  redis.call('PEXPIRE', socket, ttl)
  return 1
end

-- Adds a session to its socket's index unless the socket is full; counts as use.
-- joinSocket(socket hash, legacy session set, session id, most sessions allowed, socket TTL ms)
-- Returns 1 added (or already there), 0 limit reached, -1 no such socket.
local function joinSocket(socket, legacy, sid, most, ttl)
  foldLegacyIndex(socket, legacy)
  if redis.call('EXISTS', socket) == 0 then
    return -1
  end
  return joinLiveSocket(socket, sid, most, ttl)
end

-- Takes a session out of its socket's index: 1 removed, 0 not there.
local function leaveSocket(socket, sid)
  return redis.call('HDEL', socket, INDEX_FIELD .. sid)
end
