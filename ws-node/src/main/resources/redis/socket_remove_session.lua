#!lua flags=allow-oom
-- Removes a session from a socket's index; counts as use when the socket lives.
-- KEYS[1] socket hash, KEYS[2] socket's session set
-- ARGV[1] session id, ARGV[2] idle TTL, ms
-- Returns 1 removed, 0 not there or no socket.
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[2])
  return 0
end
local removed = redis.call('SREM', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return removed
