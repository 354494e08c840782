#!lua flags=allow-oom
-- A client's send in one round trip: the session's state and, when it is open, its socket, read
-- and counted as use (renewed as socket_get.lua renews it). The session and the socket share the
-- socket's hash tag: one Cluster slot.
-- KEYS[1] session hash, KEYS[2] socket hash (its index too, socket_index.lua), KEYS[3] the
--         socket's session set of earlier builds (folded)
-- ARGV[1] idle TTL ms: the socket's keys are renewed to ARGV[1] + ARGV[2] once fewer than ARGV[1]
--         remain, so most uses write nothing
-- ARGV[2] renewal slack ms
-- Returns {'n'} no session, {'c'} a closed session, {'o'} an open session whose socket is gone,
--   else {'o', application, client, callback, renewed (0|1)}; renewed 1 when the socket's TTL was
--   renewed (the caller renews the client key then).
local state = redis.call('HGET', KEYS[1], 'st')
if not state then
  return {'n'}
end
if state ~= 'o' then
  return {'c'}
end
foldLegacyIndex(KEYS[2], KEYS[3])
local fields = redis.call('HMGET', KEYS[2], 'a', 'c', 'cb')
if not fields[1] then
  return {'o'}
end
local renewed = 0
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[1]) then
  redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[1]) + tonumber(ARGV[2]))
  renewed = 1
end
return {'o', fields[1], fields[2], fields[3], renewed}
