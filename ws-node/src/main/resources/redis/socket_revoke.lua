#!lua flags=allow-oom
-- Removes a socket with its session index, answering what it held.
-- KEYS[1] socket hash, KEYS[2] socket's session set
-- Returns nil if there is no socket, else {application, client, callback, sessions...}.
local fields = redis.call('HMGET', KEYS[1], 'a', 'c', 'cb')
if not fields[1] then
  redis.call('DEL', KEYS[2])
  return nil
end
local reply = {fields[1], fields[2], fields[3]}
for _, session in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  table.insert(reply, session)
end
redis.call('DEL', KEYS[1], KEYS[2])
return reply
