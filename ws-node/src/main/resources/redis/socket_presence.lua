#!lua flags=no-writes,allow-oom
-- A SockJS request's look-up of its socket (SocketStore.presence): one read, run on the master as
-- every script is (a replica may not have a socket authorized a moment ago yet). Counts as no use.
-- KEYS[1] socket hash, KEYS[2] (optional) the hash of the session the request names; both carry
--         the socket's hash tag (one Cluster slot)
-- Returns 'L' the socket lives, 'G' it is gone and the session is still there, 'U' neither: the one
--   EXISTS over both answers all but a new session's first poll (the socket alone), which asks again.
local found = redis.call('EXISTS', unpack(KEYS))
if found == 0 then
  return 'U'
end
if found == 2 or redis.call('EXISTS', KEYS[1]) == 1 then
  return 'L'
end
return 'G'
