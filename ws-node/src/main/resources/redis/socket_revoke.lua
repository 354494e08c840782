#!lua flags=allow-oom
-- Removes a socket with its session index (socket_index.lua, put before this text by LuaScripts),
-- answering what it held.
-- KEYS[1] socket hash (its index too), KEYS[2] the socket's session set of earlier builds (folded)
-- Returns nil if there is no socket, else {application, client, callback, sessions...}.
foldLegacyIndex(KEYS[1], KEYS[2])
local fields = redis.call('HMGET', KEYS[1], 'a', 'c', 'cb')
if not fields[1] then
  return nil
end
local reply = {fields[1], fields[2], fields[3]}
for _, session in ipairs(indexedSessions(KEYS[1])) do
  table.insert(reply, session)
end
redis.call('DEL', KEYS[1])
return reply
