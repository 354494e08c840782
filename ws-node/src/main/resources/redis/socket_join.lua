-- The index-join routine of socket_add_session.lua and claim_open.lua (LuaScripts puts this text
-- before each): adds a session to its socket's index unless the socket is full; counts as use.
-- joinSocket(socket hash, socket's session set, session id, most sessions allowed, socket TTL ms)
-- Returns 1 added (or already there), 0 limit reached, -1 no such socket.
local function joinSocket(socket, index, sid, most, ttl)
  if redis.call('EXISTS', socket) == 0 then
    return -1
  end
  if redis.call('SISMEMBER', index, sid) == 0 then
    if redis.call('SCARD', index) >= tonumber(most) then
      return 0
    end
    redis.call('SADD', index, sid)
  end
  redis.call('PEXPIRE', socket, ttl)
  redis.call('PEXPIRE', index, ttl)
  return 1
end
