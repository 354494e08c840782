#!lua flags=allow-oom
-- Reads an application's client key, or forgets the client: deletes its key if it still holds the
-- socket named (revoke deletes it after the socket, so that a step Redisson sends again changes
-- nothing more: a resent read reads, a resent delete finds it gone or holding another socket).
-- KEYS[1] client key
-- ARGV[1] '' to read only, else the socket id the key must hold to be deleted
-- Returns the socket id it held, or nil.
local current = redis.call('GET', KEYS[1])
if current and ARGV[1] ~= '' and current == ARGV[1] then
  redis.call('DEL', KEYS[1])
end
return current
