#!lua
-- Adds a session to a socket's index unless the socket is full; counts as use.
-- KEYS[1] socket hash, KEYS[2] socket's session set
-- ARGV[1] session id, ARGV[2] most sessions allowed, ARGV[3] idle TTL, ms
-- Returns 1 added (or already there), 0 limit reached, -1 no such socket.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then
  if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[2]) then
    return 0
  end
  redis.call('SADD', KEYS[2], ARGV[1])
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
