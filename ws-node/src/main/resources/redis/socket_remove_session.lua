#!lua flags=allow-oom
-- Removes a session from a socket's index (leaveSocket, socket_index.lua, put before this text by
-- LuaScripts); counts as use when the socket lives. An open session under that id is a successor
-- (a poll that came after the disconnect delay re-creates its session under the same id) whose
-- index entry the late notice of its predecessor's end must not take away: it is left, or
-- publishes would reach nobody while its client polls on.
-- KEYS[1] socket hash (its index too), KEYS[2] the socket's session set of earlier builds
--         (folded), KEYS[3] the session's hash
-- ARGV[1] session id, ARGV[2] idle TTL, ms
-- Returns 1 removed, 0 not there, no socket, or open again.
foldLegacyIndex(KEYS[1], KEYS[2])
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
if redis.call('HGET', KEYS[3], 'st') == 'o' then return 0 end
local removed = leaveSocket(KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return removed
