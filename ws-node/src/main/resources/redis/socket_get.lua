-- Reads a socket and, when told, counts it as used (renews its TTL and its session set's).
-- KEYS[1] socket hash, KEYS[2] socket's session set
-- ARGV[1] '1' to count as use, '0' to only read
-- ARGV[2] idle TTL, ms
-- ARGV[3] '1' to return the session set too
-- ARGV[4] seconds after which the client key's TTL is due for renewal too
-- Returns nil if there is no socket, else {application, client, callback, renewClient (0|1), sessions...}.
local fields = redis.call('HMGET', KEYS[1], 'a', 'c', 'cb', 'ct')
if not fields[1] then
  return nil
end
local renewClient = 0
if ARGV[1] == '1' then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  local now = redis.call('TIME')
  if tonumber(now[1]) - tonumber(fields[4] or 0) > tonumber(ARGV[4]) then
    redis.call('HSET', KEYS[1], 'ct', now[1])
    renewClient = 1
  end
end
local reply = {fields[1], fields[2], fields[3], renewClient}
if ARGV[3] == '1' then
  for _, session in ipairs(redis.call('SMEMBERS', KEYS[2])) do
    table.insert(reply, session)
  end
end
return reply
