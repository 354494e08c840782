#!lua flags=allow-oom
-- Reads a socket and, when told, counts it as used (renews its TTL).
-- KEYS[1] socket hash (its index too, socket_index.lua), KEYS[2] the socket's session set of
--         earlier builds (folded)
-- ARGV[1] '1' to count as use, '0' to only read
-- ARGV[2] idle TTL ms: a use renews the socket's keys to ARGV[2] + ARGV[3] once fewer than ARGV[2]
--         remain (as publish.lua does), so most uses write nothing
-- ARGV[3] renewal slack ms
-- Returns nil if there is no socket, else {application, client, callback, renewed (0|1)}; renewed 1
--   when the socket's TTL was renewed (the caller renews the client key then).
foldLegacyIndex(KEYS[1], KEYS[2])
local fields = redis.call('HMGET', KEYS[1], 'a', 'c', 'cb')
if not fields[1] then
  return nil
end
local renewed = 0
if ARGV[1] == '1' and redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + tonumber(ARGV[3]))
  renewed = 1
end
return {fields[1], fields[2], fields[3], renewed}
