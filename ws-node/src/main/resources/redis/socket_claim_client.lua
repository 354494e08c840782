#!lua
-- Finds or sets the socket id of an application's client: the one place concurrent authorizes meet.
-- KEYS[1] client key ({<prefix>}client:{<application>:<client>}) holding a socket id
-- ARGV[1] candidate socket id, set if the client has none
-- ARGV[2] TTL of the client key, ms
-- ARGV[3] a socket id known to be dead (its socket expired), replaced by the candidate; '' for none
-- Returns the client's socket id: the existing one, or the candidate it set.
local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[3] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return current
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]
