#!lua
-- The claim of a new websocket session in a live socket (claim.lua's CREATE_ONLY case, Creation
-- CREATE_ONLY_IN_LIVE_SCOPE) and its join to the socket's index (joinLiveSocket, socket_index.lua,
-- put before this text by LuaScripts) in one call: the one round trip before a new websocket's open
-- frame. It checks that the socket lives first, in place of the look-up the upgrade made before
-- (socket_get): a gone socket gets NOT_FOUND, nothing written, and its websocket a 404 before the
-- 101. The socket's keys and the session's share the {<socketId>} hash tag (one Cluster slot).
-- Like socket_add_session, refused whole with OOM when Redis is full (no shebang flag), so a full
-- Redis creates no session.
-- KEYS[1..3] as claim.lua's (session hash, queue, the call's reply key: an opened session records
--            its answer, the join's outcome with it, so a repeat of the call changes nothing)
-- KEYS[4] socket hash (its index too), KEYS[5] the socket's session set of earlier builds (folded)
-- ARGV[1..9] as claim.lua's (ARGV[3] is 'O')
-- ARGV[10] session id, ARGV[11] most sessions a socket may have (0: check the socket, join nothing:
--          the node's push service has not told its limit yet), ARGV[12] socket TTL ms
-- ARGV[13] the socket's idle timeout ms: a join that finds less left renews the client key too
-- KEYS[6], ARGV[14] (optional) as claim.lua's KEYS[4], ARGV[10]: the claim journal
-- Returns {'OPENED', expired, joined} (joined as socket_add_session answers: 1 or 0; absent when
--   ARGV[11] is 0), then the socket's application and client when the join renewed a socket that
--   had less than its idle timeout left (the caller renews the client key, as after socket_get), {'BUSY', expired, ''} when a session of this id is there (claim.lua's answers),
--   or {'NOT_FOUND', 0, ''} when the socket is gone (nothing written: a repeat is a read).
-- Neither the socket nor a recorded answer: a gone socket (or a guessed id) costs this one read.
-- Else one of them is there, and without an answer recorded it is the socket. What an earlier
-- build left of a gone socket lapses with its own TTL.
if redis.call('EXISTS', KEYS[4], KEYS[3]) == 0 then
  return {'NOT_FOUND', 0, ''}
end
local done = redis.call('GET', KEYS[3])
if done then return cjson.decode(done) end
foldLegacyIndex(KEYS[4], KEYS[5])
local f = redis.call('HMGET', KEYS[1], 'st', 'h', 'x')
local expired = 0
if f[1] then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  -- Past its deadline and unheld: over, as claim.lua would find it; anything else is busy.
  if (f[2] or '') ~= '' or not f[3] or math.min(now, tonumber(ARGV[9])) < tonumber(f[3]) then
    return {'BUSY', 0, ''}
  end
  redis.call('DEL', KEYS[1], KEYS[2])
  if f[1] == 'o' then expired = 1 end
end
redis.call('HSET', KEYS[1], 'st', 'o', 'h', ARGV[1], 'a', 0, 'dd', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if KEYS[6] then
  local t = redis.call('TIME')
  noteClaim(KEYS[6], ARGV[14], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), ARGV[4])
end
local opened = {'OPENED', expired}
if tonumber(ARGV[11]) > 0 then
  local renews = redis.call('PTTL', KEYS[4]) < tonumber(ARGV[13])
  opened[3] = joinLiveSocket(KEYS[4], ARGV[10], ARGV[11], ARGV[12])
  if renews and opened[3] == 1 then
    local owner = redis.call('HMGET', KEYS[4], 'a', 'c')
    opened[4] = owner[1]
    opened[5] = owner[2]
  end
end
redis.call('SET', KEYS[3], cjson.encode(opened), 'PX', ARGV[8])
return opened
