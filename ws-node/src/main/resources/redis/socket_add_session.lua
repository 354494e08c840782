#!lua
-- Adds a session to a socket's index unless the socket is full; counts as use (joinSocket,
-- socket_index.lua, put before this text by LuaScripts).
-- KEYS[1] socket hash (its index too), KEYS[2] the socket's session set of earlier builds (folded)
-- ARGV[1] session id, ARGV[2] most sessions allowed, ARGV[3] idle TTL, ms
-- Returns 1 added (or already there), 0 limit reached, -1 no such socket.
return joinSocket(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3])
